"""Network playground page, measured end to end through the real Dash endpoint.

    python benchmarks/playground.py [--samples 30] [--engine-repeats 15]

* ``train_4inits_500epochs_ms_p50``, ``numpy_reference_ms_p50``, ``speedup_vs_numpy``: from
  ``benchmarks/playground_engine.py``'s ``measure_engine()`` (the engine alone).
* ``callback_bytes``: the training callback's JSON (messages, text panels, the run's URL);
  ``run_payload_bytes`` / ``run_payload_bytes_gzip``: the run it names, GET
  /api/playground/run.bin as the browser receives it (raw / gzip as sent) for the default
  settings; ``run_payload_bytes_max`` / ``run_payload_bytes_max_gzip``: the same for the largest
  network the page allows (6 × 16 neurons, 2000 points, 2000 epochs; budget 1.5 MB gzip);
  ``compare_payload_bytes`` / ``_gzip``: the four-scheme comparison (default network) and
  ``compare_payload_bytes_max_gzip`` at the largest one.
* ``callback_ms_p95``: a settings change (the learning rate and the seed, distinct every time)
  through POST /_dash-update-component: validation and the run's URL, no training.
  ``change_to_run_ms_p95``: that callback plus the GET of its run (cache miss: training and
  encoding), what a student waits for; ``run_hit_ms_p95``: the same GET again (cache hit).
  ``compare_ms_p95``: the comparison's GET (four schemes, cache miss).

Wall-clock milliseconds on this machine (shared; see the ``*_cpu_ms`` figures of the engine
benchmark for CPU time). Last stdout line: one JSON object.
"""

from __future__ import annotations

import argparse
import gzip
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


def _get(client, url: str, deadline_s: float = 300.0) -> tuple[int, int, float]:
    """(raw bytes, bytes as sent with gzip, ms) of one data GET.

    A heavy run answers 202 ("training", Retry-After) until the training lane has it: ask
    again, as the page does, until the container (200) comes (the ms then include the wait);
    anything else is an error."""
    start = time.perf_counter()
    give_up = time.monotonic() + deadline_s
    while True:
        response = client.get(url, headers={"Accept-Encoding": "gzip"})
        if response.status_code != 202 or time.monotonic() > give_up:
            break
        time.sleep(min(5.0, max(0.2, float(response.headers.get("Retry-After", "1")))))
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, response.get_data(as_text=True)[:200]
    body = response.data
    raw = (
        len(gzip.decompress(body))
        if response.headers.get("Content-Encoding") == "gzip"
        else len(body)
    )
    return raw, len(body), elapsed


def measure_page(samples: int) -> dict[str, Any]:
    from app import app  # the module's own app (creating a second one would double callbacks)

    client = app.server.test_client()
    import pages.playground as page  # registered by the app
    from settings.playground import PlaygroundSettings, from_query

    spec = find_callback(client, "pg-run.data")
    base = _control_state(page, PlaygroundSettings())

    def train_call(changes: dict[str, Any]):
        values = dict(base)
        values.update(changes)
        start = time.perf_counter()
        response = post_callback(client, spec, values, list(changes) or [])
        elapsed = (time.perf_counter() - start) * 1000
        assert response.status_code == 200, response.status_code
        return response, elapsed

    def run_url(response) -> str:
        return response.get_json()["response"]["pg-run"]["data"]["fetch"][0]

    # Warm-up: compile the default programs (one scheme, four schemes) in this process.
    default_response, _ = train_call({})
    run_bytes, run_bytes_gzip, _ = _get(client, run_url(default_response))

    callbacks, misses, hits = [], [], []
    for i in range(samples):
        changes = {"pg-lr.value": f"{0.05 + 0.001 * (i + 1):.3f}", "pg-seed.value": str(100 + i)}
        response, callback_ms = train_call(changes)
        callbacks.append(callback_ms)
        _, _, miss_ms = _get(client, run_url(response))
        misses.append(callback_ms + miss_ms)
        _, _, hit_ms = _get(client, run_url(response))  # the same run again: the cache
        hits.append(hit_ms)

    largest, _ = train_call(
        {"pg-hidden.value": "16,16,16,16,16,16", "pg-n.value": "2000", "pg-epochs.value": "2000"}
    )
    assert largest.get_json()["response"]["pg-run"]["data"]["layers"][1:-1] == [16] * 6
    max_bytes, max_bytes_gzip, _ = _get(client, run_url(largest))
    max_query = "hidden=16,16,16,16,16,16&n=2000&epochs=2000"
    with app.server.test_request_context():
        compare_max_url = page.compare_store(from_query(max_query)[0])["fetch"][0]
    _, compare_max_gzip, _ = _get(client, compare_max_url)

    compare_times = []
    compare_bytes = compare_gzip = 0
    for i in range(max(3, samples // 5)):
        settings = from_query(f"seed={200 + i}")[0]
        with app.server.test_request_context():
            url = page.compare_store(settings)["fetch"][0]
        compare_bytes, compare_gzip, elapsed = _get(client, url)
        compare_times.append(elapsed)
    return {
        "callback_bytes": len(default_response.data),
        "run_payload_bytes": run_bytes,
        "run_payload_bytes_gzip": run_bytes_gzip,
        "run_payload_bytes_max": max_bytes,
        "run_payload_bytes_max_gzip": max_bytes_gzip,
        "compare_payload_bytes": compare_bytes,
        "compare_payload_bytes_gzip": compare_gzip,
        "compare_payload_bytes_max_gzip": compare_max_gzip,
        "callback_ms_p50": _p(callbacks, 50),
        "callback_ms_p95": _p(callbacks, 95),
        "change_to_run_ms_p50": _p(misses, 50),
        "change_to_run_ms_p95": _p(misses, 95),
        "run_hit_ms_p95": _p(hits, 95),
        "compare_ms_p95": _p(compare_times[1:] or compare_times, 95),
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
