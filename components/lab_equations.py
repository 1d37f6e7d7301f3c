"""The update equations of the optimizers, as the page shows them (KaTeX, components/tex.py).

The LaTeX comes from the optimizer and schedule specs, the very records the engine's tests check
against an independent NumPy implementation; under each block, the numbers in use in plain text.

Every rule has its block in the layout (hidden while none of its rows is enabled), and the parts
that change have their own ids (`part_id`): the block's visibility, its schedule line(s) and its
numbers (one line per enabled row of the rule). A learning-rate change then sends one line of
text, not the panel, and the typeset formulas stay.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from dash import html

from components.tex import tex

PART = "lab-eq"
GRADIENT_ID = "lab-gradient"
NONE_ID = "lab-eq-none"
PARTS = ("block", "schedule", "values")


@dataclass(frozen=True)
class EquationRow:
    """One table row of a rule: its label, its schedule and the numbers it uses."""

    label: str
    schedule_title: str
    schedule_latex: str
    values: Mapping[str, str]  # symbol as plain text -> value text, e.g. {"η₀": "0.01"}


@dataclass(frozen=True)
class EquationBlock:
    """What one rule's block shows: its update equations once, then a line per enabled row
    running it (a table can hold a rule in several rows: GD with η = 0.01 and 0.013)."""

    id: str
    title: str
    color: str
    update_latex: Sequence[str]
    rows: Sequence[EquationRow]  # the enabled rows (the rule's own row while none is)
    note: str
    enabled: bool = True

    @property
    def values(self) -> Mapping[str, str]:
        """The first row's numbers (a rule in one row: the numbers in use)."""
        return self.rows[0].values


LATER_CLASS = "lab-tex-later"


def tex_later(latex: str) -> html.Span:
    """A display formula typeset once the page's first picture is drawn (assets/lab/main.js
    turns it into a `tex` element then): the panel is below the plot, and two dozen KaTeX
    renders would otherwise delay a first open's trajectories."""
    return html.Span(latex, className=LATER_CLASS, **{"data-display": "block"})


def part_id(optimizer_id: str, part: str) -> str:
    """The id of one changing part of a block: "block" (hidden), "schedule" or "values".

    Plain string ids: Dash resolves them far faster than dict (pattern-style) ids.
    """
    return f"{PART}-{optimizer_id}-{part}"


def values_text(block: EquationBlock) -> str:
    """The numbers in use, in plain text: 'with η₀ = 0.01,  α = 0.9'; with several rows one
    line each, 'GD: with η₀ = 0.01' (the block's element keeps line breaks)."""

    def numbers(row: EquationRow) -> str:
        return "with " + ",  ".join(f"{symbol} = {value}" for symbol, value in row.values.items())

    if len(block.rows) == 1:
        return numbers(block.rows[0])
    return "\n".join(f"{row.label}: {numbers(row)}" for row in block.rows)


def schedule_line(block: EquationBlock) -> list:
    """'Constant: η_t = η₀' (the schedule's title and its formula); rows on different
    schedules get a line each, led by the row's label."""
    schedules = list(dict.fromkeys((r.schedule_title, r.schedule_latex) for r in block.rows))
    if len(schedules) == 1:
        title, latex = schedules[0]
        return [f"{title}: ", tex(latex)]
    return [
        html.Div([f"{row.label}: {row.schedule_title}: ", tex(row.schedule_latex)])
        for row in block.rows
    ]


def equation_block(block: EquationBlock) -> html.Div:
    """Title, one display line per update equation, the schedule, the numbers and the note."""
    return html.Div(
        [
            html.Div(block.title, className="eq-title"),
            *(
                html.Div(tex(line, display=True), className="eq-line")
                for line in block.update_latex
            ),
            html.Div(
                schedule_line(block), id=part_id(block.id, "schedule"), className="eq-schedule"
            ),
            html.Div(values_text(block), id=part_id(block.id, "values"), className="eq-values"),
            html.Small(block.note, className="muted"),
        ],
        id=part_id(block.id, "block"),
        className="eq-block",
        hidden=not block.enabled,
        style={"borderLeftColor": block.color},
        **{"data-opt": block.id},
    )


def equations_panel(blocks: Sequence[EquationBlock], gradient_latex: str) -> html.Div:
    """The gradient line, then one block per optimizer (every one; disabled ones hidden)."""
    return html.Div(
        [
            html.Div(
                "Enable an optimizer in the table to see its update rule.",
                id=NONE_ID,
                className="muted",
                hidden=any(block.enabled for block in blocks),
            ),
            html.Div(tex(gradient_latex, display=True, id=GRADIENT_ID), className="gradient-line"),
            *(equation_block(block) for block in blocks),
        ],
        className="equations",
    )
