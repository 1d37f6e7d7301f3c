"""Optimizer lab page: pick a landscape and a start, pick optimizers, watch them walk downhill.

The server sends numbers, the browser draws. The controls' values reach the server as one
store, `lab-controls` ({"values": {key: value}, "changed": [key]}, filled in the browser by
assets/core/fields.js): Dash's per-input preparation of ~190 pattern-matched fields was two
thirds of the callback's time. The one server callback turns a change into validated settings
(settings/optimizer_lab.py) and answers with a small store, `lab-data`:

    {"query": <canonical settings query>, "landscape", "view", "steps", "start", "start_text",
     "rows": [{"id", "rule", "title", "color", "dash", "enabled", "schedule"}, ...],
     "fetch": [<landscape grid URL>, <run URL>]}

(views/lab_store.py). This module is the layout and the wiring; what the stores, panels and
table hold comes from views/lab_store.py and views/lab_panels.py, the page frame from
components/lab_layout.py.
plus the messages and, only when they change, the equations panel, the formula and the note
(the w₁, w₂ boxes follow `start_text` in the browser). The browser (assets/lab/*.js) fetches
both URLs (`/api/landscape/<id>.bin`, `/api/lab/run.bin`, immutable and shared-cached), draws
every figure and plays the run; no figure is built here. The page opens with `lab-data`
already in its layout, so a first visit costs no callback round trip before the fetches.
"""

from __future__ import annotations

from urllib.parse import urlencode

import dash
from dash import (
    ALL,
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

from components.lab_controls import FIELD, run_controls
from components.lab_layout import intro, landscape_panel, side_panels, titled_panel
from landscapes import LANDSCAPES, get_landscape
from serving.response_cache import skip_storing
from settings.optimizer_lab import MAX_STEPS, from_query, parse_flat_detailed
from settings.query import hidden_groups
from views.lab_panels import (
    EQUATION_PARTS,
    control_values,
    equation_updates,
    equations,
    message_list,
    table,
    table_update,
)
from views.lab_store import (
    apply_row_op,
    controls_of,
    lab_data,
    previous_settings,
    raw_from_controls,
)

dash.register_page(
    __name__, path="/optimizers", name="Optimizer lab", title="Optimizer lab", order=1
)


# ---- layout ----------------------------------------------------------------------------------
def layout(**query: str) -> html.Div:
    settings, messages, passthrough = from_query(urlencode(query))
    landscape = get_landscape(settings.landscape)
    return html.Div(
        [
            dcc.Store(id="lab-data", data=lab_data(settings)),
            # Every control's value in one dictionary (assets/core/fields.js): the one input
            # of the server callback.
            dcc.Store(id="lab-controls"),
            # Keys of the rejected values (outlined); "link" while the link's messages show.
            dcc.Store(id="lab-invalid", data=["link"] if messages else []),
            dcc.Store(id="lab-click"),
            dcc.Store(id="lab-drag"),
            # A row button's request, {"op": duplicate|remove|add, "row"|"rule", "n"}
            # (assets/lab/rows.js).
            dcc.Store(id="lab-row-op"),
            html.Div(id="lab-player-sync", hidden=True),
            html.Div(id="lab-invalid-sync", hidden=True),
            intro(message_list(messages), hidden_groups(passthrough)),
            html.Div(
                [
                    landscape_panel(
                        [(k, v.title) for k, v in LANDSCAPES.items()],
                        settings.landscape,
                        settings.view,
                        landscape.latex,
                        landscape.note,
                    ),
                    side_panels(),
                ],
                className="lab-grid",
            ),
            titled_panel(
                "Optimizers",
                [
                    run_controls(control_values(settings), MAX_STEPS),
                    html.Div(table(settings), id="lab-table"),
                ],
            ),
            titled_panel(
                "Update rules in use",
                [html.Div(equations(settings), id="lab-equations")],
                "equations",
            ),
        ],
        className="lab",
    )


# ---- the server callbacks --------------------------------------------------------------------


EQUATION_OUTPUTS = [Output(ident, prop) for ident, prop in EQUATION_PARTS]


@callback(
    Output("lab-data", "data"),
    Output("lab-messages", "children"),
    Output("lab-invalid", "data"),
    Output("lab-formula", "children"),
    Output("lab-note", "children"),
    Output("lab-table", "children"),
    *EQUATION_OUTPUTS,
    Input("lab-controls", "data"),
    Input("lab-row-op", "data"),
    State("lab-data", "data"),
    State("lab-invalid", "data"),
    prevent_initial_call=True,
)
def update_lab(controls, row_op, data, shown_invalid):  # type: ignore[no-untyped-def]
    """Controls (or a row button) → validated settings → the store naming what to fetch, and
    what changed in the text panels (formula and note with the landscape; the equations'
    parts; the table when rows were added or removed, a row when its schedule changed).

    Whatever the page shows already is not sent again (no_update): every prop Dash sets costs
    the browser a re-render and a pass over the callback graph. The w₁, w₂ boxes follow the
    store's `start_text` in the browser (a new landscape's start; a start typed as "1.50").
    """
    previous = previous_settings(data)
    rejected: dict[str, str] = {}
    if ctx.triggered_id == "lab-row-op":
        settings, problem = apply_row_op(previous, row_op)
        if problem:
            rejected["rows"] = problem
    else:
        values, changed = controls_of(controls)
        raw = raw_from_controls(values, previous)
        if "landscape" in changed:
            raw.pop("w1", None)  # a new landscape starts from its own default start
            raw.pop("w2", None)
        settings, rejected = parse_flat_detailed(raw, previous)

    invalid = sorted(rejected)
    if invalid:
        skip_storing()  # junk must not evict the class's real work from the shared cache
    was_invalid = shown_invalid if isinstance(shown_invalid, list) else None
    # Messages are shown exactly when some value is rejected; the page starts with the link's,
    # which stay until the student changes something (the controls' first report is no change).
    keep_link_messages = was_invalid == ["link"] and not invalid and settings == previous
    quiet = keep_link_messages or (not invalid and was_invalid == [])
    landscape_changed = settings.landscape != previous.landscape
    landscape = get_landscape(settings.landscape)
    return (
        dash.no_update if settings == previous else lab_data(settings),
        dash.no_update if quiet else message_list(rejected),
        dash.no_update if keep_link_messages or invalid == was_invalid else invalid,
        landscape.latex if landscape_changed else dash.no_update,
        landscape.note if landscape_changed else dash.no_update,
        table_update(settings, previous),
        *equation_updates(settings, previous),
    )


# ---- browser-side wiring (assets/core/fields.js, assets/lab/page.js) ----------------------------
clientside_callback(
    ClientsideFunction("lossvizFields", "collect"),
    Output("lab-controls", "data"),
    Input({"type": FIELD, "key": ALL}, "value"),
    prevent_initial_call=True,
)
clientside_callback(
    ClientsideFunction("lossvizLab", "load"),
    Output("lab-player-sync", "children"),
    Input("lab-data", "data"),
)
clientside_callback(  # a click or a drag of the red dot: both start boxes in one change
    ClientsideFunction("lossvizLab", "moveStart"),
    Output({"type": FIELD, "key": "w1"}, "value", allow_duplicate=True),
    Output({"type": FIELD, "key": "w2"}, "value", allow_duplicate=True),
    Input("lab-click", "data"),
    Input("lab-drag", "data"),
    prevent_initial_call=True,
)
clientside_callback(
    ClientsideFunction("lossvizLab", "markInvalid"),
    Output("lab-invalid-sync", "title"),
    Input("lab-invalid", "data"),
)
