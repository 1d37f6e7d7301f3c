"""The SGD-vs-minibatch page's one settings object and its declarative table (key = URL key =
control key = message key; defaults shown = defaults used)::

    n=100 noise=0.5 truew=2 trueb=-1 dseed=0     the data: y = w* x + b* + σ ε, x ~ U(−2, 2)
    batch=10 epochs=10 seed=0                     the minibatch size, passes, shuffling seed
    lrsgd=0.05 lrmb=0.1 lrfull=0.1                each method's learning rate η
    w0=-2 b0=2                                    the start (all three methods)

The minibatch size must lie strictly between 1 and n (SGD is 1, full batch is n). `to_query()`
writes what differs from the defaults; `from_query()` / `from_controls()` turn any text into
valid settings plus sentences (the rejected keys in ``invalid``) and never raise.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

from optimizers.regression import MAX_EPOCHS, MAX_POINTS
from settings.fields import Field
from settings.page_table import TableResult, guarded_controls, guarded_layout_kwargs, guarded_query
from settings.query import PASSTHROUGH_KEYS

PARAMETER_BOUNDS = (-5.0, 5.0)
FIELDS: tuple[Field, ...] = (
    Field("n", "Points", 100, "int", (10, MAX_POINTS)),
    Field("noise", "Noise σ", 0.5, "float", (0.0, 3.0)),
    Field("truew", "True slope w*", 2.0, "float", PARAMETER_BOUNDS),
    Field("trueb", "True intercept b*", -1.0, "float", PARAMETER_BOUNDS),
    Field("dseed", "Data seed", 0, "int", (0, 2**31 - 1)),
    Field("batch", "Minibatch size", 10, "int", (2, MAX_POINTS - 1)),
    Field("epochs", "Epochs", 10, "int", (1, MAX_EPOCHS)),
    Field("seed", "Shuffle seed", 0, "int", (0, 2**31 - 1)),
    Field("lrsgd", "SGD η", 0.05, "float", (1e-4, 2.0)),
    Field("lrmb", "Minibatch η", 0.1, "float", (1e-4, 2.0)),
    Field("lrfull", "Full batch η", 0.1, "float", (1e-4, 2.0)),
    Field("w0", "Start w₀", -2.0, "float", PARAMETER_BOUNDS),
    Field("b0", "Start b₀", 2.0, "float", PARAMETER_BOUNDS),
)
FIELD_OF = {f.key: f for f in FIELDS}


@dataclass(frozen=True)
class RegressionSettings:
    n: int = 100
    noise: float = 0.5
    truew: float = 2.0
    trueb: float = -1.0
    dseed: int = 0
    batch: int = 10
    epochs: int = 10
    seed: int = 0
    lrsgd: float = 0.05
    lrmb: float = 0.1
    lrfull: float = 0.1
    w0: float = -2.0
    b0: float = 2.0

    def flat(self) -> dict[str, str]:
        return {f.key: f.format(getattr(self, f.key)) for f in FIELDS}

    def to_query(self, passthrough: Mapping[str, str] | None = None) -> str:
        default = RegressionSettings().flat()
        items = [(k, v) for k, v in self.flat().items() if default[k] != v]
        items += [(k, v) for k, v in (passthrough or {}).items() if k in PASSTHROUGH_KEYS]
        return urlencode(items)

    def cache_key(self) -> str:
        return "sgd:v1:" + "&".join(f"{k}={v}" for k, v in self.flat().items())

    def methods(self) -> list[tuple[str, str, int, float]]:
        """(key, title, batch size, η) of SGD, the minibatch and full batch, in that order."""
        return [
            ("sgd", "SGD (batch 1)", 1, self.lrsgd),
            ("minibatch", f"Minibatch ({self.batch})", self.batch, self.lrmb),
            ("full", f"Full batch ({self.n})", self.n, self.lrfull),
        ]


ParseResult = TableResult


def parse(raw: Mapping[str, Any], previous: RegressionSettings | None = None) -> ParseResult:
    """The values of `raw` over `previous`; never raises. The minibatch size must stay below
    the number of points (refused at whichever of the two changed)."""
    previous = previous or RegressionSettings()
    invalid: dict[str, str] = {}
    values: dict[str, Any] = {}
    for f in FIELDS:
        if f.key not in raw:
            continue
        value, message = f.parse(raw[f.key], getattr(previous, f.key))
        if message:
            invalid[f.key] = message
        else:
            values[f.key] = value
    settings = replace(previous, **values)
    if settings.batch >= settings.n:
        sentence = (
            f"Minibatch size: {settings.batch} is not below the {settings.n} points; use 2 … "
            f"{settings.n - 1} (batch 1 is SGD, batch {settings.n} is full batch)."
        )
        key = "batch" if "batch" in values or "n" not in values else "n"
        invalid.setdefault(key, sentence)
        settings = replace(settings, batch=previous.batch, n=previous.n)
        if settings.batch >= settings.n:  # a link asking for both: keep the defaults
            settings = replace(settings, batch=RegressionSettings.batch, n=RegressionSettings.n)
    return ParseResult(settings, list(dict.fromkeys(invalid.values())), invalid)


def from_controls(
    raw: Mapping[str, Any], previous: RegressionSettings | None = None
) -> ParseResult:
    return guarded_controls(parse, raw, previous, RegressionSettings())


def from_query(query: Any) -> tuple[RegressionSettings, list[str], dict[str, str]]:
    """Settings from a URL query; (settings, messages, passthrough). Never raises."""
    return guarded_query(query, FIELD_OF, parse, RegressionSettings())


def from_layout_kwargs(query: Mapping[str, Any]) -> tuple[RegressionSettings, list[str], dict]:
    return guarded_layout_kwargs(query, from_query, RegressionSettings())


def known_keys() -> set[str]:
    return set(FIELD_OF) | set(PASSTHROUGH_KEYS)
