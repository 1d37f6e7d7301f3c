"""Hidden-layer activation functions f(z) of the playground MLP, with their metadata.

Every function is element-wise, pure JAX and differentiable everywhere JAX needs it:

* ReLU ``max(0, z)`` uses ``jax.nn.relu`` (derivative 0 at z = 0, so an all-zero layer passes no
  gradient back, exactly as the NumPy reference ``relu'(z) = [z > 0]``).
* Leaky ReLU is the slides' ``max(0.1 z, z)`` (slope 0.1 for z ≤ 0).
* ELU uses α = 1 and ``expm1(min(z, 0))`` so the unused branch never overflows (no NaN gradient).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import jax
import jax.numpy as jnp

LEAKY_RELU_SLOPE = 0.1
ELU_ALPHA = 1.0


@dataclass(frozen=True)
class Activation:
    """An activation as the page shows it: ``latex`` is the formula of f(z)."""

    id: str
    title: str
    latex: str
    fn: Callable[[jax.Array], jax.Array]


def _relu(z: jax.Array) -> jax.Array:
    return jax.nn.relu(z)


def _tanh(z: jax.Array) -> jax.Array:
    return jnp.tanh(z)


def _sigmoid(z: jax.Array) -> jax.Array:
    return jax.nn.sigmoid(z)


def _leaky_relu(z: jax.Array) -> jax.Array:
    return jnp.where(z > 0, z, LEAKY_RELU_SLOPE * z)


def _elu(z: jax.Array) -> jax.Array:
    return jnp.where(z > 0, z, ELU_ALPHA * jnp.expm1(jnp.minimum(z, 0)))


def _linear(z: jax.Array) -> jax.Array:
    return z


_ACTIVATION_LIST = (
    Activation("relu", "ReLU", r"f(z) = \max(0, z)", _relu),
    Activation("tanh", "tanh", r"f(z) = \tanh(z)", _tanh),
    Activation("sigmoid", "Sigmoid", r"f(z) = \sigma(z) = \frac{1}{1 + e^{-z}}", _sigmoid),
    Activation("leaky_relu", "Leaky ReLU", r"f(z) = \max(0.1\,z,\ z)", _leaky_relu),
    Activation(
        "elu",
        "ELU (α = 1)",
        r"f(z) = \begin{cases} z & z \ge 0 \\ e^{z} - 1 & z < 0 \end{cases}",
        _elu,
    ),
    Activation("linear", "Linear (identity)", r"f(z) = z", _linear),
)

ACTIVATIONS: Mapping[str, Activation] = MappingProxyType({a.id: a for a in _ACTIVATION_LIST})
