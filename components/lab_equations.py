"""The update equations of the enabled optimizers, as the page shows them (KaTeX via MathJax).

The LaTeX comes from the optimizer and schedule specs, the very records the engine's tests check
against an independent NumPy implementation; the schedule line also shows the numbers in use.
Each block is one Markdown component: the panel is rebuilt on every change, so it stays light.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from dash import dcc, html


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


def block_markdown(block: EquationBlock) -> str:
    """Title, update equations (one display line each) and the schedule's formula.

    The numbers in use are not in this text: a learning-rate change then leaves the math
    untouched, and the browser does not typeset it again.
    """
    lines = [f"**{block.title}**", *(f"$${line}$$" for line in block.update_latex)]
    lines.append(f"{block.schedule_title}: ${block.schedule_latex}$")
    return "\n\n".join(lines)


def values_text(block: EquationBlock) -> str:
    """The numbers in use, in plain text: 'with η₀ = 0.01,  α = 0.9'."""
    return "with " + ",  ".join(f"{symbol} = {value}" for symbol, value in block.values.items())


def equations_panel(blocks: Sequence[EquationBlock], gradient_latex: str) -> html.Div:
    if not blocks:
        return html.Div(
            "Enable an optimizer in the table to see its update rule.", className="muted"
        )
    children = [dcc.Markdown(f"$${gradient_latex}$$", mathjax=True, className="gradient-line")]
    children += [
        html.Div(
            [
                dcc.Markdown(block_markdown(block), mathjax=True),
                html.Div(values_text(block), className="eq-values") if block.values else None,
                html.Small(block.note, className="muted"),
            ],
            className="eq-block",
            style={"borderLeftColor": block.color},
        )
        for block in blocks
    ]
    return html.Div(children, className="equations")
