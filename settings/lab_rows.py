"""The optimizer lab's table rows: row keys, one row's settings and its declarative field table.

A row's key is its rule's id ('gd') or a copy's ('gd-2', up to `MAX_COPIES` copies in a
table); every setting of a row is a `Field` under the key '<row>.<name>':

    <row>.on=1|0  <row>.lr=0.01  <row>.schedule=inverse_time
    <row>.<schedule parameter>=0.01 (gd.decay_rate)  <row>.<hyperparameter>=0.9 (adam.beta1)
    <row>.<choice>=<rule id> (lookahead.inner=adam: which rule Lookahead wraps)

The fields come from the rule's and the schedules' own metadata (defaults, ranges), so what a
row shows by default is what the engine uses.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from optimizers.specs import OPTIMIZERS, SCHEDULES
from settings.fields import Field, format_float

# Extra rows beyond the one per rule (two engine calls of 8 rows at most with everything on).
MAX_COPIES = 6
COPY_SEPARATOR = "-"
DEFAULT_SCHEDULE = "constant"


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


def row_label(rule_id: str, number: int) -> str:
    """What legends, tables and messages call a row: 'Adam', 'Adam #2'."""
    title = OPTIMIZERS[rule_id].title
    return title if number == 1 else f"{title} #{number}"


@dataclass(frozen=True)
class OptimizerSettings:
    """One row of the table: `id` is its key, the rule's id or a copy's ('gd-2', see
    `copy_key`). Mappings are stored as sorted (name, value) pairs; a choice hyperparameter
    (Lookahead's inner rule) as the index the engine reads."""

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
            schedule=DEFAULT_SCHEDULE,
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
        return row_label(self.rule, self.number)

    @property
    def schedule_values(self) -> dict[str, float]:
        return dict(self.schedule_params)

    @property
    def hyperparam_values(self) -> dict[str, float]:
        return dict(self.hyperparams)

    def flat(self) -> dict[str, str]:
        """The row's settings as text under its keys (the URL vocabulary)."""
        fields = rule_fields(self.rule, self.number)
        prefix = f"{self.id}."
        flat = {
            prefix + "on": fields["on"].format(self.enabled),
            prefix + "lr": fields["lr"].format(self.lr),
            prefix + "schedule": fields["schedule"].format(self.schedule),
        }
        for name, value in self.schedule_params:
            flat[prefix + name] = format_float(value)
        for name, value in self.hyperparams:
            flat[prefix + name] = format_hyperparameter(self.rule, name, value)
        return flat


# ---- the field table -------------------------------------------------------------------------
@functools.cache
def rule_fields(rule_id: str, number: int = 1) -> Mapping[str, Field]:
    """Row fields of rule `rule_id`'s `number`-th row by name: on, lr, schedule, then every
    hyperparameter of the rule (bounded: one table per rule and copy number)."""
    spec, label = OPTIMIZERS[rule_id], row_label(rule_id, number)
    lr = spec.learning_rate
    fields = {
        "on": Field("on", f"{label}: enabled", spec.default_enabled or number > 1, "bool"),
        "lr": Field("lr", f"{label}: learning rate", lr.default, "float", (lr.minimum, lr.maximum)),
        "schedule": Field(
            "schedule", f"{label}: schedule", DEFAULT_SCHEDULE, "choice", choices=tuple(SCHEDULES)
        ),
    }
    for p in spec.rule_hyperparameters:
        if p.is_choice:
            fields[p.name] = Field(
                p.name, f"{label}: {p.label}", p.choice_id(p.default), "choice", choices=p.choices
            )
        else:
            fields[p.name] = Field(
                p.name, f"{label}: {p.label}", p.default, "float", (p.minimum, p.maximum)
            )
    return fields


@functools.cache
def schedule_fields(schedule_id: str, rule_id: str, number: int = 1) -> tuple[Field, ...]:
    """The fields of schedule `schedule_id`'s parameters in a row of rule `rule_id`."""
    label = row_label(rule_id, number)
    return tuple(
        Field(
            p.name,
            f"{label}: {p.label}",
            p.default,
            "int" if p.integer else "float",
            (p.minimum, p.maximum),
        )
        for p in SCHEDULES[schedule_id].parameters
    )


def row_field_names(rule_id: str) -> frozenset[str]:
    """Every name a key of a row of rule `rule_id` can end in (any schedule's parameters)."""
    names = set(rule_fields(rule_id))
    names |= {p.name for s in SCHEDULES.values() for p in s.parameters}
    return frozenset(names)


def format_hyperparameter(rule_id: str, name: str, value: float) -> str:
    """A hyperparameter as URL/control text: a choice (Lookahead's inner rule) as its id."""
    parameter = OPTIMIZERS[rule_id].hyperparameter(name)
    return parameter.choice_id(value) if parameter.is_choice else format_float(value)


def parse_row(raw: Mapping[str, Any], row: OptimizerSettings, take: Any) -> OptimizerSettings:
    """`row` with every value `raw` holds under its keys read through its field table (a
    rejected value keeps `row`'s; `take` records its message under its key)."""
    fields = rule_fields(row.rule, row.number)
    prefix = f"{row.id}."

    def read(field: Field, current: Any, message_key: str = "") -> Any:
        key = prefix + field.key
        if key not in raw:
            return current
        return take(field.parse(raw[key], current), message_key or key)

    enabled = read(fields["on"], row.enabled)
    lr = read(fields["lr"], row.lr)
    schedule = read(fields["schedule"], row.schedule)
    old_schedule_values = row.schedule_values if schedule == row.schedule else {}
    schedule_params = []
    for field in schedule_fields(schedule, row.rule, row.number):
        current = old_schedule_values.get(field.key, field.default)
        # The message is keyed by the control, which is per schedule ('gd.step.every').
        value = read(field, current, f"{row.id}.{schedule}.{field.key}")
        schedule_params.append((field.key, float(value)))
    hyperparams = []
    for parameter in OPTIMIZERS[row.rule].rule_hyperparameters:
        field, current = fields[parameter.name], row.hyperparam_values[parameter.name]
        if parameter.is_choice:
            current = parameter.choice_index(read(field, parameter.choice_id(current)))
        else:
            current = read(field, current)
        hyperparams.append((parameter.name, float(current)))
    return replace(
        row,
        enabled=enabled,
        lr=lr,
        schedule=schedule,
        schedule_params=tuple(sorted(schedule_params)),
        hyperparams=tuple(sorted(hyperparams)),
    )


# ---- the table's rows --------------------------------------------------------------------------
def table_order(rows: tuple[OptimizerSettings, ...]) -> tuple[OptimizerSettings, ...]:
    """Rules in registry order, each rule's copies right after its own row, by number."""
    rank = {rule_id: i for i, rule_id in enumerate(OPTIMIZERS)}
    return tuple(sorted(rows, key=lambda o: (rank[o.rule], o.number)))


def is_new_copy_key(key: str, rows: tuple[OptimizerSettings, ...]) -> bool:
    """Whether `key` ('gd-3.lr') is a setting of a copy `rows` does not have yet."""
    row_key, dot, _ = key.partition(".")
    parts = split_row_key(row_key) if dot else None
    return parts is not None and parts[1] > 1 and all(o.id != row_key for o in rows)


def parse_table(
    raw: Mapping[str, Any], rows: tuple[OptimizerSettings, ...]
) -> tuple[tuple[OptimizerSettings, ...], str | None]:
    """The rows `raw` asks for: every rule's own row, the copies listed in `rows` (a copy's
    settings given without listing it count as listing it), at most `MAX_COPIES`."""
    current = ",".join(o.id for o in rows if o.number > 1)
    wanted: list[str] = []
    problems: list[str] = []
    listed = raw.get("rows", current)
    if not isinstance(listed, str):
        problems.append("Rows: expected a list such as 'gd-2,adam-2'.")
        listed = current
    for key in [k.strip() for k in listed.split(",") if k.strip()] + [
        k.partition(".")[0] for k in raw if is_new_copy_key(k, rows)
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
    kept = {o.id: o for o in rows}
    own = [o for o in rows if o.number == 1]
    copies = [kept.get(key) or OptimizerSettings.default(key) for key in wanted]
    return table_order(tuple(own + copies)), " ".join(problems) or None
