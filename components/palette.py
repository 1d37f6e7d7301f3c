"""Colours shared by every figure and legend: Okabe–Ito, safe for colour-blind viewers."""

from __future__ import annotations

import colorsys
import functools
from collections.abc import Iterator, Mapping

OKABE_ITO = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
}


class _RuleColors(Mapping[str, str]):
    """One colour per optimizer, the same in the contour, the loss chart, the table and the
    equations: each rule's own ``color`` (``optimizers/rules/<id>.py``: Okabe–Ito first, then
    Paul Tol's dark colours). Read on first use, so importing the palette imports no engine."""

    @functools.cached_property
    def _colors(self) -> Mapping[str, str]:
        from optimizers.rules import RULES

        return {rule_id: rule.color for rule_id, rule in RULES.items()}

    def __getitem__(self, optimizer_id: str) -> str:
        return self._colors[optimizer_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._colors)

    def __len__(self) -> int:
        return len(self._colors)


OPTIMIZER_COLORS: Mapping[str, str] = _RuleColors()

# A rule's extra rows (its 2nd, 3rd… in the lab's table) in shades of its colour (HLS
# lightness shifts, reflected when they would leave [0.1, 0.8]) and with a line dash of their
# own, so a student still sees which rule a line is and tells the rows apart.
_COPY_LIGHTNESS_SHIFTS = (-0.16, 0.14, -0.26, 0.24, -0.34, 0.32)
COPY_DASHES = ("dash", "dot", "dashdot", "longdash", "longdashdot")  # Plotly's named dashes


def row_color(rule_id: str, number: int = 1) -> str:
    """The colour of a rule's `number`-th row: the rule's own for 1, a shade of it beyond."""
    base = OPTIMIZER_COLORS[rule_id]
    if number <= 1:
        return base
    shift = _COPY_LIGHTNESS_SHIFTS[(number - 2) % len(_COPY_LIGHTNESS_SHIFTS)]
    red, green, blue = (int(base[i : i + 2], 16) / 255 for i in (1, 3, 5))
    hue, lightness, saturation = colorsys.rgb_to_hls(red, green, blue)
    shaded = lightness + shift
    if not 0.1 <= shaded <= 0.8:
        shaded = lightness - shift
    shaded = min(max(shaded, 0.1), 0.8)
    return "#" + "".join(
        f"{round(c * 255):02X}" for c in colorsys.hls_to_rgb(hue, shaded, saturation)
    )


def row_dash(number: int = 1) -> str:
    """The line dash of a rule's `number`-th row: solid for its own, a pattern per copy."""
    return "solid" if number <= 1 else COPY_DASHES[(number - 2) % len(COPY_DASHES)]


# Signed values (weights, gradients): orange negative, blue positive, white near zero —
# the TensorFlow Playground convention, distinguishable without red/green.
DIVERGING_SCALE = [
    [0.0, "#E69F00"],
    [0.5, "#F7F7F7"],
    [1.0, "#0072B2"],
]

# Two classes of points.
CLASS_COLORS = ("#E69F00", "#0072B2")

START_POINT_COLOR = "#E0002A"
