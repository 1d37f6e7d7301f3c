"""The network loss landscape (``playground.network_landscape``), measured after warm-up.

    python benchmarks/network_landscape.py [--repeats 15]

Run it in a fresh process (the compile figure is a first compile; with ``LOSSVIZ_JAX_CACHE_DIR``
set it is a persistent-cache load instead).

* ``compile_s``: ``playground.warm_up_landscape()`` (both padded widths; the JAX backend is
  initialised before).
* ``grid_41_ms_p50`` / ``_p95``: ``network_landscape(PlaygroundConfig(), resolution=41,
  run=run)`` with random filter-normalized directions and a pre-trained run (41 × 41 grid,
  the 101-point slice and the 81-point interpolation: 1863 networks on 400 points).
  ``pca_41_ms_*``: the same with PCA directions of the 501-frame path. ``*_with_training_ms_*``:
  the same with ``run=None`` (training the default network included). Budget 300 ms
  (``grid_41_ms_p50``).
* ``grid_61_ms_p50``: 61 × 61, default network; ``largest_61_ms``: 61 × 61 for the largest
  network (6 × 16, 2000 points), one repeat.
* ``lr_finder_ms_p50`` / ``_p95``: ``lr_range_test(PlaygroundConfig())`` (100 steps: the
  training under the ramp included). Budget 200 ms.
* ``minibatch_slices_ms_p50``: ``minibatch_slices(..., n_batches=4, run=run)``: the 101-point
  slice along d₁ for the training set and 4 minibatches of 20 (1-D slices, not 41 × 41 grids).
  Budget 500 ms.
* ``payload_bytes``: the LVZ1 container (before gzip) of the landscape (random, 41 × 41) and of
  the range test, as their endpoints send them.
* ``compiles_after_warmup``: XLA compilations (``jax.monitoring``) during all of the above
  (the training buckets are warmed first, so a training compile would count too); must be 0.

Timings are wall-clock; ``grid_41_cpu_ms_p50`` is the process CPU time of the same calls (useful
on a shared machine). Last stdout line: one JSON object.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import jax  # noqa: E402
from jax import monitoring  # noqa: E402

import playground as pg  # noqa: E402
from benchmarks.playground_engine import _timed  # noqa: E402  (wall and CPU ms per call)

BACKEND_COMPILE_EVENT = "/jax/core/compile/backend_compile_duration"
BUDGET_MS = 300
LR_FINDER_BUDGET_MS = 200
MINIBATCH_BUDGET_MS = 500


def _p(values: list[float], q: float) -> float:
    return round(float(np.percentile(values, q)), 2)


def measure(repeats: int = 15) -> dict[str, Any]:
    """Run the measurements; returns the JSON-able result dict."""
    jax.block_until_ready(jax.jit(lambda x: x + 1)(np.float32(0)))  # backend initialisation
    compile_s = pg.warm_up_landscape()
    config = pg.PlaygroundConfig()
    largest = pg.PlaygroundConfig(hidden=(16,) * 6, n_samples=2000, train_fraction=0.9, epochs=2)
    for bucket in pg.program_buckets()[:2]:  # the full-batch training programs (not measured)
        pg.warm_up_bucket(bucket)

    events: list[str] = []
    monitoring.register_event_duration_secs_listener(
        lambda event, duration, **kwargs: (
            events.append(event) if event == BACKEND_COMPILE_EVENT else None
        )
    )
    run = pg.train(config)
    big_run = pg.train(largest)
    landscape = pg.network_landscape(config, run=run)
    random_wall, random_cpu = _timed(lambda: pg.network_landscape(config, run=run), repeats)
    pca_wall, _ = _timed(lambda: pg.network_landscape(config, directions="pca", run=run), repeats)
    trained_wall, _ = _timed(lambda: pg.network_landscape(config), repeats)
    trained_pca_wall, _ = _timed(lambda: pg.network_landscape(config, directions="pca"), repeats)
    grid_61_wall, _ = _timed(lambda: pg.network_landscape(config, resolution=61, run=run), repeats)
    largest_wall, _ = _timed(lambda: pg.network_landscape(largest, resolution=61, run=big_run), 1)
    finder_wall, _ = _timed(lambda: pg.lr_range_test(config), repeats)
    slices_wall, _ = _timed(lambda: pg.minibatch_slices(config, n_batches=4, run=run), repeats)
    payload = _payload_bytes()
    p50 = _p(random_wall, 50)
    return {
        "grid_41_ms_p50": p50,
        "grid_41_ms_p95": _p(random_wall, 95),
        "grid_41_cpu_ms_p50": _p(random_cpu, 50),
        "pca_41_ms_p50": _p(pca_wall, 50),
        "pca_41_ms_p95": _p(pca_wall, 95),
        "grid_41_with_training_ms_p50": _p(trained_wall, 50),
        "grid_41_with_training_ms_p95": _p(trained_wall, 95),
        "pca_41_with_training_ms_p50": _p(trained_pca_wall, 50),
        "pca_41_with_training_ms_p95": _p(trained_pca_wall, 95),
        "grid_61_ms_p50": _p(grid_61_wall, 50),
        "largest_61_ms": round(largest_wall[0], 1),
        "lr_finder_ms_p50": _p(finder_wall, 50),
        "lr_finder_ms_p95": _p(finder_wall, 95),
        "minibatch_slices_ms_p50": _p(slices_wall, 50),
        "payload_bytes": payload,
        "compile_s": round(compile_s, 2),
        "compiles_after_warmup": len(events),
        "center_train_loss": round(landscape.center_train_loss, 6),
        "run_final_train_loss": round(float(run.train_loss[-1]), 6),
        "repeats": repeats,
        "budget_ms": BUDGET_MS,
        "within_budget": bool(p50 <= BUDGET_MS),
        "lr_finder_within_budget": bool(_p(finder_wall, 50) <= LR_FINDER_BUDGET_MS),
        "minibatch_slices_within_budget": bool(_p(slices_wall, 50) <= MINIBATCH_BUDGET_MS),
    }


def _payload_bytes() -> dict[str, int]:
    """Container sizes of the default views, built by the endpoints' own functions."""
    from serving.api.lr_range import lr_range_bytes
    from settings.lr_range import LRRangeSettings

    sizes = {"lr_range": len(lr_range_bytes(LRRangeSettings()))}
    try:
        from serving.api.network import landscape_bytes
        from settings.network_landscape import NetworkLandscapeSettings

        sizes["landscape_41"] = len(landscape_bytes(NetworkLandscapeSettings()))
    except ImportError:  # the page's endpoint is not there
        pass
    return sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    print(json.dumps(measure(args.repeats)))


if __name__ == "__main__":
    main()
