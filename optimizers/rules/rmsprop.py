"""RMSprop as on the slide: G ← γ G + (1 − γ) g², θ ← θ − η g / √(G + ε)."""

from __future__ import annotations

from typing import NamedTuple

import jax.numpy as jnp

from optimizers.rule import Array, HyperParameter, OptimizerSpec, learning_rate

GAMMA = HyperParameter("gamma", "decay of squared gradients", r"\gamma", 0.9, 0.0, 0.9999)
EPS = HyperParameter("eps", "epsilon", r"\epsilon", 1e-8, 1e-12, 1.0, log_scale=True)


class RMSpropState(NamedTuple):
    mean_sq: Array  # G_t


def update(state: RMSpropState, g, eta, t, hyper, theta):
    """G_{t+1} = γ G_t + (1 − γ) g_t² (G_0 = 0); u = −(η_t / √(G_{t+1} + ε)) g_t.

    Where g is exactly 0 the update is exactly 0 (as the equation gives for ε > 0).
    """
    del t, theta
    gamma = hyper["gamma"]
    accumulated = gamma * state.mean_sq + (1.0 - gamma) * (g * g)
    scale = eta / jnp.sqrt(accumulated + hyper["eps"])
    return RMSpropState(accumulated), jnp.where(g == 0, 0.0, -scale * g)


RULE = OptimizerSpec(
    id="rmsprop",
    title="RMSprop",
    hyperparameters=(learning_rate(0.01), GAMMA, EPS),
    latex=(
        r"G_{t+1} = \gamma\, G_t + (1 - \gamma)\, g_t^2, \quad G_0 = 0",
        r"\theta_{t+1} = \theta_t - \frac{\eta_t}{\sqrt{G_{t+1} + \epsilon}}\, g_t",
    ),
    note="As on the slide, ε inside the root (optax.rmsprop with eps_in_sqrt=True).",
    default_enabled=True,
    color="#D55E00",  # Okabe–Ito vermillion
    order=50,
    state=RMSpropState,
    update=update,
)
