"""Compact transport of numpy arrays to the browser (no JAX here; numpy in, bytes out): one
codec for both pages. Anything an array: a landscape's grid, a lab run, a playground run, is a
binary GET response, `pack(meta, arrays)`, one "LVZ1" container decoded by `LossViz.unpack`
(assets/core/decode.js)::

    b"LVZ1" | uint32 LE header length | UTF-8 JSON header | zero padding to 8 | blobs

The header is `{"meta": {...}, "arrays": {name: {"dtype", "shape", "offset", "nbytes",
"codec"}}}`; offsets count from the start of the container and are 8-byte aligned, so the
browser views each blob as a typed array without copying. `dtype` is one of f4 f8 i1 u1 i2
u2 i4 u4 (little-endian). Callbacks send no arrays: only the URLs of containers.

Codecs: "raw" (the array's bytes) and "delta8" (`Delta8`): per-epoch network parameters,
closed-loop 8-bit deltas. Frame 0 is stored as float32; for each later frame t and each
segment (a layer's W or b) one float32 scale s_t = max|w_t − ŵ_{t−1}| / 127 and int8
q_t = round((w_t − ŵ_{t−1}) / s_t); the reconstruction ŵ_t = f32(ŵ_{t−1} + f32(s_t · q_t)) is
what the encoder itself continues from, so errors never accumulate:
|w_t − ŵ_t| <= s_t / 2 = max|Δ| / 254 per segment and frame. A 1425-parameter network over
1001 epochs costs 1.4 MB instead of 5.7 MB of float32, and gzip shrinks the small deltas
further.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

MAGIC = b"LVZ1"
ALIGN = 8
# Container dtype codes and their numpy equivalents (little-endian).
CONTAINER_DTYPES = {
    "f4": "<f4",
    "f8": "<f8",
    "i1": "i1",
    "u1": "u1",
    "i2": "<i2",
    "u2": "<u2",
    "i4": "<i4",
    "u4": "<u4",
}
_CODE_OF = {np.dtype(v).str: k for k, v in CONTAINER_DTYPES.items()}


# ---- delta8: per-epoch parameter frames ---------------------------------------------------------


@dataclass(frozen=True)
class Delta8:
    """Frames (T, P) of float32 parameters in the closed-loop 8-bit delta form.

    `segments` are the (start, stop) column ranges that share one scale per frame (one per
    layer's W and b: their step sizes differ by orders of magnitude). Columns outside every
    segment are not allowed.
    """

    first: np.ndarray  # (P,) float32, frame 0 exactly
    scales: np.ndarray  # (T - 1, n_segments) float32
    steps: np.ndarray  # (T - 1, P) int8
    segments: tuple[tuple[int, int], ...]

    @property
    def shape(self) -> tuple[int, int]:
        return (self.steps.shape[0] + 1, self.first.shape[0])

    @property
    def nbytes(self) -> int:
        return self.first.nbytes + self.scales.nbytes + self.steps.nbytes

    @classmethod
    def encode(cls, frames: np.ndarray, segments: Sequence[tuple[int, int]]) -> Delta8:
        """Quantize `frames` (T, P); non-finite values are not allowed (runs stop before)."""
        frames = np.asarray(frames, dtype=np.float32)
        if frames.ndim != 2 or frames.shape[0] < 1:
            raise ValueError(f"frames must be (T >= 1, P), got {frames.shape}")
        if not np.all(np.isfinite(frames)):
            raise ValueError("frames must be finite")
        segments = tuple((int(a), int(b)) for a, b in segments)
        covered = np.zeros(frames.shape[1], dtype=bool)
        for start, stop in segments:
            if not 0 <= start < stop <= frames.shape[1] or covered[start:stop].any():
                raise ValueError(f"bad or overlapping segment {(start, stop)}")
            covered[start:stop] = True
        if not covered.all():
            raise ValueError("segments must cover every column")
        count, width = frames.shape
        scales = np.zeros((count - 1, len(segments)), dtype=np.float32)
        steps = np.zeros((count - 1, width), dtype=np.int8)
        # Per-column scale index, so one frame is a handful of vector operations; the segments
        # tile the columns, so each one's peak is one `maximum.reduceat` in column order.
        column_segment = np.empty(width, dtype=np.intp)
        for index, (start, stop) in enumerate(segments):
            column_segment[start:stop] = index
        in_column_order = sorted(range(len(segments)), key=lambda i: segments[i][0])
        starts = np.array([segments[i][0] for i in in_column_order], dtype=np.intp)
        to_segment_order = np.argsort(in_column_order)
        frames64 = frames.astype(np.float64)
        reconstructed = frames[0].copy()
        delta, per_column, q = np.empty(width), np.empty(width), np.empty(width)
        increment = np.empty(width, dtype=np.float32)
        for t in range(1, count):
            np.subtract(frames64[t], reconstructed, out=delta)  # float64: the exact residual
            peak = np.maximum.reduceat(np.abs(delta), starts)[to_segment_order]
            scale = (peak / 127.0).astype(np.float32)
            scale_per_column = scale[column_segment]
            per_column[:] = scale_per_column
            q.fill(0.0)  # a segment with no change keeps scale 0 and steps 0
            np.divide(delta, per_column, out=q, where=per_column > 0)
            np.clip(np.rint(q, out=q), -127, 127, out=q)
            scales[t - 1] = scale
            steps[t - 1] = q
            # decode_step, in place: ŵ_t = f32(ŵ_{t−1} + f32(s · q)), as the browser rounds.
            np.multiply(scale_per_column, steps[t - 1], out=increment, casting="unsafe")
            reconstructed = reconstructed + increment
        return cls(frames[0].copy(), scales, steps, segments)

    def decode(self) -> np.ndarray:
        """(T, P) float32 reconstruction, bit-identical to `LossViz.decodeDelta8`."""
        count, width = self.shape
        out = np.empty((count, width), dtype=np.float32)
        out[0] = self.first
        column_segment = np.empty(width, dtype=np.intp)
        for index, (start, stop) in enumerate(self.segments):
            column_segment[start:stop] = index
        for t in range(1, count):
            out[t] = decode_step(out[t - 1], self.scales[t - 1][column_segment], self.steps[t - 1])
        return out


def decode_step(previous: np.ndarray, scale: np.ndarray, q: np.ndarray) -> np.ndarray:
    """ŵ_t = f32(ŵ_{t−1} + f32(s · q)), every operation rounded to float32 as the browser does."""
    increment = (scale.astype(np.float32) * q.astype(np.float32)).astype(np.float32)
    return (previous.astype(np.float32) + increment).astype(np.float32)


# ---- the container ------------------------------------------------------------------------------


def _aligned(size: int) -> int:
    return -(-size // ALIGN) * ALIGN


def pack(meta: Mapping[str, Any], arrays: Mapping[str, np.ndarray | Delta8]) -> bytes:
    """One LVZ1 container holding JSON `meta` and the named arrays (see the module docstring)."""
    blobs: list[tuple[str, dict[str, Any], bytes]] = []
    for name, value in arrays.items():
        if isinstance(value, Delta8):
            parts = [value.first.astype("<f4"), value.scales.astype("<f4"), value.steps]
            body = b"".join(_padded(np.ascontiguousarray(p).tobytes()) for p in parts)
            spec = {
                "dtype": "f4",
                "shape": list(value.shape),
                "codec": "delta8",
                "segments": [list(s) for s in value.segments],
            }
        else:
            array = np.ascontiguousarray(value)
            little = array.dtype.newbyteorder("<") if array.dtype.byteorder == ">" else array.dtype
            code = _CODE_OF.get(little.str)
            if code is None:
                raise ValueError(f"{name}: dtype {array.dtype} cannot be sent")
            array = array.astype(CONTAINER_DTYPES[code], copy=False)
            body = array.tobytes()
            spec = {"dtype": code, "shape": list(array.shape), "codec": "raw"}
        blobs.append((name, spec, body))

    def header_bytes(offset0: int) -> tuple[bytes, dict[str, Any]]:
        specs: dict[str, Any] = {}
        offset = offset0
        for name, spec, body in blobs:
            specs[name] = {**spec, "offset": offset, "nbytes": len(body)}
            offset = _aligned(offset + len(body))
        text = json.dumps({"meta": meta, "arrays": specs}, separators=(",", ":"), allow_nan=False)
        return text.encode(), specs

    # The header's own length shifts the offsets: iterate until it is stable (twice at most).
    start = 0
    for _ in range(4):
        header, _ = header_bytes(start)
        new_start = _aligned(8 + len(header))
        if new_start == start:
            break
        start = new_start
    header, specs = header_bytes(start)
    out = bytearray(MAGIC + struct.pack("<I", len(header)) + header)
    out += b"\0" * (start - len(out))
    for name, _, body in blobs:
        assert len(out) == specs[name]["offset"]
        out += body
        out += b"\0" * (_aligned(len(out)) - len(out))
    return bytes(out)


def _padded(data: bytes) -> bytes:
    return data + b"\0" * (_aligned(len(data)) - len(data))


def unpack(data: bytes) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """(meta, arrays) of an LVZ1 container; delta8 arrays come back decoded (tests, notebooks)."""
    if data[:4] != MAGIC:
        raise ValueError("not an LVZ1 container")
    (length,) = struct.unpack("<I", data[4:8])
    header = json.loads(data[8 : 8 + length].decode())
    arrays: dict[str, np.ndarray] = {}
    for name, spec in header["arrays"].items():
        offset, shape = spec["offset"], tuple(spec["shape"])
        if spec["codec"] == "delta8":
            count, width = shape
            n_segments = len(spec["segments"])
            first = np.frombuffer(data, "<f4", width, offset)
            offset += _aligned(first.nbytes)
            scales = np.frombuffer(data, "<f4", (count - 1) * n_segments, offset)
            offset += _aligned(scales.nbytes)
            steps = np.frombuffer(data, "i1", (count - 1) * width, offset)
            arrays[name] = Delta8(
                first,
                scales.reshape(count - 1, n_segments),
                steps.reshape(count - 1, width),
                tuple(tuple(s) for s in spec["segments"]),
            ).decode()
        else:
            dtype = np.dtype(CONTAINER_DTYPES[spec["dtype"]])
            count = int(np.prod(shape)) if shape else 1
            arrays[name] = np.frombuffer(data, dtype, count, offset).reshape(shape)
    return header["meta"], arrays
