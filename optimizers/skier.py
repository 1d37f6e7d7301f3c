"""The skier: the lab's optimizers on a 1-D loss curve L(w) (slide deck 004).

``ski(curve_id, start, configs, steps)`` runs every enabled ``OptimizerConfig`` from w₀ =
``start`` on ``landscapes.curves.CURVES[curve_id]`` with the lab's own engine
(``optimizers.engine.run_engine`` over ``landscapes.curves.curve_fns()``, one compiled program
for all the curves, switched at run time) and returns, per row, the skier's positions, the
loss and the derivative there::

    w_{t+1} = w_t + u_t(dL/dw(w_t))        (the rule's update; GD: u_t = −η_t dL/dw)

The derivative ``slope`` is the curve's own float64 formula differentiated by a central
difference (``Curve.slope``): its sign is the slide's "move in the opposite direction of the
derivative".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from landscapes.curves import CURVE_IDS, CURVES, DEFAULT_CURVE_ID, curve_fns
from optimizers.config import OptimizerConfig
from optimizers.engine import run_engine

MAX_SKIER_STEPS = 1000
SECOND_AXIS = (-1.0, 1.0)  # the lifted surface's unused coordinate (it stays at 0)


@dataclass(frozen=True, eq=False)
class SkierRun:
    """One optimizer's ride (numpy float64, cut at divergence like a lab trajectory)."""

    optimizer: str
    w: np.ndarray  # (n,) positions w_0 … w_{n−1}
    loss: np.ndarray  # (n,) L(w_t)
    slope: np.ndarray  # (n,) dL/dw at w_t
    lr: np.ndarray  # (n − 1,) η_t of each update
    diverged_at: int | None


def ski(
    curve_id: str, start: float, configs: Sequence[OptimizerConfig], steps: int
) -> list[SkierRun]:
    """One ``SkierRun`` per enabled config, in order. ``KeyError`` for an unknown curve,
    ``ValueError`` for a bad start (outside the curve's domain) or step count (1 … 1000)."""
    curve = CURVES[curve_id]
    low, high = curve.domain
    start = float(start)
    if not low <= start <= high:
        raise ValueError(f"start must be within the curve's domain [{low:g}, {high:g}]")
    if not 1 <= int(steps) <= MAX_SKIER_STEPS:
        raise ValueError(f"steps must be between 1 and {MAX_SKIER_STEPS}")
    trajectories = run_engine(
        curve_fns(),
        CURVE_IDS.index(curve.id),
        (curve.domain, SECOND_AXIS),
        (start, 0.0),
        configs,
        int(steps),
    )
    runs = []
    for trajectory in trajectories:
        w = np.ascontiguousarray(trajectory.path[:, 0], np.float64)
        runs.append(
            SkierRun(
                optimizer=trajectory.optimizer,
                w=w,
                loss=np.asarray(curve(w), np.float64),
                slope=np.asarray(curve.slope(w), np.float64),
                lr=np.asarray(trajectory.lr, np.float64),
                diverged_at=trajectory.diverged_at,
            )
        )
    return runs


def warm_up() -> None:
    """Compile the skier's program (every curve, up to ``MAX_SKIER_STEPS`` steps)."""
    curve = CURVES[DEFAULT_CURVE_ID]
    ski(curve.id, curve.start, [OptimizerConfig("gd"), OptimizerConfig("momentum")], 10)
