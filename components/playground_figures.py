"""The colours and scales the playground's figures are drawn with, sent once in the layout.

The browser builds and draws every figure of the page (assets/playground/*.js); what the
figures share with the page's own HTML (legends, scheme cards) or with the optimizer lab
(`components.palette`) is defined here once and handed to the browser as `drawing_spec()`, a
dcc.Store of the layout, so no colour or threshold is written twice. Pure layout choices
(fonts, margins, grid lines) live in assets/playground/style.js.
"""

from __future__ import annotations

from typing import Any

from components.palette import CLASS_COLORS, DIVERGING_SCALE, OKABE_ITO
from components.playground_network import NODE_COLORS, OUTPUT_TYPE, link_spec

INK = "#1d2330"
TRAIN_COLOR = INK
TEST_COLOR = OKABE_ITO["vermillion"]

# Decision-boundary background: light tints of the class colours, white at p = 0.5.
BOUNDARY_SCALE = [[0.0, "#F1CA73"], [0.5, "#F7F7F7"], [1.0, "#73B1D5"]]

# The initialization schemes, one colour each in every comparison chart and card.
SCHEME_COLORS = {
    "zero": "#8A8F99",
    "too_small": OKABE_ITO["sky"],
    "appropriate": OKABE_ITO["green"],
    "too_large": OKABE_ITO["vermillion"],
    "xavier": OKABE_ITO["purple"],
    "he": OKABE_ITO["blue"],
    "constant": OKABE_ITO["black"],
}

# Layer colours (first layer darkest): the gradient-norm chart reads front to back.
LAYER_COLORS = ("#08306B", "#2171B5", "#4EA3D3", "#41AB5D", "#D9A33A", "#E6550D", "#A63603")

# Heatmaps of W and ∂L/∂W: weights on a linear ±2 scale, gradients on a signed log scale
# (sign · (log10|g| − low) / (high − low), clipped to [−1, 1]: 10⁻⁵ → 0, 10⁻¹ → ±1), the
# same decades that size the network's links.
WEIGHT_HEAT_MAX = 2.0
GRAD_LOG_LOW = -5.0
GRAD_LOG_HIGH = -1.0

# Grid of the activation maps of single neurons (points per side; the decision boundary uses
# the run's own `grid_size`).
ACTIVATION_GRID = 40


def heat_spec() -> dict[str, Any]:
    """The colour transforms of the W / ∂L/∂W heatmaps."""
    return {
        "weights": {"kind": "linear", "max": WEIGHT_HEAT_MAX},
        "gradients": {"kind": "signed_log", "low": GRAD_LOG_LOW, "high": GRAD_LOG_HIGH},
    }


def drawing_spec() -> dict[str, Any]:
    """Everything the browser's figure builders take from Python (plain JSON)."""
    return {
        "links": link_spec(),
        "nodeColors": NODE_COLORS,
        "outputType": OUTPUT_TYPE,
        "classColors": list(CLASS_COLORS),
        "diverging": DIVERGING_SCALE,
        "boundaryScale": BOUNDARY_SCALE,
        "schemeColors": SCHEME_COLORS,
        "layerColors": list(LAYER_COLORS),
        "heat": heat_spec(),
        "trainColor": TRAIN_COLOR,
        "testColor": TEST_COLOR,
        "ink": INK,
        "activationGrid": ACTIVATION_GRID,
    }
