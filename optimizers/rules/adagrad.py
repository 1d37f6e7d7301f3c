"""Adagrad as on the slide: G ← G + g², θ ← θ − η g / √(G + ε), G starting at 0."""

from __future__ import annotations

from typing import NamedTuple

import jax.numpy as jnp

from optimizers.rule import Array, HyperParameter, OptimizerSpec, learning_rate

EPS = HyperParameter("eps", "epsilon", r"\epsilon", 1e-8, 1e-12, 1.0, log_scale=True)


class AdagradState(NamedTuple):
    sum_sq: Array  # G_t


def update(state: AdagradState, g, eta, t, hyper, theta):
    """G_{t+1} = G_t + g_t² (G_0 = 0); u = −(η_t / √(G_{t+1} + ε)) g_t.

    Where g is exactly 0 the update is exactly 0 (as the equation gives for ε > 0).
    """
    del t, theta
    accumulated = state.sum_sq + g * g
    scale = eta / jnp.sqrt(accumulated + hyper["eps"])
    return AdagradState(accumulated), jnp.where(g == 0, 0.0, -scale * g)


RULE = OptimizerSpec(
    id="adagrad",
    title="Adagrad",
    # first step ~ η per coordinate, then shrinking
    hyperparameters=(learning_rate(0.3), EPS),
    latex=(
        r"G_{t+1} = G_t + g_t^2, \quad G_0 = 0",
        r"\theta_{t+1} = \theta_t - \frac{\eta_t}{\sqrt{G_{t+1} + \epsilon}}\, g_t",
    ),
    note=(
        "As on the slide: the accumulator starts at 0 and ε is inside the root "
        "(optax.adagrad starts it at 0.1 by default; we pass 0)."
    ),
    default_enabled=False,
    color="#009E73",  # Okabe–Ito bluish green
    order=40,
    state=AdagradState,
    update=update,
)
