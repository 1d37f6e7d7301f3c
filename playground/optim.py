"""The optimizer lab's update rules, schedules and their metadata, as the playground uses them.

The playground has no update rule of its own: the rules come from
``optimizers.build_optimizer`` and the schedules from ``optimizers.make_traced_schedule``, so
both pages apply exactly the same equations, defaults and ranges. Inside the compiled program
the optimizer acts on one flat float32 parameter vector θ (element-wise rules, so this is the
same as acting on every W and b); the schedule's ``t`` counts updates (= epochs with full batch).

One compiled program serves every optimizer: the choice is a traced index and every rule keeps
its state in one shared structure (``SharedState``: the update count and two θ-sized vectors;
``OptimizerSpec`` → what they hold)::

    gd        count                    momentum/nesterov  count, δ
    adagrad   count, G                 rmsprop            count, G
    adam      count, m, v

``shared_update`` switches (``lax.switch``) to the chosen rule, rebuilds that rule's own optax
state from the shared one, calls the rule's ``update`` and stores its new state back: the
numbers are the rules' own. Every rule starts from zeros (optax's ``init`` for these rules), so
one ``shared_init`` serves all. Hyperparameters a rule does not use are ignored.
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

RULE_PARAMETER_NAMES: tuple[str, ...] = tuple(
    dict.fromkeys(p.name for spec in OPTIMIZERS.values() for p in spec.rule_hyperparameters)
)
"""Every rule hyperparameter name (alpha, gamma, eps, beta1, beta2): the traced inputs."""

N_STATE_VECTORS = 2


class SharedState(NamedTuple):
    """The state of any rule: update count (int32) and ``N_STATE_VECTORS`` θ-sized vectors."""

    count: jax.Array
    vectors: jax.Array  # (N_STATE_VECTORS, P) float32


def shared_init(theta: jax.Array) -> SharedState:
    return SharedState(
        jnp.zeros([], jnp.int32), jnp.zeros((N_STATE_VECTORS, *theta.shape), theta.dtype)
    )


def _is_count(leaf) -> bool:
    return leaf.shape == () and jnp.issubdtype(leaf.dtype, jnp.integer)


def _rule_branch(
    optimizer_id: str,
    schedule: Callable[[jax.Array], jax.Array],
    hyperparameters: Mapping[str, jax.Array],
) -> Callable:
    names = [p.name for p in OPTIMIZERS[optimizer_id].rule_hyperparameters]

    def branch(operands):
        gradient, state, theta = operands
        rule = build_optimizer(optimizer_id, schedule, **{n: hyperparameters[n] for n in names})
        template = jax.eval_shape(rule.init, theta)
        leaves, treedef = jax.tree.flatten(template)
        vector_leaves = [i for i, leaf in enumerate(leaves) if not _is_count(leaf)]
        if len(vector_leaves) > N_STATE_VECTORS or any(
            leaves[i].shape != theta.shape for i in vector_leaves
        ):
            raise AssertionError(f"{optimizer_id}: state does not fit SharedState")
        rebuilt = []
        for index, leaf in enumerate(leaves):
            if _is_count(leaf):
                rebuilt.append(state.count.astype(leaf.dtype))
            else:
                rebuilt.append(state.vectors[vector_leaves.index(index)].astype(leaf.dtype))
        updates, new_state = rule.update(gradient, treedef.unflatten(rebuilt), theta)
        new_leaves = jax.tree.leaves(new_state)
        counts = [leaf for leaf, old in zip(new_leaves, leaves, strict=True) if _is_count(old)]
        vectors = state.vectors
        for slot, index in enumerate(vector_leaves):
            vectors = vectors.at[slot].set(new_leaves[index].astype(vectors.dtype))
        count = counts[0].astype(jnp.int32) if counts else state.count + 1
        return updates.astype(theta.dtype), SharedState(count, vectors)

    return branch


def shared_update(
    optimizer_index: jax.Array,
    schedule: Callable[[jax.Array], jax.Array],
    hyperparameters: Mapping[str, jax.Array],
    gradient: jax.Array,
    state: SharedState,
    theta: jax.Array,
) -> tuple[jax.Array, SharedState]:
    """``(u, new state)`` of rule ``OPTIMIZER_IDS[optimizer_index]``; apply as θ ← θ + u."""
    branches = [_rule_branch(i, schedule, hyperparameters) for i in OPTIMIZER_IDS]
    return jax.lax.switch(optimizer_index, branches, (gradient, state, theta))


def traced_schedule(
    schedule_index: jax.Array,
    lr: jax.Array,
    params: Mapping[str, jax.Array],
    total_steps: jax.Array,
) -> Callable[[jax.Array], jax.Array]:
    """``count -> η_count`` (float32) of schedule ``SCHEDULE_KINDS[schedule_index]``."""
    schedule = make_traced_schedule(schedule_index, lr, params, total_steps)
    return lambda count: schedule(count).astype(jnp.float32)
