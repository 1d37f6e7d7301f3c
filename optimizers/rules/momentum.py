"""Momentum in the slide form: δ ← −η_t g_t + α δ, θ ← θ + δ."""

from __future__ import annotations

from typing import NamedTuple

from optimizers.rule import Array, HyperParameter, OptimizerSpec, learning_rate

ALPHA = HyperParameter("alpha", "momentum", r"\alpha", 0.9, 0.0, 0.999)


class MomentumState(NamedTuple):
    velocity: Array  # δ_t


def update(state: MomentumState, g, eta, t, hyper, theta):
    """δ_{t+1} = −η_t g_t + α δ_t (δ_0 = 0); u = δ_{t+1}.

    The learning rate sits inside the velocity, so a schedule scales only the newest gradient.
    """
    del t, theta
    velocity = -eta * g + hyper["alpha"] * state.velocity
    return MomentumState(velocity), velocity


RULE = OptimizerSpec(
    id="momentum",
    title="Momentum",
    # effective step ~ η / (1 − α) = 10× gradient descent's at the same η
    hyperparameters=(learning_rate(0.001), ALPHA),
    latex=(
        r"\delta_{t+1} = -\eta_t\, g_t + \alpha\, \delta_t, \quad \delta_0 = 0",
        r"\theta_{t+1} = \theta_t + \delta_{t+1}",
    ),
    note=(
        "The slide form: the learning rate sits inside the velocity δ, so a schedule scales "
        "only the newest gradient. (optax.sgd(momentum=…) multiplies the whole accumulated "
        "velocity by the current learning rate instead; both agree for a constant rate.)"
    ),
    default_enabled=True,
    color="#E69F00",  # Okabe–Ito orange
    order=20,
    state=MomentumState,
    update=update,
)


def slide_momentum(learning_rate_schedule, alpha=0.9):
    """This rule as an optax transformation (``build_optimizer``), for any pytree."""
    from optimizers.transforms import build_optimizer

    return build_optimizer(RULE.id, learning_rate_schedule, alpha=alpha)
