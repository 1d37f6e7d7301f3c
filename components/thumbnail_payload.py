"""The home gallery's thumbnails as numbers: one small sketch per scenario, drawn by the browser.

A sketch is what a card's picture needs and no more (assets/home/thumbnails.js draws it on a
canvas): an optional background grid (uint8 levels, top row first), polylines and dots, all in
the sketch's unit box (x right, y down, 0…1 on both axes; `aspect` = width / height of that box,
so a plane keeps w₁ and w₂ at one scale). The numbers come from the scenario's own run (the
engines, with the scenario's settings), so a card shows what its link opens.

The whole gallery is one LVZ1 container (components/encoding.py):

    meta   {"scenarios": [{"id", "aspect", "ramp", "lines": [{"color", "dash", "width"}],
                           "dots": [{"x", "y", "color", "radius", "shape"}]}],
            "ramps": {"boundary": [[stop, colour], …]}}
    arrays <id>.bg    u1 [h, w]  the background levels (absent without one)
           <id>.line<k> f4 [n, 2]  line k's points (NaN: a gap)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from components.encoding import pack

MAX_LINE_POINTS = 160  # per line: a card is ~300 px wide, so finer steps are invisible
PLACES = 3  # unit-box decimals: 1/1000 of a card
OUTSIDE = 0.25  # how far past the box a line may go before it is cut (a diverged run leaves)
COST, BOUNDARY = "cost", "boundary"  # the background's colour ramps (light = low cost)


@dataclass(frozen=True)
class Line:
    """A polyline of the sketch: (n, 2) unit-box points, its colour, dashed or not, px width."""

    points: np.ndarray
    color: str
    dash: bool = False
    width: float = 2.0


@dataclass(frozen=True)
class Dot:
    """A marker: unit-box centre, colour, radius in px, "circle" or "star"."""

    x: float
    y: float
    color: str
    radius: float = 4.0
    shape: str = "circle"


@dataclass(frozen=True)
class Sketch:
    """One card's picture (see the module docstring)."""

    id: str
    aspect: float
    lines: Sequence[Line] = ()
    dots: Sequence[Dot] = ()
    background: np.ndarray | None = None  # (h, w) uint8
    ramp: str | None = None
    notes: dict[str, object] = field(default_factory=dict)


class Frame:
    """Maps data coordinates to the unit box: x in [x0, x1] → 0…1, y in [y0, y1] → 1…0."""

    def __init__(self, x0: float, x1: float, y0: float, y1: float) -> None:
        self.x0, self.x1, self.y0, self.y1 = float(x0), float(x1), float(y0), float(y1)

    @property
    def aspect(self) -> float:
        """Width / height at equal scales (a plane: one unit of w₁ as long as one of w₂)."""
        return (self.x1 - self.x0) / (self.y1 - self.y0)

    def unit(self, xy: np.ndarray) -> np.ndarray:
        """(n, 2) data points → unit-box points (y down)."""
        xy = np.asarray(xy, np.float64).reshape(-1, 2)
        u = (xy[:, 0] - self.x0) / (self.x1 - self.x0)
        v = (self.y1 - xy[:, 1]) / (self.y1 - self.y0)
        return np.stack([u, v], axis=1)

    def dot(self, x: float, y: float, color: str, **style: object) -> Dot:
        (u, v) = self.unit(np.array([[x, y]]))[0]
        return Dot(round(float(u), PLACES), round(float(v), PLACES), color, **style)  # type: ignore[arg-type]


def line_points(unit: np.ndarray) -> np.ndarray:
    """A line's unit-box points as sent: rounded to 1/1000, cut where they leave the box by more
    than OUTSIDE or are not finite (NaN marks the gap), repeats dropped, at most
    MAX_LINE_POINTS (evenly by index, first and last kept)."""
    points = np.round(np.asarray(unit, np.float64), PLACES)
    finite = np.all(np.isfinite(points), axis=1)
    near = finite & np.all((points > -OUTSIDE) & (points < 1 + OUTSIDE), axis=1)
    points[~near] = np.nan
    keep = np.ones(len(points), bool)
    same = np.all(points[1:] == points[:-1], axis=1)
    keep[1:] = ~same
    points = points[keep]
    if len(points) > MAX_LINE_POINTS:
        index = np.unique(np.linspace(0, len(points) - 1, MAX_LINE_POINTS).round().astype(int))
        points = points[index]
    return points.astype(np.float32)


def levels(values: np.ndarray, low: float, high: float) -> np.ndarray:
    """Values → uint8 levels: `low` → 0, `high` → 255, clipped; NaN → 255 (off the scale)."""
    scaled = (np.asarray(values, np.float64) - low) / max(high - low, 1e-12)
    scaled = np.where(np.isfinite(scaled), scaled, 1.0)
    return np.clip(np.rint(scaled * 255), 0, 255).astype(np.uint8)


def cost_levels(gap: np.ndarray) -> np.ndarray:
    """A cost grid J − J* (rows: y from high to low) as levels of log₁₀ over its 2nd…98th
    percentile: the lab's log colour scale, light = low cost."""
    logs = np.log10(np.maximum(np.asarray(gap, np.float64), 1e-12))
    finite = logs[np.isfinite(logs)]
    if finite.size == 0:
        return np.zeros(np.shape(gap), np.uint8)
    low, high = np.percentile(finite, [2, 98])
    return levels(logs, float(low), float(high))


def curve_frame(xs: Sequence[np.ndarray], ys: Sequence[np.ndarray], margin: float = 0.06) -> Frame:
    """A frame around every finite point of the curves, with `margin` of the span on each side."""
    x = np.concatenate([np.ravel(a) for a in xs]).astype(np.float64)
    y = np.concatenate([np.ravel(a) for a in ys]).astype(np.float64)
    x, y = x[np.isfinite(x)], y[np.isfinite(y)]
    x0, x1 = float(x.min()), float(x.max())
    y0, y1 = float(y.min()), float(y.max())
    dx, dy = max(x1 - x0, 1e-9), max(y1 - y0, 1e-9)
    return Frame(x0 - margin * dx, x1 + margin * dx, y0 - margin * dy, y1 + margin * dy)


def gallery_container(sketches: Sequence[Sketch]) -> bytes:
    """Every card's sketch in one container (see the module docstring); the boundary ramp is
    the playground's own (the cost ramp is the lab's, assets/lab/theme.js)."""
    from components.playground_figures import BOUNDARY_SCALE

    arrays: dict[str, np.ndarray] = {}
    described = []
    for sketch in sketches:
        if sketch.background is not None:
            arrays[f"{sketch.id}.bg"] = np.ascontiguousarray(sketch.background, np.uint8)
        lines = []
        for k, line in enumerate(sketch.lines):
            arrays[f"{sketch.id}.line{k}"] = line_points(line.points)
            lines.append({"color": line.color, "dash": line.dash, "width": line.width})
        described.append(
            {
                "id": sketch.id,
                "aspect": round(float(sketch.aspect), 4),
                "ramp": sketch.ramp if sketch.background is not None else None,
                "lines": lines,
                "dots": [
                    {"x": d.x, "y": d.y, "color": d.color, "radius": d.radius, "shape": d.shape}
                    for d in sketch.dots
                ],
                **sketch.notes,
            }
        )
    return pack({"scenarios": described, "ramps": {BOUNDARY: BOUNDARY_SCALE}}, arrays)
