"""The network playground's stores and controls for given settings: the control keys, the text
every control shows, the stores naming the runs to fetch, and the input classes (a rejected
value outlined in place). Plain functions (no callbacks): pages/playground.py wires them.
"""

from __future__ import annotations

import functools
from typing import Any

from components.playground_controls import Choice, ControlOptions, Param, RuleOptions
from components.playground_figures import SCHEME_COLORS
from playground import ACTIVATIONS, DATASETS, DEMO_INIT_IDS, INIT_SCHEMES, OPTIMIZERS, SCHEDULES
from playground.cost import COMPARE_RUNS, over_budget
from serving.api.playground import compare_url, run_url
from settings.fields import format_float
from settings.playground import (
    CHOICE_FIELDS,
    NUMERIC_FIELDS,
    PATIENCE_FIELD,
    PlaygroundSettings,
    from_query,
)

# Flat keys of the controls that are free text (marked invalid in place when rejected).
TEXT_KEYS = (*(f.key for f in NUMERIC_FIELDS), "hidden", "scale", "batch", PATIENCE_FIELD.key)
CONTROL_KEYS = tuple(f.key for f in CHOICE_FIELDS) + TEXT_KEYS
# Every rule's hyperparameter and every schedule's parameter has a control of its own (the
# selected rule's are shown): (rule or schedule id, parameter name).
HP_CONTROLS = tuple((o.id, p.name) for o in OPTIMIZERS.values() for p in o.rule_hyperparameters)
SP_CONTROLS = tuple((s.id, p.name) for s in SCHEDULES.values() for p in s.parameters)
# The hyperparameters shown as dropdowns (Lookahead's inner rule), whose class is "pg-choice".
CHOICE_HPS = frozenset(
    (o.id, p.name) for o in OPTIMIZERS.values() for p in o.rule_hyperparameters if p.is_choice
)


def control_options() -> ControlOptions:
    """The choices and parameters the controls offer (plain data for components/)."""

    def params(parameters) -> tuple[Param, ...]:
        return tuple(
            Param(
                p.name,
                p.label,
                p.latex,
                p.default,
                p.minimum,
                p.maximum,
                tuple((c, OPTIMIZERS[c].title) for c in getattr(p, "choices", ())),
            )
            for p in parameters
        )

    ranges = {f.key: f.bounds for f in (*NUMERIC_FIELDS, PATIENCE_FIELD)}
    return ControlOptions(
        datasets=tuple(Choice(d.id, d.title) for d in DATASETS.values()),
        activations=tuple(Choice(a.id, a.title) for a in ACTIVATIONS.values()),
        inits=tuple(Choice(s.id, s.title) for s in INIT_SCHEMES.values()),
        optimizers=tuple(
            RuleOptions(o.id, o.title, params(o.rule_hyperparameters)) for o in OPTIMIZERS.values()
        ),
        schedules=tuple(
            RuleOptions(s.id, s.title, params(s.parameters)) for s in SCHEDULES.values()
        ),
        ranges=ranges,
    )


def control_values(settings: PlaygroundSettings) -> dict[str, str]:
    """The text every control shows, including the parameters of rules not selected now."""
    flat = settings.to_flat()
    values = {key: flat.get(key, "") for key in CONTROL_KEYS}
    config = settings.config
    for optimizer_id, name in HP_CONTROLS:
        parameter = OPTIMIZERS[optimizer_id]
        hyper = parameter.hyperparameter(name)
        value = hyper.default
        if optimizer_id == config.optimizer:
            value = settings.optimizer_value(name)
        values[f"hp.{optimizer_id}.{name}"] = (
            hyper.choice_id(value) if hyper.is_choice else format_float(value)
        )
    for schedule_id, name in SP_CONTROLS:
        value = next(p.default for p in SCHEDULES[schedule_id].parameters if p.name == name)
        if schedule_id == config.schedule:
            value = settings.schedule_value(name)
        values[f"sp.{schedule_id}.{name}"] = format_float(value)
    return values


def run_store(settings: PlaygroundSettings) -> dict[str, Any]:
    """What the browser needs to fetch and label one run (a few hundred bytes)."""
    activation = ACTIVATIONS[settings.config.activation]
    return {
        "kind": "run",
        "key": settings.cache_key(),
        "fetch": [run_url(settings)],
        "layers": list(settings.config.layer_sizes),
        "activation": activation.id,
        "activationTitle": activation.title,
        "plannedEpochs": int(settings.config.epochs),
    }


def compare_store(settings: PlaygroundSettings) -> dict[str, Any]:
    """What the browser needs to fetch and label the four-scheme comparison.

    Four runs cost four times one (playground/cost.py): settings whose comparison is over the
    request budget get `notice` (the sentence the tab shows) and nothing to fetch.
    """
    notice = over_budget(settings.config, COMPARE_RUNS)
    return {
        "kind": "compare",
        "key": settings.compare_cache_key(),
        "fetch": [] if notice else [compare_url(settings)],
        "notice": notice[0].upper() + notice[1:] if notice else "",
        "schemes": [
            {"id": s, "title": INIT_SCHEMES[s].title, "color": SCHEME_COLORS[s]}
            for s in DEMO_INIT_IDS
        ],
        "plannedEpochs": int(settings.config.epochs),
    }


def query_store(settings: PlaygroundSettings) -> dict[str, Any]:
    return {"train": settings.to_query(view=False), "key": settings.cache_key()}


def input_class(invalid: bool, base: str = "pg-input") -> str:
    return f"{base} invalid" if invalid else base


def raw_from_controls(
    values: dict[str, Any], hp: dict[str, Any], sp: dict[str, Any]
) -> dict[str, Any]:
    """The controls' values in the settings vocabulary: the plain ones as they are, the
    selected optimizer's hyperparameters as ``hp.<name>`` and the selected schedule's
    parameters as ``sp.<name>`` (`hp`, `sp` keyed "<rule>.<name>" in `HP_CONTROLS` order)."""
    raw: dict[str, Any] = dict(values)
    optimizer, schedule = raw.get("opt"), raw.get("sched")
    for (optimizer_id, name), value in zip(HP_CONTROLS, hp.values(), strict=True):
        if optimizer_id == optimizer:
            raw[f"hp.{name}"] = value
    for (schedule_id, name), value in zip(SP_CONTROLS, sp.values(), strict=True):
        if schedule_id == schedule:
            raw[f"sp.{name}"] = value
    return raw


def input_classes(invalid: Any, optimizer: Any, schedule: Any) -> dict[str, dict[str, str]]:
    """Every text control's class, outlined where its value was rejected (`invalid` holds the
    rejected keys): the plain controls, the hyperparameters', the schedule parameters'."""
    return {
        "classes": {key: input_class(key in invalid) for key in TEXT_KEYS},
        "hp_classes": {
            f"{o}.{n}": input_class(
                o == optimizer and f"hp.{n}" in invalid,
                "pg-choice" if (o, n) in CHOICE_HPS else "pg-input",
            )
            for o, n in HP_CONTROLS
        },
        "sp_classes": {
            f"{s}.{n}": input_class(s == schedule and f"sp.{n}" in invalid) for s, n in SP_CONTROLS
        },
    }


def stored_settings(stored: Any) -> tuple[PlaygroundSettings, tuple[str, ...]]:
    """The settings the page shows now and any messages, from its `pg-query` store's
    canonical query (anything malformed reads as the defaults)."""
    query = stored.get("train") if isinstance(stored, dict) else None
    return _settings_of_query(query if isinstance(query, str) else "")


@functools.lru_cache(maxsize=512)
def _settings_of_query(query: str) -> tuple[PlaygroundSettings, tuple[str, ...]]:
    """`from_query` once per distinct query (bounded: 512 of ~2 KB): every callback reads the
    page's current query back."""
    settings, messages, _ = from_query(query)
    return settings, tuple(messages)
