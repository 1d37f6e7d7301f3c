"""AdaDelta (Zeiler 2012): a step size from the ratio of two running RMS values, no η needed."""

from __future__ import annotations

from typing import NamedTuple

import jax.numpy as jnp

from optimizers.rule import Array, HyperParameter, OptimizerSpec, learning_rate

RHO = HyperParameter("rho", "decay of the running averages", r"\rho", 0.95, 0.0, 0.9999)
EPS = HyperParameter("eps", "epsilon", r"\epsilon", 1e-6, 1e-12, 1.0, log_scale=True)


class AdaDeltaState(NamedTuple):
    mean_sq_grad: Array  # E[g²]_t
    mean_sq_step: Array  # E[Δ²]_t


def update(state: AdaDeltaState, g, eta, t, hyper, theta):
    """Zeiler's Algorithm 1, with a learning rate η_t multiplying the step (η = 1: the paper).

    E[g²]_{t+1} = ρ E[g²]_t + (1 − ρ) g_t²;  Δ_t = −√(E[Δ²]_t + ε) / √(E[g²]_{t+1} + ε) · g_t;
    E[Δ²]_{t+1} = ρ E[Δ²]_t + (1 − ρ) Δ_t²;  u = η_t Δ_t.  The running average of squared
    steps holds Δ (before η), as torch.optim.Adadelta and optax.adadelta do.
    """
    del t, theta
    rho = hyper["rho"]
    eps = hyper["eps"]
    mean_sq_grad = rho * state.mean_sq_grad + (1.0 - rho) * (g * g)
    step = -(jnp.sqrt(state.mean_sq_step + eps) / jnp.sqrt(mean_sq_grad + eps)) * g
    mean_sq_step = rho * state.mean_sq_step + (1.0 - rho) * (step * step)
    return AdaDeltaState(mean_sq_grad, mean_sq_step), eta * step


RULE = OptimizerSpec(
    id="adadelta",
    title="AdaDelta",
    hyperparameters=(learning_rate(1.0), RHO, EPS),
    latex=(
        r"E[g^2]_{t+1} = \rho\, E[g^2]_t + (1 - \rho)\, g_t^2, \quad E[g^2]_0 = 0",
        r"\Delta_t = -\frac{\sqrt{E[\Delta^2]_t + \epsilon}}{\sqrt{E[g^2]_{t+1} + \epsilon}}\, g_t",
        r"E[\Delta^2]_{t+1} = \rho\, E[\Delta^2]_t + (1 - \rho)\, \Delta_t^2, \quad "
        r"E[\Delta^2]_0 = 0",
        r"\theta_{t+1} = \theta_t + \eta_t\, \Delta_t",
    ),
    note=(
        "Zeiler (2012): the step's size comes from the running RMS of earlier steps over that "
        "of the gradients, so the paper needs no learning rate (η = 1, its default here). η "
        "only rescales the step, as in torch.optim.Adadelta and optax.adadelta(learning_rate=1) "
        "(optax's default learning_rate=None would climb instead). The first steps are about "
        "√ε / √((1 − ρ) g²) · g: tiny, then they grow; ε sets how fast it starts."
    ),
    default_enabled=False,
    color="#56B4E9",  # Okabe–Ito sky blue
    order=60,
    state=AdaDeltaState,
    update=update,
)
