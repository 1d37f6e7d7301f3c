"""Optimizer lab page: pick a landscape and a start, pick optimizers, watch them walk downhill.

One server callback turns every control change into validated settings, asks the (cached)
engine for the whole run once and sends it to the browser; playback runs in assets/lab.js.
A landscape or view change sends a new figure; any other change sends a small Patch plus the
run (float32, base64).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import dash
import numpy as np
from dash import ALL, Input, Output, Patch, State, callback, clientside_callback, ctx, dcc, html

from components.encoding import encode_array
from components.lab_controls import (
    FIELD,
    field_id,
    landscape_picker,
    optimizer_table,
    playback_bar,
    run_controls,
)
from components.lab_equations import EquationBlock, equations_panel
from components.lab_figures import (
    FIRST_PATH_TRACE,
    Marker,
    TraceStyle,
    landscape_figures,
    log_offset,
    loss_figure,
    schedule_figure,
    start_shape,
)
from components.palette import OPTIMIZER_COLORS
from landscapes import LANDSCAPES, evaluate_grid, get_landscape
from optimizers.config import OptimizerConfig
from optimizers.engine import trajectories
from optimizers.specs import GRADIENT_LATEX, NOISY_GRADIENT_LATEX, OPTIMIZERS, SCHEDULES
from serving.cache import get_or_compute
from settings.fields import format_float
from settings.optimizer_lab import (
    MAX_STEPS,
    LabSettings,
    from_query,
    parse_flat,
    parse_flat_detailed,
)

dash.register_page(
    __name__, path="/optimizers", name="Optimizer lab", title="Optimizer lab", order=1
)

GRID_POINTS = 180  # display grid: 180² float32 keeps a landscape change well under 400 KB


# ---- engine calls (cached by canonical keys) ------------------------------------------------
def landscape_grid(landscape_id: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return get_or_compute(
        f"grid:v1:{landscape_id}:{GRID_POINTS}", lambda: evaluate_grid(landscape_id, GRID_POINTS)
    )


def engine_configs(settings: LabSettings) -> list[OptimizerConfig]:
    return [
        OptimizerConfig(
            optimizer=row.id,
            enabled=True,
            lr=row.lr,
            schedule=row.schedule,
            schedule_params=row.schedule_values,
            hyperparams=row.hyperparam_values,
        )
        for row in settings.enabled
    ]


def run_payload(settings: LabSettings) -> dict[str, Any]:
    """The whole run as the browser needs it (cached: identical settings are computed once)."""

    def compute() -> dict[str, Any]:
        landscape = get_landscape(settings.landscape)
        results = trajectories(
            settings.landscape,
            settings.start,
            engine_configs(settings),
            settings.steps,
            noise_sigma=settings.noise,
            seed=settings.seed,
        )
        index = {o.id: i for i, o in enumerate(settings.optimizers)}
        runs = []
        for result in results:
            i = index[result.optimizer]
            runs.append(
                {
                    "id": result.optimizer,
                    "title": OPTIMIZERS[result.optimizer].title,
                    "path_trace": FIRST_PATH_TRACE + 2 * i,
                    "head_trace": FIRST_PATH_TRACE + 2 * i + 1,
                    "loss_trace": i,
                    "path": encode_array(result.path, "float32"),
                    "loss": encode_array(result.loss, "float32"),
                    "lr": _encode_learning_rates(result.lr),
                    "diverged_at": result.diverged_at,
                    "final_loss": float(result.loss[-1]) if len(result.loss) else None,
                    "final_point": [float(v) for v in result.path[-1]],
                    "nearest_minimum": _nearest_minimum(landscape, result.path[-1]),
                }
            )
        _, _, z = landscape_grid(settings.landscape)
        return {
            "steps": settings.steps,
            "min_value": landscape.min_value,
            "log_offset": log_offset(z, landscape.min_value),
            "runs": runs,
        }

    return get_or_compute(settings.cache_key(), compute)


def _encode_learning_rates(rates: np.ndarray) -> dict[str, Any]:
    """A constant schedule needs one number, not one per step."""
    if len(rates) and np.all(rates == rates[0]):
        return {"constant": float(rates[0]), "length": len(rates)}
    return encode_array(rates, "float32")


def _nearest_minimum(landscape: Any, point: np.ndarray) -> str | None:
    """'global (3, 2)' when the point is within 2 % of the domain of a listed minimum."""
    (x_min, x_max), (y_min, y_max) = landscape.domain
    tolerance = 0.02 * max(x_max - x_min, y_max - y_min)
    for minimum in landscape.minima:
        if np.hypot(point[0] - minimum.x, point[1] - minimum.y) <= tolerance:
            return f"{minimum.kind} ({minimum.x:.3g}, {minimum.y:.3g})"
    return None


# ---- figures ---------------------------------------------------------------------------------
def trace_styles(settings: LabSettings, payload: dict[str, Any] | None = None) -> list[TraceStyle]:
    diverged = {run["id"]: run["diverged_at"] for run in (payload or {}).get("runs", [])}
    return [
        TraceStyle(
            id=row.id,
            title=OPTIMIZERS[row.id].title,
            color=OPTIMIZER_COLORS[row.id],
            visible=row.enabled,
            diverged_at=diverged.get(row.id),
        )
        for row in settings.optimizers
    ]


def new_figures(settings: LabSettings, payload: dict[str, Any]) -> tuple[dict, dict, dict, dict]:
    """Contour, overlay, cost chart and schedule chart as plain dicts, cached.

    Building and validating plotly figures costs far more than the engine, and a class opens
    the same few views again and again, so the finished figures are cached by what they show.
    """
    styles = trace_styles(settings, payload)
    shown = ",".join(f"{s.id}:{int(s.visible)}:{s.diverged_at}" for s in styles)
    start = f"{format_float(settings.start[0])},{format_float(settings.start[1])}"
    key = f"fig:lab:v3:{settings.landscape}:{settings.view}:{start}:{settings.steps}:{shown}"

    def build() -> tuple[dict, dict, dict, dict]:
        contour, overlay = full_landscape_figures(settings, payload)
        return (
            _as_dict(contour),
            _as_dict(overlay),
            loss_figure(styles, settings.steps).to_plotly_json(),
            schedule_figure(styles, settings.steps).to_plotly_json(),
        )

    return get_or_compute(key, build)


def _as_dict(figure: Any) -> dict:
    return figure if isinstance(figure, dict) else figure.to_plotly_json()


def full_landscape_figures(settings: LabSettings, payload: dict[str, Any]) -> tuple[Any, Any]:
    """(contour or an empty figure in 3-D, overlay)."""
    landscape = get_landscape(settings.landscape)
    xs, ys, z = landscape_grid(settings.landscape)
    base, overlay = landscape_figures(
        xs,
        ys,
        z,
        min_value=landscape.min_value,
        domain=landscape.domain,
        minima=[Marker(m.x, m.y, m.value, m.kind) for m in landscape.minima],
        start=settings.start,
        styles=trace_styles(settings, payload),
        view=settings.view,
    )
    return (base if base is not None else _empty_figure()), overlay


def patch_landscape_figure(settings: LabSettings, payload: dict[str, Any]) -> Patch:
    """Same landscape and view: only names, visibility, head symbols and the start move."""
    patch = Patch()
    for i, style in enumerate(trace_styles(settings, payload)):
        path, head = FIRST_PATH_TRACE + 2 * i, FIRST_PATH_TRACE + 2 * i + 1
        patch["data"][path]["name"] = style.legend_name
        patch["data"][path]["visible"] = style.visible
        patch["data"][head]["visible"] = style.visible
        patch["data"][head]["marker"]["symbol"] = "x" if style.diverged_at is not None else "circle"
    if settings.view == "surface":
        patch["data"][2]["x"] = [settings.start[0]]
        patch["data"][2]["y"] = [settings.start[1]]
    else:
        patch["layout"]["shapes"][0] = start_shape(
            *settings.start, get_landscape(settings.landscape).domain
        )
    return patch


def patch_side_figure(settings: LabSettings, payload: dict[str, Any], with_names: bool) -> Patch:
    patch = Patch()
    for i, style in enumerate(trace_styles(settings, payload)):
        patch["data"][i]["visible"] = style.visible
        if with_names:
            patch["data"][i]["name"] = style.legend_name
    patch["layout"]["xaxis"]["range"] = [0, settings.steps]
    return patch


_PLAIN_SYMBOLS = {
    r"\eta_0": "η₀",
    r"\alpha": "α",
    r"\gamma": "γ",
    r"\beta_1": "β₁",
    r"\beta_2": "β₂",
    r"\epsilon": "ε",
}


def plain_symbol(latex: str) -> str:
    """A hyperparameter's symbol as text ('\\beta_1' -> 'β₁'; 'k' stays 'k')."""
    return _PLAIN_SYMBOLS.get(latex, latex)


def equation_blocks(settings: LabSettings) -> list[EquationBlock]:
    blocks = []
    for row in settings.enabled:
        spec = OPTIMIZERS[row.id]
        schedule = SCHEDULES[row.schedule]
        values = {"η₀": format_float(row.lr)}
        for parameter in schedule.parameters:
            values[plain_symbol(parameter.latex)] = format_float(
                row.schedule_values[parameter.name]
            )
        for parameter in spec.rule_hyperparameters:
            values[plain_symbol(parameter.latex)] = format_float(
                row.hyperparam_values[parameter.name]
            )
        blocks.append(
            EquationBlock(
                id=row.id,
                title=spec.title,
                color=OPTIMIZER_COLORS[row.id],
                update_latex=spec.latex,
                schedule_title=schedule.title,
                schedule_latex=schedule.latex,
                values=values,
                note=spec.note,
            )
        )
    return blocks


def results_table(settings: LabSettings, payload: dict[str, Any]) -> dcc.Markdown:
    """Where each optimizer ended: a number to read, not just a picture (one Markdown table)."""
    rows = [
        f"| optimizer | J after {settings.steps} steps | final w | outcome |",
        "|---|---:|---|---|",
    ]
    for run in payload["runs"]:
        if run["diverged_at"] is not None:
            outcome = f"<span class='bad'>diverged at step {run['diverged_at']}</span>"
        elif run["nearest_minimum"]:
            outcome = f"<span class='good'>reached {run['nearest_minimum']}</span>"
        else:
            outcome = "<span class='muted'>still on its way</span>"
        final = run["final_loss"]
        x, y = run["final_point"]
        rows.append(f"| {run['title']} | `{final:.6g}` | `({x:.4g}, {y:.4g})` | {outcome} |")
    # Only our own titles and numbers appear here, so allowing the inline HTML is safe.
    return dcc.Markdown("\n".join(rows), dangerously_allow_html=True, className="results")


# ---- layout ----------------------------------------------------------------------------------
def control_values(settings: LabSettings) -> dict[str, str]:
    """Text for every control, including the parameters of schedules not currently chosen."""
    flat = settings.to_flat()
    values = dict(flat)
    for row in settings.optimizers:
        for schedule in SCHEDULES.values():
            for parameter in schedule.parameters:
                if schedule.id == row.schedule:
                    text = flat[f"{row.id}.{parameter.name}"]
                else:
                    text = format_float(parameter.default)
                values[f"{row.id}.{schedule.id}.{parameter.name}"] = text
    return values


def layout(**query: str) -> html.Div:
    settings, messages, _ = from_query(urlencode(query))
    values = control_values(settings)
    landscape = get_landscape(settings.landscape)
    return html.Div(
        [
            dcc.Store(id="lab-settings", data=settings.to_flat()),
            dcc.Store(id="lab-run"),
            dcc.Store(id="lab-query"),
            dcc.Store(id="lab-invalid", data=[]),
            dcc.Store(id="lab-click"),
            html.Div(id="lab-player-sync", hidden=True),
            html.Div(id="lab-url-sync", hidden=True),
            html.Div(id="lab-schedule-sync", hidden=True),
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
                        [html.Ul([html.Li(m) for m in messages])] if messages else [],
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
                                    dcc.Markdown(
                                        f"${landscape.latex}$", mathjax=True, id="lab-formula"
                                    ),
                                    html.Span(landscape.note, id="lab-note", className="muted"),
                                ],
                                className="formula",
                            ),
                            html.Div(
                                [
                                    dcc.Graph(
                                        id="lab-contour",
                                        figure=_empty_figure(),
                                        config={"staticPlot": True},
                                        className="landscape-graph landscape-base",
                                    ),
                                    dcc.Graph(
                                        id="lab-landscape",
                                        figure=_empty_figure(),
                                        config={
                                            "edits": {"shapePosition": True},
                                            "displaylogo": False,
                                            "displayModeBar": False,
                                            "scrollZoom": False,
                                            "doubleClick": False,
                                        },
                                        className="landscape-graph landscape-overlay",
                                    ),
                                ],
                                className="landscape-frame",
                                **{"data-fullscreen-target": "1"},
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
                                    dcc.Graph(
                                        id="lab-loss",
                                        figure=_empty_figure(),
                                        config={"displaylogo": False},
                                        className="loss-graph",
                                    ),
                                    html.Details(
                                        [
                                            html.Summary("Learning rate used at each step"),
                                            dcc.Graph(
                                                id="lab-schedule",
                                                figure=_empty_figure(),
                                                config={"displaylogo": False},
                                                className="schedule-graph",
                                            ),
                                        ],
                                        className="schedule-details",
                                    ),
                                ],
                                className="panel",
                            ),
                            html.Div(
                                [
                                    html.Div("Where they ended", className="panel-title"),
                                    html.Div(id="lab-results"),
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
                    optimizer_table(
                        list(OPTIMIZERS.values()),
                        list(SCHEDULES.values()),
                        values,
                        OPTIMIZER_COLORS,
                    ),
                ],
                className="panel",
            ),
            html.Div(
                [
                    html.Div("Update rules in use", className="panel-title"),
                    html.Div(id="lab-equations"),
                ],
                className="panel",
                **{"data-group": "equations"},
            ),
        ],
        className="lab",
    )


def _empty_figure() -> dict[str, Any]:
    return {
        "data": [],
        "layout": {
            "xaxis": {"visible": False},
            "yaxis": {"visible": False},
            "paper_bgcolor": "white",
            "plot_bgcolor": "white",
        },
    }


# ---- the one server callback ---------------------------------------------------------------
def raw_from_controls(
    fields: list[dict[str, Any]], settings_flat: dict[str, str]
) -> dict[str, Any]:
    """Control values keyed by the settings vocabulary (only the chosen schedule's parameters)."""
    raw: dict[str, Any] = {}
    by_key = {f["id"]["key"]: f.get("value") for f in fields}
    for key, value in by_key.items():
        if key == "view":
            raw[key] = "surface" if isinstance(value, list) and "surface" in value else "contour"
        elif key.endswith(".on"):
            raw[key] = "1" if isinstance(value, list) and "on" in value else "0"
        elif key.count(".") == 2:
            optimizer_id, schedule_id, name = key.split(".")
            chosen = by_key.get(
                f"{optimizer_id}.schedule", settings_flat.get(f"{optimizer_id}.schedule")
            )
            if schedule_id == chosen:
                raw[f"{optimizer_id}.{name}"] = value
        else:
            raw[key] = value
    return raw


def start_from_graph(
    click: dict | None, relayout: dict | None, trigger: str
) -> tuple[float, float] | None:
    """A new start from a click on the landscape or a drag of the red dot (else None).

    Clicks come from assets/lab.js as {x, y} in data coordinates (Plotly reports clicks on
    traces only, and the plane has no trace under an empty spot).
    """
    if trigger == "lab-click.data" and isinstance(click, dict) and "x" in click and "y" in click:
        return _as_point(click["x"], click["y"])
    if trigger == "lab-landscape.relayoutData" and isinstance(relayout, dict):
        keys = ("shapes[0].x0", "shapes[0].x1", "shapes[0].y0", "shapes[0].y1")
        if all(k in relayout for k in keys):
            x0, x1, y0, y1 = (relayout[k] for k in keys)
            centre = _as_point(_mean(x0, x1), _mean(y0, y1))
            return centre
    return None


def _mean(a: Any, b: Any) -> Any:
    try:
        return (float(a) + float(b)) / 2
    except (TypeError, ValueError):
        return None


def _as_point(x: Any, y: Any) -> tuple[float, float] | None:
    try:
        return float(x), float(y)
    except (TypeError, ValueError):
        return None


@callback(
    Output({"type": FIELD, "key": "w1"}, "value", allow_duplicate=True),
    Output({"type": FIELD, "key": "w2"}, "value", allow_duplicate=True),
    Input("lab-click", "data"),
    Input("lab-landscape", "relayoutData"),
    prevent_initial_call=True,
)
def move_start(click, relayout):  # type: ignore[no-untyped-def]
    """A click or a drag of the red dot writes the new start into the w₁, w₂ boxes."""
    trigger = ctx.triggered[0]["prop_id"] if ctx.triggered else ""
    point = start_from_graph(click, relayout, trigger)
    if point is None:
        raise dash.exceptions.PreventUpdate  # zoom, pan or autosize: not a start move
    # A click is as precise as a pointer: three decimals read better than ten.
    return format_float(round(point[0], 3)), format_float(round(point[1], 3))


@callback(
    Output("lab-contour", "figure"),
    Output("lab-landscape", "figure"),
    Output("lab-loss", "figure"),
    Output("lab-schedule", "figure"),
    Output("lab-run", "data"),
    Output("lab-settings", "data"),
    Output("lab-query", "data"),
    Output("lab-messages", "children"),
    Output("lab-invalid", "data"),
    Output({"type": FIELD, "key": "w1"}, "value"),
    Output({"type": FIELD, "key": "w2"}, "value"),
    Output("lab-equations", "children"),
    Output("lab-results", "children"),
    Output("lab-formula", "children"),
    Output("lab-note", "children"),
    Input({"type": FIELD, "key": ALL}, "value"),
    State("lab-settings", "data"),
)
def update_lab(_values, settings_flat):  # type: ignore[no-untyped-def]
    """Controls → validated settings → cached run → figures and the run store."""
    trigger = ctx.triggered_id
    previous, _ = parse_flat(
        settings_flat if isinstance(settings_flat, dict) else {}, LabSettings.default()
    )
    fields = ctx.inputs_list[0]
    raw = raw_from_controls(fields, settings_flat if isinstance(settings_flat, dict) else {})
    if isinstance(trigger, dict) and trigger.get("key") == "landscape":
        raw.pop("w1", None)  # a new landscape starts from its own default start
        raw.pop("w2", None)

    settings, rejected = parse_flat_detailed(raw, previous)
    messages, invalid = list(rejected.values()), set(rejected)

    payload = run_payload(settings)
    new_figure = (
        not ctx.triggered
        or settings.landscape != previous.landscape
        or settings.view != previous.view
        or trigger is None
    )
    if new_figure:
        contour_fig, landscape_fig, loss_fig, schedule_fig = new_figures(settings, payload)
    else:
        contour_fig = dash.no_update
        landscape_fig = patch_landscape_figure(settings, payload)
        loss_fig = patch_side_figure(settings, payload, with_names=True)
        schedule_fig = patch_side_figure(settings, payload, with_names=False)

    landscape = get_landscape(settings.landscape)
    run = {**payload, "view": settings.view}
    message_list = [html.Ul([html.Li(m) for m in messages])] if messages else []
    gradient = NOISY_GRADIENT_LATEX if settings.noise > 0 else GRADIENT_LATEX
    return (
        contour_fig,
        landscape_fig,
        loss_fig,
        schedule_fig,
        run,
        settings.to_flat(),
        settings.to_query(),
        message_list,
        sorted(invalid),
        format_float(settings.start[0]),
        format_float(settings.start[1]),
        equations_panel(equation_blocks(settings), gradient),
        results_table(settings, payload),
        f"${landscape.latex}$",
        landscape.note,
    )


# The run goes to the browser's player; the URL follows the settings without reloading the page.
clientside_callback(
    "function (run) { return window.LossViz && window.LossViz.lab ? window.LossViz.lab.load(run) : ''; }",
    Output("lab-player-sync", "children"),
    Input("lab-run", "data"),
)
clientside_callback(
    """function (query) {
        if (query === undefined || query === null) { return window.dash_clientside.no_update; }
        const keep = new URLSearchParams(window.location.search);
        const next = new URLSearchParams(query);
        for (const key of ["hide", "present"]) { if (keep.has(key)) next.set(key, keep.get(key)); }
        const text = next.toString();
        window.history.replaceState(null, "", window.location.pathname + (text ? "?" + text : ""));
        return window.dash_clientside.no_update;
    }""",
    Output("lab-url-sync", "title"),
    Input("lab-query", "data"),
)
# Rejected values are outlined in the box that holds them (the run keeps the last good value).
clientside_callback(
    """function (keys) {
        document.querySelectorAll('.lab .invalid').forEach(function (el) { el.classList.remove('invalid'); });
        (keys || []).forEach(function (key) {
            const id = JSON.stringify({key: key, type: "lab-field"});
            const input = document.getElementById(id);
            const box = input && (input.closest('.dash-input-container') || input);
            if (box) { box.classList.add('invalid'); }
        });
        return window.dash_clientside.no_update;
    }""",
    Output("lab-invalid-sync", "title"),
    Input("lab-invalid", "data"),
)
clientside_callback(
    """function (schedules, ids) {
        (ids || []).forEach(function (id, i) {
            if (!id.key.endsWith(".schedule")) { return; }
            const optimizer = id.key.split(".")[0];
            document.querySelectorAll('.schedule-params[data-opt="' + optimizer + '"]').forEach(function (el) {
                el.hidden = el.dataset.schedule !== schedules[i];
            });
        });
        return window.dash_clientside.no_update;
    }""",
    Output("lab-schedule-sync", "title"),
    Input({"type": FIELD, "key": ALL}, "value"),
    State({"type": FIELD, "key": ALL}, "id"),
)
