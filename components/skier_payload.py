"""The skier's ride as one LVZ1 container (numpy in, bytes out; no JAX here).

Arrays: the curve ``curve.w`` / ``curve.loss`` (f8, 401 samples of its domain) and per skier
``<key>.w``, ``<key>.loss``, ``<key>.slope`` (f8: the page prints them) and ``<key>.lr`` (f4,
drawn only). Meta: the curve (title, formula, note, domain, minima) and each skier's rule,
title, update equations, colour, η and where it diverged.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from components.encoding import pack


def skier_container(
    cache_key: str,
    curve: Mapping[str, Any],
    samples: tuple[np.ndarray, np.ndarray],
    skiers: Sequence[tuple[Mapping[str, Any], Any]],
) -> bytes:
    """``skiers`` are (meta, run) pairs: the row's description and its ``optimizers.skier.SkierRun``."""
    arrays: dict[str, np.ndarray] = {
        "curve.w": np.asarray(samples[0], "<f8"),
        "curve.loss": np.asarray(samples[1], "<f8"),
    }
    rows = []
    for meta, run in skiers:
        key = meta["key"]
        arrays[f"{key}.w"] = np.asarray(run.w, "<f8")
        arrays[f"{key}.loss"] = np.asarray(run.loss, "<f8")
        arrays[f"{key}.slope"] = np.asarray(run.slope, "<f8")
        arrays[f"{key}.lr"] = np.asarray(run.lr, "<f4")
        rows.append({**meta, "divergedAt": run.diverged_at, "points": len(run.w)})
    return pack({"kind": "skier", "key": cache_key, "curve": dict(curve), "skiers": rows}, arrays)
