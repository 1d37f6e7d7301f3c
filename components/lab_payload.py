"""What the optimizer lab's browser code draws, as plain metadata and numpy arrays (no JAX).

The landscape part depends only on the landscape: it is served once per landscape by
`GET /api/landscape/<id>.bin` (serving/api/landscape.py) and cached by browsers and nginx.
Colours are a log scale of the cost gap, `level = log10(J − J* + offset)`, finite everywhere;
the browser recovers J for its read-outs as `10**level − offset + J*`.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def log_gap(values: np.ndarray, min_value: float, offset: float) -> np.ndarray:
    """The colour coordinate: log10(J − J* + offset), finite everywhere."""
    return np.log10(np.maximum(np.asarray(values, dtype=np.float64) - min_value, 0.0) + offset)


def log_offset(z: np.ndarray, min_value: float) -> float:
    """A small offset so log10 stays finite at the minimum yet resolves the valleys."""
    spread = float(np.median(z) - min_value)
    return max(spread * 1e-5, 1e-9)


def colorbar_ticks(low: float, high: float, offset: float) -> tuple[list[float], list[str]]:
    """Whole decades of J − J* inside [low, high] (log10 units) and their labels ('1e-3')."""
    decades = range(int(np.ceil(low)), int(np.floor(high)) + 1)
    values = [float(d) for d in decades if 10.0**d > offset * 1.5]
    return values, [f"{10.0**d:.0e}".replace("e+0", "e").replace("e-0", "e-") for d in values]


def landscape_meta(landscape: Any, z: np.ndarray) -> dict[str, Any]:
    """Everything about a landscape the page shows except the grid itself (JSON-able)."""
    offset = log_offset(z, landscape.min_value)
    level = log_gap(z, landscape.min_value, offset)
    low, high = float(level.min()), float(level.max())
    tickvals, ticktext = colorbar_ticks(low, high, offset)
    (x_min, x_max), (y_min, y_max) = landscape.domain
    return {
        "id": landscape.id,
        "title": landscape.title,
        "latex": landscape.latex,
        "note": landscape.note,
        "domain": [[float(x_min), float(x_max)], [float(y_min), float(y_max)]],
        "start": [float(v) for v in landscape.start],
        "min_value": float(landscape.min_value),
        "log_offset": offset,
        "level_range": [low, high],
        "colorbar": {"tickvals": tickvals, "ticktext": ticktext},
        "points": [
            {"x": float(p.x), "y": float(p.y), "value": float(p.value), "kind": p.kind}
            for p in (*landscape.minima, *landscape.saddles)
        ],
    }


def landscape_arrays(
    landscape: Any, xs: np.ndarray, ys: np.ndarray, z: np.ndarray
) -> dict[str, np.ndarray]:
    """The grid: axes and `level[i, j]` at (xs[j], ys[i]), float32 (only the picture needs it)."""
    offset = log_offset(z, landscape.min_value)
    return {
        "xs": np.asarray(xs, dtype=np.float32),
        "ys": np.asarray(ys, dtype=np.float32),
        "level": log_gap(z, landscape.min_value, offset).astype(np.float32),
    }
