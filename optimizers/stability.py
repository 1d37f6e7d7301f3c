"""Will gradient descent or momentum converge from here? The curvature and the step-size limit.

Near a point θ a cost is close to a quadratic with Hessian H. Along H's top eigenvector (the
largest curvature λmax) the update of gradient descent or heavy-ball momentum is linear, and
the distance to the minimum scales per step by the roots z of the rule's characteristic
polynomial (the rule's ``quadratic_roots``, a function of η·λmax):

    gradient descent   z = 1 − ηλ                      converges ⇔ ηλ < 2
    momentum           z² − (1 + α − ηλ) z + α = 0      converges ⇔ ηλ < 2(1 + α)

(Goh, "Why Momentum Really Works", Distill 2017). Each step is then one of

    converges    every |z| < 1, every z real and ≥ 0: the distance shrinks steadily
    oscillates   every |z| < 1, some z negative or complex: it overshoots, shrinking
    diverges     some |z| ≥ 1: the steps grow (along that direction)
    flat         λmax ≤ 0: no bowl to fall into here (a saddle, a ridge or a plane)

``lambda_max(landscape_id, points)`` is λmax of the Hessian at each point (jitted, vmapped;
points padded to a capacity; the default landscape has programs of its own, ~10x cheaper to
compile than the catalog's switch, so a fresh worker's first page needs ~0.3 s: nothing
compiles after ``warm_up``); ``verdicts(rule_id, eta_lambda, lam, values)`` classifies each
step.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np

from optimizers import rules

KINDS: tuple[str, ...] = ("converges", "oscillates", "diverges", "flat")
"""A step's kind; ``verdicts`` returns indices into this tuple."""
CAPACITIES: tuple[int, ...] = (1024, 8192)
"""Points per compiled call (a path of up to 5001 points fits the larger)."""


@dataclass(frozen=True)
class Stability:
    """A row's stability at one point: η·λmax, the limit on it and the kind (``KINDS``)."""

    lambda_max: float
    eta_lambda: float
    limit: float
    kind: str

    def text(self) -> str:
        """'η·λmax = 1.38 < 2: oscillates' (what the lab shows beside the row)."""
        if self.kind == "flat":
            return f"λmax = {self.lambda_max:.3g} ≤ 0: no bowl here"
        relation = "<" if self.eta_lambda < self.limit else "≥"
        return f"η·λmax = {self.eta_lambda:.3g} {relation} {self.limit:.3g}: {self.kind}"


def has_limit(rule_id: str) -> bool:
    """Whether the rule has a quadratic model (gradient descent, momentum)."""
    rule = rules.get_rule(rule_id)
    return rule.quadratic_roots is not None and rule.stability_limit is not None


def verdicts(
    rule_id: str, eta_lambda: np.ndarray, lam: np.ndarray, values: Mapping[str, float]
) -> np.ndarray:
    """Each step's kind as an index into ``KINDS`` (int8), from η·λmax and λmax per step."""
    rule = rules.get_rule(rule_id)
    if rule.quadratic_roots is None:
        raise ValueError(f"{rule_id} has no quadratic model")
    values = rule.defaults | dict(values)
    roots = np.stack(np.broadcast_arrays(*rule.quadratic_roots(np.asarray(eta_lambda), values)))
    size = np.abs(roots).max(axis=0)
    turning = ((np.abs(roots.imag) > 1e-12) | (roots.real < 0)).any(axis=0)
    kind = np.where(size >= 1.0, 2, np.where(turning, 1, 0))
    return np.where(np.asarray(lam) <= 0, 3, kind).astype(np.int8)


def stability(rule_id: str, eta: float, lam: float, values: Mapping[str, float]) -> Stability:
    """The row's ``Stability`` for learning rate ``eta`` where the top curvature is ``lam``."""
    rule = rules.get_rule(rule_id)
    if rule.stability_limit is None:
        raise ValueError(f"{rule_id} has no quadratic model")
    values = rule.defaults | dict(values)
    kind = verdicts(rule_id, np.array([eta * lam]), np.array([lam]), values)[0]
    return Stability(float(lam), float(eta * lam), float(rule.stability_limit(values)), KINDS[kind])


def _top_curvature(fn: Callable[[jax.Array], jax.Array], point: jax.Array) -> jax.Array:
    """λmax of the 2×2 Hessian [[a, b], [b, d]]: (a + d)/2 + √(((a − d)/2)² + b²)."""
    h = jax.hessian(fn)(point)
    a, b, d = h[0, 0], (h[0, 1] + h[1, 0]) / 2, h[1, 1]
    return (a + d) / 2 + jnp.hypot((a - d) / 2, b)


@functools.partial(jax.jit, static_argnames=("fns",))
def _curvatures(index: jax.Array, points: jax.Array, *, fns: tuple) -> jax.Array:
    branches = [jax.vmap(functools.partial(_top_curvature, fn)) for fn in fns]
    return jax.lax.switch(index, branches, points)


def lambda_max(landscape_id: str, points: Sequence[Sequence[float]] | np.ndarray) -> np.ndarray:
    """λmax of the Hessian of ``landscape_id`` at each of ``points`` ``[n, 2]`` (float64 [n]);
    any ``n`` (beyond the largest capacity, in several calls of its program)."""
    from landscapes import DEFAULT_LANDSCAPE_ID, get_landscape, landscape_fns, landscape_index

    points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    if landscape_id == DEFAULT_LANDSCAPE_ID:
        index, fns = np.int32(0), (get_landscape(landscape_id).fn,)
    else:
        index, fns = np.int32(landscape_index(landscape_id)), tuple(landscape_fns())
    parts = []
    for first in range(0, max(len(points), 1), CAPACITIES[-1]):
        chunk = points[first : first + CAPACITIES[-1]]
        capacity = next(c for c in CAPACITIES if len(chunk) <= c)
        padded = np.zeros((capacity, 2))
        padded[: len(chunk)] = np.where(np.isfinite(chunk), chunk, 0.0)
        parts.append(np.asarray(_curvatures(index, padded, fns=fns))[: len(chunk)])
    return np.concatenate(parts)


def warm_up(catalog: bool = True) -> None:
    """Compile ``lambda_max``'s programs at every capacity: the default landscape's, and with
    ``catalog`` the whole catalog's (~2.4 s each on the 2-core machine)."""
    from landscapes import DEFAULT_LANDSCAPE_ID, landscape_ids

    other = next(i for i in landscape_ids() if i != DEFAULT_LANDSCAPE_ID)
    for landscape_id in (DEFAULT_LANDSCAPE_ID, other) if catalog else (DEFAULT_LANDSCAPE_ID,):
        for capacity in CAPACITIES:
            lambda_max(landscape_id, np.zeros((capacity, 2)))
