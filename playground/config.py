"""``PlaygroundConfig``: the single source of the playground's defaults, plus validation.

The page's settings object wraps this dataclass; every value it does not send comes from here,
and optimizer hyperparameters / schedule parameters it does not send come from
``optimizers.OPTIMIZERS`` / ``optimizers.SCHEDULES`` (the optimizer lab's own defaults).

``validate(config)`` returns a list of sentences a student can act on (empty: valid); it never
raises, whatever the field values are (wrong types, NaN, huge numbers). ``check(config)`` raises
``ConfigError`` (a ``ValueError``) carrying the same messages; ``train`` calls it first.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from numbers import Integral, Real
from types import MappingProxyType
from typing import Any

from optimizers.rules import row_values
from playground.activations import ACTIVATIONS
from playground.datasets import DATASETS, split_sizes
from playground.initializers import INIT_SCHEMES
from playground.optim import OPTIMIZERS, SCHEDULES

# Valid ranges (inclusive) the page's controls should offer.
N_SAMPLES_RANGE = (20, 2000)
NOISE_RANGE = (0.0, 1.0)
TRAIN_FRACTION_RANGE = (0.1, 0.9)
HIDDEN_LAYERS_RANGE = (1, 6)
UNITS_RANGE = (1, 16)
LR_RANGE = (1e-5, 10.0)
PENALTY_RANGE = (0.0, 1.0)
KEEP_PROB_RANGE = (0.1, 1.0)
EPOCHS_RANGE = (1, 2000)
GRID_SIZE_RANGE = (10, 100)
SEED_RANGE = (0, 2**31 - 1)
# At most this many frames (θ and ∂L/∂θ recorded at epoch 0, every k-th epoch and the last one).
MAX_FRAMES = 1001
MAX_SNAPSHOTS = MAX_FRAMES  # the former name ("snapshots" are frames)
# The auto frame interval ⌈epochs / 1000⌉ targets at most this many intervals: every epoch is a
# frame up to 1000 epochs; beyond, evenly spaced epochs k·⌈E/1000⌉ plus the last (≥ 500 frames
# for E ≤ 2000).
AUTO_FRAME_INTERVALS = 1000
AUTO_SNAPSHOT_INTERVALS = AUTO_FRAME_INTERVALS
# Upper bound on parameter updates in one run (epochs × minibatches per epoch): ≈ 1 s of CPU per
# run at batch size 1 (≈ 4 µs per update), ≈ 4 s for the four-scheme comparison.
MAX_UPDATES = 200_000


@dataclass(frozen=True)
class PlaygroundConfig:
    """Everything that defines one playground run. Frozen; build variants with ``replace``.

    Defaults: the deeplearning.ai initialization demo (circle data, ReLU, sigmoid output, BCE,
    full-batch GD, lr 0.1) with a slightly wider net, [2, 8, 4, 1] instead of [2, 6, 3, 1], and
    noise 0.05: with [2, 6, 3, 1] the appropriate init missed 95 % test accuracy on XOR for 2 of
    8 seeds (dead/too few ReLUs) and on circle at noise 0.1; with [2, 8, 4, 1] every one of 8
    seeds reaches ≥ 97 % on both, while zero / too small stay at chance for the 500 epochs and
    too large starts saturated with exploding loss and gradients (tests/test_playground_inits).

    ``optimizer_params`` / ``schedule_params`` hold only the values that differ from the
    optimizer lab's defaults (missing names are filled from ``OPTIMIZERS`` / ``SCHEDULES``).
    ``batch_size=None`` (or any value ≥ the training-set size) means full-batch gradient descent;
    ``snapshot_every=None`` (the frame interval) picks ``auto_snapshot_every(epochs)``;
    ``init_scale=None`` uses the scheme's own scale ``s`` (see ``INIT_SCHEMES``).
    """

    dataset: str = "circle"
    n_samples: int = 400
    noise: float = 0.05
    train_fraction: float = 0.5
    data_seed: int = 0
    hidden: tuple[int, ...] = (8, 4)
    activation: str = "relu"
    init: str = "appropriate"
    init_scale: float | None = None
    optimizer: str = "gd"
    lr: float = 0.1
    optimizer_params: Mapping[str, float] = field(default_factory=dict, hash=False)
    schedule: str = "constant"
    schedule_params: Mapping[str, float] = field(default_factory=dict, hash=False)
    batch_size: int | None = None
    l1: float = 0.0
    l2: float = 0.0
    keep_prob: float = 1.0
    epochs: int = 500
    snapshot_every: int | None = None
    grid_size: int = 50
    seed: int = 0

    def __post_init__(self) -> None:
        # Read-only views, so the frozen config cannot be changed through its mappings.
        for name in ("optimizer_params", "schedule_params"):
            value = getattr(self, name)
            if isinstance(value, Mapping):
                object.__setattr__(self, name, MappingProxyType(dict(value)))
        if isinstance(self.hidden, list):
            object.__setattr__(self, "hidden", tuple(self.hidden))

    # Derived values (valid configs only) ------------------------------------------------------

    @property
    def layer_sizes(self) -> tuple[int, ...]:
        """``(2, *hidden, 1)``."""
        return (2, *(int(units) for units in self.hidden), 1)

    @property
    def n_train(self) -> int:
        return split_sizes(int(self.n_samples), float(self.train_fraction))[0]

    @property
    def effective_batch_size(self) -> int:
        """Examples per update: ``min(batch_size, n_train)``; full batch when ``None``."""
        n_train = self.n_train
        return n_train if self.batch_size is None else min(int(self.batch_size), n_train)

    @property
    def steps_per_epoch(self) -> int:
        """Updates per epoch ``⌈n_train / batch⌉`` (the last minibatch may be smaller)."""
        return -(-self.n_train // self.effective_batch_size)

    @property
    def effective_snapshot_every(self) -> int:
        """The frame interval k: ``snapshot_every``, or ``⌈epochs / 1000⌉`` when ``None``."""
        if self.snapshot_every is None:
            return auto_snapshot_every(int(self.epochs))
        return int(self.snapshot_every)

    @property
    def snapshot_epochs(self) -> tuple[int, ...]:
        """Epochs that get a frame: 0, k, 2k, … and always the last epoch."""
        return snapshot_schedule(int(self.epochs), self.effective_snapshot_every)

    frame_every = effective_snapshot_every
    frame_epochs = snapshot_epochs

    def resolved_optimizer_params(self) -> dict[str, float]:
        """All of the optimizer's own hyperparameters (learning rate excluded), defaults filled;
        a choice (Lookahead's ``inner``, given as an id or an index) as its index, and for a
        wrapper its inner rule's hyperparameters at their defaults (``rules.row_values``)."""
        spec = OPTIMIZERS[self.optimizer]
        values = {}
        for name, value in self.optimizer_params.items():
            parameter = spec.hyperparameter(name)
            values[name] = parameter.choice_index(value) if parameter.is_choice else float(value)
        return {k: float(v) for k, v in row_values(spec.id, values).items()}

    def resolved_schedule_params(self) -> dict[str, float]:
        """All of the schedule's parameters, defaults filled."""
        values = {p.name: float(p.default) for p in SCHEDULES[self.schedule].parameters}
        values.update({k: float(v) for k, v in self.schedule_params.items()})
        return values


class ConfigError(ValueError):
    """Invalid playground settings; ``messages`` lists every problem in plain sentences."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__(" ".join(messages))
        self.messages = messages


def auto_snapshot_every(epochs: int) -> int:
    """Smallest frame interval k with at most 1000 intervals: ``⌈epochs / 1000⌉``."""
    return max(1, -(-int(epochs) // AUTO_FRAME_INTERVALS))


def snapshot_schedule(epochs: int, every: int) -> tuple[int, ...]:
    """``(0, k, 2k, …, epochs)``: multiples of ``every`` up to ``epochs``, plus ``epochs``."""
    epochs_list = list(range(0, epochs + 1, every))
    if epochs_list[-1] != epochs:
        epochs_list.append(epochs)
    return tuple(epochs_list)


def check(config: PlaygroundConfig) -> None:
    """Raise ``ConfigError`` listing every problem of ``config``; return if it is valid."""
    messages = validate(config)
    if messages:
        raise ConfigError(messages)


def validate(config: Any) -> list[str]:
    """Every problem of ``config`` as a sentence naming the setting and the valid choice/range.

    Never raises: any value of any type yields messages, not exceptions.
    """
    if not isinstance(config, PlaygroundConfig):
        return [f"settings: expected a PlaygroundConfig, got {type(config).__name__}."]
    messages: list[str] = []
    _choice(messages, config.dataset, "data set", DATASETS)
    n_samples = _integer(messages, config.n_samples, "number of samples", N_SAMPLES_RANGE)
    _real(messages, config.noise, "noise", NOISE_RANGE)
    fraction = _real(messages, config.train_fraction, "training fraction", TRAIN_FRACTION_RANGE)
    _integer(messages, config.data_seed, "data seed", SEED_RANGE)
    hidden_ok = _hidden(messages, config.hidden)
    _choice(messages, config.activation, "activation", ACTIVATIONS)
    if _choice(messages, config.init, "initialization", INIT_SCHEMES):
        _init_scale(messages, config.init, config.init_scale)
    _real(messages, config.lr, "learning rate", LR_RANGE)
    if _choice(messages, config.optimizer, "optimizer", OPTIMIZERS):
        _named_values(
            messages,
            config.optimizer_params,
            f"{OPTIMIZERS[config.optimizer].title} hyperparameter",
            OPTIMIZERS[config.optimizer].rule_hyperparameters,
        )
    if _choice(messages, config.schedule, "learning-rate schedule", SCHEDULES):
        _named_values(
            messages,
            config.schedule_params,
            f"{SCHEDULES[config.schedule].title} parameter",
            SCHEDULES[config.schedule].parameters,
        )
    batch = None
    if config.batch_size is not None:
        batch = _integer(messages, config.batch_size, "batch size", (1, N_SAMPLES_RANGE[1]))
    _real(messages, config.l1, "L1 strength λ1", PENALTY_RANGE)
    _real(messages, config.l2, "L2 strength λ2", PENALTY_RANGE)
    _real(messages, config.keep_prob, "dropout keep probability p", KEEP_PROB_RANGE)
    epochs = _integer(messages, config.epochs, "epochs", EPOCHS_RANGE)
    every = None
    if config.snapshot_every is not None:
        every = _integer(messages, config.snapshot_every, "frame interval", EPOCHS_RANGE)
    _integer(messages, config.grid_size, "grid size", GRID_SIZE_RANGE)
    _integer(messages, config.seed, "seed", SEED_RANGE)
    if epochs is not None and every is not None:
        count = len(snapshot_schedule(epochs, every))
        if count > MAX_FRAMES:
            smallest = -(-epochs // (MAX_FRAMES - 1))
            messages.append(
                f"frame interval: {every} gives {count} frames for {epochs} epochs, more "
                f"than {MAX_FRAMES}; use an interval ≥ {smallest}."
            )
    if n_samples is not None and fraction is not None:
        n_train = split_sizes(n_samples, fraction)[0]
        if epochs is not None and hidden_ok:
            per_epoch = 1 if batch is None else -(-n_train // min(batch, n_train))
            if epochs * per_epoch > MAX_UPDATES:
                messages.append(
                    f"run length: {epochs} epochs × {per_epoch} minibatches = "
                    f"{epochs * per_epoch:,} updates is more than {MAX_UPDATES:,}; use a larger "
                    "batch size or fewer epochs."
                )
    return messages


# Field checks: append a message and return None when the value is unusable ---------------------


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _choice(messages: list[str], value: Any, label: str, options: Mapping[str, Any]) -> bool:
    if isinstance(value, str) and value in options:
        return True
    messages.append(f"{label}: unknown choice {_show(value)}; choose one of {', '.join(options)}.")
    return False


def _real(messages: list[str], value: Any, label: str, bounds: tuple[float, float]) -> float | None:
    if isinstance(value, bool) or not isinstance(value, Real):
        messages.append(f"{label}: {_show(value)} is not a number.")
        return None
    number = float(value)
    if not math.isfinite(number):
        messages.append(f"{label}: {_show(value)} is not a finite number.")
        return None
    low, high = bounds
    if not low <= number <= high:
        messages.append(
            f"{label}: {number:g} is out of range; use a value from {low:g} to {high:g}."
        )
        return None
    return number


def _integer(messages: list[str], value: Any, label: str, bounds: tuple[int, int]) -> int | None:
    if isinstance(value, bool) or not isinstance(value, Integral):
        if isinstance(value, Real) and not isinstance(value, bool) and float(value).is_integer():
            value = int(value)
        else:
            messages.append(f"{label}: {_show(value)} is not a whole number.")
            return None
    number = int(value)
    low, high = bounds
    if not low <= number <= high:
        messages.append(
            f"{label}: {number} is out of range; use a whole number from {low} to {high}."
        )
        return None
    return number


def _hidden(messages: list[str], hidden: Any) -> bool:
    low, high = HIDDEN_LAYERS_RANGE
    if not isinstance(hidden, tuple | list) or not low <= len(hidden) <= high:
        size = len(hidden) if isinstance(hidden, tuple | list) else _show(hidden)
        messages.append(
            f"hidden layers: {size} layers is not allowed; use {low} to {high} hidden layers."
        )
        return False
    ok = True
    for index, units in enumerate(hidden, start=1):
        ok &= _integer(messages, units, f"hidden layer {index} neurons", UNITS_RANGE) is not None
    return ok


def _init_scale(messages: list[str], scheme_id: str, scale: Any) -> None:
    if scale is None:
        return
    scheme = INIT_SCHEMES[scheme_id]
    if not scheme.adjustable:
        messages.append(f"initialization scale: the {scheme.title} scheme has no adjustable scale.")
        return
    _real(messages, scale, f"{scheme.title} initialization scale", scheme.scale_range)


def _named_values(messages: list[str], values: Any, label: str, parameters: tuple) -> None:
    if not isinstance(values, Mapping):
        messages.append(f"{label}s: expected a mapping of names to numbers, got {_show(values)}.")
        return
    by_name = {p.name: p for p in parameters}
    for name, value in values.items():
        if name not in by_name:
            valid = ", ".join(by_name) or "none"
            messages.append(f"{label} {_show(name)}: unknown; valid: {valid}.")
            continue
        parameter = by_name[name]
        if getattr(parameter, "is_choice", False):
            try:
                parameter.choice_index(value)
            except (TypeError, ValueError):
                messages.append(
                    f"{label} {parameter.label}: unknown choice {_show(value)}; choose one of "
                    f"{', '.join(parameter.choices)}."
                )
            continue
        number = _real(
            messages, value, f"{label} {parameter.label}", (parameter.minimum, parameter.maximum)
        )
        if number is not None and getattr(parameter, "integer", False) and not number.is_integer():
            messages.append(f"{label} {parameter.label}: {number:g} is not a whole number.")
