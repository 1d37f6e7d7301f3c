"""The trajectory engine: every optimizer on a 2-D landscape in one jitted ``lax.scan`` call.

Two compiled programs (capacities ``STEP_BUCKETS``) serve every request: all six optimizers
always run (2-D, nearly free) and are sliced afterwards, and every number is a runtime (traced)
float64/int64 array, the number of steps included (the loop bound): learning rates, schedule parameters, *which* schedule
each optimizer uses (an integer selecting the formula), alpha, gamma, beta1, beta2, eps, the
start, noise sigma, the noise itself (seeded on the host), the requested number of steps and the
landscape (an index into ``lax.switch`` over ``landscapes.landscape_fns()``). Changing any of
them never recompiles.

Update ``t`` (0-based), every optimizer at once::

    g_t         = grad R(theta_t) + sigma xi_t         xi_t ~ N(0, I_2), shared by all optimizers
    theta'      = theta_t + u_t                         u_t: the optimizer's rule (``batched.py``)
    valid       = theta' finite and within DIVERGENCE_SPAN_FACTOR domain spans of the domain
                  centre on both axes, R(theta') finite with |R(theta')| <= DIVERGENCE_LOSS_LIMIT,
                  grad R(theta') finite, and every earlier point valid
    theta_{t+1} = theta' if valid else theta_t          (frozen: NaN never enters the carry)

Noise: ``xi = gradient_noise(seed, steps)`` (NumPy PCG64, drawn in order): it depends only on
(seed, t), not on the optimizer, the capacity or the number of steps, so every optimizer sees the
same noise (differences come from the rules alone) and a longer run extends a shorter one.

Divergence: the index ``k >= 1`` of the first invalid point is ``Trajectory.diverged_at``; the
result keeps theta_0 .. theta_{k-1} (k points) and the k - 1 learning rates between them.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from optimizers import batched
from optimizers.batched import SLOTS
from optimizers.config import OptimizerConfig
from optimizers.schedules import schedule_table
from optimizers.specs import SCHEDULE_PARAMETER_NAMES

MAX_STEPS = 5000
STEP_BUCKETS: tuple[int, ...] = (1000, MAX_STEPS)
"""Capacities compiled: a request runs in the smallest that holds it, for exactly its own number
of steps (a runtime loop bound); only the output buffers and tables have the capacity's size.
Two programs, not one: a 5000-row buffer and tables cost ~0.1 ms more per call."""

DIVERGENCE_SPAN_FACTOR = 10.0
"""A point farther than this many domain spans from the domain centre (either axis) diverged."""
DIVERGENCE_LOSS_LIMIT = 1e12
"""A point whose |loss| exceeds this diverged."""

_RULE_COLUMNS: tuple[str, ...] = ("alpha", "gamma", "beta1", "beta2", "eps")
SLOT_COLUMNS: tuple[str, ...] = ("lr", *SCHEDULE_PARAMETER_NAMES, *_RULE_COLUMNS)
"""Columns of the per-optimizer float64 parameter matrix passed to the compiled program."""

# Run-level float64 vector layout.
_RUN_COLUMNS = ("x0", "y0", "x_min", "x_max", "y_min", "y_max", "noise_sigma")
# Run-level int64 vector layout: landscape index, number of steps.
_INT_LANDSCAPE, _INT_STEPS = 0, 1

LandscapeFn = Callable[[jax.Array], jax.Array]


@dataclass(frozen=True, eq=False)
class Trajectory:
    """One optimizer's run (numpy float64, cut at divergence).

    ``path[k]`` = theta_k and ``loss[k]`` = R(theta_k) for k = 0..n; ``lr[k]`` = eta_k, the
    learning rate of the update theta_k -> theta_{k+1} (n values). ``diverged_at`` = index of
    the first invalid point (then n + 1 == diverged_at), else ``None``.
    """

    optimizer: str
    path: np.ndarray
    loss: np.ndarray
    lr: np.ndarray
    diverged_at: int | None

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

    NumPy's PCG64 stream, drawn in order, so a longer run extends a shorter one. Drawn on the
    host (~20 us per 1000 steps, only when sigma > 0): a JAX threefry draw in the program cost
    ~2 s of compilation per program.
    """
    return np.random.Generator(np.random.PCG64(seed)).standard_normal((steps, 2))


def _batched_value_and_grad(
    fns: tuple[LandscapeFn, ...], index: jax.Array
) -> Callable[[jax.Array], tuple[jax.Array, jax.Array]]:
    """``points [k, 2] -> (values [k], gradients [k, 2])`` of landscape ``fns[index]``.

    The switch is outside the differentiation: one conditional per step (``value_and_grad``
    of a ``lax.switch`` splits into ~7 conditionals: ~2x slower).
    """
    branches = [jax.vmap(jax.value_and_grad(fn)) for fn in fns]
    if len(branches) == 1:
        return branches[0]
    return lambda points: lax.switch(index, branches, points)


# Columns of the packed per-row carry of the scan (one array so a step fuses into few kernels).
_PARAMS, _LOSS, _GRAD, _S1, _S2 = slice(0, 2), 2, slice(3, 5), slice(5, 7), slice(7, 9)
_ALIVE, _DIVERGED = 9, 10  # alive flag (1.0/0.0); diverged_at (-1.0: not diverged)


@functools.partial(jax.jit, static_argnames=("landscape_fns", "capacity"))
def simulate(
    slot_values: jax.Array,
    run_values: jax.Array,
    int_values: jax.Array,
    step_inputs: jax.Array,
    *,
    landscape_fns: tuple[LandscapeFn, ...],
    capacity: int,
) -> tuple[jax.Array, jax.Array]:
    """The compiled program: every optimizer in ``SLOTS``, ``steps <= capacity`` updates.

    ``slot_values``: float64 [len(SLOTS), len(SLOT_COLUMNS)]; ``run_values``: float64
    [len(_RUN_COLUMNS)]; ``int_values``: int64 [landscape index, steps]; ``step_inputs``:
    float64 [capacity, 2 + S], per update t: xi_t (scaled by sigma here) and every row's eta_t.
    Returns ``history`` [capacity+1, S, 3] (x, y, loss of theta_0..theta_steps; later rows
    undefined) and diverged_at [S] (-1: valid throughout).
    The loop runs ``steps`` times (a runtime value): one program serves every length up to
    ``capacity``. Prefer ``trajectories``.
    """
    column = {name: slot_values[:, i] for i, name in enumerate(SLOT_COLUMNS)}
    run = {name: run_values[i] for i, name in enumerate(_RUN_COLUMNS)}
    landscape_index = int_values[_INT_LANDSCAPE].astype(jnp.int32)
    steps = int_values[_INT_STEPS]
    rows = len(SLOTS)
    noise = run["noise_sigma"] * step_inputs[:, :2]
    lr_table = step_inputs[:, 2:]

    # Per-update tables [capacity, S]: learning rates (computed on the host, see
    # ``schedules.schedule_table``) and Adam's bias corrections (1 for the other rows; only
    # Adam's row is computed: exp over a table costs real time).
    adam = SLOTS.index("adam")
    c1_table, c2_table = batched.adam_bias_corrections(
        column["beta1"][adam], column["beta2"][adam], capacity
    )
    step_table = jnp.concatenate([lr_table, c1_table[:, None], c2_table[:, None]], axis=1)
    hyper = batched.BatchedHyperparameters(
        *(column[name][:, None] for name in batched.BatchedHyperparameters._fields)
    )

    centre = jnp.stack([(run["x_min"] + run["x_max"]) / 2, (run["y_min"] + run["y_max"]) / 2])
    reach = DIVERGENCE_SPAN_FACTOR * jnp.stack(
        [run["x_max"] - run["x_min"], run["y_max"] - run["y_min"]]
    )

    def run_on(landscape: LandscapeFn) -> tuple[jax.Array, jax.Array]:
        """The whole loop for one landscape (fused into the step: no per-step branch)."""
        value_and_grad = jax.vmap(jax.value_and_grad(landscape))

        start = jnp.stack([run["x0"], run["y0"]])
        params0 = jnp.broadcast_to(start, (rows, 2))
        loss0, grad0 = value_and_grad(params0)
        carry0 = jnp.concatenate(
            [
                params0,
                loss0[:, None],
                grad0,
                jnp.zeros((rows, 4)),  # s1, s2
                jnp.ones((rows, 1)),  # alive
                jnp.full((rows, 1), -1.0),  # diverged_at
            ],
            axis=1,
        )
        history0 = jnp.zeros((capacity + 1, rows, _LOSS + 1)).at[0].set(carry0[:, : _LOSS + 1])

        def step(t, state):
            carry, history = state
            table_t = step_table[t]
            eta, c1, c2 = table_t[:rows, None], table_t[rows], table_t[rows + 1]
            grad = carry[:, _GRAD] + noise[t]
            u, s1, s2 = batched.update(grad, carry[:, _S1], carry[:, _S2], eta, c1, c2, hyper)
            # Barriers stop XLA from recomputing shared values inside several fused kernels
            # (measured: 1.3 ms -> 0.5 ms per 1000 steps on CPU).
            candidate, s1, s2 = lax.optimization_barrier((carry[:, _PARAMS] + u, s1, s2))
            loss, new_grad = value_and_grad(candidate)
            moved = lax.optimization_barrier(
                jnp.concatenate([candidate, loss[:, None], new_grad, s1, s2], axis=1)
            )
            x, y, loss, gx, gy = (moved[:, i] for i in range(5))
            alive = carry[:, _ALIVE] > 0
            valid = (
                alive
                & jnp.isfinite(x)
                & jnp.isfinite(y)
                & (jnp.abs(x - centre[0]) <= reach[0])
                & (jnp.abs(y - centre[1]) <= reach[1])
                & jnp.isfinite(loss)
                & (jnp.abs(loss) <= DIVERGENCE_LOSS_LIMIT)
                & jnp.isfinite(gx)
                & jnp.isfinite(gy)
            )
            kept = jnp.where(valid[:, None], moved, carry[:, :_ALIVE])
            diverged_at = jnp.where(alive & ~valid, (t + 1).astype(jnp.float64), carry[:, _DIVERGED])
            carry = lax.optimization_barrier(
                jnp.concatenate([kept, valid[:, None].astype(jnp.float64), diverged_at[:, None]], 1)
            )
            history = lax.dynamic_update_index_in_dim(history, carry[:, : _LOSS + 1], t + 1, 0)
            return carry, history

        carry, history = lax.fori_loop(0, steps, step, (carry0, history0))
        carry, history = lax.fori_loop(0, steps, step, (carry0, history0))
        return history, carry[:, _DIVERGED]

    # One branch per landscape around the whole loop: a lax.switch inside the loop cost
    # ~0.5 us per step (half the run time); this costs one branch per call.
    if len(landscape_fns) == 1:
        history, diverged_at = run_on(landscape_fns[0])
    else:
        branches = [functools.partial(run_on, fn) for fn in landscape_fns]
        history, diverged_at = lax.switch(landscape_index, branches)
    return history, diverged_at.astype(jnp.int64)


@functools.cache
def _landscape_table() -> tuple[tuple[str, ...], tuple[LandscapeFn, ...]]:
    """Landscape ids and functions in ``lax.switch`` order (fixed identity: one jit cache key)."""
    from landscapes import landscape_fns, landscape_ids

    return tuple(landscape_ids()), tuple(landscape_fns())


@functools.lru_cache(maxsize=4096)
def _slot_row(config: OptimizerConfig) -> tuple[float, ...]:
    """``config`` as one row of the slot matrix (columns ``SLOT_COLUMNS``)."""
    filled: dict[str, float] = dict.fromkeys(SLOT_COLUMNS, 1.0)  # unused entries: placeholders
    filled["lr"] = float(config.lr)
    filled.update(config.resolved_schedule_params())
    filled.update(config.resolved_hyperparams())
    return tuple(filled[name] for name in SLOT_COLUMNS)


@functools.cache
def _default_config(optimizer_id: str) -> OptimizerConfig:
    return OptimizerConfig.default(optimizer_id)


@functools.lru_cache(maxsize=1024)
def _learning_rates(config: OptimizerConfig, steps: int, capacity: int) -> np.ndarray:
    """eta_t for t < capacity (the schedule spans ``steps`` updates), read-only."""
    table = schedule_table(
        config.schedule, config.lr, config.resolved_schedule_params(), steps, capacity
    )
    table.flags.writeable = False
    return table


@functools.lru_cache(maxsize=64)
def _noise(seed: int, capacity: int) -> np.ndarray:
    noise = gradient_noise(seed, capacity)
    noise.flags.writeable = False
    return noise


def _step_inputs(
    configs: list[OptimizerConfig], steps: int, capacity: int, sigma: float, seed: int
) -> np.ndarray:
    """[capacity, 2 + S]: the noise xi_t, then the learning rate of every slot."""
    inputs = np.empty((capacity, 2 + len(SLOTS)))
    inputs[:, :2] = _noise(seed, capacity) if sigma > 0 else 0.0
    for slot, config in enumerate(configs):
        if config.schedule == "constant":
            inputs[:, 2 + slot] = config.lr
        else:
            inputs[:, 2 + slot] = _learning_rates(config, steps, capacity)
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

    ``landscape_fns`` must be the same tuple object (or equal functions) across calls to reuse
    the compiled program; ``landscape_index`` selects among them at run time.
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

    by_slot: dict[str, OptimizerConfig] = {}
    for config in configs:
        if config.optimizer in by_slot:
            raise ValueError(f"optimizer {config.optimizer!r} configured twice")
        by_slot[config.optimizer] = config
    slot_configs = [by_slot.get(o) or _default_config(o) for o in SLOTS]
    slot_values = np.array([_slot_row(config) for config in slot_configs], dtype=np.float64)
    (x_min, x_max), (y_min, y_max) = domain
    run_values = np.array([x0, y0, x_min, x_max, y_min, y_max, sigma], dtype=np.float64)
    int_values = np.array([landscape_index, steps], dtype=np.int64)
    capacity = capacity_for(steps)
    step_inputs = _step_inputs(slot_configs, steps, capacity, sigma, seed)
    outputs = simulate(
        slot_values,
        run_values,
        int_values,
        step_inputs,
        landscape_fns=landscape_fns,
        capacity=capacity,
    )
    history, diverged = (np.asarray(output) for output in outputs)

    result = []
    for config in configs:
        if not config.enabled:
            continue
        slot = SLOTS.index(config.optimizer)
        diverged_at: int | None = int(diverged[slot])
        if diverged_at < 0:
            diverged_at, points = None, steps + 1
        else:
            points = diverged_at
        result.append(
            Trajectory(
                optimizer=config.optimizer,
                path=np.array(history[:points, slot, :2]),
                loss=np.array(history[:points, slot, 2]),
                lr=step_inputs[: points - 1, 2 + slot].copy(),
                diverged_at=diverged_at,
            )
        )
    return result


def trajectories(
    landscape_id: str,
    start: Sequence[float],
    configs: Sequence[OptimizerConfig],
    steps: int,
    noise_sigma: float = 0.0,
    seed: int = 0,
) -> list[Trajectory]:
    """Run every enabled config from ``start`` on ``landscape_id`` for ``steps`` updates.

    Returns one ``Trajectory`` per enabled config, in the order given (numpy float64, cut at
    divergence). ``steps`` in 1..``MAX_STEPS``; each optimizer may appear once; optimizers not
    configured run with their defaults but are not returned. ``noise_sigma`` >= 0 adds seeded
    Gaussian gradient noise (see module docstring). Raises ``KeyError`` for an unknown landscape,
    ``ValueError`` for invalid arguments; a diverging optimizer never raises.
    """
    from landscapes import get_landscape

    landscape = get_landscape(landscape_id)
    ids, fns = _landscape_table()
    return run_engine(
        fns, ids.index(landscape.id), landscape.domain, start, configs, steps, noise_sigma, seed
    )


def warm_up() -> None:
    """Compile (or load from the persistent cache) every program; call once per worker."""
    from landscapes import get_landscape

    ids, _ = _landscape_table()
    landscape = get_landscape(ids[0])
    configs = [OptimizerConfig.default(optimizer_id) for optimizer_id in SLOTS]
    for capacity in STEP_BUCKETS:
        trajectories(landscape.id, landscape.start, configs, capacity)

