"""LaTeX in Dash layouts, typeset in the browser by KaTeX (assets/core/tex.js).

`tex(latex)` is one formula: a span with class "tex" whose text is the LaTeX source (a callback
may replace that text; the browser typesets it again). `math_paragraphs(text)` and
`math_inline(text)` turn the pages' small "Markdown with $…$" texts into html components, no
Markdown component needed:

    $…$      inline formula             $$…$$    display formula
    **…**    bold                       \\$      a literal dollar sign
    a blank line starts a new paragraph; a single newline is a space
"""

from __future__ import annotations

import re

from dash import html
from dash.development.base_component import Component

TEX_CLASS = "tex"

# Display math first, so `$$` is never read as an empty inline formula; `\$` is no delimiter.
_MATH = re.compile(r"\$\$(?P<display>.+?)\$\$|(?<!\\)\$(?P<inline>.+?)(?<!\\)\$", re.DOTALL)
_BOLD = re.compile(r"\*\*(?P<bold>.+?)\*\*", re.DOTALL)
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")

Child = str | Component


def tex(latex: str, display: bool = False, *, id: str | None = None) -> html.Span:
    """One formula; `display=True` for display mode (its own line, centred, larger operators).

    `id` lets a callback replace the formula with `Output(id, "children")` and a new string.
    """
    props: dict[str, str] = {"data-display": "block"} if display else {}
    if id is not None:
        props["id"] = id
    return html.Span(latex, className=TEX_CLASS, **props)


def _text(segment: str) -> list[Child]:
    """Plain text with **bold** and \\$ (no formulas in it)."""
    children: list[Child] = []
    position = 0
    for match in _BOLD.finditer(segment):
        if match.start() > position:
            children.append(segment[position : match.start()])
        children.append(html.B(match["bold"]))
        position = match.end()
    if position < len(segment):
        children.append(segment[position:])
    return [child.replace("\\$", "$") if isinstance(child, str) else child for child in children]


def math_inline(text: str) -> list[Child]:
    """Children for one element: text, `tex()` spans and bold, in order.

    A single newline becomes a space (as in Markdown); use `math_paragraphs` for paragraphs.
    """
    children: list[Child] = []
    position = 0
    for match in _MATH.finditer(text):
        children += _text(text[position : match.start()].replace("\n", " "))
        if match["display"] is not None:
            children.append(tex(match["display"].strip(), display=True))
        else:
            children.append(tex(match["inline"].strip()))
        position = match.end()
    children += _text(text[position:].replace("\n", " "))
    return children


def math_paragraphs(text: str, class_name: str | None = None) -> list[html.P]:
    """One `html.P` per paragraph (paragraphs are separated by blank lines)."""
    paragraphs = [part for part in _PARAGRAPH_BREAK.split(text.strip()) if part.strip()]
    return [html.P(math_inline(part), className=class_name) for part in paragraphs]
