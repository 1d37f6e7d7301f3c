"""The update equations of the optimizers, as the page shows them (KaTeX, components/tex.py).

The LaTeX comes from the optimizer and schedule specs, the very records the engine's tests check
against an independent NumPy implementation; under each block, the numbers in use in plain text.

Every optimizer has its block in the layout (hidden while disabled), and the parts that change
have their own ids (`part_id`): the block's visibility, its schedule line and its numbers. A
learning-rate change then sends one line of text, not the panel, and the typeset formulas stay.
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
class EquationBlock:
    """What one optimizer's block shows."""

    id: str
    title: str
    color: str
    update_latex: Sequence[str]
    schedule_title: str
    schedule_latex: str
    values: Mapping[str, str]  # symbol as plain text -> value text, e.g. {"η₀": "0.01"}
    note: str
    enabled: bool = True


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
    """The numbers in use, in plain text: 'with η₀ = 0.01,  α = 0.9'."""
    return "with " + ",  ".join(f"{symbol} = {value}" for symbol, value in block.values.items())


def schedule_line(block: EquationBlock) -> list:
    """'Constant: η_t = η₀' (the schedule's title and its formula)."""
    return [f"{block.schedule_title}: ", tex(block.schedule_latex)]


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
