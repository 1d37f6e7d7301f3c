"""What the optimizer lab shows: ids, titles, hyperparameters (defaults, ranges, symbols), LaTeX.

Metadata only, no JAX. The UI builds its controls and its equation panel from these records, and
the engine fills every value the UI does not send from the same defaults, so a default shown on a
page is the default used.

Notation shared by every equation (KaTeX):

* ``t = 0, 1, 2, …`` counts updates; the first update is ``t = 0`` and uses ``\\eta_t`` of the
  chosen schedule at ``t = 0`` (see ``SCHEDULES``).
* ``g_t = \\nabla R(\\theta_t)`` (+ ``\\sigma \\xi_t`` when gradient noise is on; see
  ``GRADIENT_LATEX``). Squares, roots and divisions of vectors are element-wise.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True)
class HyperParameter:
    """One tunable number: ``minimum``/``maximum`` is the valid (inclusive) range.

    ``log_scale`` suggests a logarithmic slider; ``integer`` marks whole-number parameters
    (step counts), which the math rounds to the nearest integer.
    """

    name: str
    label: str
    latex: str
    default: float
    minimum: float
    maximum: float
    log_scale: bool = False
    integer: bool = False

    def contains(self, value: float) -> bool:
        """Whether ``value`` lies in the valid range."""
        return self.minimum <= value <= self.maximum


@dataclass(frozen=True)
class ScheduleSpec:
    """A learning-rate schedule ``t -> eta_t`` (``t`` counts updates from 0)."""

    id: str
    title: str
    parameters: tuple[HyperParameter, ...]
    latex: str
    note: str = ""

    @property
    def defaults(self) -> Mapping[str, float]:
        return MappingProxyType({p.name: p.default for p in self.parameters})


@dataclass(frozen=True)
class OptimizerSpec:
    """An update rule as displayed: ``latex`` holds the update equations, one per line.

    ``hyperparameters`` starts with the learning rate (name ``"lr"``, per-optimizer default); the
    others are the rule's own (``OptimizerConfig.hyperparams`` keys).
    """

    id: str
    title: str
    hyperparameters: tuple[HyperParameter, ...]
    latex: tuple[str, ...]
    note: str
    default_enabled: bool
    color_index: int

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


GRADIENT_LATEX = r"g_t = \nabla R(\theta_t)"
NOISY_GRADIENT_LATEX = (
    r"g_t = \nabla R(\theta_t) + \sigma\,\xi_t,\quad \xi_t \sim \mathcal{N}(0, I)"
)

# Lowest/highest learning rate a control offers (10 is enough to make every landscape diverge).
LR_MINIMUM = 1e-5
LR_MAXIMUM = 10.0


def _learning_rate(default: float) -> HyperParameter:
    return HyperParameter(
        "lr", "learning rate", r"\eta_0", default, LR_MINIMUM, LR_MAXIMUM, log_scale=True
    )


_EPS = HyperParameter("eps", "epsilon", r"\epsilon", 1e-8, 1e-12, 1.0, log_scale=True)
_ALPHA = HyperParameter("alpha", "momentum", r"\alpha", 0.9, 0.0, 0.999)
_GAMMA = HyperParameter("gamma", "decay of squared gradients", r"\gamma", 0.9, 0.0, 0.9999)
_BETA1 = HyperParameter("beta1", "first-moment decay", r"\beta_1", 0.9, 0.0, 0.999)
_BETA2 = HyperParameter("beta2", "second-moment decay", r"\beta_2", 0.999, 0.0, 0.99999)

# Default learning rates, chosen on the lab's default landscape (Himmelblau from its default start
# (0, -1), 500 steps): every default-enabled optimizer walks visibly and reaches a minimum
# (loss < 1e-3) after ~100-320 steps without diverging (tests/test_optimizers_defaults.py).
# GD at 0.001 is also the reference demo's value and what the landscape notes assume.
DEFAULT_LEARNING_RATES: Mapping[str, float] = MappingProxyType(
    {
        "gd": 0.001,
        "momentum": 0.001,  # effective step ~ eta / (1 - alpha) = 10x GD's
        "nesterov": 0.001,
        "adagrad": 0.3,  # first step ~ eta per coordinate, then shrinking
        "rmsprop": 0.01,
        "adam": 0.03,
    }
)

_OPTIMIZER_LIST = (
    OptimizerSpec(
        id="gd",
        title="Gradient descent",
        hyperparameters=(_learning_rate(DEFAULT_LEARNING_RATES["gd"]),),
        latex=(r"\theta_{t+1} = \theta_t - \eta_t\, g_t",),
        note="Batch gradient descent as on the slides, with the learning rate from the schedule.",
        default_enabled=True,
        color_index=0,
    ),
    OptimizerSpec(
        id="momentum",
        title="Momentum",
        hyperparameters=(_learning_rate(DEFAULT_LEARNING_RATES["momentum"]), _ALPHA),
        latex=(
            r"\delta_{t+1} = -\eta_t\, g_t + \alpha\, \delta_t, \quad \delta_0 = 0",
            r"\theta_{t+1} = \theta_t + \delta_{t+1}",
        ),
        note=(
            "The slide form: the learning rate sits inside the velocity δ, so a schedule scales "
            "only the newest gradient. (optax.sgd(momentum=…) multiplies the whole accumulated "
            "velocity by the current learning rate instead; both agree for a constant rate.)"
        ),
        default_enabled=True,
        color_index=1,
    ),
    OptimizerSpec(
        id="nesterov",
        title="Nesterov momentum",
        hyperparameters=(_learning_rate(DEFAULT_LEARNING_RATES["nesterov"]), _ALPHA),
        latex=(
            r"\delta_{t+1} = -\eta_t\, g_t + \alpha\, \delta_t, \quad \delta_0 = 0",
            r"\theta_{t+1} = \theta_t + \alpha\, \delta_{t+1} - \eta_t\, g_t",
        ),
        note=(
            "Nesterov's look-ahead written, like the slide momentum, with the gradient at the "
            "plotted point only (Sutskever et al. 2013; optax's nesterov=True at a constant rate). "
            "It is the classic δ ← αδ − η∇R(θ + αδ), θ ← θ + δ with the plotted point being the "
            "look-ahead point θ + αδ; this form needs no extra gradient evaluation, so the "
            "network playground can use it too."
        ),
        default_enabled=False,
        color_index=2,
    ),
    OptimizerSpec(
        id="adagrad",
        title="Adagrad",
        hyperparameters=(_learning_rate(DEFAULT_LEARNING_RATES["adagrad"]), _EPS),
        latex=(
            r"G_{t+1} = G_t + g_t^2, \quad G_0 = 0",
            r"\theta_{t+1} = \theta_t - \frac{\eta_t}{\sqrt{G_{t+1} + \epsilon}}\, g_t",
        ),
        note=(
            "As on the slide: the accumulator starts at 0 and ε is inside the root "
            "(optax.adagrad starts it at 0.1 by default; we pass 0)."
        ),
        default_enabled=False,
        color_index=3,
    ),
    OptimizerSpec(
        id="rmsprop",
        title="RMSprop",
        hyperparameters=(_learning_rate(DEFAULT_LEARNING_RATES["rmsprop"]), _GAMMA, _EPS),
        latex=(
            r"G_{t+1} = \gamma\, G_t + (1 - \gamma)\, g_t^2, \quad G_0 = 0",
            r"\theta_{t+1} = \theta_t - \frac{\eta_t}{\sqrt{G_{t+1} + \epsilon}}\, g_t",
        ),
        note="As on the slide, ε inside the root (optax.rmsprop with eps_in_sqrt=True).",
        default_enabled=True,
        color_index=4,
    ),
    OptimizerSpec(
        id="adam",
        title="Adam",
        hyperparameters=(_learning_rate(DEFAULT_LEARNING_RATES["adam"]), _BETA1, _BETA2, _EPS),
        latex=(
            r"m_{t+1} = \beta_1 m_t + (1 - \beta_1)\, g_t, \quad m_0 = 0",
            r"v_{t+1} = \beta_2 v_t + (1 - \beta_2)\, g_t^2, \quad v_0 = 0",
            r"\hat m_{t+1} = \frac{m_{t+1}}{1 - \beta_1^{\,t+1}}, \quad "
            r"\hat v_{t+1} = \frac{v_{t+1}}{1 - \beta_2^{\,t+1}}",
            r"\theta_{t+1} = \theta_t"
            r" - \eta_t\, \frac{\hat m_{t+1}}{\sqrt{\hat v_{t+1}} + \epsilon}",
        ),
        note=(
            "Kingma & Ba (2015), as in optax.adam: ε is added outside the square root. The "
            "slide's Adam line has a typo (an extra ·∇R factor) and puts ε inside the root; "
            "the slide's α and γ are β₁ and β₂ here. ε only matters when v̂ is tiny."
        ),
        default_enabled=True,
        color_index=5,
    ),
)

OPTIMIZERS: Mapping[str, OptimizerSpec] = MappingProxyType({s.id: s for s in _OPTIMIZER_LIST})

_SCHEDULE_LIST = (
    ScheduleSpec(
        id="constant",
        title="Constant",
        parameters=(),
        latex=r"\eta_t = \eta_0",
    ),
    ScheduleSpec(
        id="inverse_time",
        title="1/t decay",
        parameters=(
            HyperParameter("decay_rate", "decay rate", "k", 0.01, 1e-5, 1.0, log_scale=True),
        ),
        latex=r"\eta_t = \frac{\eta_0}{1 + k\, t}",
        note="The slides' 1/t decay (the reference demo's “learning rate decay”).",
    ),
    ScheduleSpec(
        id="exponential",
        title="Exponential decay",
        parameters=(
            HyperParameter("decay_rate", "decay rate", "k", 0.005, 1e-5, 1.0, log_scale=True),
        ),
        latex=r"\eta_t = \eta_0\, e^{-k\, t}",
    ),
    ScheduleSpec(
        id="step",
        title="Step decay",
        parameters=(
            HyperParameter("factor", "factor", "f", 0.5, 0.01, 1.0),
            HyperParameter("every", "every (steps)", "n", 100.0, 1.0, 5000.0, integer=True),
        ),
        latex=r"\eta_t = \eta_0\, f^{\lfloor t / n \rfloor}",
        note="Multiply the learning rate by f every n updates.",
    ),
    ScheduleSpec(
        id="warmup_cosine",
        title="Warm-up + cosine",
        parameters=(
            HyperParameter("warmup_steps", "warm-up steps", "w", 50.0, 0.0, 5000.0, integer=True),
        ),
        latex=(
            r"\eta_t = \begin{cases} \eta_0\, t / w & t < w \\ "
            r"\frac{\eta_0}{2}\left(1 + \cos \frac{\pi\,(t - w)}{T - w}\right) & t \ge w "
            r"\end{cases}"
        ),
        note=(
            "Linear warm-up from 0 to η₀ over w updates, then cosine decay to 0 at the last "
            "update T (T = the run's number of steps; w is capped at T). Same as "
            "optax.warmup_cosine_decay_schedule(0, η₀, w, T)."
        ),
    ),
)

SCHEDULES: Mapping[str, ScheduleSpec] = MappingProxyType({s.id: s for s in _SCHEDULE_LIST})

# Every schedule parameter name, in a fixed order (the engine's per-optimizer parameter columns).
SCHEDULE_PARAMETER_NAMES: tuple[str, ...] = tuple(
    dict.fromkeys(p.name for s in _SCHEDULE_LIST for p in s.parameters)
)


def get_optimizer_spec(optimizer_id: str) -> OptimizerSpec:
    """The spec of ``optimizer_id``; ``KeyError`` naming the valid ids otherwise."""
    try:
        return OPTIMIZERS[optimizer_id]
    except KeyError:
        raise KeyError(
            f"unknown optimizer {optimizer_id!r}; valid: {', '.join(OPTIMIZERS)}"
        ) from None


def get_schedule_spec(schedule_id: str) -> ScheduleSpec:
    """The spec of ``schedule_id``; ``KeyError`` naming the valid ids otherwise."""
    try:
        return SCHEDULES[schedule_id]
    except KeyError:
        raise KeyError(f"unknown schedule {schedule_id!r}; valid: {', '.join(SCHEDULES)}") from None
