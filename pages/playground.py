"""Network playground: train a small MLP on 2-D data and watch it learn (or not).

Thin glue: controls → `PlaygroundSettings` (validated) → small JSON in dcc.Stores: the
canonical query, the cache key, labels and `"fetch": [run URL]`. The browser GETs that URL
(serving/api/playground.py trains the run once per shared cache and sends its numbers as one
binary container) and draws everything itself (assets/playground/*.js): the decision boundary
and activation maps from its own forward pass, the ∂L/∂W views from its own backward pass,
every epoch a frame, no request while playing. The comparison tab fetches the four schemes of
the lecture's demo (Zero / Too small / Appropriate / Too large) trained side by side, only
while it is open. The URL always holds the page's state: controls via the settings object,
the view (weights or gradients, test points, tab, pinned neuron) appended in the browser.
"""

from __future__ import annotations

from typing import Any

import dash
from dash import (
    ClientsideFunction,
    Input,
    Output,
    State,
    callback,
    clientside_callback,
    ctx,
    dcc,
    html,
    no_update,
)
from dash.exceptions import PreventUpdate
from flask import has_request_context

from components.playground_controls import (
    COMPARE_PLAYER,
    PLAYER,
    Choice,
    ControlOptions,
    Param,
    RuleOptions,
    control_id,
    controls_panel,
    graph,
    hp_id,
    link_legend,
    node_legend,
    playback_bar,
    sp_id,
    stats_block,
    tab_toggle,
    view_toggle,
)
from components.playground_figures import SCHEME_COLORS, drawing_spec
from components.playground_network import node_legend_items
from components.tex import math_inline, math_paragraphs, tex
from playground import (
    ACTIVATIONS,
    BIAS_INIT_LATEX,
    DATASETS,
    DEMO_INIT_IDS,
    INIT_SCHEMES,
    OPTIMIZERS,
    SCHEDULES,
    init_latex,
)
from serving.api.playground import compare_url, run_url
from settings.fields import format_float
from settings.playground import (
    CHOICE_FIELDS,
    NUMERIC_FIELDS,
    PlaygroundSettings,
    from_controls,
    from_layout_kwargs,
    from_query,
)

dash.register_page(
    __name__,
    path="/playground",
    name="Network playground",
    title="Network playground · Loss Landscape Lab",
    order=2,
)

# Flat keys of the controls that are free text (marked invalid in place when rejected).
TEXT_KEYS = (*(f.key for f in NUMERIC_FIELDS), "hidden", "scale", "batch")
CONTROL_KEYS = tuple(f.key for f in CHOICE_FIELDS) + TEXT_KEYS
HP_CONTROLS = tuple((o.id, p.name) for o in OPTIMIZERS.values() for p in o.rule_hyperparameters)
SP_CONTROLS = tuple((s.id, p.name) for s in SCHEDULES.values() for p in s.parameters)
CLIENT = "lossvizPlayground"  # window.dash_clientside namespace of assets/playground/main.js


# ---- metadata for the components (plain data, no engine objects) ------------------------------


def control_options() -> ControlOptions:
    def params(parameters) -> tuple[Param, ...]:
        return tuple(
            Param(
                p.name,
                p.label,
                p.latex,
                p.default,
                p.minimum,
                p.maximum,
                tuple((c, OPTIMIZERS[c].title) for c in getattr(p, "choices", ())),
            )
            for p in parameters
        )

    ranges = {f.key: f.bounds for f in NUMERIC_FIELDS}
    return ControlOptions(
        datasets=tuple(Choice(d.id, d.title) for d in DATASETS.values()),
        activations=tuple(Choice(a.id, a.title) for a in ACTIVATIONS.values()),
        inits=tuple(Choice(s.id, s.title) for s in INIT_SCHEMES.values()),
        optimizers=tuple(
            RuleOptions(o.id, o.title, params(o.rule_hyperparameters)) for o in OPTIMIZERS.values()
        ),
        schedules=tuple(
            RuleOptions(s.id, s.title, params(s.parameters)) for s in SCHEDULES.values()
        ),
        ranges=ranges,
    )


def control_values(settings: PlaygroundSettings) -> dict[str, str]:
    """The text every control shows, including the parameters of rules not selected now."""
    flat = settings.to_flat()
    values = {key: flat.get(key, "") for key in CONTROL_KEYS}
    config = settings.config
    for optimizer_id, name in HP_CONTROLS:
        parameter = OPTIMIZERS[optimizer_id]
        hyper = parameter.hyperparameter(name)
        value = hyper.default
        if optimizer_id == config.optimizer:
            value = settings.optimizer_value(name)
        values[f"hp.{optimizer_id}.{name}"] = (
            hyper.choice_id(value) if hyper.is_choice else format_float(value)
        )
    for schedule_id, name in SP_CONTROLS:
        value = next(p.default for p in SCHEDULES[schedule_id].parameters if p.name == name)
        if schedule_id == config.schedule:
            value = settings.schedule_value(name)
        values[f"sp.{schedule_id}.{name}"] = format_float(value)
    return values


def run_store(settings: PlaygroundSettings) -> dict[str, Any]:
    """What the browser needs to fetch and label one run (a few hundred bytes)."""
    activation = ACTIVATIONS[settings.config.activation]
    return {
        "kind": "run",
        "key": settings.cache_key(),
        "fetch": [run_url(settings)],
        "layers": list(settings.config.layer_sizes),
        "activation": activation.id,
        "activationTitle": activation.title,
        "plannedEpochs": int(settings.config.epochs),
    }


def compare_store(settings: PlaygroundSettings) -> dict[str, Any]:
    """What the browser needs to fetch and label the four-scheme comparison."""
    return {
        "kind": "compare",
        "key": settings.compare_cache_key(),
        "fetch": [compare_url(settings)],
        "schemes": [
            {"id": s, "title": INIT_SCHEMES[s].title, "color": SCHEME_COLORS[s]}
            for s in DEMO_INIT_IDS
        ],
        "plannedEpochs": int(settings.config.epochs),
    }


def query_store(settings: PlaygroundSettings) -> dict[str, Any]:
    return {"train": settings.to_query(view=False), "key": settings.cache_key()}


# ---- explanatory text (KaTeX in the browser: components/tex.py) ---------------------------------


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


def _messages(messages: list[str]) -> list:
    return [html.Ul([html.Li(m) for m in messages])] if messages else []


# ---- layout -----------------------------------------------------------------------------------


def layout(**query: Any) -> html.Div:
    settings, messages, _ = from_layout_kwargs(query)
    values = control_values(settings)
    activation = ACTIVATIONS[settings.config.activation]
    # The page's first run is named right here, so the browser starts fetching it as soon as
    # the layout arrives (the first training callback then finds it current and sends nothing).
    first_run: dict[str, Any] | None = run_store(settings) if has_request_context() else None
    stored_query = query_store(settings) if first_run else {"train": "", "key": None}
    train_panel = html.Div(
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
                                    view_toggle(settings.view),
                                ],
                                className="pg-panel-head",
                            ),
                            html.Div(
                                node_legend(node_legend_items(activation.id, activation.title)),
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
                            "data-view": settings.view,
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
                                        value=["on"] if settings.show_test else [],
                                        className="pg-check",
                                    ),
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
                            "data-test": "on" if settings.show_test else "off",
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
    compare_panel = html.Div(
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
            scheme_cards(),
        ],
        id="pg-compare-panel",
        className="pg-tab-panel pg-tab-compare",
    )
    return html.Div(
        [
            dcc.Location(id="pg-url", refresh=False),
            dcc.Store(id="pg-spec", data=drawing_spec()),
            dcc.Store(id="pg-run", data=first_run),
            dcc.Store(id="pg-query", data=stored_query),
            dcc.Store(id="pg-url-messages", data=messages),
            dcc.Store(id="pg-neuron", data=settings.neuron),
            dcc.Store(id="pg-cmp"),
            dcc.Store(id="pg-cmp-key"),
            html.Div(id="pg-sync", hidden=True),
            html.Div(
                [
                    html.H1("Network playground"),
                    html.P(
                        "Choose data, a network and how its weights start; it trains as soon as "
                        "you change something. Press play to watch the weights, the gradients "
                        "and the decision boundary evolve, every epoch.",
                        className="muted pg-lead",
                    ),
                ],
                className="pg-intro",
            ),
            html.Div(_messages(messages), id="pg-messages", className="messages", role="status"),
            html.Div(
                [
                    controls_panel(
                        values,
                        control_options(),
                        {
                            "act": activation_info(settings),
                            "init": init_info(settings),
                            "opt": optimizer_info(settings),
                        },
                    ),
                    html.Div(
                        [
                            html.Div(tab_toggle(settings.tab), className="pg-tabbar"),
                            html.Div(
                                [train_panel, compare_panel],
                                id="pg-body",
                                className="pg-body",
                                **{"data-tab": settings.tab, "data-neuron": settings.neuron},
                            ),
                        ],
                        className="pg-main",
                    ),
                ],
                className="pg-layout",
            ),
        ],
        className="pg-page",
    )


# ---- callbacks --------------------------------------------------------------------------------


def _input_class(invalid: bool, base: str = "pg-input") -> str:
    return f"{base} invalid" if invalid else base


# The hyperparameters shown as dropdowns (Lookahead's inner rule), whose class is "pg-choice".
CHOICE_HPS = frozenset(
    (o.id, p.name) for o in OPTIMIZERS.values() for p in o.rule_hyperparameters if p.is_choice
)


@callback(
    output={
        "run": Output("pg-run", "data"),
        "query": Output("pg-query", "data"),
        "messages": Output("pg-messages", "children"),
        "classes": {key: Output(control_id(key), "className") for key in TEXT_KEYS},
        "hp_classes": {f"{o}.{n}": Output(hp_id(o, n), "className") for o, n in HP_CONTROLS},
        "sp_classes": {f"{s}.{n}": Output(sp_id(s, n), "className") for s, n in SP_CONTROLS},
        "scale": Output(control_id("scale"), "value"),
        "scale_placeholder": Output(control_id("scale"), "placeholder"),
        "scale_disabled": Output(control_id("scale"), "disabled"),
        "init_info": Output("pg-init-info", "children"),
        "act_info": Output("pg-act-info", "children"),
        "opt_info": Output("pg-opt-info", "children"),
        "legend": Output("pg-node-legend", "children"),
    },
    inputs={
        "values": {key: Input(control_id(key), "value") for key in CONTROL_KEYS},
        "hp": {f"{o}.{n}": Input(hp_id(o, n), "value") for o, n in HP_CONTROLS},
        "sp": {f"{s}.{n}": Input(sp_id(s, n), "value") for s, n in SP_CONTROLS},
    },
    state={
        "stored": State("pg-query", "data"),
        "url_messages": State("pg-url-messages", "data"),
    },
)
def train_on_change(
    values: dict[str, Any],
    hp: dict[str, Any],
    sp: dict[str, Any],
    stored: Any,
    url_messages: Any,
) -> dict[str, Any]:
    """Any control change: validate, and name the run to fetch (the GET trains it, cached)."""
    stored = stored if isinstance(stored, dict) else {}
    previous, _, _ = from_query(stored.get("train") if isinstance(stored.get("train"), str) else "")
    raw: dict[str, Any] = dict(values)
    optimizer, schedule = raw.get("opt"), raw.get("sched")
    for (optimizer_id, name), value in zip(HP_CONTROLS, hp.values(), strict=True):
        if optimizer_id == optimizer:
            raw[f"hp.{name}"] = value
    for (schedule_id, name), value in zip(SP_CONTROLS, sp.values(), strict=True):
        if schedule_id == schedule:
            raw[f"sp.{name}"] = value
    scheme_changed = f"{control_id('init')}.value" in ctx.triggered_prop_ids
    if scheme_changed:
        raw.pop("scale", None)  # a new scheme starts from its own scale
    result = from_controls(raw, previous)
    settings = result.settings
    messages = list(result.messages)
    if ctx.triggered_id is None and isinstance(url_messages, list):
        messages = [str(m) for m in url_messages] + messages

    changed = settings.cache_key() != stored.get("key")
    invalid = result.invalid
    scheme = INIT_SCHEMES[settings.config.init]
    activation = ACTIVATIONS[settings.config.activation]
    return {
        "run": run_store(settings) if changed else no_update,
        "query": query_store(settings) if changed else no_update,
        "messages": _messages(messages),
        "classes": {key_: _input_class(key_ in invalid) for key_ in TEXT_KEYS},
        "hp_classes": {
            f"{o}.{n}": _input_class(
                o == optimizer and f"hp.{n}" in invalid,
                "pg-choice" if (o, n) in CHOICE_HPS else "pg-input",
            )
            for o, n in HP_CONTROLS
        },
        "sp_classes": {
            f"{s}.{n}": _input_class(s == schedule and f"sp.{n}" in invalid) for s, n in SP_CONTROLS
        },
        "scale": "" if scheme_changed else no_update,
        "scale_placeholder": f"{scheme.default_scale:g}" if scheme.adjustable else "fixed",
        "scale_disabled": not scheme.adjustable,
        "init_info": init_info(settings),
        "act_info": activation_info(settings),
        "opt_info": optimizer_info(settings),
        "legend": node_legend(node_legend_items(activation.id, activation.title)),
    }


@callback(
    Output("pg-cmp", "data"),
    Output("pg-cmp-key", "data"),
    Input("pg-tab", "value"),
    Input("pg-query", "data"),
    State("pg-cmp-key", "data"),
)
def compare_on_open(tab: Any, stored: Any, loaded: Any) -> tuple[Any, Any]:
    """The comparison is fetched only while its tab is open (and only when settings change)."""
    if tab != "compare" or not isinstance(stored, dict) or not stored.get("key"):
        raise PreventUpdate
    settings, messages, _ = from_query(
        stored.get("train") if isinstance(stored.get("train"), str) else ""
    )
    if messages:  # only the page's own canonical query belongs here
        raise PreventUpdate
    key = settings.compare_cache_key()
    if key == loaded:
        raise PreventUpdate
    return compare_store(settings), key


# ---- browser-side glue (assets/playground/main.js): no server round-trip ------------------------

clientside_callback(
    ClientsideFunction(CLIENT, "loadRun"),
    Output("pg-train-panel", "data-run"),
    Input("pg-run", "data"),
    State("pg-spec", "data"),
)
# The layout names the page's first run: fetch it at once, without waiting for the first
# training callback (which finds it current and leaves pg-run as it is).
clientside_callback(
    ClientsideFunction(CLIENT, "loadFirstRun"),
    Output("pg-sync", "data-run"),
    Input("pg-spec", "data"),
    State("pg-run", "data"),
)
clientside_callback(
    ClientsideFunction(CLIENT, "loadCompare"),
    Output("pg-compare-panel", "data-run"),
    Input("pg-cmp", "data"),
    State("pg-spec", "data"),
)
clientside_callback(
    ClientsideFunction(CLIENT, "setView"),
    Output("pg-network-panel", "data-view"),
    Input("pg-view", "value"),
)
clientside_callback(
    ClientsideFunction(CLIENT, "setShowTest"),
    Output("pg-output-panel", "data-test"),
    Input("pg-show-test", "value"),
)
clientside_callback(
    ClientsideFunction(CLIENT, "setTab"),
    Output("pg-body", "data-tab"),
    Input("pg-tab", "value"),
)
clientside_callback(
    ClientsideFunction(CLIENT, "showRuleParams"),
    Output("pg-sync", "title"),
    Input(control_id("opt"), "value"),
    Input(control_id("sched"), "value"),
)
clientside_callback(
    ClientsideFunction(CLIENT, "urlSearch"),
    Output("pg-url", "search"),
    Input("pg-query", "data"),
    Input("pg-view", "value"),
    Input("pg-show-test", "value"),
    Input("pg-tab", "value"),
    Input("pg-neuron", "data"),
)
