"""AdamW (Loshchilov & Hutter 2019): Adam's step plus weight decay applied to θ directly."""

from __future__ import annotations

from optimizers.rule import HyperParameter, OptimizerSpec, learning_rate
from optimizers.rules.adam import BETA1, BETA2, EPS, MOMENT_LATEX, AdamState, adam_direction

WEIGHT_DECAY = HyperParameter("weight_decay", "weight decay", r"\lambda", 0.01, 0.0, 1.0)


def update(state: AdamState, g, eta, t, hyper, theta):
    """u = −η_t (m̂_{t+1} / (√v̂_{t+1} + ε) + λ θ_t), moments as Adam's (``adam_direction``).

    The decay is decoupled from the gradient: it never enters m or v. Equals
    ``optax.adamw(η, β₁, β₂, ε, weight_decay=λ)``; torch.optim.AdamW computes the same step
    in two parts (θ ← θ(1 − ηλ), then Adam's), equal up to round-off.
    """
    new_state, direction = adam_direction(state, g, t, hyper)
    return new_state, -eta * (direction + hyper["weight_decay"] * theta)


RULE = OptimizerSpec(
    id="adamw",
    title="AdamW",
    hyperparameters=(learning_rate(0.03), BETA1, BETA2, EPS, WEIGHT_DECAY),
    latex=(
        *MOMENT_LATEX,
        r"\theta_{t+1} = \theta_t - \eta_t \left(\frac{\hat m_{t+1}}{\sqrt{\hat v_{t+1}} + "
        r"\epsilon} + \lambda\, \theta_t\right)",
    ),
    note=(
        "Adam with decoupled weight decay (Loshchilov & Hutter 2019): every step also shrinks "
        "θ by η·λ·θ. L2 in the loss (the playground's λ₂‖W‖²) instead adds 2λ₂θ to the "
        "gradient, which Adam then divides by √v̂: weights with large gradients are barely "
        "decayed and the decay's strength depends on the gradient history. AdamW shrinks every "
        "weight by the same fraction ηλ. On the lab's surfaces the decay pulls the end point "
        "toward (0, 0): a minimum of R is no longer a fixed point. As optax.adamw, λ is "
        "multiplied by η_t (torch.optim.AdamW too)."
    ),
    default_enabled=False,
    color="#332288",  # Paul Tol indigo (Okabe–Ito has eight colours only)
    order=80,
    state=AdamState,
    update=update,
)
