"""The SGD-vs-minibatch page's frame: the data, the methods and the start (each box with its
message beside it), a playback bar, the (w, b) plane, the data with the fitted lines, and the
loss per epoch. Empty chart containers only: the browser draws (assets/regression/)."""

from __future__ import annotations

from collections.abc import Sequence

from dash import html

from components.number_box import number_box
from components.skier_layout import playback_bar

PLAYER = "sgd"


def field(key: str, label: str, value: str, help_text: str = "") -> html.Div:
    children = [
        html.Label(label, htmlFor=f"rg-{key}", className="sk-label"),
        number_box(f"rg-{key}", value, "sk-input", debounce=True),
    ]
    if help_text:
        children.append(html.Span(help_text, className="muted sk-help"))
    children.append(html.Div(id=f"rg-msg-{key}", className="field-message", role="alert"))
    return html.Div(children, className="sk-field")


def group(title: str, rows: Sequence[html.Div]) -> list:
    return [html.H2(title), *rows]


def page_frame(controls: list, messages: list) -> list:
    return [
        html.Div(
            [
                html.H1("SGD, minibatch, full batch"),
                html.P(
                    "One line y = w x + b fitted to noisy points three ways. Each epoch, SGD "
                    "steps after every point, a minibatch after every few, full batch once: "
                    "the dashed ellipses are the loss of the batch a step descends, not the "
                    "full one. Click the plane to start somewhere else.",
                    className="muted sk-lead",
                ),
            ],
            className="sk-intro",
        ),
        html.Div(messages, id="rg-messages", className="messages", role="status"),
        html.Div(
            [
                html.Div(controls, className="panel sk-controls"),
                html.Div(
                    [
                        html.Div(
                            playback_bar(PLAYER, "Epoch 0", "SGD update"), className="sk-toolbar"
                        ),
                        html.Div(
                            id="rg-fetch-error",
                            className="lr-fetch-error",
                            hidden=True,
                            role="status",
                        ),
                        html.Div(
                            [
                                html.Div(
                                    html.Div(className="plot-area"),
                                    id="rg-plane",
                                    className="rg-chart",
                                    **{"data-present-style": "self"},
                                ),
                                html.Div(
                                    html.Div(className="plot-area"),
                                    id="rg-data",
                                    className="rg-chart",
                                    **{"data-present-style": "self"},
                                ),
                            ],
                            className="rg-charts",
                        ),
                        html.Div(id="rg-readout", className="sk-readout", role="status"),
                        html.Div(
                            html.Div(className="plot-area"),
                            id="rg-loss",
                            className="sk-loss",
                            **{"data-present-style": "self"},
                        ),
                    ],
                    className="panel sk-main",
                ),
            ],
            className="sk-layout",
        ),
    ]
