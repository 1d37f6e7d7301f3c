"""SGD vs minibatch vs full batch as one LVZ1 container (numpy in, bytes out; no JAX here).

Arrays: the data ``x``, ``y`` (f8); per method ``<key>.params`` (U + 1, 2) f8 (the page prints
w and b), ``<key>.loss`` (U + 1,) f8 full loss after each update, ``<key>.batchLoss`` (U,) f4,
and the epochs' permutations ``order`` (epochs, n) u1/u2 (which points each batch holds).
Meta: the true line, the least-squares line and its loss (the bottom of the bowl), and per
method its title, batch size, η, updates per epoch and colour.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from components.encoding import pack


def regression_container(
    cache_key: str,
    data: Any,
    best: Mapping[str, float],
    methods: Sequence[tuple[Mapping[str, Any], Any]],
) -> bytes:
    """``data`` is an ``optimizers.regression.RegressionData``; ``methods`` (meta, path) pairs."""
    arrays: dict[str, np.ndarray] = {"x": np.asarray(data.x, "<f8"), "y": np.asarray(data.y, "<f8")}
    rows = []
    order = None
    for meta, path in methods:
        key = meta["key"]
        arrays[f"{key}.params"] = np.asarray(path.params, "<f8")
        arrays[f"{key}.loss"] = np.asarray(path.loss, "<f8")
        arrays[f"{key}.batchLoss"] = np.asarray(path.batch_loss, "<f4")
        rows.append({**meta, "updates": len(path.params) - 1, "perEpoch": path.epoch_updates})
        order = path.order
    if order is not None:
        arrays["order"] = np.asarray(order, "<u2")
    meta = {
        "kind": "regression",
        "key": cache_key,
        "true": {"w": data.true_w, "b": data.true_b, "noise": data.noise},
        "best": dict(best),
        "methods": rows,
    }
    return pack(meta, arrays)
