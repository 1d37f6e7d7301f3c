"""The network loss landscape page's logic as plain functions (no callbacks): the text its
controls show, the summary of the network in use, the link back to the playground, the store
naming the container to fetch, and the messages beside each control. pages/network_landscape.py
wires them."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from playground import ACTIVATIONS, DATASETS, INIT_SCHEMES, OPTIMIZERS
from serving.api.network import landscape_url
from settings.fields import format_float
from settings.network_landscape import (
    FIELD_OF,
    FIELDS,
    NetworkLandscapeSettings,
    from_query,
)

PLAYGROUND_PATH = "/playground"
CONTROL_KEYS = tuple(f.key for f in FIELDS)
TEXT_KEYS = ("span", "res", "dirseed")


def control_values(settings: NetworkLandscapeSettings) -> dict[str, str]:
    """The text each landscape control shows (its URL text)."""
    return settings.landscape_flat()


def control_hints() -> dict[str, str]:
    """The valid values of the text controls, as the page writes them."""
    span_high = FIELD_OF["span"].bounds[1]
    low, high = FIELD_OF["res"].bounds
    return {
        "span": f"0 < span ≤ {format_float(span_high)} (θ* ± span·d)",
        "res": f"odd, {low} – {high} points a side",
        "dirseed": "a whole number ≥ 0",
    }


def raw_from_controls(values: Mapping[str, Any]) -> dict[str, Any]:
    """The controls' values in the settings vocabulary (the checkbox as on/off)."""
    raw = {key: values.get(key) for key in CONTROL_KEYS}
    biases = values.get("biases")
    raw["biases"] = isinstance(biases, list) and "on" in biases
    return raw


def network_summary(settings: NetworkLandscapeSettings) -> list[str]:
    """A few lines naming the playground network in use."""
    c = settings.network.config
    hidden = " × ".join(str(n) for n in c.hidden)
    batch = "full batch" if c.batch_size is None else f"batch {c.batch_size}"
    return [
        f"{DATASETS[c.dataset].title}, {c.n_samples} points (noise {format_float(c.noise)})",
        f"Hidden layers {hidden}, {ACTIVATIONS[c.activation].title}",
        f"{INIT_SCHEMES[c.init].title} initialization, seed {c.seed}",
        f"{OPTIMIZERS[c.optimizer].title}, η₀ = {format_float(c.lr)}, {batch}, {c.epochs} epochs",
    ]


def playground_href(settings: NetworkLandscapeSettings, passthrough: Mapping[str, str]) -> str:
    """The playground with this network (and the presentation mode, if on)."""
    keep = {k: v for k, v in passthrough.items() if k == "present"}
    query = settings.network_query(keep)
    return f"{PLAYGROUND_PATH}?{query}" if query else PLAYGROUND_PATH


def landscape_store(settings: NetworkLandscapeSettings) -> dict[str, Any]:
    """What the browser needs to fetch and label the landscape (a few hundred bytes)."""
    return {
        "kind": "network-landscape",
        "key": settings.cache_key(),
        "fetch": [landscape_url(settings)],
        "directions": settings.directions,
        "summary": settings.summary(),
    }


def query_store(settings: NetworkLandscapeSettings) -> dict[str, Any]:
    """The page's canonical query (what the URL shows) and the landscape's cache key."""
    return {"query": settings.to_query(view=False), "key": settings.cache_key()}


def stored_settings(stored: Any) -> NetworkLandscapeSettings:
    """The settings the page shows now, from its query store (malformed: the defaults)."""
    query = stored.get("query") if isinstance(stored, dict) else None
    return _settings_of_query(query if isinstance(query, str) else "")


@functools.lru_cache(maxsize=256)
def _settings_of_query(query: str) -> NetworkLandscapeSettings:
    return from_query(query)[0]


def field_messages(invalid: Mapping[str, str]) -> dict[str, str]:
    """The message beside each control ("" where its value is good)."""
    return {key: invalid.get(key, "") for key in CONTROL_KEYS}


def input_classes(invalid: Mapping[str, str]) -> dict[str, str]:
    """Each text control's class, outlined where its value was rejected."""
    return {key: "nl-input invalid" if key in invalid else "nl-input" for key in TEXT_KEYS}
