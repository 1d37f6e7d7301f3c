"""Controls, legends and panels of the network playground page (Dash elements only).

Everything is built from plain metadata the page passes in (ids, titles, ranges, LaTeX); the
control ids are `pg-<url key>` (e.g. `pg-lr`, `pg-hidden`), optimizer hyperparameters
`pg-hp-<optimizer>-<name>` and schedule parameters `pg-sp-<schedule>-<name>`, so the page maps
controls to the settings vocabulary without a table. Elements carry `data-group` so the
classroom link can hide whole groups (assets/classroom.js).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from dash import dcc, html

from components.log_slider import log_slider
from components.number_box import number_box
from components.playback import playback_bar as shared_playback_bar
from components.playground_network import LINK_LEVEL_LABELS, LINK_STYLES
from components.plot import plot_container

PLAYER = "playground"
COMPARE_PLAYER = "playground-compare"
DEBOUNCE_SECONDS = 0.8
# Frames per animation frame, the first is the default: 1× shows every frame (every epoch up to
# 1000 epochs) one after the other, one per screen refresh, as TensorFlow Playground does;
# ½× holds each frame for two refreshes. assets/playground/playback.js steps by these.
SPEEDS = (("1×", "1"), ("2×", "2"), ("4×", "4"), ("8×", "8"), ("½×", "0.5"), ("¼×", "0.25"))


class Choice(NamedTuple):
    id: str
    title: str


class Param(NamedTuple):
    """A tunable number as a control shows it (from optimizers' HyperParameter)."""

    name: str
    label: str
    latex: str
    default: float
    minimum: float
    maximum: float
    # (id, title) of each option when the parameter picks a rule (Lookahead's inner rule): the
    # control is then a dropdown whose value is the id.
    choices: tuple[tuple[str, str], ...] = ()


class RuleOptions(NamedTuple):
    """An optimizer or schedule with its own parameters."""

    id: str
    title: str
    params: tuple[Param, ...]


class ControlOptions(NamedTuple):
    datasets: tuple[Choice, ...]
    activations: tuple[Choice, ...]
    inits: tuple[Choice, ...]
    optimizers: tuple[RuleOptions, ...]
    schedules: tuple[RuleOptions, ...]
    ranges: Mapping[str, tuple[float, float]]  # URL key → (min, max) for hints


def control_id(key: str) -> str:
    return f"pg-{key}"


def hp_id(optimizer: str, name: str) -> str:
    return f"pg-hp-{optimizer}-{name}"


def sp_id(schedule: str, name: str) -> str:
    return f"pg-sp-{schedule}-{name}"


def _range_hint(ranges: Mapping[str, tuple[float, float]], key: str) -> str:
    if key not in ranges:
        return ""
    low, high = ranges[key]
    return f"{low:g} – {high:g}"


def _field(
    label: Any, key: str, value: str, ranges: Mapping[str, tuple[float, float]], **extra
) -> html.Label:
    hint = extra.pop("hint", None) or _range_hint(ranges, key)
    return html.Label(
        [
            html.Span(label, className="pg-label"),
            number_box(control_id(key), value, "pg-input", debounce=DEBOUNCE_SECONDS, **extra),
        ],
        className="pg-field",
        title=f"valid: {hint}" if hint else None,
    )


def _rate_field(
    label: str, key: str, value: str, ranges: Mapping[str, tuple[float, float]]
) -> html.Label:
    """A rate's box with a log-scale slider under it that writes the box while dragged
    (components/log_slider.py)."""
    field = _field(label, key, value, ranges)
    low, high = ranges[key]
    field.children.append(log_slider(control_id(key), value, low, high, label))
    return field


def _section(title: str, group: str, children: list, label: str | None = None) -> html.Section:
    return html.Section(
        [html.H2(title, className="panel-title"), *children],
        className="pg-section",
        **{"data-group": group, "data-group-label": label or title.lower()},
    )


def controls_panel(
    values: Mapping[str, str], options: ControlOptions, info: Mapping[str, Any] | None = None
) -> html.Div:
    """Every training control: data, network, initialization, training, regularization.

    `values` maps URL keys (and `hp.<optimizer>.<name>`, `sp.<schedule>.<name>`) to the text
    each control shows; `info` the first children of the explanations ("act", "init", "opt"),
    which the training callback replaces.
    """
    info = info or {}
    r = options.ranges
    data = _section(
        "Data",
        "data",
        [
            dcc.RadioItems(
                id=control_id("data"),
                options=[{"label": c.title, "value": c.id} for c in options.datasets],
                value=values["data"],
                className="pg-pills",
                inputClassName="pg-pill-input",
                labelClassName="pg-pill",
            ),
            html.Div(
                [
                    _field("Noise σ", "noise", values["noise"], r),
                    _field("Train fraction", "train", values["train"], r),
                    _field("Points", "n", values["n"], r, inputMode="numeric"),
                    _field("Data seed", "dseed", values["dseed"], r, inputMode="numeric"),
                ],
                className="pg-row pg-row-4",
            ),
        ],
    )
    network = _section(
        "Network",
        "network",
        [
            html.Div(
                [
                    _field(
                        "Hidden layers",
                        "hidden",
                        values["hidden"],
                        r,
                        inputMode="text",
                        hint="1–6 layers of 1–16 neurons, e.g. 6, 3",
                        placeholder="e.g. 6, 3",
                    ),
                    html.Label(
                        [
                            html.Span("Activation", className="pg-label"),
                            dcc.Dropdown(
                                id=control_id("act"),
                                options=[
                                    {"label": c.title, "value": c.id} for c in options.activations
                                ],
                                value=values["act"],
                                clearable=False,
                                searchable=False,
                                className="pg-dropdown",
                            ),
                        ],
                        className="pg-field",
                    ),
                ],
                className="pg-row pg-row-2",
            ),
            html.Div(info.get("act"), id="pg-act-info", className="pg-math small"),
        ],
    )
    init = _section(
        "Initialization",
        "init",
        [
            dcc.RadioItems(
                id=control_id("init"),
                options=[{"label": c.title, "value": c.id} for c in options.inits],
                value=values["init"],
                className="pg-pills",
                inputClassName="pg-pill-input",
                labelClassName="pg-pill",
            ),
            html.Div(info.get("init"), id="pg-init-info", className="pg-math"),
            html.Div(
                _field(
                    "Scale s (empty: the scheme's own)",
                    "scale",
                    values.get("scale", ""),
                    r,
                    hint="≥ 0",
                ),
                className="pg-row",
            ),
        ],
    )
    hyper_groups = []
    for rule in options.optimizers:
        fields = [
            _param_field(hp_id(rule.id, p.name), p, values.get(f"hp.{rule.id}.{p.name}", ""))
            for p in rule.params
        ]
        hyper_groups.append(
            html.Div(
                fields or [html.Span("No other hyperparameters.", className="muted small")],
                className="pg-row pg-row-2 pg-rule-params",
                hidden=rule.id != values["opt"],
                **{"data-rule": rule.id},
            )
        )
    schedule_groups = []
    for rule in options.schedules:
        fields = [
            _param_field(sp_id(rule.id, p.name), p, values.get(f"sp.{rule.id}.{p.name}", ""))
            for p in rule.params
        ]
        schedule_groups.append(
            html.Div(
                fields,
                className="pg-row pg-row-2 pg-rule-params",
                hidden=rule.id != values["sched"] or not fields,
                **{"data-rule": rule.id},
            )
        )
    training = _section(
        "Training",
        "training",
        [
            html.Div(
                [
                    html.Label(
                        [
                            html.Span("Optimizer (update rule)", className="pg-label"),
                            dcc.Dropdown(
                                id=control_id("opt"),
                                options=[
                                    {"label": o.title, "value": o.id} for o in options.optimizers
                                ],
                                value=values["opt"],
                                clearable=False,
                                searchable=False,
                                className="pg-dropdown",
                            ),
                        ],
                        className="pg-field pg-span-2",
                    ),
                    _rate_field("Learning rate η₀", "lr", values["lr"], r),
                    _field(
                        "Batch size",
                        "batch",
                        values["batch"],
                        r,
                        inputMode="text",
                        hint="“full” or 1 – number of training points",
                    ),
                    html.Label(
                        [
                            html.Span("LR schedule", className="pg-label"),
                            dcc.Dropdown(
                                id=control_id("sched"),
                                options=[
                                    {"label": s.title, "value": s.id} for s in options.schedules
                                ],
                                value=values["sched"],
                                clearable=False,
                                searchable=False,
                                className="pg-dropdown",
                            ),
                        ],
                        className="pg-field pg-span-2",
                    ),
                    _field("Epochs", "epochs", values["epochs"], r, inputMode="numeric"),
                    _field("Seed", "seed", values["seed"], r, inputMode="numeric"),
                ],
                className="pg-row pg-row-2",
            ),
            html.Div(schedule_groups, id="pg-schedule-params"),
            html.Details(
                [
                    html.Summary("Optimizer hyperparameters and update rule"),
                    html.Div(hyper_groups, id="pg-optimizer-params"),
                    html.Div(info.get("opt"), id="pg-opt-info", className="pg-math small"),
                ],
                className="pg-details",
            ),
        ],
    )
    regularization = _section(
        "Regularization",
        "regularization",
        [
            html.Div(
                [
                    _field("L1 λ₁", "l1", values["l1"], r),
                    _field("L2 λ₂", "l2", values["l2"], r),
                    _field("Keep prob. p", "keep", values["keep"], r),
                ],
                className="pg-row pg-row-3",
            ),
            html.Div(
                [
                    _field(
                        "Early stop patience",
                        "patience",
                        values["patience"],
                        r,
                        inputMode="numeric",
                        hint="epochs without a lower test loss; 0 = off",
                    ),
                ],
                className="pg-row pg-row-3",
            ),
        ],
    )
    return html.Div(
        [data, network, init, training, regularization],
        className="pg-controls panel",
        id="pg-controls",
    )


def _param_field(component_id: str, param: Param, value: str) -> html.Label:
    """A parameter's box (a dropdown when it picks a rule), labelled with its default."""
    if param.choices:  # Lookahead's inner rule A: the rule's id
        default = dict(param.choices)[param.choices[round(param.default)][0]]
        control = dcc.Dropdown(
            id=component_id,
            options=[{"label": title, "value": ident} for ident, title in param.choices],
            value=value,
            clearable=False,
            searchable=False,
            className="pg-choice",
        )
        extra = {}
    else:
        default = f"{param.default:g}"
        control = number_box(component_id, value, "pg-input", debounce=DEBOUNCE_SECONDS)
        extra = {"title": f"valid: {param.minimum:g} – {param.maximum:g}"}
    return html.Label(
        [
            html.Span(
                [param.label, " ", html.Span(f"({default} default)", className="muted")],
                className="pg-label",
            ),
            control,
        ],
        className="pg-field",
        **extra,
    )


def playback_bar(player: str, counter: str = "Epoch 0") -> html.Div:
    """The playground's play bar; its speeds are frames per animation frame (frame-locked)."""
    return shared_playback_bar(player, counter=counter, unit="frame", speeds=SPEEDS, prefix="pg")


def node_legend(items: Sequence[tuple[str, str]]) -> list:
    """'Node type: ● Input ● ReLU ● Sigmoid' (the slide's legend)."""
    return [
        html.Span("Node type:", className="pg-legend-title"),
        *[
            html.Span(
                [html.Span(className="pg-dot", style={"background": color}), label],
                className="pg-legend-item",
            )
            for label, color in items
        ],
    ]


def link_legend() -> html.Div:
    """Link colours (sign) and widths (|value| levels), for weights and for gradients.

    Both label rows are in the page; CSS shows the one matching the panel's `data-view`.
    """
    negative = [s for s in LINK_STYLES if s["sign"] < 0]
    positive = [s for s in LINK_STYLES if s["sign"] > 0]
    zero = LINK_STYLES[0]

    def swatch(style: dict) -> html.Span:
        return html.Span(
            className="pg-line",
            style={"background": style["color"], "height": f"{max(2, style['width'])}px"},
        )

    rows = []
    for view, labels in LINK_LEVEL_LABELS.items():
        symbol = "w" if view == "weights" else "∂L/∂w"
        rows.append(
            html.Div(
                [
                    html.Div(
                        [
                            html.Span(
                                f"Link colour = sign of {symbol}:", className="pg-legend-title"
                            ),
                            html.Span(
                                [swatch(negative[-1]), "negative"], className="pg-legend-item"
                            ),
                            html.Span(
                                [swatch(positive[-1]), "positive"], className="pg-legend-item"
                            ),
                        ],
                        className="pg-legend",
                    ),
                    html.Div(
                        [
                            html.Span(f"width = |{symbol}|:", className="pg-legend-title"),
                            html.Span([swatch(zero), labels[0]], className="pg-legend-item"),
                            *[
                                html.Span([swatch(style), label], className="pg-legend-item")
                                for style, label in zip(positive, labels[1:], strict=True)
                            ],
                        ],
                        className="pg-legend",
                    ),
                ],
                className=f"pg-link-legend pg-only-{view}",
            )
        )
    return html.Div(rows)


def view_toggle(value: str) -> dcc.RadioItems:
    return dcc.RadioItems(
        id="pg-view",
        options=[
            {"label": "Weights", "value": "weights"},
            {"label": "Gradients", "value": "gradients"},
        ],
        value=value,
        className="pg-segmented",
        inputClassName="pg-pill-input",
        labelClassName="pg-pill",
    )


def tab_toggle(value: str) -> dcc.RadioItems:
    return dcc.RadioItems(
        id="pg-tab",
        options=[
            {"label": "Train one network", "value": "train"},
            {"label": "Compare initializations", "value": "compare"},
        ],
        value=value,
        className="pg-tabs",
        inputClassName="pg-pill-input",
        labelClassName="pg-tab",
    )


def controls_toggle() -> html.Button:
    """Shows or hides the controls column where it gives way to the plots (presentation mode
    on a short screen: assets/playground.css, assets/playground/controls_drawer.js); hidden
    elsewhere."""
    return html.Button(
        "☰ Controls",
        className="pg-controls-toggle",
        title="Show or hide the controls (Esc hides them)",
        **{"aria-controls": "pg-controls", "aria-expanded": "false"},
    )


def stats_block() -> html.Div:
    """Big numbers and the early-stopping sentence (filled by assets/playground/stats.js every
    frame)."""

    def stat(label: str, role: str) -> html.Div:
        return html.Div(
            [
                html.Span(label, className="pg-stat-label"),
                html.Span("–", className="pg-stat-value", **{"data-stat": role}),
            ],
            className="pg-stat",
        )

    return html.Div(
        [
            html.Div(
                [
                    stat("Train loss", "trainLoss"),
                    stat("Test loss", "testLoss"),
                    stat("Train accuracy", "trainAcc"),
                    stat("Test accuracy", "testAcc"),
                    stat("Learning rate", "lr"),
                ],
                className="pg-stats",
                id="pg-stats",
            ),
            # What early stopping does at the shown frame (stats.js), hidden without it.
            html.P(id="pg-early-stop", className="pg-early-stop", hidden=True, role="status"),
        ]
    )


def graph(component_id: str, height: int) -> html.Div:
    """A plot container of the playground (components/plot.py), `height` px tall."""
    return plot_container(component_id, "pg-graph", height)
