"""The update equations of the enabled optimizers, as the page shows them (KaTeX via MathJax).

The LaTeX comes from the optimizer and schedule specs, the very records the engine's tests check
against an independent NumPy implementation; the schedule line also shows the numbers in use.
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
    values: Mapping[str, str]  # symbol LaTeX -> value text, e.g. {"\\eta_0": "0.01"}
    note: str


def equations_panel(blocks: Sequence[EquationBlock], gradient_latex: str) -> html.Div:
    if not blocks:
        return html.Div("Enable an optimizer in the table to see its update rule.", className="muted")
    children = [dcc.Markdown(f"$${gradient_latex}$$", mathjax=True, className="gradient-line")]
    for block in blocks:
        values = ", \\; ".join(f"{symbol} = {value}" for symbol, value in block.values.items())
        equations = "\n\n".join(f"$${line}$$" for line in block.update_latex)
        children.append(
            html.Div(
                [
                    html.Div(
                        [html.Span(className="swatch", style={"backgroundColor": block.color}),
                         html.Strong(block.title)],
                        className="eq-title",
                    ),
                    dcc.Markdown(equations, mathjax=True),
                    dcc.Markdown(
                        f"{block.schedule_title}: ${block.schedule_latex}$" + (f" with ${values}$" if values else ""),
                        mathjax=True,
                        className="eq-schedule",
                    ),
                    html.P(block.note, className="muted small"),
                ],
                className="eq-block",
                style={"borderLeftColor": block.color},
            )
        )
    return html.Div(children, className="equations")
