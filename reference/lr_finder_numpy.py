"""fastai's ``lr_find`` bookkeeping, re-written in plain NumPy as a test oracle.

Written the way fastai runs it (``LRFinder`` callback + ``Recorder``'s ``AvgSmoothLoss``),
one batch at a time, not the vectorised form of ``playground.lr_range_test``: for batch i the
recorder takes the rate ``start · (end / start)^(i / num_it)`` and the smoothed loss, the finder
stops once the smoothed loss exceeds 4 × the best so far (or at num_it), then ``lr_find``
suggests on ``[num_it // 10 : -5]`` cut at the first NaN: ``steep`` and ``minimum``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np


def record(losses: Iterable[float], start: float, end: float, num_it: int, beta: float = 0.98):
    """(lrs, smoothed losses) as fastai's Recorder holds them after the finder stops."""
    lrs: list[float] = []
    smooth: list[float] = []
    value, best = 0.0, math.inf
    for i, loss in enumerate(losses):
        if i >= num_it:
            break
        value = value * beta + float(loss) * (1 - beta)  # torch.lerp(loss, val, beta)
        smooth_loss = value / (1 - beta ** (i + 1))  # AvgSmoothLoss's count = i + 1
        lrs.append(start * (end / start) ** (i / num_it))
        smooth.append(smooth_loss)
        if smooth_loss < best:
            best = smooth_loss
        if smooth_loss > 4 * best or math.isnan(smooth_loss):
            break
    return np.array(lrs), np.array(smooth)


def suggest(lrs: np.ndarray, losses: np.ndarray, num_it: int):
    """fastai's (steep, minimum) suggestions, or None when fewer than two points remain."""
    lrs, losses = lrs[num_it // 10 : -5], losses[num_it // 10 : -5]
    nans = np.flatnonzero(np.isnan(losses))
    if len(nans):
        lrs, losses = lrs[: nans[0]], losses[: nans[0]]
    if len(losses) < 2:
        return None, None
    grads = (losses[1:] - losses[:-1]) / (np.log(lrs[1:]) - np.log(lrs[:-1]))
    steep = float(lrs[grads.argmin()])
    minimum = float(lrs[losses.argmin()]) / 10
    return steep, minimum
