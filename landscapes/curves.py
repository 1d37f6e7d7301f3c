"""1-D loss curves L(w) for the skier (slide deck 004: "the optimizer is the skier").

"Suppose the neural network has a single real number parameter w": each curve is one formula,
written once for numpy and jax.numpy alike (``value(w, xp)``), so the optimizer lab's engine
runs on it and the page's numbers come from the same expression. The engine is the lab's own:
``curve_fns()`` lifts each curve to a surface ``J(w, v) = L(w)`` whose second coordinate never
moves (its gradient is 0, and every rule maps a zero gradient from a zero state to a zero
update), so a trajectory's first coordinate *is* the 1-D optimizer's path.

Nothing is created or compiled at import time; the minima below were found with Newton's
method in float64 (tests/test_skier.py re-checks value and derivative at each).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType, ModuleType
from typing import Any

import jax
import numpy as np

# A 1-parameter model on data: logistic regression through the origin, p(y=1|x) = σ(w x), on
# nine fixed points that no sign of w separates (so the best w is finite).
DATA_X = (-2.0, -1.2, -0.6, -0.2, 0.3, 0.7, 1.1, 1.6, 2.3)
DATA_Y = (0.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 1.0, 1.0)


def _bowl(w: Any, xp: ModuleType) -> Any:
    return 0.5 * (w - 2.0) ** 2


def _beyond_the_hill(w: Any, xp: ModuleType) -> Any:
    return w**4 / 4.0 - w**2 + 0.35 * w + 1.51


def _gentle(w: Any, xp: ModuleType) -> Any:
    return 0.005 * (w - 3.0) ** 2 + 1.0 - xp.exp(-((w - 3.0) ** 2))


def _logistic(w: Any, xp: ModuleType) -> Any:
    total = 0.0
    for x, y in zip(DATA_X, DATA_Y, strict=True):
        z = w * x
        total = total + xp.logaddexp(0.0, z) - y * z
    return total / len(DATA_X)


@dataclass(frozen=True)
class CurveMinimum:
    w: float
    value: float
    kind: str  # "global" | "local"


@dataclass(frozen=True)
class Curve:
    """One loss curve: ``value(w, xp)`` is exactly the formula ``latex`` shows."""

    id: str
    title: str
    latex: str
    value: Callable[[Any, ModuleType], Any]
    domain: tuple[float, float]
    start: float
    minima: tuple[CurveMinimum, ...]
    note: str

    def __call__(self, w: Any) -> Any:
        """L(w) in float64 numpy."""
        return self.value(np.asarray(w, np.float64), np)

    def slope(self, w: Any) -> Any:
        """dL/dw by a central difference of the float64 formula (h = 1e-6; error ~1e-9)."""
        w = np.asarray(w, np.float64)
        h = 1e-6
        return (self(w + h) - self(w - h)) / (2 * h)


_CATALOG = (
    Curve(
        "bowl",
        "A simple valley",
        r"L(w) = \tfrac12\,(w - 2)^2",
        _bowl,
        (-2.0, 6.0),
        -1.0,
        (CurveMinimum(2.0, 0.0, "global"),),
        "The slide's first picture: left of the bottom the derivative is negative, so the "
        "skier moves right, against it.",
    ),
    Curve(
        "hill",
        "A better solution beyond the hill",
        r"L(w) = \tfrac14 w^4 - w^2 + 0.35\,w + 1.51",
        _beyond_the_hill,
        (-2.6, 2.6),
        2.4,
        (
            CurveMinimum(-1.4947103656767282, 0.0005589903791294315, "global"),
            CurveMinimum(1.3168994673798788, 0.9885740065945137, "local"),
        ),
        "Starting on the right, gradient descent settles in the nearer, higher valley: it "
        "cannot know there is a better solution beyond the hill. Momentum may carry over it.",
    ),
    Curve(
        "gentle",
        "A very gradual slope",
        r"L(w) = 0.005\,(w - 3)^2 + 1 - e^{-(w - 3)^2}",
        _gentle,
        (-6.0, 6.0),
        -5.0,
        (CurveMinimum(3.0, 0.0, "global"),),
        "Far from the valley the slope downwards is very gradual: plain gradient descent "
        "crawls; adaptive steps (Adam, RMSprop) keep their pace.",
    ),
    Curve(
        "logistic",
        "A 1-parameter model on data",
        r"L(w) = \frac{1}{9}\sum_{i=1}^{9} \log\!\left(1 + e^{w x_i}\right) - y_i\, w\, x_i",
        _logistic,
        (-3.0, 6.0),
        -2.5,
        (CurveMinimum(1.413931930110289, 0.4588774823361032, "global"),),
        "The binary cross-entropy of p(y = 1 | x) = σ(w x) on nine points: the loss of a "
        "network with a single weight, the slide's 'single real number parameter w'.",
    ),
)

CURVES: Mapping[str, Curve] = MappingProxyType({c.id: c for c in _CATALOG})
DEFAULT_CURVE_ID = "hill"
CURVE_IDS: tuple[str, ...] = tuple(CURVES)


@functools.cache
def curve_fns() -> tuple[Callable[[jax.Array], jax.Array], ...]:
    """The curves as the lab engine's surfaces ``J(p) = L(p[0])``, in ``CURVE_IDS`` order (the
    same function objects every call: one compiled program for all of them)."""
    import jax.numpy as jnp

    def lifted(curve: Curve) -> Callable[[jax.Array], jax.Array]:
        return lambda p: curve.value(p[0], jnp)

    return tuple(lifted(curve) for curve in _CATALOG)


def curve_samples(curve: Curve, n: int = 401) -> tuple[np.ndarray, np.ndarray]:
    """(w, L(w)) at ``n`` evenly spaced points of the curve's domain (float64)."""
    w = np.linspace(*curve.domain, n)
    return w, np.asarray(curve(w), np.float64)
