"""Dense evaluation of a landscape on its plotting domain (for contour and surface plots)."""

from __future__ import annotations

import functools
from collections.abc import Callable

import jax
import jax.numpy as jnp
import numpy as np

from landscapes.catalog import get_landscape


@functools.partial(jax.jit, static_argnames=("fn", "n"))
def _grid(
    fn: Callable[[jax.Array], jax.Array], bounds: jax.Array, *, n: int
) -> tuple[jax.Array, jax.Array, jax.Array]:
    """xs = linspace(x_min, x_max, n), ys likewise; z[i, j] = fn([xs[j], ys[i]]) (row = y).

    ``bounds = [x_min, x_max, y_min, y_max]`` is one traced array (one host-to-device transfer),
    so a new domain never recompiles; ``n`` is static.
    """
    xs = jnp.linspace(bounds[0], bounds[1], n)
    ys = jnp.linspace(bounds[2], bounds[3], n)
    row = jax.vmap(lambda x, y: fn(jnp.stack([x, y])), in_axes=(0, None))  # over xs, one y
    z = jax.vmap(row, in_axes=(None, 0))(xs, ys)
    return xs, ys, z


def evaluate_grid(landscape_id: str, n: int = 256) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Evaluate a landscape on an ``n`` x ``n`` grid of its domain.

    Returns ``(xs[n], ys[n], z[n, n])`` as float64 numpy arrays with ``z[i, j] = f(xs[j], ys[i])``
    (Plotly's row = y convention). One compiled program per (landscape, n); the domain bounds
    are traced.
    """
    landscape = get_landscape(landscape_id)
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 2:
        raise ValueError(f"n must be an integer >= 2, got {n!r}")
    (x_lo, x_hi), (y_lo, y_hi) = landscape.domain
    bounds = np.array([x_lo, x_hi, y_lo, y_hi], dtype=np.float64)
    xs, ys, z = _grid(landscape.fn, bounds, n=int(n))
    return np.array(xs), np.array(ys), np.array(z)
