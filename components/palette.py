"""Colours shared by every figure and legend: Okabe–Ito, safe for colour-blind viewers."""

from __future__ import annotations

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

# One colour per optimizer, the same in the contour, the loss chart, the table and the equations.
OPTIMIZER_COLORS = {
    "gd": OKABE_ITO["blue"],
    "momentum": OKABE_ITO["orange"],
    "nesterov": OKABE_ITO["purple"],
    "adagrad": OKABE_ITO["green"],
    "rmsprop": OKABE_ITO["vermillion"],
    "adam": OKABE_ITO["black"],
}

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
