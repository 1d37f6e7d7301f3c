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

This module is the layout and the wiring: the stores and the controls' texts come from
views/playground_store.py, the explanatory text from views/playground_text.py, the page frame
from components/playground_layout.py.
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
    control_id,
    controls_panel,
    controls_toggle,
    hp_id,
    node_legend,
    sp_id,
    tab_toggle,
)
from components.playground_figures import drawing_spec
from components.playground_layout import compare_panel, intro, train_panel
from components.playground_network import node_legend_items
from playground import (
    ACTIVATIONS,
    INIT_SCHEMES,
)
from serving.response_cache import skip_storing
from settings.playground import from_controls, from_layout_kwargs
from settings.query import hidden_groups
from views.playground_store import (
    CONTROL_KEYS,
    HP_CONTROLS,
    SP_CONTROLS,
    TEXT_KEYS,
    compare_store,
    control_options,
    control_values,
    input_classes,
    query_store,
    raw_from_controls,
    run_store,
    stored_settings,
)
from views.playground_text import (
    activation_info,
    init_info,
    message_list,
    optimizer_info,
    scheme_cards,
)

dash.register_page(
    __name__,
    path="/playground",
    name="Network playground",
    title="Network playground · Loss Landscape Lab",
    order=2,
    nav_label="Playground",
)

CLIENT = "lossvizPlayground"  # window.dash_clientside namespace of assets/playground/main.js


# ---- layout -----------------------------------------------------------------------------------


def layout(**query: Any) -> html.Div:
    settings, messages, passthrough = from_layout_kwargs(query)
    values = control_values(settings)
    activation = ACTIVATIONS[settings.config.activation]
    # The page's first run is named right here, so the browser starts fetching it as soon as
    # the layout arrives (the first training callback then finds it current and sends nothing).
    first_run: dict[str, Any] | None = run_store(settings) if has_request_context() else None
    stored_query = query_store(settings) if first_run else {"train": "", "key": None}
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
            intro(hidden_groups(passthrough)),
            html.Div(message_list(messages), id="pg-messages", className="messages", role="status"),
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
                            html.Div(
                                [tab_toggle(settings.tab), controls_toggle()],
                                className="pg-tabbar",
                            ),
                            html.Div(
                                [
                                    train_panel(
                                        settings.view,
                                        settings.show_test,
                                        node_legend_items(activation.id, activation.title),
                                    ),
                                    compare_panel(scheme_cards()),
                                ],
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
    previous, _ = stored_settings(stored)
    raw = raw_from_controls(values, hp, sp)
    optimizer, schedule = raw.get("opt"), raw.get("sched")
    scheme_changed = f"{control_id('init')}.value" in ctx.triggered_prop_ids
    if scheme_changed:
        raw.pop("scale", None)  # a new scheme starts from its own scale
    result = from_controls(raw, previous)
    settings = result.settings
    messages = list(result.messages)
    if messages:
        skip_storing()  # junk must not evict the class's real work from the shared cache
    if ctx.triggered_id is None and isinstance(url_messages, list):
        messages = [str(m) for m in url_messages] + messages

    changed = settings.cache_key() != stored.get("key")
    invalid = result.invalid
    scheme = INIT_SCHEMES[settings.config.init]
    activation = ACTIVATIONS[settings.config.activation]
    return {
        "run": run_store(settings) if changed else no_update,
        "query": query_store(settings) if changed else no_update,
        "messages": message_list(messages),
        **input_classes(invalid, optimizer, schedule),
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
    settings, messages = stored_settings(stored)
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
