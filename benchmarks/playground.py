"""Network playground page, measured end to end through the real Dash endpoint.

    python benchmarks/playground.py [--samples 30] [--engine-repeats 15]

* ``train_4inits_500epochs_ms_p50``, ``numpy_reference_ms_p50``, ``speedup_vs_numpy``: from
  ``benchmarks/playground_engine.py``'s ``measure_engine()`` (the engine alone).
* ``run_payload_bytes``: one whole playback as the browser receives it (the HTTP response of the
  training callback for the default settings: figures + every snapshot's arrays);
  ``run_payload_bytes_max``: the same for the largest network the page allows (6 × 16 neurons,
  2000 points, 2000 epochs); ``compare_payload_bytes``: the four-scheme comparison.
* ``callback_ms_p95``: a settings change (the learning rate and the seed, distinct every time so
  the result cache misses) through POST /_dash-update-component, after warm-up: validation,
  training, figures, encoding and JSON. ``callback_hit_ms_p95``: the same request again (cache
  hit). ``compare_callback_ms_p95``: opening the comparison (four schemes, cache miss).

Wall-clock milliseconds on this machine (shared; see the ``*_cpu_ms`` figures of the engine
benchmark for CPU time). Last stdout line: one JSON object.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
# The repository first: this file's own name must not shadow the `playground` package.
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "benchmarks")]

from dash_http import find_callback, post_callback  # noqa: E402
from playground_engine import measure_engine  # noqa: E402


def _control_state(module, settings) -> dict[str, Any]:
    values = module.control_values(settings)
    state: dict[str, Any] = {f"pg-{key}.value": values[key] for key in module.CONTROL_KEYS}
    for optimizer, name in module.HP_CONTROLS:
        state[f"pg-hp-{optimizer}-{name}.value"] = values[f"hp.{optimizer}.{name}"]
    for schedule, name in module.SP_CONTROLS:
        state[f"pg-sp-{schedule}-{name}.value"] = values[f"sp.{schedule}.{name}"]
    state["pg-query.data"] = {"train": settings.to_query(view=False), "key": None}
    state["pg-url-messages.data"] = []
    return state


def _p(values: list[float], q: float) -> float:
    return round(float(np.percentile(values, q)), 2)


def measure_page(samples: int) -> dict[str, Any]:
    from app import app  # the module's own app (creating a second one would double callbacks)

    client = app.server.test_client()
    import pages.playground as page  # registered by the app
    from settings.playground import PlaygroundSettings

    spec = find_callback(client, "pg-run.data")
    compare_spec = find_callback(client, "pg-cmp.data")
    base = _control_state(page, PlaygroundSettings())

    def train_call(changes: dict[str, Any]):
        values = dict(base)
        values.update(changes)
        start = time.perf_counter()
        response = post_callback(client, spec, values, list(changes) or [])
        elapsed = (time.perf_counter() - start) * 1000
        assert response.status_code == 200, response.status_code
        return response, elapsed

    # Warm-up: compile the default programs (one scheme, four schemes) in this process.
    default_response, _ = train_call({})
    run_payload_bytes = len(default_response.data)
    key = default_response.get_json()["response"]["pg-query"]["data"]

    misses, hits = [], []
    for i in range(samples):
        changes = {"pg-lr.value": f"{0.05 + 0.001 * (i + 1):.3f}", "pg-seed.value": str(100 + i)}
        _, elapsed = train_call(changes)
        misses.append(elapsed)
        _, elapsed = train_call(changes)  # the same settings again: served from the cache
        hits.append(elapsed)

    largest, _ = train_call(
        {"pg-hidden.value": "16,16,16,16,16,16", "pg-n.value": "2000", "pg-epochs.value": "2000"}
    )
    assert largest.get_json()["response"]["pg-run"]["data"]["layers"][1:-1] == [16] * 6

    compare_times = []
    compare_bytes = 0
    for i in range(max(3, samples // 5)):
        stored = {**key, "train": f"seed={200 + i}"}
        values = {"pg-tab.value": "compare", "pg-query.data": stored, "pg-cmp-key.data": None}
        start = time.perf_counter()
        response = post_callback(client, compare_spec, values, ["pg-tab.value"])
        compare_times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
        compare_bytes = len(response.data)
    return {
        "run_payload_bytes": run_payload_bytes,
        "run_payload_bytes_max": len(largest.data),
        "compare_payload_bytes": compare_bytes,
        "callback_ms_p50": _p(misses, 50),
        "callback_ms_p95": _p(misses, 95),
        "callback_hit_ms_p50": _p(hits, 50),
        "callback_hit_ms_p95": _p(hits, 95),
        "compare_callback_ms_p95": _p(compare_times[1:] or compare_times, 95),
        "callback_samples": samples,
        "payload_budget_bytes": 1_500_000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=30)
    parser.add_argument("--engine-repeats", type=int, default=15)
    args = parser.parse_args()
    engine = measure_engine(args.engine_repeats)
    page = measure_page(args.samples)
    result = {
        "train_4inits_500epochs_ms_p50": engine["train_4inits_500epochs_ms_p50"],
        "numpy_reference_ms_p50": engine["numpy_reference_ms_p50"],
        "speedup_vs_numpy": engine["speedup_vs_numpy"],
        **page,
        "engine": engine,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
