"""How the playground's network is coloured: node types, and links by sign × |value| level.

Nodes are coloured by their type (input, the hidden activation, the sigmoid output), as the
lecture's demo legend shows. Links are coloured by sign (orange negative, blue positive:
`palette.DIVERGING_SCALE`) and sized by |value| on a fixed absolute scale, so runs can be
compared by eye (a too-small initialization *looks* thin):

* weights: |w| < 0.02 is drawn as ≈ 0, then 0.02–0.2, 0.2–0.7, 0.7–2 and ≥ 2;
* gradients ∂L/∂w: decades, < 10⁻⁵ is ≈ 0, then 10⁻⁵, 10⁻⁴, 10⁻³ and ≥ 10⁻².

A Plotly line trace has one width and one colour, so the browser (assets/playground/network.js)
draws the links as `len(LINK_STYLES)` line traces, one per style, and re-buckets every link
every frame with the rule of `link_spec()`: level = number of thresholds ≤ |value|; level 0 is
style 0, otherwise style `level` (negative) or `4 + level` (positive). The same styles draw the
legend here (components/playground_controls.py), so page and legend cannot disagree: the spec
reaches the browser once, in the layout (`components.playground_figures.drawing_spec`).
"""

from __future__ import annotations

from typing import Any

from components.palette import DIVERGING_SCALE, OKABE_ITO

# Node fill colours by node type (input, each hidden activation, output = sigmoid).
NODE_COLORS = {
    "input": "#3B4252",
    "relu": OKABE_ITO["green"],
    "leaky_relu": "#117733",
    "elu": "#882255",
    "tanh": OKABE_ITO["purple"],
    "sigmoid": OKABE_ITO["vermillion"],
    "linear": "#8A8F99",
}
OUTPUT_TYPE = "sigmoid"

# Link level thresholds on |value| (absolute, see the module docstring).
LINK_LEVELS = {
    "weights": (0.02, 0.2, 0.7, 2.0),
    "gradients": (1e-5, 1e-4, 1e-3, 1e-2),
}
LINK_LEVEL_LABELS = {
    "weights": ("< 0.02", "0.02–0.2", "0.2–0.7", "0.7–2", "≥ 2"),
    "gradients": ("< 10⁻⁵", "10⁻⁵–10⁻⁴", "10⁻⁴–10⁻³", "10⁻³–10⁻²", "≥ 10⁻²"),
}
LINK_WIDTHS = (1.0, 1.6, 3.0, 5.0, 8.0)
_LEVEL_STRENGTH = (0.45, 0.62, 0.8, 1.0)
ZERO_LINK_COLOR = "#C3C9D2"
# Every link trace starts with one zero-length segment parked far outside the axes, so Plotly
# always creates its line path: the browser then moves links by rewriting that path's `d`
# attribute (no Plotly redraw per frame).
PARK = -1000.0


def _blend(hex_color: str, strength: float) -> str:
    """`hex_color` mixed with white: strength 1 is the colour itself."""
    rgb = [int(hex_color[i : i + 2], 16) for i in (1, 3, 5)]
    mixed = [round(255 + (c - 255) * strength) for c in rgb]
    return "#" + "".join(f"{c:02X}" for c in mixed)


NEGATIVE_COLOR = DIVERGING_SCALE[0][1]
POSITIVE_COLOR = DIVERGING_SCALE[-1][1]


def link_styles() -> list[dict[str, Any]]:
    """One style per link trace: ≈0, then negative levels 1–4, then positive levels 1–4."""
    styles = [{"sign": 0, "level": 0, "color": ZERO_LINK_COLOR, "width": LINK_WIDTHS[0]}]
    for sign, base in ((-1, NEGATIVE_COLOR), (1, POSITIVE_COLOR)):
        for level, strength in enumerate(_LEVEL_STRENGTH, start=1):
            styles.append(
                {
                    "sign": sign,
                    "level": level,
                    "color": _blend(base, strength),
                    "width": LINK_WIDTHS[level],
                }
            )
    return styles


LINK_STYLES = link_styles()


def link_spec() -> dict[str, Any]:
    """What the browser needs to bucket links every frame (see the module docstring)."""
    return {
        "levels": {view: list(levels) for view, levels in LINK_LEVELS.items()},
        "labels": {view: list(labels) for view, labels in LINK_LEVEL_LABELS.items()},
        "styles": LINK_STYLES,
        "park": PARK,
    }


def node_legend_items(activation_id: str, activation_title: str) -> list[tuple[str, str]]:
    """(label, colour) for the node-type legend: Input, the hidden activation, Sigmoid."""
    items = [("Input", NODE_COLORS["input"])]
    if activation_id != OUTPUT_TYPE:
        items.append((activation_title, NODE_COLORS.get(activation_id, NODE_COLORS["linear"])))
    items.append(("Sigmoid", NODE_COLORS[OUTPUT_TYPE]))
    return items
