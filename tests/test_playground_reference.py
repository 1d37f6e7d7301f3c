"""The JAX engine against the independent NumPy MLP (reference/mlp_numpy.py), step by step."""

from __future__ import annotations

import numpy as np
import pytest

import playground as pg
from reference import mlp_numpy as ref

TINY = pg.PlaygroundConfig(
    dataset="moons", n_samples=40, hidden=(3, 2), epochs=6, snapshot_every=1, lr=0.3
)
RTOL, ATOL = 2e-4, 2e-6  # float32 engine vs float64 reference


def _data(run: pg.PlaygroundRun) -> tuple[np.ndarray, ...]:
    ds = run.dataset
    return tuple(a.astype(np.float64) for a in (ds.x_train, ds.y_train, ds.x_test, ds.y_test))


def _assert_params_close(actual, expected) -> None:
    for (w, b), (w_ref, b_ref) in zip(actual, expected, strict=True):
        np.testing.assert_allclose(w, w_ref, rtol=RTOL, atol=ATOL)
        np.testing.assert_allclose(b, b_ref, rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid", "leaky_relu", "elu", "linear"])
def test_reference_backprop_matches_finite_differences(activation: str) -> None:
    rng = np.random.default_rng(1)
    params = [
        (rng.normal(size=(2, 3)), rng.normal(size=3)),
        (rng.normal(size=(3, 1)), rng.normal(size=1)),
    ]
    x = rng.normal(size=(7, 2))
    y = (rng.uniform(size=7) > 0.5).astype(float)
    l1, l2 = 0.03, 0.05

    def objective(p):
        return ref.loss(p, x, y, activation) + ref.penalty(p, l1, l2)

    analytic = ref.backward(params, x, y, activation, l1, l2)
    numeric = ref.numerical_gradient(objective, params)
    _assert_params_close(analytic, numeric)


@pytest.mark.parametrize(("activation", "l1", "l2"), [("tanh", 0.01, 0.02), ("relu", 0.0, 0.0)])
def test_gd_training_equals_numpy(activation: str, l1: float, l2: float) -> None:
    config = pg.PlaygroundConfig(**{**TINY.__dict__, "activation": activation, "l1": l1, "l2": l2})
    run = pg.train(config)
    x_train, y_train, x_test, y_test = _data(run)
    history = ref.train_full_batch(
        ref.clone(run.params_at(0)), x_train, y_train, activation, config.epochs, config.lr, l1, l2
    )
    assert list(run.snapshot_epochs) == list(range(config.epochs + 1))
    for epoch, expected in enumerate(history):
        _assert_params_close(run.params_at(epoch), expected)
        # recorded gradients are of the data loss (no penalty), full batch
        data_grads = ref.backward(expected, x_train, y_train, activation)
        for layer, (g_w, g_b) in enumerate(data_grads):
            np.testing.assert_allclose(run.weight_grads[layer][epoch], g_w, rtol=RTOL, atol=ATOL)
            np.testing.assert_allclose(run.bias_grads[layer][epoch], g_b, rtol=RTOL, atol=ATOL)
            np.testing.assert_allclose(
                run.grad_norms[epoch, layer], np.linalg.norm(g_w), rtol=RTOL, atol=ATOL
            )
        np.testing.assert_allclose(
            run.train_loss[epoch], ref.loss(expected, x_train, y_train, activation), rtol=RTOL
        )
        np.testing.assert_allclose(
            run.test_loss[epoch], ref.loss(expected, x_test, y_test, activation), rtol=RTOL
        )
        np.testing.assert_allclose(run.penalty[epoch], ref.penalty(expected, l1, l2), rtol=RTOL)
        assert run.test_accuracy[epoch] == pytest.approx(
            ref.accuracy(expected, x_test, y_test, activation)
        )


def _slide_momentum(lr: float, alpha: float):
    """δ ← −η g + α δ ; θ ← θ + δ (the slides' form), on lists of (W, b)."""
    velocity: list | None = None

    def step(params, grads, t):
        nonlocal velocity
        if velocity is None:
            velocity = [(np.zeros_like(w), np.zeros_like(b)) for w, b in params]
        velocity = [
            (-lr * gw + alpha * vw, -lr * gb + alpha * vb)
            for (gw, gb), (vw, vb) in zip(grads, velocity, strict=True)
        ]
        return [(w + vw, b + vb) for (w, b), (vw, vb) in zip(params, velocity, strict=True)]

    return step


def _adam(lr: float, beta1: float, beta2: float, eps: float):
    """Kingma & Ba: m, v moments with bias correction, ε outside the root."""
    moments: list | None = None

    def step(params, grads, t):
        nonlocal moments
        flat_grads = [g for pair in grads for g in pair]
        if moments is None:
            moments = [(np.zeros_like(g), np.zeros_like(g)) for g in flat_grads]
        moments = [
            (beta1 * m + (1 - beta1) * g, beta2 * v + (1 - beta2) * g * g)
            for g, (m, v) in zip(flat_grads, moments, strict=True)
        ]
        flat = [p for pair in params for p in pair]
        new = [
            p - lr * (m / (1 - beta1 ** (t + 1))) / (np.sqrt(v / (1 - beta2 ** (t + 1))) + eps)
            for p, (m, v) in zip(flat, moments, strict=True)
        ]
        return [(new[2 * i], new[2 * i + 1]) for i in range(len(params))]

    return step


@pytest.mark.parametrize("optimizer", ["momentum", "adam"])
def test_other_optimizers_equal_numpy(optimizer: str) -> None:
    config = pg.PlaygroundConfig(**{**TINY.__dict__, "optimizer": optimizer, "lr": 0.05})
    run = pg.train(config)
    x_train, y_train, _, _ = _data(run)
    hp = config.resolved_optimizer_params()
    step = (
        _slide_momentum(config.lr, hp["alpha"])
        if optimizer == "momentum"
        else _adam(config.lr, hp["beta1"], hp["beta2"], hp["eps"])
    )
    history = ref.train_full_batch(
        ref.clone(run.params_at(0)), x_train, y_train, "relu", config.epochs, config.lr, step=step
    )
    for epoch, expected in enumerate(history):
        _assert_params_close(run.params_at(epoch), expected)


def test_boundary_equals_numpy_forward() -> None:
    run = pg.train(TINY)
    gx, gy = np.meshgrid(run.grid_x.astype(np.float64), run.grid_y.astype(np.float64))
    points = np.stack([gx.ravel(), gy.ravel()], axis=1)
    for snapshot in (0, run.n_snapshots - 1):
        logits, _, _ = ref.forward(ref.clone(run.params_at(snapshot)), points, "relu")
        expected = (1 / (1 + np.exp(-logits))).reshape(run.boundary[snapshot].shape)
        np.testing.assert_allclose(run.boundary[snapshot], expected, rtol=1e-4, atol=1e-6)
