"""The playground's network drawn as nodes and links (numpy in, plotly figure dict out).

Nodes sit in columns (input, hidden layers, output) and are coloured by their type (input, the
hidden activation, the sigmoid output), as the lecture's demo legend shows. Links are coloured by
sign (orange negative, blue positive: `palette.DIVERGING_SCALE`) and sized by |value| on a fixed
absolute scale, so runs can be compared by eye (a too-small initialization *looks* thin):

* weights: |w| < 0.02 is drawn as ≈ 0, then 0.02–0.2, 0.2–0.7, 0.7–2 and ≥ 2;
* gradients ∂L/∂w: decades, < 10⁻⁵ is ≈ 0, then 10⁻⁵, 10⁻⁴, 10⁻³ and ≥ 10⁻².

A Plotly line trace has one width and one colour, so links are bucketed by sign × level into
`len(LINK_STYLES)` line traces (None-separated segments); invisible markers at the link
midpoints carry the exact values for hover. `assets/playground.js` re-buckets every frame with
the same `link_spec()` (sent with the run), so the figure built here is frame 0 of the playback.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

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
NODE_SIZE = 30
# Every link trace starts with one zero-length segment parked far outside the axes, so Plotly
# always creates its line path: the browser then moves links by rewriting that path's `d`
# attribute (no Plotly redraw per frame).
PARK = -1000.0
X_STEP = 1.0
Y_STEP = 1.0


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
    """What the browser needs to re-bucket links every frame (the same rule as `link_bucket`)."""
    return {
        "levels": {view: list(levels) for view, levels in LINK_LEVELS.items()},
        "labels": {view: list(labels) for view, labels in LINK_LEVEL_LABELS.items()},
        "styles": LINK_STYLES,
        "park": PARK,
    }


def link_bucket(value: float, view: str) -> int:
    """Index into `LINK_STYLES` of a link with this value."""
    levels = LINK_LEVELS[view]
    magnitude = abs(float(value)) if np.isfinite(value) else float("inf")
    level = int(np.searchsorted(np.asarray(levels), magnitude, side="right"))
    if level == 0:
        return 0
    return level if value < 0 else len(_LEVEL_STRENGTH) + level


def node_positions(layer_sizes: Sequence[int]) -> list[list[tuple[float, float]]]:
    """(x, y) of every node, layer by layer, each column centred on y = 0 (top = first)."""
    positions = []
    for layer, size in enumerate(layer_sizes):
        top = (size - 1) / 2 * Y_STEP
        positions.append([(layer * X_STEP, top - i * Y_STEP) for i in range(size)])
    return positions


def node_labels(layer_sizes: Sequence[int]) -> list[list[str]]:
    """Short names: x₁ x₂ for inputs, h{layer}.{i} for hidden neurons, ŷ for the output."""
    labels = []
    last = len(layer_sizes) - 1
    for layer, size in enumerate(layer_sizes):
        if layer == 0:
            labels.append([f"x{_sub(i + 1)}" for i in range(size)])
        elif layer == last:
            labels.append(["ŷ"])
        else:
            labels.append([f"h{_sub(layer)},{_sub(i + 1)}" for i in range(size)])
    return labels


_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def _sub(number: int) -> str:
    return str(number).translate(_SUBSCRIPTS)


def layer_titles(layer_sizes: Sequence[int], activation_title: str) -> list[str]:
    last = len(layer_sizes) - 1
    titles = []
    for layer, size in enumerate(layer_sizes):
        if layer == 0:
            titles.append("Input<br><span style='font-size:0.85em'>x₁, x₂</span>")
        elif layer == last:
            titles.append("Output<br><span style='font-size:0.85em'>sigmoid</span>")
        else:
            noun = "neuron" if size == 1 else "neurons"
            titles.append(f"Hidden {layer}<br><span style='font-size:0.85em'>{size} {noun}</span>")
    return titles


def link_geometry(layer_sizes: Sequence[int]) -> dict[str, list[float]]:
    """Endpoints of every link in the order (layer, from i, to j), row-major like W[l][i, j]."""
    positions = node_positions(layer_sizes)
    x0, y0, x1, y1 = [], [], [], []
    for layer in range(len(layer_sizes) - 1):
        for ax, ay in positions[layer]:
            for bx, by in positions[layer + 1]:
                x0.append(ax)
                y0.append(ay)
                x1.append(bx)
                y1.append(by)
    return {"x0": x0, "y0": y0, "x1": x1, "y1": y1}


def link_hover_texts(
    layer_sizes: Sequence[int], matrices: Sequence[np.ndarray], view: str
) -> list[str]:
    labels = node_labels(layer_sizes)
    symbol = "w" if view == "weights" else "∂L/∂w"
    texts = []
    for layer, matrix in enumerate(matrices):
        for i in range(matrix.shape[0]):
            for j in range(matrix.shape[1]):
                texts.append(
                    f"{symbol}  {labels[layer][i]} → {labels[layer + 1][j]}<br>"
                    f"<b>{_format_value(float(matrix[i, j]))}</b>"
                )
    return texts


def _format_value(value: float) -> str:
    if not np.isfinite(value):
        return "not finite"
    if value == 0:
        return "0"
    if 1e-3 <= abs(value) < 1e4:
        return f"{value:.4f}"
    return f"{value:.3e}"


def network_figure(
    layer_sizes: Sequence[int],
    activation_id: str,
    activation_title: str,
    matrices: Sequence[np.ndarray] | None,
    view: str = "weights",
    height: int = 470,
) -> dict:
    """The network at one snapshot; `matrices[l]` is W_l or ∂L/∂W_l with shape (n_in, n_out).

    `matrices=None` draws the nodes only (link traces empty): the browser fills the links of
    each frame itself, so the playback payload does not carry frame 0 twice.

    Trace order (the browser relies on it): link buckets 0 … len(LINK_STYLES) − 1 (each starting
    with the parked segment, see `PARK`), then the
    link-midpoint hover markers, then the nodes (customdata = [layer, index], 0-based), then
    the ring that marks the selected neuron.
    """
    from components.playground_figures import make_figure, typed

    sizes = [int(n) for n in layer_sizes]
    geometry = link_geometry(sizes)
    if matrices is None:
        buckets: list[int] = []
        hover: list[str] | list = []
    else:
        values = np.concatenate([np.asarray(m, dtype=np.float64).ravel() for m in matrices])
        buckets = [link_bucket(v, view) for v in values]
        hover = link_hover_texts(sizes, matrices, view)
    data: list[dict] = []
    for index, style in enumerate(LINK_STYLES):
        xs: list[float | None] = [PARK, PARK, None]
        ys: list[float | None] = [PARK, PARK, None]
        for k, bucket in enumerate(buckets):
            if bucket == index:
                xs += [geometry["x0"][k], geometry["x1"][k], None]
                ys += [geometry["y0"][k], geometry["y1"][k], None]
        data.append(
            {
                "type": "scatter",
                "x": xs,
                "y": ys,
                "mode": "lines",
                "line": {"color": style["color"], "width": style["width"]},
                "hoverinfo": "skip",
                "showlegend": False,
            }
        )
    mid_x = (np.asarray(geometry["x0"]) + np.asarray(geometry["x1"])) / 2
    mid_y = (np.asarray(geometry["y0"]) + np.asarray(geometry["y1"])) / 2
    data.append(
        {
            "type": "scatter",
            "x": typed(mid_x),
            "y": typed(mid_y),
            "mode": "markers",
            "marker": {"size": 14, "color": "rgba(0,0,0,0)"},
            "hovertext": hover,
            "hoverinfo": "text",
            "showlegend": False,
            "name": "links",
        }
    )
    positions = node_positions(sizes)
    labels = node_labels(sizes)
    last = len(sizes) - 1
    node_x, node_y, colors, texts, custom, node_hover = [], [], [], [], [], []
    for layer, column in enumerate(positions):
        kind = "input" if layer == 0 else OUTPUT_TYPE if layer == last else activation_id
        kind_title = (
            "input" if layer == 0 else "sigmoid output" if layer == last else activation_title
        )
        for i, (x, y) in enumerate(column):
            node_x.append(x)
            node_y.append(y)
            colors.append(NODE_COLORS.get(kind, NODE_COLORS["linear"]))
            texts.append(labels[layer][i] if layer in (0, last) else "")
            custom.append([layer, i])
            action = "" if layer == 0 else "<br><i>click to pin its activation map</i>"
            node_hover.append(f"<b>{labels[layer][i]}</b> ({kind_title}){action}")
    data.append(
        {
            "type": "scatter",
            "x": node_x,
            "y": node_y,
            "mode": "markers+text",
            "marker": {
                "size": NODE_SIZE,
                "color": colors,
                "line": {"color": "#ffffff", "width": 2},
            },
            "text": texts,
            "textfont": {"color": "#ffffff", "size": 14},
            "textposition": "middle center",
            "customdata": custom,
            "hovertext": node_hover,
            "hoverinfo": "text",
            "showlegend": False,
            "name": "nodes",
        }
    )
    data.append(
        {
            "type": "scatter",
            "x": [],
            "y": [],
            "mode": "markers",
            "marker": {
                "size": NODE_SIZE + 14,
                "color": "rgba(0,0,0,0)",
                "line": {"color": "#1d2330", "width": 3},
            },
            "hoverinfo": "skip",
            "showlegend": False,
            "name": "selected",
        }
    )
    top = max((s - 1) / 2 * Y_STEP for s in sizes)
    annotations = [
        {
            "x": layer * X_STEP,
            "y": top + 0.75,
            "text": title,
            "showarrow": False,
            "yanchor": "bottom",
            "font": {"size": 15, "color": "#1d2330"},
        }
        for layer, title in enumerate(layer_titles(sizes, activation_title))
    ]
    span = max(top, 1.0)
    layout = {
        "height": height,
        "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
        "font": {"family": "system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif"},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "hovermode": "closest",
        "hoverlabel": {"font": {"size": 15}},
        "dragmode": False,
        "showlegend": False,
        "annotations": annotations,
        "xaxis": {"visible": False, "range": [-0.45, last * X_STEP + 0.45], "fixedrange": True},
        "yaxis": {"visible": False, "range": [-span - 0.7, span + 2.0], "fixedrange": True},
    }
    return make_figure(data, layout)


def node_legend_items(activation_id: str, activation_title: str) -> list[tuple[str, str]]:
    """(label, colour) for the node-type legend: Input, the hidden activation, Sigmoid."""
    items = [("Input", NODE_COLORS["input"])]
    if activation_id != OUTPUT_TYPE:
        items.append((activation_title, NODE_COLORS.get(activation_id, NODE_COLORS["linear"])))
    items.append(("Sigmoid", NODE_COLORS[OUTPUT_TYPE]))
    return items
