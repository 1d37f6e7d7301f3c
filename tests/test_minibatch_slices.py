"""Minibatch slices (playground.minibatch_slices) against NumPy: each minibatch's loss along
d₁ by a plain forward pass, its slope by hand-written backprop, the full-batch curve as the
landscape's own slice, and minibatches that partition the data averaging to the full curve."""

from __future__ import annotations

import numpy as np
import pytest
from test_network_landscape import ref_loss, ref_theta, ref_unflatten
from test_playground_compiles import count_compiles

import playground as pg
from playground.minibatch_slices import minibatch_slices
from reference.mlp_numpy import backward

C = pg.PlaygroundConfig


@pytest.fixture(scope="module")
def trained():
    configs = {
        "relu": C(epochs=60),
        "tanh-minibatch": C(activation="tanh", hidden=(5, 3), batch_size=25, epochs=20),
    }
    return {name: pg.train(config) for name, config in configs.items()}


@pytest.mark.parametrize("name", ["relu", "tanh-minibatch"])
def test_curves_and_slopes_match_numpy(trained, name) -> None:
    run = trained[name]
    config = run.config
    slices = minibatch_slices(config, n_batches=3, span=0.5, direction_seed=3, run=run)
    expected_size = 25 if name == "tanh-minibatch" else 20  # the config's, else 20
    assert slices.batch_size == expected_size
    assert slices.batch_indices.shape == (3, expected_size)
    assert len(np.unique(slices.batch_indices)) == 3 * expected_size  # disjoint minibatches
    theta = ref_theta(run, -1)
    d1 = slices.direction_vector.astype(np.float64)
    data = run.dataset
    for m, rows in enumerate(slices.batch_indices):
        x, y = data.x_train[rows], data.y_train[rows]
        for k in (0, 17, 50, 83, 100):
            a = slices.coordinates[k]
            assert slices.batch_loss[m, k] == pytest.approx(
                ref_loss(theta + a * d1, config, x, y), rel=2e-4, abs=1e-6
            )
        grads = backward(ref_unflatten(theta, config.layer_sizes), x, y, config.activation)
        exact = float(np.concatenate([np.concatenate([g.ravel(), b]) for g, b in grads]) @ d1)
        assert slices.batch_slopes[m] == pytest.approx(exact, rel=1e-2, abs=2e-3)
    assert slices.full_loss[50] == pytest.approx(float(run.train_loss[-1]), rel=1e-5)


def test_the_full_curve_is_the_landscapes_slice(trained) -> None:
    run = trained["relu"]
    landscape = pg.network_landscape(run.config, span=0.7, direction_seed=5, run=run)
    slices = minibatch_slices(run.config, span=0.7, direction_seed=5, run=run)
    np.testing.assert_array_equal(slices.full_loss, landscape.slice_train_loss)
    np.testing.assert_array_equal(slices.coordinates, landscape.slice_coordinates)
    np.testing.assert_array_equal(slices.direction_vector, landscape.direction_vectors[0])


def test_minibatches_that_partition_the_data_average_to_the_full_curve(trained) -> None:
    run = trained["relu"]  # 200 training points: 8 minibatches of 25
    slices = minibatch_slices(run.config, batch_size=25, n_batches=8, run=run)
    assert sorted(slices.batch_indices.ravel()) == list(range(run.dataset.n_train))
    np.testing.assert_allclose(slices.batch_loss.mean(axis=0), slices.full_loss, rtol=2e-5)
    assert slices.batch_slopes.mean() == pytest.approx(slices.full_slope, rel=1e-2, abs=1e-3)
    # the minibatches do see different landscapes
    assert np.ptp(slices.batch_loss[:, 50]) > 0.01


@pytest.mark.parametrize(
    "kwargs",
    [
        {"n_batches": 0},
        {"n_batches": 9},
        {"n_batches": True},
        {"batch_size": 0},
        {"batch_size": 2.5},
        {"batch_size": 150, "n_batches": 2},  # 300 points of 200
        {"span": 0.0},
        {"span": float("nan")},
        {"direction_seed": -1},
        {"batch_seed": "1"},
    ],
)
def test_bad_arguments_are_refused_with_a_sentence(trained, kwargs) -> None:
    run = trained["relu"]
    with pytest.raises(ValueError) as error:
        minibatch_slices(run.config, run=run, **kwargs)
    assert str(error.value).endswith(".")


def test_nothing_compiles_after_the_landscape_warm_up(trained) -> None:
    pg.warm_up_landscape()
    with count_compiles() as compiles:
        for run in trained.values():
            for n in (1, 4, 8):
                minibatch_slices(run.config, n_batches=n, batch_size=20, run=run)
    assert compiles == []
