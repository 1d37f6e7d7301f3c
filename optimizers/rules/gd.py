"""Gradient descent: θ ← θ − η_t g_t."""

from __future__ import annotations

import numpy as np

from optimizers.rule import NoState, OptimizerSpec, learning_rate


def update(state: NoState, g, eta, t, hyper, theta):
    """u = −η_t g_t (no state)."""
    del t, hyper, theta
    return state, -eta * g


def quadratic_roots(eta_lambda, values) -> tuple:
    """z = 1 − ηλ: on f = λx²/2 each step multiplies x by it (negative: x flips sign)."""
    del values
    return (1.0 - np.asarray(eta_lambda, dtype=np.complex128),)


def stability_limit(values) -> float:
    """|1 − ηλ| < 1 ⇔ 0 < ηλ < 2."""
    del values
    return 2.0


RULE = OptimizerSpec(
    id="gd",
    title="Gradient descent",
    # 0.001: the reference demo's value and what the landscape notes assume.
    hyperparameters=(learning_rate(0.001),),
    latex=(r"\theta_{t+1} = \theta_t - \eta_t\, g_t",),
    note="Batch gradient descent as on the slides, with the learning rate from the schedule.",
    default_enabled=True,
    color="#0072B2",  # Okabe–Ito blue
    order=10,
    state=NoState,
    update=update,
    quadratic_roots=quadratic_roots,
    stability_limit=stability_limit,
)
