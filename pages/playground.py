"""Network playground: train a small MLP on 2-D data and watch it learn (or not).

Thin glue: controls → `PlaygroundSettings` (validated) → cached engine run → components'
figures + per-frame arrays in one dcc.Store → assets/playground.js plays it back in the browser
(no request while playing). The comparison tab trains the four schemes of the lecture's demo
(Zero / Too small / Appropriate / Too large) side by side in one engine call, when opened.
The URL always holds the page's state: controls via the settings object, the view (weights or
gradients, test points, tab, pinned neuron) appended in the browser.
"""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, State, callback, clientside_callback, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

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
    plotly_loader,
    sp_id,
    stats_block,
    tab_toggle,
    view_toggle,
)
from components.playground_network import node_legend_items
from components.playground_payload import RunArrays, compare_payload, run_payload
from playground import (
    ACTIVATIONS,
    BIAS_INIT_LATEX,
    DATASETS,
    DEMO_INIT_IDS,
    INIT_SCHEMES,
    OPTIMIZERS,
    SCHEDULES,
    ConfigError,
    PlaygroundRun,
    init_latex,
    train,
    train_inits,
)
from playground.activations import ELU_ALPHA, LEAKY_RELU_SLOPE
from serving.cache import get_or_compute
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


# ---- metadata for the components (plain data, no engine objects) ------------------------------


def control_options() -> ControlOptions:
    def params(parameters) -> tuple[Param, ...]:
        return tuple(
            Param(p.name, p.label, p.latex, p.default, p.minimum, p.maximum) for p in parameters
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
        value = next(p.default for p in parameter.rule_hyperparameters if p.name == name)
        if optimizer_id == config.optimizer:
            value = settings.optimizer_value(name)
        values[f"hp.{optimizer_id}.{name}"] = format_float(value)
    for schedule_id, name in SP_CONTROLS:
        value = next(p.default for p in SCHEDULES[schedule_id].parameters if p.name == name)
        if schedule_id == config.schedule:
            value = settings.schedule_value(name)
        values[f"sp.{schedule_id}.{name}"] = format_float(value)
    return values


def run_arrays(run: PlaygroundRun) -> RunArrays:
    """The engine's run as the components' plain arrays."""
    config = run.config
    data = run.dataset
    return RunArrays(
        layer_sizes=tuple(int(n) for n in config.layer_sizes),
        activation_id=config.activation,
        activation_title=ACTIVATIONS[config.activation].title,
        keep_prob=float(config.keep_prob),
        planned_epochs=int(config.epochs),
        epochs=run.epochs,
        train_loss=run.train_loss,
        test_loss=run.test_loss,
        train_accuracy=run.train_accuracy,
        test_accuracy=run.test_accuracy,
        learning_rate=run.learning_rate,
        weight_norms=run.weight_norms,
        grad_norms=run.grad_norms,
        snapshot_epochs=run.snapshot_epochs,
        weights=run.weights,
        biases=run.biases,
        weight_grads=run.weight_grads,
        boundary=run.boundary_uint8(),
        grid_x=run.grid_x,
        grid_y=run.grid_y,
        x_train=data.x_train,
        y_train=data.y_train,
        x_test=data.x_test,
        y_test=data.y_test,
        box=data.box,
        diverged_at=run.diverged_at,
        activation_params=(("leakySlope", LEAKY_RELU_SLOPE), ("eluAlpha", ELU_ALPHA)),
    )


def compute_run(settings: PlaygroundSettings) -> dict[str, Any]:
    """The whole playback of `settings` (cached by its canonical key)."""
    key = settings.cache_key()
    return get_or_compute(
        "payload:" + key, lambda: run_payload(run_arrays(train(settings.config)), key)
    )


def compute_comparison(settings: PlaygroundSettings) -> dict[str, Any]:
    """The four demo schemes trained side by side (one engine call, cached)."""
    key = settings.compare_cache_key()

    def compute() -> dict[str, Any]:
        runs = train_inits(settings.config, DEMO_INIT_IDS)
        schemes = [(scheme, INIT_SCHEMES[scheme].title) for scheme in DEMO_INIT_IDS]
        return compare_payload(schemes, [run_arrays(runs[s]) for s, _ in schemes], key)

    return get_or_compute("payload:" + key, compute)


# ---- explanatory text -------------------------------------------------------------------------


def init_markdown(settings: PlaygroundSettings) -> str:
    scheme = INIT_SCHEMES[settings.config.init]
    latex = init_latex(scheme.id, settings.config.init_scale)
    scale = ""
    if scheme.adjustable:
        scale = f" Scale $s = {format_float(settings.init_scale)}$."
    return f"$${latex}, \\qquad {BIAS_INIT_LATEX}$$\n\n**{scheme.title}.** {scheme.note}{scale}"


def activation_markdown(settings: PlaygroundSettings) -> str:
    activation = ACTIVATIONS[settings.config.activation]
    return (
        f"Hidden neurons: ${activation.latex}$. Output: "
        r"$\hat y = \sigma(z) = \frac{1}{1 + e^{-z}}$, loss: binary cross-entropy."
    )


def optimizer_markdown(settings: PlaygroundSettings) -> str:
    spec = OPTIMIZERS[settings.config.optimizer]
    schedule = SCHEDULES[settings.config.schedule]
    lines = "\n".join(f"$${line}$$" for line in spec.latex)
    return (
        f"**{spec.title}**, with $g_t = \\nabla R(\\theta_t)$ on each minibatch:\n\n{lines}\n\n"
        f"Learning rate: $${schedule.latex}$$\n\n{spec.note}"
    )


def scheme_cards() -> html.Div:
    cards = []
    for scheme_id in DEMO_INIT_IDS:
        scheme = INIT_SCHEMES[scheme_id]
        cards.append(
            html.Div(
                [
                    html.H3(scheme.title),
                    dcc.Markdown(
                        f"$${init_latex(scheme_id)}, \\quad {BIAS_INIT_LATEX}$$\n\n{scheme.note}",
                        mathjax=True,
                        className="pg-math small",
                    ),
                ],
                className=f"pg-scheme-card pg-scheme-{scheme_id}",
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
    train_panel = html.Div(
        [
            html.Div(
                [
                    playback_bar(PLAYER),
                    dcc.Loading(
                        dcc.Store(id="pg-run"),
                        type="circle",
                        delay_show=200,
                        className="pg-loading",
                        parent_className="pg-loading-wrap",
                    ),
                    html.Div(id="pg-diverged", className="pg-diverged", hidden=True),
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
                    dcc.Loading(
                        dcc.Store(id="pg-cmp"),
                        type="circle",
                        delay_show=200,
                        className="pg-loading",
                        parent_className="pg-loading-wrap",
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
            dcc.Store(id="pg-query", data={"train": settings.to_query(view=False), "key": None}),
            dcc.Store(id="pg-url-messages", data=messages),
            dcc.Store(id="pg-neuron", data=settings.neuron),
            dcc.Store(id="pg-cmp-key"),
            html.Div(id="pg-sync", hidden=True),
            plotly_loader(),
            html.Div(
                [
                    html.H1("Network playground"),
                    html.P(
                        "Choose data, a network and how its weights start; it trains as soon as "
                        "you change something. Press play to watch the weights, the gradients "
                        "and the decision boundary evolve.",
                        className="muted pg-lead",
                    ),
                ],
                className="pg-intro",
            ),
            html.Div(_messages(messages), id="pg-messages", className="messages", role="status"),
            html.Div(
                [
                    controls_panel(values, control_options()),
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


def _input_class(invalid: bool) -> str:
    return "pg-input invalid" if invalid else "pg-input"


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
    """Any control change: validate, train (cached), send the whole playback once."""
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

    key = settings.cache_key()
    run: Any = no_update
    query: Any = no_update
    if key != stored.get("key"):
        try:
            run = compute_run(settings)
            query = {"train": settings.to_query(view=False), "key": key}
        except ConfigError as error:  # validated already; kept as a guard
            messages += error.messages
            settings = previous

    invalid = result.invalid
    scheme = INIT_SCHEMES[settings.config.init]
    activation = ACTIVATIONS[settings.config.activation]
    return {
        "run": run,
        "query": query,
        "messages": _messages(messages),
        "classes": {key_: _input_class(key_ in invalid) for key_ in TEXT_KEYS},
        "hp_classes": {
            f"{o}.{n}": _input_class(o == optimizer and f"hp.{n}" in invalid)
            for o, n in HP_CONTROLS
        },
        "sp_classes": {
            f"{s}.{n}": _input_class(s == schedule and f"sp.{n}" in invalid) for s, n in SP_CONTROLS
        },
        "scale": "" if scheme_changed else no_update,
        "scale_placeholder": f"{scheme.default_scale:g}" if scheme.adjustable else "fixed",
        "scale_disabled": not scheme.adjustable,
        "init_info": init_markdown(settings),
        "act_info": activation_markdown(settings),
        "opt_info": optimizer_markdown(settings),
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
    """The comparison is trained only while its tab is open (and only when settings change)."""
    if tab != "compare" or not isinstance(stored, dict) or not stored.get("key"):
        raise PreventUpdate
    settings, _, _ = from_query(stored.get("train") if isinstance(stored.get("train"), str) else "")
    key = settings.compare_cache_key()
    if key == loaded:
        raise PreventUpdate
    return compute_comparison(settings), key


# ---- browser-side glue (assets/playground.js): no server round-trip ----------------------------

clientside_callback(
    "function (run) { return window.LossViz.playground.loadRun(run); }",
    Output("pg-train-panel", "data-run"),
    Input("pg-run", "data"),
)
clientside_callback(
    "function (payload) { return window.LossViz.playground.loadCompare(payload); }",
    Output("pg-compare-panel", "data-run"),
    Input("pg-cmp", "data"),
)
clientside_callback(
    "function (view) { return window.LossViz.playground.setView(view); }",
    Output("pg-network-panel", "data-view"),
    Input("pg-view", "value"),
)
clientside_callback(
    "function (value) { return window.LossViz.playground.setShowTest(value); }",
    Output("pg-output-panel", "data-test"),
    Input("pg-show-test", "value"),
)
clientside_callback(
    "function (tab) { return window.LossViz.playground.setTab(tab); }",
    Output("pg-body", "data-tab"),
    Input("pg-tab", "value"),
)
clientside_callback(
    "function (opt, sched) { return window.LossViz.playground.showRuleParams(opt, sched); }",
    Output("pg-sync", "title"),
    Input(control_id("opt"), "value"),
    Input(control_id("sched"), "value"),
)
clientside_callback(
    """function (stored, view, test, tab, neuron) {
        return window.LossViz.playground.urlSearch(stored, view, test, tab, neuron);
    }""",
    Output("pg-url", "search"),
    Input("pg-query", "data"),
    Input("pg-view", "value"),
    Input("pg-show-test", "value"),
    Input("pg-tab", "value"),
    Input("pg-neuron", "data"),
)
