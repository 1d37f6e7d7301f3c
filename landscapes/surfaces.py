"""The cost surfaces: pure JAX functions of a 2-vector ``w`` returning a scalar.

Every function reads ``w1, w2 = w[0], w[1]`` and uses only Python-float constants, so nothing is
created at import time and float32 inputs stay float32 (weak typing). Each docstring states the
formula exactly as the catalog's LaTeX shows it.
"""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp

# Rotation of the ``valley`` surface: a 7-24-25 triangle, about 16.26 degrees.
_COS, _SIN = 0.96, 0.28


def bowl(w: jax.Array) -> jax.Array:
    """J = 5 (w1² + w2²): a round, well-conditioned bowl (Hessian 10·I)."""
    w1, w2 = w[0], w[1]
    return 5.0 * (w1**2 + w2**2)


def valley(w: jax.Array) -> jax.Array:
    """J = 2u² + 80v², u = 0.96 w1 + 0.28 w2, v = −0.28 w1 + 0.96 w2 (κ = 40, rotated ≈16°)."""
    w1, w2 = w[0], w[1]
    u = _COS * w1 + _SIN * w2
    v = -_SIN * w1 + _COS * w2
    return 2.0 * u**2 + 80.0 * v**2


def booth(w: jax.Array) -> jax.Array:
    """J = (w1 + 2w2 − 7)² + (2w1 + w2 − 5)²."""
    w1, w2 = w[0], w[1]
    return (w1 + 2.0 * w2 - 7.0) ** 2 + (2.0 * w1 + w2 - 5.0) ** 2


def matyas(w: jax.Array) -> jax.Array:
    """J = 0.26 (w1² + w2²) − 0.48 w1 w2."""
    w1, w2 = w[0], w[1]
    return 0.26 * (w1**2 + w2**2) - 0.48 * w1 * w2


def saddle(w: jax.Array) -> jax.Array:
    """J = w1² − w2² + ¼ w2⁴: a saddle at the origin, floored by the quartic term."""
    w1, w2 = w[0], w[1]
    return w1**2 - w2**2 + 0.25 * w2**4


def plateau(w: jax.Array) -> jax.Array:
    """J = 1 − exp(−(w1² + w2²)) + 0.01 (w1² + w2²): a narrow basin in a nearly flat plain."""
    w1, w2 = w[0], w[1]
    r2 = w1**2 + w2**2
    return 1.0 - jnp.exp(-r2) + 0.01 * r2


def sharp_wide(w: jax.Array) -> jax.Array:
    """J = 0.1 (w1² + w2²) − 3 exp(−((w1 + 1.5)² + w2²)/4)
          − 3.6 exp(−((w1 − 1.5)² + (w2 − 0.5)²)/0.08).

    A wide local minimum near (−1.32, 0) and a sharp, deeper global one near (1.49, 0.50).
    """
    w1, w2 = w[0], w[1]
    wide = jnp.exp(-((w1 + 1.5) ** 2 + w2**2) / 4.0)
    sharp = jnp.exp(-((w1 - 1.5) ** 2 + (w2 - 0.5) ** 2) / 0.08)
    return 0.1 * (w1**2 + w2**2) - 3.0 * wide - 3.6 * sharp


def himmelblau(w: jax.Array) -> jax.Array:
    """J = (w1² + w2 − 11)² + (w1 + w2² − 7)²."""
    w1, w2 = w[0], w[1]
    return (w1**2 + w2 - 11.0) ** 2 + (w1 + w2**2 - 7.0) ** 2


def rosenbrock(w: jax.Array) -> jax.Array:
    """J = (1 − w1)² + 100 (w2 − w1²)²."""
    w1, w2 = w[0], w[1]
    return (1.0 - w1) ** 2 + 100.0 * (w2 - w1**2) ** 2


def beale(w: jax.Array) -> jax.Array:
    """J = (1.5 − w1 + w1w2)² + (2.25 − w1 + w1w2²)² + (2.625 − w1 + w1w2³)²."""
    w1, w2 = w[0], w[1]
    return (
        (1.5 - w1 + w1 * w2) ** 2 + (2.25 - w1 + w1 * w2**2) ** 2 + (2.625 - w1 + w1 * w2**3) ** 2
    )


def styblinski_tang(w: jax.Array) -> jax.Array:
    """J = ½ Σᵢ (wᵢ⁴ − 16 wᵢ² + 5 wᵢ), i = 1, 2."""
    w1, w2 = w[0], w[1]
    return 0.5 * (w1**4 - 16.0 * w1**2 + 5.0 * w1 + w2**4 - 16.0 * w2**2 + 5.0 * w2)


def six_hump_camel(w: jax.Array) -> jax.Array:
    """J = (4 − 2.1 w1² + w1⁴/3) w1² + w1w2 + (−4 + 4 w2²) w2²."""
    w1, w2 = w[0], w[1]
    return (4.0 - 2.1 * w1**2 + w1**4 / 3.0) * w1**2 + w1 * w2 + (-4.0 + 4.0 * w2**2) * w2**2


def goldstein_price(w: jax.Array) -> jax.Array:
    """J = [1 + (w1 + w2 + 1)² (19 − 14w1 + 3w1² − 14w2 + 6w1w2 + 3w2²)]
    · [30 + (2w1 − 3w2)² (18 − 32w1 + 12w1² + 48w2 − 36w1w2 + 27w2²)]."""
    w1, w2 = w[0], w[1]
    a = 1.0 + (w1 + w2 + 1.0) ** 2 * (
        19.0 - 14.0 * w1 + 3.0 * w1**2 - 14.0 * w2 + 6.0 * w1 * w2 + 3.0 * w2**2
    )
    b = 30.0 + (2.0 * w1 - 3.0 * w2) ** 2 * (
        18.0 - 32.0 * w1 + 12.0 * w1**2 + 48.0 * w2 - 36.0 * w1 * w2 + 27.0 * w2**2
    )
    return a * b


def rastrigin(w: jax.Array) -> jax.Array:
    """J = 20 + Σᵢ (wᵢ² − 10 cos(2π wᵢ)), i = 1, 2."""
    w1, w2 = w[0], w[1]
    two_pi = 2.0 * math.pi
    return 20.0 + w1**2 - 10.0 * jnp.cos(two_pi * w1) + w2**2 - 10.0 * jnp.cos(two_pi * w2)
