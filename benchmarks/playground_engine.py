"""Network playground engine, measured: compiles, the four init schemes, the largest network.

    python benchmarks/playground_engine.py [--repeats 15]

Run it in a fresh process (the compile figures are first compiles; with
``LOSSVIZ_JAX_CACHE_DIR`` set they are persistent-cache loads instead).

* ``compile_s_per_bucket`` / ``compile_s_total``: ``playground.warm_up_bucket`` for every
  bucket of ``playground.program_buckets()`` in priority order (trace + XLA compile + a 2-epoch
  run; the JAX backend is initialised before), and ``compile_views_s`` for the boundary /
  activation-map programs.
* ``train_4inits_500epochs_ms_p50`` / ``_p95``: ``playground.train_inits(PlaygroundConfig())``
  — zero / too small / appropriate / too large, default net and data, 500 epochs of full-batch
  GD, a frame (θ and ∂L/∂θ) every epoch, numpy results — warm. Budget 300 ms.
* ``train_single_ms_p50``: ``playground.train(PlaygroundConfig())``.
* ``numpy_reference_ms_p50``: the same four trainings with ``reference/mlp_numpy.py`` (same
  data and initial weights; per-epoch losses, accuracies, norms and frames; its grid has one
  point since the engine no longer evaluates a boundary), one repeat; ``speedup_vs_numpy``.
* ``largest_network_s``: one run of the largest allowed network — 6 hidden layers × 16, 2000
  points, batch size 1, as many epochs as ``MAX_UPDATES`` allows (``largest_network_epochs``).
* ``compiles_after_warmup``: XLA compilations (``jax.monitoring``) during a mixed sequence of
  configurations after the warm-up (every shape kind, activation, optimizer, schedule, batch
  size, point count, epochs, the views); must be 0.
* ``frames_bytes_float32``: one run's per-frame weights, biases and their gradients as raw
  float32 (before the page's delta8 encoding), default run and largest network at 1000 epochs.

Timings are wall-clock; ``*_cpu_ms_p50`` are the process CPU times of the same calls (useful on
a shared machine). Last stdout line: one JSON object.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import jax  # noqa: E402
from jax import monitoring  # noqa: E402

import playground as pg  # noqa: E402
from playground import config as pg_config  # noqa: E402
from playground.maps import warm_up_maps  # noqa: E402
from reference import mlp_numpy as ref  # noqa: E402

BACKEND_COMPILE_EVENT = "/jax/core/compile/backend_compile_duration"


def _timed(function, repeats: int) -> tuple[list[float], list[float]]:
    wall, cpu = [], []
    for _ in range(repeats):
        start_wall, start_cpu = time.perf_counter(), time.process_time()
        function()
        wall.append((time.perf_counter() - start_wall) * 1e3)
        cpu.append((time.process_time() - start_cpu) * 1e3)
    return wall, cpu


def frames_bytes(run: pg.PlaygroundRun) -> int:
    arrays = (*run.weights, *run.biases, *run.weight_grads, *run.bias_grads)
    return int(sum(np.asarray(a, np.float32).nbytes for a in arrays))


def _numpy_four_inits(runs: dict[str, pg.PlaygroundRun]) -> None:
    """The same four trainings in plain NumPy (float32 inputs, like the engine)."""
    for run in runs.values():
        ds = run.dataset
        config = run.config
        ref.train_with_records(
            ref.clone(run.params_at(0), np.float32),
            (ds.x_train, ds.y_train, ds.x_test, ds.y_test),
            np.zeros((1, 2), np.float32),
            config.activation,
            config.epochs,
            config.lr,
            config.effective_snapshot_every,
        )


def largest_config() -> pg.PlaygroundConfig:
    base = pg.PlaygroundConfig(hidden=(16,) * 6, n_samples=2000, batch_size=1)
    epochs = pg_config.MAX_UPDATES // base.steps_per_epoch
    return dataclasses.replace(base, epochs=epochs)


def mixed_configs() -> list[pg.PlaygroundConfig]:
    """A class's worth of different settings (every kind of static shape of the old engine)."""
    c = pg.PlaygroundConfig
    return [
        c(hidden=(3,), activation="tanh", epochs=120),
        c(hidden=(16, 16, 16), optimizer="adam", lr=0.01, schedule="warmup_cosine"),
        c(hidden=(16, 2, 9), batch_size=32, n_samples=1000, optimizer="momentum", epochs=40),
        c(hidden=(1,) * 6, activation="sigmoid", batch_size=7, keep_prob=0.8, epochs=30),
        c(n_samples=2000, train_fraction=0.9, activation="elu", epochs=200),
        c(n_samples=20, train_fraction=0.1, batch_size=1, optimizer="adagrad", epochs=37),
        c(activation="leaky_relu", schedule="step", optimizer="rmsprop", epochs=2000),
        c(activation="linear", l1=0.01, l2=0.01, epochs=1000, optimizer="nesterov"),
        c(dataset="spiral", hidden=(16,) * 6, epochs=300, schedule="exponential"),
    ]


def measure_engine(repeats: int = 15, numpy_repeats: int = 1) -> dict[str, Any]:
    """Run the measurements; returns the JSON-able result dict."""
    jax.block_until_ready(jax.jit(lambda x: x + 1)(np.float32(0)))  # backend initialisation
    compile_s = {}
    for bucket in pg.program_buckets():
        name = f"w{bucket.width}_d{bucket.depth}_mb{bucket.minibatch_rows}"
        compile_s[name] = round(pg.warm_up_bucket(bucket), 2)
    started = time.perf_counter()
    warm_up_maps()
    views_s = time.perf_counter() - started

    events: list[str] = []
    monitoring.register_event_duration_secs_listener(
        lambda event, duration, **kwargs: (
            events.append(event) if event == BACKEND_COMPILE_EVENT else None
        )
    )
    after_warmup = len(events)
    config = pg.PlaygroundConfig()
    runs = pg.train_inits(config)
    for mixed in mixed_configs():
        run = pg.train(mixed)
    pg.train_inits(mixed_configs()[3])
    run.boundary_uint8()
    pg.activation_maps(run, -1)
    compiles_after_warmup = len(events) - after_warmup

    wall, cpu = _timed(lambda: pg.train_inits(config), repeats)
    single_wall, _ = _timed(lambda: pg.train(config), repeats)
    numpy_wall, numpy_cpu = _timed(lambda: _numpy_four_inits(runs), numpy_repeats)
    largest = largest_config()
    largest_wall, _ = _timed(lambda: pg.train(largest), 1)
    big_frames = pg.train(dataclasses.replace(largest, batch_size=None, epochs=1000))
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
        "frames": runs["appropriate"].n_frames,
        "compile_s_per_bucket": compile_s,
        "compile_s_total": round(sum(compile_s.values()), 2),
        "compile_views_s": round(views_s, 2),
        "largest_network_s": round(largest_wall[0] / 1e3, 2),
        "largest_network_epochs": int(largest.epochs),
        "largest_network_updates": int(largest.epochs * largest.steps_per_epoch),
        "compiles_after_warmup": compiles_after_warmup,
        "frames_bytes_float32": {
            "default_500_epochs": frames_bytes(runs["appropriate"]),
            "largest_1000_epochs": frames_bytes(big_frames),
        },
        "target_ms": 300,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--numpy-repeats", type=int, default=1)
    args = parser.parse_args()
    print(json.dumps(measure_engine(args.repeats, args.numpy_repeats)))


if __name__ == "__main__":
    main()
