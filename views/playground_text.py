"""The network playground's explanatory text for given settings: the initialization, the
activation and the optimizer's update rule as KaTeX (components/tex.py), the comparison's scheme
cards and the message list."""

from __future__ import annotations

from dash import html

from components.playground_figures import SCHEME_COLORS
from components.tex import math_inline, math_paragraphs, tex
from playground import (
    ACTIVATIONS,
    BIAS_INIT_LATEX,
    DEMO_INIT_IDS,
    INIT_SCHEMES,
    OPTIMIZERS,
    SCHEDULES,
    init_latex,
)
from settings.fields import format_float
from settings.playground import PlaygroundSettings


def init_info(settings: PlaygroundSettings) -> list:
    scheme = INIT_SCHEMES[settings.config.init]
    latex = init_latex(scheme.id, settings.config.init_scale)
    scale = ""
    if scheme.adjustable:
        scale = f" Scale $s = {format_float(settings.init_scale)}$."
    return [
        html.Div(tex(f"{latex}, \\qquad {BIAS_INIT_LATEX}", display=True)),
        html.P(math_inline(f"**{scheme.title}.** {scheme.note}{scale}")),
    ]


def activation_info(settings: PlaygroundSettings) -> list:
    activation = ACTIVATIONS[settings.config.activation]
    return math_paragraphs(
        f"Hidden neurons: ${activation.latex}$. Output: "
        r"$\hat y = \sigma(z) = \frac{1}{1 + e^{-z}}$, loss: binary cross-entropy."
    )


def optimizer_info(settings: PlaygroundSettings) -> list:
    spec = OPTIMIZERS[settings.config.optimizer]
    schedule = SCHEDULES[settings.config.schedule]
    return [
        html.P(
            math_inline(f"**{spec.title}**, with $g_t = \\nabla R(\\theta_t)$ on each minibatch:")
        ),
        *[html.Div(tex(line, display=True)) for line in spec.latex],
        html.P("Learning rate:"),
        html.Div(tex(schedule.latex, display=True)),
        *math_paragraphs(spec.note),
    ]


def scheme_cards() -> html.Div:
    cards = []
    for scheme_id in DEMO_INIT_IDS:
        scheme = INIT_SCHEMES[scheme_id]
        cards.append(
            html.Div(
                [
                    html.H3(scheme.title),
                    html.Div(
                        [
                            html.Div(
                                tex(f"{init_latex(scheme_id)}, \\quad {BIAS_INIT_LATEX}", True)
                            ),
                            html.P(scheme.note),
                        ],
                        className="pg-math small",
                    ),
                ],
                className=f"pg-scheme-card pg-scheme-{scheme_id}",
                style={"borderTopColor": SCHEME_COLORS[scheme_id]},
            )
        )
    return html.Div(cards, className="pg-scheme-cards")


def message_list(messages: list[str]) -> list:
    return [html.Ul([html.Li(m) for m in messages])] if messages else []
