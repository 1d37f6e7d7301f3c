"""The learning-rate range test (Smith 2017; fastai's ``lr_find``) on the playground network.

"Train while cranking up the learning rate and plot loss" (slide deck 000): train the network
``config`` describes from its initialization while the rate grows exponentially from
``start_lr`` to ``end_lr``, and read off where the loss falls fastest::

    η_i = start · (end / start)^(i / N)              i = 0 … N − 1 (fastai's SchedExp)
    s_i = β s_{i−1} + (1 − β) L_i,  ŝ_i = s_i / (1 − β^(i+1))        β = 0.98, s_{−1} = 0
    stop after the first i with ŝ_i > 4 · min_{j<i} ŝ_j               (the loss exploded)

``L_i`` is the training loss with the parameters *before* the updates at rate η_i (as fastai
records a batch's loss before its step). Here one point is one epoch: with full batch (the
playground's default) an epoch is one update, as fastai's iteration; with minibatches the rate
still grows every update (t counts updates) and ``L_i`` is the whole training set's loss at the
start of epoch i (evaluation mode, as ``PlaygroundRun.train_loss``), a smoother curve than
fastai's per-batch losses.

The suggestions are fastai's, on the points it uses (the first ⌊N/10⌋ and the last 5 dropped,
stopping at the first NaN):

* ``steepest``: η where the smoothed loss falls fastest per decade,
  argmin_i (ŝ_{i+1} − ŝ_i) / (ln η_{i+1} − ln η_i) (fastai's ``steep``);
* ``minimum_tenth``: the rate of the lowest smoothed loss ÷ 10 (fastai's ``minimum``).

It is the playground's own compiled training program (the ramp is its exponential schedule
``η₀ e^{−k t}`` with k = −ln(end / start) / (N · updates per epoch) < 0), so nothing compiles
beyond what the playground warms up.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np

from playground.config import ConfigError, PlaygroundConfig, check
from playground.training import train_as_given

START_LR = 1e-7  # fastai's defaults
END_LR = 10.0
STEPS = 100
STEPS_RANGE = (20, 1000)  # points (epochs); a valid epochs count (≤ 2000)
RATE_RANGE = (1e-9, 100.0)
SMOOTHING = 0.98  # β of fastai's AvgSmoothLoss
DIVERGENCE_FACTOR = 4.0  # stop when the smoothed loss exceeds 4 × its best
SKIP_END = 5  # fastai drops the last 5 points (and the first N // 10) before suggesting


@dataclass(frozen=True, eq=False)
class LRRangeTest:
    """One range test (numpy). ``rates[i]`` is the rate of the updates that start at ``losses[i]``.

    ``losses`` are raw (float64 copies of the float32 run), ``smoothed`` the debiased average;
    both end at ``stopped_at`` (the first point past 4 × the best, included; or the last).
    ``steepest`` / ``minimum_tenth`` are None when too few points remain to suggest.
    """

    config: PlaygroundConfig
    start_lr: float
    end_lr: float
    steps: int
    rates: np.ndarray  # (n,) float64
    losses: np.ndarray  # (n,) float64
    smoothed: np.ndarray  # (n,) float64
    stopped_at: int  # index of the last point recorded
    diverged: bool  # True if stopped by the 4 × rule (or a non-finite loss) before N points
    steepest: float | None
    steepest_index: int | None
    minimum_tenth: float | None
    minimum_index: int | None  # the point of the lowest smoothed loss (its rate ÷ 10 suggested)

    @property
    def best_loss(self) -> float:
        return float(np.nanmin(self.smoothed))


def ramp_rates(start_lr: float, end_lr: float, steps: int) -> np.ndarray:
    """η_i = start · (end / start)^(i / N), i = 0 … N − 1 (fastai's SchedExp(start, end)(i/N))."""
    return start_lr * (end_lr / start_lr) ** (np.arange(steps) / steps)


def smoothed_losses(losses: np.ndarray, beta: float = SMOOTHING) -> np.ndarray:
    """The debiased exponential moving average ŝ_i = s_i / (1 − β^(i+1)), s_i = βs_{i−1} + (1−β)L_i."""
    average = 0.0
    out = np.empty(len(losses))
    for i, loss in enumerate(losses):
        average = beta * average + (1.0 - beta) * float(loss)
        out[i] = average / (1.0 - beta ** (i + 1))
    return out


def stop_index(smoothed: np.ndarray, factor: float = DIVERGENCE_FACTOR) -> tuple[int, bool]:
    """The last point kept, and whether the test stopped early (ŝ_i > factor · best, or NaN)."""
    best = math.inf
    for i, value in enumerate(smoothed):
        if not math.isfinite(value) or (i > 0 and value > factor * best):
            return i, True
        best = min(best, value)
    return len(smoothed) - 1, False


def suggestions(
    rates: np.ndarray, smoothed: np.ndarray, steps: int
) -> tuple[tuple[float, int] | None, tuple[float, int] | None]:
    """fastai's (steepest rate, its index) and (minimum rate ÷ 10, the minimum's index).

    On points ⌊N/10⌋ … n − 6 (indices into the whole arrays), cut at the first NaN; None when
    fewer than two points remain.
    """
    first = steps // 10
    last = len(smoothed) - SKIP_END
    window = smoothed[first:last]
    finite = np.isfinite(window)
    if not finite.all():
        window = window[: int(np.argmin(finite))]
    if len(window) < 2:
        return None, None
    window_rates = rates[first : first + len(window)]
    slopes = np.diff(window) / np.diff(np.log(window_rates))
    steep = first + int(np.argmin(slopes))
    lowest = first + int(np.argmin(window))
    return (float(rates[steep]), steep), (float(rates[lowest]) / 10.0, lowest)


def _check(start_lr: object, end_lr: object, steps: object) -> list[str]:
    messages = []
    for name, value in (("start rate", start_lr), ("end rate", end_lr)):
        bad = isinstance(value, bool) or not isinstance(value, Real)
        if bad or not (RATE_RANGE[0] <= float(value) <= RATE_RANGE[1]):
            messages.append(f"{name}: must be a number in [{RATE_RANGE[0]:g}, {RATE_RANGE[1]:g}].")
    if not messages and float(start_lr) >= float(end_lr):  # type: ignore[arg-type]
        messages.append("end rate: must be larger than the start rate.")
    low, high = STEPS_RANGE
    if isinstance(steps, bool) or not isinstance(steps, Integral) or not low <= steps <= high:
        messages.append(f"steps: must be a whole number in [{low}, {high}].")
    return messages


def ramp_config(
    config: PlaygroundConfig, start_lr: float = START_LR, end_lr: float = END_LR, steps: int = STEPS
) -> PlaygroundConfig:
    """``config`` training ``steps`` epochs under the exponential ramp (its own rate replaced).

    Validates ``config`` with ``steps`` epochs (``ConfigError``) and the ramp's own arguments.
    The result is not itself a valid page config: its decay rate k is negative (a growth).
    """
    messages = _check(start_lr, end_lr, steps)
    if messages:
        raise ConfigError(messages)
    base = dataclasses.replace(config, epochs=int(steps), snapshot_every=None)
    check(base)
    growth = math.log(float(end_lr) / float(start_lr)) / (int(steps) * base.steps_per_epoch)
    return dataclasses.replace(
        base, lr=float(start_lr), schedule="exponential", schedule_params={"decay_rate": -growth}
    )


def lr_range_test(
    config: PlaygroundConfig,
    *,
    start_lr: float = START_LR,
    end_lr: float = END_LR,
    steps: int = STEPS,
) -> LRRangeTest:
    """Run the range test on ``config``'s network, data, optimizer and initialization.

    ``ConfigError`` if ``config`` (with ``steps`` epochs) or the ramp is invalid.
    """
    ramp = ramp_config(config, start_lr, end_lr, steps)
    run = train_as_given(ramp)
    n = int(steps)
    rates = ramp_rates(float(start_lr), float(end_lr), n)
    losses = np.full(n, np.nan)
    recorded = min(n, len(run.train_loss))  # a diverged run ends at its last finite epoch
    losses[:recorded] = run.train_loss[:recorded]
    smooth = smoothed_losses(losses)
    stopped, early = stop_index(smooth)
    keep = slice(0, stopped + 1)
    steep, minimum = suggestions(rates[keep], smooth[keep], n)
    return LRRangeTest(
        config=config,
        start_lr=float(start_lr),
        end_lr=float(end_lr),
        steps=n,
        rates=rates[keep],
        losses=losses[keep],
        smoothed=smooth[keep],
        stopped_at=stopped,
        diverged=early,
        steepest=steep[0] if steep else None,
        steepest_index=steep[1] if steep else None,
        minimum_tenth=minimum[0] if minimum else None,
        minimum_index=minimum[1] if minimum else None,
    )


def with_rate(config: PlaygroundConfig, lr: float) -> PlaygroundConfig:
    """``config`` trained at the constant rate ``lr`` (the "train with this rate" click)."""
    return dataclasses.replace(config, lr=float(lr), schedule="constant", schedule_params={})


def with_one_cycle(config: PlaygroundConfig, lr_max: float) -> PlaygroundConfig:
    """``config`` under fastai's one-cycle schedule peaking at ``lr_max`` (its defaults)."""
    return dataclasses.replace(config, lr=float(lr_max), schedule="one_cycle", schedule_params={})
