"""The optimizer lab's one settings object: defaults, validation, URL query string, cache key.

Controls and URLs speak the same flat vocabulary of keys, so parsing a link and parsing the
controls is one function (`parse_flat`) and a link round-trips by construction. Every key is
a `Field` of one declarative table — `RUN_FIELDS` here, the rows' in settings/lab_rows.py —
which holds its label, default, parsing and formatting, and whether it is in the cache key:

    landscape=rosenbrock  w1=-1.5  w2=2  steps=500  noise=0  seed=0  view=contour|surface
    map=default|contrast (the landscape's colours: contrast for a washed-out projector)
    <row>.on=1|0  <row>.lr=0.01  <row>.schedule=inverse_time  <row>.<parameter>=0.9 …
    rows=gd-2,adam-2   extra rows ("copies"): row `<rule>-<n>` runs rule <rule> with settings
                       of its own, under the same keys (gd-2.lr=0.013, gd-2.on=0, …)

The table has one row per rule (key = the rule's id) and up to `MAX_COPIES` copies, each right
after its rule's rows: a student compares "GD η = 0.01" with "GD η = 0.013" in one run.

The defaults come from the landscapes' and optimizers' own metadata, so a default shown on the
page is the default the engine uses.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any
from urllib.parse import urlencode

from landscapes import LANDSCAPES, get_landscape
from optimizers.specs import OPTIMIZERS
from settings.fields import Field, canonical_float
from settings.lab_rows import (
    MAX_COPIES,
    OptimizerSettings,
    copy_key,
    format_hyperparameter,
    is_new_copy_key,
    parse_row,
    parse_table,
    row_field_names,
    split_row_key,
    table_order,
)
from settings.query import PASSTHROUGH_KEYS, split_query

__all__ = [
    "MAX_COPIES",
    "LabSettings",
    "OptimizerSettings",
    "copy_key",
    "format_hyperparameter",
    "from_query",
    "known_keys",
    "parse_flat",
    "parse_flat_detailed",
    "split_row_key",
    "table_order",
]

DEFAULT_LANDSCAPE = "himmelblau"
DEFAULT_STEPS = 500
MAX_STEPS = 5000
MAX_NOISE = 1000.0
MAX_SEED = 2**31 - 1
VIEWS = ("contour", "surface")
# The landscape's colour map (assets/lab/theme.js): the slides' muted blue-grey, or a wider
# range of lightness that stays readable on a washed-out projector. Drawing only.
MAPS = ("default", "contrast")

# ---- the state table -------------------------------------------------------------------------
LANDSCAPE = Field("landscape", "Landscape", DEFAULT_LANDSCAPE, "choice", choices=tuple(LANDSCAPES))
# The start's bounds are the landscape's domain (given when parsing); its default its start.
START = (Field("w1", "Start w₁", 0.0), Field("w2", "Start w₂", 0.0))
RUN_FIELDS: tuple[Field, ...] = (
    Field("steps", "Steps", DEFAULT_STEPS, "int", (1, MAX_STEPS)),
    Field("noise", "Gradient noise σ", 0.0, "float", (0.0, MAX_NOISE)),
    Field("seed", "Seed", 0, "int", (0, MAX_SEED)),
    Field("view", "View", VIEWS[0], "choice", choices=VIEWS, in_cache_key=False),
    Field("map", "Colour map", MAPS[0], "choice", choices=MAPS, in_cache_key=False),
)
"""The run's own settings, by their LabSettings attribute (= key)."""


@dataclass(frozen=True)
class LabSettings:
    """Everything that determines what the optimizer lab computes and draws."""

    landscape: str
    start: tuple[float, float]
    steps: int
    noise: float
    seed: int
    view: str
    map: str
    optimizers: tuple[OptimizerSettings, ...]

    @classmethod
    def default(cls, landscape: str = DEFAULT_LANDSCAPE) -> LabSettings:
        return cls(
            landscape=landscape,
            start=tuple(float(v) for v in get_landscape(landscape).start),  # type: ignore[arg-type]
            optimizers=tuple(OptimizerSettings.default(o) for o in OPTIMIZERS),
            **{field.key: field.default for field in RUN_FIELDS},
        )

    @property
    def enabled(self) -> tuple[OptimizerSettings, ...]:
        return tuple(o for o in self.optimizers if o.enabled)

    def optimizer(self, row_key: str) -> OptimizerSettings:
        return next(o for o in self.optimizers if o.id == row_key)

    @property
    def copies(self) -> tuple[str, ...]:
        """The keys of the extra rows, in table order (the `rows` URL key)."""
        return tuple(o.id for o in self.optimizers if o.number > 1)

    # ---- rows: duplicate, add, remove (the table's buttons) --------------------------------
    def with_copy_of(self, row_key: str) -> tuple[LabSettings, str | None]:
        """A new row right after `row_key`'s rule's rows, with `row_key`'s settings, enabled.
        Returns the settings and a message when no row can be added."""
        source = next((o for o in self.optimizers if o.id == row_key), None)
        if source is None:
            return self, f"There is no row {row_key!r} to duplicate."
        key, problem = self._free_copy_key(source.rule)
        if key is None:
            return self, problem
        return self._with_rows((*self.optimizers, replace(source, id=key, enabled=True))), None

    def with_row_of(self, rule_id: str) -> tuple[LabSettings, str | None]:
        """Rule `rule_id` in one more row: its own row if that is off, else a copy with the
        rule's defaults."""
        if rule_id not in OPTIMIZERS:
            return self, f"There is no optimizer {rule_id!r}."
        own = self.optimizer(rule_id)
        if not own.enabled:
            return self._with_rows(
                tuple(replace(o, enabled=True) if o.id == rule_id else o for o in self.optimizers)
            ), None
        key, problem = self._free_copy_key(rule_id)
        if key is None:
            return self, problem
        return self._with_rows((*self.optimizers, OptimizerSettings.default(key))), None

    def without_row(self, row_key: str) -> LabSettings:
        """The table without copy `row_key` (a rule's own row stays: it is switched off)."""
        return self._with_rows(
            tuple(
                replace(o, enabled=False) if o.id == row_key and o.number == 1 else o
                for o in self.optimizers
                if not (o.id == row_key and o.number > 1)
            )
        )

    def _free_copy_key(self, rule_id: str) -> tuple[str | None, str | None]:
        if len(self.copies) >= MAX_COPIES:
            return None, f"The table holds at most {MAX_COPIES} extra rows; remove one first."
        taken = {o.id for o in self.optimizers}
        number = next(n for n in range(2, MAX_COPIES + 2) if copy_key(rule_id, n) not in taken)
        return copy_key(rule_id, number), None

    def _with_rows(self, rows: tuple[OptimizerSettings, ...]) -> LabSettings:
        return replace(self, optimizers=table_order(rows))

    # ---- flat vocabulary -------------------------------------------------------------------
    def to_flat(self) -> dict[str, str]:
        """Every setting as text, keyed by the URL vocabulary (a fresh dict; computed once per
        distinct settings: a callback reads it several times)."""
        return dict(_flat_items(self))

    def _flat(self) -> dict[str, str]:
        flat = {
            LANDSCAPE.key: self.landscape,
            **{
                field.key: field.format(value)
                for field, value in zip(START, self.start, strict=True)
            },
            **{field.key: field.format(getattr(self, field.key)) for field in RUN_FIELDS},
            "rows": ",".join(self.copies),
        }
        for row in self.optimizers:
            flat.update(row.flat())
        return flat

    def to_query(self, passthrough: Mapping[str, str] | None = None) -> str:
        """The query string (no '?') holding what differs from the defaults."""
        base = _default_flat(self.landscape, self.copies)
        mine = _flat_items(self)
        items = [(k, v) for k, v in mine if base.get(k) != v]
        items += [(k, v) for k, v in (passthrough or {}).items() if k in PASSTHROUGH_KEYS]
        return urlencode(items, safe=",")

    def cache_key(self) -> str:
        """Canonical text of everything the computation depends on (not the view; the seed
        only with noise)."""
        flat = self.to_flat()
        cached = [f for f in RUN_FIELDS if f.in_cache_key and (f.key != "seed" or self.noise > 0)]
        parts = ["lab:v2", self.landscape, f"{flat['w1']},{flat['w2']}"]
        parts += [f"{f.key}={flat[f.key]}" for f in cached]
        for row in self.enabled:  # the row's own keys, as `_flat` wrote them (not its "on")
            prefix = f"{row.id}."
            parts.append(
                ",".join(
                    f"{k}={v}"
                    for k, v in flat.items()
                    if k.startswith(prefix) and k != prefix + "on"
                )
            )
        return "|".join(parts)


@functools.lru_cache(maxsize=512)
def _flat_items(settings: LabSettings) -> tuple[tuple[str, str], ...]:
    """``settings``' flat text (bounded: 512 settings of ~3 KB)."""
    return tuple(settings._flat().items())


@functools.lru_cache(maxsize=64)
def _default_flat(landscape: str, copies: tuple[str, ...] = ()) -> Mapping[str, str]:
    """The default settings' flat text on ``landscape`` with the extra rows `copies` at their
    defaults, the default landscape's id and no extra rows (what a query leaves out)."""
    settings = LabSettings.default(landscape)
    settings = settings._with_rows(
        settings.optimizers + tuple(OptimizerSettings.default(key) for key in copies)
    )
    base = settings.to_flat()
    base["landscape"] = DEFAULT_LANDSCAPE
    base["rows"] = ""
    return MappingProxyType(base)


def parse_flat(
    raw: Mapping[str, Any], previous: LabSettings | None = None
) -> tuple[LabSettings, list[str]]:
    """Settings from flat raw values (controls or URL); invalid values keep `previous`'s.

    Keys missing from `raw` keep `previous`'s value. Returns the settings and one readable
    message per rejected value.
    """
    settings, rejected = parse_flat_detailed(raw, previous)
    return settings, list(rejected.values())


def parse_flat_detailed(
    raw: Mapping[str, Any], previous: LabSettings | None = None
) -> tuple[LabSettings, dict[str, str]]:
    """Like `parse_flat`, but the messages are keyed by the rejected value's key."""
    rejected: dict[str, str] = {}
    previous = previous or LabSettings.default()

    def take(value_and_message: tuple[Any, str | None], key: str = "") -> Any:
        value, message = value_and_message
        if message:
            rejected[key] = message
        return value

    landscape = previous.landscape
    if LANDSCAPE.key in raw:
        landscape = take(LANDSCAPE.parse(raw[LANDSCAPE.key], previous.landscape), LANDSCAPE.key)
    # A new landscape starts from its own default start unless a start is given explicitly.
    start = (
        previous.start if landscape == previous.landscape else LabSettings.default(landscape).start
    )
    domain = get_landscape(landscape).domain
    start = tuple(
        canonical_float(
            take(field.parse(raw[field.key], value, bounds), field.key)
            if field.key in raw
            else value
        )
        for field, value, bounds in zip(START, start, domain, strict=True)
    )
    run = {
        field.key: take(field.parse(raw[field.key], getattr(previous, field.key)), field.key)
        if field.key in raw
        else getattr(previous, field.key)
        for field in RUN_FIELDS
    }

    table = previous.optimizers
    if "rows" in raw or any(is_new_copy_key(k, previous.optimizers) for k in raw):
        table = take(parse_table(raw, previous.optimizers), "rows")
    # Only rows with a value in `raw` are read again (a row's field table is long; a change
    # touches one row, and a run URL lists only the values that differ from the defaults).
    keyed_rows = {key.partition(".")[0] for key in raw}
    rows = tuple(parse_row(raw, row, take) if row.id in keyed_rows else row for row in table)
    settings = LabSettings(landscape=landscape, start=start, optimizers=rows, **run)  # type: ignore[arg-type]
    return settings, rejected


@functools.cache
def known_keys() -> frozenset[str]:
    """Every key the vocabulary understands (for reporting unknown URL keys), copies' too."""
    keys = {LANDSCAPE.key, *(f.key for f in START), *(f.key for f in RUN_FIELDS), "rows"}
    keys |= set(PASSTHROUGH_KEYS)
    for rule_id in OPTIMIZERS:
        names = row_field_names(rule_id)
        for number in range(1, MAX_COPIES + 2):
            keys |= {f"{copy_key(rule_id, number)}.{name}" for name in names}
    return frozenset(keys)


def from_query(query: str | None) -> tuple[LabSettings, list[str], dict[str, str]]:
    """Settings from a URL query string ('?a=1&b=2' or 'a=1&b=2'); never raises.

    Returns (settings, messages, passthrough) where passthrough keeps the classroom keys.
    A malformed or hostile query yields the defaults for whatever could not be used.
    """
    raw, passthrough, messages = split_query(query, known_keys())
    if raw is None:
        return LabSettings.default(), messages, {}
    # The landscape decides the default start, so it is parsed first.
    base = LabSettings.default()
    if "landscape" in raw:
        base, landscape_messages = parse_flat({"landscape": raw.pop("landscape")}, base)
        messages += landscape_messages
    settings, value_messages = parse_flat(raw, base)
    return settings, messages + value_messages, passthrough
