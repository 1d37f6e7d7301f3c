"""The network loss landscape page's frame: its five controls (each with its message beside
it), the summary of the playground network in use with the link back to the playground, and
empty plot containers the browser draws into (assets/network/): the landscape (contour or 3-D
surface), the 1-D slice and the interpolation θ₀ → θ*. No figures are built here."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dash import dcc, html

from components.number_box import number_box
from components.plot import plot_container

DEBOUNCE_SECONDS = 0.6
PLOT_VIEWS = (("contour", "Contour"), ("surface", "3-D surface"))


def control_id(key: str) -> str:
    return f"nl-{key}"


def error_id(key: str) -> str:
    """The element beside a control that holds its message (empty when the value is good)."""
    return f"nl-{key}-error"


def _error(key: str) -> html.Div:
    return html.Div(id=error_id(key), className="nl-error", role="status")


def _text_field(key: str, label: str, value: str, hint: str, **extra: Any) -> html.Div:
    return html.Div(
        [
            html.Label(
                [
                    html.Span(label, className="nl-label"),
                    number_box(
                        control_id(key), value, "nl-input", debounce=DEBOUNCE_SECONDS, **extra
                    ),
                ],
                className="nl-field",
                title=f"valid: {hint}",
            ),
            html.Div(hint, className="nl-hint muted small"),
            _error(key),
        ],
        className="nl-control",
    )


def intro() -> html.Div:
    return html.Div(
        [
            html.H1("Network loss landscape"),
            html.P(
                "The loss of the playground's trained network θ* along two directions in "
                "weight space: L(θ* + α·d₁ + β·d₂) (Li et al. 2018).",
                className="muted nl-lead",
            ),
        ],
        className="nl-intro",
    )


def controls_panel(values: Mapping[str, str], hints: Mapping[str, str]) -> html.Section:
    """The five landscape controls; `values` their text by URL key, `hints` the valid ranges."""
    return html.Section(
        [
            html.H2("Landscape", className="panel-title"),
            html.Div(
                [
                    html.Span("Directions", className="nl-label"),
                    dcc.RadioItems(
                        id=control_id("dirs"),
                        options=[
                            {"label": "Random", "value": "random"},
                            {"label": "PCA path", "value": "pca"},
                        ],
                        value=values["dirs"],
                        className="pg-segmented nl-segmented",
                        inputClassName="pg-pill-input",
                    ),
                    _error("dirs"),
                ],
                className="nl-control",
            ),
            _text_field("span", "Span", values["span"], hints["span"]),
            _text_field("res", "Resolution", values["res"], hints["res"], inputMode="numeric"),
            html.Div(
                [
                    dcc.Checklist(
                        id=control_id("biases"),
                        options=[{"label": " Include biases in d₁, d₂", "value": "on"}],
                        value=["on"] if values["biases"] == "1" else [],
                        className="nl-check",
                    ),
                    _error("biases"),
                ],
                className="nl-control nl-random-only",
            ),
            html.Div(
                _text_field(
                    "dirseed",
                    "Direction seed",
                    values["dirseed"],
                    hints["dirseed"],
                    inputMode="numeric",
                ),
                className="nl-random-only",
            ),
            html.P(
                "With PCA directions the plane is spanned by the training path's top two "
                "principal directions; biases and the seed do not apply.",
                className="nl-pca-note muted small",
            ),
        ],
        className="panel nl-controls",
        **{"data-group": "landscape", "data-group-label": "landscape controls"},
    )


def network_panel(summary: list[str], playground_href: str) -> html.Section:
    """What network is shown (the playground's settings in use) and the way to change it."""
    return html.Section(
        [
            html.H2("Network", className="panel-title"),
            html.Ul([html.Li(line) for line in summary], className="nl-summary"),
            html.A(
                "Change the network in the playground",
                href=playground_href,
                id="nl-playground-link",
                className="nl-playground-link",
            ),
            html.Div(id="nl-numbers", className="nl-numbers"),
        ],
        className="panel nl-network",
        **{"data-group": "network", "data-group-label": "network summary"},
    )


def figures_panel(plot_view: str = "contour") -> html.Div:
    """The landscape (contour or 3-D), its status line, the slice and the interpolation."""
    return html.Div(
        [
            html.Section(
                [
                    html.Div(
                        [
                            html.H2("Train loss around θ*", className="panel-title", id="nl-title"),
                            dcc.RadioItems(
                                id="nl-plot",
                                options=[{"label": t, "value": v} for v, t in PLOT_VIEWS],
                                value=plot_view,
                                className="pg-segmented nl-segmented",
                                inputClassName="pg-pill-input",
                            ),
                        ],
                        className="nl-head",
                    ),
                    html.Div(id="nl-status", className="nl-status", role="status", hidden=True),
                    plot_container(
                        "nl-landscape", "nl-landscape", **{"data-present-style": "self"}
                    ),
                ],
                className="panel nl-main",
            ),
            html.Div(
                [
                    html.Section(
                        [
                            html.H2("1-D slice L(θ* + a·d₁)", className="panel-title"),
                            plot_container(
                                "nl-slice", "nl-chart", **{"data-present-style": "self"}
                            ),
                        ],
                        className="panel",
                    ),
                    html.Section(
                        [
                            html.H2(
                                "Interpolation θ(t) = (1 − t)·θ₀ + t·θ*", className="panel-title"
                            ),
                            plot_container(
                                "nl-interp", "nl-chart", **{"data-present-style": "self"}
                            ),
                        ],
                        className="panel",
                    ),
                ],
                className="nl-side",
            ),
        ],
        className="nl-figures",
    )
