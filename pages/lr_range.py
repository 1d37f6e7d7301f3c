"""Learning-rate range test: the playground's network trained while its rate grows (fastai lr_find).

Thin glue: the ramp's three boxes → `LRRangeSettings` (validated; the network comes from the
playground's keys in the link) → a small JSON store `{"key", "fetch": [test URL],
"playground"}`. The browser GETs that URL (serving/api/lr_range.py runs the test once per
shared cache) and draws the chart and the suggestions itself (assets/lr_range/). A rejected
value is outlined and its sentence shown beside its box; the URL always holds the page's state.
"""

from __future__ import annotations

from typing import Any

import dash
from dash import ClientsideFunction, Input, Output, State, callback, clientside_callback, dcc, html
from flask import has_request_context

from components.lr_range_layout import page_frame
from serving.api.lr_range import lr_range_url
from serving.response_cache import skip_storing
from settings.lr_range import FIELD_OF, FIELDS, LRRangeSettings, from_controls, from_query
from settings.lr_range import from_layout_kwargs as settings_from_layout
from views.network_summary import network_summary
from views.playground_text import message_list

dash.register_page(
    __name__,
    path="/lr-range",
    name="Learning-rate range test",
    title="Learning-rate range test · Loss Landscape Lab",
    order=4,
    nav_label="LR range test",
)

CLIENT = "lossvizLrRange"  # window.dash_clientside namespace of assets/lr_range/main.js
KEYS = tuple(f.key for f in FIELDS)


def test_store(settings: LRRangeSettings) -> dict[str, Any]:
    """What the browser fetches and where its "train with" links go."""
    return {
        "key": settings.cache_key(),
        "fetch": [lr_range_url(settings)],
        "playground": dash.get_relative_path("/playground"),
    }


def query_store(settings: LRRangeSettings) -> dict[str, Any]:
    """The canonical query (for the URL and to read the settings back) and the cache key."""
    return {"query": settings.to_query(), "key": settings.cache_key()}


def playground_href(settings: LRRangeSettings) -> str:
    query = settings.network.to_query(view=False)
    return dash.get_relative_path("/playground") + (f"?{query}" if query else "")


# ---- layout -----------------------------------------------------------------------------------


def layout(**query: Any) -> html.Div:
    settings, messages, _ = settings_from_layout(query)
    fields = [(f.key, f.label, f.format(getattr(settings, f.name))) for f in FIELDS]
    live = has_request_context()
    return html.Div(
        [
            dcc.Location(id="lr-url", refresh=False),
            dcc.Store(id="lr-test", data=test_store(settings) if live else None),
            dcc.Store(id="lr-query", data=query_store(settings)),
            *page_frame(
                fields,
                network_summary(settings.network),
                playground_href(settings) if live else "/playground",
                message_list(messages),
            ),
        ],
        className="lr-page",
    )


# ---- callbacks --------------------------------------------------------------------------------


@callback(
    output={
        "test": Output("lr-test", "data"),
        "query": Output("lr-query", "data"),
        "classes": {key: Output(f"lr-{key}", "className") for key in KEYS},
        "field_messages": {key: Output(f"lr-msg-{key}", "children") for key in KEYS},
    },
    inputs={"values": {key: Input(f"lr-{key}", "value") for key in KEYS}},
    state={"stored": State("lr-query", "data")},
    prevent_initial_call=True,
)
def test_on_change(values: dict[str, Any], stored: Any) -> dict[str, Any]:
    """A box changed: validate it (its message beside it) and name the test to fetch."""
    stored = stored if isinstance(stored, dict) else {}
    query = stored.get("query")
    previous, _, _ = from_query(query if isinstance(query, str) else "")
    result = from_controls({k: v for k, v in values.items() if k in FIELD_OF}, previous)
    if result.messages:
        skip_storing()  # junk must not evict the class's real work from the shared cache
    settings = result.settings
    changed = settings.cache_key() != stored.get("key")
    return {
        "test": test_store(settings) if changed else dash.no_update,
        "query": query_store(settings) if changed else dash.no_update,
        "classes": {k: "lr-input invalid" if k in result.invalid else "lr-input" for k in KEYS},
        "field_messages": {k: result.invalid.get(k, "") for k in KEYS},
    }


# ---- browser-side glue (assets/lr_range/main.js): no server round-trip --------------------------

clientside_callback(
    ClientsideFunction(CLIENT, "loadTest"),
    Output("lr-chart", "data-key"),
    Input("lr-test", "data"),
)
clientside_callback(
    ClientsideFunction(CLIENT, "urlSearch"),
    Output("lr-url", "search"),
    Input("lr-query", "data"),
)
