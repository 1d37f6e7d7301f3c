"""What the optimizer lab shows: ids, titles, hyperparameters (defaults, ranges, symbols), LaTeX.

The update rules live one per file in ``optimizers/rules/`` (``OPTIMIZERS`` is their registry);
the learning-rate schedules are listed here. The UI builds its controls and its equation panel
from these records, and the engine fills every value the UI does not send from the same
defaults, so a default shown on a page is the default used.

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

from optimizers.rule import LR_MAXIMUM, LR_MINIMUM, HyperParameter, OptimizerSpec
from optimizers.rules import RULES, get_rule

__all__ = [
    "DEFAULT_LEARNING_RATES",
    "GRADIENT_LATEX",
    "LR_MAXIMUM",
    "LR_MINIMUM",
    "NOISY_GRADIENT_LATEX",
    "OPTIMIZERS",
    "SCHEDULES",
    "SCHEDULE_PARAMETER_NAMES",
    "HyperParameter",
    "OptimizerSpec",
    "ScheduleSpec",
    "get_optimizer_spec",
    "get_schedule_spec",
]


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


GRADIENT_LATEX = r"g_t = \nabla R(\theta_t)"
NOISY_GRADIENT_LATEX = (
    r"g_t = \nabla R(\theta_t) + \sigma\,\xi_t,\quad \xi_t \sim \mathcal{N}(0, I)"
)

OPTIMIZERS: Mapping[str, OptimizerSpec] = RULES
"""Every update rule (``optimizers/rules/<id>.py``), in display order."""

DEFAULT_LEARNING_RATES: Mapping[str, float] = MappingProxyType(
    {rule_id: rule.learning_rate.default for rule_id, rule in RULES.items()}
)
"""Each rule's default η₀, chosen on the lab's default landscape (Himmelblau from its default
start (0, -1), 500 steps): every default-enabled optimizer walks visibly and reaches a minimum
(loss < 1e-3) after ~100-320 steps without diverging, and every rule's default ends below 1e-2
(tests/test_optimizers_defaults.py)."""

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
    ScheduleSpec(
        id="cyclic",
        title="Cyclical (triangular)",
        parameters=(
            HyperParameter(
                "half_period", "half-period (steps)", "s", 50.0, 1.0, 5000.0, integer=True
            ),
            HyperParameter("min_fraction", "lower bound ÷ η₀", "r", 0.1, 0.0, 1.0),
        ),
        latex=(
            r"\eta_t = \eta_{\min} + (\eta_0 - \eta_{\min}) \max\!\left(0,\ 1 - "
            r"\left|\tfrac{t}{s} - 2c + 1\right|\right),\quad "
            r"c = \left\lfloor 1 + \tfrac{t}{2s} \right\rfloor,\ \eta_{\min} = r\,\eta_0"
        ),
        note=(
            "Smith's triangular cyclical learning rate (2017): from η_min = r·η₀ up to η₀ in s "
            "updates, back down in s more, and again (torch.optim.lr_scheduler.CyclicLR with "
            "mode='triangular', base_lr = rη₀, max_lr = η₀, step_size_up = s). optax has none."
        ),
    ),
    ScheduleSpec(
        id="one_cycle",
        title="One-cycle",
        parameters=(
            HyperParameter("div", "start = η₀ ÷ d", "d", 25.0, 1.0, 1e4, log_scale=True),
            HyperParameter("div_final", "end = η₀ ÷ d_f", "d_f", 1e5, 1.0, 1e9, log_scale=True),
            HyperParameter("pct_start", "warm-up fraction", "s", 0.25, 0.0, 1.0),
        ),
        latex=(
            r"\eta_t = \begin{cases} \frac{\eta_0}{d} + \left(\eta_0 - \frac{\eta_0}{d}\right)"
            r" \frac{1 - \cos(\pi p / s)}{2} & p < s \\ "
            r"\eta_0 + \left(\frac{\eta_0}{d_f} - \eta_0\right)"
            r" \frac{1 - \cos(\pi (p - s) / (1 - s))}{2} & p \ge s \end{cases},"
            r"\quad p = \frac{t}{T}"
        ),
        note=(
            "fastai's fit_one_cycle (defaults d = 25, d_f = 10⁵, s = 0.25): a cosine warm-up "
            "from η₀/d to η₀ over the first fraction s of the run, then cosine annealing to "
            "η₀/d_f at its end (T = the run's number of updates). "
            "optax.cosine_onecycle_schedule(T, η₀, s, d, d_f/d) is the same when sT is whole "
            "(optax and torch's OneCycleLR end at η₀/(d·final_div_factor); torch also peaks "
            "one step earlier, at sT − 1, and starts at s = 0.3)."
        ),
    ),
    ScheduleSpec(
        id="sgdr",
        title="Cosine with warm restarts (SGDR)",
        parameters=(
            HyperParameter(
                "period", "first period (steps)", "T_0", 100.0, 1.0, 5000.0, integer=True
            ),
            HyperParameter("mult", "period multiplier", "m", 2.0, 1.0, 10.0, integer=True),
            HyperParameter("min_fraction", "lower bound ÷ η₀", "r", 0.0, 0.0, 1.0),
        ),
        latex=(
            r"\eta_t = \eta_{\min} + \tfrac{1}{2}(\eta_0 - \eta_{\min})"
            r"\left(1 + \cos \frac{\pi\, T_{\mathrm{cur}}}{T_i}\right),\quad "
            r"T_i = T_0\, m^i,\ T_{\mathrm{cur}} = t - \textstyle\sum_{j<i} T_j,\ "
            r"\eta_{\min} = r\,\eta_0"
        ),
        note=(
            "Loshchilov & Hutter's SGDR (2017): cosine annealing from η₀ to η_min over T₀ "
            "updates, then a restart at η₀ with a period m times longer (torch's "
            "CosineAnnealingWarmRestarts(T_0, T_mult = m, eta_min = rη₀); optax.sgdr_schedule "
            "with one cosine decay per period)."
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
    return get_rule(optimizer_id)


def get_schedule_spec(schedule_id: str) -> ScheduleSpec:
    """The spec of ``schedule_id``; ``KeyError`` naming the valid ids otherwise."""
    try:
        return SCHEDULES[schedule_id]
    except KeyError:
        raise KeyError(f"unknown schedule {schedule_id!r}; valid: {', '.join(SCHEDULES)}") from None
