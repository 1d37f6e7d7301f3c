"""2-D cost surfaces for the optimizer lab: pure JAX functions plus teaching metadata.

Usage (e.g. in a notebook)::

    import jax.numpy as jnp
    from landscapes import evaluate_grid, get_landscape

    ls = get_landscape("himmelblau")
    cost = float(ls.fn(jnp.array(ls.start)))  # the cost the page shows at the default start
    xs, ys, z = evaluate_grid("himmelblau")     # z[i, j] = f(xs[j], ys[i])

For ``lax.switch`` over surfaces use ``landscape_fns()`` with ``landscape_index(id)``.

Nothing is created or compiled at import time.
"""

from jax_config import configure_jax

configure_jax()

from landscapes.catalog import (  # noqa: E402
    DEFAULT_LANDSCAPE_ID,
    LANDSCAPES,
    get_landscape,
    landscape_fns,
    landscape_ids,
    landscape_index,
)
from landscapes.grid import evaluate_grid  # noqa: E402
from landscapes.spec import Landscape, Point  # noqa: E402

__all__ = [
    "DEFAULT_LANDSCAPE_ID",
    "LANDSCAPES",
    "Landscape",
    "Point",
    "evaluate_grid",
    "get_landscape",
    "landscape_fns",
    "landscape_ids",
    "landscape_index",
]
