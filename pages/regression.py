"""SGD vs minibatch vs full batch (slide deck 004): one regression line fitted three ways.

Thin glue: the boxes → `RegressionSettings` (validated; each rejected value's sentence beside
its box) → a small JSON store `{"key", "fetch": [run URL]}`. The browser GETs that URL
(serving/api/regression.py runs the three methods once per shared cache) and draws the (w, b)
plane with the full and the current batch's loss, the data with the fitted lines and the
loss per epoch, and plays the runs without a request (assets/regression/). Clicking the plane
sets the start. The URL always holds the page's state.
"""

from __future__ import annotations

from typing import Any

import dash
from dash import ClientsideFunction, Input, Output, State, callback, clientside_callback, dcc, html
from flask import has_request_context

from components.regression_layout import field, group, page_frame
from serving.api.regression import regression_url
from serving.response_cache import skip_storing
from settings.regression import FIELD_OF, RegressionSettings, from_controls, from_query
from settings.regression import from_layout_kwargs as settings_from_layout
from views.playground_text import message_list

dash.register_page(
    __name__,
    path="/sgd",
    name="SGD, minibatch, full batch",
    title="SGD vs minibatch vs full batch · Loss Landscape Lab",
    order=6,
    nav_label="SGD vs batch",
)

CLIENT = "lossvizRegression"  # window.dash_clientside namespace of assets/regression/main.js
KEYS = tuple(FIELD_OF)
GROUPS = (
    ("The data", ("n", "noise", "truew", "trueb", "dseed")),
    ("The methods", ("lrsgd", "batch", "lrmb", "lrfull", "epochs", "seed")),
    ("The start", ("w0", "b0")),
)
HELP = {"batch": "2 … n − 1", "n": "10 … 200", "epochs": "passes over the data"}


def run_store(settings: RegressionSettings) -> dict[str, Any]:
    return {"key": settings.cache_key(), "fetch": [regression_url(settings)]}


def query_store(settings: RegressionSettings) -> dict[str, Any]:
    return {"query": settings.to_query(), "key": settings.cache_key()}


def controls(settings: RegressionSettings) -> list:
    flat = settings.flat()
    return [
        item
        for title, keys in GROUPS
        for item in group(
            title, [field(k, FIELD_OF[k].label, flat[k], HELP.get(k, "")) for k in keys]
        )
    ]


def layout(**query: Any) -> html.Div:
    settings, messages, _ = settings_from_layout(query)
    live = has_request_context()
    return html.Div(
        [
            dcc.Location(id="rg-url", refresh=False),
            dcc.Store(id="rg-run", data=run_store(settings) if live else None),
            dcc.Store(id="rg-query", data=query_store(settings)),
            *page_frame(controls(settings), message_list(messages)),
        ],
        className="sk-page rg-page",
    )


@callback(
    output={
        "run": Output("rg-run", "data"),
        "query": Output("rg-query", "data"),
        "classes": {k: Output(f"rg-{k}", "className") for k in KEYS},
        "messages": {k: Output(f"rg-msg-{k}", "children") for k in KEYS},
    },
    inputs={"values": {k: Input(f"rg-{k}", "value") for k in KEYS}},
    state={"stored": State("rg-query", "data")},
    prevent_initial_call=True,
)
def run_on_change(values: dict[str, Any], stored: Any) -> dict[str, Any]:
    """A box changed: validate it (its sentence beside it) and name the runs to fetch."""
    stored = stored if isinstance(stored, dict) else {}
    query = stored.get("query")
    previous, _, _ = from_query(query if isinstance(query, str) else "")
    result = from_controls({k: v for k, v in values.items() if k in FIELD_OF}, previous)
    if result.messages:
        skip_storing()
    settings = result.settings
    changed = settings.cache_key() != stored.get("key")
    return {
        "run": run_store(settings) if changed else dash.no_update,
        "query": query_store(settings) if changed else dash.no_update,
        "classes": {k: "sk-input invalid" if k in result.invalid else "sk-input" for k in KEYS},
        "messages": {k: result.invalid.get(k, "") for k in KEYS},
    }


clientside_callback(
    ClientsideFunction(CLIENT, "loadRun"),
    Output("rg-plane", "data-key"),
    Input("rg-run", "data"),
)
clientside_callback(
    ClientsideFunction(CLIENT, "urlSearch"),
    Output("rg-url", "search"),
    Input("rg-query", "data"),
)
