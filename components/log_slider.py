"""A slider on the logarithm of a rate, beside the rate's typed box (the box stays: it is exact
and it takes any valid value). Dragging it writes the box's value, throttled, so the run
follows the hand (assets/core/log_slider.js); typing in the box moves the slider."""

from __future__ import annotations

import json
import math

from dash import dcc, html

# Slider positions per decade: 1.26× per notch, finer than a hand can place on a phone.
STEPS_PER_DECADE = 100


def log_position(value: str, minimum: float, maximum: float) -> float:
    """log10 of the box's `value`, clamped to [log10 minimum, log10 maximum]; the middle of
    the scale when the box holds no positive number."""
    low, high = math.log10(minimum), math.log10(maximum)
    try:
        number = float(value)
    except (TypeError, ValueError):
        return (low + high) / 2
    if not math.isfinite(number) or number <= 0:
        return (low + high) / 2
    return min(high, max(low, math.log10(number)))


def log_slider(
    target: dict[str, str] | str, value: str, minimum: float, maximum: float, label: str
) -> html.Span:
    """A range input over [log10 minimum, log10 maximum] that drives text box `target`.

    dcc.Input takes no data or aria attributes, so a span around it names its box and label.
    """
    if not 0 < minimum < maximum:
        raise ValueError("a log slider needs 0 < minimum < maximum")
    low, high = math.log10(minimum), math.log10(maximum)
    return html.Span(
        dcc.Input(
            type="range",
            min=round(low, 6),
            max=round(high, 6),
            step=1 / STEPS_PER_DECADE,
            value=round(log_position(value, minimum, maximum), 4),
            className="log-slider",
        ),
        className="log-slider-holder",
        title=f"{label} on a log scale: {minimum:g} to {maximum:g}",
        **{"aria-label": f"{label} (log scale)", "data-log-for": _json_id(target)},
    )


def _json_id(target: dict[str, str] | str) -> str:
    """The id as Dash writes it in the DOM (a dict id: sorted-keys JSON, no spaces)."""
    if isinstance(target, str):
        return target
    return json.dumps(target, sort_keys=True, separators=(",", ":"))
