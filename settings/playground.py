"""The network playground's one settings object: defaults, validation, URL query string, cache key.

`PlaygroundSettings` wraps the engine's `PlaygroundConfig` (which owns every default and range)
and adds what only the page needs: which values the network drawing shows (weights or
gradients), whether test points are shown, which tab is open and which neuron's activation map
is pinned. Controls and URLs speak one flat vocabulary of keys:

    data=circle  n=400  noise=0.1  train=0.5  dseed=0  hidden=6,3  act=relu  init=appropriate
    scale=0.01 (initialization scale s, adjustable schemes only)  opt=gd  lr=0.1
    hp.<name>=… (the optimizer's own hyperparameters, e.g. hp.beta1=0.9)  sched=constant
    sp.<name>=… (the schedule's parameters, e.g. sp.decay_rate=0.01)  batch=full|32
    l1=0  l2=0  keep=1  epochs=500  seed=0  patience=0 (early stopping on the held-out loss,
    in epochs; 0 or "off" = none; read from the run, never a retrain of its own)
    view=weights|gradients  test=0|1  tab=train|compare  neuron=<layer>-<index> (1-based)

`to_query()` writes only what differs from the defaults, always in this order, so a link is
short and canonical; `from_query()` turns any text (malformed, hostile, stale) into valid settings
plus messages a student can act on, and never raises. `cache_key()` is the canonical text of
everything the training depends on (never the view).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple
from urllib.parse import urlencode

from playground import (
    ACTIVATIONS,
    DATASETS,
    INIT_SCHEMES,
    OPTIMIZERS,
    SCHEDULES,
    PlaygroundConfig,
    validate,
)
from playground import config as engine_config
from playground.cost import over_budget
from settings.fields import (
    Field,
    canonical_float,
    format_float,
    parse_bool,
    parse_choice,
    parse_float,
    parse_int,
)
from settings.query import PASSTHROUGH_KEYS, UNREADABLE, split_query

VIEWS = ("weights", "gradients")
TABS = ("train", "compare")
FULL_BATCH = "full"

_DEFAULT_CONFIG = PlaygroundConfig()


def _number(attr: str, key: str, label: str, integer: bool, bounds: tuple[float, float]) -> Field:
    return Field(
        key, label, getattr(_DEFAULT_CONFIG, attr), "int" if integer else "float", bounds, attr=attr
    )


# The state table: the engine config's plain numbers and choices, with the engine's own
# defaults and ranges (playground.config), never retyped here. Key = URL key = control key.
NUMERIC_FIELDS: tuple[Field, ...] = (
    _number("n_samples", "n", "Number of points", True, engine_config.N_SAMPLES_RANGE),
    _number("noise", "noise", "Noise", False, engine_config.NOISE_RANGE),
    _number(
        "train_fraction", "train", "Training fraction", False, engine_config.TRAIN_FRACTION_RANGE
    ),
    _number("data_seed", "dseed", "Data seed", True, engine_config.SEED_RANGE),
    _number("lr", "lr", "Learning rate η₀", False, engine_config.LR_RANGE),
    _number("l1", "l1", "L1 strength λ₁", False, engine_config.PENALTY_RANGE),
    _number("l2", "l2", "L2 strength λ₂", False, engine_config.PENALTY_RANGE),
    _number(
        "keep_prob", "keep", "Dropout keep probability p", False, engine_config.KEEP_PROB_RANGE
    ),
    _number("epochs", "epochs", "Epochs", True, engine_config.EPOCHS_RANGE),
    _number("seed", "seed", "Seed", True, engine_config.SEED_RANGE),
)


# Early stopping's patience (epochs; 0 = off): not an engine config value (training never
# depends on it) but part of the run's URL and cache key, since its container carries the stop.
PATIENCE_RANGE = (0, engine_config.EPOCHS_RANGE[1])
PATIENCE_FIELD = Field("patience", "Early stopping patience", 0, "int", PATIENCE_RANGE)
PATIENCE_OFF = ("off", "none", "no")


def _choice(attr: str, key: str, label: str, choices: Mapping[str, Any]) -> Field:
    default = getattr(_DEFAULT_CONFIG, attr)
    return Field(key, label, default, "choice", choices=tuple(choices), attr=attr)


CHOICE_FIELDS: tuple[Field, ...] = (
    _choice("dataset", "data", "Data set", DATASETS),
    _choice("activation", "act", "Activation", ACTIVATIONS),
    _choice("init", "init", "Initialization", INIT_SCHEMES),
    _choice("optimizer", "opt", "Optimizer", OPTIMIZERS),
    _choice("schedule", "sched", "Learning-rate schedule", SCHEDULES),
)

# URL key order: data first, the view last (what JS appends on a client-side toggle).
_KEY_ORDER = (
    "data",
    "n",
    "noise",
    "train",
    "dseed",
    "hidden",
    "act",
    "init",
    "scale",
    "opt",
    "lr",
    "hp.*",
    "sched",
    "sp.*",
    "batch",
    "l1",
    "l2",
    "keep",
    "epochs",
    "seed",
    "patience",
    "view",
    "test",
    "tab",
    "neuron",
)
VIEW_KEYS = ("view", "test", "tab", "neuron")


# Which field a cross-field problem reverts first (the engine's run-length rule).
_REPAIR_ORDER = ("batch_size", "epochs", "n_samples", "train_fraction")


@dataclass(frozen=True)
class PlaygroundSettings:
    """Everything the playground page shows: the engine config plus the view.

    The config is kept canonical: floats rounded (`canonical_float`), optimizer/schedule
    parameters holding only the selected rule's values that differ from the registry defaults,
    and `init_scale` only for adjustable schemes and only when it differs from the scheme's own.
    """

    config: PlaygroundConfig = field(default_factory=PlaygroundConfig)
    view: str = VIEWS[0]
    show_test: bool = False
    tab: str = TABS[0]
    neuron: str = ""
    patience: int = 0  # early stopping on the held-out loss (epochs); 0 = off

    # ---- derived --------------------------------------------------------------------------
    @property
    def hidden_text(self) -> str:
        return ", ".join(str(u) for u in self.config.hidden)

    @property
    def batch_text(self) -> str:
        return FULL_BATCH if self.config.batch_size is None else str(self.config.batch_size)

    def optimizer_value(self, name: str) -> float:
        """The selected optimizer's hyperparameter `name` (default filled)."""
        return self.config.resolved_optimizer_params()[name]

    def schedule_value(self, name: str) -> float:
        return self.config.resolved_schedule_params()[name]

    @property
    def init_scale(self) -> float:
        """The initialization scale s in use (the scheme's own unless overridden)."""
        scheme = INIT_SCHEMES[self.config.init]
        return scheme.default_scale if self.config.init_scale is None else self.config.init_scale

    # ---- flat vocabulary ------------------------------------------------------------------
    def to_flat(self) -> dict[str, str]:
        """Every setting as URL text (defaults included)."""
        c = self.config
        flat: dict[str, str] = {}
        for f in (*CHOICE_FIELDS, *NUMERIC_FIELDS):
            flat[f.key] = f.format(getattr(c, f.name))
        flat["hidden"] = ",".join(str(u) for u in c.hidden)
        if c.init_scale is not None:
            flat["scale"] = format_float(c.init_scale)
        for name, value in sorted(c.optimizer_params.items()):
            parameter = OPTIMIZERS[c.optimizer].hyperparameter(name)
            # A choice (Lookahead's inner rule) reads as its id: hp.inner=adam.
            flat[f"hp.{name}"] = (
                parameter.choice_id(value) if parameter.is_choice else format_float(value)
            )
        for name, value in sorted(c.schedule_params.items()):
            flat[f"sp.{name}"] = format_float(value)
        flat["batch"] = self.batch_text
        flat["patience"] = PATIENCE_FIELD.format(self.patience)
        flat["view"] = self.view
        flat["test"] = "1" if self.show_test else "0"
        flat["tab"] = self.tab
        if self.neuron:
            flat["neuron"] = self.neuron
        return flat

    def to_query(self, passthrough: Mapping[str, str] | None = None, *, view: bool = True) -> str:
        """The query string (no '?') of what differs from the defaults, in canonical order.

        `view=False` leaves out the view keys (the page's JS appends those on the client).
        """
        default = PlaygroundSettings().to_flat()
        mine = self.to_flat()
        items = [(k, v) for k, v in mine.items() if default.get(k) != v]
        if not view:
            items = [(k, v) for k, v in items if k not in VIEW_KEYS]
        items.sort(key=lambda kv: _order(kv[0]))
        items += [(k, v) for k, v in (passthrough or {}).items() if k in PASSTHROUGH_KEYS]
        return urlencode(items, safe=",.")

    def cache_key(self) -> str:
        """Canonical text of everything one training run depends on (not the view)."""
        return "pg:v1:" + self.to_query(view=False)

    def for_comparison(self) -> PlaygroundSettings:
        """These settings with the default init scheme: the comparison trains every demo
        scheme, so the chosen one is part of neither its URL nor its cache key."""
        base = replace(self.config, init=_DEFAULT_CONFIG.init, init_scale=None)
        return PlaygroundSettings(config=base)  # early stopping is the run's, not compared

    def compare_cache_key(self) -> str:
        """Canonical text of the side-by-side comparison (the init scheme is not part of it)."""
        return "pgcmp:v1:" + self.for_comparison().to_query(view=False)


def _order(key: str) -> int:
    if key.startswith("hp."):
        key = "hp.*"
    elif key.startswith("sp."):
        key = "sp.*"
    return _KEY_ORDER.index(key) if key in _KEY_ORDER else len(_KEY_ORDER)


def known_keys() -> set[str]:
    """Every URL key the vocabulary understands."""
    keys = {f.key for f in NUMERIC_FIELDS} | {f.key for f in CHOICE_FIELDS}
    keys |= {"hidden", "scale", "batch", PATIENCE_FIELD.key, *VIEW_KEYS, *PASSTHROUGH_KEYS}
    keys |= {f"hp.{p.name}" for s in OPTIMIZERS.values() for p in s.rule_hyperparameters}
    keys |= {f"sp.{p.name}" for s in SCHEDULES.values() for p in s.parameters}
    return keys


# ---- parsing ---------------------------------------------------------------------------------


def parse_hidden(raw: Any, fallback: tuple[int, ...]) -> tuple[tuple[int, ...], str | None]:
    """'6, 3' → (6, 3): 1–6 hidden layers of 1–16 neurons each (the engine's ranges)."""
    low_layers, high_layers = engine_config.HIDDEN_LAYERS_RANGE
    low_units, high_units = engine_config.UNITS_RANGE
    hint = (
        f"write the neurons of each hidden layer separated by commas, e.g. 6, 3 "
        f"({low_layers} to {high_layers} layers of {low_units} to {high_units} neurons)."
    )
    if isinstance(raw, list | tuple):
        raw = ",".join(str(part) for part in raw)
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        return fallback, f"Hidden layers: {_show(raw)} is not a list of numbers; {hint}"
    text = str(raw).strip()
    if not text:
        return fallback, f"Hidden layers: empty; {hint}"
    parts = [p.strip() for p in text.replace(";", ",").replace(" ", ",").split(",") if p.strip()]
    if len(parts) > 64:
        return fallback, f"Hidden layers: {len(parts)} layers is far too many; {hint}"
    units: list[int] = []
    for index, part in enumerate(parts, start=1):
        value, message = parse_int(part, "", 0, low_units, high_units)
        if message:
            return fallback, f"Hidden layers: layer {index} has {_show(part)} neurons; {hint}"
        units.append(value)
    if not low_layers <= len(units) <= high_layers:
        return fallback, f"Hidden layers: {len(units)} layers is not allowed; {hint}"
    return tuple(units), None


def parse_batch(
    raw: Any, fallback: int | None, n_train: int | None = None
) -> tuple[int | None, str | None]:
    """'full' / '' → None (full batch); otherwise a whole number of examples per update."""
    if raw is None or (isinstance(raw, str) and raw.strip().lower() in ("", FULL_BATCH, "all")):
        return None, None
    high = engine_config.N_SAMPLES_RANGE[1]
    value, message = parse_int(raw, "Batch size", 0, 1, high)
    if message:
        return fallback, f"{message} (Or write “full” for full-batch gradient descent.)"
    if n_train is not None and value >= n_train:
        return None, None  # a batch as large as the training set is full-batch GD
    return value, None


def parse_neuron(raw: Any, hidden: tuple[int, ...]) -> tuple[str, str | None]:
    """'2-3' → neuron 3 of layer 2 (1-based; layer len(hidden)+1 is the output)."""
    if raw is None or raw == "":
        return "", None
    text = str(raw).strip()
    layer_text, _, index_text = text.partition("-")
    sizes = (*hidden, 1)
    if layer_text.isdigit() and index_text.isdigit():
        layer, index = int(layer_text), int(index_text)
        if 1 <= layer <= len(sizes) and 1 <= index <= sizes[layer - 1]:
            return f"{layer}-{index}", None
    return "", f"Neuron: {_show(raw)} is not a neuron of this network; the selection was cleared."


def _show(raw: Any) -> str:
    text = str(raw)
    return repr(text[:40] + "…") if len(text) > 40 else repr(text)


class ParseResult(NamedTuple):
    settings: PlaygroundSettings
    messages: list[str]
    invalid: dict[str, str]  # control/URL key → message


def parse_flat(raw: Mapping[str, Any], previous: PlaygroundSettings | None = None) -> ParseResult:
    """Settings from flat raw values (controls or URL keys); unusable values keep `previous`'s.

    Keys missing from `raw` keep `previous`'s value. Optimizer hyperparameters (`hp.<name>`)
    and schedule parameters (`sp.<name>`) are read for the *selected* optimizer/schedule; when
    the optimizer or schedule changes, missing ones restart from the registry defaults.
    Never raises, whatever the types of the values.
    """
    previous = previous or PlaygroundSettings()
    old = previous.config
    invalid: dict[str, str] = {}

    def take(result: tuple[Any, str | None], key: str) -> Any:
        value, message = result
        if message:
            invalid[key] = message
        return value

    values: dict[str, Any] = {}
    for f in (*CHOICE_FIELDS, *NUMERIC_FIELDS):
        current = getattr(old, f.name)
        values[f.name] = take(f.parse(raw[f.key], current), f.key) if f.key in raw else current

    values["hidden"] = old.hidden
    if "hidden" in raw:
        values["hidden"] = take(parse_hidden(raw["hidden"], old.hidden), "hidden")

    # Initialization scale: kept across a scheme change only when given explicitly.
    scheme = INIT_SCHEMES[values["init"]]
    scale = old.init_scale if values["init"] == old.init else None
    if "scale" in raw and raw["scale"] not in (None, ""):
        if not scheme.adjustable:
            invalid["scale"] = (
                f"Initialization scale: the {scheme.title} scheme has no adjustable scale."
            )
            scale = None
        else:
            low, high = scheme.scale_range
            fallback = scheme.default_scale if scale is None else scale
            scale = take(
                parse_float(raw["scale"], f"{scheme.title} scale s", fallback, low, high), "scale"
            )
    elif "scale" in raw:
        scale = None
    if scale is not None and (not scheme.adjustable or scale == scheme.default_scale):
        scale = None
    values["init_scale"] = scale

    values["optimizer_params"] = _parse_rule_values(
        raw,
        "hp.",
        OPTIMIZERS[values["optimizer"]].rule_hyperparameters,
        OPTIMIZERS[values["optimizer"]].title,
        old.optimizer_params if values["optimizer"] == old.optimizer else {},
        take,
    )
    values["schedule_params"] = _parse_rule_values(
        raw,
        "sp.",
        SCHEDULES[values["schedule"]].parameters,
        SCHEDULES[values["schedule"]].title,
        old.schedule_params if values["schedule"] == old.schedule else {},
        take,
    )

    values["batch_size"] = old.batch_size
    n_train = _n_train(values["n_samples"], values["train_fraction"])
    if "batch" in raw:
        values["batch_size"] = take(parse_batch(raw["batch"], old.batch_size, n_train), "batch")
    if values["batch_size"] is not None and values["batch_size"] >= n_train:
        values["batch_size"] = None

    config = replace(old, **values)

    patience = previous.patience
    if PATIENCE_FIELD.key in raw:
        text = raw[PATIENCE_FIELD.key]
        off = isinstance(text, str) and text.strip().lower() in PATIENCE_OFF
        patience = 0 if off else take(PATIENCE_FIELD.parse(text, patience), PATIENCE_FIELD.key)

    view = previous.view
    if "view" in raw:
        view = take(parse_choice(raw["view"], "Show on links", previous.view, VIEWS), "view")
    show_test = previous.show_test
    if "test" in raw:
        show_test = take(parse_bool(raw["test"], "Show test data", previous.show_test), "test")
    tab = previous.tab
    if "tab" in raw:
        tab = take(parse_choice(raw["tab"], "Tab", previous.tab, TABS), "tab")
    neuron = previous.neuron
    if "neuron" in raw:
        neuron = take(parse_neuron(raw["neuron"], config.hidden), "neuron")
    elif neuron and parse_neuron(neuron, config.hidden)[1]:
        neuron = ""  # the network changed shape under the pinned neuron

    # Cross-field rules of the engine (e.g. epochs × minibatches per epoch).
    for key in raw:
        name = str(key)
        if name.startswith("hp.") and name[3:] not in {
            p.name for p in OPTIMIZERS[config.optimizer].rule_hyperparameters
        }:
            invalid[name] = (
                f"{OPTIMIZERS[config.optimizer].title} has no hyperparameter {_show(name[3:])}; "
                "it was ignored."
            )
        elif name.startswith("sp.") and name[3:] not in {
            p.name for p in SCHEDULES[config.schedule].parameters
        }:
            invalid[name] = (
                f"The {SCHEDULES[config.schedule].title} schedule has no parameter "
                f"{_show(name[3:])}; it was ignored."
            )

    # Cross-field rules of the engine (e.g. epochs × minibatches per epoch): keep the last good
    # value of the field that broke the rule, or everything if no single field is to blame.
    problems = page_problems(config)
    if problems:
        for index, problem in enumerate(problems):
            invalid[f"_config{index}"] = problem[0].upper() + problem[1:]
        changed = [name for name in _REPAIR_ORDER if getattr(config, name) != getattr(old, name)]
        repaired = old
        for name in changed:
            candidate = replace(config, **{name: getattr(old, name)})
            if not page_problems(candidate):
                repaired = candidate
                break
        config = repaired
    settings = PlaygroundSettings(
        config=config, view=view, show_test=show_test, tab=tab, neuron=neuron, patience=patience
    )
    messages = list(dict.fromkeys(invalid.values()))
    return ParseResult(settings, messages, invalid)


def page_problems(config: PlaygroundConfig) -> list[str]:
    """The engine's rules plus the server's compute budget for one run (playground/cost.py)."""
    problems = validate(config)
    if not problems and (budget := over_budget(config, runs=1)):
        problems.append(budget)
    return problems


def from_controls(
    raw: Mapping[str, Any], previous: PlaygroundSettings | None = None
) -> ParseResult:
    """Settings from the page's controls (same flat keys as the URL); bad values keep `previous`'s.

    Returns (settings, messages, invalid) where `invalid` maps each rejected key to its message
    (the page marks those inputs). Never raises.
    """
    try:
        return parse_flat(raw, previous)
    except Exception:  # last line of defence: a control can never break the page
        previous = previous or PlaygroundSettings()
        return ParseResult(previous, ["That change could not be read; nothing was changed."], {})


def _parse_rule_values(
    raw: Mapping[str, Any],
    prefix: str,
    parameters: tuple,
    title: str,
    previous: Mapping[str, float],
    take: Any,
) -> dict[str, float]:
    """The non-default values of one optimizer's or schedule's parameters."""
    result: dict[str, float] = {}
    for parameter in parameters:
        current = float(previous.get(parameter.name, parameter.default))
        key = prefix + parameter.name
        if key in raw and getattr(parameter, "is_choice", False):
            current = _parse_rule_choice(
                raw[key], parameter, f"{title}: {parameter.label}", current, take, key
            )
        elif key in raw:
            if parameter.integer:
                current = float(
                    take(
                        parse_int(
                            raw[key],
                            f"{title}: {parameter.label}",
                            int(current),
                            math.ceil(parameter.minimum),
                            math.floor(parameter.maximum),
                        ),
                        key,
                    )
                )
            else:
                current = take(
                    parse_float(
                        raw[key],
                        f"{title}: {parameter.label}",
                        current,
                        parameter.minimum,
                        parameter.maximum,
                    ),
                    key,
                )
        if canonical_float(current) != canonical_float(parameter.default):
            result[parameter.name] = canonical_float(current)
    return result


def _parse_rule_choice(
    value: Any, parameter: Any, label: str, current: float, take: Any, key: str
) -> float:
    """A choice's index from its id ("adam"); an index as text ("2", older links) too."""
    text = value.strip() if isinstance(value, str) else value
    if isinstance(text, str) and text.isdigit() and int(text) < len(parameter.choices):
        return float(int(text))
    options = dict.fromkeys(parameter.choices)
    chosen = take(parse_choice(text, label, parameter.choice_id(current), options), key)
    return parameter.choice_index(chosen)


def _n_train(n_samples: int, train_fraction: float) -> int:
    return round(train_fraction * n_samples)


def canonical(settings: PlaygroundSettings) -> PlaygroundSettings:
    """`settings` with the config in canonical form (as `parse_flat` produces it)."""
    flat = settings.to_flat()
    result = parse_flat(flat, PlaygroundSettings())
    return result.settings


def from_query(query: Any) -> tuple[PlaygroundSettings, list[str], dict[str, str]]:
    """Settings from a URL query string ('?a=1&b=2' or 'a=1&b=2'); never raises.

    Returns (settings, messages, passthrough) where passthrough keeps the classroom keys.
    Whatever cannot be used falls back to the default, with a message saying so.
    """
    try:
        return _from_query(query)
    except Exception:  # last line of defence: a link can never break the page
        return PlaygroundSettings(), [UNREADABLE], {}


def _from_query(query: Any) -> tuple[PlaygroundSettings, list[str], dict[str, str]]:
    raw, passthrough, messages = split_query(query, known_keys())
    if raw is None:
        return PlaygroundSettings(), messages, {}
    result = parse_flat(raw, PlaygroundSettings())
    return result.settings, messages + result.messages, passthrough


def from_layout_kwargs(query: Mapping[str, Any]) -> tuple[PlaygroundSettings, list[str], dict]:
    """Settings from the query parameters Dash pages pass to `layout(**query)`."""
    try:
        pairs: list[tuple[str, str]] = []
        for key, value in query.items():
            values = value if isinstance(value, list) else [value]
            pairs += [(str(key), str(v)) for v in values]
        return from_query(urlencode(pairs))
    except Exception:
        return PlaygroundSettings(), [UNREADABLE], {}


def control_keys() -> tuple[str, ...]:
    """The flat keys the page's controls send (one control per key)."""
    keys = [f.key for f in CHOICE_FIELDS] + [f.key for f in NUMERIC_FIELDS]
    keys += ["hidden", "scale", "batch", PATIENCE_FIELD.key]
    return tuple(keys)
