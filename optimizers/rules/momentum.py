"""Momentum in the slide form: δ ← −η_t g_t + α δ, θ ← θ + δ."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

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


def quadratic_roots(eta_lambda, values) -> tuple:
    """The roots of z² − (1 + α − ηλ) z + α = 0: on f = λx²/2 the heavy ball's
    x_{t+1} = x_t − ηλ x_t + α (x_t − x_{t−1}) is a sum of z₁ᵗ and z₂ᵗ terms (complex roots:
    a damped spiral, |z| = √α)."""
    alpha = float(values["alpha"])
    b = 1.0 + alpha - np.asarray(eta_lambda, dtype=np.complex128)
    root = np.sqrt(b * b - 4.0 * alpha)
    return (b + root) / 2.0, (b - root) / 2.0


def stability_limit(values) -> float:
    """Both |z| < 1 ⇔ 0 < ηλ < 2(1 + α) (Goh, "Why Momentum Really Works", Distill 2017)."""
    return 2.0 * (1.0 + float(values["alpha"]))


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
    quadratic_roots=quadratic_roots,
    stability_limit=stability_limit,
)


def slide_momentum(learning_rate_schedule, alpha=0.9):
    """This rule as an optax transformation (``build_optimizer``), for any pytree."""
    from optimizers.transforms import build_optimizer

    return build_optimizer(RULE.id, learning_rate_schedule, alpha=alpha)
