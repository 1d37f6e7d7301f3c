"""The compiled program of the trajectory engine: all six optimizers, one XLA loop.

Inputs are four arrays, every number runtime data (nothing here is a compile-time constant
except the landscape functions, the capacity and the dispatch mode)::

    hyper        float64 [6, 5]          per optimizer row: alpha, gamma, beta1, beta2, eps
    run          float64 [7]             x0, y0, x_min, x_max, y_min, y_max, noise sigma
    ints         int64   [2]             landscape index, number of steps (the loop bound)
    step_inputs  float64 [capacity, 10]  per update t: xi_t (2), eta_t of every row (6), Adam's
                                         bias corrections c1_t, c2_t

Update ``t`` of every row (``batched.update`` holds the rules)::

    g_t   = grad R(theta_t) + sigma xi_t
    theta' = theta_t + u_t(g_t)
    valid = theta' finite and within DIVERGENCE_SPAN_FACTOR domain spans of the domain centre on
            both axes, R(theta') finite with |R(theta')| <= DIVERGENCE_LOSS_LIMIT, its gradient
            finite, and every earlier point valid
    theta_{t+1} = theta' if valid else theta_t   (frozen: NaN never enters the carry)

Performance notes (XLA on a 2-core CPU, where a step costs what its tiny kernels cost): the
whole per-row carry is one ``[6, 11]`` array and a step is ~6 fused kernels; everything a step
needs comes from one row of ``step_inputs`` (host-side tables: a table built inside the program
costs ~1 us per kernel launch and more to compile); one optimisation barrier stops XLA from
recomputing the new values inside several kernels (~3x slower without).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import jax
import jax.numpy as jnp
from jax import lax

from optimizers import batched
from optimizers.batched import SLOTS

DIVERGENCE_SPAN_FACTOR = 10.0
"""A point farther than this many domain spans from the domain centre (either axis) diverged."""
DIVERGENCE_LOSS_LIMIT = 1e12
"""A point whose |loss| exceeds this diverged."""

ROWS = len(SLOTS)
HYPER_COLUMNS: tuple[str, ...] = batched.BatchedHyperparameters._fields
RUN_COLUMNS: tuple[str, ...] = ("x0", "y0", "x_min", "x_max", "y_min", "y_max", "noise_sigma")
INT_LANDSCAPE, INT_STEPS = 0, 1
# step_inputs columns
NOISE, ETA, ADAM_C1, ADAM_C2 = slice(0, 2), slice(2, 2 + ROWS), 2 + ROWS, 3 + ROWS
STEP_INPUT_WIDTH = 4 + ROWS

# Columns of the per-row carry.
_PARAMS, _LOSS, _GRAD, _S1, _S2 = slice(0, 2), 2, slice(3, 5), slice(5, 7), slice(7, 9)
_ALIVE, _DIVERGED = 9, 10  # alive flag (1.0/0.0); diverged_at (-1.0: not diverged)

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
    """Every optimizer in ``SLOTS``, ``ints[1] <= capacity`` updates on ``landscape_fns[ints[0]]``.

    Traced by two jitted entry points below (``simulate``, ``simulate_single_landscape``);
    ``landscape_fns``, ``capacity`` and ``branch_per_step`` are static.

    Returns ``history`` [capacity+1, 6, 3] (x, y, loss of theta_0 .. theta_steps; later rows
    zero) and ``diverged_at`` [6] (index of the first invalid point, -1 if none).

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
                jnp.zeros((ROWS, 4)),  # s1, s2
                jnp.ones((ROWS, 1)),  # alive
                jnp.full((ROWS, 1), -1.0),  # diverged_at
            ],
            axis=1,
        )
        history0 = jnp.zeros((capacity + 1, ROWS, _LOSS + 1)).at[0].set(carry0[:, : _LOSS + 1])

        def step(t: jax.Array, state: tuple[jax.Array, jax.Array]) -> tuple[jax.Array, jax.Array]:
            carry, history = state
            # Inputs are sliced here, inside the step's fused kernels: slices outside the loop
            # are separate kernel launches per call.
            x_min, x_max, y_min, y_max, sigma = (run[i] for i in range(2, 7))
            h = batched.BatchedHyperparameters(
                *(hyper[:, i : i + 1] for i in range(len(HYPER_COLUMNS)))
            )
            inputs = step_inputs[t]
            grad = carry[:, _GRAD] + sigma * inputs[NOISE]
            eta = inputs[ETA][:, None]
            u, s1, s2 = batched.update(
                grad, carry[:, _S1], carry[:, _S2], eta, inputs[ADAM_C1], inputs[ADAM_C2], h
            )
            candidate = carry[:, _PARAMS] + u
            loss, new_grad = value_and_grad(candidate)
            moved = lax.optimization_barrier(
                jnp.concatenate([candidate, loss[:, None], new_grad, s1, s2], axis=1)
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
            return carry, history

        carry, history = lax.fori_loop(0, steps, step, (carry0, history0))
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


@functools.partial(jax.jit, static_argnames=_STATIC_ARGUMENTS)
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


@functools.partial(jax.jit, static_argnames=_STATIC_ARGUMENTS)
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
