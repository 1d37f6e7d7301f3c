"""The playground's MLP: forward pass, binary cross-entropy from logits, weight penalties.

Notation (one example x ∈ R², L hidden layers, activation f):

    h_0 = x,   z_l = h_{l-1} W_l + b_l,   h_l = f(z_l) · m_l   (l = 1 … L),
    logit = h_L W_{L+1} + b_{L+1},   ŷ = σ(logit)

``W_l`` has shape (n_in, n_out). Dropout (the slides' form): while training ``m_l`` is a 0/1 mask
with P(1) = p (keep probability) drawn per example and per neuron; at evaluation time
``m_l = p`` (deterministic, "multiply the output of the neuron by p at test time"). Inputs and
the output are never dropped; p = 1 switches dropout off.

Data loss (mean binary cross-entropy, numerically stable from the logit):

    ℓ(logit, y) = softplus(logit) − y · logit = −[y log ŷ + (1 − y) log(1 − ŷ)],

Objective = data loss + ``λ1 Σ_l Σ|W_l| + λ2 Σ_l Σ W_l²``: the penalties act on weights only,
never on biases, and are not divided by the batch size. The L1 term uses the subgradient
sign(W) with sign(0) = 0.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import jax
import jax.numpy as jnp

Params = list[tuple[jax.Array, jax.Array]]
ActivationFn = Callable[[jax.Array], jax.Array]


def forward(
    params: Params,
    x: jax.Array,
    activation: ActivationFn,
    neuron_scales: Sequence[jax.Array | float] | None = None,
) -> tuple[jax.Array, list[jax.Array]]:
    """Logits (n,) and the hidden activations ``[f(z_1), …, f(z_L)]`` (before dropout scaling).

    ``neuron_scales[l]`` multiplies hidden layer l's output: a 0/1 dropout mask while training,
    the keep probability p at evaluation time, or ``None`` (1).
    """
    hidden = x
    activations: list[jax.Array] = []
    for index, (weights, bias) in enumerate(params[:-1]):
        value = activation(hidden @ weights + bias)
        activations.append(value)
        hidden = value if neuron_scales is None else value * neuron_scales[index]
    weights, bias = params[-1]
    return (hidden @ weights + bias)[:, 0], activations


def accuracy(logits: jax.Array, labels: jax.Array) -> jax.Array:
    """Fraction of examples with ``[logit > 0] == y`` (ŷ > 0.5 predicts class 1)."""
    return jnp.mean(((logits > 0) == (labels > 0.5)).astype(jnp.float32))
