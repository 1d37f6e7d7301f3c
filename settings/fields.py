"""Parsing and checking of single values coming from controls or URLs, with readable messages.

Every function returns `(value, message)`: the parsed value (or the fallback when the input is
unusable) and `None` or a sentence a student can act on. `Field` is one row of a page's
declarative state table, built on them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

# Floats are rounded to this many significant digits in URLs and cache keys: enough for any
# value typed by hand, few enough that 0.1 and 0.1000000001 share one cached result.
SIGNIFICANT_DIGITS = 10


def canonical_float(value: float) -> float:
    """`value` rounded to SIGNIFICANT_DIGITS significant digits (stable across float noise);
    −0 is 0 (it passes `>= 0` checks, yet NumPy's samplers and sign tests tell it apart)."""
    if value == 0:
        return 0.0
    if not math.isfinite(value):
        return float(value)
    return float(f"{value:.{SIGNIFICANT_DIGITS}g}")


def format_float(value: float) -> str:
    """Shortest text that reads back as the canonical value ('0.001', '1e-08', '500')."""
    return (
        repr(canonical_float(value)).removesuffix(".0")
        if value == int(value) and abs(value) < 1e15
        else repr(canonical_float(value))
    )


def parse_float(
    raw: Any,
    label: str,
    fallback: float,
    minimum: float,
    maximum: float,
    *,
    allow_minimum: bool = True,
) -> tuple[float, str | None]:
    """A finite float within [minimum, maximum] (or (minimum, maximum] if not allow_minimum)."""
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        return fallback, f"{label}: enter a number."
    if isinstance(raw, bool):
        return fallback, f"{label}: {raw!r} is not a number."
    try:
        value = float(raw.strip() if isinstance(raw, str) else raw)
    except (TypeError, ValueError):
        return fallback, f"{label}: {_show(raw)} is not a number."
    if not math.isfinite(value):
        return fallback, f"{label}: {_show(raw)} is not a finite number."
    low_ok = value >= minimum if allow_minimum else value > minimum
    if not low_ok or value > maximum:
        low = "≥" if allow_minimum else ">"
        return fallback, (
            f"{label}: {format_float(value)} is out of range; use a value {low} "
            f"{format_float(minimum)} and ≤ {format_float(maximum)}."
        )
    return canonical_float(value), None


def parse_int(
    raw: Any, label: str, fallback: int, minimum: int, maximum: int
) -> tuple[int, str | None]:
    """An integer within [minimum, maximum]; '500.0' is accepted, '500.5' is not."""
    value, message = parse_float(raw, label, float(fallback), minimum, maximum)
    if message:
        return fallback, message
    if value != int(value):
        return fallback, f"{label}: {_show(raw)} is not a whole number."
    return int(value), None


def parse_choice(
    raw: Any, label: str, fallback: str, choices: Iterable[str]
) -> tuple[str, str | None]:
    """One of `choices` (exact id)."""
    options = tuple(choices)
    if isinstance(raw, str) and raw in options:
        return raw, None
    return fallback, f"{label}: unknown choice {_show(raw)}; choose one of {', '.join(options)}."


def parse_bool(raw: Any, label: str, fallback: bool) -> tuple[bool, str | None]:
    """True/False from a checkbox value or URL text ('1', '0', 'true', 'false', 'on', 'off')."""
    if isinstance(raw, bool):
        return raw, None
    if isinstance(raw, str) and raw.strip().lower() in ("1", "true", "on", "yes"):
        return True, None
    if isinstance(raw, str) and raw.strip().lower() in ("0", "false", "off", "no"):
        return False, None
    return fallback, f"{label}: {_show(raw)} is not on/off."


def _show(raw: Any) -> str:
    text = str(raw)
    return repr(text[:40] + "…") if len(text) > 40 else repr(text)


@dataclass(frozen=True)
class Field:
    """One setting of a page's state table (TensorFlow Playground's state.ts is the model):
    its key — the URL key, the control's key and the key of its message, one spelling — the
    label its messages use, its default, and how its text is parsed and written.

    ``kind`` is "float", "int", "choice" (one of ``choices``) or "bool"; ``bounds`` is the
    valid closed range of a number (a caller may pass other bounds: the lab's start lies in
    the landscape's domain); ``in_cache_key`` is False for what only changes the drawing;
    ``attr`` names the settings attribute when it is not the key.
    """

    key: str
    label: str
    default: Any
    kind: str = "float"
    bounds: tuple[float, float] = (-math.inf, math.inf)
    choices: tuple[str, ...] = ()
    in_cache_key: bool = True
    attr: str = ""  # the settings' attribute it holds, when not the key (the playground's n)

    @property
    def name(self) -> str:
        """The settings attribute this field holds."""
        return self.attr or self.key

    def parse(
        self, raw: Any, current: Any, bounds: tuple[float, float] | None = None
    ) -> tuple[Any, str | None]:
        """(value, message): the value read from ``raw``, or ``current`` and a sentence."""
        low, high = bounds or self.bounds
        if self.kind == "int":
            return parse_int(raw, self.label, int(current), int(low), int(high))
        if self.kind == "float":
            return parse_float(raw, self.label, float(current), low, high)
        if self.kind == "choice":
            return parse_choice(raw, self.label, current, self.choices)
        if self.kind == "bool":
            return parse_bool(raw, self.label, current)
        raise ValueError(f"unknown field kind {self.kind!r}")

    def format(self, value: Any) -> str:
        """The value as URL and control text ('0.001', '500', 'rosenbrock', '1')."""
        if self.kind == "float":
            return format_float(value)
        if self.kind == "int":
            return str(int(value))
        if self.kind == "bool":
            return "1" if value else "0"
        return str(value)
