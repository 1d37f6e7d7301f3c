"""Presentation mode toggle and the keyboard-shortcut cheat sheet (Dash elements only).

assets/classroom.js implements the behaviour; `SHORTCUTS` is the one list the cheat sheet,
the presentation-mode footer and the browser test read, and the keys classroom.js handles.
"""

from __future__ import annotations

from dash import html

# (key as shown, key as `KeyboardEvent.key`, what it does)
SHORTCUTS: tuple[tuple[str, str, str], ...] = (
    ("Space", " ", "play / pause"),
    ("→", "ArrowRight", "one step forward"),
    ("←", "ArrowLeft", "one step back"),
    ("R", "r", "reset to the start"),
    ("E", "e", "jump to the end"),
    ("F", "f", "main plot full screen"),
    ("P", "p", "presentation mode on / off"),
    ("?", "?", "show / hide this list"),
)


def presentation_toggle() -> html.Button:
    return html.Button(
        "Present",
        id="present-toggle",
        className="nav-tool",
        title="Presentation mode: large fonts and lines, high contrast (key P)",
        type="button",
        **{"data-classroom": "present-toggle", "aria-pressed": "false"},
    )


def shortcuts_button() -> html.Button:
    return html.Button(
        "?",
        id="shortcuts-toggle",
        className="nav-tool nav-tool-round",
        title="Keyboard shortcuts (key ?)",
        type="button",
        **{"data-classroom": "shortcuts-toggle", "aria-label": "Keyboard shortcuts"},
    )


# The footer's labels on a projector (20 px type): short enough that the eight keys fit one
# line at 1280 px, so the footer takes one row of the plot's height (the sheet says it all).
SHORT_LABELS: dict[str, str] = {
    " ": "play",
    "ArrowRight": "step",
    "ArrowLeft": "back",
    "r": "reset",
    "e": "end",
    "f": "full screen",
    "p": "present",
    "?": "keys",
}


def _keys(class_name: str) -> list[html.Span]:
    return [
        html.Span([html.Kbd(shown), " ", html.Span(action)], className=class_name)
        for shown, _key, action in SHORTCUTS
    ]


def _footer_keys() -> list[html.Span]:
    """The footer's keys with their short labels (the footer shows in presentation mode only)."""
    return [
        html.Span([html.Kbd(shown), " ", html.Span(SHORT_LABELS[key])], className="shortcut-inline")
        for shown, key, _action in SHORTCUTS
    ]


def shortcut_sheet() -> html.Div:
    """The overlay listing every key (toggled by ? and by the nav button; Esc closes it)."""
    return html.Div(
        html.Div(
            [
                html.Div("Keyboard shortcuts", className="panel-title"),
                html.Div(_keys("shortcut"), className="shortcut-list"),
                html.P(
                    "Keys are ignored while you type in a field.  Esc closes this list.",
                    className="small muted",
                ),
            ],
            className="shortcut-card",
        ),
        id="shortcut-sheet",
        className="shortcut-sheet",
        hidden=True,
        role="dialog",
        **{"aria-label": "Keyboard shortcuts"},
    )


def shortcut_footer() -> html.Footer:
    """One line of keys, shown at the bottom of the screen in presentation mode."""
    return html.Footer(_footer_keys(), id="shortcut-footer", className="shortcut-footer")
