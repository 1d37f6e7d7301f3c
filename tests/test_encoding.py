"""The binary container and the delta8 codec: round trips, the error bound, hostile shapes."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from components.encoding import Delta8, pack, unpack


def test_pack_round_trips_every_dtype_and_meta():
    arrays = {
        "f4": np.linspace(-1, 1, 7, dtype=np.float32),
        "f8": np.array([[1.5, -2e-300], [np.pi, 1e300]]),
        "i1": np.array([-128, 0, 127], dtype=np.int8),
        "u1": np.arange(5, dtype=np.uint8),
        "i2": np.array([-3, 4], dtype=np.int16),
        "u2": np.array([65535], dtype=np.uint16),
        "i4": np.array([[1, 2, 3]], dtype=np.int32),
        "u4": np.array([], dtype=np.uint32),
    }
    meta = {"title": "Himmelblau — J*", "n": 3, "nested": {"a": [1, None]}}
    data = pack(meta, arrays)
    assert data[:4] == b"LVZ1"
    got_meta, got = unpack(data)
    assert got_meta == meta
    for name, array in arrays.items():
        assert got[name].dtype == array.dtype.newbyteorder("<") or got[name].dtype == array.dtype
        assert got[name].shape == array.shape
        np.testing.assert_array_equal(got[name], array)


def test_blobs_are_eight_byte_aligned():
    data = pack({"x": "odd"}, {"a": np.arange(3, dtype=np.uint8), "b": np.ones(3)})
    import json
    import struct

    (length,) = struct.unpack("<I", data[4:8])
    specs = json.loads(data[8 : 8 + length])["arrays"]
    assert all(spec["offset"] % 8 == 0 for spec in specs.values())


def test_unsupported_dtype_and_nan_meta_are_refused():
    with pytest.raises(ValueError):
        pack({}, {"a": np.arange(3, dtype=np.int64)})
    with pytest.raises(ValueError):
        pack({"bad": float("nan")}, {})


frames_strategy = hnp.arrays(
    np.float32,
    st.tuples(st.integers(1, 12), st.integers(1, 9)),
    elements=st.floats(-1e4, 1e4, width=32),
)


@settings(max_examples=200, deadline=None)
@given(frames=frames_strategy, split=st.integers(0, 8))
def test_delta8_error_is_bounded_by_the_largest_step(frames, split):
    """|w_t − ŵ_t| <= max|w_t − ŵ_{t−1}| / 254 per segment, plus float32 rounding of ŵ.

    (Steps within 127 subnormals of zero lose their scale to float32 underflow: the floor.)"""
    width = frames.shape[1]
    cut = min(max(split, 1), width)
    segments = [(0, cut)] + ([(cut, width)] if cut < width else [])
    encoded = Delta8.encode(frames, segments)
    decoded = encoded.decode()
    assert decoded.shape == frames.shape
    np.testing.assert_array_equal(decoded[0], frames[0])
    for t in range(1, frames.shape[0]):
        for start, stop in segments:
            step = np.abs(frames[t, start:stop].astype(np.float64) - decoded[t - 1, start:stop])
            bound = (
                step.max() / 254 * (1 + 1e-6)
                # float32 rounding of ŵ (two roundings: f32(s·q), then the sum)
                + 2
                * float(np.spacing(np.float32(np.abs(frames[t, start:stop]).max() + step.max())))
                + 128 * float(np.finfo(np.float32).smallest_subnormal)
            )
            error = np.abs(frames[t, start:stop].astype(np.float64) - decoded[t, start:stop])
            assert error.max() <= bound


def _delta8_one_frame_at_a_time(frames: np.ndarray, segments) -> tuple[np.ndarray, np.ndarray]:
    """The closed-loop quantizer written plainly, one segment at a time: the oracle."""
    reconstructed = frames[0].astype(np.float32)
    scales, steps = [], []
    for t in range(1, len(frames)):
        scale_row, step_row = (
            np.zeros(len(segments), np.float32),
            np.zeros(frames.shape[1], np.int8),
        )
        increment = np.zeros(frames.shape[1], np.float32)
        for index, (start, stop) in enumerate(segments):
            delta = frames[t, start:stop].astype(np.float64) - reconstructed[start:stop]
            scale = np.float32(np.abs(delta).max() / 127.0)
            q = np.clip(np.rint(delta / np.float64(scale)), -127, 127) if scale > 0 else 0 * delta
            scale_row[index], step_row[start:stop] = scale, q.astype(np.int8)
            increment[start:stop] = scale * step_row[start:stop].astype(np.float32)
        reconstructed = (reconstructed + increment).astype(np.float32)
        scales.append(scale_row)
        steps.append(step_row)
    width = frames.shape[1]
    return (
        np.array(scales, np.float32).reshape(-1, len(segments)),
        np.array(steps, np.int8).reshape(-1, width),
    )


@settings(max_examples=100, deadline=None)
@given(frames=frames_strategy, split=st.integers(1, 8), constant=st.booleans())
def test_delta8_encodes_as_the_plain_per_segment_loop(frames, split, constant):
    """The vectorized encoder (one reduceat per frame) gives the plain loop's bytes, with the
    segments listed out of column order and a segment that never changes."""
    frames = frames.copy()
    width = frames.shape[1]
    if width < 2:
        return
    cut = min(split, width - 1)
    if constant:
        frames[:, cut:] = frames[0, cut:]
    segments = [(cut, width), (0, cut)]
    encoded = Delta8.encode(frames, segments)
    scales, steps = _delta8_one_frame_at_a_time(frames, segments)
    np.testing.assert_array_equal(encoded.scales, scales)
    np.testing.assert_array_equal(encoded.steps, steps)


def test_delta8_survives_the_container():
    rng = np.random.default_rng(3)
    frames = np.cumsum(rng.normal(0, 0.01, (40, 200)), axis=0).astype(np.float32)
    encoded = Delta8.encode(frames, [(0, 150), (150, 200)])
    _, arrays = unpack(pack({}, {"w": encoded}))
    np.testing.assert_array_equal(arrays["w"], encoded.decode())
    assert encoded.nbytes < frames.nbytes / 3


@pytest.mark.parametrize(
    "segments",
    [[(0, 3)], [(0, 5), (4, 6)], [(0, 6), (6, 7)], [(2, 2), (0, 6)]],
)
def test_delta8_refuses_bad_segments(segments):
    with pytest.raises(ValueError):
        Delta8.encode(np.zeros((3, 6), np.float32), segments)


def test_delta8_refuses_non_finite_frames():
    frames = np.zeros((3, 2), np.float32)
    frames[2, 1] = np.inf
    with pytest.raises(ValueError):
        Delta8.encode(frames, [(0, 2)])
