"""The learning-rate range test page's frame: the ramp's three boxes (each with its message
beside it), the network it tests, what it found and an empty chart container the browser
draws into (assets/lr_range/)."""

from __future__ import annotations

from dash import dcc, html

from components.number_box import number_box
from components.tex import math_paragraphs

FIELD_HELP = {
    "lrstart": "the first step's rate",
    "lrend": "the last step's rate",
    "lrsteps": "one epoch each",
}

EXPLANATION = (
    "Leslie Smith's test, as fastai's lr_find runs it: train the network from its "
    "initialization while the learning rate grows exponentially, "
    "$\\eta_i = \\eta_{\\text{start}}\\,(\\eta_{\\text{end}} / \\eta_{\\text{start}})^{i/N}$, "
    "and plot the loss. The loss first barely moves (η too small), then falls, then explodes "
    "(η too large). The line is the debiased moving average "
    "$\\hat s_i = s_i / (1 - \\beta^{i+1})$, $s_i = \\beta s_{i-1} + (1-\\beta) L_i$, "
    "$\\beta = 0.98$; the test stops once it exceeds 4 × its best.\n\n"
    "Two suggestions, fastai's: the rate where the smoothed loss falls fastest per decade "
    "(**steepest**), and a tenth of the rate at its lowest point (**minimum ÷ 10**), both read "
    "after the first tenth of the steps and before the last five. Here a step is one epoch: "
    "with full batch one update, with minibatches the rate still grows every update and the "
    "loss is the whole training set's at the start of the epoch."
)


def field_box(key: str, label: str, value: str) -> html.Div:
    """One labelled box with its help and the place its message appears."""
    return html.Div(
        [
            html.Label(label, htmlFor=f"lr-{key}", className="lr-label"),
            number_box(f"lr-{key}", value, "lr-input", debounce=True),
            html.Span(FIELD_HELP[key], className="muted lr-help"),
            html.Div(id=f"lr-msg-{key}", className="field-message", role="alert"),
        ],
        className="lr-field",
    )


def page_frame(
    fields: list[tuple[str, str, str]], summary: str, playground_href: str, messages: list
) -> list:
    """The page's children: `fields` are (key, label, value) of the ramp's boxes."""
    return [
        html.Div(
            [
                html.H1("Learning-rate range test"),
                html.P(
                    "Train while cranking up the learning rate and plot the loss: the rate "
                    "where it falls fastest is a good one to train with.",
                    className="muted lr-lead",
                ),
            ],
            className="lr-intro",
        ),
        html.Div(messages, id="lr-messages", className="messages", role="status"),
        html.Div(
            [
                html.Div(
                    [
                        html.H2("The ramp"),
                        *[field_box(key, label, value) for key, label, value in fields],
                        html.H2("The network"),
                        html.P(summary, id="lr-network", className="lr-network"),
                        dcc.Link(
                            "Change the network in the playground →",
                            href=playground_href,
                            id="lr-playground-link",
                            className="lr-playground-link",
                        ),
                    ],
                    className="panel lr-controls",
                ),
                html.Div(
                    [
                        html.Div(
                            id="lr-fetch-error",
                            className="lr-fetch-error",
                            hidden=True,
                            role="status",
                        ),
                        html.Div(
                            html.Div(className="plot-area"),
                            id="lr-chart",
                            className="lr-chart",
                            **{"data-present-style": "self"},
                        ),
                        html.Div(id="lr-found", className="lr-found", role="status"),
                        html.Div(math_paragraphs(EXPLANATION), className="muted lr-explain"),
                    ],
                    className="panel lr-main",
                ),
            ],
            className="lr-layout",
        ),
    ]
