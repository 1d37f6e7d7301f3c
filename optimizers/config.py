"""``OptimizerConfig``: one optimizer's settings for a run of the trajectory engine."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from optimizers.specs import OPTIMIZERS, get_optimizer_spec, get_schedule_spec


def _frozen_floats(values: Mapping[str, float], what: str) -> Mapping[str, float]:
    converted: dict[str, float] = {}
    for name, value in values.items():
        number = float(value)
        if not math.isfinite(number):
            raise ValueError(f"{what} {name!r} must be finite, got {value!r}")
        converted[name] = number
    return MappingProxyType(converted)


@dataclass(frozen=True)
class OptimizerConfig:
    """Settings of one optimizer in a run.

    ``lr`` is eta_0 (the spec's ``"lr"`` hyperparameter); ``schedule`` a ``SCHEDULES`` id with
    its ``schedule_params``; ``hyperparams`` the rule's other hyperparameters (``alpha``,
    ``gamma``, ``beta1``, ``beta2``, ``eps``, …; a choice such as Lookahead's ``inner`` may be
    given as its id and is stored as its index). Missing names take the spec defaults when the
    engine runs; unknown names and non-finite values raise ``ValueError`` here. Values are not
    clamped to the specs' ranges (validation with messages belongs to the settings layer);
    values far outside them simply diverge, which the engine reports.
    """

    optimizer: str
    enabled: bool = True
    lr: float | None = None
    schedule: str = "constant"
    schedule_params: Mapping[str, float] = field(default_factory=dict)
    hyperparams: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        spec = get_optimizer_spec(self.optimizer)
        schedule_spec = get_schedule_spec(self.schedule)
        lr = spec.learning_rate.default if self.lr is None else float(self.lr)
        if not math.isfinite(lr):
            raise ValueError(f"{self.optimizer}: learning rate must be finite, got {self.lr!r}")
        unknown = set(self.hyperparams) - {p.name for p in spec.rule_hyperparameters}
        if unknown:
            raise ValueError(
                f"{self.optimizer} has no hyperparameter(s) {sorted(unknown)}; valid: "
                f"{[p.name for p in spec.rule_hyperparameters]}"
            )
        unknown = set(self.schedule_params) - {p.name for p in schedule_spec.parameters}
        if unknown:
            raise ValueError(
                f"schedule {self.schedule!r} has no parameter(s) {sorted(unknown)}; valid: "
                f"{[p.name for p in schedule_spec.parameters]}"
            )
        object.__setattr__(self, "lr", lr)
        object.__setattr__(self, "enabled", bool(self.enabled))
        object.__setattr__(
            self, "schedule_params", _frozen_floats(self.schedule_params, "schedule parameter")
        )
        hyperparams = dict(self.hyperparams)
        for parameter in spec.rule_hyperparameters:
            if parameter.is_choice and parameter.name in hyperparams:
                hyperparams[parameter.name] = parameter.choice_index(hyperparams[parameter.name])
        object.__setattr__(self, "hyperparams", _frozen_floats(hyperparams, "hyperparameter"))

    @classmethod
    def default(cls, optimizer_id: str) -> OptimizerConfig:
        """The spec defaults: enabled as ``default_enabled``, constant schedule."""
        spec = get_optimizer_spec(optimizer_id)
        return cls(
            optimizer=spec.id,
            enabled=spec.default_enabled,
            lr=spec.learning_rate.default,
            schedule="constant",
            schedule_params={},
            hyperparams={p.name: p.default for p in spec.rule_hyperparameters},
        )

    def resolved_hyperparams(self) -> dict[str, float]:
        """Every rule hyperparameter, defaults filled in."""
        spec = get_optimizer_spec(self.optimizer)
        return {p.name: p.default for p in spec.rule_hyperparameters} | dict(self.hyperparams)

    def resolved_schedule_params(self) -> dict[str, float]:
        """Every parameter of the chosen schedule, defaults filled in."""
        return dict(get_schedule_spec(self.schedule).defaults) | dict(self.schedule_params)

    def _key(self) -> tuple:
        return (
            self.optimizer,
            self.enabled,
            self.lr,
            self.schedule,
            tuple(sorted(self.schedule_params.items())),
            tuple(sorted(self.hyperparams.items())),
        )

    def __hash__(self) -> int:
        return hash(self._key())

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, OptimizerConfig):
            return NotImplemented
        return self._key() == other._key()


def default_configs() -> tuple[OptimizerConfig, ...]:
    """``OptimizerConfig.default`` for every optimizer, in display order."""
    return tuple(OptimizerConfig.default(optimizer_id) for optimizer_id in OPTIMIZERS)
