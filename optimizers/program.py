"""The compiled program of the trajectory engine: ``ROWS`` optimizer rows, one XLA loop.

Inputs are four arrays, every number runtime data (nothing here is a compile-time constant
except the landscape functions, the capacity and the dispatch mode)::

    hyper        float64 [8, H]          per row: its rule (an index into ``RULE_IDS``) and
                                         every hyperparameter name (``batched.HYPER_COLUMNS``)
    run          float64 [7]             x0, y0, x_min, x_max, y_min, y_max, noise sigma
    ints         int64   [2]             landscape index, number of steps (the loop bound)
    step_inputs  float64 [capacity, 10]  per update t: xi_t (2), eta_t of every row (8)

Update ``t`` of every row (``batched.update`` holds the rules)::

    g_t   = grad R(theta_t) + sigma xi_t
    theta' = theta_t + u_t(g_t)
    valid = theta' finite and within DIVERGENCE_SPAN_FACTOR domain spans of the domain centre on
            both axes, R(theta') finite with |R(theta')| <= DIVERGENCE_LOSS_LIMIT, its gradient
            finite, and every earlier point valid
    theta_{t+1} = theta' if valid else theta_t   (frozen: NaN never enters the carry)

Performance notes (XLA on a 2-core CPU, where rows are tiny and a step costs its kernel
launches plus its scalar element-wise work): the whole per-row carry is one
``[8, 5 + 2·STATE_WIDTH + 2]`` array and a step is 6 kernels, as in the six-slot engine:

1. ``base_u`` [8, 2], the loop state's third element: every row's update of its effective rule
   (``batched.base_update``), i.e. all the rules' roots and divisions, computed at the end of
   the previous step (or before the loop) so that it is a kernel of its own. Computed inside the
   step, XLA fused it into both the update and the state columns that read it and evaluated
   every rule twice (~2.4x slower); left to XLA without a concatenation, every root became a
   kernel of its own (~20 kernels, ~4 ms per 1000 steps).
2. ``updated`` = [theta + u, new leaves] (the per-row selections, Lookahead's logic): one
   concatenation of at most 8 operands (XLA on CPU does not fuse a wider one); the barrier keeps
   XLA from turning ``updated[:, 2:]`` back into its operands in (3), which would make (3) a
   9-operand, unfused concatenation with one kernel per operand.
3. ``moved`` = [candidate, R, grad R, leaves] (the landscape), under the barrier that stops XLA
   from recomputing the new values inside several kernels (~3x slower without).
4. the new carry (validity), 5. the history row, 6. the loop counter.

Everything a step needs comes from one row of ``step_inputs`` (host-side tables: a table
built inside the program costs ~1 us per kernel launch and more to compile).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import jax
import jax.numpy as jnp
from jax import lax

from optimizers import batched

DIVERGENCE_SPAN_FACTOR = 10.0
"""A point farther than this many domain spans from the domain centre (either axis) diverged."""
DIVERGENCE_LOSS_LIMIT = 1e12
"""A point whose |loss| exceeds this diverged."""

ROWS = 8
"""Rows of one compiled call: optimizers configured side by side (any rule, repeats allowed)."""
HYPER_COLUMNS: tuple[str, ...] = batched.HYPER_COLUMNS
RUN_COLUMNS: tuple[str, ...] = ("x0", "y0", "x_min", "x_max", "y_min", "y_max", "noise_sigma")
INT_LANDSCAPE, INT_STEPS = 0, 1
# step_inputs columns
NOISE, ETA = slice(0, 2), slice(2, 2 + ROWS)
STEP_INPUT_WIDTH = 2 + ROWS

# Columns of the per-row carry: point, loss, gradient, STATE_WIDTH state leaves of 2 columns.
_PARAMS, _LOSS, _GRAD = slice(0, 2), 2, slice(3, 5)
_STATE = 5
_ALIVE = _STATE + 2 * batched.STATE_WIDTH  # alive flag (1.0/0.0)
_DIVERGED = _ALIVE + 1  # diverged_at (-1.0: not diverged)

LandscapeFn = Callable[[jax.Array], jax.Array]
BatchedValueAndGrad = Callable[[jax.Array], tuple[jax.Array, jax.Array]]
"""``points [k, 2] -> (values [k], gradients [k, 2])``."""


def _simulate(
    hyper: jax.Array,
    run: jax.Array,
    ints: jax.Array,
    step_inputs: jax.Array,
    *,
    landscape_fns: tuple[LandscapeFn, ...],
    capacity: int,
    branch_per_step: bool = False,
) -> tuple[jax.Array, jax.Array]:
    """Every row of ``hyper``, ``ints[1] <= capacity`` updates on ``landscape_fns[ints[0]]``.

    Traced by two jitted entry points below (``simulate``, ``simulate_single_landscape``);
    ``landscape_fns``, ``capacity`` and ``branch_per_step`` are static.

    Returns ``history`` [capacity+1, ROWS, 3] (x, y, loss of theta_0 .. theta_steps; later rows
    zero) and ``diverged_at`` [ROWS] (index of the first invalid point, -1 if none).

    ``branch_per_step=False`` puts one ``lax.switch`` branch per landscape around the whole
    loop (the landscape fuses into the step: fastest, but every branch compiles the loop);
    ``True`` switches inside every step (~0.5 us more per step on CPU, ~3x cheaper to compile).
    """
    landscape_index = ints[INT_LANDSCAPE].astype(jnp.int32)
    steps = ints[INT_STEPS]
    params0 = jnp.broadcast_to(run[0:2], (ROWS, 2))

    def run_loop(value_and_grad: BatchedValueAndGrad) -> tuple[jax.Array, jax.Array]:
        loss0, grad0 = value_and_grad(params0)
        carry0 = jnp.concatenate(
            [
                params0,
                loss0[:, None],
                grad0,
                jnp.zeros((ROWS, 2 * batched.STATE_WIDTH)),  # the rules' state
                jnp.ones((ROWS, 1)),  # alive
                jnp.full((ROWS, 1), -1.0),  # diverged_at
            ],
            axis=1,
        )
        history0 = jnp.zeros((capacity + 1, ROWS, _LOSS + 1)).at[0].set(carry0[:, : _LOSS + 1])

        def rule_inputs(carry: jax.Array, t: jax.Array) -> tuple:
            """What update ``t`` of the rules reads: g_t, leaves, eta_t, t, hyper, theta_t."""
            inputs = step_inputs[t]
            grad = carry[:, _GRAD] + run[6] * inputs[NOISE]
            leaves = tuple(
                carry[:, _STATE + 2 * j : _STATE + 2 * j + 2] for j in range(batched.STATE_WIDTH)
            )
            eta = inputs[ETA][:, None]
            return grad, leaves, eta, t.astype(jnp.float64), hyper, carry[:, _PARAMS]

        def step(t: jax.Array, state: tuple) -> tuple:
            carry, history, base_u = state
            x_min, x_max, y_min, y_max = (run[i] for i in range(2, 6))
            grad, leaves, eta, t_float, _, theta = rule_inputs(carry, t)
            u, new_leaves = batched.update(grad, leaves, eta, t_float, hyper, theta, base_u)
            updated = lax.optimization_barrier(jnp.concatenate([theta + u, *new_leaves], axis=1))
            candidate = updated[:, :2]
            loss, new_grad = value_and_grad(candidate)
            moved = lax.optimization_barrier(
                jnp.concatenate([candidate, loss[:, None], new_grad, updated[:, 2:]], axis=1)
            )
            x, y, loss, gx, gy = (moved[:, i] for i in range(5))
            alive = carry[:, _ALIVE] > 0
            reach_x = DIVERGENCE_SPAN_FACTOR * (x_max - x_min)
            reach_y = DIVERGENCE_SPAN_FACTOR * (y_max - y_min)
            valid = (
                alive
                & jnp.isfinite(x)
                & jnp.isfinite(y)
                & (jnp.abs(x - (x_min + x_max) / 2) <= reach_x)
                & (jnp.abs(y - (y_min + y_max) / 2) <= reach_y)
                & jnp.isfinite(loss)
                & (jnp.abs(loss) <= DIVERGENCE_LOSS_LIMIT)
                & jnp.isfinite(gx)
                & jnp.isfinite(gy)
            )
            kept = jnp.where(valid[:, None], moved, carry[:, :_ALIVE])
            diverged = jnp.where(alive & ~valid, (t + 1).astype(jnp.float64), carry[:, _DIVERGED])
            carry = jnp.concatenate(
                [kept, valid[:, None].astype(jnp.float64), diverged[:, None]], 1
            )
            history = lax.dynamic_update_index_in_dim(history, carry[:, : _LOSS + 1], t + 1, 0)
            # The next update's rule outputs, computed here: a loop-state element is one
            # element-wise kernel of its own (the rules' roots and divisions once per element).
            next_t = jnp.minimum(t + 1, capacity - 1)
            return carry, history, batched.base_update(*rule_inputs(carry, next_t))

        base0 = batched.base_update(*rule_inputs(carry0, jnp.zeros((), steps.dtype)))
        carry, history, _ = lax.fori_loop(0, steps, step, (carry0, history0, base0))
        return history, carry[:, _DIVERGED]

    evaluators = [jax.vmap(jax.value_and_grad(fn)) for fn in landscape_fns]
    if len(evaluators) == 1:
        history, diverged_at = run_loop(evaluators[0])
    elif branch_per_step:
        history, diverged_at = run_loop(
            lambda points: lax.switch(landscape_index, evaluators, points)
        )
    else:
        branches = [functools.partial(run_loop, evaluate) for evaluate in evaluators]
        history, diverged_at = lax.switch(landscape_index, branches)
    return history, diverged_at.astype(jnp.int64)


_STATIC_ARGUMENTS = ("landscape_fns", "capacity", "branch_per_step")
COMPILER_OPTIONS = {"xla_cpu_copy_insertion_use_region_analysis": True}
"""XLA's region-based copy analysis: one fewer buffer copy per loop step (the loop counter's),
~2 % per call; the same numbers (it only decides which buffers a step may overwrite)."""


@functools.partial(jax.jit, static_argnames=_STATIC_ARGUMENTS, compiler_options=COMPILER_OPTIONS)
def simulate(
    hyper: jax.Array,
    run: jax.Array,
    ints: jax.Array,
    step_inputs: jax.Array,
    *,
    landscape_fns: tuple[LandscapeFn, ...],
    capacity: int,
    branch_per_step: bool = False,
) -> tuple[jax.Array, jax.Array]:
    """The engine's programs over the landscape catalog, one per step capacity (``_simulate``)."""
    return _simulate(
        hyper,
        run,
        ints,
        step_inputs,
        landscape_fns=landscape_fns,
        capacity=capacity,
        branch_per_step=branch_per_step,
    )


@functools.partial(jax.jit, static_argnames=_STATIC_ARGUMENTS, compiler_options=COMPILER_OPTIONS)
def simulate_single_landscape(
    hyper: jax.Array,
    run: jax.Array,
    ints: jax.Array,
    step_inputs: jax.Array,
    *,
    landscape_fns: tuple[LandscapeFn, ...],
    capacity: int,
    branch_per_step: bool = False,
) -> tuple[jax.Array, jax.Array]:
    """``_simulate`` for one landscape (``landscape_fns`` of length 1), cached apart from
    ``simulate`` (JAX keys its caches by the Python function): without a switch the loop is
    compiled once instead of once per landscape, ~0.3 s instead of ~2.5 s of CPU, which lets a
    fresh worker serve the lab's default landscape within a second
    (``engine.FAST_START_CAPACITY``)."""
    return _simulate(
        hyper,
        run,
        ints,
        step_inputs,
        landscape_fns=landscape_fns,
        capacity=capacity,
        branch_per_step=branch_per_step,
    )
