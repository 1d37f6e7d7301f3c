"""The JAX engine against the independent NumPy MLP (reference/mlp_numpy.py), step by step."""

from __future__ import annotations

import numpy as np
import pytest

import playground as pg
from reference import mlp_numpy as ref
from reference import optimizers_numpy as opt_ref

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


def _reference_step(config: pg.PlaygroundConfig, params):
    """One update of reference/optimizers_numpy.py (the lab's NumPy rules) on flat (W, b)."""
    shapes = [(w.shape, b.shape) for w, b in params]
    size = sum(w.size + b.size for w, b in params)
    state = {name: np.zeros(size) for name in ("delta", "G", "m", "v")}
    schedule_params = config.resolved_schedule_params()
    hyper = config.resolved_optimizer_params()

    def flat(pairs) -> np.ndarray:
        return np.concatenate([np.concatenate([w.ravel(), b]) for w, b in pairs])

    def step(params, grads, t):
        eta = opt_ref.schedule_eta(config.schedule, t, config.lr, schedule_params, config.epochs)
        theta = opt_ref.update(config.optimizer, flat(params), flat(grads), state, eta, t, hyper)
        result, start = [], 0
        for w_shape, b_shape in shapes:
            w_size, b_size = int(np.prod(w_shape)), int(np.prod(b_shape))
            w = theta[start : start + w_size].reshape(w_shape)
            b = theta[start + w_size : start + w_size + b_size]
            result.append((w, b))
            start += w_size + b_size
        return result

    return step


@pytest.mark.parametrize(
    ("optimizer", "schedule", "lr"),
    [
        ("momentum", "inverse_time", 0.05),
        ("nesterov", "constant", 0.05),
        ("adagrad", "exponential", 0.1),
        ("rmsprop", "step", 0.01),
        ("adam", "warmup_cosine", 0.05),
        ("gd", "warmup_cosine", 0.5),
    ],
)
def test_every_optimizer_and_schedule_equals_the_lab_reference(
    optimizer: str, schedule: str, lr: float
) -> None:
    """Same update rules, hyperparameter defaults and schedules as the optimizer lab."""
    schedule_params = {"every": 2} if schedule == "step" else {}
    if schedule == "warmup_cosine":
        schedule_params = {"warmup_steps": 2}
    config = pg.PlaygroundConfig(
        **{
            **TINY.__dict__,
            "optimizer": optimizer,
            "lr": lr,
            "schedule": schedule,
            "schedule_params": schedule_params,
        }
    )
    run = pg.train(config)
    x_train, y_train, _, _ = _data(run)
    step = _reference_step(config, run.params_at(0))
    history = ref.train_full_batch(
        ref.clone(run.params_at(0)), x_train, y_train, "relu", config.epochs, lr, step=step
    )
    for epoch, expected in enumerate(history):
        _assert_params_close(run.params_at(epoch), expected)
    etas = [opt_ref.schedule_eta(schedule, t, lr, config.resolved_schedule_params(), 6)
            for t in range(config.epochs)]  # fmt: skip
    np.testing.assert_allclose(run.learning_rate[:-1], etas, rtol=1e-6)


def test_boundary_equals_numpy_forward() -> None:
    run = pg.train(TINY)
    gx, gy = np.meshgrid(run.grid_x.astype(np.float64), run.grid_y.astype(np.float64))
    points = np.stack([gx.ravel(), gy.ravel()], axis=1)
    for snapshot in (0, run.n_snapshots - 1):
        logits, _, _ = ref.forward(ref.clone(run.params_at(snapshot)), points, "relu")
        expected = (1 / (1 + np.exp(-logits))).reshape(run.boundary[snapshot].shape)
        np.testing.assert_allclose(run.boundary[snapshot], expected, rtol=1e-4, atol=1e-6)
