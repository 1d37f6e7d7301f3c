"""The network playground's page frame: the training tab (playback bar, network drawing with
its legends, output with the decision boundary and curves, per-layer heatmaps, gradient norms)
and the comparison tab. Empty plot containers only: the browser draws every figure into them
(assets/playground/)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from dash import dcc, html

from components.export_menu import export_menu
from components.lead import PREPARED, sentence, spoken_list, visible
from components.playground_controls import (
    COMPARE_PLAYER,
    PLAYER,
    graph,
    link_legend,
    node_legend,
    playback_bar,
    stats_block,
    view_toggle,
)

# What the lead asks the student to choose, each with the control group it needs.
LEAD_CHOICES = (("data", "data"), ("a network", "network"), ("how its weights start", "init"))
WATCH = "watch the weights, the gradients and the decision boundary evolve, every epoch"


def lead(hidden: Collection[str] = ()) -> str:
    """The playground's line of what to do, naming only controls a classroom link left visible."""
    choices = visible(LEAD_CHOICES, hidden)
    parts = []
    if choices:
        parts.append(
            sentence(f"choose {spoken_list(choices)}; it trains whenever you change something")
        )
    parts.append(sentence(WATCH if "playback" in hidden else f"press play to {WATCH}"))
    if len(choices) < len(LEAD_CHOICES):
        parts.append(PREPARED)
    return " ".join(parts)


def intro(hidden: Collection[str] = ()) -> html.Div:
    """The page's title and one line of what to do."""
    return html.Div(
        [
            html.Div(
                [
                    html.H1("Network playground"),
                    # assets/network/playground_link.js adds the current settings when followed.
                    html.A(
                        "Loss landscape of this network →",
                        href="/network",
                        id="pg-landscape-link",
                        className="pg-landscape-link",
                        **{"data-carry-query": "1"},
                    ),
                    html.A(
                        "Find its learning rate (range test) →",
                        href="/lr-range",
                        id="pg-lr-range-link",
                        className="pg-landscape-link",
                        **{"data-carry-query": "1"},
                    ),
                ],
                className="pg-title-row",
            ),
            html.P(lead(hidden), className="muted pg-lead"),
        ],
        className="pg-intro",
    )


def train_panel(view: str, show_test: bool, legend_items: Any) -> html.Div:
    """The training tab: `view` is what the links show (weights or gradients), `show_test`
    whether test points are drawn, `legend_items` the node legend's entries."""
    return html.Div(
        [
            html.Div(
                [
                    playback_bar(PLAYER),
                    html.Div(id="pg-diverged", className="pg-diverged", hidden=True),
                    html.Div(
                        id="pg-fetch-error", className="pg-fetch-error", hidden=True, role="alert"
                    ),
                ],
                className="panel pg-toolbar",
            ),
            html.Div(
                [
                    html.Div(
                        [
                            html.Div(
                                [
                                    html.H2("Network", className="panel-title"),
                                    view_toggle(view),
                                ],
                                className="pg-panel-head",
                            ),
                            html.Div(
                                node_legend(legend_items),
                                id="pg-node-legend",
                                className="pg-legend",
                            ),
                            link_legend(),
                            graph("pg-network", 470),
                            graph("pg-activation", 280),
                        ],
                        id="pg-network-panel",
                        className="panel pg-network-panel",
                        **{
                            "data-view": view,
                            "data-present-lines": "keep",
                            "data-group": "network-view",
                            "data-group-label": "network drawing",
                        },
                    ),
                    html.Div(
                        [
                            html.Div(
                                [
                                    html.H2("Output", className="panel-title"),
                                    dcc.Checklist(
                                        id="pg-show-test",
                                        options=[{"label": " show test data", "value": "on"}],
                                        value=["on"] if show_test else [],
                                        className="pg-check",
                                    ),
                                    export_menu("playground", csv_label="Curves (CSV)"),
                                ],
                                className="pg-panel-head",
                            ),
                            stats_block(),
                            html.Div(
                                graph("pg-boundary", 440),
                                **{"data-fullscreen-target": "1"},
                            ),
                            html.P(
                                [
                                    "Background: the network's P(class 1) ",
                                    html.Span("orange = class 0", className="pg-c0"),
                                    ", ",
                                    html.Span("blue = class 1", className="pg-c1"),
                                    "; black line: decision boundary (p = 0.5). "
                                    "Points: training data (white rim), test data (dark rim).",
                                ],
                                className="small muted pg-caption",
                            ),
                            graph("pg-curves", 390),
                        ],
                        id="pg-output-panel",
                        className="panel pg-output-panel",
                        **{
                            "data-test": "on" if show_test else "off",
                            "data-group": "output",
                            "data-group-label": "output",
                        },
                    ),
                ],
                className="pg-train-grid",
            ),
            html.Div(
                [
                    html.Div(
                        [
                            html.H2("Weights and gradients per layer", className="panel-title"),
                            graph("pg-layers", 330),
                        ],
                        className="panel",
                        **{"data-group": "layers", "data-group-label": "layer heatmaps"},
                    ),
                    html.Div(
                        [
                            html.H2("Vanishing or exploding gradients?", className="panel-title"),
                            graph("pg-norms", 340),
                        ],
                        className="panel",
                        **{"data-group": "norms", "data-group-label": "gradient norms"},
                    ),
                ],
                className="pg-train-grid pg-train-grid-2",
            ),
        ],
        id="pg-train-panel",
        className="pg-tab-panel pg-tab-train",
    )


def compare_panel(scheme_cards: Any) -> html.Div:
    """The comparison tab: the four schemes' boundaries and curves, and `scheme_cards`."""
    return html.Div(
        [
            html.Div(
                [
                    playback_bar(COMPARE_PLAYER),
                    html.Div(
                        id="pg-cmp-fetch-error",
                        className="pg-fetch-error",
                        hidden=True,
                        role="alert",
                    ),
                ],
                className="panel pg-toolbar",
            ),
            html.Div(
                [
                    html.P(
                        "Same data, same network, same random draw Z ~ N(0, 1): only the scale "
                        "of the initial weights differs. Every other setting comes from the "
                        "controls on the left.",
                        className="muted pg-compare-lead",
                    ),
                    html.Div(graph("pg-cmp-boundaries", 320), **{"data-fullscreen-target": "1"}),
                    graph("pg-cmp-curves", 360),
                ],
                className="panel",
            ),
            scheme_cards,
        ],
        id="pg-compare-panel",
        className="pg-tab-panel pg-tab-compare",
    )
