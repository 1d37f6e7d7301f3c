"""The displayed update rules as optax ``GradientTransformation``s, for any pytree of params.

Notation: ``g_t`` is the gradient passed to ``update``, ``eta_t = schedule(t)`` with ``t`` the
number of earlier updates (0 at the first), the returned update ``u_t`` is added to the params
(``optax.apply_updates``): ``theta_{t+1} = theta_t + u_t``. Everything is element-wise.

=========  =======================================================  ===========================
id         rule                                                     implementation
=========  =======================================================  ===========================
gd         u = -eta_t g                                             ``optax.sgd(schedule)``
momentum   delta <- -eta_t g + alpha delta;  u = delta              ``slide_momentum`` (ours)
nesterov   delta <- -eta_t g + alpha delta;  u = alpha delta - eta_t g   ``slide_nesterov`` (ours)
adagrad    G <- G + g^2 (G_0 = 0);  u = -eta_t g / sqrt(G + eps)    ``optax.adagrad(…, 0.0, eps)``
rmsprop    G <- gamma G + (1-gamma) g^2;  u = -eta_t g / sqrt(G + eps)
                                                                    ``optax.rmsprop(eps_in_sqrt)``
adam       m <- b1 m + (1-b1) g;  v <- b2 v + (1-b2) g^2;
           u = -eta_t m/(1-b1^(t+1)) / (sqrt(v/(1-b2^(t+1))) + eps)  ``optax.adam(eps_root=0)``
=========  =======================================================  ===========================

Why not optax for (Nesterov) momentum: ``optax.sgd(momentum=a)`` keeps ``m <- g + a m`` and
returns ``-eta_t m``: with a scheduled ``eta_t`` it rescales the whole accumulated velocity by
the current rate, while the slide form ``delta <- -eta_t g + alpha delta`` applies each rate to
its own gradient only. The two agree for a constant rate (``delta = -eta m``).

Hyperparameters may be Python floats or (traced) arrays. ``build_optimizer`` keeps the updates
and the state in the dtype of the params, so float64 hyperparameters do not promote a float32
network (a promoted state would break a ``lax.scan`` carry).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import jax
import jax.numpy as jnp
import optax

from optimizers.specs import get_optimizer_spec

ScalarOrSchedule = float | jax.Array | Callable[[jax.Array], jax.Array]


class VelocityState(NamedTuple):
    """State of the (Nesterov) momentum rules: update count and velocity ``delta``."""

    count: jax.Array  # int32 scalar, number of earlier updates
    velocity: optax.Updates


def _as_schedule(learning_rate: ScalarOrSchedule) -> Callable[[jax.Array], jax.Array]:
    if callable(learning_rate):
        return learning_rate
    return lambda count: learning_rate


def _velocity_init(params: optax.Params) -> VelocityState:
    return VelocityState(count=jnp.zeros([], jnp.int32), velocity=optax.tree.zeros_like(params))


def slide_momentum(
    learning_rate: ScalarOrSchedule, alpha: jax.typing.ArrayLike = 0.9
) -> optax.GradientTransformation:
    """Momentum in the slide form.

    delta_{t+1} = -eta_t g_t + alpha delta_t  (delta_0 = 0);  theta_{t+1} = theta_t + delta_{t+1}.
    The update returned is ``delta_{t+1}``.
    """
    schedule = _as_schedule(learning_rate)

    def update(updates, state, params=None):
        del params
        eta = schedule(state.count)
        velocity = jax.tree.map(lambda g, d: -eta * g + alpha * d, updates, state.velocity)
        return velocity, VelocityState(optax.safe_increment(state.count), velocity)

    return optax.GradientTransformation(_velocity_init, update)


def slide_nesterov(
    learning_rate: ScalarOrSchedule, alpha: jax.typing.ArrayLike = 0.9
) -> optax.GradientTransformation:
    """Nesterov momentum with the gradient at the current point only (Sutskever et al. 2013).

    delta_{t+1} = -eta_t g_t + alpha delta_t  (delta_0 = 0);
    theta_{t+1} = theta_t + alpha delta_{t+1} - eta_t g_t.

    Substituting phi = theta + alpha delta turns the classic look-ahead form
    (delta <- alpha delta - eta grad R(phi), phi <- phi + delta) into this one; theta here is the
    classic look-ahead point. Equals ``optax.sgd(eta, alpha, nesterov=True)`` for constant eta.
    """
    schedule = _as_schedule(learning_rate)

    def update(updates, state, params=None):
        del params
        eta = schedule(state.count)
        velocity = jax.tree.map(lambda g, d: -eta * g + alpha * d, updates, state.velocity)
        step = jax.tree.map(lambda g, d: alpha * d - eta * g, updates, velocity)
        return step, VelocityState(optax.safe_increment(state.count), velocity)

    return optax.GradientTransformation(_velocity_init, update)


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


def _build_rule(
    optimizer_id: str, schedule: ScalarOrSchedule, h: dict[str, jax.typing.ArrayLike]
) -> optax.GradientTransformation:
    if optimizer_id == "gd":
        return optax.sgd(schedule)
    if optimizer_id == "momentum":
        return slide_momentum(schedule, h["alpha"])
    if optimizer_id == "nesterov":
        return slide_nesterov(schedule, h["alpha"])
    if optimizer_id == "adagrad":
        return optax.adagrad(schedule, initial_accumulator_value=0.0, eps=h["eps"])
    if optimizer_id == "rmsprop":
        return optax.rmsprop(
            schedule, decay=h["gamma"], eps=h["eps"], initial_scale=0.0, eps_in_sqrt=True
        )
    if optimizer_id == "adam":
        return optax.adam(schedule, b1=h["beta1"], b2=h["beta2"], eps=h["eps"], eps_root=0.0)
    raise AssertionError(f"no rule for {optimizer_id!r}")  # specs and rules out of sync


def build_optimizer(
    optimizer_id: str,
    learning_rate_schedule: ScalarOrSchedule,
    **hyperparams: jax.typing.ArrayLike,
) -> optax.GradientTransformation:
    """The update rule ``optimizer_id`` (see ``OPTIMIZERS``) as an optax transformation.

    ``learning_rate_schedule`` is ``count -> eta`` (e.g. from ``make_schedule``) or a constant.
    ``hyperparams`` are the rule's own (``alpha``; ``gamma``, ``eps``; ``beta1``, ``beta2``,
    ``eps``); missing ones take the spec defaults, unknown ones raise ``ValueError``. Any may
    be a traced array. Works on any pytree of float params; updates and state keep their dtypes.
    """
    spec = get_optimizer_spec(optimizer_id)
    allowed = {p.name: p.default for p in spec.rule_hyperparameters}
    unknown = set(hyperparams) - set(allowed)
    if unknown:
        raise ValueError(
            f"{optimizer_id} has no hyperparameter(s) {sorted(unknown)}; valid: {sorted(allowed)}"
        )
    values = {**allowed, **hyperparams}
    return keep_param_dtypes(_build_rule(spec.id, learning_rate_schedule, values))
