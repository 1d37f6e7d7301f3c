"""The text box both pages use for a number."""

from __future__ import annotations

from typing import Any

from dash import dcc


def number_box(component_id: Any, value: str, class_name: str, **props: Any) -> dcc.Input:
    """A text box (not type=number, so bad input reaches validation and gets its message)
    with the numeric keyboard on phones (``inputMode`` may say otherwise) and no autocomplete
    or spell check."""
    props.setdefault("inputMode", "decimal")
    return dcc.Input(
        id=component_id,
        type="text",
        value=value,
        autoComplete="off",
        spellCheck=False,
        className=class_name,
        **props,
    )
