"""Colours shared by every figure and legend: Okabe–Ito, safe for colour-blind viewers."""

from __future__ import annotations

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
