"""Optimizer lab page: pick a landscape and a start, pick optimizers, watch them walk downhill.

The server sends numbers, the browser draws. The controls' values reach the server as one
store, `lab-controls` ({"values": {key: value}, "changed": [key]}, filled in the browser by
assets/core/fields.js): Dash's per-input preparation of ~190 pattern-matched fields was two
thirds of the callback's time. The one server callback turns a change into validated settings
(settings/optimizer_lab.py) and answers with a small store, `lab-data`:

    {"query": <canonical settings query>, "landscape", "view", "steps", "start", "start_text",
     "rows": [{"id", "title", "color", "enabled"}, ...],           (every row, table order)
     "fetch": [<landscape grid URL>, <run URL>]}

plus the messages and, only when they change, the equations panel, the formula and the note
(the w₁, w₂ boxes follow `start_text` in the browser). The browser (assets/lab/*.js) fetches
both URLs (`/api/landscape/<id>.bin`, `/api/lab/run.bin`, immutable and shared-cached), draws
every figure and plays the run; no figure is built here. The page opens with `lab-data` already in its layout, so a first visit
costs no callback round trip before the fetches.
"""

from __future__ import annotations

import functools
import math
from typing import Any
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

from components.lab_controls import (
    FIELD,
    TableRow,
    field_id,
    landscape_picker,
    optimizer_table,
    plain_symbol,
    playback_bar,
    run_controls,
)
from components.lab_equations import (
    GRADIENT_ID,
    NONE_ID,
    EquationBlock,
    EquationRow,
    equations_panel,
    part_id,
    schedule_line,
    values_text,
)
from components.palette import OPTIMIZER_COLORS, row_color, row_dash
from components.tex import tex
from landscapes import LANDSCAPES, get_landscape
from optimizers.specs import GRADIENT_LATEX, NOISY_GRADIENT_LATEX, OPTIMIZERS, SCHEDULES
from serving.api import data_url
from serving.api.lab import settings_query
from settings.fields import format_float
from settings.optimizer_lab import (
    MAX_COPIES,
    MAX_STEPS,
    LabSettings,
    from_query,
    parse_flat_detailed,
)

dash.register_page(
    __name__, path="/optimizers", name="Optimizer lab", title="Optimizer lab", order=1
)


# ---- what the browser draws ------------------------------------------------------------------
def lab_data(settings: LabSettings) -> dict[str, Any]:
    """The `lab-data` store: what to draw and the two URLs its numbers come from."""
    return {
        "query": settings.to_query(),
        "landscape": settings.landscape,
        "view": settings.view,
        "steps": settings.steps,
        "start": [settings.start[0], settings.start[1]],
        # What the w₁, w₂ boxes show (assets/lab/page.js writes them when they differ).
        "start_text": [format_float(v) for v in settings.start],
        "rows": [
            {
                "id": row.id,
                "rule": row.rule,
                "title": row.label,
                "color": row_color(row.rule, row.number),
                "dash": row_dash(row.number),
                "enabled": row.enabled,
                "schedule": row.schedule,
            }
            for row in settings.optimizers
        ],
        "fetch": [
            data_url(f"landscape/{settings.landscape}.bin"),
            data_url("lab/run.bin", settings_query(settings)),
        ],
    }


def previous_settings(data: Any) -> LabSettings:
    """The settings the page shows now, read back from its `lab-data` store's query."""
    query = data.get("query") if isinstance(data, dict) else None
    return _settings_of_query(query if isinstance(query, str) else "")


@functools.lru_cache(maxsize=512)
def _settings_of_query(query: str) -> LabSettings:
    """`from_query`'s settings, parsed once per distinct query (bounded: 512 of ~3 KB; every
    callback reads the page's current query back)."""
    settings, _, _ = from_query(query)
    return settings


# ---- text panels -----------------------------------------------------------------------------
@functools.lru_cache(maxsize=256)
def equation_blocks(settings: LabSettings) -> tuple[EquationBlock, ...]:
    """One block per rule (rules with no enabled row too: the page hides them), with a line
    per enabled row; computed once per distinct settings (bounded: 256 of ~10 KB), as every
    callback compares two."""
    blocks = []
    for rule_id, spec in OPTIMIZERS.items():
        rows = [row for row in settings.optimizers if row.rule == rule_id]
        enabled = [row for row in rows if row.enabled]
        blocks.append(
            EquationBlock(
                id=rule_id,
                title=spec.title,
                color=OPTIMIZER_COLORS[rule_id],
                update_latex=spec.latex,
                rows=tuple(equation_row(row) for row in enabled or rows[:1]),
                note=spec.note,
                enabled=bool(enabled),
            )
        )
    return tuple(blocks)


def equation_row(row: Any) -> EquationRow:
    """A row's schedule and numbers as the equations panel prints them."""
    spec = OPTIMIZERS[row.rule]
    schedule = SCHEDULES[row.schedule]
    values = {"η₀": format_float(row.lr)}
    for parameter in schedule.parameters:
        values[plain_symbol(parameter.latex)] = format_float(row.schedule_values[parameter.name])
    for parameter in spec.rule_hyperparameters:
        value = row.hyperparam_values[parameter.name]
        # A choice (Lookahead's inner rule) shows the chosen rule's title, not its index.
        values[plain_symbol(parameter.latex)] = (
            OPTIMIZERS[parameter.choice_id(value)].title
            if parameter.is_choice
            else format_float(value)
        )
    return EquationRow(
        label=row.label,
        schedule_title=schedule.title,
        schedule_latex=schedule.latex,
        values=values,
    )


def gradient_latex(settings: LabSettings) -> str:
    return NOISY_GRADIENT_LATEX if settings.noise > 0 else GRADIENT_LATEX


def equations(settings: LabSettings) -> html.Div:
    return equations_panel(equation_blocks(settings), gradient_latex(settings))


def message_list(messages: list[str]) -> list[html.Ul]:
    return [html.Ul([html.Li(m) for m in messages])] if messages else []


# ---- layout ----------------------------------------------------------------------------------
def control_values(settings: LabSettings) -> dict[str, str]:
    """Text for every control, including the parameters of schedules not currently chosen."""
    flat = settings.to_flat()
    values = dict(flat)
    del values["rows"]  # the table's structure, not a control
    for row in settings.optimizers:
        for schedule in SCHEDULES.values():
            for parameter in schedule.parameters:
                if schedule.id == row.schedule:
                    text = flat[f"{row.id}.{parameter.name}"]
                else:
                    text = format_float(parameter.default)
                values[f"{row.id}.{schedule.id}.{parameter.name}"] = text
    return values


def table(settings: LabSettings) -> html.Div:
    """The optimizer table of `settings`' rows (re-sent only when rows are added or removed)."""
    rows = [
        TableRow(
            key=row.id,
            spec=OPTIMIZERS[row.rule],
            label=row.label,
            color=row_color(row.rule, row.number),
            is_copy=row.number > 1,
        )
        for row in settings.optimizers
    ]
    return optimizer_table(
        rows,
        list(SCHEDULES.values()),
        control_values(settings),
        can_add=len(settings.copies) < MAX_COPIES,
    )


def plot(ident: str, class_name: str) -> html.Div:
    """An empty container the browser draws a Plotly figure into (no dcc.Graph: Dash would load
    its full 4.8 MB plotly.js). The lab styles its own figures for presentation mode."""
    return html.Div(id=ident, className=f"lab-plot {class_name}", **{"data-present-style": "self"})


def layout(**query: str) -> html.Div:
    settings, messages, _ = from_query(urlencode(query))
    values = control_values(settings)
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
            # A row button's request, {"op": duplicate|remove|add, "row"|"rule", "n"}
            # (assets/lab/rows.js).
            dcc.Store(id="lab-row-op"),
            dcc.Store(id="lab-drag"),
            html.Div(id="lab-player-sync", hidden=True),
            html.Div(id="lab-invalid-sync", hidden=True),
            html.Div(
                [
                    html.Div(
                        [
                            html.H1("Optimizer lab"),
                            html.P(
                                "Pick a cost landscape, click or drag the red dot to choose the start, "
                                "pick optimizers and their learning rates, then press play.",
                                className="muted",
                            ),
                        ],
                        className="lab-intro",
                    ),
                    html.Div(
                        message_list(messages),
                        id="lab-messages",
                        className="messages",
                        role="status",
                    ),
                ]
            ),
            html.Div(
                [
                    html.Div(
                        [
                            html.Div(
                                [
                                    landscape_picker(
                                        [(k, v.title) for k, v in LANDSCAPES.items()],
                                        settings.landscape,
                                    ),
                                    html.Div(
                                        dcc.Checklist(
                                            id=field_id("view"),
                                            options=[{"label": " 3-D surface", "value": "surface"}],
                                            value=["surface"] if settings.view == "surface" else [],
                                            className="view-toggle",
                                        ),
                                        **{"data-group": "view"},
                                    ),
                                ],
                                className="landscape-bar",
                            ),
                            html.Div(
                                [
                                    tex(landscape.latex, id="lab-formula"),
                                    html.Span(landscape.note, id="lab-note", className="muted"),
                                ],
                                className="formula",
                            ),
                            html.Div(
                                [
                                    plot("lab-contour", "landscape-graph landscape-base"),
                                    plot("lab-landscape", "landscape-graph landscape-overlay"),
                                    plot("lab-surface", "landscape-graph landscape-surface"),
                                    plot("lab-surface-paths", "landscape-graph landscape-surface"),
                                    html.Div(
                                        "preparing…",
                                        id="lab-status",
                                        className="lab-status",
                                        role="status",
                                        **{"aria-live": "polite"},
                                    ),
                                ],
                                className="landscape-frame",
                                **{"data-fullscreen-target": "1", "data-view": settings.view},
                            ),
                            html.Div(id="lab-cursor", className="cursor-readout muted small"),
                            playback_bar("lab"),
                        ],
                        className="panel lab-main",
                    ),
                    html.Div(
                        [
                            html.Div(
                                [
                                    html.Div(
                                        "Cost against step (log scale)", className="panel-title"
                                    ),
                                    plot("lab-loss", "loss-graph"),
                                    html.Details(
                                        [
                                            html.Summary("Learning rate used at each step"),
                                            plot("lab-schedule", "schedule-graph"),
                                        ],
                                        className="schedule-details",
                                    ),
                                ],
                                className="panel",
                            ),
                            html.Div(
                                [
                                    html.Div("Where they ended", className="panel-title"),
                                    html.Div(id="lab-results", className="results"),
                                ],
                                className="panel",
                                **{"data-group": "results"},
                            ),
                        ],
                        className="lab-side",
                    ),
                ],
                className="lab-grid",
            ),
            html.Div(
                [
                    html.Div("Optimizers", className="panel-title"),
                    run_controls(values, MAX_STEPS),
                    html.Div(table(settings), id="lab-table"),
                ],
                className="panel",
            ),
            html.Div(
                [
                    html.Div("Update rules in use", className="panel-title"),
                    html.Div(equations(settings), id="lab-equations"),
                ],
                className="panel",
                **{"data-group": "equations"},
            ),
        ],
        className="lab",
    )


# ---- the server callbacks --------------------------------------------------------------------
def controls_of(store: Any) -> tuple[dict[str, Any], list[str]]:
    """The controls' values by key and the keys whose change fired the callback, from the
    `lab-controls` store (assets/core/fields.js). Anything malformed reads as nothing."""
    if not isinstance(store, dict):
        return {}, []
    values, changed = store.get("values"), store.get("changed")
    values = (
        {k: v for k, v in values.items() if isinstance(k, str)} if isinstance(values, dict) else {}
    )
    changed = [k for k in changed if isinstance(k, str)] if isinstance(changed, list) else []
    return values, changed


def raw_from_controls(by_key: dict[str, Any], previous: LabSettings) -> dict[str, Any]:
    """Control values keyed by the settings vocabulary (only the chosen schedule's parameters;
    only rows the table has: a control of a row just removed adds nothing back)."""
    raw: dict[str, Any] = {}
    previous_flat = previous.to_flat()
    rows = {o.id for o in previous.optimizers}
    for key, value in by_key.items():
        if key == "rows" or ("." in key and key.partition(".")[0] not in rows):
            continue  # rows change through the row buttons only
        if key == "view":
            raw[key] = "surface" if isinstance(value, list) and "surface" in value else "contour"
        elif key.endswith(".on"):
            raw[key] = "1" if isinstance(value, list) and "on" in value else "0"
        elif key.count(".") == 2:
            optimizer_id, schedule_id, name = key.split(".")
            chosen = by_key.get(
                f"{optimizer_id}.schedule", previous_flat.get(f"{optimizer_id}.schedule")
            )
            if schedule_id == chosen:
                raw[f"{optimizer_id}.{name}"] = value
        else:
            raw[key] = value
    return raw


def start_from_graph(
    click: dict | None, drag: dict | None, trigger: str
) -> tuple[float, float] | None:
    """A new start from a click on the landscape or a drag of the red dot (else None).

    Both come from assets/lab/plane_input.js: a click as {x, y} in data coordinates (Plotly
    reports clicks on traces only, and the plane has no trace under an empty spot); a drag as
    the overlay's relayout data, where the dot is layout shape 0: its anchor (a dot of fixed
    pixel size) or its corners. Non-finite numbers are no start.
    """
    if trigger == "lab-click.data" and isinstance(click, dict) and "x" in click and "y" in click:
        return _as_point(click["x"], click["y"])
    if trigger == "lab-drag.data" and isinstance(drag, dict):
        anchors = ("shapes[0].xanchor", "shapes[0].yanchor")  # a dot of fixed pixel size
        if all(k in drag for k in anchors):
            return _as_point(*(drag[k] for k in anchors))
        corners = ("shapes[0].x0", "shapes[0].x1", "shapes[0].y0", "shapes[0].y1")
        if all(k in drag for k in corners):
            x0, x1, y0, y1 = (drag[k] for k in corners)
            return _as_point(_mean(x0, x1), _mean(y0, y1))
    return None


def _mean(a: Any, b: Any) -> Any:
    try:
        return (float(a) + float(b)) / 2
    except (TypeError, ValueError):
        return None


def _as_point(x: Any, y: Any) -> tuple[float, float] | None:
    try:
        point = float(x), float(y)
    except (TypeError, ValueError):
        return None
    return point if all(math.isfinite(v) for v in point) else None


@callback(
    Output({"type": FIELD, "key": "w1"}, "value", allow_duplicate=True),
    Output({"type": FIELD, "key": "w2"}, "value", allow_duplicate=True),
    Input("lab-click", "data"),
    Input("lab-drag", "data"),
    prevent_initial_call=True,
)
def move_start(click, drag):  # type: ignore[no-untyped-def]
    """A click or a drag of the red dot writes the new start into the w₁, w₂ boxes."""
    trigger = ctx.triggered[0]["prop_id"] if ctx.triggered else ""
    point = start_from_graph(click, drag, trigger)
    if point is None:
        raise dash.exceptions.PreventUpdate  # not a start move
    # A click is as precise as a pointer: three decimals read better than ten.
    return format_float(round(point[0], 3)), format_float(round(point[1], 3))


def equation_updates(settings: LabSettings, previous: LabSettings) -> list[Any]:
    """What changed in the equations panel, in `EQUATION_OUTPUTS` order (else no_update)."""
    new, old = equation_blocks(settings), equation_blocks(previous)

    def changed(value: Any, before: Any) -> Any:
        return dash.no_update if value == before else value

    updates = [
        changed(gradient_latex(settings), gradient_latex(previous)),
        changed(not settings.enabled, not previous.enabled),
    ]
    for block, before in zip(new, old, strict=True):
        updates.append(changed(not block.enabled, not before.enabled))
        schedules = [(r.label, r.schedule_title, r.schedule_latex) for r in block.rows]
        same_schedule = schedules == [
            (r.label, r.schedule_title, r.schedule_latex) for r in before.rows
        ]
        updates.append(dash.no_update if same_schedule else schedule_line(block))
        updates.append(changed(values_text(block), values_text(before)))
    return updates


EQUATION_OUTPUTS = [
    Output(GRADIENT_ID, "children"),
    Output(NONE_ID, "hidden"),
    *(
        Output(part_id(optimizer_id, part), prop)
        for optimizer_id in OPTIMIZERS
        for part, prop in (("block", "hidden"), ("schedule", "children"), ("values", "children"))
    ),
]


def apply_row_op(settings: LabSettings, op: Any) -> tuple[LabSettings, str | None]:
    """`settings` after a row button's request (duplicate / remove / add); a message when the
    request cannot be done. Anything malformed changes nothing."""
    if not isinstance(op, dict):
        return settings, None
    kind, row, rule = op.get("op"), op.get("row"), op.get("rule")
    if kind == "duplicate" and isinstance(row, str):
        return settings.with_copy_of(row)
    if kind == "remove" and isinstance(row, str):
        return settings.without_row(row), None
    if kind == "add" and isinstance(rule, str):
        return settings.with_row_of(rule)
    return settings, None


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
    parts; the table when rows were added or removed).

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
    was_invalid = shown_invalid if isinstance(shown_invalid, list) else None
    # Messages are shown exactly when some value is rejected (the page starts with the link's).
    quiet = not invalid and was_invalid == []
    landscape_changed = settings.landscape != previous.landscape
    rows_changed = [o.id for o in settings.optimizers] != [o.id for o in previous.optimizers]
    landscape = get_landscape(settings.landscape)
    return (
        dash.no_update if settings == previous else lab_data(settings),
        dash.no_update if quiet else message_list(list(rejected.values())),
        dash.no_update if invalid == was_invalid else invalid,
        landscape.latex if landscape_changed else dash.no_update,
        landscape.note if landscape_changed else dash.no_update,
        table(settings) if rows_changed else dash.no_update,
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
clientside_callback(
    ClientsideFunction("lossvizLab", "markInvalid"),
    Output("lab-invalid-sync", "title"),
    Input("lab-invalid", "data"),
)
