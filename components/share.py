"""Sharing tools in the top navigation: "Copy link" and the instructor's "Classroom link" panel.

Dash only renders the elements; assets/classroom.js does the work in the browser (no server
round-trip): it copies `location.href` (navigator.clipboard, or a select-and-copy fallback on
plain-HTTP class servers where the clipboard API is unavailable), and fills the panel with the
current page's control groups (every element carrying `data-group="<name>"`) so the instructor
can tick the groups to hide and copy a link with `hide=<names>` (and `present=1`).
"""

from __future__ import annotations

from dash import html


def copy_link_button() -> html.Button:
    return html.Button(
        "Copy link",
        id="copy-link",
        className="nav-tool",
        title="Copy a link to exactly this view",
        type="button",
        **{"data-classroom": "copy-link", "aria-live": "polite"},
    )


def classroom_panel() -> html.Div:
    """The "Classroom link…" button and its (initially hidden) panel."""
    return html.Div(
        [
            html.Button(
                "Classroom link…",
                id="classroom-link-toggle",
                className="nav-tool",
                title="Build a link that hides chosen controls",
                type="button",
                **{
                    "data-classroom": "panel-toggle",
                    "aria-expanded": "false",
                    "aria-controls": "classroom-panel",
                },
            ),
            html.Div(
                [
                    html.Div("Link for students", className="panel-title"),
                    html.P(
                        "Tick the controls to hide on the students' screens.",
                        className="small muted",
                    ),
                    # classroom.js fills these: one checkbox per group, the presentation
                    # option and the read-only link (plain inputs: no Dash state involved).
                    html.Div(id="classroom-groups", className="classroom-groups"),
                    html.Div(id="classroom-form", className="classroom-form"),
                    html.Div(
                        [
                            html.Button(
                                "Copy classroom link",
                                id="classroom-copy",
                                type="button",
                                className="primary",
                                **{"data-classroom": "copy-classroom-link"},
                            ),
                            html.A(
                                "Preview",
                                id="classroom-preview",
                                href="#",
                                target="_blank",
                                rel="noopener",
                                className="classroom-preview",
                            ),
                        ],
                        className="classroom-actions",
                    ),
                ],
                id="classroom-panel",
                className="classroom-panel",
                hidden=True,
                role="dialog",
                **{"aria-label": "Classroom link"},
            ),
        ],
        className="classroom-link",
    )
