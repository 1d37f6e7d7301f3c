"""Compact transport of numpy arrays to the browser: base64 of the raw little-endian bytes.

`{"dtype": "float32", "shape": [n, 2], "data": "<base64>"}` is decoded by `LossViz.decode` in
assets/player.js into a typed array. Float32 halves the payload and keeps 7 significant digits,
more than a plot can show; hover values that must be exact are sent separately as float64.
"""

from __future__ import annotations

import base64
from typing import Any

import numpy as np

_DTYPES = {"float32": "<f4", "float64": "<f8", "uint8": "u1", "int32": "<i4"}


def encode_array(values: np.ndarray, dtype: str = "float32") -> dict[str, Any]:
    """Encode `values` as {dtype, shape, data} with data = base64 of C-ordered bytes."""
    array = np.ascontiguousarray(np.asarray(values), dtype=_DTYPES[dtype])
    return {
        "dtype": dtype,
        "shape": list(array.shape),
        "data": base64.b64encode(array.tobytes()).decode("ascii"),
    }


def decode_array(encoded: dict[str, Any]) -> np.ndarray:
    """Inverse of `encode_array` (used by tests and benchmarks)."""
    raw = base64.b64decode(encoded["data"])
    return np.frombuffer(raw, dtype=_DTYPES[encoded["dtype"]]).reshape(encoded["shape"])


def quantize_unit(values: np.ndarray) -> np.ndarray:
    """Probabilities in [0, 1] as uint8 0..255 (for decision-boundary frames)."""
    return np.clip(np.rint(np.asarray(values) * 255.0), 0, 255).astype(np.uint8)
