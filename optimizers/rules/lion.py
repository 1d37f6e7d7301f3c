"""Lion (Chen et al. 2023): the sign of an interpolated momentum, with decoupled weight decay."""

from __future__ import annotations

from typing import NamedTuple

import jax.numpy as jnp

from optimizers.rule import Array, HyperParameter, OptimizerSpec, learning_rate

BETA1 = HyperParameter(
    "beta1", "interpolation of momentum and gradient", r"\beta_1", 0.9, 0.0, 0.999
)
BETA2 = HyperParameter("beta2", "momentum decay", r"\beta_2", 0.99, 0.0, 0.99999)
WEIGHT_DECAY = HyperParameter("weight_decay", "weight decay", r"\lambda", 0.0, 0.0, 1.0)


class LionState(NamedTuple):
    m: Array  # momentum m_t


def update(state: LionState, g, eta, t, hyper, theta):
    """c_t = β₁ m_t + (1 − β₁) g_t;  u = −η_t (sign(c_t) + λ θ_t);
    m_{t+1} = β₂ m_t + (1 − β₂) g_t (m_0 = 0).  sign(0) = 0. Equals ``optax.lion``."""
    del t
    beta1, beta2 = hyper["beta1"], hyper["beta2"]
    interpolated = beta1 * state.m + (1.0 - beta1) * g
    m = beta2 * state.m + (1.0 - beta2) * g
    return LionState(m), -eta * (jnp.sign(interpolated) + hyper["weight_decay"] * theta)


RULE = OptimizerSpec(
    id="lion",
    title="Lion",
    # every coordinate moves by exactly η (sign): 3–10× smaller rates than Adam's are typical
    hyperparameters=(learning_rate(0.01), BETA1, BETA2, WEIGHT_DECAY),
    latex=(
        r"c_t = \beta_1 m_t + (1 - \beta_1)\, g_t",
        r"\theta_{t+1} = \theta_t - \eta_t \left(\operatorname{sign}(c_t) + \lambda\, \theta_t\right)",
        r"m_{t+1} = \beta_2 m_t + (1 - \beta_2)\, g_t, \quad m_0 = 0",
    ),
    note=(
        "Chen et al. (2023), found by a program search: only the sign of each coordinate of c "
        "is used, so every coordinate moves by exactly η (plus the decay) whatever the "
        "gradient's size; near a minimum it keeps stepping ±η. β₁ mixes the gradient into the "
        "step, β₂ (slower) the momentum it keeps. λ is decoupled weight decay, as in AdamW "
        "(0 here: the lab's surfaces have no over-fitting to fight). Same as optax.lion."
    ),
    default_enabled=False,
    color="#882255",  # Paul Tol wine
    order=90,
    state=LionState,
    update=update,
)
