"""The initialization story of the slides, checked on the playground's default network.

Defaults: circle data, [2, 8, 4, 1] ReLU net, full-batch GD, lr 0.1, 500 epochs. Schemes as
the deeplearning.ai demo: W ~ N(0, s / n_in), s = 0 / 0.01 / 1 / 100, b = 0.
"""

from __future__ import annotations

import dataclasses
import itertools
import math

import numpy as np
import pytest

import playground as pg
from reference import mlp_numpy as ref

LN2 = math.log(2.0)


@pytest.fixture(scope="module")
def demo_runs() -> dict[str, pg.PlaygroundRun]:
    return pg.train_inits(pg.PlaygroundConfig())


def _hidden_layers_identical(run: pg.PlaygroundRun, snapshot: int) -> bool:
    """Every hidden layer's neurons are copies: identical incoming weight columns and biases."""
    for weights, biases in run.params_at(snapshot)[:-1]:
        if not np.allclose(weights, weights[:, :1], rtol=1e-5, atol=1e-7):
            return False
        if not np.allclose(biases, biases[:1], rtol=1e-5, atol=1e-7):
            return False
    return True


def test_scales_and_latex_are_the_reference_demo() -> None:
    scales = {i: pg.INIT_SCHEMES[i].default_scale for i in pg.DEMO_INIT_IDS}
    assert scales == {"zero": 0.0, "too_small": 0.01, "appropriate": 1.0, "too_large": 100.0}
    assert "0.01" in pg.INIT_SCHEMES["too_small"].latex
    assert "100" in pg.INIT_SCHEMES["too_large"].latex
    assert pg.init_latex("too_large", 30.0).count("30") == 1
    assert pg.INIT_SCHEMES["zero"].latex == r"W_{ij} = 0"
    assert pg.BIAS_INIT_LATEX == "b = 0"


def test_same_seed_same_noise_different_scale(demo_runs) -> None:
    small, good, large = (
        demo_runs[k].params_at(0) for k in ("too_small", "appropriate", "too_large")
    )
    for (w_small, b_small), (w_good, _), (w_large, _) in zip(small, good, large, strict=True):
        np.testing.assert_allclose(w_small, 0.1 * w_good, rtol=1e-6)
        np.testing.assert_allclose(w_large, 10.0 * w_good, rtol=1e-6)
        assert not b_small.any()


def test_zero_init_relu_symmetry_never_breaks_and_boundary_is_constant(demo_runs) -> None:
    run = demo_runs["zero"]
    for snapshot in range(run.n_snapshots):
        for weights, biases in run.params_at(snapshot)[:-1]:
            assert not weights.any() and not biases.any()  # hidden layers never move
        assert not run.params_at(snapshot)[-1][0].any()  # nor the output weights
        assert np.ptp(run.boundary[snapshot]) < 1e-6  # the prediction is one constant
    # only the output bias learns: toward the class prior, never beyond chance accuracy
    assert run.train_loss[-1] <= run.train_loss[0]
    assert run.test_accuracy[-1] <= 0.55


@pytest.mark.parametrize(
    ("activation", "init"), [("sigmoid", "zero"), ("tanh", "constant"), ("relu", "constant")]
)
def test_identical_neurons_stay_identical(activation: str, init: str) -> None:
    """Zero with f(0) ≠ 0, or any constant init: neurons move, but as identical copies.

    Then the first layer is one direction w repeated, so the prediction depends on x only
    through w·x: the boundary is a straight line (level sets perpendicular to w).
    """
    config = pg.PlaygroundConfig(activation=activation, init=init, epochs=200)
    run = pg.train(config)
    assert not np.allclose(run.weights[0][-1], run.weights[0][0])  # it did learn something
    for snapshot in range(run.n_snapshots):
        assert _hidden_layers_identical(run, snapshot)
    params = ref.clone(run.params_at(-1))
    direction = params[0][0][:, 0]
    perpendicular = np.array([-direction[1], direction[0]]) / np.linalg.norm(direction)
    points = np.random.default_rng(0).uniform(-2, 2, (50, 2))
    moved = points + 1.5 * perpendicular
    logits, _, _ = ref.forward(params, points, activation)
    logits_moved, _, _ = ref.forward(params, moved, activation)
    np.testing.assert_allclose(logits, logits_moved, rtol=1e-5, atol=1e-5)


def test_too_small_default_net_sits_on_a_plateau(demo_runs) -> None:
    small, good = demo_runs["too_small"], demo_runs["appropriate"]
    assert np.all(small.train_loss >= 0.68)  # stays at ≈ ln 2 for all 500 epochs
    assert good.train_loss[-1] < 0.2
    assert np.all(small.grad_norms[0] < 0.1 * good.grad_norms[0])


@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_too_small_deep_net_vanishing_gradients(activation: str) -> None:
    """4 hidden layers of 8: the back-propagated error vanishes toward the input.

    Honest detail (Glorot & Bengio 2010): the *weight* gradients ∂L/∂W_l = h_{l−1}ᵀ δ_l are all
    tiny but of similar size across layers, because the small forward activations h compensate
    the small backward errors δ. What shrinks by orders of magnitude from output to input is
    δ_l itself, i.e. ∂L/∂b_l (``bias_grad_norms``).
    """
    config = pg.PlaygroundConfig(hidden=(8, 8, 8, 8), activation=activation)
    runs = pg.train_inits(config, ("too_small", "appropriate"))
    small, good = runs["too_small"], runs["appropriate"]
    errors = small.bias_grad_norms[0]
    assert errors[0] < 1e-3 * errors[-1]  # ≥ 3 orders of magnitude, first vs output layer
    assert np.all(np.diff(np.log10(errors)) > 0)  # shrinking layer by layer toward the input
    assert np.all(small.grad_norms[0] < 1e-3 * good.grad_norms[0])  # every W-gradient tiny
    assert small.grad_norms[0][0] > 1e-2 * small.grad_norms[0][-1]  # …and of similar size
    assert np.all(small.train_loss >= 0.69)  # no learning in 500 epochs
    assert good.test_accuracy[-1] >= 0.95


def test_too_large_saturates_and_explodes(demo_runs) -> None:
    large, good = demo_runs["too_large"], demo_runs["appropriate"]
    x = large.dataset.x_train.astype(np.float64)
    logits, _, _ = ref.forward(ref.clone(large.params_at(0)), x, "relu")
    saturated = np.mean(np.abs(logits) > math.log(99))  # ŷ < 1 % or > 99 %
    good_logits, _, _ = ref.forward(ref.clone(good.params_at(0)), x, "relu")
    assert saturated >= 0.5 and np.mean(np.abs(good_logits) > math.log(99)) == 0
    assert large.train_loss[0] > 10 * LN2  # confidently wrong: exploding loss
    assert np.all(large.grad_norms[0] > 30 * good.grad_norms[0])  # exploding gradients
    assert np.max(np.diff(large.train_loss)) > 1.0  # the first steps overshoot: loss jumps up
    assert large.train_loss[-1] > 2 * good.train_loss[-1]  # and it ends worse
    assert large.test_accuracy[-1] < good.test_accuracy[-1]


@pytest.mark.parametrize("dataset", ["circle", "xor"])
def test_appropriate_default_reaches_95_percent(dataset: str) -> None:
    run = pg.train(dataclasses.replace(pg.PlaygroundConfig(), dataset=dataset))
    assert run.diverged_at is None
    assert run.test_accuracy[-1] >= 0.95


def test_other_schemes_match_their_formulas() -> None:
    sizes = (2, 8, 4, 1)
    for scheme, variance in (
        ("xavier", lambda n_in, n_out: 2 / (n_in + n_out)),
        ("he", lambda n_in, n_out: 2 / n_in),
        ("appropriate", lambda n_in, n_out: 1 / n_in),
    ):
        stds, constant = pg.initializers.layer_init_parameters(scheme, None, sizes)
        expected = [math.sqrt(variance(a, b)) for a, b in itertools.pairwise(sizes)]
        np.testing.assert_allclose(stds, expected, rtol=1e-6)
        assert constant == 0
    params = pg.initializers.initial_params("constant", None, sizes, seed=3)
    assert all(np.all(w == 0.5) and not b.any() for w, b in params)
