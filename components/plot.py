"""The one plot convention of every page: a container the browser draws a Plotly figure into."""

from __future__ import annotations

from typing import Any

from dash import html

AREA_CLASS = "plot-area"


def plot_container(ident: str, class_name: str = "", height: int | None = None, **attrs: Any):
    """`#ident.plot` holding its drawing area `.plot-area` (`height` px, else the CSS's), into
    which the page's scripts draw with the vendored Plotly (`LossViz.vendor.plotly()`).

    Not a dcc.Graph: that makes Dash load its full 4.8 MB plotly.js, and it writes every layout
    change (cursor, images, the classroom's presentation fonts) back into its `figure` prop and
    re-plots that, which would fight the frame-by-frame playback.
    """
    style = {"height": f"{height}px"} if height else None
    return html.Div(
        html.Div(className=AREA_CLASS, style=style),
        id=ident,
        className=f"plot {class_name}".strip(),
        **attrs,
    )
