"""`GET /api/skier/run.bin?<settings>&v=…`: the skier page's ride, one binary container.

The query is the page's canonical settings query (`SkierSettings.to_query()`); the ride is
computed once per shared cache (keyed by `SkierSettings.cache_key()`) and sent as an LVZ1
container (components/skier_payload.py). A query `settings.skier.from_query` cannot use as it
is gets a 400 with its sentence.
"""

from __future__ import annotations

from components.skier_payload import skier_container
from landscapes.curves import CURVES, curve_samples
from optimizers import OPTIMIZERS
from optimizers.skier import ski
from serving.api import (
    api,
    binary_response,
    data_url,
    remember_query,
    settings_get,
    settings_of_data_query,
)
from settings.query import PASSTHROUGH_KEYS
from settings.skier import SkierSettings, from_query, known_keys

PATH = "skier/run.bin"
ENDPOINT = "skier"
SKIER_COLORS = ("#0072B2", "#D55E00", "#009E73")  # Okabe–Ito, one per skier row


def skier_url(settings: SkierSettings) -> str:
    return data_url(PATH, settings.to_query())


def settings_from_query(query: str) -> tuple[SkierSettings | None, str]:
    """The settings of a data URL's query, or None and the sentence saying why not."""
    return settings_of_data_query(
        query,
        known=known_keys() - set(PASSTHROUGH_KEYS),
        what="skier run",
        parse=from_query,
        refusal="These settings cannot be run as they are:",
    )


def _answer(settings: SkierSettings):  # type: ignore[no-untyped-def]
    remember_query(ENDPOINT, settings.cache_key())
    return binary_response(settings.cache_key(), lambda: skier_bytes(settings))


def skier_bytes(settings: SkierSettings) -> bytes:
    curve = CURVES[settings.curve]
    runs = ski(curve.id, settings.start, settings.configs(), settings.steps)
    rows = []
    for (key, rule, rate), run in zip(settings.skiers(), runs, strict=True):
        spec = OPTIMIZERS[rule]
        index = int(key[1]) - 1
        meta = {"key": key, "rule": rule, "title": spec.title, "latex": list(spec.latex),
                "lr": rate, "color": SKIER_COLORS[index]}  # fmt: skip
        rows.append((meta, run))
    described = {
        "id": curve.id,
        "title": curve.title,
        "latex": curve.latex,
        "note": curve.note,
        "domain": list(curve.domain),
        "minima": [{"w": m.w, "value": m.value, "kind": m.kind} for m in curve.minima],
    }
    return skier_container(settings.cache_key(), described, curve_samples(curve), rows)


@api.get("/skier/run.bin")
def skier_run():  # type: ignore[no-untyped-def]
    return settings_get(ENDPOINT, settings_from_query, _answer)
