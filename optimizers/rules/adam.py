"""Adam (Kingma & Ba 2015): bias-corrected first and second moments, ε outside the root."""

from __future__ import annotations

from typing import NamedTuple

import jax.numpy as jnp

from optimizers.rule import Array, HyperParameter, OptimizerSpec, learning_rate

BETA1 = HyperParameter("beta1", "first-moment decay", r"\beta_1", 0.9, 0.0, 0.999)
BETA2 = HyperParameter("beta2", "second-moment decay", r"\beta_2", 0.999, 0.0, 0.99999)
EPS = HyperParameter("eps", "epsilon", r"\epsilon", 1e-8, 1e-12, 1.0, log_scale=True)

MOMENT_LATEX = (
    r"m_{t+1} = \beta_1 m_t + (1 - \beta_1)\, g_t, \quad m_0 = 0",
    r"v_{t+1} = \beta_2 v_t + (1 - \beta_2)\, g_t^2, \quad v_0 = 0",
    r"\hat m_{t+1} = \frac{m_{t+1}}{1 - \beta_1^{\,t+1}}, \quad "
    r"\hat v_{t+1} = \frac{v_{t+1}}{1 - \beta_2^{\,t+1}}",
)


class AdamState(NamedTuple):
    m: Array  # first moment m_t
    v: Array  # second moment v_t
    bias1: Array  # 1 − β₁^t (0 at t = 0), Adam's bias-correction denominators, carried
    bias2: Array  # 1 − β₂^t


def adam_direction(state: AdamState, g, t, hyper) -> tuple[AdamState, Array]:
    """The new moments and m̂ / (√v̂ + ε) (exactly 0 where m̂ is 0).

    m_{t+1} = β₁ m_t + (1 − β₁) g_t, v_{t+1} = β₂ v_t + (1 − β₂) g_t²,
    m̂ = m_{t+1} / (1 − β₁^{t+1}), v̂ = v_{t+1} / (1 − β₂^{t+1}). The powers are carried:
    1 − β^{t+1} = (1 − β) + β (1 − β^t), a multiply-add instead of a power per step (a power
    costs ~20x more on CPU; the recurrence's round-off stays ~1e-13 relative over 10⁵ steps).
    """
    del t
    beta1, beta2 = hyper["beta1"], hyper["beta2"]
    m = beta1 * state.m + (1.0 - beta1) * g
    v = beta2 * state.v + (1.0 - beta2) * (g * g)
    bias1 = (1.0 - beta1) + beta1 * state.bias1
    bias2 = (1.0 - beta2) + beta2 * state.bias2
    m_hat = m / bias1
    v_hat = v / bias2
    denominator = jnp.sqrt(v_hat) + hyper["eps"]
    direction = jnp.where(m_hat == 0, 0.0, m_hat / denominator)
    return AdamState(m, v, bias1, bias2), direction


def update(state: AdamState, g, eta, t, hyper, theta):
    """u = −η_t m̂_{t+1} / (√v̂_{t+1} + ε) (moments as in ``adam_direction``)."""
    del theta
    new_state, direction = adam_direction(state, g, t, hyper)
    return new_state, -eta * direction


RULE = OptimizerSpec(
    id="adam",
    title="Adam",
    hyperparameters=(learning_rate(0.03), BETA1, BETA2, EPS),
    latex=(
        *MOMENT_LATEX,
        r"\theta_{t+1} = \theta_t - \eta_t\, \frac{\hat m_{t+1}}{\sqrt{\hat v_{t+1}} + \epsilon}",
    ),
    note=(
        "Kingma & Ba (2015), as in optax.adam: ε is added outside the square root. The "
        "slide's Adam line has a typo (an extra ·∇R factor) and puts ε inside the root; "
        "the slide's α and γ are β₁ and β₂ here. ε only matters when v̂ is tiny."
    ),
    default_enabled=True,
    color="#000000",  # Okabe–Ito black
    order=70,
    state=AdamState,
    update=update,
)
