"""Figures of the network playground (numpy in, figure out; no JAX, no engine imports).

Each builder draws one snapshot of a run; `assets/playground.js` then restyles the per-frame
parts (heatmap z, boundary line, titles) during playback, relying on the trace order documented
in each builder. Epoch cursors (`cursor_epoch`) are drawn as shapes here; the browser passes
`cursor_epoch=None` and moves an HTML line over the plot instead, which costs no Plotly redraw.
Sizes are chosen for a projector: 15 px text, thick lines, few gridlines.

Builders return plain plotly.js figure dicts (`{"data": [...], "layout": {...}}`, numpy arrays as
typed-array specs), which dcc.Graph and Plotly.react take as they are: a whole run's figures
cost a few milliseconds, where building `go.Figure` objects costs ~0.7 s of plotly's property
validation per run. `go.Figure(figure)` turns any of them into a validated Figure; the tests
do exactly that for every builder.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import Any

import numpy as np

from components.palette import CLASS_COLORS, DIVERGING_SCALE, OKABE_ITO
from components.playground_network import node_labels

FONT = {"family": 'system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif', "size": 15}
INK = "#1d2330"
MUTED = "#5b6475"
GRID = "#e6e9ef"
TRAIN_COLOR = INK
TEST_COLOR = OKABE_ITO["vermillion"]
CURSOR_COLOR = "#7a8394"
DIVERGED_COLOR = "#B3261E"

# Decision-boundary background: light tints of the class colours, white at p = 0.5.
BOUNDARY_SCALE = [[0.0, "#F1CA73"], [0.5, "#F7F7F7"], [1.0, "#73B1D5"]]
CLASS_SCALE = [[0.0, CLASS_COLORS[0]], [1.0, CLASS_COLORS[1]]]

# The initialization schemes, one colour each in every comparison chart.
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
# (sign · (log10|g| + 5) / 4, clipped to [−1, 1]: 10⁻⁵ → 0, 10⁻¹ → ±1), the same decades that
# size the network's links.
WEIGHT_HEAT_MAX = 2.0
GRAD_LOG_LOW = -5.0
GRAD_LOG_HIGH = -1.0


def heat_spec() -> dict:
    """The colour transforms of the W / ∂L/∂W heatmaps, for the browser."""
    return {
        "weights": {"kind": "linear", "max": WEIGHT_HEAT_MAX},
        "gradients": {"kind": "signed_log", "low": GRAD_LOG_LOW, "high": GRAD_LOG_HIGH},
    }


def signed_log(values: np.ndarray) -> np.ndarray:
    """Gradient colour value in [−1, 1] (see `heat_spec`)."""
    values = np.nan_to_num(np.asarray(values, dtype=np.float64), nan=0.0)
    magnitude = np.abs(values)
    with np.errstate(divide="ignore", invalid="ignore"):
        level = (np.log10(magnitude) - GRAD_LOG_LOW) / (GRAD_LOG_HIGH - GRAD_LOG_LOW)
    level = np.clip(np.nan_to_num(level, nan=0.0, neginf=0.0, posinf=1.0), 0.0, 1.0)
    return np.sign(values) * level


# ---- plain-dict helpers -----------------------------------------------------------------------


def typed(values: Any, dtype: str = "f4") -> dict[str, str] | list:
    """A numpy array as a plotly.js typed-array spec ({dtype, bdata[, shape]})."""
    array = np.ascontiguousarray(np.asarray(values), dtype={"f4": "<f4", "i1": "i1"}[dtype])
    if array.size == 0:
        return []
    spec = {"dtype": dtype, "bdata": base64.b64encode(array.tobytes()).decode("ascii")}
    if array.ndim > 1:
        spec["shape"] = ", ".join(str(n) for n in array.shape)
    return spec


Figure = dict[str, Any]


def make_figure(data: list[dict], layout: dict) -> Figure:
    """A plain plotly.js figure dict (`go.Figure(result)` validates it)."""
    return {"data": data, "layout": layout}


def domains(count: int, spacing: float, weights: Sequence[float] | None = None) -> list[list]:
    """[start, end] of `count` subplots side by side in [0, 1] with `spacing` between them."""
    weights = list(weights) if weights is not None else [1.0] * count
    free = 1.0 - spacing * (count - 1)
    total = float(sum(weights))
    result, start = [], 0.0
    for weight in weights:
        end = start + free * weight / total
        result.append([round(start, 6), round(min(end, 1.0), 6)])
        start = end + spacing
    return result


def _base_layout(height: int, **extra) -> dict:
    layout = {
        "height": height,
        "font": {**FONT, "color": INK},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "#ffffff",
        "hoverlabel": {"font": {"size": 15}},
        "dragmode": False,
        "showlegend": False,
    }
    layout.update(extra)
    return layout


def _axis(title: str = "", **extra) -> dict:
    axis = {
        "title": {"text": title, "font": {"size": 15}},
        "showgrid": True,
        "gridcolor": GRID,
        "zeroline": False,
        "linecolor": "#aab2bf",
        "showline": True,
        "ticks": "outside",
        "tickcolor": "#aab2bf",
        "fixedrange": True,
        # Fixed margins: automargin makes Plotly lay every redraw out twice (playback cost).
        "automargin": False,
    }
    axis.update(extra)
    return axis


def _title(text: str, x: float, y: float = 1.0, size: int = 15) -> dict:
    """A subplot title (an annotation in paper coordinates)."""
    return {
        "text": text,
        "x": x,
        "y": y,
        "xref": "paper",
        "yref": "paper",
        "xanchor": "center",
        "yanchor": "bottom",
        "showarrow": False,
        "font": {"size": size, "color": INK},
    }


def _cursor(xref: str, epoch: float, yref: str = "paper", y0: float = 0, y1: float = 1) -> dict:
    return {
        "type": "line",
        "xref": xref,
        "yref": yref,
        "x0": epoch,
        "x1": epoch,
        "y0": y0,
        "y1": y1,
        "line": {"color": CURSOR_COLOR, "width": 2},
    }


def thin(values: np.ndarray, max_points: int = 600) -> np.ndarray:
    """Indices of at most `max_points` evenly spaced rows (first and last kept)."""
    n = len(values)
    if n <= max_points:
        return np.arange(n)
    return np.unique(np.rint(np.linspace(0, n - 1, max_points)).astype(int))


def _cursor_index(epochs: np.ndarray, epoch: int) -> int:
    return int(np.clip(np.searchsorted(epochs, epoch), 0, len(epochs) - 1))


def _log_ticks(*series: np.ndarray) -> dict:
    """Tick spacing of a log axis: whole decades when the data spans two or more of them."""
    values = np.concatenate([np.asarray(v, dtype=np.float64).ravel() for v in series])
    values = values[np.isfinite(values) & (values > 0)]
    if values.size and np.log10(values.max() / values.min()) >= 2:
        return {"dtick": 1, "exponentformat": "power"}
    return {"exponentformat": "none", "nticks": 5}


def _finite_or_nan(values: np.ndarray) -> np.ndarray:
    values = np.asarray(values, dtype=np.float32)
    return np.where(np.isfinite(values), values, np.nan).astype(np.float32)


# ---- decision boundary ----------------------------------------------------------------------


def _heatmap(grid_x, grid_y, probabilities, **extra) -> dict:
    trace = {
        "type": "heatmap",
        "x": typed(grid_x),
        "y": typed(grid_y),
        "z": typed(probabilities),
        "zmin": 0.0,
        "zmax": 1.0,
        "colorscale": BOUNDARY_SCALE,
        "showscale": False,
        "zsmooth": "fast",
        "hovertemplate": "x₁ %{x:.2f}, x₂ %{y:.2f}<br>P(class 1) = %{z:.3f}<extra></extra>",
    }
    trace.update(extra)
    return trace


def iso_segments(
    grid_x: np.ndarray, grid_y: np.ndarray, values: np.ndarray, level: float = 0.5
) -> tuple[list[float | None], list[float | None]]:
    """The `level` line of `values[i, j]` (at x = grid_x[j], y = grid_y[i]) by marching squares.

    Returns x and y lists of 2-point segments separated by None (a Plotly line trace). The
    browser runs the same algorithm per frame (assets/playground.js, `isoSegments`): redrawing a
    line is far cheaper than recomputing a contour trace.
    """
    gx = np.asarray(grid_x, dtype=np.float64)
    gy = np.asarray(grid_y, dtype=np.float64)
    v = np.nan_to_num(np.asarray(values, dtype=np.float64), nan=level) - level
    xs: list[float | None] = []
    ys: list[float | None] = []
    above = v > 0
    cells = (
        (above[:-1, :-1] != above[:-1, 1:])
        | (above[:-1, :-1] != above[1:, :-1])
        | (above[:-1, :-1] != above[1:, 1:])
    )

    def cross(x0, y0, a, x1, y1, b):
        t = a / (a - b)
        return x0 + t * (x1 - x0), y0 + t * (y1 - y0)

    for i, j in zip(*np.nonzero(cells), strict=True):
        a, b, c, d = v[i, j], v[i, j + 1], v[i + 1, j + 1], v[i + 1, j]
        x0, x1, y0, y1 = gx[j], gx[j + 1], gy[i], gy[i + 1]
        points = []
        if (a > 0) != (b > 0):
            points.append(cross(x0, y0, a, x1, y0, b))
        if (b > 0) != (c > 0):
            points.append(cross(x1, y0, b, x1, y1, c))
        if (c > 0) != (d > 0):
            points.append(cross(x1, y1, c, x0, y1, d))
        if (d > 0) != (a > 0):
            points.append(cross(x0, y1, d, x0, y0, a))
        if len(points) == 4 and ((a + b + c + d) / 4 > 0) != (a > 0):
            # Saddle: the centre sides with b and d, so the line cuts off corners a and c.
            points = [points[0], points[3], points[1], points[2]]
        for k in range(0, len(points) - 1, 2):
            (px, py), (qx, qy) = points[k], points[k + 1]
            xs += [round(float(px), 4), round(float(qx), 4), None]
            ys += [round(float(py), 4), round(float(qy), 4), None]
    return xs, ys


def _hover_only(browser: bool) -> dict:
    return {"opacity": 0.0} if browser else {}


def _boundary_line(grid_x, grid_y, probabilities, **extra) -> dict:
    if probabilities is None:
        xs, ys = [], []
    else:
        xs, ys = iso_segments(grid_x, grid_y, probabilities)
    trace = {
        "type": "scatter",
        "x": xs,
        "y": ys,
        "mode": "lines",
        "line": {"color": INK, "width": 2.5},
        "hoverinfo": "skip",
        "showlegend": False,
        "name": "decision boundary p = 0.5",
    }
    trace.update(extra)
    return trace


def _points(points: np.ndarray, labels: np.ndarray, name: str, edge: str, **extra) -> dict:
    labels = np.asarray(labels).astype(np.int8)
    points = np.asarray(points, dtype=np.float32).reshape(-1, 2)
    trace = {
        "type": "scatter",
        "x": typed(points[:, 0]),
        "y": typed(points[:, 1]),
        "mode": "markers",
        "marker": {
            "size": 8,
            "color": typed(labels, "i1"),
            "colorscale": CLASS_SCALE,
            "cmin": 0,
            "cmax": 1,
            "line": {"color": edge, "width": 1.4},
        },
        "customdata": typed(labels, "i1"),
        "hovertemplate": (
            f"{name} point<br>x₁ %{{x:.2f}}, x₂ %{{y:.2f}}<br>class %{{customdata}}<extra></extra>"
        ),
        "name": name,
        "showlegend": False,
    }
    trace.update(extra)
    return trace


def boundary_figure(
    grid_x: np.ndarray,
    grid_y: np.ndarray,
    probabilities: np.ndarray,
    x_train: np.ndarray,
    y_train: np.ndarray,
    x_test: np.ndarray,
    y_test: np.ndarray,
    box: Sequence[Sequence[float]],
    show_test: bool = False,
    height: int = 440,
    browser: bool = False,
) -> Figure:
    """P(class 1) over the input plane with the data.

    Traces: 0 heatmap, 1 the p = 0.5 line, 2 training points (white rim), 3 test points (dark
    rim, visible when `show_test`).

    `browser=True` is the playback variant: redrawing 400 point markers every frame is what
    costs, so the browser paints the probabilities as a layout image and the line as a layout
    shape (no trace redrawn while playing); the heatmap stays, transparent, for exact hover
    values, and the line trace is left empty.
    """
    (x_min, x_max), (y_min, y_max) = box
    data = [
        _heatmap(grid_x, grid_y, probabilities, name="P(class 1)", **_hover_only(browser)),
        _boundary_line(grid_x, grid_y, None if browser else probabilities),
        _points(x_train, y_train, "train", "#ffffff"),
        _points(x_test, y_test, "test", INK, visible=bool(show_test)),
    ]
    layout = _base_layout(height, margin={"l": 54, "r": 10, "t": 10, "b": 48}, hovermode="closest")
    layout["xaxis"] = _axis("x₁", range=[x_min, x_max], showgrid=False, constrain="domain")
    layout["yaxis"] = _axis(
        "x₂", range=[y_min, y_max], showgrid=False, scaleanchor="x", constrain="domain"
    )
    return make_figure(data, layout)


# ---- loss and accuracy ------------------------------------------------------------------------


def curves_figure(
    epochs: np.ndarray,
    train_loss: np.ndarray,
    test_loss: np.ndarray,
    train_accuracy: np.ndarray,
    test_accuracy: np.ndarray,
    cursor_epoch: int | None,
    planned_epochs: int,
    diverged_at: int | None = None,
    height: int = 390,
) -> Figure:
    """Loss (top) and accuracy (bottom) per epoch, train solid and test dashed.

    Traces: 0 train loss, 1 test loss, 2 train acc, 3 test acc; with a cursor also 4 and 5, the
    current values on the loss and accuracy rows. Shapes: the divergence line if any, then the
    cursor line over both rows.
    """
    epochs = np.asarray(epochs)
    keep = thin(epochs)
    x = typed(epochs[keep])
    series = (
        (train_loss, "train loss", TRAIN_COLOR, "solid", "y"),
        (test_loss, "test loss", TEST_COLOR, "dash", "y"),
        (train_accuracy, "train accuracy", TRAIN_COLOR, "solid", "y2"),
        (test_accuracy, "test accuracy", TEST_COLOR, "dash", "y2"),
    )
    data: list[dict] = []
    for values, name, color, dash, yaxis in series:
        data.append(
            {
                "type": "scatter",
                "x": x,
                "y": typed(_finite_or_nan(np.asarray(values)[keep])),
                "xaxis": "x" if yaxis == "y" else "x2",
                "yaxis": yaxis,
                "mode": "lines",
                "line": {"color": color, "width": 3, "dash": dash},
                "name": name.split()[0],
                "legendgroup": name.split()[0],
                "showlegend": yaxis == "y",
                "hovertemplate": f"{name} %{{y:.4f}}<extra></extra>",
            }
        )
    shapes: list[dict] = []
    for axis, (a, b) in (("", (train_loss, test_loss)), ("2", (train_accuracy, test_accuracy))):
        if cursor_epoch is None:
            break
        index = _cursor_index(epochs, cursor_epoch)
        epoch = float(epochs[index])
        data.append(
            {
                "type": "scatter",
                "x": [epoch, epoch],
                "y": [_plain(a[index]), _plain(b[index])],
                "xaxis": "x" + axis,
                "yaxis": "y" + axis,
                "mode": "markers",
                "marker": {
                    "size": 12,
                    "color": [TRAIN_COLOR, TEST_COLOR],
                    "line": {"color": "#fff", "width": 2},
                },
                "hoverinfo": "skip",
                "showlegend": False,
            }
        )
    annotations = []
    if diverged_at is not None:
        shapes.append(
            {
                **_cursor("x", diverged_at),
                "line": {"color": DIVERGED_COLOR, "width": 2, "dash": "dot"},
            }
        )
        annotations.append(
            {
                "x": diverged_at,
                "y": 1.0,
                "xref": "x",
                "yref": "paper",
                "text": f"diverged at epoch {diverged_at}",
                "showarrow": False,
                "xanchor": "right",
                "yanchor": "bottom",
                "font": {"color": DIVERGED_COLOR, "size": 14},
            }
        )
    if cursor_epoch is not None:
        shapes.append(_cursor("x", float(epochs[_cursor_index(epochs, cursor_epoch)])))
    losses = np.concatenate([_finite_or_nan(train_loss), _finite_or_nan(test_loss)])
    losses = losses[np.isfinite(losses)]
    top = float(np.max(losses)) if losses.size else 1.0
    positive = losses[losses > 0]
    # An exploding start (loss 100+) would flatten everything else: then a log axis.
    log_loss = positive.size > 0 and top / max(float(np.median(positive)), 1e-12) > 30
    x_range = epoch_range(planned_epochs)
    layout = _base_layout(
        height,
        margin={"l": 64, "r": 12, "t": 30, "b": 48},
        hovermode="x unified",
        showlegend=True,
        legend={"orientation": "h", "x": 1.0, "xanchor": "right", "y": 1.0, "yanchor": "bottom"},
        shapes=shapes,
        annotations=annotations,
    )
    layout["xaxis"] = _axis(range=x_range, anchor="y", matches="x2", showticklabels=False)
    layout["xaxis2"] = _axis("epoch", range=x_range, anchor="y2")
    if log_loss:
        layout["yaxis"] = _axis(
            "loss (log)", type="log", domain=[0.54, 1.0], **_log_ticks(positive)
        )
    else:
        layout["yaxis"] = _axis("loss", range=[0, max(top * 1.05, 0.1)], domain=[0.54, 1.0])
    layout["yaxis2"] = _axis("accuracy", range=[0, 1.02], tickformat=".0%", domain=[0.0, 0.44])
    return make_figure(data, layout)


def epoch_range(planned_epochs: int) -> list[float]:
    """The epoch axis: 0 … planned epochs, with room for the cursor's dots at the end."""
    end = max(1, int(planned_epochs))
    return [-0.01 * end, 1.02 * end]


def _plain(value: Any) -> float | None:
    value = float(value)
    return value if np.isfinite(value) else None


# ---- per-layer norms ------------------------------------------------------------------------


_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def layer_names(layer_sizes: Sequence[int]) -> list[str]:
    """'W₁ x→h₁' … 'W₃ h₂→ŷ' for the weight matrices."""
    n_layers = len(layer_sizes) - 1
    names = []
    for layer in range(1, n_layers + 1):
        source = "x" if layer == 1 else f"h{str(layer - 1).translate(_SUB)}"
        target = "ŷ" if layer == n_layers else f"h{str(layer).translate(_SUB)}"
        names.append(f"W{str(layer).translate(_SUB)} {source}→{target}")
    return names


def norms_figure(
    epochs: np.ndarray,
    grad_norms: np.ndarray,
    weight_norms: np.ndarray,
    layer_sizes: Sequence[int],
    cursor_epoch: int | None,
    planned_epochs: int,
    height: int = 340,
) -> Figure:
    """‖∂L/∂W_l‖ (log y: vanishing/exploding gradients show as decades) and ‖W_l‖ per layer.

    Traces: gradient norms per layer, then weight norms per layer. Shapes: cursor lines.
    """
    epochs = np.asarray(epochs)
    keep = thin(epochs)
    x = typed(epochs[keep])
    names = layer_names(layer_sizes)
    data: list[dict] = []
    for layer, name in enumerate(names):
        values = np.asarray(grad_norms[:, layer], dtype=np.float64)[keep]
        positive = np.isfinite(values) & (values > 0)
        label = name if positive.any() else f"{name} (always 0)"
        data.append(
            {
                "type": "scatter",
                "x": x,
                "y": typed(np.where(positive, values, np.nan)),
                "mode": "lines",
                "line": {"color": LAYER_COLORS[layer % len(LAYER_COLORS)], "width": 2.6},
                "name": label,
                "legendgroup": name,
                "hovertemplate": f"‖∂L/∂W‖ {name}: %{{y:.3e}}<extra></extra>",
            }
        )
    for layer, name in enumerate(names):
        data.append(
            {
                "type": "scatter",
                "x": x,
                "y": typed(_finite_or_nan(np.asarray(weight_norms[:, layer])[keep])),
                "xaxis": "x2",
                "yaxis": "y2",
                "mode": "lines",
                "line": {"color": LAYER_COLORS[layer % len(LAYER_COLORS)], "width": 2.6},
                "name": name,
                "legendgroup": name,
                "showlegend": False,
                "hovertemplate": f"‖W‖ {name}: %{{y:.4g}}<extra></extra>",
            }
        )
    shapes = []
    if cursor_epoch is not None:
        epoch = float(epochs[_cursor_index(epochs, cursor_epoch)])
        shapes = [_cursor("x", epoch), _cursor("x2", epoch)]
    left, right = domains(2, 0.12)
    x_range = epoch_range(planned_epochs)
    layout = _base_layout(
        height,
        margin={"l": 64, "r": 12, "t": 34, "b": 40},
        hovermode="x unified",
        showlegend=True,
        legend={"orientation": "h", "x": 0, "y": -0.24, "yanchor": "top"},
        shapes=shapes,
        annotations=[
            _title("Gradient norm ‖∂L/∂Wₗ‖ (log scale)", sum(left) / 2),
            _title("Weight norm ‖Wₗ‖", sum(right) / 2),
        ],
    )
    layout["xaxis"] = _axis("epoch", range=x_range, domain=left, anchor="y")
    layout["xaxis2"] = _axis("epoch", range=x_range, domain=right, anchor="y2")
    layout["yaxis"] = _axis(type="log", anchor="x", **_log_ticks(grad_norms))
    layout["yaxis2"] = _axis(rangemode="tozero", anchor="x2")
    return make_figure(data, layout)


# ---- per-layer heatmaps of W and dL/dW --------------------------------------------------------


def layer_heatmaps_figure(
    layer_sizes: Sequence[int],
    weights: Sequence[np.ndarray],
    grads: Sequence[np.ndarray],
    height: int = 330,
) -> Figure:
    """Row 1: W_l, row 2: ∂L/∂W_l for every layer at one snapshot (rows = from, columns = to).

    Traces: W heatmaps for layers 1…L, then ∂L/∂W heatmaps for layers 1…L; z holds the colour
    value (`heat_spec`), customdata the exact value shown on hover.
    """
    n_layers = len(layer_sizes) - 1
    labels = node_labels(layer_sizes)
    names = [n.split()[0] for n in layer_names(layer_sizes)]
    widths = [max(2, int(layer_sizes[layer + 1])) for layer in range(n_layers)]
    columns = domains(n_layers, min(0.045, 0.3 / max(1, n_layers)), widths)
    rows = ([0.58, 0.92], [0.0, 0.34])
    data: list[dict] = []
    layout = _base_layout(
        height,
        margin={"l": 8, "r": 8, "t": 28, "b": 8},
        hovermode="closest",
        plot_bgcolor="#eef1f5",
        annotations=[],
    )
    axis = 0
    for row, (matrices, coloraxis, symbol) in enumerate(
        ((weights, "coloraxis", "w"), (grads, "coloraxis2", "∂L/∂w"))
    ):
        for layer, matrix in enumerate(matrices):
            axis += 1
            suffix = "" if axis == 1 else str(axis)
            matrix = np.asarray(matrix, dtype=np.float64)
            if row == 0:
                z = np.clip(np.nan_to_num(matrix), -WEIGHT_HEAT_MAX, WEIGHT_HEAT_MAX)
            else:
                z = signed_log(matrix)
            data.append(
                {
                    "type": "heatmap",
                    "z": typed(z),
                    "x": labels[layer + 1],
                    "y": labels[layer],
                    "customdata": typed(matrix),
                    "coloraxis": coloraxis,
                    "xgap": 1,
                    "ygap": 1,
                    "xaxis": "x" + suffix,
                    "yaxis": "y" + suffix,
                    "hovertemplate": (
                        f"{symbol} %{{y}} → %{{x}}<br><b>%{{customdata:.4g}}</b><extra></extra>"
                    ),
                }
            )
            layout["xaxis" + suffix] = {
                "domain": columns[layer],
                "anchor": "y" + suffix,
                "showticklabels": False,
                "ticks": "",
                "showgrid": False,
                "zeroline": False,
                "fixedrange": True,
            }
            layout["yaxis" + suffix] = {
                "domain": rows[row],
                "anchor": "x" + suffix,
                "showticklabels": False,
                "ticks": "",
                "showgrid": False,
                "zeroline": False,
                "fixedrange": True,
                "autorange": "reversed",
            }
            label = (
                f"{names[layer]}  {layer_sizes[layer]}×{layer_sizes[layer + 1]}"
                if row == 0
                else f"∂L/∂{names[layer]}"
            )
            layout["annotations"].append(
                _title(label, sum(columns[layer]) / 2, rows[row][1] + 0.01, 14)
            )
    bar = {"thickness": 14, "len": 0.4, "x": 1.01, "xanchor": "left"}
    layout["coloraxis"] = {
        "colorscale": DIVERGING_SCALE,
        "cmin": -WEIGHT_HEAT_MAX,
        "cmax": WEIGHT_HEAT_MAX,
        "colorbar": {
            **bar,
            "title": {"text": "w", "side": "right"},
            "y": 0.92,
            "yanchor": "top",
            "tickvals": [-2, -1, 0, 1, 2],
            "ticktext": ["≤ −2", "−1", "0", "1", "≥ 2"],
        },
    }
    layout["coloraxis2"] = {
        "colorscale": DIVERGING_SCALE,
        "cmin": -1.0,
        "cmax": 1.0,
        "colorbar": {
            **bar,
            "title": {"text": "∂L/∂w", "side": "right"},
            "y": 0.0,
            "yanchor": "bottom",
            "tickvals": [-1, -0.5, 0, 0.5, 1],
            "ticktext": ["≤ −10⁻¹", "−10⁻³", "|g| < 10⁻⁵", "10⁻³", "≥ 10⁻¹"],
        },
    }
    return make_figure(data, layout)


# ---- activation map of one neuron ---------------------------------------------------------------


def activation_map_figure(
    grid_x: np.ndarray,
    grid_y: np.ndarray,
    values: np.ndarray | None,
    box: Sequence[Sequence[float]],
    title: str = "",
    height: int = 280,
) -> Figure:
    """One neuron's output f(z) over the input plane (trace 0); `values=None` draws the hint."""
    (x_min, x_max), (y_min, y_max) = box
    z = np.zeros((len(grid_y), len(grid_x)), np.float32) if values is None else values
    z = np.asarray(z, dtype=np.float32)
    finite = z[np.isfinite(z)]
    peak = float(np.max(np.abs(finite))) if finite.size else 0.0
    peak = peak if peak > 1e-12 else 1.0
    data = [
        {
            "type": "heatmap",
            "x": typed(grid_x),
            "y": typed(grid_y),
            "z": typed(z),
            "zmin": -peak,
            "zmax": peak,
            "colorscale": DIVERGING_SCALE,
            "zsmooth": "fast",
            "visible": values is not None,
            "colorbar": {"thickness": 12, "len": 0.9},
            "hovertemplate": "x₁ %{x:.2f}, x₂ %{y:.2f}<br>output %{z:.4g}<extra></extra>",
        }
    ]
    annotations = []
    if values is None:
        annotations.append(
            {
                "text": "Hover over a neuron to see its output<br>"
                "over the input plane; click to pin it.",
                "x": 0.5,
                "y": 0.5,
                "xref": "paper",
                "yref": "paper",
                "showarrow": False,
                "font": {"size": 15, "color": MUTED},
            }
        )
    layout = _base_layout(
        height,
        margin={"l": 48, "r": 8, "t": 34, "b": 40},
        hovermode="closest",
        title={"text": title, "x": 0.02, "y": 0.97, "font": {"size": 15}},
        annotations=annotations,
    )
    shown = values is not None
    layout["xaxis"] = _axis(
        "x₁", range=[x_min, x_max], showgrid=False, constrain="domain", visible=shown
    )
    layout["yaxis"] = _axis(
        "x₂",
        range=[y_min, y_max],
        showgrid=False,
        scaleanchor="x",
        constrain="domain",
        visible=shown,
    )
    return make_figure(data, layout)


# ---- comparison of initialization schemes -------------------------------------------------------


def compare_boundaries_figure(
    schemes: Sequence[tuple[str, str]],
    grid_x: np.ndarray,
    grid_y: np.ndarray,
    probabilities: Sequence[np.ndarray],
    titles: Sequence[str],
    x_train: np.ndarray,
    y_train: np.ndarray,
    box: Sequence[Sequence[float]],
    height: int = 320,
    browser: bool = False,
) -> Figure:
    """Small multiples: one decision boundary per scheme, same data.

    Traces per scheme k: 3k heatmap, 3k + 1 the p = 0.5 line, 3k + 2 the training points.
    Annotations 0…n−1 are the titles (restyled per frame). `browser`: as `boundary_figure`.
    """
    n = len(schemes)
    columns = domains(n, 0.03)
    (x_min, x_max), (y_min, y_max) = box
    data: list[dict] = []
    layout = _base_layout(
        height, margin={"l": 6, "r": 6, "t": 58, "b": 6}, hovermode="closest", annotations=[]
    )
    for k, probability in enumerate(probabilities):
        suffix = "" if k == 0 else str(k + 1)
        axes = {"xaxis": "x" + suffix, "yaxis": "y" + suffix}
        data.append(
            _heatmap(
                grid_x,
                grid_y,
                probability,
                hovertemplate=f"{schemes[k][1]}<br>P(class 1) = %{{z:.3f}}<extra></extra>",
                **axes,
                **_hover_only(browser),
            )
        )
        data.append(
            _boundary_line(
                grid_x,
                grid_y,
                None if browser else probability,
                line={"color": INK, "width": 2},
                **axes,
            )
        )
        points = _points(x_train, y_train, "train", "#ffffff", hoverinfo="skip", **axes)
        points["marker"]["size"] = 5
        points["marker"]["line"]["width"] = 0.8
        points.pop("hovertemplate")
        data.append(points)
        layout["xaxis" + suffix] = {
            "domain": columns[k],
            "range": [x_min, x_max],
            "visible": False,
            "fixedrange": True,
            "constrain": "domain",
            "anchor": "y" + suffix,
        }
        layout["yaxis" + suffix] = {
            "range": [y_min, y_max],
            "visible": False,
            "fixedrange": True,
            "scaleanchor": "x" + suffix,
            "constrain": "domain",
            "constraintoward": "top",
            "anchor": "x" + suffix,
        }
        layout["annotations"].append(_title(titles[k], sum(columns[k]) / 2, 1.0))
    return make_figure(data, layout)


def compare_curves_figure(
    schemes: Sequence[tuple[str, str]],
    epochs: Sequence[np.ndarray],
    train_loss: Sequence[np.ndarray],
    first_grad_norm: Sequence[np.ndarray],
    cursor_epoch: int | None,
    planned_epochs: int,
    diverged_at: Sequence[int | None],
    height: int = 360,
) -> Figure:
    """Training loss (left) and ‖∂L/∂W₁‖ (right, log) per scheme.

    Traces: loss per scheme, then gradient norm per scheme. Shapes: cursor lines.
    """
    left, right = domains(2, 0.1)
    data: list[dict] = []
    for col, series in ((1, train_loss), (2, first_grad_norm)):
        for k, (scheme_id, title) in enumerate(schemes):
            run_epochs = np.asarray(epochs[k])
            keep = thin(run_epochs)
            values = np.asarray(series[k], dtype=np.float64)[keep]
            name, show = title, col == 1
            if col == 2:
                positive = np.isfinite(values) & (values > 0)
                values = np.where(positive, values, np.nan)
                if not positive.any():
                    name, show = f"{title}: ‖∂L/∂W₁‖ = 0 (not drawn on a log axis)", True
            elif diverged_at[k] is not None:
                name = f"{title} (diverged at epoch {diverged_at[k]})"
            data.append(
                {
                    "type": "scatter",
                    "x": typed(run_epochs[keep]),
                    "y": typed(_finite_or_nan(values)),
                    "xaxis": "x" if col == 1 else "x2",
                    "yaxis": "y" if col == 1 else "y2",
                    "mode": "lines",
                    "line": {"color": SCHEME_COLORS.get(scheme_id, INK), "width": 3},
                    "name": name,
                    "legendgroup": scheme_id,
                    "showlegend": show,
                    "hovertemplate": f"{title}: %{{y:.4g}}<extra></extra>",
                }
            )
    x_range = epoch_range(planned_epochs)
    layout = _base_layout(
        height,
        margin={"l": 64, "r": 12, "t": 34, "b": 84},
        hovermode="x unified",
        showlegend=True,
        legend={"orientation": "h", "x": 0, "y": -0.3, "yanchor": "top"},
        shapes=[]
        if cursor_epoch is None
        else [_cursor("x", cursor_epoch), _cursor("x2", cursor_epoch)],
        annotations=[
            _title("Training loss (cost)", sum(left) / 2),
            _title("Gradient norm of the first layer ‖∂L/∂W₁‖ (log scale)", sum(right) / 2),
        ],
    )
    layout["xaxis"] = _axis("epoch", range=x_range, domain=left, anchor="y")
    layout["xaxis2"] = _axis("epoch", range=x_range, domain=right, anchor="y2")
    losses = np.concatenate([np.asarray(v, dtype=np.float64).ravel() for v in train_loss])
    losses = losses[np.isfinite(losses) & (losses > 0)]
    if losses.size and losses.max() / max(float(np.median(losses)), 1e-12) > 30:
        layout["yaxis"] = _axis("loss (log)", type="log", anchor="x", **_log_ticks(losses))
    else:
        layout["yaxis"] = _axis("loss", rangemode="tozero", anchor="x")
    layout["yaxis2"] = _axis(type="log", anchor="x2", **_log_ticks(*first_grad_norm))
    return make_figure(data, layout)
