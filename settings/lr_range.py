"""The learning-rate range test page's one settings object: the playground's network plus the ramp.

The network is named by the playground's own keys (`settings.network_view`); three keys of
this table name the ramp of `playground.lr_range_test` (its defaults are fastai's)::

    lrstart=1e-07  lrend=10  (1e-9 … 100, lrstart < lrend)  lrsteps=100 (20 … 1000 epochs)

`to_query()` writes the network's canonical query, then what differs here; `from_query()`
turns any text into valid settings plus sentences and never raises. `cache_key()` is
"lr:v1:" + the network's cache key + "|" + the ramp (the page's "train with this rate" links
keep the network's epochs, so the whole network key is part of it).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlencode

from playground.config import PlaygroundConfig
from playground.cost import REQUEST_BUDGET_S, largest_epochs, run_seconds
from playground.lr_range_test import END_LR, RATE_RANGE, START_LR, STEPS, STEPS_RANGE
from settings.fields import Field, format_float
from settings.network_view import network_keys, split_network_query
from settings.page_table import TableResult, guarded_controls, guarded_layout_kwargs
from settings.playground import PlaygroundSettings
from settings.query import PASSTHROUGH_KEYS, UNREADABLE

# The state table. Key = URL key = control key = message key.
FIELDS: tuple[Field, ...] = (
    Field("lrstart", "Start rate", START_LR, "float", RATE_RANGE, attr="start_lr"),
    Field("lrend", "End rate", END_LR, "float", RATE_RANGE, attr="end_lr"),
    Field("lrsteps", "Steps", STEPS, "int", STEPS_RANGE, attr="steps"),
)
FIELD_OF = {f.key: f for f in FIELDS}
RAMP_KEYS = tuple(f.key for f in FIELDS)


@dataclass(frozen=True)
class LRRangeSettings:
    """The network (the playground's settings, view keys unused) and the ramp it is tested on."""

    network: PlaygroundSettings = field(default_factory=PlaygroundSettings)
    start_lr: float = START_LR
    end_lr: float = END_LR
    steps: int = STEPS

    def engine_arguments(self) -> dict[str, Any]:
        """The keyword arguments of `playground.lr_range_test` (besides the config)."""
        return {"start_lr": self.start_lr, "end_lr": self.end_lr, "steps": self.steps}

    def ramp_flat(self) -> dict[str, str]:
        return {f.key: f.format(getattr(self, f.name)) for f in FIELDS}

    def ramp_query(self) -> str:
        """The ramp's keys that differ from the defaults, in table order."""
        default = LRRangeSettings().ramp_flat()
        return urlencode([(k, v) for k, v in self.ramp_flat().items() if default[k] != v])

    def to_query(self, passthrough: Mapping[str, str] | None = None) -> str:
        """The page's canonical query: the network's, then the ramp's, then classroom keys."""
        parts = [self.network.to_query(view=False), self.ramp_query()]
        parts.append(urlencode([(k, v) for k, v in (passthrough or {}).items()
                                if k in PASSTHROUGH_KEYS]))  # fmt: skip
        return "&".join(part for part in parts if part)

    def cache_key(self) -> str:
        """Canonical text of everything the test and its links depend on."""
        own = "&".join(f"{k}={v}" for k, v in self.ramp_flat().items())
        return f"lr:v1:{self.network.cache_key()}|{own}"

    def ramp_network(self) -> PlaygroundConfig:
        """The network trained for `steps` epochs (what the test costs)."""
        return dataclasses.replace(self.network.config, epochs=self.steps, snapshot_every=None)

    def playground_query(self, config: PlaygroundConfig) -> str:
        """The playground's query of `config` (a suggestion applied to this network)."""
        return PlaygroundSettings(config=config).to_query(view=False)

    def summary(self) -> str:
        return (
            f"η from {format_float(self.start_lr)} to {format_float(self.end_lr)} "
            f"over {self.steps} epochs"
        )


def over_budget(settings: LRRangeSettings) -> str:
    """'' when the test fits the request budget, else what to change."""
    config = settings.ramp_network()
    seconds = run_seconds(config)
    if seconds <= REQUEST_BUDGET_S:
        return ""
    limit = largest_epochs(config, 1)
    fewer = f"at most {limit} steps, " if limit >= STEPS_RANGE[0] else ""
    return (
        f"this test would take about {seconds:.1f} s of the server's time (the limit is "
        f"{REQUEST_BUDGET_S:g} s); use {fewer}a larger batch size or a smaller network."
    )


ParseResult = TableResult


def parse_ramp(raw: Mapping[str, Any], previous: LRRangeSettings | None = None) -> ParseResult:
    """The ramp's values from `raw` (missing keys keep `previous`'s); never raises.

    The start must stay below the end: a pair that does not is refused at the field that
    changed (both, from a link), keeping the previous pair.
    """
    previous = previous or LRRangeSettings()
    invalid: dict[str, str] = {}
    values: dict[str, Any] = {}
    for f in FIELDS:
        if f.key not in raw:
            continue
        value, message = f.parse(raw[f.key], getattr(previous, f.name))
        if message:
            invalid[f.key] = message
        else:
            values[f.name] = value
    settings = replace(previous, **values)
    if settings.start_lr >= settings.end_lr:
        sentence = (
            f"The start rate ({format_float(settings.start_lr)}) must be below the end rate "
            f"({format_float(settings.end_lr)})."
        )
        for key, name in (("lrstart", "start_lr"), ("lrend", "end_lr")):
            if name in values:
                invalid.setdefault(key, sentence)
        settings = replace(settings, start_lr=previous.start_lr, end_lr=previous.end_lr)
    problem = over_budget(settings)
    if problem:
        invalid.setdefault("lrsteps", problem[0].upper() + problem[1:])
        settings = replace(settings, steps=previous.steps)
    return ParseResult(settings, list(dict.fromkeys(invalid.values())), invalid)


def from_controls(raw: Mapping[str, Any], previous: LRRangeSettings | None = None) -> ParseResult:
    """The page's controls (the three ramp keys) over `previous`; never raises."""
    return guarded_controls(parse_ramp, raw, previous, LRRangeSettings())


def from_query(query: Any) -> tuple[LRRangeSettings, list[str], dict[str, str]]:
    """Settings from a URL query; (settings, messages, passthrough). Never raises."""
    try:
        split = split_network_query(query, RAMP_KEYS)
        result = parse_ramp(split.own, LRRangeSettings(network=split.network))
        return result.settings, split.messages + result.messages, split.passthrough
    except Exception:  # last line of defence: a link can never break the page
        return LRRangeSettings(), [UNREADABLE], {}


def from_layout_kwargs(query: Mapping[str, Any]) -> tuple[LRRangeSettings, list[str], dict]:
    """Settings from the query parameters Dash passes to `layout(**query)`."""
    return guarded_layout_kwargs(query, from_query, LRRangeSettings())


def known_keys() -> set[str]:
    """Every URL key the page's links understand: the playground's network keys and the three."""
    return network_keys() | set(RAMP_KEYS)
