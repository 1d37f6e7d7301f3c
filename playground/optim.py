"""The optimizer lab's update rules, schedules and their metadata, as the playground uses them.

The playground has no update rule of its own: it runs each rule's own ``update``
(``optimizers/rules/<id>.py``, the same function the lab's trajectory engine and
``optimizers.build_optimizer`` run) and the schedules from ``optimizers.make_traced_schedule``,
so both pages apply exactly the same equations, defaults and ranges. Inside the compiled
program the optimizer acts on one flat float32 parameter vector θ (element-wise rules, so this
is the same as acting on every W and b); the schedule's ``t`` counts updates (= epochs with
full batch).

One compiled program serves every optimizer: the choice is a traced index and every rule keeps
its state in one shared structure (``SharedState``: the update count and
``optimizers.rules.STATE_WIDTH`` θ-sized vectors, each rule using the first ones its state has).
``shared_update`` runs ``optimizers.rules.apply`` with the scalar index: a ``lax.switch``, so
only the chosen rule executes. Every rule starts from zeros, so one ``shared_init`` serves all.
Hyperparameters a rule does not use are ignored; a wrapper's inner rule (Lookahead) reads its
own names, which ``program_hyper`` fills with the inner rule's defaults
(``PlaygroundConfig.resolved_optimizer_params``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import NamedTuple

import jax
import jax.numpy as jnp

from optimizers import (
    OPTIMIZERS,
    SCHEDULE_KINDS,
    SCHEDULE_PARAMETER_NAMES,
    SCHEDULES,
    build_optimizer,
    make_schedule,
    make_traced_schedule,
    rules,
)

__all__ = [
    "OPTIMIZERS",
    "OPTIMIZER_IDS",
    "RULE_PARAMETER_NAMES",
    "SCHEDULES",
    "SCHEDULE_KINDS",
    "SCHEDULE_PARAMETER_NAMES",
    "SharedState",
    "build_optimizer",
    "make_schedule",
    "shared_init",
    "shared_update",
    "traced_schedule",
]

OPTIMIZER_IDS: tuple[str, ...] = tuple(OPTIMIZERS)
"""Optimizer ids in the order of the traced optimizer index."""

RULE_PARAMETER_NAMES: tuple[str, ...] = rules.HYPER_NAMES
"""Every rule hyperparameter name (the learning rate excluded): the traced inputs."""

N_STATE_VECTORS = rules.STATE_WIDTH


class SharedState(NamedTuple):
    """The state of any rule: update count (int32) and ``N_STATE_VECTORS`` θ-sized vectors."""

    count: jax.Array
    vectors: jax.Array  # (N_STATE_VECTORS, P) float32


def shared_init(theta: jax.Array) -> SharedState:
    return SharedState(
        jnp.zeros([], jnp.int32), jnp.zeros((N_STATE_VECTORS, *theta.shape), theta.dtype)
    )


def shared_update(
    optimizer_index: jax.Array,
    schedule: Callable[[jax.Array], jax.Array],
    hyperparameters: Mapping[str, jax.Array],
    gradient: jax.Array,
    state: SharedState,
    theta: jax.Array,
) -> tuple[jax.Array, SharedState]:
    """``(u, new state)`` of rule ``OPTIMIZER_IDS[optimizer_index]``; apply as θ ← θ + u."""
    eta = schedule(state.count).astype(theta.dtype)
    t = state.count.astype(theta.dtype)
    hyper = {
        name: jnp.asarray(value).astype(theta.dtype) for name, value in hyperparameters.items()
    }
    leaves = tuple(state.vectors[i] for i in range(N_STATE_VECTORS))
    new_leaves, updates = rules.apply(
        optimizer_index, OPTIMIZER_IDS, leaves, gradient, eta, t, hyper, theta
    )
    vectors = jnp.stack([leaf.astype(state.vectors.dtype) for leaf in new_leaves])
    return updates.astype(theta.dtype), SharedState(state.count + 1, vectors)


def traced_schedule(
    schedule_index: jax.Array,
    lr: jax.Array,
    params: Mapping[str, jax.Array],
    total_steps: jax.Array,
) -> Callable[[jax.Array], jax.Array]:
    """``count -> η_count`` (float32) of schedule ``SCHEDULE_KINDS[schedule_index]``."""
    schedule = make_traced_schedule(schedule_index, lr, params, total_steps)
    return lambda count: schedule(count).astype(jnp.float32)
