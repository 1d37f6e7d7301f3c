"""The skier page's one settings object and its declarative table (TensorFlow Playground's
state.ts is the model: key = URL key = control key = message key)::

    curve=hill (landscapes.curves)   w0=<the curve's own start>   steps=100 (1 … 1000)
    s1=gd  s1.lr=0.05    s2=momentum  s2.lr=0.05    s3=off  s3.lr=0.1

Each of the three skiers runs any of the optimizer lab's rules (its other hyperparameters at
the lab's defaults), or ``off``. The start must lie in the curve's domain; a link without
``w0`` starts where the curve's card says. `to_query()` writes what differs from the
defaults; `from_query()` / `from_controls()` turn any text into valid settings plus sentences
(the rejected keys in ``invalid``, so the page shows each beside its box) and never raise.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from landscapes.curves import CURVE_IDS, CURVES, DEFAULT_CURVE_ID
from optimizers import OPTIMIZERS
from optimizers.config import OptimizerConfig
from optimizers.skier import MAX_SKIER_STEPS
from settings.fields import Field, format_float
from settings.page_table import TableResult, guarded_controls, guarded_layout_kwargs, guarded_query
from settings.query import PASSTHROUGH_KEYS

OFF = "off"
RULE_CHOICES = (OFF, *OPTIMIZERS)
LR_BOUNDS = (1e-5, 10.0)
SKIERS = ("s1", "s2", "s3")
DEFAULT_RULES = {"s1": "gd", "s2": "momentum", "s3": OFF}
DEFAULT_RATES = {"s1": 0.05, "s2": 0.05, "s3": 0.1}

FIELDS: tuple[Field, ...] = (
    Field("curve", "Loss curve", DEFAULT_CURVE_ID, "choice", choices=CURVE_IDS),
    Field("w0", "Start w₀", CURVES[DEFAULT_CURVE_ID].start, "float"),  # bounds: the curve's
    Field("steps", "Steps", 100, "int", (1, MAX_SKIER_STEPS)),
    *(
        field
        for key in SKIERS
        for field in (
            Field(key, f"Skier {key[1]}", DEFAULT_RULES[key], "choice", choices=RULE_CHOICES),
            Field(f"{key}.lr", f"Skier {key[1]} η", DEFAULT_RATES[key], "float", LR_BOUNDS),
        )
    ),
)
FIELD_OF = {f.key: f for f in FIELDS}


@dataclass(frozen=True)
class SkierSettings:
    """What the skier page shows: a curve, a start, a number of steps and three skiers."""

    curve: str = DEFAULT_CURVE_ID
    start: float = CURVES[DEFAULT_CURVE_ID].start
    steps: int = 100
    rules: tuple[str, str, str] = tuple(DEFAULT_RULES[k] for k in SKIERS)  # type: ignore[assignment]
    rates: tuple[float, float, float] = tuple(DEFAULT_RATES[k] for k in SKIERS)  # type: ignore[assignment]

    def flat(self) -> dict[str, str]:
        """Every key as URL text, in table order."""
        values: dict[str, Any] = {"curve": self.curve, "w0": self.start, "steps": self.steps}
        for index, key in enumerate(SKIERS):
            values[key], values[f"{key}.lr"] = self.rules[index], self.rates[index]
        return {f.key: f.format(values[f.key]) for f in FIELDS}

    def to_query(self, passthrough: Mapping[str, str] | None = None) -> str:
        """What differs from the defaults (the start: from the curve's own), then classroom keys."""
        default = SkierSettings().flat()
        default["w0"] = FIELD_OF["w0"].format(CURVES[self.curve].start)
        items = [(k, v) for k, v in self.flat().items() if default[k] != v]
        items += [(k, v) for k, v in (passthrough or {}).items() if k in PASSTHROUGH_KEYS]
        return urlencode(items, safe=",.")

    def flat_value(self, key: str) -> Any:
        """The current value of table key `key` (the fallback while parsing it)."""
        if key in ("curve", "steps"):
            return getattr(self, key)
        if key == "w0":
            return self.start
        index = SKIERS.index(key.split(".")[0])
        return self.rates[index] if key.endswith(".lr") else self.rules[index]

    def cache_key(self) -> str:
        return "ski:v1:" + "&".join(f"{k}={v}" for k, v in self.flat().items())

    def skiers(self) -> list[tuple[str, str, float]]:
        """(key, rule id, η) of every skier that is not off."""
        return [
            (key, rule, rate)
            for key, rule, rate in zip(SKIERS, self.rules, self.rates, strict=True)
            if rule != OFF
        ]

    def configs(self) -> list[OptimizerConfig]:
        return [OptimizerConfig(rule, lr=rate) for _, rule, rate in self.skiers()]


ParseResult = TableResult


def parse(raw: Mapping[str, Any], previous: SkierSettings | None = None) -> ParseResult:
    """The values of `raw` over `previous` (missing keys keep it); never raises.

    A new curve without a new start starts at that curve's own start; a start outside the
    curve's domain is refused beside its box.
    """
    previous = previous or SkierSettings()
    invalid: dict[str, str] = {}
    value_of: dict[str, Any] = {}
    for f in FIELDS:
        if f.key in raw and f.key != "w0":
            value, message = f.parse(raw[f.key], previous.flat_value(f.key))
            if message:
                invalid[f.key] = message
            else:
                value_of[f.key] = value
    curve = value_of.get("curve", previous.curve)
    start = previous.start if curve == previous.curve else CURVES[curve].start
    if "w0" in raw:
        low, high = CURVES[curve].domain
        value, message = FIELD_OF["w0"].parse(raw["w0"], start, (low, high))
        if message:
            invalid["w0"] = message
        else:
            start = value
    rules = tuple(value_of.get(k, previous.rules[i]) for i, k in enumerate(SKIERS))
    rates = tuple(value_of.get(f"{k}.lr", previous.rates[i]) for i, k in enumerate(SKIERS))
    settings = SkierSettings(
        curve=curve,
        start=start,
        steps=value_of.get("steps", previous.steps),
        rules=rules,  # type: ignore[arg-type]
        rates=rates,  # type: ignore[arg-type]
    )
    return ParseResult(settings, list(dict.fromkeys(invalid.values())), invalid)


def from_controls(raw: Mapping[str, Any], previous: SkierSettings | None = None) -> ParseResult:
    return guarded_controls(parse, raw, previous, SkierSettings())


def from_query(query: Any) -> tuple[SkierSettings, list[str], dict[str, str]]:
    """Settings from a URL query; (settings, messages, passthrough). Never raises."""
    return guarded_query(query, FIELD_OF, parse, SkierSettings())


def from_layout_kwargs(query: Mapping[str, Any]) -> tuple[SkierSettings, list[str], dict]:
    return guarded_layout_kwargs(query, from_query, SkierSettings())


def known_keys() -> set[str]:
    return set(FIELD_OF) | set(PASSTHROUGH_KEYS)


def summary(settings: SkierSettings) -> str:
    """'Gradient descent η = 0.05, Momentum η = 0.05 from w₀ = 2.4'."""
    riders = ", ".join(
        f"{OPTIMIZERS[r].title} η = {format_float(e)}" for _, r, e in settings.skiers()
    )
    return f"{riders or 'no skier'} from w₀ = {format_float(settings.start)}"
