"""Network loss landscape: the playground's own network, trained, and the loss around θ*.

Thin glue: the page's link names the network with the playground's keys (data=…, hidden=…,
lr=…) and the landscape with five of its own (dirs, span, res, biases, dirseed;
settings/network_landscape.py). A change of a landscape control is validated here (the message
beside that control) and answered with small JSON in dcc.Stores: the canonical query (the URL,
written in the browser) and `{"fetch": [landscape URL], …}`. The browser GETs that URL
(serving/api/network.py trains the network and evaluates its landscape once per shared cache)
and draws the contour or 3-D surface, the PCA path, the 1-D slice and the interpolation
θ₀ → θ* itself (assets/network/*.js). The network is changed in the playground (the link
carries its settings there and back).
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
)
from flask import has_request_context

from components.network_layout import (
    control_id,
    controls_panel,
    error_id,
    figures_panel,
    intro,
    network_panel,
)
from serving.response_cache import skip_storing
from settings.network_landscape import from_controls, from_layout_kwargs
from views.network_landscape import (
    CONTROL_KEYS,
    TEXT_KEYS,
    control_hints,
    control_values,
    field_messages,
    input_classes,
    landscape_store,
    network_summary,
    playground_href,
    query_store,
    raw_from_controls,
    stored_settings,
)
from views.playground_text import message_list

dash.register_page(
    __name__,
    path="/network",
    name="Network loss landscape",
    title="Network loss landscape · Loss Landscape Lab",
    order=3,
    nav_label="Loss landscape",
)

CLIENT = "lossvizNetwork"  # window.dash_clientside namespace of assets/network/main.js


# ---- layout -----------------------------------------------------------------------------------


def layout(**query: Any) -> html.Div:
    settings, messages, passthrough = from_layout_kwargs(query)
    # The layout names the first landscape, so the browser fetches it as soon as it arrives.
    first = landscape_store(settings) if has_request_context() else None
    stored = query_store(settings) if first else {"query": "", "key": None}
    return html.Div(
        [
            dcc.Location(id="nl-url", refresh=False),
            dcc.Store(id="nl-landscape-store", data=first),
            dcc.Store(id="nl-query", data=stored),
            dcc.Store(id="nl-url-messages", data=messages),
            html.Div(id="nl-sync", hidden=True),
            intro(),
            html.Div(message_list(messages), id="nl-messages", className="messages", role="status"),
            html.Div(
                [
                    html.Div(
                        [
                            controls_panel(control_values(settings), control_hints()),
                            network_panel(
                                network_summary(settings), playground_href(settings, passthrough)
                            ),
                        ],
                        className="nl-column",
                    ),
                    figures_panel(settings.plot),
                ],
                className="nl-layout",
                id="nl-layout",
                **{"data-directions": settings.directions},
            ),
        ],
        className="nl-page",
    )


# ---- callbacks --------------------------------------------------------------------------------


@callback(
    output={
        "store": Output("nl-landscape-store", "data"),
        "query": Output("nl-query", "data"),
        "messages": Output("nl-messages", "children"),
        "errors": {key: Output(error_id(key), "children") for key in CONTROL_KEYS},
        "classes": {key: Output(control_id(key), "className") for key in TEXT_KEYS},
        "directions": Output("nl-layout", "data-directions"),
    },
    inputs={"values": {key: Input(control_id(key), "value") for key in CONTROL_KEYS}},
    state={"stored": State("nl-query", "data"), "url_messages": State("nl-url-messages", "data")},
)
def landscape_on_change(values: dict[str, Any], stored: Any, url_messages: Any) -> dict[str, Any]:
    """A landscape control changed: validate, and name the landscape to fetch (the GET
    computes it, cached). The network itself comes from the page's query, unchanged."""
    stored = stored if isinstance(stored, dict) else {}
    previous = stored_settings(stored)
    result = from_controls(raw_from_controls(values), previous)
    settings = result.settings
    if result.messages:
        skip_storing()  # junk must not evict the class's real work from the shared cache
    messages: list[str] = []
    if ctx.triggered_id is None and isinstance(url_messages, list):
        messages = [str(m) for m in url_messages]
    changed = settings.cache_key() != stored.get("key")
    return {
        "store": landscape_store(settings) if changed else dash.no_update,
        "query": query_store(settings) if changed else dash.no_update,
        "messages": message_list(messages),
        "errors": field_messages(result.invalid),
        "classes": input_classes(result.invalid),
        "directions": settings.directions,
    }


# ---- browser-side glue (assets/network/main.js): no server round-trip -------------------------

clientside_callback(
    ClientsideFunction(CLIENT, "loadLandscape"),
    Output("nl-sync", "data-landscape"),
    Input("nl-landscape-store", "data"),
)
# The layout names the first landscape: fetch it at once (the first callback finds it current
# and leaves the store as it is, so the callback above would not fire for it).
clientside_callback(
    ClientsideFunction(CLIENT, "loadFirstLandscape"),
    Output("nl-sync", "data-first"),
    Input("nl-url-messages", "data"),
    State("nl-landscape-store", "data"),
)
clientside_callback(
    ClientsideFunction(CLIENT, "setPlot"),
    Output("nl-sync", "data-plot"),
    Input("nl-plot", "value"),
)
clientside_callback(
    ClientsideFunction(CLIENT, "urlSearch"),
    Output("nl-url", "search"),
    Input("nl-query", "data"),
    Input("nl-plot", "value"),
)
