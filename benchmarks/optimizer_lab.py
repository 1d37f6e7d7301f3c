"""Optimizer lab benchmark: engine speed, recompiles, the page's callback and its run endpoint.

    python benchmarks/optimizer_lab.py [--repeats 200]

The last stdout line is one JSON object (figures in milliseconds and bytes). The engine's
figures, including issue 8's ``trajectory_8_rows_ms_p50``, ``recompiles_on_row_change`` and
``files_touched_to_add_rule``, come from ``benchmarks/optimizer_engine.py``. Callback times
are server time through the real `/_dash-update-component` endpoint (Flask test client: the
whole Dash request path, no socket) for learning-rate changes that miss the cache; each is
followed by the GET of the run URL it names (`/api/lab/run.bin`), where the engine runs (a
miss every time: a new learning rate), then the same GET again from the shared cache (hit).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "benchmarks")]


def measure_callbacks(repeats: int) -> dict[str, float | int]:
    """The thin callback and the run endpoint, as a browser uses them (Flask test client)."""
    from lab_http import default_field_values, get_data, lab_request_body, open_lab, post

    from app import app

    client = app.server.test_client()
    values = default_field_values()
    data = open_lab(client)["lab-data"]["data"]

    # Warm every path once (engine bucket, settings parsing, JSON encoding, the endpoint).
    values["gd.lr"] = "0.00123"
    warm = post(client, lab_request_body(values, data, "gd.lr")).get_json()["response"]
    get_data(client, warm["lab-data"]["data"]["fetch"][1])

    times_ms, run_ms = [], []
    outcomes = set()
    lr_payload = run_bytes = 0
    for i in range(repeats):
        values["gd.lr"] = f"{0.001 + 1e-6 * (i + 1):.7f}"  # a new value: a cache miss every time
        start = time.perf_counter()
        response = post(client, lab_request_body(values, data, "gd.lr"))
        times_ms.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
        outcomes.add(response.headers.get("X-Lossviz-Cache"))
        lr_payload = len(response.data)
        url = response.get_json()["response"]["lab-data"]["data"]["fetch"][1]
        start = time.perf_counter()
        fetched = client.get(url, headers={"Accept-Encoding": "gzip"})
        run_ms.append((time.perf_counter() - start) * 1000)
        assert fetched.status_code == 200
        run_bytes = len(fetched.data)

    hit_ms = []
    for _ in range(max(20, repeats // 4)):
        start = time.perf_counter()
        post(client, lab_request_body(values, data, "gd.lr"))
        hit_ms.append((time.perf_counter() - start) * 1000)
    run_hit_ms = []
    for _ in range(max(20, repeats // 4)):
        start = time.perf_counter()
        client.get(url, headers={"Accept-Encoding": "gzip"})
        run_hit_ms.append((time.perf_counter() - start) * 1000)

    landscape_values = dict(values, landscape="rosenbrock")
    landscape_response = post(client, lab_request_body(landscape_values, data, "landscape"))
    assert landscape_response.status_code == 200
    landscape_url = landscape_response.get_json()["response"]["lab-data"]["data"]["fetch"][0]
    grid = client.get(landscape_url, headers={"Accept-Encoding": "gzip"})
    return {
        "callback_ms_p50": round(float(np.percentile(times_ms, 50)), 3),
        "callback_ms_p95": round(float(np.percentile(times_ms, 95)), 3),
        "callback_cache_hit_ms_p95": round(float(np.percentile(hit_ms, 95)), 3),
        "callback_cache_outcomes": sorted(o or "none" for o in outcomes),
        "run_get_miss_ms_p50": round(float(np.percentile(run_ms, 50)), 3),
        "run_get_miss_ms_p95": round(float(np.percentile(run_ms, 95)), 3),
        "run_get_hit_ms_p95": round(float(np.percentile(run_hit_ms, 95)), 3),
        "lr_change_payload_bytes": lr_payload,
        "run_payload_bytes_gzip": run_bytes,
        "landscape_change_payload_bytes": len(landscape_response.data),
        "landscape_grid_bytes_gzip": len(grid.data),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=200)
    args = parser.parse_args()

    from optimizer_engine import measure_engine

    figures: dict[str, object] = {}
    figures.update(measure_engine())
    figures.update(measure_callbacks(args.repeats))
    for key, value in figures.items():
        print(f"{key:>36}: {value}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
