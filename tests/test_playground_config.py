"""Validation of playground settings: clear messages for bad values, clean runs for good ones."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import playground as pg
from playground import config as pg_config
from playground.optim import OPTIMIZERS, SCHEDULES


def _messages(**changes) -> list[str]:
    return pg.validate(dataclasses.replace(pg.PlaygroundConfig(), **changes))


def test_defaults_are_valid() -> None:
    assert pg.validate(pg.PlaygroundConfig()) == []
    for scheme in pg.INIT_SCHEMES:
        assert _messages(init=scheme) == []
    for optimizer in OPTIMIZERS:
        assert _messages(optimizer=optimizer) == []
    for schedule in SCHEDULES:
        assert _messages(schedule=schedule) == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (dict(hidden=(0,)), "hidden layer 1 neurons: 0 is out of range"),
        (dict(hidden=(4, 17)), "hidden layer 2 neurons: 17 is out of range"),
        (dict(hidden=()), "use 1 to 6 hidden layers"),
        (dict(hidden=(2,) * 7), "use 1 to 6 hidden layers"),
        (dict(hidden="8,4"), "hidden layers"),
        (dict(lr=0.0), "learning rate: 0 is out of range"),
        (dict(lr=-1.0), "learning rate: -1 is out of range"),
        (dict(lr=math.nan), "learning rate: nan is not a finite number"),
        (dict(lr=1e300), "learning rate: 1e+300 is out of range"),
        (dict(lr="fast"), "learning rate: 'fast' is not a number"),
        (dict(epochs=10**9), "epochs: 1000000000 is out of range"),
        (dict(epochs=2.5), "epochs: 2.5 is not a whole number"),
        (dict(n_samples=True), "number of samples: True is not a whole number"),
        (dict(dataset="moon"), "data set: unknown choice 'moon'; choose one of circle"),
        (dict(activation="softmax"), "activation: unknown choice"),
        (dict(init="random"), "initialization: unknown choice"),
        (dict(init="zero", init_scale=1.0), "Zero scheme has no adjustable scale"),
        (dict(init="too_large", init_scale=1e9), "Too large initialization scale"),
        (dict(keep_prob=0.0), "dropout keep probability p: 0 is out of range"),
        (dict(l2=-0.1), "L2 strength λ2: -0.1 is out of range"),
        (dict(noise=math.inf), "noise: inf is not a finite number"),
        (dict(train_fraction=1.0), "training fraction: 1 is out of range"),
        (dict(optimizer="sgd"), "optimizer: unknown choice 'sgd'"),
        (dict(optimizer="adam", optimizer_params={"beta9": 0.9}), "'beta9': unknown"),
        (dict(optimizer="adam", optimizer_params={"beta1": 2.0}), "first-moment decay: 2"),
        (dict(schedule="step", schedule_params={"every": 2.5}), "is not a whole number"),
        (dict(snapshot_every=1, epochs=2000), "use an interval ≥ 2"),
        (dict(batch_size=1, n_samples=2000, epochs=2000), "use a larger batch size"),
        (dict(batch_size=0), "batch size: 0 is out of range"),
        (dict(grid_size=1000), "grid size: 1000 is out of range"),
        (dict(seed=-1), "seed: -1 is out of range"),
    ],
)
def test_bad_settings_give_a_clear_message(changes: dict, expected: str) -> None:
    messages = _messages(**changes)
    assert any(expected in m for m in messages), messages
    with pytest.raises(pg.ConfigError) as error:
        pg.train(dataclasses.replace(pg.PlaygroundConfig(), **changes))
    assert isinstance(error.value, ValueError)
    assert error.value.messages == messages


def test_not_a_config() -> None:
    assert pg.validate({"lr": 0.1}) == ["settings: expected a PlaygroundConfig, got dict."]


def test_batch_size_at_least_the_training_set_means_full_batch() -> None:
    config = pg.PlaygroundConfig(n_samples=100, batch_size=500)
    assert pg.validate(config) == []
    assert config.effective_batch_size == 50 and config.steps_per_epoch == 1


anything = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=6),
    st.lists(st.integers(min_value=-3, max_value=40), max_size=8),
    st.tuples(st.floats(allow_nan=True), st.integers()),
    st.dictionaries(st.text(max_size=6), st.floats(allow_nan=True), max_size=3),
    st.sampled_from(["circle", "relu", "adam", "zero", "constant", "step", "he"]),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    values=st.dictionaries(
        st.sampled_from([f.name for f in dataclasses.fields(pg.PlaygroundConfig)]), anything
    )
)
def test_any_garbage_gives_messages_never_an_exception(values: dict) -> None:
    config = pg.PlaygroundConfig(**values)
    messages = pg.validate(config)
    assert isinstance(messages, list) and all(isinstance(m, str) and m for m in messages)
    if messages:
        with pytest.raises(pg.ConfigError):
            pg.check(config)


@st.composite
def small_valid_configs(draw) -> pg.PlaygroundConfig:
    """Valid settings over every traced value's whole range (a few static shapes only)."""
    optimizer = draw(st.sampled_from(list(OPTIMIZERS)))
    schedule = draw(st.sampled_from(list(SCHEDULES)))
    init = draw(st.sampled_from(list(pg.INIT_SCHEMES)))
    scheme = pg.INIT_SCHEMES[init]
    scale = None
    if scheme.adjustable and draw(st.booleans()):
        scale = draw(st.floats(*scheme.scale_range))
    return pg.PlaygroundConfig(
        dataset=draw(st.sampled_from(list(pg.DATASETS))),
        n_samples=40,
        noise=draw(st.floats(*pg_config.NOISE_RANGE)),
        data_seed=draw(st.integers(0, 100)),
        hidden=draw(st.sampled_from([(3,), (4, 2)])),
        activation=draw(st.sampled_from(list(pg.ACTIVATIONS))),
        init=init,
        init_scale=scale,
        optimizer=optimizer,
        lr=10 ** draw(st.floats(math.log10(pg_config.LR_RANGE[0]), 1.0)),
        schedule=schedule,
        batch_size=draw(st.sampled_from([None, 7])),
        l1=draw(st.floats(*pg_config.PENALTY_RANGE)),
        l2=draw(st.floats(*pg_config.PENALTY_RANGE)),
        keep_prob=draw(st.floats(*pg_config.KEEP_PROB_RANGE)),
        epochs=draw(st.integers(1, 25)),
        seed=draw(st.integers(0, 2**31 - 1)),
    )


@pytest.mark.slow
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(config=small_valid_configs())
def test_valid_configs_train_to_finite_numbers_or_a_clean_divergence(config) -> None:
    assert pg.validate(config) == []
    run = pg.train(config)
    if run.diverged_at is None:
        assert run.last_epoch == config.epochs
    else:
        assert 1 <= run.diverged_at <= config.epochs and run.last_epoch == run.diverged_at - 1
    assert run.snapshot_epochs[0] == 0 and run.snapshot_epochs[-1] == run.last_epoch
    for values in (run.train_loss, run.test_loss, run.grad_norms, run.weight_norms, run.boundary):
        assert np.all(np.isfinite(values))
    assert all(np.all(np.isfinite(w)) for w in run.weights)
