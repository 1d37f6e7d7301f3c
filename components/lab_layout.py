"""The optimizer lab's page frame: the landscape panel with its playback bar, the side panels
(cost chart, learning rates, results) and titled panels. Empty plot containers only: the
browser draws every figure into them (assets/lab/)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from dash import dcc, html

from components.export_menu import export_menu
from components.lab_controls import field_id, landscape_picker, playback_bar
from components.lead import PREPARED, PREPARED_ALL, sentence, visible
from components.plot import plot_container
from components.tex import tex


def plot(ident: str, class_name: str) -> html.Div:
    """A plot container of the lab (components/plot.py); the lab styles its own figures for
    presentation mode."""
    return plot_container(ident, f"lab-plot {class_name}", **{"data-present-style": "self"})


def titled_panel(title: str, children: Sequence[Any], group: str | None = None) -> html.Div:
    """A panel with its title ('Update rules in use'); `group` names it for classroom links."""
    extra = {"data-group": group} if group else {}
    return html.Div(
        [html.Div(title, className="panel-title"), *children], className="panel", **extra
    )


# What the lead asks the student to do, each with the control group it needs.
LEAD_STEPS = (
    ("pick a cost landscape", "landscape"),
    ("click or drag the red dot to choose the start", "start"),
    ("pick optimizers and their learning rates", "optimizers"),
)


def lead(hidden: Collection[str] = ()) -> str:
    """The lab's one line of what to do, naming only controls a classroom link left visible."""
    steps = visible(LEAD_STEPS, hidden)
    if "playback" not in hidden:
        steps.append("then press play" if steps else "press play")
    if not steps:
        return PREPARED_ALL
    text = sentence(", ".join(steps))
    return text if len(steps) == len(LEAD_STEPS) + 1 else f"{text} {PREPARED}"


def intro(messages: list[Any], hidden: Collection[str] = ()) -> html.Div:
    """The page's title, one line of what to do, and the messages (a link's, a rejected value's)."""
    return html.Div(
        [
            html.Div(
                [html.H1("Optimizer lab"), html.P(lead(hidden), className="muted")],
                className="lab-intro",
            ),
            html.Div(messages, id="lab-messages", className="messages", role="status"),
        ]
    )


def landscape_panel(
    landscapes: Sequence[tuple[str, str]], landscape_id: str, view: str, latex: str, note: str
) -> html.Div:
    """Landscape picker and 3-D toggle, formula and note, the plane (contour, overlay, surface),
    the cursor read-out and the playback bar."""
    return html.Div(
        [
            html.Div(
                [
                    landscape_picker(landscapes, landscape_id),
                    html.Div(
                        dcc.Checklist(
                            id=field_id("view"),
                            options=[{"label": " 3-D surface", "value": "surface"}],
                            value=["surface"] if view == "surface" else [],
                            className="view-toggle",
                        ),
                        **{"data-group": "view"},
                    ),
                    export_menu("lab", csv_label="Paths (CSV)", offline=True),
                ],
                className="landscape-bar",
            ),
            html.Div(
                [
                    tex(latex, id="lab-formula"),
                    html.Span(note, id="lab-note", className="muted"),
                ],
                className="formula",
            ),
            html.Div(
                [
                    plot("lab-contour", "landscape-graph landscape-base"),
                    plot("lab-landscape", "landscape-graph landscape-overlay"),
                    plot("lab-surface", "landscape-graph landscape-surface"),
                    plot("lab-surface-paths", "landscape-graph landscape-surface"),
                    html.Div(
                        "preparing…",
                        id="lab-status",
                        className="lab-status",
                        role="status",
                        **{"aria-live": "polite"},
                    ),
                ],
                className="landscape-frame",
                **{"data-fullscreen-target": "1", "data-view": view},
            ),
            html.Div(id="lab-cursor", className="cursor-readout muted small"),
            playback_bar("lab"),
        ],
        className="panel lab-main",
    )


def side_panels() -> html.Div:
    """The cost chart (log scale) with the learning rates under it, and where each row ended."""
    return html.Div(
        [
            titled_panel(
                "Cost against step (log scale)",
                [
                    plot("lab-loss", "loss-graph"),
                    html.Details(
                        [
                            html.Summary("Learning rate used at each step"),
                            plot("lab-schedule", "schedule-graph"),
                            html.P(
                                "Dotted: the largest stable η at that step, 2/λmax (gradient "
                                "descent) or 2(1 + α)/λmax (momentum); above it the step does "
                                "not converge.",
                                className="muted small",
                            ),
                        ],
                        className="schedule-details",
                    ),
                ],
            ),
            titled_panel(
                "Where they ended", [html.Div(id="lab-results", className="results")], "results"
            ),
        ],
        className="lab-side",
    )
