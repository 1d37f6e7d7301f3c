"""Figures of the optimizer lab: numpy in, go.Figure out (no JAX, no engine imports).

In the 2-D view the landscape is two stacked figures with identical axes: the contour below
(drawn once per landscape) and a transparent overlay above with everything that moves. Plotly
recomputes every trace of a figure when one trace changes, and a 180² contour costs far more
than a frame, so playback only ever touches the overlay. In the 3-D view one figure holds all.
Overlay trace order is fixed so the server can Patch and the browser can animate by index:
    0 landscape (surface in 3-D; an empty placeholder in 2-D), 1 minima, 2 start point (3-D
    only; in 2-D the start is a draggable layout shape), then for optimizer i (table order):
    3 + 2i path, 4 + 2i head.
The loss chart has one trace per optimizer in the same order.
Trajectory data is NOT in these figures: it travels once in the run store and the browser
fills the traces frame by frame (assets/lab.js).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from components.palette import START_POINT_COLOR

FIRST_PATH_TRACE = 3
# Light = low cost, as on the slides; muted so the optimizers' colours stand out.
LANDSCAPE_SCALE = [
    [0.0, "#ffffff"],
    [0.25, "#e8eef5"],
    [0.55, "#bccadb"],
    [0.8, "#8ea3bd"],
    [1.0, "#5d7594"],
]
FONT = {"family": "system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif", "size": 13}
# Shared by the contour and its overlay so their axes line up pixel for pixel.
PLANE_MARGIN = {"l": 55, "r": 95, "t": 10, "b": 80, "autoexpand": False}


@dataclass(frozen=True)
class TraceStyle:
    """How one optimizer is drawn."""

    id: str
    title: str
    color: str
    visible: bool
    diverged_at: int | None = None

    @property
    def legend_name(self) -> str:
        if self.diverged_at is not None:
            return f"{self.title} — diverged at step {self.diverged_at}"
        return self.title


@dataclass(frozen=True)
class Marker:
    x: float
    y: float
    value: float
    kind: str


def log_gap(values: np.ndarray, min_value: float, offset: float) -> np.ndarray:
    """The colour coordinate: log10(J − J* + offset), finite everywhere."""
    return np.log10(np.maximum(np.asarray(values, dtype=np.float64) - min_value, 0.0) + offset)


def log_offset(z: np.ndarray, min_value: float) -> float:
    """A small offset so log10 stays finite at the minimum yet resolves the valleys."""
    spread = float(np.median(z) - min_value)
    return max(spread * 1e-5, 1e-9)


def _colorbar_ticks(low: float, high: float, offset: float) -> tuple[list[float], list[str]]:
    decades = range(int(np.ceil(low)), int(np.floor(high)) + 1)
    values = [float(d) for d in decades if 10.0**d > offset * 1.5]
    return values, [f"{10.0**d:.0e}".replace("e+0", "e").replace("e-0", "e-") for d in values]


def start_shape(
    x: float, y: float, domain: tuple[tuple[float, float], tuple[float, float]]
) -> dict:
    """The draggable red dot: a circle of 1.6 % of the domain's span."""
    (x_min, x_max), (y_min, y_max) = domain
    rx, ry = 0.016 * (x_max - x_min), 0.016 * (y_max - y_min)
    return {
        "type": "circle",
        "xref": "x",
        "yref": "y",
        "x0": x - rx,
        "x1": x + rx,
        "y0": y - ry,
        "y1": y + ry,
        "fillcolor": START_POINT_COLOR,
        "line": {"color": "#ffffff", "width": 2},
        "layer": "above",
    }


def landscape_figures(
    xs: np.ndarray,
    ys: np.ndarray,
    z: np.ndarray,
    *,
    min_value: float,
    domain: tuple[tuple[float, float], tuple[float, float]],
    minima: Sequence[Marker],
    start: tuple[float, float],
    styles: Sequence[TraceStyle],
    view: str = "contour",
) -> tuple[go.Figure | None, go.Figure]:
    """(contour below or None in 3-D, figure with the moving parts), ready for playback."""
    offset = log_offset(z, min_value)
    colour = log_gap(z, min_value, offset).astype(np.float32)
    low, high = float(colour.min()), float(colour.max())
    tickvals, ticktext = _colorbar_ticks(low, high, offset)
    colorbar = {
        "title": {"text": "J − J*", "side": "right"},
        "tickvals": tickvals,
        "ticktext": ticktext,
        "thickness": 14,
        "len": 0.95,
        "x": 1.02,
        "xanchor": "left",
    }
    (x_min, x_max), (y_min, y_max) = domain
    overlay = go.Figure()
    if view == "surface":
        overlay.add_trace(
            go.Surface(
                x=xs.astype(np.float32),
                y=ys.astype(np.float32),
                z=colour,
                colorscale=LANDSCAPE_SCALE,
                colorbar=colorbar,
                opacity=0.92,
                hovertemplate="w₁=%{x:.3f}<br>w₂=%{y:.3f}<br>log₁₀(J−J*)=%{z:.2f}<extra></extra>",
                name="landscape",
                showlegend=False,
                contours={"z": {"show": True, "usecolormap": True, "width": 1}},
            )
        )
        base = None
    else:
        overlay.add_trace(
            go.Scatter(x=[], y=[], name="landscape", showlegend=False, hoverinfo="skip")
        )
        base = go.Figure(
            go.Contour(
                x=xs.astype(np.float32),
                y=ys.astype(np.float32),
                z=colour,
                colorscale=LANDSCAPE_SCALE,
                colorbar=colorbar,
                ncontours=28,
                contours={"coloring": "heatmap", "showlines": True},
                line={"width": 0.5, "color": "rgba(60,80,110,0.35)"},
                hoverinfo="skip",
                name="landscape",
                showlegend=False,
            )
        )
        base.update_layout(
            margin=PLANE_MARGIN,
            font=FONT,
            paper_bgcolor="white",
            plot_bgcolor="white",
            xaxis=_plane_axis("w₁", x_min, x_max),
            yaxis=_plane_axis("w₂", y_min, y_max),
        )
    overlay.add_trace(_minima_trace(minima, min_value, offset, view))
    overlay.add_trace(_start_trace(start, view, z_value=high))
    for style in styles:
        overlay.add_trace(_path_trace(style, view))
        overlay.add_trace(_head_trace(style, view))

    overlay.update_layout(
        font=FONT,
        uirevision="landscape",
        legend={
            "x": 0.01,
            "y": 0.99,
            "xanchor": "left",
            "yanchor": "top",
            "bgcolor": "rgba(255,255,255,0.85)",
            "bordercolor": "#d0d7e2",
            "borderwidth": 1,
            "itemclick": "toggleothers",
        },
        hoverlabel={"font": {"family": FONT["family"]}},
    )
    if view == "surface":
        overlay.update_layout(
            margin={"l": 10, "r": 10, "t": 10, "b": 40},
            paper_bgcolor="white",
            scene={
                "xaxis": {"title": {"text": "w₁"}, "range": [x_min, x_max]},
                "yaxis": {"title": {"text": "w₂"}, "range": [y_min, y_max]},
                "zaxis": {"title": {"text": "log₁₀(J − J*)"}},
                "camera": {"eye": {"x": 1.4, "y": -1.5, "z": 1.1}},
                "aspectmode": "manual",
                "aspectratio": {"x": 1, "y": 1, "z": 0.6},
            },
        )
    else:
        overlay.update_layout(
            margin=PLANE_MARGIN,
            paper_bgcolor="rgba(0,0,0,0)",
            plot_bgcolor="rgba(0,0,0,0)",
            xaxis=_plane_axis("w₁", x_min, x_max, visible=False),
            yaxis=_plane_axis("w₂", y_min, y_max, visible=False),
            shapes=[start_shape(*start, domain)],
            dragmode=False,
        )
    return base, overlay


def _plane_axis(title: str, low: float, high: float, visible: bool = True) -> dict:
    """Identical axes below and above; fixed ranges keep the two figures aligned."""
    return {
        "title": {"text": title if visible else ""},
        "range": [low, high],
        "fixedrange": True,
        "showgrid": False,
        "zeroline": False,
        "showticklabels": visible,
        "ticks": "outside" if visible else "",
    }


def _minima_trace(minima: Sequence[Marker], min_value: float, offset: float, view: str):
    text = [
        f"{'global' if m.kind == 'global' else m.kind} minimum<br>w=({m.x:.4g}, {m.y:.4g})<br>J={m.value:.6g}"
        for m in minima
    ]
    symbols = ["star" if m.kind == "global" else "star-open" for m in minima]
    common = {
        "x": [m.x for m in minima],
        "y": [m.y for m in minima],
        "mode": "markers",
        "name": "minima",
        "text": text,
        "hovertemplate": "%{text}<extra></extra>",
        "showlegend": False,
    }
    if view == "surface":
        z = log_gap(np.array([m.value for m in minima]), min_value, offset)
        return go.Scatter3d(
            **common,
            z=z,
            marker={"size": 5, "color": "#F0E442", "line": {"color": "#333", "width": 1}},
        )
    return go.Scatter(
        **common,
        marker={
            "size": 15,
            "symbol": symbols,
            "color": "#F0E442",
            "line": {"color": "#333", "width": 1},
        },
    )


def _start_trace(start: tuple[float, float], view: str, z_value: float):
    if view == "surface":
        return go.Scatter3d(
            x=[start[0]],
            y=[start[1]],
            z=[z_value],
            mode="markers",
            name="start",
            marker={"size": 6, "color": START_POINT_COLOR},
            showlegend=False,
            hovertemplate="start<br>w=(%{x:.4g}, %{y:.4g})<extra></extra>",
        )
    # In 2-D the start is the draggable shape; this empty trace keeps trace indices aligned.
    return go.Scatter(x=[], y=[], mode="markers", name="start", showlegend=False, hoverinfo="skip")


def _path_trace(style: TraceStyle, view: str):
    hover = (
        f"<b>{style.title}</b> step %{{pointNumber}}<br>w₁=%{{x:.6g}}<br>w₂=%{{y:.6g}}"
        "<br>J=%{customdata:.6g}<extra></extra>"
    )
    common = {
        "x": [],
        "y": [],
        "name": style.legend_name,
        "legendgroup": style.id,
        "visible": style.visible,
        "hovertemplate": hover,
        "customdata": [],
    }
    if view == "surface":
        return go.Scatter3d(**common, z=[], mode="lines", line={"color": style.color, "width": 6})
    # Lines only: hundreds of SVG markers per path would slow every playback frame.
    # simplify=False keeps one SVG vertex per step, so playback can reveal a path by length.
    return go.Scatter(
        **common, mode="lines", line={"color": style.color, "width": 2.5, "simplify": False}
    )


def _head_trace(style: TraceStyle, view: str):
    common = {
        "x": [],
        "y": [],
        "mode": "markers",
        "name": style.title,
        "legendgroup": style.id,
        "visible": style.visible,
        "showlegend": False,
        "hoverinfo": "skip",
    }
    marker = {
        "size": 12,
        "color": style.color,
        "line": {"color": "white", "width": 2},
        "symbol": "x" if style.diverged_at is not None else "circle",
    }
    if view == "surface":
        return go.Scatter3d(**common, z=[], marker={**marker, "size": 6})
    return go.Scatter(**common, marker=marker)


def _per_step_chart(
    styles: Sequence[TraceStyle], steps: int, y_title: str, y_symbol: str, name: str
) -> go.Figure:
    """A log-y chart against the step with one (empty) line per optimizer."""
    fig = go.Figure()
    for style in styles:
        fig.add_trace(
            go.Scatter(
                x=[],
                y=[],
                mode="lines",
                name=style.legend_name,
                legendgroup=style.id,
                visible=style.visible,
                line={"color": style.color, "width": 2.5, "simplify": False},
                hovertemplate=(
                    f"<b>{style.title}</b> step %{{x}}<br>{y_symbol}=%{{y:.4g}}<extra></extra>"
                ),
            )
        )
    fig.update_layout(
        margin={"l": 60, "r": 10, "t": 10, "b": 40},
        font=FONT,
        paper_bgcolor="white",
        plot_bgcolor="white",
        xaxis={"title": {"text": "step t"}, "range": [0, max(steps, 1)], "gridcolor": "#eef1f5"},
        yaxis={
            "title": {"text": y_title},
            "type": "log",
            "gridcolor": "#eef1f5",
            "exponentformat": "power",
        },
        showlegend=False,
        uirevision=name,
        hovermode="x unified",
    )
    return fig


def loss_figure(styles: Sequence[TraceStyle], steps: int) -> go.Figure:
    """J − J* against the step, log y, one trace per optimizer (data filled by the browser)."""
    return _per_step_chart(styles, steps, "J(w) − J*", "J−J*", "loss")


def schedule_figure(styles: Sequence[TraceStyle], steps: int) -> go.Figure:
    """The learning rate η_t each optimizer used, against the step (data filled by the browser)."""
    return _per_step_chart(styles, steps, "η_t", "η", "schedule")
