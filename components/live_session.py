"""The live session's pieces of the app shell: the "Live session" button and the session bar.

Dash only renders the empty elements (they live in the shell, so a page change keeps them);
assets/live/ fills and drives them in the browser: the instructor's code, QR code and
question buttons, a follower's Follow / Detach and answer buttons, and the revealed answers.
"""

from __future__ import annotations

from dash import html


def live_session_button() -> html.Button:
    """Starts a session (the instructor), or shows / hides the bar once one runs."""
    return html.Button(
        "Live session",
        id="live-toggle",
        className="nav-tool",
        title="Start a live session: the class follows this page and answers questions",
        type="button",
        **{"data-live": "toggle", "aria-expanded": "false", "aria-controls": "live-bar"},
    )


def live_session_bar() -> html.Aside:
    """The bar assets/live/bar.js fills: heading, code, QR, actions, question, answers."""
    return html.Aside(
        [
            html.Div(
                [
                    html.Span("Live session", className="live-title"),
                    html.B(id="live-code", className="live-code"),
                    html.Span(id="live-status", className="live-status", role="status"),
                ],
                className="live-head",
            ),
            html.Div(
                [
                    html.Img(id="live-qr", className="live-qr", alt="QR code of the join link"),
                    html.Div(id="live-join", className="live-join small"),
                ],
                id="live-share",
                className="live-share",
                hidden=True,
            ),
            html.Div(id="live-actions", className="live-actions"),
            html.Div(id="live-question", className="live-question", hidden=True),
            html.Div(id="live-reveal", className="live-reveal", hidden=True),
        ],
        id="live-bar",
        className="live-bar",
        hidden=True,
        **{"aria-label": "Live session"},
    )
