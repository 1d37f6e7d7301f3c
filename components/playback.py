"""The play bar of the playground, the skier and the SGD page: play / pause / step / reset /
end, a scrubber, a speed choice and a counter, all driven by assets/core/player.js through
data attributes (no callback)."""

from __future__ import annotations

from collections.abc import Sequence

from dash import html


def playback_bar(
    player: str, *, counter: str, unit: str, speeds: Sequence[tuple[str, str]], prefix: str
) -> html.Div:
    """The bar of `player`. `unit` names one frame in the tooltips ("epoch", "step"); `speeds`
    are (label, value) options, the first the default; `prefix` the page's class prefix
    (`<prefix>-playback`, `<prefix>-scrub`, `<prefix>-icon`)."""

    def button(text: str, action: str, title: str, **extra) -> html.Button:
        return html.Button(
            text,
            title=title,
            type="button",
            **{"data-player": player, "data-action": action},
            **extra,
        )

    return html.Div(
        [
            button("Reset", "reset", "Back to the start (R)"),
            button("◀", "back", f"One {unit} back (←)", className=f"{prefix}-icon"),
            button("▶ Play", "play", "Play / pause (space)", className="primary play"),
            button("▶", "step", f"One {unit} forward (→)", className=f"{prefix}-icon"),
            button("End", "end", "Jump to the end (E)"),
            # dcc.Input takes no data-* attributes: assets/playground/playback.js puts the player's
            # <input type="range" data-player=… data-role="scrub"> in this slot.
            html.Span(className=f"{prefix}-scrub", **{"data-scrub-slot": player}),
            html.Label(
                [
                    "speed ",
                    html.Select(
                        [html.Option(label, value=value) for label, value in speeds],
                        **{"data-player": player, "data-role": "speed", "aria-label": "speed"},
                    ),
                ],
                className="speed",
            ),
            html.Span(
                counter,
                className="counter",
                **{"data-player": player, "data-role": "counter", "aria-live": "off"},
            ),
        ],
        className=f"playback {prefix}-playback",
        **{"data-group": "playback", "data-group-label": "playback"},
    )
