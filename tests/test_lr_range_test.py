"""The learning-rate range test: fastai's bookkeeping against a NumPy oracle, the ramp as the
compiled program runs it, validation, no compile beyond training's, and what it suggests."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_playground_compiles import count_compiles

import playground as pg
from playground.lr_range_test import (
    LRRangeTest,
    lr_range_test,
    ramp_config,
    ramp_rates,
    smoothed_losses,
    stop_index,
    suggestions,
    with_one_cycle,
    with_rate,
)
from playground.training import train_as_given
from reference.lr_finder_numpy import record, suggest

C = pg.PlaygroundConfig

# ---- fastai's bookkeeping against the oracle --------------------------------------------------

loss_curves = st.lists(
    st.one_of(
        st.floats(1e-4, 1e3, allow_nan=False),
        st.just(float("nan")),
    ),
    min_size=1,
    max_size=120,
)


@settings(max_examples=200, deadline=None)
@given(losses=loss_curves, steps=st.integers(20, 120), start=st.floats(1e-9, 1e-3))
def test_smoothing_stop_and_suggestions_match_fastais_loop(losses, steps, start) -> None:
    losses = np.array(losses[:steps])
    end = start * 1e6
    lrs, expected = record(losses, start, end, steps)
    smooth = smoothed_losses(losses)
    stopped, _ = stop_index(smooth)
    kept = slice(0, stopped + 1)
    np.testing.assert_allclose(smooth[kept], expected, rtol=1e-12)
    np.testing.assert_allclose(ramp_rates(start, end, steps)[kept], lrs, rtol=1e-12)
    steep, minimum = suggestions(lrs, expected, steps)
    steep_ref, minimum_ref = suggest(lrs, expected, steps)
    assert (steep is None) == (steep_ref is None)
    if steep is not None:
        assert steep[0] == pytest.approx(steep_ref, rel=1e-12)
        assert minimum[0] == pytest.approx(minimum_ref, rel=1e-12)
        assert lrs[minimum[1]] / 10 == pytest.approx(minimum[0], rel=1e-12)


def test_an_exploding_curve_stops_past_four_times_its_best() -> None:
    losses = np.concatenate([np.linspace(1.0, 0.1, 50), np.geomspace(0.1, 100.0, 50)])
    smooth = smoothed_losses(losses)
    stopped, early = stop_index(smooth)
    assert early and stopped < 99
    assert smooth[stopped] > 4 * smooth[:stopped].min()
    assert smooth[stopped - 1] <= 4 * smooth[: stopped - 1].min()


def test_the_smoothing_is_debiased() -> None:
    assert smoothed_losses(np.full(30, 0.7)) == pytest.approx(np.full(30, 0.7), rel=1e-12)


# ---- the ramp as the compiled program runs it ------------------------------------------------


@pytest.mark.parametrize("batch_size", [None, 40])
def test_the_program_ramps_the_rate_exponentially_from_start_to_end(batch_size) -> None:
    config = C(batch_size=batch_size, epochs=5)
    ramp = ramp_config(config, 1e-6, 1.0, 50)
    run = train_as_given(ramp)
    per_epoch = ramp.steps_per_epoch
    assert per_epoch == (1 if batch_size is None else 5)
    # the rate at the first update of epoch i is start · (end / start)^(i / N)
    np.testing.assert_allclose(run.learning_rate[:50], ramp_rates(1e-6, 1.0, 50), rtol=2e-5)
    assert ramp.epochs == 50 and ramp.lr == 1e-6


def test_losses_are_the_training_losses_at_the_start_of_each_epoch() -> None:
    config = C(optimizer="adam", hidden=(6,), epochs=7)
    test = lr_range_test(config, steps=40)
    ramp = ramp_config(config, steps=40)
    run = train_as_given(ramp)
    np.testing.assert_allclose(test.losses, run.train_loss[: len(test.losses)], rtol=1e-6)
    # point 0 is the untrained network: the same as the page's run at epoch 0
    assert test.losses[0] == pytest.approx(float(pg.train(config).train_loss[0]), rel=1e-6)
    assert test.config == config  # the user's settings, not the ramp's


def test_nothing_compiles_beyond_training() -> None:
    configs = [C(epochs=3), C(optimizer="adam", batch_size=20, epochs=2), C(hidden=(16,) * 3)]
    for config in configs:
        pg.train(config)
    with count_compiles() as compiles:
        tests = [lr_range_test(c, steps=s) for c, s in zip(configs, (20, 137, 400), strict=True)]
        lr_range_test(configs[0], start_lr=1e-4, end_lr=3.0, steps=64)
    assert compiles == []
    assert [len(t.rates) <= t.steps for t in tests] == [True] * 3


# ---- validation ------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    start=st.one_of(st.floats(allow_nan=True), st.booleans(), st.text(max_size=3), st.none()),
    steps=st.one_of(st.integers(-5, 5000), st.floats(allow_nan=True), st.booleans()),
)
def test_bad_ramps_are_refused_with_a_sentence(start, steps) -> None:
    valid_start = isinstance(start, float) and not isinstance(start, bool) and 1e-9 <= start < 10.0
    valid_steps = isinstance(steps, int) and not isinstance(steps, bool) and 20 <= steps <= 1000
    if valid_start and valid_steps:
        assert ramp_config(C(), start, 10.0, steps).epochs == steps
        return
    with pytest.raises(pg.ConfigError) as error:
        ramp_config(C(), start, 10.0, steps)
    assert all(message.endswith(".") for message in error.value.messages)


def test_the_network_settings_are_validated_too() -> None:
    with pytest.raises(pg.ConfigError):
        lr_range_test(C(hidden=(17,)))
    with pytest.raises(pg.ConfigError, match="end rate"):
        ramp_config(C(), 1.0, 0.5, 100)


# ---- what it finds ---------------------------------------------------------------------------


def test_the_default_networks_suggestions_train_it_well() -> None:
    config = C()
    test = lr_range_test(config)
    assert isinstance(test, LRRangeTest) and not test.diverged
    assert test.steepest is not None and test.minimum_tenth is not None
    assert 0.05 < test.minimum_tenth < test.steepest < 10
    slow = pg.train(with_rate(config, 1e-3))
    for rate in (test.steepest, test.minimum_tenth):
        run = pg.train(with_rate(config, rate))
        assert run.train_loss[-1] < 0.05 < slow.train_loss[-1]
    cycle = pg.train(with_one_cycle(config, test.steepest))
    assert cycle.config.schedule == "one_cycle" and cycle.learning_rate.max() <= test.steepest
    assert cycle.train_loss[-1] < 0.05


def test_a_long_ramp_to_a_huge_rate_stops_when_the_loss_explodes() -> None:
    test = lr_range_test(C(optimizer="momentum"), steps=100, end_lr=100.0)
    assert test.diverged and test.stopped_at < 99
    assert test.smoothed[-1] > 4 * test.smoothed[:-1].min()
    assert len(test.rates) == len(test.losses) == test.stopped_at + 1


def test_with_rate_keeps_everything_but_the_rate() -> None:
    config = C(optimizer="adam", schedule="exponential", schedule_params={"decay_rate": 0.01})
    chosen = with_rate(config, 0.02)
    assert chosen.schedule == "constant" and chosen.lr == 0.02
    assert dataclasses.replace(chosen, lr=config.lr, schedule=config.schedule,
                               schedule_params=config.schedule_params) == config  # fmt: skip
