"""Optimizer engine benchmark: warm trajectory calls, the landscape grid, recompiles, NumPy.

    python benchmarks/optimizer_engine.py [--repeats 300]

Prints figures, then as the last stdout line one JSON object (milliseconds unless named
otherwise). ``measure_engine()`` is importable (benchmarks/optimizer_lab.py folds it in).

* ``trajectory_ms_p50``: every default-enabled optimizer × 1000 steps on the default landscape,
  warm, one ``optimizers.trajectories`` call including the conversion to numpy; a new learning
  rate every call (the engine has no cache, but this rules out any). ``trajectory_ms_min`` and
  ``trajectory_cpu_ms_p50`` (process CPU time) show the cost without a busy machine's waits.
* ``grid_ms_p50``: ``landscapes.evaluate_grid(default, 256)``, warm.
* ``recompiles_on_hparam_change``: JAX traces + compiles while changing every number (learning
  rates, alpha, gamma, betas, eps, schedule kind and parameters, start, noise, seed, steps,
  enabled optimizers, landscape) after ``warm_up()``.
* ``numpy_reference_ms_p50``: the same trajectories with reference/optimizers_numpy.py.
* ``trajectory_8_rows_ms_p50``: 8 rows × 1000 steps (the first eight rules of the registry, a
  new learning rate every call), warm. Budget 1 ms.
* ``recompiles_on_row_change``: traces + compiles while changing rows after warm-up: which
  rule each row runs, repeated rules (GD at two rates, Adam at two β₁), Lookahead's inner rule,
  every rule and schedule, more rows than one call holds. Must be 0.
* ``files_touched_to_add_rule``: for the rules added through the rule files (AdaDelta, AdamW,
  Lion, Lookahead), the most product files (not tests, benchmarks, docs) naming one of their
  ids as a string outside the rule's own file and its NumPy reference (aim 0);
  ``files_mentioning_rule_ids`` lists them for every rule (the older ones are named as
  defaults or gallery presets, which adding them would not need).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

COMPILE_EVENTS = (
    "/jax/core/compile/jaxpr_trace_duration",
    "/jax/core/compile/backend_compile_duration",
)


def _percentiles(samples_s: list[float]) -> tuple[float, float]:
    ms = np.asarray(samples_s) * 1000.0
    return round(float(np.percentile(ms, 50)), 3), round(float(np.percentile(ms, 95)), 3)


def _time(call: Callable[[int], object], repeats: int) -> list[float]:
    samples = []
    for i in range(repeats):
        start = time.perf_counter()
        call(i)
        samples.append(time.perf_counter() - start)
    return samples


def _cpu_time(call: Callable[[int], object], repeats: int) -> list[float]:
    """Process CPU time per call: what a call costs, without the waits of a busy machine."""
    samples = []
    for i in range(repeats):
        start = time.process_time()
        call(i)
        samples.append(time.process_time() - start)
    return samples


def _count_recompiles(default_landscape: str) -> int:
    import jax

    from landscapes import get_landscape, landscape_ids
    from optimizers import OPTIMIZERS, OptimizerConfig, trajectories

    events: list[str] = []

    def listener(event: str, duration: float, **_: object) -> None:
        if event in COMPILE_EVENTS:
            events.append(event)

    base = {o: OptimizerConfig(o) for o in OPTIMIZERS}
    variations: list[dict[str, object]] = [
        {"gd": OptimizerConfig("gd", lr=0.0042)},
        {"momentum": OptimizerConfig("momentum", hyperparams={"alpha": 0.5})},
        {"nesterov": OptimizerConfig("nesterov", hyperparams={"alpha": 0.95})},
        {"adagrad": OptimizerConfig("adagrad", hyperparams={"eps": 1e-4})},
        {"rmsprop": OptimizerConfig("rmsprop", hyperparams={"gamma": 0.99, "eps": 1e-6})},
        {"adam": OptimizerConfig("adam", hyperparams={"beta1": 0.8, "beta2": 0.99, "eps": 1e-3})},
        *(
            {"gd": OptimizerConfig("gd", schedule=s)}
            for s in ("inverse_time", "exponential", "step", "warmup_cosine")
        ),
        {"adam": OptimizerConfig("adam", schedule="step", schedule_params={"every": 3})},
        {"gd": OptimizerConfig("gd", enabled=False)},
    ]
    start = get_landscape(default_landscape).start
    jax.monitoring.register_event_duration_secs_listener(listener)
    try:
        for change in variations:
            trajectories(default_landscape, start, list({**base, **change}.values()), 1000)
        trajectories(default_landscape, (0.5, 0.25), list(base.values()), 1000)
        trajectories(default_landscape, start, list(base.values()), 1000, noise_sigma=3.0)
        trajectories(default_landscape, start, list(base.values()), 1000, 3.0, seed=7)
        for steps in (1, 77, 999, 1001, 4321):
            trajectories(default_landscape, start, list(base.values()), steps)
        for landscape_id in landscape_ids():
            landscape = get_landscape(landscape_id)
            trajectories(landscape_id, landscape.start, list(base.values()), 500)
    finally:
        jax.monitoring.unregister_event_duration_listener(listener)
    return len(events)


ADDED_RULES = ("adadelta", "adamw", "lion", "lookahead")


def files_mentioning(rule_id: str) -> list[str]:
    """Product files naming ``rule_id`` as a string, outside its rule file and its reference."""
    import re

    pattern = re.compile(rf"""["']{re.escape(rule_id)}[."']""")
    own = {
        ROOT / "optimizers" / "rules" / f"{rule_id}.py",
        ROOT / "reference" / "optimizers_numpy.py",
    }
    found = []
    for path in ROOT.rglob("*"):
        if path.suffix not in (".py", ".js") or path in own:
            continue
        parts = path.relative_to(ROOT).parts
        hidden = parts[0].startswith(".")  # .venv, .git: not the product
        if hidden or parts[0] in ("tests", "benchmarks", "docs", "venv") or "vendor" in parts:
            continue
        if pattern.search(path.read_text(errors="ignore")):
            found.append(str(path.relative_to(ROOT)))
    return sorted(found)


def _count_row_recompiles(default_landscape: str) -> int:
    import jax

    from landscapes import get_landscape
    from optimizers import OPTIMIZERS, SCHEDULES, OptimizerConfig, trajectories

    events: list[str] = []

    def listener(event: str, duration: float, **_: object) -> None:
        if event in COMPILE_EVENTS:
            events.append(event)

    ids = list(OPTIMIZERS)
    row_sets = [
        [OptimizerConfig(ids[(i + shift) % len(ids)]) for i in range(8)] for shift in range(4)
    ]
    row_sets += [
        [OptimizerConfig("gd", lr=0.01), OptimizerConfig("gd", lr=0.013)],
        [OptimizerConfig("adam", hyperparams={"beta1": b}) for b in (0.5, 0.8, 0.9, 0.99)],
        *(
            [OptimizerConfig("lookahead", lr=0.001, hyperparams={"inner": inner})]
            for inner in ids
            if inner != "lookahead"
        ),
        [OptimizerConfig(o, schedule=s) for o, s in zip(ids, list(SCHEDULES) * 2, strict=False)],
        [OptimizerConfig(o) for o in ids + ids],
    ]
    start = get_landscape(default_landscape).start
    jax.monitoring.register_event_duration_secs_listener(listener)
    try:
        for rows in row_sets:
            trajectories(default_landscape, start, rows, 1000)
            trajectories(default_landscape, start, rows, 2000)
    finally:
        jax.monitoring.unregister_event_duration_listener(listener)
    return len(events)


def measure_engine(repeats: int = 300) -> dict[str, float | int]:
    """Warm-up time, warm call times, grid time, recompiles and the NumPy reference."""
    from landscapes import DEFAULT_LANDSCAPE_ID, evaluate_grid, get_landscape
    from optimizers import OPTIMIZERS, OptimizerConfig, trajectories, warm_up
    from reference import optimizers_numpy as ref

    landscape = get_landscape(DEFAULT_LANDSCAPE_ID)
    enabled = [o for o, spec in OPTIMIZERS.items() if spec.default_enabled]

    started = time.perf_counter()
    warm_up()
    warm_up_s = time.perf_counter() - started

    def run(steps: int, optimizers: list[str]) -> Callable[[int], object]:
        def call(i: int) -> object:
            configs = [
                OptimizerConfig(o, lr=OPTIMIZERS[o].learning_rate.default * (1 + 1e-9 * i))
                for o in optimizers
            ]
            return trajectories(landscape.id, landscape.start, configs, steps)

        return call

    run(1000, enabled)(0)
    wall = _time(run(1000, enabled), repeats)
    trajectory_p50, trajectory_p95 = _percentiles(wall)
    trajectory_cpu_p50, _ = _percentiles(_cpu_time(run(1000, enabled), repeats))
    default_steps_p50, _ = _percentiles(_time(run(500, enabled), repeats))
    all_six_p50, _ = _percentiles(_time(run(1000, [*list(OPTIMIZERS)[:5], "adam"]), repeats))
    long_p50, _ = _percentiles(_time(run(5000, enabled), max(20, repeats // 10)))

    evaluate_grid(landscape.id, 256)
    grid_p50, grid_p95 = _percentiles(_time(lambda i: evaluate_grid(landscape.id, 256), repeats))

    recompiles = _count_recompiles(landscape.id)

    def numpy_call(i: int) -> object:
        return [
            ref.run(o, ref.himmelblau, landscape.start, 1000, OPTIMIZERS[o].learning_rate.default)
            for o in enabled
        ]

    numpy_p50, _ = _percentiles(_time(numpy_call, max(5, repeats // 30)))
    eight = list(OPTIMIZERS)[:8]
    eight_rows_p50, _ = _percentiles(_time(run(1000, eight), repeats))
    eight_rows_cpu_p50, _ = _percentiles(_cpu_time(run(1000, eight), repeats))
    row_recompiles = _count_row_recompiles(landscape.id)
    mentions = {rule_id: files_mentioning(rule_id) for rule_id in OPTIMIZERS}
    return {
        "trajectory_8_rows_ms_p50": eight_rows_p50,
        "trajectory_8_rows_cpu_ms_p50": eight_rows_cpu_p50,
        "recompiles_on_row_change": row_recompiles,
        "files_touched_to_add_rule": max(len(mentions[r]) for r in ADDED_RULES),
        "files_mentioning_rule_ids": {k: v for k, v in mentions.items() if v},
        "trajectory_ms_p50": trajectory_p50,
        "trajectory_ms_p95": trajectory_p95,
        "trajectory_ms_min": round(min(wall) * 1000.0, 3),
        "trajectory_cpu_ms_p50": trajectory_cpu_p50,
        "trajectory_500_steps_ms_p50": default_steps_p50,
        "trajectory_all_six_ms_p50": all_six_p50,  # the six original rules, one row each
        "trajectory_5000_steps_ms_p50": long_p50,
        "grid_ms_p50": grid_p50,
        "grid_ms_p95": grid_p95,
        "recompiles_on_hparam_change": recompiles,
        "numpy_reference_ms_p50": numpy_p50,
        "speedup_vs_numpy": round(numpy_p50 / trajectory_p50, 1),
        "warm_up_s": round(warm_up_s, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=300)
    args = parser.parse_args()
    figures = measure_engine(args.repeats)
    for key, value in figures.items():
        print(f"{key:>30}: {value}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
