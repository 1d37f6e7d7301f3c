"""Property tests: any valid settings give finite trajectories or a clean divergence cut."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from landscapes import get_landscape, landscape_ids
from optimizers import MAX_STEPS, OPTIMIZERS, SCHEDULES, OptimizerConfig, trajectories
from optimizers.specs import HyperParameter


def _value(parameter: HyperParameter) -> st.SearchStrategy[float]:
    if parameter.integer:
        return st.integers(int(parameter.minimum), int(parameter.maximum)).map(float)
    if parameter.log_scale:
        low, high = np.log10(parameter.minimum), np.log10(parameter.maximum)
        return st.floats(low, high).map(lambda exponent: float(10.0**exponent))
    return st.floats(parameter.minimum, parameter.maximum)


@st.composite
def optimizer_configs(draw: st.DrawFn, optimizer_id: str) -> OptimizerConfig:
    spec = OPTIMIZERS[optimizer_id]
    schedule = draw(st.sampled_from(tuple(SCHEDULES)))
    return OptimizerConfig(
        optimizer_id,
        enabled=draw(st.booleans()),
        lr=draw(_value(spec.learning_rate)),
        schedule=schedule,
        schedule_params={p.name: draw(_value(p)) for p in SCHEDULES[schedule].parameters},
        hyperparams={p.name: draw(_value(p)) for p in spec.rule_hyperparameters},
    )


@st.composite
def runs(draw: st.DrawFn) -> dict:
    landscape_id = draw(st.sampled_from(landscape_ids()))
    (x_lo, x_hi), (y_lo, y_hi) = get_landscape(landscape_id).domain
    chosen = draw(st.lists(st.sampled_from(tuple(OPTIMIZERS)), min_size=1, max_size=6, unique=True))
    return {
        "landscape_id": landscape_id,
        "start": (draw(st.floats(x_lo, x_hi)), draw(st.floats(y_lo, y_hi))),
        "configs": [draw(optimizer_configs(optimizer_id)) for optimizer_id in chosen],
        "steps": draw(st.one_of(st.integers(1, 1200), st.just(MAX_STEPS))),
        "noise_sigma": draw(st.one_of(st.just(0.0), st.floats(0.0, 1000.0))),
        "seed": draw(st.integers(0, 2**31 - 1)),
    }


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(runs())
def test_any_valid_settings_give_finite_paths_or_a_clean_cut(run: dict) -> None:
    results = trajectories(**run)
    enabled = [c.optimizer for c in run["configs"] if c.enabled]
    assert [r.optimizer for r in results] == enabled
    for result in results:
        n = len(result.path)
        assert result.path.shape == (n, 2) and result.loss.shape == (n,)
        assert result.lr.shape == (n - 1,)
        assert np.all(np.isfinite(result.path)) and np.all(np.isfinite(result.loss))
        assert np.all(np.isfinite(result.lr)) and np.all(result.lr >= 0)
        np.testing.assert_array_equal(result.path[0], run["start"])
        if result.diverged_at is None:
            assert n == run["steps"] + 1
        else:
            assert 1 <= result.diverged_at <= run["steps"] and n == result.diverged_at
