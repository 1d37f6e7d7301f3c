"""The skier page's frame: the curve, its start and the three skiers (each box with its message
beside it), a playback bar, the curve chart, the loss chart and a read-out of each skier's
derivative and step. Empty chart containers only: the browser draws (assets/skier/)."""

from __future__ import annotations

from collections.abc import Sequence

from dash import dcc, html

from components.export_menu import export_menu
from components.number_box import number_box
from components.playback import playback_bar as shared_playback_bar

PLAYER = "skier"
SPEEDS = (("normal", "0.25"), ("slow", "0.08"), ("fast", "1"))  # steps per 60 Hz tick


def message(key: str) -> html.Div:
    return html.Div(id=f"sk-msg-{key}", className="field-message", role="alert")


def number_field(key: str, label: str, value: str, help_text: str = "") -> html.Div:
    children = [
        html.Label(label, htmlFor=f"sk-{key}", className="sk-label"),
        number_box(f"sk-{key}", value, "sk-input", debounce=True),
    ]
    if help_text:
        children.append(html.Span(help_text, className="muted sk-help"))
    return html.Div([*children, message(key)], className="sk-field")


def skier_row(key: str, rule: str, rate: str, options: Sequence[tuple[str, str]], color: str):
    """One skier: its rule (or off) and its learning rate."""
    return html.Div(
        [
            html.Span(className="sk-swatch", style={"background": color}),
            dcc.Dropdown(
                id=f"sk-{key}",
                options=[{"label": label, "value": value} for value, label in options],
                value=rule,
                clearable=False,
                searchable=False,
                className="sk-rule",
            ),
            html.Label("η", htmlFor=f"sk-{key}-lr", className="sk-eta"),
            number_box(f"sk-{key}-lr", rate, "sk-input sk-rate", debounce=True),
            message(key),
            message(f"{key}-lr"),
        ],
        className="sk-row",
    )


def playback_bar(player: str = PLAYER, counter: str = "Step 0", unit: str = "step") -> html.Div:
    """A small page's play bar (speeds in steps per 60 Hz tick, assets/core/player.js)."""
    return shared_playback_bar(player, counter=counter, unit=unit, speeds=SPEEDS, prefix="sk")


def page_frame(controls: list, messages: list) -> list:
    return [
        html.Div(
            [
                html.H1("The skier"),
                html.P(
                    "A network with a single parameter w: the optimizer is the skier, and it "
                    "moves against the derivative dL/dw. Press play, or click the curve to start "
                    "somewhere else.",
                    className="muted sk-lead",
                ),
            ],
            className="sk-intro",
        ),
        html.Div(messages, id="sk-messages", className="messages", role="status"),
        html.Div(
            [
                html.Div(controls, className="panel sk-controls"),
                html.Div(
                    [
                        html.Div(
                            [playback_bar(), export_menu("skier", csv_label="Rides (CSV)")],
                            className="sk-toolbar",
                        ),
                        html.Div(
                            id="sk-fetch-error",
                            className="lr-fetch-error",
                            hidden=True,
                            role="status",
                        ),
                        html.Div(
                            html.Div(className="plot-area"),
                            id="sk-curve",
                            className="sk-chart",
                            **{"data-present-style": "self"},
                        ),
                        html.Div(id="sk-readout", className="sk-readout", role="status"),
                        html.Div(
                            html.Div(className="plot-area"),
                            id="sk-loss",
                            className="sk-loss",
                            **{"data-present-style": "self"},
                        ),
                        html.Div(id="sk-about", className="muted sk-about"),
                    ],
                    className="panel sk-main",
                ),
            ],
            className="sk-layout",
        ),
    ]
