"""`GET /api/sgd/run.bin?<settings>&v=…`: SGD, a minibatch and full batch on one regression.

The query is the page's canonical settings query (`RegressionSettings.to_query()`); the runs
are computed once per shared cache (keyed by `RegressionSettings.cache_key()`) and sent as an
LVZ1 container (components/regression_payload.py). A query `settings.regression.from_query`
cannot use as it is gets a 400 with its sentence.
"""

from __future__ import annotations

import numpy as np

from components.regression_payload import regression_container
from optimizers.regression import full_loss, make_data, run_methods
from serving.api import (
    api,
    binary_response,
    data_url,
    remember_query,
    settings_get,
    settings_of_data_query,
)
from settings.query import PASSTHROUGH_KEYS
from settings.regression import RegressionSettings, from_query, known_keys

PATH = "sgd/run.bin"
ENDPOINT = "sgd"
METHOD_COLORS = {"sgd": "#D55E00", "minibatch": "#0072B2", "full": "#009E73"}  # Okabe–Ito


def regression_url(settings: RegressionSettings) -> str:
    return data_url(PATH, settings.to_query())


def settings_from_query(query: str) -> tuple[RegressionSettings | None, str]:
    """The settings of a data URL's query, or None and the sentence saying why not."""
    return settings_of_data_query(
        query,
        known=known_keys() - set(PASSTHROUGH_KEYS),
        what="regression run",
        parse=from_query,
        refusal="These settings cannot be run as they are:",
    )


def least_squares(data) -> dict[str, float]:
    """The line minimising the full loss (numpy's lstsq) and that loss."""
    design = np.stack([data.x, np.ones_like(data.x)], axis=1)
    (w, b), *_ = np.linalg.lstsq(design, data.y, rcond=None)
    return {"w": float(w), "b": float(b), "loss": float(full_loss(data, w, b))}


def regression_bytes(settings: RegressionSettings) -> bytes:
    data = make_data(settings.n, settings.noise, settings.truew, settings.trueb, settings.dseed)
    methods = settings.methods()
    paths = run_methods(
        data,
        [size for _, _, size, _ in methods],
        [rate for _, _, _, rate in methods],
        settings.epochs,
        (settings.w0, settings.b0),
        settings.seed,
    )
    rows = [
        ({"key": key, "title": title, "batch": size, "lr": rate, "color": METHOD_COLORS[key]}, path)
        for (key, title, size, rate), path in zip(methods, paths, strict=True)
    ]
    return regression_container(settings.cache_key(), data, least_squares(data), rows)


def _answer(settings: RegressionSettings):  # type: ignore[no-untyped-def]
    remember_query(ENDPOINT, settings.cache_key())
    return binary_response(settings.cache_key(), lambda: regression_bytes(settings))


@api.get("/sgd/run.bin")
def regression_run():  # type: ignore[no-untyped-def]
    return settings_get(ENDPOINT, settings_from_query, _answer)
