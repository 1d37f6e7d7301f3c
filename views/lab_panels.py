"""The optimizer lab's text panels and table for given settings: the equations (one block per
rule, a line per enabled row), the messages, the controls' texts and the optimizer table.

`equation_updates` sends only what changed, part by part (`EQUATION_PARTS` order): a
learning-rate change sends one line of text, not the panel, and the typeset formulas stay.
"""

from __future__ import annotations

import functools
from typing import Any

import dash
from dash import html

from components.lab_controls import (
    SCHEDULE_CELL,
    TableRow,
    optimizer_table,
    plain_symbol,
    schedule_cell,
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
from components.palette import OPTIMIZER_COLORS, row_color
from optimizers.specs import GRADIENT_LATEX, NOISY_GRADIENT_LATEX, OPTIMIZERS, SCHEDULES
from settings.fields import format_float
from settings.optimizer_lab import MAX_COPIES, LabSettings

# The equations panel's changing parts, (component id, property), in `equation_updates` order.
EQUATION_PARTS: tuple[tuple[str, str], ...] = (
    (GRADIENT_ID, "children"),
    (NONE_ID, "hidden"),
    *(
        (part_id(rule_id, part), prop)
        for rule_id in OPTIMIZERS
        for part, prop in (("block", "hidden"), ("schedule", "children"), ("values", "children"))
    ),
)


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


def equation_updates(settings: LabSettings, previous: LabSettings) -> list[Any]:
    """What changed in the equations panel, in `EQUATION_PARTS` order (else no_update)."""
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


def message_list(messages: list[str] | dict[str, str]) -> list[html.Ul]:
    """The page's messages; given {field key: message}, each item names its field
    (`data-for`), so the browser also shows it beside that field (assets/lab/page.js)."""
    if isinstance(messages, dict):
        items = [html.Li(m, **{"data-for": key}) for key, m in messages.items()]
    else:
        items = [html.Li(m) for m in messages]
    return [html.Ul(items)] if items else []


def control_values(settings: LabSettings) -> dict[str, str]:
    """Text for every control on the page: a row's schedule parameters are its chosen
    schedule's, keyed by schedule ("gd.step.factor")."""
    flat = settings.to_flat()
    values = dict(flat)
    del values["rows"]  # the table's structure, not a control
    for row in settings.optimizers:
        for parameter in SCHEDULES[row.schedule].parameters:
            flat_key = f"{row.id}.{parameter.name}"
            values[f"{row.id}.{row.schedule}.{parameter.name}"] = values.pop(flat_key)
    return values


def _table_rows(settings: LabSettings) -> list[TableRow]:
    return [
        TableRow(
            key=row.id,
            spec=OPTIMIZERS[row.rule],
            label=row.label,
            color=row_color(row.rule, row.number),
            is_copy=row.number > 1,
        )
        for row in settings.optimizers
    ]


def table(settings: LabSettings) -> html.Div:
    """The optimizer table of `settings`' rows (re-sent whole only when rows are added or
    removed; `table_update` otherwise)."""
    return optimizer_table(
        _table_rows(settings),
        list(SCHEDULES.values()),
        control_values(settings),
        can_add=len(settings.copies) < MAX_COPIES,
    )


def table_update(settings: LabSettings, previous: LabSettings) -> Any:
    """What the table needs after a change from `previous`: all of it when rows were added or
    removed; when only schedules changed, those rows' schedule cells (a Patch: the table's
    header is its child 0, the rows follow); else nothing (no_update)."""
    if [o.id for o in settings.optimizers] != [o.id for o in previous.optimizers]:
        return table(settings)
    changed = [
        (i, row)
        for i, (row, before) in enumerate(
            zip(settings.optimizers, previous.optimizers, strict=True)
        )
        if row.schedule != before.schedule
    ]
    if not changed:
        return dash.no_update
    values = control_values(settings)
    patch = dash.Patch()
    for i, row in changed:
        cell = schedule_cell(row.id, row.label, SCHEDULES[row.schedule], values)
        patch["props"]["children"][1 + i]["props"]["children"][SCHEDULE_CELL] = cell
    return patch
