"""The optimizer lab's one settings object: defaults, validation, URL query string, cache key.

Controls and URLs speak the same flat vocabulary of keys, so parsing a link and parsing the
controls is one function (`parse_flat`) and a link round-trips by construction:

    landscape=rosenbrock  w1=-1.5  w2=2  steps=500  noise=0  seed=0  view=contour|surface
    <optimizer>.on=1|0  <optimizer>.lr=0.01  <optimizer>.schedule=inverse_time
    <optimizer>.<schedule parameter>=0.01 (e.g. gd.decay_rate)  <optimizer>.<hyperparameter>=0.9
    <optimizer>.<choice>=<id> (e.g. lookahead.inner=adam: which rule Lookahead wraps)
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
from optimizers.specs import OPTIMIZERS, SCHEDULES
from settings.fields import (
    canonical_float,
    format_float,
    parse_bool,
    parse_choice,
    parse_float,
    parse_int,
)
from settings.query import PASSTHROUGH_KEYS, split_query

DEFAULT_LANDSCAPE = "himmelblau"
DEFAULT_STEPS = 500
MAX_STEPS = 5000
MAX_NOISE = 1000.0
MAX_SEED = 2**31 - 1
VIEWS = ("contour", "surface")
# Extra rows beyond the one per rule (two engine calls of 8 rows at most with everything on).
MAX_COPIES = 6
COPY_SEPARATOR = "-"


def copy_key(rule_id: str, number: int) -> str:
    """The key of a rule's `number`-th row ('gd', 2 -> 'gd-2'; number 1 is the rule's own)."""
    return rule_id if number == 1 else f"{rule_id}{COPY_SEPARATOR}{number}"


def split_row_key(key: str) -> tuple[str, int] | None:
    """('gd', 2) for 'gd-2', ('gd', 1) for 'gd'; None if `key` names no row a table can have."""
    rule_id, separator, number = key.rpartition(COPY_SEPARATOR)
    if not separator:
        return (key, 1) if key in OPTIMIZERS else None
    if rule_id in OPTIMIZERS and number.isdigit() and 2 <= int(number) <= MAX_COPIES + 1:
        return rule_id, int(number)
    return None


@dataclass(frozen=True)
class OptimizerSettings:
    """One row of the table: `id` is its key, the rule's id or a copy's ('gd-2', see
    `copy_key`). Mappings are stored as sorted (name, value) pairs."""

    id: str
    enabled: bool
    lr: float
    schedule: str
    schedule_params: tuple[tuple[str, float], ...]
    hyperparams: tuple[tuple[str, float], ...]

    @classmethod
    def default(cls, row_key: str) -> OptimizerSettings:
        """The row's defaults: the rule's (a copy starts enabled: it was asked for)."""
        rule_id, number = split_row_key(row_key) or (row_key, 1)
        spec = OPTIMIZERS[rule_id]
        return cls(
            id=row_key,
            enabled=spec.default_enabled or number > 1,
            lr=spec.learning_rate.default,
            schedule="constant",
            schedule_params=(),
            hyperparams=tuple(sorted((p.name, p.default) for p in spec.rule_hyperparameters)),
        )

    @property
    def rule(self) -> str:
        """The id of the update rule this row runs."""
        return (split_row_key(self.id) or (self.id, 1))[0]

    @property
    def number(self) -> int:
        """1 for the rule's own row, n for its copy '<rule>-n'."""
        return (split_row_key(self.id) or (self.id, 1))[1]

    @property
    def label(self) -> str:
        """What legends and tables call the row: 'GD', 'GD #2'."""
        title = OPTIMIZERS[self.rule].title
        return title if self.number == 1 else f"{title} #{self.number}"

    @property
    def schedule_values(self) -> dict[str, float]:
        return dict(self.schedule_params)

    @property
    def hyperparam_values(self) -> dict[str, float]:
        return dict(self.hyperparams)


@dataclass(frozen=True)
class LabSettings:
    """Everything that determines what the optimizer lab computes and draws."""

    landscape: str
    start: tuple[float, float]
    steps: int
    noise: float
    seed: int
    view: str
    optimizers: tuple[OptimizerSettings, ...]

    @classmethod
    def default(cls, landscape: str = DEFAULT_LANDSCAPE) -> LabSettings:
        return cls(
            landscape=landscape,
            start=tuple(float(v) for v in get_landscape(landscape).start),  # type: ignore[arg-type]
            steps=DEFAULT_STEPS,
            noise=0.0,
            seed=0,
            view="contour",
            optimizers=tuple(OptimizerSettings.default(o) for o in OPTIMIZERS),
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
            "landscape": self.landscape,
            "w1": format_float(self.start[0]),
            "w2": format_float(self.start[1]),
            "steps": str(self.steps),
            "noise": format_float(self.noise),
            "seed": str(self.seed),
            "view": self.view,
            "rows": ",".join(self.copies),
        }
        for row in self.optimizers:
            flat[f"{row.id}.on"] = "1" if row.enabled else "0"
            flat[f"{row.id}.lr"] = format_float(row.lr)
            flat[f"{row.id}.schedule"] = row.schedule
            for name, value in row.schedule_params:
                flat[f"{row.id}.{name}"] = format_float(value)
            for name, value in row.hyperparams:
                flat[f"{row.id}.{name}"] = format_hyperparameter(row.rule, name, value)
        return flat

    def to_query(self, passthrough: Mapping[str, str] | None = None) -> str:
        """The query string (no '?') holding what differs from the defaults."""
        base = _default_flat(self.landscape, self.copies)
        mine = _flat_items(self)
        items = [(k, v) for k, v in mine if base.get(k) != v]
        items += [(k, v) for k, v in (passthrough or {}).items() if k in PASSTHROUGH_KEYS]
        return urlencode(items, safe=",")

    def cache_key(self) -> str:
        """Canonical text of everything the computation depends on (not the view)."""
        parts = [
            "lab:v1",
            self.landscape,
            f"{format_float(self.start[0])},{format_float(self.start[1])}",
            str(self.steps),
            format_float(self.noise),
            str(self.seed if self.noise > 0 else 0),
        ]
        for row in self.enabled:
            values = ",".join(
                [f"{k}={format_float(v)}" for k, v in row.schedule_params]
                + [f"{k}={format_hyperparameter(row.rule, k, v)}" for k, v in row.hyperparams]
            )
            parts.append(f"{row.id}:{format_float(row.lr)}:{row.schedule}:{values}")
        return "|".join(parts)


def table_order(rows: tuple[OptimizerSettings, ...]) -> tuple[OptimizerSettings, ...]:
    """Rules in registry order, each rule's copies right after its own row, by number."""
    rank = {rule_id: i for i, rule_id in enumerate(OPTIMIZERS)}
    return tuple(sorted(rows, key=lambda o: (rank[o.rule], o.number)))


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
    if "landscape" in raw:
        landscape = take(
            parse_choice(raw["landscape"], "Landscape", previous.landscape, LANDSCAPES), "landscape"
        )
    # A new landscape starts from its own default start unless a start is given explicitly.
    start = (
        previous.start if landscape == previous.landscape else LabSettings.default(landscape).start
    )
    (x_min, x_max), (y_min, y_max) = get_landscape(landscape).domain
    w1, w2 = start
    if "w1" in raw:
        w1 = take(parse_float(raw["w1"], "Start w₁", start[0], x_min, x_max), "w1")
    if "w2" in raw:
        w2 = take(parse_float(raw["w2"], "Start w₂", start[1], y_min, y_max), "w2")

    steps = previous.steps
    if "steps" in raw:
        steps = take(parse_int(raw["steps"], "Steps", previous.steps, 1, MAX_STEPS), "steps")
    noise = previous.noise
    if "noise" in raw:
        noise = take(
            parse_float(raw["noise"], "Gradient noise σ", previous.noise, 0.0, MAX_NOISE), "noise"
        )
    seed = previous.seed
    if "seed" in raw:
        seed = take(parse_int(raw["seed"], "Seed", previous.seed, 0, MAX_SEED), "seed")
    view = previous.view
    if "view" in raw:
        view = take(parse_choice(raw["view"], "View", previous.view, VIEWS), "view")

    table = previous.optimizers
    if "rows" in raw or any(_is_new_copy_key(k, previous) for k in raw):
        table = take(_parse_table(raw, previous), "rows")
    rows = tuple(_parse_row(raw, row, take) for row in table)
    settings = LabSettings(
        landscape=landscape,
        start=(canonical_float(w1), canonical_float(w2)),
        steps=steps,
        noise=noise,
        seed=seed,
        view=view,
        optimizers=rows,
    )
    return settings, rejected


def _is_new_copy_key(key: str, previous: LabSettings) -> bool:
    row_key = key.partition(".")[0]
    return (
        "." in key and row_key not in previous.copies and (split_row_key(row_key) or ("", 1))[1] > 1
    )


def _parse_table(
    raw: Mapping[str, Any], previous: LabSettings
) -> tuple[tuple[OptimizerSettings, ...], str | None]:
    """The rows `raw` asks for: every rule's own row, the copies listed in `rows` (a copy's
    settings given without listing it count as listing it), at most `MAX_COPIES`."""
    wanted: list[str] = []
    problems: list[str] = []
    listed = raw.get("rows", ",".join(previous.copies))
    if not isinstance(listed, str):
        problems.append("Rows: expected a list such as 'gd-2,adam-2'.")
        listed = ",".join(previous.copies)
    for key in [k.strip() for k in listed.split(",") if k.strip()] + [
        k.partition(".")[0] for k in raw if _is_new_copy_key(k, previous)
    ]:
        parts = split_row_key(key)
        if parts is None or parts[1] == 1:
            problems.append(
                f"Rows: {key[:30]!r} is not an extra row (a rule's id, a dash and 2 to "
                f"{MAX_COPIES + 1}, such as 'gd-2')."
            )
        elif key not in wanted:
            wanted.append(key)
    if len(wanted) > MAX_COPIES:
        problems.append(f"Rows: at most {MAX_COPIES} extra rows; the first {MAX_COPIES} are kept.")
        wanted = wanted[:MAX_COPIES]
    kept = {o.id: o for o in previous.optimizers}
    own = [o for o in previous.optimizers if o.number == 1]
    copies = [kept.get(key) or OptimizerSettings.default(key) for key in wanted]
    return table_order(tuple(own + copies)), " ".join(problems) or None


def _parse_row(raw: Mapping[str, Any], row: OptimizerSettings, take: Any) -> OptimizerSettings:
    spec = OPTIMIZERS[row.rule]
    prefix = f"{row.id}."

    enabled = row.enabled
    if prefix + "on" in raw:
        enabled = take(
            parse_bool(raw[prefix + "on"], f"{row.label}: enabled", row.enabled), prefix + "on"
        )
    lr_spec = spec.learning_rate
    lr = row.lr
    if prefix + "lr" in raw:
        lr = take(
            parse_float(
                raw[prefix + "lr"],
                f"{row.label}: learning rate",
                row.lr,
                lr_spec.minimum,
                lr_spec.maximum,
            ),
            prefix + "lr",
        )
    schedule = row.schedule
    if prefix + "schedule" in raw:
        schedule = take(
            parse_choice(
                raw[prefix + "schedule"], f"{row.label}: schedule", row.schedule, SCHEDULES
            ),
            prefix + "schedule",
        )
    old_schedule_values = row.schedule_values if schedule == row.schedule else {}
    schedule_params = []
    for parameter in SCHEDULES[schedule].parameters:
        current = old_schedule_values.get(parameter.name, parameter.default)
        key = prefix + parameter.name
        if key in raw:
            parse = parse_int if parameter.integer else parse_float
            current = take(
                parse(
                    raw[key],
                    f"{row.label}: {parameter.label}",
                    current,
                    parameter.minimum,
                    parameter.maximum,
                ),
                f"{row.id}.{schedule}.{parameter.name}",
            )
        schedule_params.append((parameter.name, float(current)))
    hyperparams = []
    for parameter in spec.rule_hyperparameters:
        current = row.hyperparam_values.get(parameter.name, parameter.default)
        key = prefix + parameter.name
        if key in raw and parameter.is_choice:
            options = dict.fromkeys(parameter.choices)
            chosen = take(
                parse_choice(
                    raw[key],
                    f"{row.label}: {parameter.label}",
                    parameter.choice_id(current),
                    options,
                ),
                key,
            )
            current = parameter.choice_index(chosen)
        elif key in raw:
            current = take(
                parse_float(
                    raw[key],
                    f"{row.label}: {parameter.label}",
                    current,
                    parameter.minimum,
                    parameter.maximum,
                ),
                key,
            )
        hyperparams.append((parameter.name, float(current)))
    return replace(
        row,
        enabled=enabled,
        lr=lr,
        schedule=schedule,
        schedule_params=tuple(sorted(schedule_params)),
        hyperparams=tuple(sorted(hyperparams)),
    )


def format_hyperparameter(optimizer_id: str, name: str, value: float) -> str:
    """A hyperparameter as URL/control text: a choice (Lookahead's inner rule) as its id."""
    parameter = OPTIMIZERS[optimizer_id].hyperparameter(name)
    return parameter.choice_id(value) if parameter.is_choice else format_float(value)


@functools.cache
def known_keys() -> frozenset[str]:
    """Every key the vocabulary understands (for reporting unknown URL keys), copies' too."""
    keys = {"landscape", "w1", "w2", "steps", "noise", "seed", "view", "rows", *PASSTHROUGH_KEYS}
    schedule_names = {p.name for s in SCHEDULES.values() for p in s.parameters}
    for optimizer_id, spec in OPTIMIZERS.items():
        names = {
            "on",
            "lr",
            "schedule",
            *schedule_names,
            *(p.name for p in spec.rule_hyperparameters),
        }
        for number in range(1, MAX_COPIES + 2):
            keys |= {f"{copy_key(optimizer_id, number)}.{name}" for name in names}
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
