"""How close is the compute estimate (playground/cost.py) to real training times?

    python benchmarks/playground_cost.py [--quick]

Trains a grid of networks (1 hidden layer of 4 to 6 of 16; 200 and 2000 points; full batch,
batch 1, 10 and 64; dropout) in this process after warm-up, best of 2, and compares each wall
time with `run_seconds`. The estimate is the class server's budget: it should be close for
the expensive runs and never far below the truth. Last stdout line: one JSON object with the
ratios measured / estimated (`ratio_min`, `ratio_median`, `ratio_max`, over runs estimated at
≥ 0.2 s; the short ones are dominated by fixed costs the estimate rounds to 10 ms) and every
row.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def grid(quick: bool) -> list:
    from playground import PlaygroundConfig

    networks = [(4,), (8, 4), (16,), (16, 16, 16), (16,) * 6]
    points = [200, 2000]
    batches = [None, 1, 10, 64]
    if quick:
        networks, points, batches = [(8, 4), (16,) * 6], [2000], [None, 1, 64]
    configs = []
    for hidden in networks:
        for n in points:
            for batch in batches:
                config = PlaygroundConfig(hidden=hidden, n_samples=n, batch_size=batch, epochs=100)
                configs.append(config)
    configs.append(PlaygroundConfig(hidden=(16,) * 6, n_samples=2000, keep_prob=0.5, epochs=100))
    return configs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a 7-run subset")
    args = parser.parse_args(argv)
    import jax_config

    jax_config.configure_jax()
    from playground import train
    from playground.cost import run_seconds
    from playground.warmup import program_buckets, warm_up_bucket

    for bucket in program_buckets():
        warm_up_bucket(bucket)
    rows = []
    for config in grid(args.quick):
        best = float("inf")
        for seed in (1, 2):
            started = time.perf_counter()
            train(replace(config, seed=seed))
            best = min(best, time.perf_counter() - started)
        estimate = run_seconds(config)
        rows.append(
            {
                "hidden": list(config.hidden),
                "points": config.n_samples,
                "batch": config.batch_size,
                "keep": config.keep_prob,
                "epochs": config.epochs,
                "measured_s": round(best, 4),
                "estimated_s": round(estimate, 4),
                "ratio": round(best / estimate, 3),
            }
        )
        print(json.dumps(rows[-1]), flush=True)
    ratios = [row["ratio"] for row in rows if row["estimated_s"] >= 0.2]
    result = {
        "runs": len(rows),
        "compared": len(ratios),
        "ratio_min": min(ratios) if ratios else None,
        "ratio_median": round(statistics.median(ratios), 3) if ratios else None,
        "ratio_max": max(ratios) if ratios else None,
        "rows": rows,
    }
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
