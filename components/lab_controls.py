"""Controls of the optimizer lab: the landscape picker, run settings and the optimizer table.

Every input carries the id {"type": "lab-field", "key": <key>} where key is the settings
vocabulary (settings/optimizer_lab.py): "steps", "gd.lr", "adam.beta1"… Schedule parameters
name their schedule ("gd.inverse_time.decay_rate"): a row holds only its chosen schedule's, and
until the server's new row arrives the old schedule's boxes cannot be read as the new one's
(a newly chosen schedule starts at its defaults). Specs are passed in by the page (this module imports no engine).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from dash import dcc, html

from components.log_slider import log_slider
from components.number_box import number_box

FIELD = "lab-field"

# A hyperparameter's symbol as plain text, for the controls (the equations panel typesets the
# LaTeX; fifty small KaTeX renders in the table would cost the first open more than they add).
# Generic: Greek letter commands and subscripts, so a new rule needs no entry here.
_GREEK = {
    name: chr(code)
    for name, code in (
        ("alpha", 0x3B1), ("beta", 0x3B2), ("gamma", 0x3B3), ("delta", 0x3B4),
        ("epsilon", 0x3B5), ("zeta", 0x3B6), ("eta", 0x3B7), ("theta", 0x3B8),
        ("kappa", 0x3BA), ("lambda", 0x3BB), ("mu", 0x3BC), ("nu", 0x3BD), ("xi", 0x3BE),
        ("pi", 0x3C0), ("rho", 0x3C1), ("sigma", 0x3C3), ("tau", 0x3C4), ("phi", 0x3C6),
        ("chi", 0x3C7), ("psi", 0x3C8), ("omega", 0x3C9),
    )
}  # fmt: skip
_SUBSCRIPT_DIGITS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_LATEX_SYMBOL = re.compile(r"\\([A-Za-z]+)|_\{([^}]*)\}|_([0-9A-Za-z])")


def plain_symbol(latex: str) -> str:
    """A hyperparameter's symbol as text ('\\beta_1' -> 'β₁', 'T_0' -> 'T₀'; 'k' stays 'k')."""

    def replace(match: re.Match[str]) -> str:
        command, braced, single = match.groups()
        if command is not None:
            return _GREEK.get(command, command)
        sub = braced if braced is not None else single
        return sub.translate(_SUBSCRIPT_DIGITS) if sub.isdigit() else "_" + sub

    return _LATEX_SYMBOL.sub(replace, latex)


def field_id(key: str) -> dict[str, str]:
    return {"type": FIELD, "key": key}


def text_input(
    key: str,
    value: str,
    *,
    label: str,
    width: str = "6.5rem",
    title: str = "",
    symbol: str = "",
) -> html.Label:
    """A text box for a number: text (not type=number) so bad input reaches validation.

    dcc.Input takes no title/aria attributes, so a label element around it carries them.
    `symbol` ('α', 'β₁', 'k') is shown before the box by CSS (`data-sym`): one component per
    parameter instead of three, as the table has fifty of them.
    """
    extra = {"data-sym": symbol} if symbol else {}
    return html.Label(
        number_box(field_id(key), value, "num", debounce=True, style={"width": width}),
        title=title or label,
        className="num-label param" if symbol else "num-label",
        **{"aria-label": label},
        **extra,
    )


def landscape_picker(options: Sequence[tuple[str, str]], value: str) -> html.Div:
    """The landscape dropdown; `data-landscapes` maps each title to its id, so the browser can
    fetch a landscape's grid while the pointer rests on its option (assets/lab/main.js)."""
    titles = {title: ident for ident, title in options}
    return html.Div(
        [
            html.Span("Cost landscape J(w₁, w₂)", className="label"),
            dcc.Dropdown(
                id=field_id("landscape"),
                options=[{"label": title, "value": ident} for ident, title in options],
                value=value,
                clearable=False,
                searchable=False,
                className="landscape-dropdown",
            ),
        ],
        className="control-row landscape-picker",
        **{"data-group": "landscape", "data-landscapes": json.dumps(titles, ensure_ascii=False)},
    )


def run_controls(values: Mapping[str, str], max_steps: int) -> html.Div:
    """Start point, steps, gradient noise and seed."""
    return html.Div(
        [
            html.Div(
                [
                    html.Span("Start w₁", className="label"),
                    text_input("w1", values["w1"], label="Start w₁", width="5.5rem"),
                    html.Span("w₂", className="label"),
                    text_input("w2", values["w2"], label="Start w₂", width="5.5rem"),
                    html.Span("(or click/drag the red dot)", className="muted small"),
                ],
                className="control-row",
                **{"data-group": "start"},
            ),
            html.Div(
                [
                    html.Span("Steps", className="label"),
                    text_input(
                        "steps",
                        values["steps"],
                        label="Steps",
                        width="4.5rem",
                        title=f"1 to {max_steps}",
                    ),
                    html.Span(
                        "Gradient noise σ",
                        className="label",
                        title="Adds σ·ξ, ξ ~ N(0, I), to every gradient: a stochastic gradient",
                    ),
                    text_input("noise", values["noise"], label="Gradient noise σ", width="4rem"),
                    html.Span("seed", className="label"),
                    text_input("seed", values["seed"], label="Noise seed", width="4rem"),
                ],
                className="control-row",
                **{"data-group": "run"},
            ),
            html.Div(
                [
                    html.Span("Landscape colours", className="label"),
                    # On a washed-out projector the slides' blue-grey turns uniform: the
                    # contrast map spans more lightness (assets/lab/theme.js), in the link.
                    dcc.RadioItems(
                        id=field_id("map"),
                        options=[
                            {"label": " as on the slides", "value": "default"},
                            {"label": " high contrast (projector)", "value": "contrast"},
                        ],
                        value=values.get("map", "default"),
                        inline=True,
                        className="map-choice",
                    ),
                ],
                className="control-row",
                **{"data-group": "colours"},
            ),
        ]
    )


@dataclass(frozen=True)
class TableRow:
    """One row of the optimizer table: its key ('gd', 'gd-2'), its rule's spec, its label
    ('GD #2'), colour, and whether it is a copy (copies can be removed)."""

    key: str
    spec: Any
    label: str
    color: str
    is_copy: bool = False


ROW_OP = "data-row-op"  # the table's row buttons (assets/lab/rows.js)


def optimizer_table(
    rows: Sequence[TableRow],
    schedules: Sequence[Any],
    values: Mapping[str, str],
    *,
    can_add: bool = True,
) -> html.Div:
    """One row per table row: enable, LR, schedule (+ its parameters), advanced
    hyperparameters, copy/remove; under them, "add a row" of any rule."""
    header = html.Div(
        [
            html.Span("Optimizer"),
            # CSS uppercases the header: the symbol keeps its case (η, not Η).
            html.Span(["Learning rate ", html.Span("η₀", className="keep-case")]),
            html.Span("LR schedule"),
            html.Span("Schedule parameters"),
            html.Span("Advanced"),
        ],
        className="opt-row opt-header",
    )
    titles = {row.spec.id: row.spec.title for row in rows if not row.is_copy}
    table_rows = [_optimizer_row(row, schedules, values, titles, can_add) for row in rows]
    add = html.Div(
        [
            html.Label(
                [
                    "Add a row: ",
                    html.Select(
                        [html.Option(title, value=rule_id) for rule_id, title in titles.items()],
                        **{"data-role": "add-rule", "aria-label": "Optimizer of the new row"},
                    ),
                ]
            ),
            html.Button(
                "+ Add",
                title="A row of this optimizer, at its defaults (its own row if that is off)",
                disabled=not can_add,
                **{ROW_OP: "add"},
            ),
            html.Span(
                "(Copy on a row duplicates it: compare two learning rates of one optimizer)",
                className="muted small",
            ),
        ],
        className="add-row",
    )
    return html.Div(
        [header, *table_rows, add], className="opt-table", **{"data-group": "optimizers"}
    )


def choice_input(
    key: str, value: str, parameter: Any, owner: str, titles: Mapping[str, str]
) -> html.Label:
    """A dropdown for a hyperparameter that picks a rule (Lookahead's inner rule A)."""
    return html.Label(
        dcc.Dropdown(
            id=field_id(key),
            options=[{"label": titles.get(c, c), "value": c} for c in parameter.choices],
            value=value,
            clearable=False,
            searchable=False,
            className="choice-dropdown",
        ),
        title=parameter.label,
        className="num-label param",
        **{"aria-label": f"{owner}: {parameter.label}", "data-sym": plain_symbol(parameter.latex)},
    )


# The schedule parameters' cell is this child of a row (views/lab_panels.py replaces only it
# when the row's schedule changes).
SCHEDULE_CELL = 3


def schedule_cell(prefix: str, label: str, schedule: Any, values: Mapping[str, str]) -> html.Span:
    """The boxes of the chosen schedule's parameters, or a dash when it has none.

    Only the chosen schedule's are in the page (the server re-sends this cell when the row's
    schedule changes): eight schedules' hidden boxes per row were two thirds of the table's
    bytes and of the fields Dash matches on every change.
    """
    inputs = [
        text_input(
            f"{prefix}.{schedule.id}.{p.name}",
            values.get(f"{prefix}.{schedule.id}.{p.name}", _fmt(p.default)),
            label=f"{label}: {p.label}",
            width="4.2rem",
            title=f"{p.label}: {_fmt(p.minimum)} to {_fmt(p.maximum)}",
            symbol=plain_symbol(p.latex),
        )
        for p in schedule.parameters
    ]
    return html.Span(
        html.Span(
            inputs or [html.Span("—", className="muted")],
            className="schedule-params",
            **{"data-opt": prefix, "data-schedule": schedule.id},
        ),
        className="schedule-cell",
    )


def _optimizer_row(
    row: TableRow,
    schedules: Sequence[Any],
    values: Mapping[str, str],
    titles: Mapping[str, str],
    can_add: bool,
) -> html.Div:
    """One row of the table: enable, LR (box and log slider), schedule and the chosen
    schedule's parameters, advanced hyperparameters, the row buttons, the stability line."""
    spec, prefix, color, label = row.spec, row.key, row.color, row.label
    enabled = values[f"{prefix}.on"] == "1"
    schedule = values[f"{prefix}.schedule"]
    lr = spec.learning_rate
    chosen = next(s for s in schedules if s.id == schedule)
    advanced = [
        choice_input(f"{prefix}.{p.name}", values[f"{prefix}.{p.name}"], p, label, titles)
        if getattr(p, "choices", ())
        else text_input(
            f"{prefix}.{p.name}",
            values[f"{prefix}.{p.name}"],
            label=f"{label}: {p.label}",
            width="4.6rem",
            title=f"{p.label}: {_fmt(p.minimum)} to {_fmt(p.maximum)}",
            symbol=plain_symbol(p.latex),
        )
        for p in spec.rule_hyperparameters
    ]
    buttons = [
        html.Button(
            "Copy",
            className="row-op",
            title=f"Duplicate {label}: a new row with these settings",
            disabled=not can_add,
            **{ROW_OP: "duplicate", "data-row": prefix, "aria-label": f"Duplicate {label}"},
        )
    ]
    if row.is_copy:
        buttons.append(
            html.Button(
                "×",
                className="row-op",
                title=f"Remove {label}",
                **{ROW_OP: "remove", "data-row": prefix, "aria-label": f"Remove {label}"},
            )
        )
    return html.Div(
        [
            html.Span(
                [
                    dcc.Checklist(
                        id=field_id(f"{prefix}.on"),
                        options=[{"label": "", "value": "on"}],
                        value=["on"] if enabled else [],
                        className="opt-enable",
                        inputStyle={"accentColor": color},
                    ),
                    html.Span(className="swatch", style={"backgroundColor": color}),
                    html.Span(label, className="opt-name"),
                    *buttons,
                ],
                className="opt-title",
            ),
            html.Div(
                [
                    text_input(
                        f"{prefix}.lr",
                        values[f"{prefix}.lr"],
                        label=f"{label}: learning rate",
                        title=f"learning rate η₀: {_fmt(lr.minimum)} to {_fmt(lr.maximum)}",
                    ),
                    log_slider(
                        field_id(f"{prefix}.lr"),
                        values[f"{prefix}.lr"],
                        lr.minimum,
                        lr.maximum,
                        f"{label}: learning rate",
                    ),
                ],
                className="lr-cell",
            ),
            dcc.Dropdown(
                id=field_id(f"{prefix}.schedule"),
                options=[{"label": s.title, "value": s.id} for s in schedules],
                value=schedule,
                clearable=False,
                searchable=False,
                className="schedule-dropdown",
            ),
            schedule_cell(prefix, label, chosen, values),  # child SCHEDULE_CELL
            html.Details(
                [
                    html.Summary("α, β, ε…" if advanced else "—"),
                    html.Span(advanced, className="advanced"),
                ],
                className="advanced-cell",
            )
            if advanced
            else html.Span("—", className="muted"),
            # η·λmax against the rule's limit at the step on screen (assets/lab/stability.js):
            # a second line of the row, under the learning rate.
            *(
                [html.Span(className="stability", role="status", **{"data-opt": prefix})]
                if getattr(spec, "stability_limit", None)
                else []
            ),
        ],
        className="opt-row",
        **{"data-opt": prefix},
    )


def playback_bar(player: str, frames_label: str = "step 0") -> html.Div:
    """Play / pause / step / reset / end, a scrubber, speed and the step counter."""
    return html.Div(
        [
            html.Button(
                "↺ Reset",
                title="Back to step 0 (r)",
                **{"data-player": player, "data-action": "reset"},
            ),
            html.Button(
                "◀", title="One step back (←)", **{"data-player": player, "data-action": "back"}
            ),
            html.Button(
                "▶ Play",
                className="primary play",
                title="Play / pause (space)",
                **{"data-player": player, "data-action": "play"},
            ),
            html.Button(
                "▶", title="One step forward (→)", **{"data-player": player, "data-action": "step"}
            ),
            html.Button(
                "End ⇥",
                title="Skip to the end (e)",
                **{"data-player": player, "data-action": "end"},
            ),
            html.Span(
                dcc.Input(type="range", min=0, max=1, step=1, value=0, className="scrub"),
                className="scrub-wrap",
                title="Scrub through the run",
                **{"data-player": player, "data-role": "scrub"},
            ),
            html.Label(
                [
                    "speed ",
                    html.Select(
                        [
                            html.Option(label, value=value)
                            for label, value in (
                                ("1×", "1"),
                                ("2×", "2"),
                                ("5×", "5"),
                                ("10×", "10"),
                                ("25×", "25"),
                                ("½×", "0.5"),
                                ("¼×", "0.25"),
                            )
                        ],
                        **{"data-player": player, "data-role": "speed", "aria-label": "speed"},
                    ),
                ],
                className="speed",
            ),
            html.Span(
                frames_label, className="counter", **{"data-player": player, "data-role": "counter"}
            ),
        ],
        className="playback",
        **{"data-group": "playback"},
    )


def _fmt(value: float) -> str:
    return f"{value:g}"
