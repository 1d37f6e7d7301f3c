"""Early stopping read from a run (playground.early_stopping) against a loop written like
Keras's callback (reference/early_stopping_numpy.py), and on a real overfitting run."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import playground as pg
from playground.early_stopping import early_stopping
from reference.early_stopping_numpy import keras_early_stopping

losses = st.lists(
    st.one_of(st.sampled_from([0.5, 0.4, 0.3, 0.3, 0.6]), st.floats(0, 2), st.just(float("nan"))),
    min_size=0,
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(losses, st.integers(1, 12), st.integers(0, 3))
def test_matches_a_keras_style_loop(values, patience, start) -> None:
    epochs = np.arange(start, start + len(values))
    stop = early_stopping(np.array(values), patience, epochs)
    assert (stop.stopped_epoch, stop.best_epoch) == keras_early_stopping(values, epochs, patience)
    if stop.best_index is not None:
        assert epochs[stop.best_index] == stop.best_epoch
        assert stop.best_loss == values[stop.best_index]
    if stop.stopped_index is not None:
        assert epochs[stop.stopped_index] == stop.stopped_epoch
        assert stop.best_epoch is None or stop.stopped_epoch - stop.best_epoch >= patience


def test_a_hand_example() -> None:
    # epoch: 0    1    2    3    4    5    6
    values = [9.0, 0.5, 0.4, 0.45, 0.4, 0.41, 0.3]
    stop = early_stopping(np.array(values), 3)
    assert (stop.stopped_epoch, stop.best_epoch, stop.best_loss) == (5, 2, 0.4)  # ties: no gain
    assert early_stopping(np.array(values), 5).stopped_epoch is None


@pytest.mark.parametrize("patience", [0, -1, 1.5, True])
def test_bad_patience(patience) -> None:
    with pytest.raises(ValueError):
        early_stopping(np.zeros(3), patience)


def test_a_run_keeps_its_numbers_and_names_the_restored_frame() -> None:
    config = pg.PlaygroundConfig(dataset="xor", n_samples=60, noise=0.4, hidden=(16, 16),
                                 lr=0.5, epochs=400)  # fmt: skip
    run = pg.train(config)
    before = run.test_loss.copy()
    stop = run.early_stop(20)
    assert np.array_equal(run.test_loss, before)
    assert stop.stopped_epoch is not None and stop.stopped_epoch < run.last_epoch
    assert run.snapshot_epochs[stop.best_index] == stop.best_epoch
    assert stop.best_loss == pytest.approx(float(run.test_loss[stop.best_epoch]))
    assert stop.best_loss == pytest.approx(float(run.test_loss[1 : stop.stopped_epoch + 1].min()))
