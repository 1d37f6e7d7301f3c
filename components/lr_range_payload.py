"""The learning-rate range test as one LVZ1 container (numpy in, bytes out; no JAX here).

Arrays: ``rates`` f8 (printed in the hover), ``losses`` and ``smoothed`` f4 (only drawn; NaN
where a loss was not finite). Meta: the ramp, where it stopped, fastai's two suggestions
(None when too few points remain) with the smoothed loss at each, the stop line 4 × best,
and the playground queries that train with a suggestion (constant rate, or one-cycle).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from components.encoding import pack


def _point(rate: float | None, index: int | None, smoothed: np.ndarray) -> dict | None:
    if rate is None or index is None:
        return None
    return {"rate": float(rate), "index": int(index), "loss": float(smoothed[index])}


def lr_range_container(
    test: Any, cache_key: str, links: Mapping[str, str | None], stop_factor: float
) -> bytes:
    """``test`` is a ``playground.LRRangeTest``; ``links`` the playground queries by name."""
    smoothed = np.asarray(test.smoothed, np.float64)
    finite = smoothed[np.isfinite(smoothed)]
    best = float(finite.min()) if finite.size else None
    meta = {
        "kind": "lr_range",
        "key": cache_key,
        "startRate": test.start_lr,
        "endRate": test.end_lr,
        "steps": test.steps,
        "stoppedAt": test.stopped_at,
        "diverged": bool(test.diverged),
        "bestLoss": best,
        "stopLoss": None if best is None else stop_factor * best,
        "steepest": _point(test.steepest, test.steepest_index, smoothed),
        # the minimum's own point; the suggestion is its rate ÷ 10
        "minimum": _point(
            None if test.minimum_tenth is None else test.minimum_tenth * 10,
            test.minimum_index,
            smoothed,
        ),
        "minimumTenth": test.minimum_tenth,
        "links": dict(links),
    }
    arrays = {
        "rates": np.asarray(test.rates, "<f8"),
        "losses": np.asarray(test.losses, "<f4"),
        "smoothed": smoothed.astype("<f4"),
    }
    return pack(meta, arrays)
