"""Home page: what the tool is, a way into each page, and a gallery of scenario presets
(views/gallery.py: links built from the pages' settings objects, sentences checked by
tests/test_urls_gallery.py)."""

from __future__ import annotations

import dash
from dash import dcc, html

from serving.api.thumbnails import thumbnails_url
from views.gallery import (
    LAB_PATH,
    LR_RANGE_PATH,
    NETWORK_PATH,
    PLAYGROUND_PATH,
    SGD_PATH,
    SKIER_PATH,
    scenarios,
)

dash.register_page(__name__, path="/", name="Home", title="Loss Landscape Lab", order=0)


# ---- layout -----------------------------------------------------------------------------------
def _card(
    title: str,
    href: str,
    text: str,
    badge: str | None = None,
    thumb: str | None = None,
    **attrs: str,
) -> dcc.Link:
    children = [html.H3(title), html.P(text)]
    if badge:
        children.insert(0, html.Span(badge, className="card-badge"))
    if thumb:  # the scenario's own picture, drawn by assets/home/thumbnails.js
        children.insert(0, html.Canvas(className="card-thumb", **{"data-thumb": thumb}))
    card = html.Div(children, className="card", **attrs)
    return dcc.Link(card, href=href, className="card-link")


def _classroom_help() -> html.Div:
    return html.Div(
        [
            html.H2("For the lecture hall"),
            html.Ul(
                [
                    html.Li(
                        [
                            html.B("Share a view: "),
                            "every page keeps its settings in the address bar; ",
                            html.I("Copy link"),
                            " in the top bar copies it.",
                        ]
                    ),
                    html.Li(
                        [
                            html.B("Hide controls: "),
                            html.I("Classroom link…"),
                            " builds a link with ",
                            html.Code("hide=<groups>"),
                            " that hides the chosen control groups for students.",
                        ]
                    ),
                    html.Li(
                        [
                            html.B("Project it: "),
                            html.I("Present"),
                            " (or ",
                            html.Kbd("P"),
                            ", or ",
                            html.Code("present=1"),
                            " in a link) enlarges text, lines and plots; ",
                            html.Kbd("?"),
                            " lists the keys: ",
                            html.Kbd("Space"),
                            " play/pause, ",
                            html.Kbd("→"),
                            " / ",
                            html.Kbd("←"),
                            " step, ",
                            html.Kbd("R"),
                            " reset, ",
                            html.Kbd("E"),
                            " end, ",
                            html.Kbd("F"),
                            " full-screen plot.",
                        ]
                    ),
                ],
                className="classroom-help",
            ),
        ],
        className="panel home-help",
    )


def layout(**_query: str) -> html.Div:
    badges = {
        LAB_PATH: "Optimizer lab",
        PLAYGROUND_PATH: "Network playground",
        NETWORK_PATH: "Loss landscape",
        LR_RANGE_PATH: "LR range test",
        SKIER_PATH: "Skier",
        SGD_PATH: "SGD vs batch",
    }
    return html.Div(
        [
            html.H1("How neural networks are trained, seen"),
            html.P(
                "Watch optimizers walk down cost landscapes, and a small network learn from good "
                "and bad initializations. Everything runs on this server; share any view by its "
                "link.",
                className="lead",
            ),
            html.Div(
                [
                    _card(
                        "Optimizer lab",
                        LAB_PATH,
                        "GD, momentum, Nesterov, Adagrad, RMSprop, AdaDelta, Adam, AdamW, Lion "
                        "and Lookahead on 2-D cost surfaces, side by side (one rule in several "
                        "rows too), with learning-rate schedules and a stability check.",
                    ),
                    _card(
                        "Network playground",
                        PLAYGROUND_PATH,
                        "Train a small MLP from zero, too-small, appropriate and too-large "
                        "initializations; watch weights, gradients and the decision boundary.",
                    ),
                    _card(
                        "Network loss landscape",
                        NETWORK_PATH,
                        "The playground network's loss around its trained weights along "
                        "filter-normalized or PCA directions (Li et al.), with the training "
                        "path, 1-D slices as minibatches see them, and θ₀ → θ*.",
                    ),
                    _card(
                        "Learning-rate range test",
                        LR_RANGE_PATH,
                        "Train the playground's network while its learning rate grows from "
                        "10⁻⁷ to 10 and read a good rate off the loss curve (fastai's lr_find).",
                    ),
                    _card(
                        "The skier",
                        SKIER_PATH,
                        "A network with one parameter: the lab's optimizers ski down 1-D loss "
                        "curves, moving against the derivative; one finds the better valley "
                        "beyond the hill.",
                    ),
                    _card(
                        "SGD, minibatch, full batch",
                        SGD_PATH,
                        "One regression line fitted three ways over the (w, b) landscape: many "
                        "noisy steps, a few, or one accurate step per epoch.",
                    ),
                ],
                className="card-grid",
            ),
            html.H2("Scenarios", className="gallery-title"),
            html.P(
                "Each card opens a page set up to show one thing from the lectures.",
                className="muted",
            ),
            html.Div(
                [
                    _card(
                        s.title,
                        s.href,
                        s.sentence,
                        badges[s.path],
                        thumb=s.id,
                        **{"data-scenario": s.id},
                    )
                    for s in scenarios()
                ],
                className="card-grid scenario-grid",
                id="scenario-gallery",
                **{"data-thumbnails": thumbnails_url()},
            ),
            _classroom_help(),
        ],
        className="home",
    )
