"""The network loss landscape (playground.loss_landscape) against independent NumPy references.

Every reference here is written from the definitions (Li et al. 2018 filter normalization, PCA
by eigendecomposition, an MLP forward pass + mean BCE in NumPy) and never calls the module's
helpers. The compile test reuses the counter of tests/test_playground_compiles.py.
"""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_playground_compiles import count_compiles

import playground as pg

C = pg.PlaygroundConfig

# ---- NumPy reference ------------------------------------------------------------------------

NUMPY_ACTIVATIONS = {
    "relu": lambda z: np.maximum(z, 0.0),
    "tanh": np.tanh,
    "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)),
    "leaky_relu": lambda z: np.where(z > 0, z, 0.1 * z),
    "elu": lambda z: np.where(z > 0, z, np.expm1(np.minimum(z, 0.0))),
    "linear": lambda z: z,
}


def ref_unflatten(theta: np.ndarray, sizes: tuple[int, ...]) -> list[tuple[np.ndarray, np.ndarray]]:
    """θ = [vec(W_1) row-major, b_1, vec(W_2), b_2, …] with W_l (n_in, n_out)."""
    params, start = [], 0
    for n_in, n_out in itertools.pairwise(sizes):
        weights = theta[start : start + n_in * n_out].reshape(n_in, n_out)
        start += n_in * n_out
        params.append((weights, theta[start : start + n_out]))
        start += n_out
    return params


def ref_flatten(params) -> np.ndarray:
    return np.concatenate([np.concatenate([w.ravel(), b]) for w, b in params])


def ref_loss(theta: np.ndarray, config: pg.PlaygroundConfig, x: np.ndarray, y: np.ndarray) -> float:
    """Mean BCE softplus(logit) − y·logit of the evaluation-mode MLP (hidden outputs × p)."""
    f = NUMPY_ACTIVATIONS[config.activation]
    params = ref_unflatten(np.asarray(theta, np.float64), config.layer_sizes)
    h = np.asarray(x, np.float64)
    for weights, bias in params[:-1]:
        h = f(h @ weights + bias) * config.keep_prob
    logits = (h @ params[-1][0] + params[-1][1])[:, 0]
    return float(np.mean(np.logaddexp(0.0, logits) - y * logits))


def ref_theta(run: pg.PlaygroundRun, frame: int) -> np.ndarray:
    return ref_flatten(
        [(w[frame].astype(np.float64), b[frame].astype(np.float64))
         for w, b in zip(run.weights, run.biases, strict=True)]
    )  # fmt: skip


# ---- fixtures -------------------------------------------------------------------------------

CONFIGS = {
    "relu-1": C(hidden=(5,), activation="relu", n_samples=80, epochs=40),
    "tanh-3": C(hidden=(6, 3, 4), activation="tanh", n_samples=60, epochs=30, dataset="xor"),
}


@pytest.fixture(scope="module")
def runs() -> dict[str, pg.PlaygroundRun]:
    return {name: pg.train(config) for name, config in CONFIGS.items()}


# ---- filter normalization -------------------------------------------------------------------


def _random_params(rng: np.random.Generator, sizes: tuple[int, ...]):
    return [
        (rng.normal(size=(n_in, n_out)), rng.normal(size=n_out))
        for n_in, n_out in itertools.pairwise(sizes)
    ]


@settings(max_examples=25, deadline=None)
@given(
    hidden=st.lists(st.integers(1, 16), min_size=1, max_size=6),
    seed=st.integers(0, 2**31 - 1),
    include_biases=st.booleans(),
)
def test_filter_normalization_matches_every_neurons_norm(hidden, seed, include_biases) -> None:
    sizes = (2, *hidden, 1)
    params = _random_params(np.random.default_rng(seed + 1), sizes)
    direction = pg.filter_normalized_direction(params, np.random.default_rng(seed), include_biases)
    draw = np.random.default_rng(seed)
    assert len(direction) == len(params)
    for (weights, bias), (d_weights, d_bias) in zip(params, direction, strict=True):
        assert d_weights.shape == weights.shape and d_bias.shape == bias.shape
        # per neuron j (column j = its incoming weights): ‖d[:, j]‖ = ‖W[:, j]‖
        np.testing.assert_allclose(
            np.sqrt((d_weights**2).sum(axis=0)), np.sqrt((weights**2).sum(axis=0)), rtol=1e-6
        )
        # and d[:, j] is the N(0, 1) draw rescaled by a positive factor per column
        z = draw.standard_normal(weights.shape)
        scale = np.sqrt((weights**2).sum(axis=0)) / np.sqrt((z**2).sum(axis=0))
        np.testing.assert_allclose(d_weights, z * scale, rtol=1e-6, atol=1e-12)
        np.testing.assert_array_equal(d_bias, bias if include_biases else np.zeros_like(bias))


def test_zero_neurons_get_zero_directions() -> None:
    params = [(np.array([[0.0, 1.0], [0.0, 2.0]]), np.zeros(2)), (np.ones((2, 1)), np.ones(1))]
    (d0, _), (d1, db1) = pg.filter_normalized_direction(params, np.random.default_rng(3))
    assert np.all(d0[:, 0] == 0) and np.isclose(np.linalg.norm(d0[:, 1]), np.sqrt(5))
    assert np.isclose(np.linalg.norm(d1), np.sqrt(2)) and np.all(db1 == 0)


# ---- the grid, the slice and the interpolation ----------------------------------------------


@pytest.mark.parametrize("name", list(CONFIGS))
@pytest.mark.parametrize("include_biases", [False, True])
def test_grid_losses_match_a_numpy_forward_pass(runs, name, include_biases) -> None:
    run = runs[name]
    config = run.config
    ds = run.dataset
    ls = pg.network_landscape(
        config, resolution=11, span=0.8, include_biases=include_biases, direction_seed=5, run=run
    )
    assert ls.train_loss.shape == ls.test_loss.shape == (11, 11)
    assert ls.train_loss.dtype == np.float32 and ls.alphas.dtype == np.float64
    np.testing.assert_allclose(ls.alphas, np.linspace(-0.8, 0.8, 11), atol=1e-12)
    np.testing.assert_array_equal(ls.alphas, ls.betas)
    d1, d2 = ls.direction_vectors.astype(np.float64)
    # the directions are filter-normalized against θ* (checked independently of the module)
    star = ref_theta(run, -1)
    for d in (d1, d2):
        for (w, b), (dw, db) in zip(
            ref_unflatten(star, config.layer_sizes), ref_unflatten(d, config.layer_sizes),
            strict=True,
        ):  # fmt: skip
            np.testing.assert_allclose(np.linalg.norm(dw, axis=0), np.linalg.norm(w, axis=0),
                                       rtol=1e-5, atol=1e-7)  # fmt: skip
            np.testing.assert_allclose(db, b if include_biases else 0.0, rtol=1e-6, atol=1e-7)
    for j, i in [(5, 5), (0, 0), (10, 3), (2, 9), (7, 10)]:
        theta = star + ls.alphas[i] * d1 + ls.betas[j] * d2
        expected_train = ref_loss(theta, config, ds.x_train, ds.y_train)
        expected_test = ref_loss(theta, config, ds.x_test, ds.y_test)
        np.testing.assert_allclose(ls.train_loss[j, i], expected_train, rtol=2e-5, atol=1e-6)
        np.testing.assert_allclose(ls.test_loss[j, i], expected_test, rtol=2e-5, atol=1e-6)
    # the slice along d₁ over [−span, span]
    assert ls.slice_coordinates.shape == (101,)
    np.testing.assert_allclose(ls.slice_coordinates, np.linspace(-0.8, 0.8, 101), atol=1e-12)
    for k in (0, 37, 100):
        theta = star + ls.slice_coordinates[k] * d1
        np.testing.assert_allclose(
            ls.slice_train_loss[k], ref_loss(theta, config, ds.x_train, ds.y_train),
            rtol=2e-5, atol=1e-6,
        )  # fmt: skip
    np.testing.assert_allclose(ls.slice_train_loss[50], ls.train_loss[5, 5], rtol=1e-6)


@pytest.mark.parametrize("name", list(CONFIGS))
def test_the_centre_is_the_runs_final_loss(runs, name) -> None:
    run = runs[name]
    ls = pg.network_landscape(run.config, resolution=21, run=run)
    np.testing.assert_allclose(ls.center_train_loss, run.train_loss[-1], rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(ls.center_test_loss, run.test_loss[-1], rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(ls.train_loss[10, 10], run.train_loss[-1], rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("name", list(CONFIGS))
def test_interpolation_runs_from_the_initial_to_the_final_network(runs, name) -> None:
    run = runs[name]
    ds = run.dataset
    ls = pg.network_landscape(run.config, resolution=11, run=run)
    t = ls.interpolation_t
    assert t[0] == -0.5 and t[-1] == 1.5 and len(t) == len(ls.interpolation_train_loss)
    start, end = int(np.flatnonzero(t == 0.0)[0]), int(np.flatnonzero(t == 1.0)[0])
    np.testing.assert_allclose(ls.interpolation_train_loss[start], run.train_loss[0], rtol=1e-5)
    np.testing.assert_allclose(ls.interpolation_train_loss[end], run.train_loss[-1], rtol=1e-5)
    np.testing.assert_allclose(ls.interpolation_test_loss[start], run.test_loss[0], rtol=1e-5)
    theta_0, star = ref_theta(run, 0), ref_theta(run, -1)
    for k in (0, 13, len(t) - 1):
        theta = (1 - t[k]) * theta_0 + t[k] * star
        np.testing.assert_allclose(
            ls.interpolation_train_loss[k], ref_loss(theta, run.config, ds.x_train, ds.y_train),
            rtol=5e-5, atol=1e-6,
        )  # fmt: skip


# ---- PCA ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(CONFIGS))
def test_pca_directions_match_the_eigenvectors_of_the_paths_covariance(runs, name) -> None:
    run = runs[name]
    ds = run.dataset
    ls = pg.network_landscape(run.config, directions="pca", resolution=15, run=run)
    frames = np.stack([ref_theta(run, s) for s in range(run.n_frames)])
    m = frames - frames[-1]
    values, vectors = np.linalg.eigh(m.T @ m)  # ascending
    top = vectors[:, ::-1][:, :2].T
    d = ls.direction_vectors.astype(np.float64)
    np.testing.assert_allclose(np.abs(np.sum(d * top, axis=1)), 1.0, atol=1e-4)
    np.testing.assert_allclose(np.linalg.norm(d, axis=1), 1.0, atol=1e-6)
    np.testing.assert_allclose(ls.explained_variance, values[::-1][:2] / values.sum(), atol=1e-6)
    np.testing.assert_allclose(ls.path, m @ d.T, rtol=1e-4, atol=1e-5)
    assert ls.path.shape == (run.n_frames, 2) and ls.path.dtype == np.float32
    np.testing.assert_array_equal(ls.path_epochs, run.snapshot_epochs)
    assert np.all(ls.path[0] <= 0) and np.allclose(ls.path[-1], 0.0)
    # the ranges cover the path (and θ* at 0) with a margin
    assert ls.alphas[0] < ls.path[:, 0].min() and ls.alphas[-1] > ls.path[:, 0].max()
    assert ls.betas[0] < ls.path[:, 1].min() and ls.betas[-1] > ls.path[:, 1].max()
    star = frames[-1]
    for j, i in [(0, 0), (7, 4), (14, 14)]:
        theta = star + ls.alphas[i] * d[0] + ls.betas[j] * d[1]
        np.testing.assert_allclose(
            ls.train_loss[j, i], ref_loss(theta, run.config, ds.x_train, ds.y_train),
            rtol=5e-5, atol=1e-6,
        )  # fmt: skip
    wider = pg.network_landscape(run.config, directions="pca", resolution=15, span=2.0, run=run)
    np.testing.assert_allclose(wider.alphas, 2.0 * ls.alphas)


def test_a_two_frame_path_has_one_principal_direction_and_an_orthogonal_second() -> None:
    config = C(hidden=(2,), activation="tanh", epochs=1, n_samples=20)
    ls = pg.network_landscape(config, directions="pca", resolution=11)
    d = ls.direction_vectors.astype(np.float64)
    np.testing.assert_allclose(d @ d.T, np.eye(2), atol=1e-6)
    np.testing.assert_allclose(ls.explained_variance, [1.0, 0.0], atol=1e-9)
    np.testing.assert_allclose(ls.path[:, 1], 0.0, atol=1e-6)
    assert ls.path[0, 0] < 0 and ls.betas[0] < 0 < ls.betas[-1]
    assert np.isfinite(ls.train_loss).all()


def test_random_landscapes_have_no_path_and_are_seeded(runs) -> None:
    run = runs["relu-1"]
    a = pg.network_landscape(run.config, resolution=11, direction_seed=1, run=run)
    b = pg.network_landscape(run.config, resolution=11, direction_seed=1, run=run)
    c = pg.network_landscape(run.config, resolution=11, direction_seed=2, run=run)
    assert a.path is None and a.path_epochs is None and a.explained_variance is None
    np.testing.assert_array_equal(a.train_loss, b.train_loss)
    assert not np.array_equal(a.direction_vectors, c.direction_vectors)
    assert not np.isinf(a.train_loss).any()  # non-finite values are NaN, never ±inf


# ---- argument validation --------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(st.one_of(st.integers(-5, 100).filter(lambda r: not (11 <= r <= 61 and r % 2)),
                 st.floats(allow_nan=True), st.booleans(), st.text(max_size=3)))  # fmt: skip
def test_bad_resolutions_are_refused(resolution) -> None:
    with pytest.raises(ValueError, match="resolution"):
        pg.network_landscape(C(), resolution=resolution)


@settings(max_examples=40, deadline=None)
@given(st.one_of(st.floats().filter(lambda s: not 0 < s <= 10), st.just(float("nan")),
                 st.booleans(), st.none(), st.text(max_size=3)))  # fmt: skip
def test_bad_spans_are_refused(span) -> None:
    with pytest.raises(ValueError, match="span"):
        pg.network_landscape(C(), span=span)


@settings(max_examples=20, deadline=None)
@given(st.text(max_size=8).filter(lambda s: s not in ("random", "pca")))
def test_unknown_direction_kinds_are_refused(directions) -> None:
    with pytest.raises(ValueError, match="directions"):
        pg.network_landscape(C(), directions=directions)


def test_other_bad_arguments_are_refused(runs) -> None:
    with pytest.raises(ValueError, match="direction_seed"):
        pg.network_landscape(C(), direction_seed=-1)
    with pytest.raises(ValueError, match="include_biases"):
        pg.network_landscape(C(), include_biases="yes")
    with pytest.raises(ValueError, match="different config"):
        pg.network_landscape(C(), run=runs["relu-1"])
    with pytest.raises(pg.ConfigError):
        pg.network_landscape(C(hidden=(17,)))
    for resolution in (11, 61):
        assert pg.network_landscape(
            runs["relu-1"].config, resolution=resolution, span=10, run=runs["relu-1"]
        ).train_loss.shape == (resolution, resolution)


# ---- nothing compiles after warm-up ---------------------------------------------------------


def test_nothing_compiles_after_warm_up() -> None:
    pg.warm_up_landscape()
    configs = [
        C(epochs=3),
        C(hidden=(16,) * 6, activation="sigmoid", n_samples=2000, train_fraction=0.9, epochs=2),
        C(hidden=(1,), activation="linear", n_samples=20, epochs=2),
        C(hidden=(3, 16), activation="elu", n_samples=300, epochs=2, dataset="spiral"),
        C(hidden=(8, 8), activation="leaky_relu", epochs=2, keep_prob=0.7),  # × p when evaluating
        C(hidden=(2,), activation="tanh", epochs=1, n_samples=20),  # two frames: PCA of rank 1
    ]
    trained = [pg.train(config) for config in configs]  # training compiles are not ours
    with count_compiles() as compiles:
        results = []
        for index, run in enumerate(trained):
            for directions, resolution in [("random", 11 + 10 * index), ("pca", 61 - 10 * index)]:
                results.append(
                    (run, pg.network_landscape(run.config, directions=directions,
                                               resolution=resolution, run=run))
                )  # fmt: skip
        again = pg.network_landscape(dataclasses.replace(configs[0], epochs=2), resolution=41)
    assert compiles == []
    for run, ls in results:
        np.testing.assert_allclose(ls.center_train_loss, run.train_loss[-1], rtol=1e-5, atol=1e-7)
    assert again.train_loss.shape == (41, 41)
