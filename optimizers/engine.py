"""The trajectory engine: every optimizer on a 2-D landscape in one compiled call.

    trajectories(landscape_id, start, configs, steps, noise_sigma=0.0, seed=0) -> [Trajectory]

Two compiled programs over the whole landscape catalog (capacities ``STEP_BUCKETS``, see
``program.simulate``) serve every request, plus a third for the default landscape alone up to
``FAST_START_CAPACITY`` steps (``program.simulate_single_landscape``: ~10x cheaper to compile, so
a fresh worker serves the lab's first page within a second; also the fastest per call). A call
runs ``ROWS`` (8) rows: each enabled config is a row, any rule in any row, repeats allowed.
Every number is runtime data, so changing any of them never recompiles: the rule of each row
(an index), learning rates and schedules (the per-update rates are tabulated here on the host
with ``schedule_table``), every hyperparameter, the start, noise sigma and the noise itself,
the number of steps (the loop bound) and the landscape (an index into
``landscapes.landscape_fns()``).

Noise: ``g_t = grad R(theta_t) + sigma xi_t`` with ``xi = gradient_noise(seed, steps)`` (NumPy
PCG64, drawn in order). It depends only on (seed, t), not on the optimizer or the number of
steps: every optimizer sees the same noise (differences come from the rules alone) and a longer
run extends a shorter one.

Divergence (rule in ``program.py``): the index ``k >= 1`` of the first invalid point is
``Trajectory.diverged_at``; the result keeps theta_0 .. theta_{k-1} (k points) and the k - 1
learning rates between them.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from jax_config import first_call
from optimizers import rules
from optimizers.batched import RULE_COLUMN, RULE_IDS
from optimizers.config import OptimizerConfig
from optimizers.program import (
    ETA,
    HYPER_COLUMNS,
    NOISE,
    ROWS,
    STEP_INPUT_WIDTH,
    LandscapeFn,
    simulate,
    simulate_single_landscape,
)
from optimizers.schedules import schedule_table

MAX_STEPS = 5000
STEP_BUCKETS: tuple[int, ...] = (1000, MAX_STEPS)
"""Capacities of the compiled programs. A request runs in the smallest that holds it, for
exactly its own number of steps (a runtime loop bound); only the buffers have the capacity's
size (one 5000-row program for everything cost ~0.25 ms more per call)."""

BRANCH_PER_STEP: Mapping[int, bool] = MappingProxyType({1000: True, MAX_STEPS: True})
"""Landscape dispatch of each catalog program (``program.simulate``): a switch inside every
step. One branch per landscape around the whole loop is ~35 % faster per step (1.5 instead of
2.2 ms for 500 steps of the four default rows on Rosenbrock) but compiles the loop once per
landscape: ~12 s of CPU instead of ~2.6 s with every rule of the registry in the step (2-core
machine), which a class server pays on every restart without a compile cache, and under load.
The default landscape has its own program without a switch (``FAST_START_CAPACITY``)."""

FAST_START_CAPACITY = STEP_BUCKETS[0]
"""Runs of the default landscape up to this many steps (the lab's first page, and most runs)
use ``program.simulate_single_landscape``: one landscape, no switch, ~0.3 s to compile."""

PROGRAMS: tuple[str, ...] = (
    "default",
    "curvature:default",
    *(f"steps<={c}" for c in STEP_BUCKETS),
    "curvature",
)
"""The compiled programs, in warm-up priority order (``warm_up_program``): what a first page
needs (the default landscape's trajectories and the curvature along them, for the stability
indicator: ``optimizers.stability``), then the catalog's, shortest runs first."""
FIRST_PROGRAMS: tuple[str, ...] = PROGRAMS[:2]
"""What a worker compiles before it serves (serving/warmup.py): a first page's programs."""


@dataclass(frozen=True, eq=False)
class Trajectory:
    """One optimizer row's run (numpy float64, cut at divergence).

    ``path[k]`` = theta_k and ``loss[k]`` = R(theta_k) for k = 0..n; ``lr[k]`` = eta_k, the
    learning rate of the update theta_k -> theta_{k+1} (n values). ``diverged_at`` = index of
    the first invalid point (then n + 1 == diverged_at), else ``None``. ``slow_path``: for a
    rule keeping points apart from theta (Lookahead's slow weights phi_0, phi_1, ...), those
    points ``[m, 2]``, which are the path's points at ``slow_steps`` (``[m]``); else ``None``.
    """

    optimizer: str
    path: np.ndarray
    loss: np.ndarray
    lr: np.ndarray
    diverged_at: int | None
    slow_path: np.ndarray | None = None
    slow_steps: np.ndarray | None = None

    @property
    def steps(self) -> int:
        """Number of updates kept."""
        return len(self.lr)


def capacity_for(steps: int) -> int:
    """The smallest capacity in ``STEP_BUCKETS`` holding ``steps`` updates."""
    for capacity in STEP_BUCKETS:
        if steps <= capacity:
            return capacity
    raise ValueError(f"steps must be at most {MAX_STEPS}, got {steps}")


def gradient_noise(seed: int, steps: int) -> np.ndarray:
    """xi_t ~ N(0, I_2) for t = 0..steps-1: the engine's noise for ``seed``, shape (steps, 2).

    NumPy's PCG64 stream drawn in order, so a longer run extends a shorter one. Drawn on the
    host (~20 us per 1000 steps, only when sigma > 0; a JAX draw in the program cost ~2 s of
    compilation).
    """
    return np.random.Generator(np.random.PCG64(seed)).standard_normal((steps, 2))


def _hyper_row(config: OptimizerConfig) -> tuple[float, ...]:
    """The program's hyperparameter row (``HYPER_COLUMNS``): the rule's index, then every value
    its update reads (``rules.row_values``); names it does not read hold a placeholder.

    The row holds neither the learning rate nor the schedule (those are ``step_inputs``), so it
    is cached by rule and hyperparameters alone: a learning-rate change, the lab's commonest
    edit, hits the cache."""
    return _hyper_row_of(config.optimizer, tuple(sorted(config.hyperparams.items())))


@functools.lru_cache(maxsize=4096)
def _hyper_row_of(optimizer: str, hyperparams: tuple[tuple[str, float], ...]) -> tuple[float, ...]:
    spec_defaults = {p.name: p.default for p in rules.get_rule(optimizer).rule_hyperparameters}
    values = dict.fromkeys(HYPER_COLUMNS, 0.5) | rules.row_values(
        optimizer, spec_defaults | dict(hyperparams)
    )
    values[HYPER_COLUMNS[RULE_COLUMN]] = float(RULE_IDS.index(optimizer))
    return tuple(values[name] for name in HYPER_COLUMNS)


_PADDING_ROW = tuple(0.0 if i == RULE_COLUMN else 0.5 for i in range(len(HYPER_COLUMNS)))
"""An unused row: rule 0 at learning rate 0 (it stays at the start; never returned)."""


def _read_only(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array


@functools.lru_cache(maxsize=1024)
def _learning_rates(config: OptimizerConfig, steps: int, capacity: int) -> np.ndarray:
    schedule = config.resolved_schedule_params()
    return _read_only(schedule_table(config.schedule, config.lr, schedule, steps, capacity))


@functools.lru_cache(maxsize=64)
def _cached_noise(seed: int, capacity: int) -> np.ndarray:
    return _read_only(gradient_noise(seed, capacity))


def _step_inputs(
    row_configs: Sequence[OptimizerConfig], steps: int, capacity: int, sigma: float, seed: int
) -> np.ndarray:
    """[capacity, STEP_INPUT_WIDTH]: the noise and every row's learning rates (0: unused)."""
    inputs = np.zeros((capacity, STEP_INPUT_WIDTH))
    if sigma > 0:
        inputs[:, NOISE] = _cached_noise(seed, capacity)
    for row, config in enumerate(row_configs):
        column = ETA.start + row
        if config.schedule == "constant":
            inputs[:, column] = config.lr
        else:
            inputs[:, column] = _learning_rates(config, steps, capacity)
    return inputs


def run_engine(
    landscape_fns: tuple[LandscapeFn, ...],
    landscape_index: int,
    domain: tuple[tuple[float, float], tuple[float, float]],
    start: Sequence[float],
    configs: Sequence[OptimizerConfig],
    steps: int,
    noise_sigma: float = 0.0,
    seed: int = 0,
) -> list[Trajectory]:
    """``trajectories`` for explicit landscape functions (tests, notebooks with own surfaces).

    ``landscape_fns`` must be the same tuple of function objects across calls to reuse the
    compiled programs; ``landscape_index`` selects among them at run time.
    """
    steps = int(steps)
    if not 1 <= steps <= MAX_STEPS:
        raise ValueError(f"steps must be between 1 and {MAX_STEPS}, got {steps}")
    x0, y0 = (float(v) for v in start)
    if not (math.isfinite(x0) and math.isfinite(y0)):
        raise ValueError(f"start must be finite, got {tuple(start)!r}")
    sigma = float(noise_sigma)
    if not math.isfinite(sigma) or sigma < 0:
        raise ValueError(f"noise_sigma must be finite and >= 0, got {noise_sigma!r}")
    seed = int(seed)
    if not 0 <= seed < 2**63:
        raise ValueError(f"seed must be a non-negative integer, got {seed}")
    if not 0 <= landscape_index < len(landscape_fns):
        raise ValueError(f"landscape_index {landscape_index} out of range")
    for config in configs:
        if not isinstance(config, OptimizerConfig):
            raise TypeError(f"configs must be OptimizerConfig, got {type(config).__name__}")
    enabled = [config for config in configs if config.enabled]
    (x_min, x_max), (y_min, y_max) = domain
    run = np.array([x0, y0, x_min, x_max, y_min, y_max, sigma], dtype=np.float64)
    ints = np.array([landscape_index, steps], dtype=np.int64)
    capacity = capacity_for(steps)
    # One landscape: its own program (no switch); several: the catalog's program.
    program = simulate_single_landscape if len(landscape_fns) == 1 else simulate
    branch_per_step = BRANCH_PER_STEP[capacity] and len(landscape_fns) > 1

    results = []
    for first in range(0, max(len(enabled), 1), ROWS):
        chunk = enabled[first : first + ROWS]
        hyper = np.array(
            [_hyper_row(c) for c in chunk] + [_PADDING_ROW] * (ROWS - len(chunk)),
            dtype=np.float64,
        )
        step_inputs = _step_inputs(chunk, steps, capacity, sigma, seed)
        history, diverged = first_call(
            (program, landscape_fns, capacity, branch_per_step),
            lambda hyper=hyper, step_inputs=step_inputs: program(
                hyper,
                run,
                ints,
                step_inputs,
                landscape_fns=landscape_fns,
                capacity=capacity,
                branch_per_step=branch_per_step,
            ),
        )
        history, diverged = np.asarray(history), np.asarray(diverged)
        for row, config in enumerate(chunk):
            diverged_at: int | None = int(diverged[row])
            points = steps + 1 if diverged_at < 0 else diverged_at
            path = np.array(history[:points, row, :2])
            rule = rules.RULES[config.optimizer]
            slow = slow_steps = None
            if rule.slow_steps is not None:
                slow_steps = np.asarray(rule.slow_steps(points, config.resolved_hyperparams()))
                slow = np.ascontiguousarray(path[slow_steps])
            results.append(
                Trajectory(
                    optimizer=config.optimizer,
                    path=path,
                    loss=np.array(history[:points, row, 2]),
                    lr=np.array(step_inputs[: points - 1, ETA.start + row]),
                    diverged_at=None if diverged_at < 0 else diverged_at,
                    slow_path=slow,
                    slow_steps=slow_steps,
                )
            )
    return results


@functools.cache
def _landscape_table() -> tuple[tuple[str, ...], tuple[LandscapeFn, ...]]:
    """Landscape ids and functions in switch order, fixed once (one compile-cache key)."""
    from landscapes import landscape_fns, landscape_ids

    return tuple(landscape_ids()), tuple(landscape_fns())


def trajectories(
    landscape_id: str,
    start: Sequence[float],
    configs: Sequence[OptimizerConfig],
    steps: int,
    noise_sigma: float = 0.0,
    seed: int = 0,
) -> list[Trajectory]:
    """Run every enabled config from ``start`` on ``landscape_id`` for ``steps`` updates.

    Returns one ``Trajectory`` per enabled config (a row), in the order given (numpy float64,
    cut at divergence). ``steps`` in 1..``MAX_STEPS``; any rule in any row, repeats allowed
    (e.g. gradient descent at two learning rates); up to ``ROWS`` (8) rows run in one compiled
    call, more in further calls of the same program. ``noise_sigma`` >= 0 adds seeded
    Gaussian gradient noise (see module docstring). Raises ``KeyError`` for an unknown landscape,
    ``ValueError`` for invalid arguments; a diverging optimizer never raises.
    """
    from landscapes import DEFAULT_LANDSCAPE_ID, get_landscape

    landscape = get_landscape(landscape_id)
    if landscape.id == DEFAULT_LANDSCAPE_ID and 1 <= int(steps) <= FAST_START_CAPACITY:
        fns, index = (landscape.fn,), 0
    else:
        ids, fns = _landscape_table()
        index = ids.index(landscape.id)
    return run_engine(fns, index, landscape.domain, start, configs, steps, noise_sigma, seed)


def warm_up_program(name: str) -> None:
    """Compile (or load from the persistent cache) program ``name`` of ``PROGRAMS``.

    Cold, on the 2-core machine: "default" ~1.5 s, "steps<=1000" ~2.6 s, "steps<=5000" ~3.5 s
    (wall, one worker alone); with the persistent compilation cache (jax_config.py) each
    loads in ~0.1–0.6 s (tracing is not cached).
    """
    from landscapes import DEFAULT_LANDSCAPE_ID, get_landscape

    if name in ("curvature", "curvature:default"):
        from optimizers import stability

        stability.warm_up(catalog=name == "curvature")
        return
    configs = [OptimizerConfig(rule_id) for rule_id in RULE_IDS[:ROWS]]
    if name == "default":
        landscape = get_landscape(DEFAULT_LANDSCAPE_ID)
        trajectories(landscape.id, landscape.start, configs, FAST_START_CAPACITY)
        return
    capacities = {f"steps<={c}": c for c in STEP_BUCKETS}
    if name not in capacities:
        raise ValueError(f"unknown program {name!r}; one of {', '.join(PROGRAMS)}")
    ids, _ = _landscape_table()
    # Any landscape but the default (which has its own program up to FAST_START_CAPACITY).
    landscape = get_landscape(next(i for i in ids if i != DEFAULT_LANDSCAPE_ID))
    trajectories(landscape.id, landscape.start, configs, capacities[name])


def warm_up() -> None:
    """Compile (or load from the persistent cache) every program of ``PROGRAMS``, in order;
    call once per worker (serving/warmup.py calls ``warm_up_program`` one by one instead)."""
    for name in PROGRAMS:
        warm_up_program(name)
