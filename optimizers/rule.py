"""The shape of an update rule: one record per rule, written once in ``optimizers/rules/<id>.py``.

A rule file holds everything about one optimizer: what the page shows (title, hyperparameters
with defaults and valid ranges, the LaTeX lines, the note, the colour) and what the engines run
(its state, a NamedTuple of θ-shaped arrays that starts at zero, and a pure element-wise update).
The trajectory engine of the lab, the playground's training programs and the optax adapter
(``optimizers.transforms.build_optimizer``) all call that same ``update``. Metadata needs no JAX;
the update uses ``jax.numpy`` on whatever arrays it is given (nothing happens at import).

The update contract (``t`` counts updates from 0; everything element-wise)::

    update(state, g, eta, t, hyper, theta) -> (new_state, u)      θ_{t+1} = θ_t + u

``g`` the gradient at θ_t, ``eta`` = η_t of the schedule, ``hyper`` maps every hyperparameter
name of the rule (the learning rate excluded) to a value, ``theta`` = θ_t (for rules that decay
the weights). Arrays broadcast: the lab passes ``[rows, 2]`` points with ``[rows, 1]``
hyperparameter columns, the playground one flat θ with scalars.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

Array = Any  # a jax.Array (or tracer); rules are written in jax.numpy
Update = Callable[..., tuple[Any, Array]]

# Lowest/highest learning rate a control offers (10 is enough to make every landscape diverge).
LR_MINIMUM = 1e-5
LR_MAXIMUM = 10.0

WRAPPABLE = ("*",)
"""``HyperParameter.choices`` placeholder: every rule that wraps no other (filled by the registry)."""


@dataclass(frozen=True)
class HyperParameter:
    """One tunable number: ``minimum``/``maximum`` is the valid (inclusive) range.

    ``log_scale`` suggests a logarithmic slider; ``integer`` marks whole-number parameters
    (step counts), which the math rounds to the nearest integer. A parameter with ``choices``
    picks one of those ids (Lookahead's inner rule): its number is the index into ``choices``
    (what the engines receive), and the settings layer reads and writes the id.
    """

    name: str
    label: str
    latex: str
    default: float
    minimum: float
    maximum: float
    log_scale: bool = False
    integer: bool = False
    choices: tuple[str, ...] = ()

    def contains(self, value: float) -> bool:
        """Whether ``value`` lies in the valid range."""
        return self.minimum <= value <= self.maximum

    @property
    def is_choice(self) -> bool:
        return bool(self.choices)

    def choice_index(self, value: float | str) -> float:
        """The number of a choice given as its id or its index; ``ValueError`` otherwise."""
        if isinstance(value, str):
            if value not in self.choices:
                raise ValueError(
                    f"{self.name}: unknown choice {value!r}; valid: {', '.join(self.choices)}"
                )
            return float(self.choices.index(value))
        index = float(value)
        if not (index.is_integer() and 0 <= index < len(self.choices)):
            raise ValueError(f"{self.name}: {value!r} is not one of {', '.join(self.choices)}")
        return index

    def choice_id(self, value: float) -> str:
        """The id of choice number ``value``."""
        return self.choices[round(value)]


def learning_rate(default: float) -> HyperParameter:
    """The ``"lr"`` hyperparameter (η₀) every rule starts with, with the rule's default."""
    return HyperParameter(
        "lr", "learning rate", r"\eta_0", default, LR_MINIMUM, LR_MAXIMUM, log_scale=True
    )


def _zero_state(state_type: type, zero: Any) -> Any:
    return state_type(*(zero for _ in state_type._fields))


@dataclass(frozen=True, eq=False)
class OptimizerSpec:
    """An update rule: what the page shows and what the engines run.

    ``hyperparameters`` starts with the learning rate (name ``"lr"``, per-rule default); the
    others are the rule's own (``OptimizerConfig.hyperparams`` keys). ``latex`` holds the update
    equations, one display line each, and must say what ``update`` computes. ``order`` sorts the
    registry (display order); ``color`` is the rule's colour in every figure. ``state`` is a
    NamedTuple type whose fields are θ-shaped arrays starting at zero; ``init_state(zero)``
    builds it (override for nested states, e.g. a wrapper's). ``slow_steps(points, values)``,
    for a rule that keeps points apart from θ that some θ_t equal, returns those steps t of a
    run of ``points`` points (Lookahead's slow weights: φ_j = θ_{jk}). ``wraps`` names the
    hyperparameter choosing an inner rule (a wrapper rule). ``quadratic_roots(eta_lambda,
    values)``, for a rule whose step on a quadratic is linear, is the roots z of its
    characteristic polynomial along a curvature λ (element-wise over arrays of η·λ; complex):
    the distance to the minimum scales by z per step, so the rule converges where every
    |z| < 1; ``stability_limit(values)`` is the bound on η·λ where that stops
    (``optimizers.stability``).
    """

    id: str
    title: str
    hyperparameters: tuple[HyperParameter, ...]
    latex: tuple[str, ...]
    note: str
    default_enabled: bool
    color: str
    order: float
    state: type
    update: Update
    init_state: Callable[[Any], Any] | None = None
    slow_steps: Callable[[int, Mapping[str, float]], Any] | None = None
    wraps: str | None = None
    quadratic_roots: Callable[[Any, Mapping[str, float]], tuple[Any, ...]] | None = None
    stability_limit: Callable[[Mapping[str, float]], float] | None = None

    @property
    def learning_rate(self) -> HyperParameter:
        return self.hyperparameters[0]

    @property
    def rule_hyperparameters(self) -> tuple[HyperParameter, ...]:
        """Hyperparameters other than the learning rate."""
        return self.hyperparameters[1:]

    def hyperparameter(self, name: str) -> HyperParameter:
        for parameter in self.hyperparameters:
            if parameter.name == name:
                return parameter
        valid = ", ".join(p.name for p in self.hyperparameters)
        raise KeyError(f"{self.id} has no hyperparameter {name!r}; valid: {valid}")

    @property
    def defaults(self) -> dict[str, float]:
        """Every rule hyperparameter's default (the learning rate excluded)."""
        return {p.name: p.default for p in self.rule_hyperparameters}

    def zero_state(self, zero: Any) -> Any:
        """The initial state, every leaf ``zero`` (an array shaped like θ, or a float)."""
        if self.init_state is not None:
            return self.init_state(zero)
        return _zero_state(self.state, zero)

    def __repr__(self) -> str:
        return f"OptimizerSpec({self.id!r})"


class NoState(NamedTuple):
    """The state of a rule that keeps none (gradient descent)."""
