"""The default learning rates do what the lab's first screen promises.

On the default landscape (Himmelblau from its default start, 500 steps) every default-enabled
optimizer must walk visibly (not jump there in a few frames), reach a minimum and not diverge.
"""

from __future__ import annotations

import numpy as np
import pytest

from landscapes import DEFAULT_LANDSCAPE_ID, get_landscape
from optimizers import OPTIMIZERS, OptimizerConfig, trajectories

DEFAULT_STEPS = 500


@pytest.fixture(scope="module")
def default_runs() -> dict:
    landscape = get_landscape(DEFAULT_LANDSCAPE_ID)
    configs = [OptimizerConfig(optimizer_id, enabled=True) for optimizer_id in OPTIMIZERS]
    results = trajectories(landscape.id, landscape.start, configs, DEFAULT_STEPS)
    return {result.optimizer: result for result in results}


def test_default_landscape_is_himmelblau() -> None:
    assert DEFAULT_LANDSCAPE_ID == "himmelblau"


@pytest.mark.parametrize(
    "optimizer_id", [o for o, spec in OPTIMIZERS.items() if spec.default_enabled]
)
def test_default_optimizers_make_visible_progress(default_runs: dict, optimizer_id: str) -> None:
    result = default_runs[optimizer_id]
    assert result.diverged_at is None
    start_loss = result.loss[0]
    reached = np.flatnonzero(result.loss < 1e-3)
    assert reached.size, f"{optimizer_id} does not reach a minimum in {DEFAULT_STEPS} steps"
    # Slow enough to watch (dozens of frames), fast enough to finish within the run.
    assert 50 <= reached[0] <= 0.8 * DEFAULT_STEPS, reached[0]
    # RMSprop keeps dithering around the minimum at a constant rate (its steps do not shrink
    # with the gradient), so "arrived" is 1e-4 of the starting cost, not exact convergence.
    assert result.loss[-1] < 1e-4 * start_loss
    steps = np.linalg.norm(np.diff(result.path, axis=0), axis=1)
    assert steps.max() < 1.0, "no jump across a large part of the 12-wide domain"


@pytest.mark.parametrize("optimizer_id", tuple(OPTIMIZERS))
def test_every_default_converges_on_the_default_landscape(
    default_runs: dict, optimizer_id: str
) -> None:
    """Nesterov and Adagrad are off by default, but their defaults work here too."""
    result = default_runs[optimizer_id]
    assert result.diverged_at is None
    assert result.loss[-1] < 1e-2
