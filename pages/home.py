"""Home page: what the tool is, and a way into each page."""

from __future__ import annotations

import dash
from dash import dcc, html

dash.register_page(__name__, path="/", name="Home", title="Loss Landscape Lab", order=0)


def _card(title: str, href: str, text: str) -> dcc.Link:
    return dcc.Link(
        html.Div([html.H3(title), html.P(text)], className="card"),
        href=href,
        className="card-link",
    )


layout = html.Div(
    [
        html.H1("How neural networks are trained, seen"),
        html.P(
            "Watch optimizers walk down cost landscapes, and a small network learn from good "
            "and bad initializations. Everything runs on this server; share any view by its link.",
            className="lead",
        ),
        html.Div(
            [
                _card(
                    "Optimizer lab",
                    "/optimizers",
                    "GD, Momentum, Nesterov, Adagrad, RMSprop and Adam on 2-D cost surfaces, "
                    "with learning-rate schedules.",
                ),
                _card(
                    "Network playground",
                    "/playground",
                    "Train a small MLP from zero, too-small, appropriate and too-large "
                    "initializations; watch weights, gradients and the decision boundary.",
                ),
            ],
            className="card-grid",
        ),
    ],
    className="home",
)
