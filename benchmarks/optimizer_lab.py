"""Optimizer lab benchmark: engine speed, recompiles, and the page's callback through Dash.

    python benchmarks/optimizer_lab.py [--repeats 200]

The last stdout line is one JSON object (figures in milliseconds and bytes). Callback times
are server time through the real `/_dash-update-component` endpoint (Flask test client: the
whole Dash request path, no socket), for learning-rate changes that miss the cache, i.e. the
engine runs every time.
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
    from lab_http import default_field_values, lab_request_body, post

    from app import app

    client = app.server.test_client()
    values = default_field_values()
    first = post(client, lab_request_body(values, None, None))
    settings_flat = first.get_json()["response"]["lab-settings"]["data"]

    # Warm every path once (engine bucket, figure builders, JSON encoding).
    values["gd.lr"] = "0.00123"
    post(client, lab_request_body(values, settings_flat, "gd.lr"))

    times_ms = []
    outcomes = set()
    lr_payload = 0
    for i in range(repeats):
        values["gd.lr"] = f"{0.001 + 1e-6 * (i + 1):.7f}"  # a new value: a cache miss every time
        start = time.perf_counter()
        response = post(client, lab_request_body(values, settings_flat, "gd.lr"))
        times_ms.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
        outcomes.add(response.headers.get("X-Lossviz-Cache"))
        lr_payload = len(response.data)

    hit_ms = []
    for _ in range(max(20, repeats // 4)):
        start = time.perf_counter()
        post(client, lab_request_body(values, settings_flat, "gd.lr"))
        hit_ms.append((time.perf_counter() - start) * 1000)

    landscape_values = dict(values, landscape="rosenbrock")
    landscape_response = post(
        client, lab_request_body(landscape_values, settings_flat, "landscape")
    )
    assert landscape_response.status_code == 200
    return {
        "callback_ms_p50": round(float(np.percentile(times_ms, 50)), 3),
        "callback_ms_p95": round(float(np.percentile(times_ms, 95)), 3),
        "callback_cache_hit_ms_p95": round(float(np.percentile(hit_ms, 95)), 3),
        "callback_cache_outcomes": sorted(o or "none" for o in outcomes),
        "lr_change_payload_bytes": lr_payload,
        "landscape_change_payload_bytes": len(landscape_response.data),
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
