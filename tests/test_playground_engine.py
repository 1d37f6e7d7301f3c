"""Mechanics of the playground engine: data, frames, compiles, divergence, payload size."""

from __future__ import annotations

import base64
import dataclasses
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager

import jax
import numpy as np
import pytest
from jax import monitoring

import playground as pg
from playground import config as pg_config
from playground.datasets import DATASETS, make_dataset
from playground.hashing import hashed_permutation

BACKEND_COMPILE_EVENT = "/jax/core/compile/backend_compile_duration"


@contextmanager
def count_compiles() -> Iterator[list[str]]:
    """Collects one entry per XLA backend compilation while active."""
    events: list[str] = []
    active = True

    def listener(event: str, duration: float, **kwargs) -> None:
        if active and event == BACKEND_COMPILE_EVENT:
            events.append(event)

    monitoring.register_event_duration_secs_listener(listener)
    try:
        yield events
    finally:
        active = False


# ---- data sets ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(DATASETS))
def test_datasets_are_seeded_split_and_standardized(name: str) -> None:
    ds = make_dataset(name, 301, 0.05, 0.6, seed=4)
    assert ds.x_train.dtype == np.float32 and ds.y_train.dtype == np.float32
    assert ds.x_train.shape == (181, 2) and ds.x_test.shape == (120, 2)
    labels = np.concatenate([ds.y_train, ds.y_test])
    assert set(np.unique(labels)) == {0.0, 1.0} and labels.sum() == 150
    np.testing.assert_allclose(ds.x_train.mean(axis=0), 0, atol=1e-5)
    np.testing.assert_allclose(ds.x_train.std(axis=0), 1, atol=1e-4)
    (x_min, x_max), (y_min, y_max) = ds.box
    everything = np.concatenate([ds.x_train, ds.x_test])
    assert x_min <= everything[:, 0].min() and everything[:, 0].max() <= x_max
    assert y_min <= everything[:, 1].min() and everything[:, 1].max() <= y_max
    again = make_dataset(name, 301, 0.05, 0.6, seed=4)
    np.testing.assert_array_equal(again.x_test, ds.x_test)
    other = make_dataset(name, 301, 0.05, 0.6, seed=5)
    assert not np.array_equal(other.x_train, ds.x_train)


def test_noise_free_shapes_are_what_the_titles_say() -> None:
    circle = make_dataset("circle", 400, 0.0, 0.5, seed=0)
    raw = circle.x_train * circle.std + circle.mean
    radius = np.linalg.norm(raw, axis=1)
    assert np.all(radius[circle.y_train == 1] <= 0.5 + 1e-6)
    assert np.all(radius[circle.y_train == 0] >= 0.7 - 1e-6)
    xor = make_dataset("xor", 400, 0.0, 0.5, seed=0)
    raw = xor.x_train * xor.std + xor.mean
    np.testing.assert_array_equal(raw[:, 0] * raw[:, 1] > 0, xor.y_train == 1)
    linear = make_dataset("linear", 400, 0.0, 0.5, seed=0)
    raw = linear.x_train * linear.std + linear.mean
    np.testing.assert_array_equal(raw[:, 1] > 0.5 * raw[:, 0] + 0.1, linear.y_train == 1)


# ---- run structure --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def default_run() -> pg.PlaygroundRun:
    return pg.train(pg.PlaygroundConfig())


def test_default_run_layout(default_run: pg.PlaygroundRun) -> None:
    run = default_run
    n_layers = len(run.layer_sizes) - 1
    assert run.layer_sizes == (2, 8, 4, 1)
    assert run.epochs.tolist() == list(range(501)) and run.last_epoch == 500
    for name in ("train_loss", "test_loss", "train_accuracy", "test_accuracy", "penalty"):
        values = getattr(run, name)
        assert values.shape == (501,) and values.dtype == np.float32
        assert np.all(np.isfinite(values))
    assert run.weight_norms.shape == run.grad_norms.shape == (501, n_layers)
    assert run.snapshot_epochs.tolist() == list(range(501))  # every epoch is a frame
    assert run.frame_epochs is run.snapshot_epochs and run.n_frames == run.n_snapshots == 501
    for layer, (n_in, n_out) in enumerate(
        zip(run.layer_sizes[:-1], run.layer_sizes[1:], strict=True)
    ):
        assert run.weights[layer].shape == run.weight_grads[layer].shape == (501, n_in, n_out)
        assert run.biases[layer].shape == run.bias_grads[layer].shape == (501, n_out)
    assert run.boundary.shape == (501, 50, 50) and run.boundary.dtype == np.float32
    assert np.all((run.boundary >= 0) & (run.boundary <= 1))
    np.testing.assert_allclose(run.learning_rate, 0.1)
    assert run.diverged_at is None
    # frame rows agree with the per-epoch records
    for s, epoch in enumerate(run.snapshot_epochs):
        norms = [np.linalg.norm(w[s]) for w in run.weights]
        np.testing.assert_allclose(norms, run.weight_norms[epoch], rtol=1e-5)
        grad_norms = [np.linalg.norm(g[s]) for g in run.weight_grads]
        np.testing.assert_allclose(grad_norms, run.grad_norms[epoch], rtol=1e-5, atol=1e-8)
        bias_norms = [np.linalg.norm(g[s]) for g in run.bias_grads]
        np.testing.assert_allclose(bias_norms, run.bias_grad_norms[epoch], rtol=1e-5, atol=1e-8)


def test_boundary_quantization(default_run: pg.PlaygroundRun) -> None:
    quantized = default_run.boundary_uint8()
    assert quantized.dtype == np.uint8 and quantized.shape == default_run.boundary.shape
    assert np.max(np.abs(quantized / 255.0 - default_run.boundary)) <= 1 / 510 + 1e-7


def test_activation_maps(default_run: pg.PlaygroundRun) -> None:
    maps = pg.activation_maps(default_run, 5, grid_n=50)
    assert maps.shape == (8 + 4 + 1, 50, 50) and maps.dtype == np.float32
    np.testing.assert_allclose(maps[-1], default_run.boundary[5], atol=1e-6)
    assert np.all(maps[:-1] >= 0)  # ReLU outputs
    with pytest.raises(IndexError):
        pg.activation_maps(default_run, 501)


def test_payload_fits_the_budget(default_run: pg.PlaygroundRun) -> None:
    """Every frame's weights, biases and gradients as raw float32 + the curves, base64.

    The browser draws the decision boundary from the weights, so it is not shipped.
    """
    arrays = [
        *default_run.weights,
        *default_run.biases,
        *default_run.weight_grads,
        *default_run.bias_grads,
    ]
    raw = sum(a.astype(np.float32).nbytes for a in arrays)
    raw += sum(
        getattr(default_run, n).nbytes
        for n in ("train_loss", "test_loss", "train_accuracy", "test_accuracy", "learning_rate")
    )
    encoded = len(base64.b64encode(b"\0" * raw))
    assert encoded < 1_500_000


def test_frame_schedule_and_epoch_counts() -> None:
    base = pg.PlaygroundConfig(epochs=37, snapshot_every=10, n_samples=60)
    run = pg.train(base)
    assert run.snapshot_epochs.tolist() == [0, 10, 20, 30, 37]
    longer = pg.train(dataclasses.replace(base, epochs=50))  # epochs are a traced loop bound
    np.testing.assert_array_equal(longer.train_loss[:38], run.train_loss)
    np.testing.assert_array_equal(longer.weights[0][3], run.weights[0][3])
    # every epoch up to 1000 epochs; beyond, k = ⌈E / 1000⌉ and always the last epoch
    assert pg.PlaygroundConfig(epochs=1000).snapshot_epochs == tuple(range(1001))
    assert pg.PlaygroundConfig(epochs=2000).snapshot_epochs[-3:] == (1996, 1998, 2000)
    assert len(pg.PlaygroundConfig(epochs=2000).snapshot_epochs) == 1001
    assert pg.PlaygroundConfig(epochs=1999).snapshot_epochs[-2:] == (1998, 1999)
    for epochs in (1, 37, 999, 1000, 1001, 1500, 1999, 2000):
        frames = pg.PlaygroundConfig(epochs=epochs).snapshot_epochs
        if epochs <= 1000:
            assert frames == tuple(range(epochs + 1))
        else:
            assert len(frames) >= 500
        assert len(frames) <= pg_config.MAX_FRAMES and frames[-1] == epochs
    long = pg.train(pg.PlaygroundConfig(epochs=1999, n_samples=40, hidden=(3,)))
    assert long.n_frames == 1001 and long.snapshot_epochs[-1] == 1999
    np.testing.assert_allclose(
        [np.linalg.norm(w[-1]) for w in long.weights], long.weight_norms[-1], rtol=1e-5
    )
    np.testing.assert_allclose(
        [np.linalg.norm(w[500]) for w in long.weights], long.weight_norms[1000], rtol=1e-5
    )


def test_train_equals_its_column_in_train_inits() -> None:
    config = pg.PlaygroundConfig(n_samples=60, epochs=20)
    together = pg.train_inits(config, ("he", "too_large"))
    assert list(together) == ["he", "too_large"]
    alone = pg.train(dataclasses.replace(config, init="he"))
    np.testing.assert_allclose(alone.train_loss, together["he"].train_loss, rtol=1e-6)
    assert together["too_large"].config.init == "too_large"
    with pytest.raises(pg.ConfigError):
        pg.train_inits(config, ("zero", "nonsense"))


def test_minibatches_dropout_and_schedule_run() -> None:
    config = pg.PlaygroundConfig(
        n_samples=100, batch_size=16, keep_prob=0.7, epochs=30, optimizer="adam", lr=0.01,
        schedule="step", schedule_params={"factor": 0.5, "every": 40},
    )  # fmt: skip
    run = pg.train(config)
    assert config.steps_per_epoch == 4  # 50 training points: 16 + 16 + 16 + 2 (masked padding)
    assert run.diverged_at is None and np.all(np.isfinite(run.train_loss))
    assert run.train_loss[-1] < run.train_loss[0]
    np.testing.assert_allclose(run.learning_rate[[0, 9, 10, 20]], [0.01, 0.01, 0.005, 0.0025])
    no_dropout = pg.train(dataclasses.replace(config, keep_prob=1.0))
    assert not np.allclose(no_dropout.train_loss, run.train_loss)


def test_hashed_permutation_is_a_permutation() -> None:
    for epoch in range(3):
        order = np.asarray(hashed_permutation(np.int32(7), 1, np.int32(epoch), 50))
        assert sorted(order.tolist()) == list(range(50))
    first = np.asarray(hashed_permutation(np.int32(7), 1, np.int32(0), 50))
    second = np.asarray(hashed_permutation(np.int32(7), 1, np.int32(1), 50))
    assert not np.array_equal(first, second)


def test_divergence_is_detected_frozen_and_reported() -> None:
    config = pg.PlaygroundConfig(activation="linear", init="too_large", lr=3.0, epochs=100)
    run = pg.train(config)
    assert run.diverged_at is not None and 1 <= run.diverged_at <= 100
    assert run.last_epoch == run.diverged_at - 1
    assert len(run.train_loss) == run.diverged_at
    assert run.snapshot_epochs[-1] == run.last_epoch
    for name in ("train_loss", "test_loss", "grad_norms", "weight_norms", "boundary"):
        assert np.all(np.isfinite(getattr(run, name)))
    assert all(np.all(np.isfinite(w)) for w in run.weights)


# ---- compiles -------------------------------------------------------------------------------


def test_numeric_settings_never_recompile() -> None:
    base = pg.PlaygroundConfig(n_samples=60, epochs=40, init="too_small")
    pg.warm_up()  # every program of the fixed set
    variants = [
        dict(lr=0.5), dict(l2=0.01), dict(l1=0.003), dict(init_scale=0.3), dict(init="he"),
        dict(init="constant", init_scale=-0.2), dict(seed=9),
        dict(data_seed=3, noise=0.2, dataset="spiral"), dict(epochs=31), dict(snapshot_every=3),
        dict(hidden=(5,)), dict(hidden=(3, 7)), dict(activation="tanh"), dict(optimizer="adam"),
        dict(schedule="step"), dict(n_samples=77), dict(train_fraction=0.3),
        dict(keep_prob=0.5), dict(batch_size=7), dict(hidden=(12, 12, 12)),
    ]  # fmt: skip
    with count_compiles() as compiles:
        for change in variants:
            pg.train(dataclasses.replace(base, **change))
            pg.train_inits(dataclasses.replace(base, **change))
    assert compiles == []
    with count_compiles() as compiles:
        jax.jit(lambda x: x * 3 + 1)(np.arange(3.0))
    assert len(compiles) == 1  # sanity: the counter does see compiles


def test_import_creates_and_compiles_nothing() -> None:
    code = textwrap.dedent(
        """
        import jax
        import playground
        from playground.engine import training_program
        assert jax.live_arrays() == [], jax.live_arrays()
        assert training_program._cache_size() == 0
        print("ok")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_float64_is_on_but_the_playground_is_float32(default_run: pg.PlaygroundRun) -> None:
    assert jax.config.jax_enable_x64
    assert all(w.dtype == np.float32 for w in default_run.weights)


def test_limits_are_consistent() -> None:
    assert len(pg.PlaygroundConfig().snapshot_epochs) <= pg_config.MAX_SNAPSHOTS
    assert pg_config.MAX_SNAPSHOTS == pg_config.MAX_FRAMES == 1001
    assert pg_config.auto_snapshot_every(2000) == 2
    assert pg_config.auto_snapshot_every(1000) == 1


@pytest.mark.parametrize(
    "changes",
    [
        dict(hidden=(3, 5), activation="sigmoid", optimizer="adam"),  # sigmoid(0) = ½ on padding
        dict(hidden=(9, 2, 16), activation="elu", batch_size=7, keep_prob=0.6, l1=0.01),
    ],
)
def test_padding_stays_exactly_zero(changes: dict) -> None:
    """In the padded layout, every entry outside the real network is exactly 0 in θ and ∂L/∂θ."""
    from playground import training
    from playground.engine import training_program

    config = pg.PlaygroundConfig(n_samples=60, epochs=12, **changes)
    bucket = training.config_bucket(config)
    layout = bucket.layout
    output = training_program(
        bucket,
        training.program_data(training.dataset_for(config)),
        training.program_structure(config, layout),
        training.program_hyper(config),
        training.program_init(config.init, None, config, layout),
    )
    frames = np.asarray(output.frames)[: len(config.snapshot_epochs)]
    padding = layout.param_mask(config.layer_sizes) == 0
    assert not np.any(frames[:, :, padding])
    assert np.any(frames[:, 0, ~padding]) and np.any(frames[:, 1, ~padding])


def test_every_rule_starts_from_zeros_in_the_shared_state() -> None:
    """``playground.optim.shared_init`` (all zeros) is every rule's own optax ``init``."""
    from playground.optim import OPTIMIZER_IDS, build_optimizer

    theta = np.linspace(-1, 1, 5).astype(np.float32)
    for optimizer in OPTIMIZER_IDS:
        state = build_optimizer(optimizer, 0.1).init(theta)
        assert all(not np.any(np.asarray(leaf)) for leaf in jax.tree.leaves(state)), optimizer
