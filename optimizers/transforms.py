"""The update rules as optax ``GradientTransformation``s, for any pytree of params.

``build_optimizer(id, schedule, **hyper)`` wraps the rule's own element-wise ``update``
(``optimizers/rules/<id>.py``, the function the lab's engine and the playground run): its state
is the rule's state with one entry per parameter leaf, plus the update count ``t``. Notation:
``g_t`` is the gradient passed to ``update``, ``eta_t = schedule(t)`` with ``t`` the number of
earlier updates (0 at the first), and the returned ``u_t`` is added to the params
(``optax.apply_updates``): ``theta_{t+1} = theta_t + u_t``.

How these differ from optax's own (the tests check both directions):

* momentum / nesterov: ``optax.sgd(momentum=a)`` keeps ``m <- g + a m`` and returns
  ``-eta_t m``; with a scheduled ``eta_t`` it rescales the whole accumulated velocity by the
  current rate, while the slide form ``delta <- -eta_t g + alpha delta`` applies each rate to
  its own gradient only. The two agree for a constant rate (``delta = -eta m``).
* adagrad: ``optax.adagrad`` starts its accumulator at 0.1; the slide (and this) at 0.
* rmsprop: ``optax.rmsprop(eps_in_sqrt=True, initial_scale=0)``; adam: ``optax.adam`` (ε
  outside the root), both equal up to round-off.
* adadelta: ``optax.adadelta(learning_rate=1.0)`` (its default ``None`` climbs); adamw:
  ``optax.adamw``; lion: ``optax.lion``; lookahead: ``optax.lookahead`` keeps fast and slow
  params in the params (``LookaheadParams``); this one keeps ``theta - phi`` in its state, so
  its params are the fast weights alone.

Hyperparameters may be Python floats or (traced) arrays. Updates and state keep the dtype of
the params, so float64 hyperparameters do not promote a float32 network (a promoted state would
break a ``lax.scan`` carry).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import optax

from optimizers import rules

ScalarOrSchedule = float | jax.Array | Callable[[jax.Array], jax.Array]


class RuleTransformState(NamedTuple):
    """State of ``build_optimizer``'s transformation: update count and per-leaf rule states."""

    count: jax.Array  # int32 scalar, number of earlier updates
    rule_state: tuple[Any, ...]  # the rule's state (NamedTuple) of each parameter leaf


def _as_schedule(learning_rate: ScalarOrSchedule) -> Callable[[jax.Array], jax.Array]:
    if callable(learning_rate):
        return learning_rate
    return lambda count: learning_rate


def rule_transform(
    rule_id: str, learning_rate: ScalarOrSchedule, hyper: dict[str, Any]
) -> optax.GradientTransformation:
    """Rule ``rule_id`` with every value its update reads (``rules.row_values``) as optax."""
    rule = rules.get_rule(rule_id)
    schedule = _as_schedule(learning_rate)

    def init(params: optax.Params) -> RuleTransformState:
        leaves = jax.tree.leaves(params)
        states = tuple(rule.zero_state(jnp.zeros_like(leaf)) for leaf in leaves)
        return RuleTransformState(jnp.zeros([], jnp.int32), states)

    def update(updates, state: RuleTransformState, params=None):
        grads, treedef = jax.tree.flatten(updates)
        thetas = jax.tree.leaves(params) if params is not None else [None] * len(grads)
        eta = schedule(state.count)
        t = state.count.astype(jnp.result_type(float))
        new_states, steps = [], []
        for g, theta, leaf_state in zip(grads, thetas, state.rule_state, strict=True):
            try:
                new_state, u = rule.update(leaf_state, g, eta, t, hyper, theta)
            except TypeError as error:
                if theta is not None:
                    raise
                raise ValueError(f"{rule_id} reads the params: pass them to update()") from error
            new_states.append(new_state)
            steps.append(u)
        return treedef.unflatten(steps), RuleTransformState(
            optax.safe_increment(state.count), tuple(new_states)
        )

    return optax.GradientTransformation(init, update)


def keep_param_dtypes(inner: optax.GradientTransformation) -> optax.GradientTransformation:
    """Cast ``inner``'s updates to the gradients' dtypes and its new state to the old state's.

    Lets float64 (traced) hyperparameters drive a float32 model without promoting its state.
    """

    def update(updates, state, params=None):
        new_updates, new_state = inner.update(updates, state, params)
        new_updates = jax.tree.map(lambda u, g: u.astype(g.dtype), new_updates, updates)
        new_state = jax.tree.map(
            lambda new, old: jnp.asarray(new).astype(jnp.asarray(old).dtype), new_state, state
        )
        return new_updates, new_state

    return optax.GradientTransformation(inner.init, update)


def build_optimizer(
    optimizer_id: str,
    learning_rate_schedule: ScalarOrSchedule,
    **hyperparams: Any,
) -> optax.GradientTransformation:
    """The update rule ``optimizer_id`` (see ``OPTIMIZERS``) as an optax transformation.

    ``learning_rate_schedule`` is ``count -> eta`` (e.g. from ``make_schedule``) or a constant.
    ``hyperparams`` are the rule's own (``OPTIMIZERS[id].rule_hyperparameters``; Lookahead's
    ``inner`` may be a rule id); missing ones take the rule's defaults, unknown ones raise
    ``ValueError``. Any number may be a traced array. Works on any pytree of float params;
    updates and state keep their dtypes.
    """
    rule = rules.get_rule(optimizer_id)
    allowed = rule.defaults
    unknown = set(hyperparams) - set(allowed)
    if unknown:
        raise ValueError(
            f"{optimizer_id} has no hyperparameter(s) {sorted(unknown)}; valid: {sorted(allowed)}"
        )
    values = dict(hyperparams)
    for parameter in rule.rule_hyperparameters:
        if parameter.is_choice and isinstance(values.get(parameter.name), str):
            values[parameter.name] = parameter.choice_index(values[parameter.name])
    concrete = {k: v for k, v in values.items() if isinstance(v, int | float)}
    resolved = rules.row_values(rule.id, concrete) | values
    return keep_param_dtypes(rule_transform(rule.id, learning_rate_schedule, resolved))
