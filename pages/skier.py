"""The skier (slide deck 004): the lab's optimizers on a 1-D loss curve L(w), played.

Thin glue: the boxes → `SkierSettings` (validated; each rejected value's sentence beside its
box) → a small JSON store `{"key", "fetch": [ride URL]}`. The browser GETs that URL
(serving/api/skier.py runs the lab's engine once per shared cache) and draws the curve, the
skiers, their tangents and steps, and plays the ride without a request (assets/skier/).
Clicking the curve sets the start. The URL always holds the page's state.
"""

from __future__ import annotations

from typing import Any

import dash
from dash import ClientsideFunction, Input, Output, State, callback, clientside_callback, dcc, html
from flask import has_request_context

from components.skier_layout import number_field, page_frame, skier_row
from landscapes.curves import CURVES
from optimizers import OPTIMIZERS
from serving.api.skier import SKIER_COLORS, skier_url
from serving.response_cache import skip_storing
from settings.skier import FIELD_OF, OFF, SKIERS, SkierSettings, from_controls, from_query
from settings.skier import from_layout_kwargs as settings_from_layout
from views.playground_text import message_list

dash.register_page(
    __name__,
    path="/skier",
    name="The skier",
    title="The skier · Loss Landscape Lab",
    order=5,
    nav_label="Skier",
)

CLIENT = "lossvizSkier"  # window.dash_clientside namespace of assets/skier/main.js
# control id → table key (Dash ids cannot hold a dot: "s1.lr" is the box "sk-s1-lr")
CONTROLS = {"curve": "curve", "w0": "w0", "steps": "steps"}
CONTROLS |= {k: k for k in SKIERS} | {f"{k}-lr": f"{k}.lr" for k in SKIERS}
RULE_OPTIONS = [(OFF, "off"), *((rule, spec.title) for rule, spec in OPTIMIZERS.items())]


def ride_store(settings: SkierSettings) -> dict[str, Any]:
    return {"key": settings.cache_key(), "fetch": [skier_url(settings)]}


def query_store(settings: SkierSettings) -> dict[str, Any]:
    return {"query": settings.to_query(), "key": settings.cache_key()}


def controls(settings: SkierSettings) -> list:
    flat = settings.flat()
    low, high = CURVES[settings.curve].domain
    return [
        html.H2("The curve"),
        html.Div(
            [
                html.Label("Loss curve", htmlFor="sk-curve-choice", className="sk-label"),
                dcc.Dropdown(
                    id="sk-curve-choice",
                    options=[{"label": c.title, "value": c.id} for c in CURVES.values()],
                    value=settings.curve,
                    clearable=False,
                    searchable=False,
                ),
                html.Div(id="sk-msg-curve", className="field-message", role="alert"),
            ],
            className="sk-field sk-wide",
        ),
        number_field("w0", "Start w₀", flat["w0"], f"in [{low:g}, {high:g}]"),
        number_field("steps", "Steps", flat["steps"], "1 … 1000"),
        html.H2("The skiers"),
        *[
            skier_row(key, flat[key], flat[f"{key}.lr"], RULE_OPTIONS, SKIER_COLORS[i])
            for i, key in enumerate(SKIERS)
        ],
    ]


def _control_id(control: str) -> str:
    return "sk-curve-choice" if control == "curve" else f"sk-{control}"


# ---- layout -----------------------------------------------------------------------------------


def layout(**query: Any) -> html.Div:
    settings, messages, _ = settings_from_layout(query)
    return html.Div(
        [
            dcc.Location(id="sk-url", refresh=False),
            dcc.Store(id="sk-ride", data=ride_store(settings) if has_request_context() else None),
            dcc.Store(id="sk-query", data=query_store(settings)),
            *page_frame(controls(settings), message_list(messages)),
        ],
        className="sk-page",
    )


# ---- callbacks --------------------------------------------------------------------------------


@callback(
    output={
        "ride": Output("sk-ride", "data"),
        "query": Output("sk-query", "data"),
        "start": Output("sk-w0", "value"),
        "classes": {c: Output(_control_id(c), "className") for c in CONTROLS if c != "curve"},
        "messages": {c: Output(f"sk-msg-{c}", "children") for c in CONTROLS},
    },
    inputs={"values": {c: Input(_control_id(c), "value") for c in CONTROLS}},
    state={"stored": State("sk-query", "data")},
    prevent_initial_call=True,
)
def ride_on_change(values: dict[str, Any], stored: Any) -> dict[str, Any]:
    """A box changed: validate it (its sentence beside it) and name the ride to fetch."""
    stored = stored if isinstance(stored, dict) else {}
    query = stored.get("query")
    previous, _, _ = from_query(query if isinstance(query, str) else "")
    raw = {CONTROLS[c]: v for c, v in values.items() if c in CONTROLS}
    if raw.get("curve") != previous.curve:
        raw.pop("w0", None)  # a new curve starts where its card says
    result = from_controls(raw, previous)
    if result.messages:
        skip_storing()
    settings = result.settings
    changed = settings.cache_key() != stored.get("key")
    invalid = {c for c, key in CONTROLS.items() if key in result.invalid}
    classes = {c: "sk-input invalid" if c in invalid else "sk-input" for c in CONTROLS}
    classes = {c: v + (" sk-rate" if c.endswith("-lr") else "") for c, v in classes.items()}
    for c in SKIERS:
        classes[c] = "sk-rule invalid" if c in invalid else "sk-rule"
    return {
        "ride": ride_store(settings) if changed else dash.no_update,
        "query": query_store(settings) if changed else dash.no_update,
        "start": FIELD_OF["w0"].format(settings.start) if "w0" not in invalid else dash.no_update,
        "classes": {c: classes[c] for c in CONTROLS if c != "curve"},
        "messages": {c: result.invalid.get(key, "") for c, key in CONTROLS.items()},
    }


# ---- browser-side glue (assets/skier/main.js): no server round-trip -----------------------------

clientside_callback(
    ClientsideFunction(CLIENT, "loadRide"),
    Output("sk-curve", "data-key"),
    Input("sk-ride", "data"),
)
clientside_callback(
    ClientsideFunction(CLIENT, "urlSearch"),
    Output("sk-url", "search"),
    Input("sk-query", "data"),
)
