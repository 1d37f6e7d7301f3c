"""/join?code=XXXXX: a student joins a live session (the QR code opens this page).

With a code in the address assets/live/session.js joins at once and opens the instructor's
page; without one (or a wrong one) the student types the code here.
"""

from __future__ import annotations

import dash
from dash import dcc, html

dash.register_page(
    __name__, path="/join", name="Join a live session", title="Join a live session", nav=False
)


def layout(**_query: str) -> html.Div:
    return html.Div(
        html.Div(
            [
                html.H1("Join a live session"),
                html.P(
                    "Type the five letters shown on the instructor's screen. Your page will "
                    "follow theirs; press Detach to explore on your own.",
                    className="muted",
                ),
                html.Form(
                    [
                        html.Label(
                            [
                                html.Span("Session code", className="sr-only"),
                                dcc.Input(
                                    id="live-join-code",
                                    className="live-join-code",
                                    type="text",
                                    name="code",
                                    maxLength=5,
                                    autoComplete="off",
                                    placeholder="KTRWM",
                                    debounce=True,
                                ),
                            ]
                        ),
                        html.Button("Join", type="submit", className="primary"),
                    ],
                    id="live-join-form",
                    className="live-join-form",
                ),
                html.P(id="live-join-message", className="live-join-message", role="status"),
            ],
            className="live-join-card",
        ),
        className="live-join-page",
    )
