"""Nesterov momentum with the gradient at the plotted point only (Sutskever et al. 2013)."""

from __future__ import annotations

from typing import NamedTuple

from optimizers.rule import Array, HyperParameter, OptimizerSpec, learning_rate

ALPHA = HyperParameter("alpha", "momentum", r"\alpha", 0.9, 0.0, 0.999)


class NesterovState(NamedTuple):
    velocity: Array  # δ_t


def update(state: NesterovState, g, eta, t, hyper, theta):
    """δ_{t+1} = −η_t g_t + α δ_t (δ_0 = 0); u = α δ_{t+1} − η_t g_t.

    Substituting φ = θ + α δ turns the classic look-ahead form (δ ← α δ − η ∇R(φ), φ ← φ + δ)
    into this one; θ here is the classic look-ahead point. Equals
    ``optax.sgd(η, α, nesterov=True)`` for a constant η.
    """
    del t, theta
    alpha = hyper["alpha"]
    velocity = -eta * g + alpha * state.velocity
    return NesterovState(velocity), alpha * velocity - eta * g


RULE = OptimizerSpec(
    id="nesterov",
    title="Nesterov momentum",
    hyperparameters=(learning_rate(0.001), ALPHA),
    latex=(
        r"\delta_{t+1} = -\eta_t\, g_t + \alpha\, \delta_t, \quad \delta_0 = 0",
        r"\theta_{t+1} = \theta_t + \alpha\, \delta_{t+1} - \eta_t\, g_t",
    ),
    note=(
        "Nesterov's look-ahead written, like the slide momentum, with the gradient at the "
        "plotted point only (Sutskever et al. 2013; optax's nesterov=True at a constant rate). "
        "It is the classic δ ← αδ − η∇R(θ + αδ), θ ← θ + δ with the plotted point being the "
        "look-ahead point θ + αδ; this form needs no extra gradient evaluation, so the "
        "network playground can use it too."
    ),
    default_enabled=False,
    color="#CC79A7",  # Okabe–Ito reddish purple
    order=30,
    state=NesterovState,
    update=update,
)


def slide_nesterov(learning_rate_schedule, alpha=0.9):
    """This rule as an optax transformation (``build_optimizer``), for any pytree."""
    from optimizers.transforms import build_optimizer

    return build_optimizer(RULE.id, learning_rate_schedule, alpha=alpha)
