"""Lookahead (Zhang et al. 2019): k fast steps of an inner rule, then one step back toward them."""

from __future__ import annotations

from typing import Any, NamedTuple

import jax.numpy as jnp
import numpy as np

from optimizers.rule import WRAPPABLE, Array, HyperParameter, OptimizerSpec, learning_rate

INNER = HyperParameter("inner", "inner rule", r"A", 0.0, 0.0, 0.0, integer=True, choices=WRAPPABLE)
"""Which rule takes the fast steps; its own hyperparameters keep their defaults (choices and
default filled in by the registry: every rule that wraps no other; ``DEFAULT_INNER``)."""
DEFAULT_INNER = "adam"
SYNC_PERIOD = HyperParameter("k", "fast steps per sync", "k", 5.0, 1.0, 100.0, integer=True)
SLOW_STEP = HyperParameter("slow_step", "slow-weights step", r"\alpha", 0.5, 0.0, 1.0)


class LookaheadState(NamedTuple):
    inner: tuple[Array, ...]  # the inner rule's state (padded to the widest rule)
    displacement: Array  # θ_t − φ: how far the fast weights are from the slow ones
    since_sync: Array  # fast steps since the last sync (t mod k, carried)


def init_state(zero: Any) -> LookaheadState:
    from optimizers import rules

    return LookaheadState((zero,) * rules.inner_state_width(), zero, zero)


def sync_period(hyper) -> Any:
    """k = max(round(k), 1)."""
    return jnp.maximum(jnp.round(hyper["k"]), 1.0)


def update(state: LookaheadState, g, eta, t, hyper, theta):
    """One fast step of the inner rule A; after every k-th, the slow weights φ move and θ = φ.

    Written with d = θ − φ instead of φ, so the rule stays element-wise without θ:
    ũ = A's update;  d̃ = d_t + ũ;  if k | t + 1: u = α d̃ − d_t (θ_{t+1} = φ + α(θ̃ − φ)),
    d_{t+1} = 0;  else u = ũ, d_{t+1} = d̃.  The inner state keeps running across syncs
    (optax.lookahead's default, reset_state=False). ``since_sync`` counts t mod k (cheaper
    than a remainder per step).
    """
    from optimizers import rules

    inner, fast_update = rules.apply(
        hyper["inner"], rules.WRAPPABLE_IDS, state.inner, g, eta, t, hyper, theta
    )
    moved = state.displacement + fast_update
    count = state.since_sync + 1.0
    sync = count >= sync_period(hyper)
    step = jnp.where(sync, hyper["slow_step"] * moved - state.displacement, fast_update)
    displacement = jnp.where(sync, 0.0, moved)
    since_sync = jnp.where(sync, 0.0, count)
    return LookaheadState(inner, displacement, since_sync), step


def slow_steps(points: int, values) -> np.ndarray:
    """The steps 0, k, 2k, … < ``points`` where θ is the slow weights (θ_{jk} = φ_j after each
    sync; φ_0 = θ_0)."""
    k = max(round(values["k"]), 1)
    return np.arange(0, points, k)


RULE = OptimizerSpec(
    id="lookahead",
    title="Lookahead",
    hyperparameters=(learning_rate(0.03), INNER, SYNC_PERIOD, SLOW_STEP),
    latex=(
        r"\tilde\theta_{t+1} = \theta_t + u_t^{A}"
        r"\quad (\text{one update of the inner rule } A), \quad \phi_0 = \theta_0",
        r"\text{if } k \mid t + 1{:}\quad \phi \leftarrow \phi + \alpha\,(\tilde\theta_{t+1} - \phi),"
        r"\quad \theta_{t+1} = \phi",
        r"\text{otherwise:}\quad \theta_{t+1} = \tilde\theta_{t+1}",
    ),
    note=(
        "Zhang et al. (2019), “k steps forward, 1 step back”: the inner rule A takes k fast "
        "steps from the slow weights φ, then φ moves a fraction α of the way to where they "
        "ended and the fast weights restart from φ. The dashed path (when drawn) is φ. A runs "
        "with the row's η and schedule and its own default hyperparameters; its state keeps "
        "running across syncs (optax.lookahead's default)."
    ),
    default_enabled=False,
    color="#44AA99",  # Paul Tol teal
    order=100,
    state=LookaheadState,
    update=update,
    init_state=init_state,
    slow_steps=slow_steps,
    wraps="inner",
)
