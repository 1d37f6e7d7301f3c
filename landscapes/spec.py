"""Plain metadata types of the landscape catalog (no JAX work happens here)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import jax

POINT_KINDS = ("global", "local", "saddle")

Domain = tuple[tuple[float, float], tuple[float, float]]


@dataclass(frozen=True)
class Point:
    """A marked critical point: ``kind`` is ``"global"``, ``"local"`` or ``"saddle"``."""

    x: float
    y: float
    value: float
    kind: str

    def __post_init__(self) -> None:
        if self.kind not in POINT_KINDS:
            raise ValueError(f"Point.kind must be one of {POINT_KINDS}, got {self.kind!r}")
        if not all(math.isfinite(v) for v in (self.x, self.y, self.value)):
            raise ValueError(f"Point coordinates and value must be finite: {self}")


@dataclass(frozen=True)
class Landscape:
    """A 2-D cost surface ``fn(w) -> scalar`` (``w`` of shape (2,)) with its teaching metadata.

    ``domain`` is ``((x_min, x_max), (y_min, y_max))``; ``minima`` holds every global minimum and
    the teaching-relevant local ones; ``latex`` is exactly the formula ``fn`` computes.
    """

    id: str
    title: str
    latex: str
    fn: Callable[[jax.Array], jax.Array]
    domain: Domain
    minima: tuple[Point, ...]
    start: tuple[float, float]
    note: str
    saddles: tuple[Point, ...] = ()

    def __post_init__(self) -> None:
        (x_lo, x_hi), (y_lo, y_hi) = self.domain
        if not (x_lo < x_hi and y_lo < y_hi):
            raise ValueError(f"{self.id}: empty domain {self.domain}")
        if not (x_lo <= self.start[0] <= x_hi and y_lo <= self.start[1] <= y_hi):
            raise ValueError(f"{self.id}: start {self.start} outside domain {self.domain}")
        if not any(p.kind == "global" for p in self.minima):
            raise ValueError(f"{self.id}: at least one global minimum is required")
        if any(p.kind == "saddle" for p in self.minima):
            raise ValueError(f"{self.id}: saddles belong in `saddles`, not `minima`")
        if any(p.kind != "saddle" for p in self.saddles):
            raise ValueError(f"{self.id}: every point in `saddles` must have kind 'saddle'")

    @property
    def min_value(self) -> float:
        """Lowest global-minimum value (the floor used for log colour scaling)."""
        return min(p.value for p in self.minima if p.kind == "global")

    @property
    def global_minima(self) -> tuple[Point, ...]:
        """The global minima only."""
        return tuple(p for p in self.minima if p.kind == "global")
