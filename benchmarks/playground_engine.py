"""Network playground engine, measured: the four init schemes side by side, warm.

    python benchmarks/playground_engine.py [--repeats 15]

* ``train_4inits_500epochs_ms_p50`` / ``_p95``: ``playground.train_inits(PlaygroundConfig())``
  — zero / too small / appropriate / too large, default net and data, 500 epochs of full-batch
  GD, 51 snapshots with a 50 × 50 decision boundary each, numpy results — after warm-up.
* ``numpy_reference_ms_p50``: the same four trainings with ``reference/mlp_numpy.py`` (same
  data, same initial weights; per-epoch losses, accuracies, norms; the same snapshots incl.
  boundary), one repeat per scheme set; ``speedup_vs_numpy`` = numpy / engine.
* ``run_payload_bytes_estimate``: one run's arrays as the page ships them, base64: snapshot
  weights, biases and weight gradients as float32, the boundary as uint8, per-epoch curves
  (train/test loss and accuracy, learning rate, weight and gradient norms) as float32.
* ``compile_s``: first call of ``train_inits`` in this process (trace + XLA compile), and
  ``train_single_ms_p50`` for ``playground.train`` (one scheme).

Timings are wall-clock; ``*_cpu_ms_p50`` are the process CPU times of the same calls (useful on
a shared machine). Last stdout line: one JSON object.
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import playground as pg  # noqa: E402
from playground.engine import grid_points  # noqa: E402
from reference import mlp_numpy as ref  # noqa: E402


def _timed(function, repeats: int) -> tuple[list[float], list[float]]:
    wall, cpu = [], []
    for _ in range(repeats):
        start_wall, start_cpu = time.perf_counter(), time.process_time()
        function()
        wall.append((time.perf_counter() - start_wall) * 1e3)
        cpu.append((time.process_time() - start_cpu) * 1e3)
    return wall, cpu


def _b64_size(array: np.ndarray) -> int:
    return len(base64.b64encode(np.ascontiguousarray(array).tobytes()))


def payload_bytes(run: pg.PlaygroundRun) -> dict[str, int]:
    """Base64 sizes of what one run sends to the browser."""
    f32 = np.float32
    snapshots = sum(
        _b64_size(a.astype(f32)) for a in (*run.weights, *run.biases, *run.weight_grads)
    )
    boundary = _b64_size(run.boundary_uint8())
    curves = sum(
        _b64_size(getattr(run, name).astype(f32))
        for name in (
            "train_loss", "test_loss", "train_accuracy", "test_accuracy", "learning_rate",
            "weight_norms", "grad_norms",
        )
    )  # fmt: skip
    return {"snapshots": snapshots, "boundary": boundary, "curves": curves}


def _numpy_four_inits(runs: dict[str, pg.PlaygroundRun]) -> None:
    """The same four trainings in plain NumPy (float32 inputs, like the engine)."""
    for run in runs.values():
        ds = run.dataset
        grid = grid_points(run.grid_x, run.grid_y)
        config = run.config
        ref.train_with_records(
            ref.clone(run.params_at(0), np.float32),
            (ds.x_train, ds.y_train, ds.x_test, ds.y_test),
            grid,
            config.activation,
            config.epochs,
            config.lr,
            config.effective_snapshot_every,
        )


def measure_engine(repeats: int = 15, numpy_repeats: int = 1) -> dict[str, Any]:
    """Run the measurements; returns the JSON-able result dict."""
    config = pg.PlaygroundConfig()
    start = time.perf_counter()
    runs = pg.train_inits(config)
    compile_s = time.perf_counter() - start
    pg.train(config)
    wall, cpu = _timed(lambda: pg.train_inits(config), repeats)
    single_wall, _ = _timed(lambda: pg.train(config), repeats)
    numpy_wall, numpy_cpu = _timed(lambda: _numpy_four_inits(runs), numpy_repeats)
    sizes = payload_bytes(runs["appropriate"])
    engine_ms = float(np.median(wall))
    numpy_ms = float(np.median(numpy_wall))
    return {
        "train_4inits_500epochs_ms_p50": round(engine_ms, 2),
        "train_4inits_500epochs_ms_p95": round(float(np.percentile(wall, 95)), 2),
        "train_4inits_500epochs_cpu_ms_p50": round(float(np.median(cpu)), 2),
        "train_single_ms_p50": round(float(np.median(single_wall)), 2),
        "numpy_reference_ms_p50": round(numpy_ms, 1),
        "numpy_reference_cpu_ms_p50": round(float(np.median(numpy_cpu)), 1),
        "speedup_vs_numpy": round(numpy_ms / engine_ms, 1),
        "run_payload_bytes_estimate": int(sum(sizes.values())),
        "run_payload_breakdown": sizes,
        "snapshots": runs["appropriate"].n_snapshots,
        "grid": int(config.grid_size),
        "compile_s": round(compile_s, 2),
        "target_ms": 300,
        "target_payload_bytes": 1_500_000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--numpy-repeats", type=int, default=1)
    args = parser.parse_args()
    print(json.dumps(measure_engine(args.repeats, args.numpy_repeats)))


if __name__ == "__main__":
    main()
