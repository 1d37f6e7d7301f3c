"""assets/core/decode.js in Chromium reads exactly what components/encoding.py writes."""

from __future__ import annotations

import base64

import numpy as np
import pytest

from components.encoding import Delta8, pack
from landscapes import evaluate_grid, get_landscape

pytestmark = pytest.mark.browser

UNPACK_B64 = """(text) => {
    const raw = atob(text); const bytes = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    const {meta, arrays} = LossViz.unpack(bytes.buffer);
    const out = {};
    for (const [name, a] of Object.entries(arrays)) {
        out[name] = {shape: a.shape, kind: a.constructor.name, values: Array.from(a)};
    }
    return {meta, arrays: out};
}"""


def test_unpack_reads_raw_arrays_and_delta8_frames_bit_for_bit(page, live_server):
    page.goto(live_server + "/")
    page.wait_for_function("() => window.LossViz && LossViz.unpack")
    rng = np.random.default_rng(7)
    frames = np.cumsum(rng.normal(0, 0.05, (30, 17)), axis=0).astype(np.float32)
    frames[10:, 3] *= 1e4  # a segment whose step sizes jump by orders of magnitude
    delta = Delta8.encode(frames, [(0, 5), (5, 17)])
    arrays = {
        "f4": np.array([1.5, -2.25, 3.1415927], dtype=np.float32),
        "f8": np.array([[0.1, 1e-300], [-7.0, 2.0]]),
        "u1": np.array([0, 255, 7], dtype=np.uint8),
        "i4": np.array([-5, 2**31 - 1], dtype=np.int32),
        "frames": delta,
    }
    data = pack({"title": "x₁ → ŷ", "k": [1, 2]}, arrays)
    result = page.evaluate(UNPACK_B64, base64.b64encode(data).decode())
    assert result["meta"] == {"title": "x₁ → ŷ", "k": [1, 2]}
    kinds = {"f4": "Float32Array", "f8": "Float64Array", "u1": "Uint8Array", "i4": "Int32Array"}
    for name, kind in kinds.items():
        got = result["arrays"][name]
        assert got["kind"] == kind and got["shape"] == list(arrays[name].shape)
        np.testing.assert_array_equal(
            np.array(got["values"]).reshape(arrays[name].shape), arrays[name]
        )
    got = result["arrays"]["frames"]
    assert got["kind"] == "Float32Array" and got["shape"] == [30, 17]
    browser_frames = np.array(got["values"], dtype=np.float32).reshape(30, 17)
    np.testing.assert_array_equal(browser_frames, delta.decode())  # bit-identical


def test_fetch_data_reads_a_landscape_grid_and_remembers_it(page, live_server):
    page.goto(live_server + "/")
    page.wait_for_function("() => window.LossViz && LossViz.fetchData")
    version = page.evaluate(
        "() => fetch('/api/landscape/booth.bin').then(r => r.headers.get('cache-control'))"
    )
    assert version == "no-cache"  # no version in the URL: not immutable
    result = page.evaluate(
        """async () => {
            const url = '/api/landscape/booth.bin?v=test';
            const first = await LossViz.fetchData(url);
            const again = await LossViz.fetchData(url);
            return {same: first === again, meta: first.meta, xs: Array.from(first.arrays.xs),
                    level: Array.from(first.arrays.level.subarray(0, 200)),
                    shape: first.arrays.level.shape};
        }"""
    )
    assert result["same"] is True
    landscape = get_landscape("booth")
    xs, _, z = evaluate_grid("booth", 180)
    assert result["shape"] == [180, 180]
    np.testing.assert_allclose(result["xs"], xs.astype(np.float32), rtol=0, atol=0)
    offset = result["meta"]["log_offset"]
    expected = np.log10(np.maximum(z.ravel()[:200] - landscape.min_value, 0) + offset)
    np.testing.assert_allclose(result["level"], expected.astype(np.float32), rtol=1e-6)


def test_fetch_data_rejects_with_the_servers_sentence(page, live_server):
    page.goto(live_server + "/")
    page.wait_for_function("() => window.LossViz && LossViz.fetchData")
    message = page.evaluate(
        "() => LossViz.fetchData('/api/landscape/nope.bin').then(() => 'resolved', e => e.message)"
    )
    assert message == "Unknown landscape."
    # Chromium reports every 4xx answer on the console; that one was asked for.
    expected = "Failed to load resource: the server responded with a status of 400 (BAD REQUEST)"
    page.watch.console_errors.remove(expected)
