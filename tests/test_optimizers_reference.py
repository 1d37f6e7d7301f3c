"""The engine, the optax transformations and the schedules against the plain-NumPy reference.

The reference (reference/optimizers_numpy.py) is written from the displayed LaTeX, with
hand-derived landscape gradients, so these tests check the equations the page shows.

Configurations: the spec default learning rates, except RMSprop at 0.003 (0.0003 on Rosenbrock).
RMSprop's sign-like steps make some runs chaotic: with the default 0.01 on Rosenbrock, Booth and
the valley, changing the learning rate by a relative 1e-13 moves the reference's own path by a
relative ~1e-3 after 300 steps (amplification ~1e10), so no two implementations can agree there
to 1e-9; in the configurations below the amplification is < 10 (both checked here).
"""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

from landscapes import get_landscape
from optimizers import (
    OPTIMIZERS,
    SCHEDULE_PARAMETER_NAMES,
    SCHEDULES,
    OptimizerConfig,
    build_optimizer,
    gradient_noise,
    make_schedule,
    make_traced_schedule,
    schedule_kind,
    schedule_table,
    trajectories,
)
from reference import optimizers_numpy as ref

STEPS = 300
RTOL = 1e-9
LANDSCAPES = ("himmelblau", "rosenbrock", "valley", "bowl", "saddle", "booth")
SCHEDULE_PARAMS = {
    "constant": {},
    "inverse_time": {"decay_rate": 0.02},
    "exponential": {"decay_rate": 0.01},
    "step": {"factor": 0.5, "every": 50.0},
    "warmup_cosine": {"warmup_steps": 30.0},
    "cyclic": {"half_period": 40.0, "min_fraction": 0.2},
    "one_cycle": {"div": 25.0, "div_final": 1e5, "pct_start": 0.25},
    "sgdr": {"period": 50.0, "mult": 2.0, "min_fraction": 0.1},
}
assert tuple(SCHEDULE_PARAMS) == tuple(SCHEDULES)


def learning_rate_for(optimizer_id: str, landscape_id: str) -> float:
    if optimizer_id == "rmsprop":
        return 3e-4 if landscape_id == "rosenbrock" else 3e-3
    return OPTIMIZERS[optimizer_id].learning_rate.default


def configs_for(landscape_id: str, schedule_id: str) -> list[OptimizerConfig]:
    return [
        OptimizerConfig(
            optimizer_id,
            lr=learning_rate_for(optimizer_id, landscape_id),
            schedule=schedule_id,
            schedule_params=SCHEDULE_PARAMS[schedule_id],
        )
        for optimizer_id in OPTIMIZERS
    ]


def reference_run(config: OptimizerConfig, landscape_id: str, steps: int = STEPS, **kwargs):
    landscape = get_landscape(landscape_id)
    return ref.run(
        config.optimizer,
        ref.LANDSCAPES[landscape_id],
        landscape.start,
        steps,
        config.lr,
        config.schedule,
        config.resolved_schedule_params(),
        config.resolved_hyperparams(),
        domain=landscape.domain,
        **kwargs,
    )


def assert_close(actual: np.ndarray, expected: np.ndarray, what: str) -> None:
    scale = max(float(np.max(np.abs(expected))), 1e-300)
    np.testing.assert_allclose(actual, expected, rtol=RTOL, atol=RTOL * scale * 1e-3, err_msg=what)


@pytest.mark.parametrize("landscape_id", LANDSCAPES)
@pytest.mark.parametrize("schedule_id", tuple(SCHEDULES))
def test_engine_matches_reference(landscape_id: str, schedule_id: str) -> None:
    landscape = get_landscape(landscape_id)
    configs = configs_for(landscape_id, schedule_id)
    results = trajectories(landscape_id, landscape.start, configs, STEPS)
    assert [r.optimizer for r in results] == list(OPTIMIZERS)
    for result, config in zip(results, configs, strict=True):
        expected = reference_run(config, landscape_id)
        what = f"{config.optimizer} / {schedule_id} / {landscape_id}"
        assert result.diverged_at is None and expected.diverged_at is None, what
        assert result.path.shape == (STEPS + 1, 2) and result.lr.shape == (STEPS,), what
        assert_close(result.lr, expected.lr, what + ": lr")
        assert_close(result.path, expected.path, what + ": path")
        assert_close(result.loss, expected.loss, what + ": loss")


@pytest.mark.parametrize("landscape_id", ("himmelblau", "bowl", "saddle"))
def test_engine_matches_reference_with_gradient_noise(landscape_id: str) -> None:
    landscape = get_landscape(landscape_id)
    sigma, seed = 0.5, 1234
    configs = configs_for(landscape_id, "inverse_time")
    results = trajectories(landscape_id, landscape.start, configs, STEPS, sigma, seed)
    noise = gradient_noise(seed, STEPS)
    for result, config in zip(results, configs, strict=True):
        expected = reference_run(config, landscape_id, noise=noise, sigma=sigma)
        assert expected.diverged_at is None
        assert_close(result.path, expected.path, f"{config.optimizer}: noisy path")


def _amplification(config: OptimizerConfig, landscape_id: str, lr: float | None = None) -> float:
    """How much a relative change of 1e-13 in the learning rate moves the reference path
    (relative to the path's size, per unit of relative change): round-off of ~1e-16 per step
    is amplified about as much."""
    lr = config.lr if lr is None else lr
    runs = [
        ref.run(
            config.optimizer,
            ref.LANDSCAPES[landscape_id],
            get_landscape(landscape_id).start,
            STEPS,
            rate,
            config.schedule,
            config.resolved_schedule_params(),
            config.resolved_hyperparams(),
        )
        for rate in (lr, lr * (1 + 1e-13))
    ]
    change = np.max(np.abs(runs[0].path - runs[1].path)) / np.max(np.abs(runs[0].path))
    return float(change / 1e-13)


@pytest.mark.parametrize("landscape_id", LANDSCAPES)
def test_chosen_configurations_are_well_conditioned(landscape_id: str) -> None:
    """Round-off (~1e-16) cannot be amplified past the 1e-9 tolerance in these configurations."""
    for schedule_id in SCHEDULES:
        for config in configs_for(landscape_id, schedule_id):
            amplification = _amplification(config, landscape_id)
            assert amplification < 1e3, (config.optimizer, schedule_id, amplification)


@pytest.mark.parametrize("landscape_id", ("rosenbrock", "valley", "booth"))
def test_default_rmsprop_rate_is_chaotic_there(landscape_id: str) -> None:
    """Why RMSprop is tested at a smaller rate: at 0.01 the equations amplify round-off ~1e10x."""
    config = OptimizerConfig("rmsprop", lr=0.01)
    assert _amplification(config, landscape_id) > 1e8


# ---- schedules --------------------------------------------------------------------------


@pytest.mark.parametrize("schedule_id", tuple(SCHEDULES))
@pytest.mark.parametrize("total", (1, 7, 300))
def test_schedules_match_reference(schedule_id: str, total: int) -> None:
    params = SCHEDULE_PARAMS[schedule_id]
    steps = np.arange(total)
    expected = [ref.schedule_eta(schedule_id, int(t), 0.05, params, total) for t in steps]
    from_id = make_schedule(schedule_id, 0.05, params, total)
    np.testing.assert_allclose(np.asarray(from_id(steps)), expected, rtol=1e-13, atol=0)
    scalar = [float(from_id(int(t))) for t in steps[:5]]
    np.testing.assert_allclose(scalar, expected[:5], rtol=1e-13, atol=0)

    all_params = {name: 1.0 for name in SCHEDULE_PARAMETER_NAMES} | params
    traced = make_traced_schedule(schedule_kind(schedule_id), 0.05, all_params, total)
    np.testing.assert_allclose(np.asarray(traced(steps)), expected, rtol=1e-13, atol=0)

    table = schedule_table(schedule_id, 0.05, params, total)
    np.testing.assert_allclose(table, expected, rtol=1e-13, atol=0)
    longer = schedule_table(schedule_id, 0.05, params, total, length=total + 5)
    np.testing.assert_array_equal(longer[:total], table)


def test_schedules_equal_optax_where_optax_has_them() -> None:
    t = jnp.arange(400)
    k, factor, every, warmup, total = 0.01, 0.5, 50, 30, 400

    def ours(schedule_id: str, **params: float) -> np.ndarray:
        return np.asarray(make_schedule(schedule_id, 0.1, params, total)(t))

    def theirs(schedule) -> np.ndarray:
        return np.asarray(schedule(t))

    np.testing.assert_allclose(ours("constant"), theirs(optax.constant_schedule(0.1)), rtol=1e-15)
    np.testing.assert_allclose(
        ours("exponential", decay_rate=k),
        theirs(optax.exponential_decay(0.1, 1, math.exp(-k))),
        rtol=1e-12,
    )
    np.testing.assert_allclose(
        ours("step", factor=factor, every=every),
        theirs(optax.exponential_decay(0.1, every, factor, staircase=True)),
        rtol=1e-14,
    )
    np.testing.assert_allclose(
        ours("warmup_cosine", warmup_steps=warmup),
        theirs(optax.warmup_cosine_decay_schedule(0.0, 0.1, warmup, total)),
        rtol=1e-13,
        atol=1e-17,
    )
    # optax has no 1/t decay; ours is the slides' formula.
    np.testing.assert_allclose(ours("inverse_time", decay_rate=k), 0.1 / (1 + k * np.arange(400)))


def test_warmup_cosine_edge_cases() -> None:
    t = np.arange(10)
    no_warmup = np.asarray(make_schedule("warmup_cosine", 1.0, {"warmup_steps": 0}, 10)(t))
    np.testing.assert_allclose(no_warmup, 0.5 * (1 + np.cos(np.pi * t / 10)), rtol=1e-14)
    all_warmup = np.asarray(make_schedule("warmup_cosine", 1.0, {"warmup_steps": 50}, 10)(t))
    np.testing.assert_allclose(all_warmup, t / 10, rtol=1e-14)  # w capped at T


# ---- optax transformations (build_optimizer) --------------------------------------------


def _pytree_objective(landscape_id: str):
    fn = get_landscape(landscape_id).fn
    return lambda params: fn(jnp.stack([params["w1"], params["w2"][0]]))


@pytest.mark.parametrize("optimizer_id", tuple(OPTIMIZERS))
@pytest.mark.parametrize("landscape_id", ("himmelblau", "valley", "saddle"))
def test_transforms_match_reference(optimizer_id: str, landscape_id: str) -> None:
    """build_optimizer (optax where it matches, ours elsewhere) on a pytree vs the equations."""
    objective = _pytree_objective(landscape_id)
    lr = learning_rate_for(optimizer_id, landscape_id)

    @jax.jit
    def run(kind, params_vector, start):
        schedule = make_traced_schedule(
            kind, lr, dict(zip(SCHEDULE_PARAMETER_NAMES, params_vector, strict=True)), STEPS
        )
        tx = build_optimizer(optimizer_id, schedule)
        params = {"w1": start[0], "w2": start[1:2]}

        def step(carry, _):
            params, state = carry
            grads = jax.grad(objective)(params)
            updates, state = tx.update(grads, state, params)
            params = optax.apply_updates(params, updates)
            return (params, state), jnp.stack([params["w1"], params["w2"][0]])

        _, path = jax.lax.scan(step, (params, tx.init(params)), None, length=STEPS)
        return path

    start = get_landscape(landscape_id).start
    for schedule_id, params in SCHEDULE_PARAMS.items():
        values = {name: 1.0 for name in SCHEDULE_PARAMETER_NAMES} | params
        path = run(
            schedule_kind(schedule_id),
            jnp.array([values[name] for name in SCHEDULE_PARAMETER_NAMES]),
            jnp.array(start),
        )
        config = OptimizerConfig(optimizer_id, lr=lr, schedule=schedule_id, schedule_params=params)
        expected = reference_run(config, landscape_id)
        assert_close(np.asarray(path), expected.path[1:], f"{optimizer_id} / {schedule_id}")


def test_reference_catches_optax_adagrad_default_accumulator() -> None:
    """optax.adagrad starts G at 0.1; the slide (and build_optimizer) at 0."""
    objective = _pytree_objective("himmelblau")
    start = get_landscape("himmelblau").start
    params = {"w1": jnp.asarray(start[0]), "w2": jnp.asarray(start[1:2])}
    grads = jax.grad(objective)(params)
    expected = ref.run("adagrad", ref.himmelblau, start, 1, 0.3).path[1]
    for tx, should_match in ((build_optimizer("adagrad", 0.3), True), (optax.adagrad(0.3), False)):
        updates, _ = tx.update(grads, tx.init(params), params)
        moved = optax.apply_updates(params, updates)
        point = np.array([float(moved["w1"]), float(moved["w2"][0])])
        assert np.allclose(point, expected, rtol=1e-12) is should_match


def test_slide_momentum_differs_from_optax_sgd_only_under_a_schedule() -> None:
    grads = [jnp.array([1.0, -2.0]), jnp.array([0.5, 0.5]), jnp.array([-1.0, 3.0])]

    def final(tx) -> np.ndarray:
        params = jnp.zeros(2)
        state = tx.init(params)
        for g in grads:
            updates, state = tx.update(g, state, params)
            params = optax.apply_updates(params, updates)
        return np.asarray(params)

    constant = final(build_optimizer("momentum", 0.1, alpha=0.9))
    np.testing.assert_allclose(constant, final(optax.sgd(0.1, momentum=0.9)), rtol=1e-14)
    nesterov = final(build_optimizer("nesterov", 0.1, alpha=0.9))
    np.testing.assert_allclose(
        nesterov, final(optax.sgd(0.1, momentum=0.9, nesterov=True)), rtol=1e-14
    )
    schedule = make_schedule("inverse_time", 0.1, {"decay_rate": 1.0})
    scheduled = final(build_optimizer("momentum", schedule, alpha=0.9))
    assert not np.allclose(scheduled, final(optax.sgd(schedule, momentum=0.9)), rtol=1e-6)


def test_build_optimizer_keeps_float32_params_with_traced_float64_hyperparameters() -> None:
    params = {"w": jnp.ones((3, 2), jnp.float32), "b": jnp.zeros(2, jnp.float32)}

    @jax.jit
    def train(hyper):
        results = {}
        for optimizer_id in OPTIMIZERS:
            names = [p.name for p in OPTIMIZERS[optimizer_id].rule_hyperparameters]
            schedule = make_schedule("exponential", hyper["lr"], {"decay_rate": hyper["k"]}, 10)
            own = {n: hyper[n] for n in names if n != "k"} | ({"k": 5.0} if "k" in names else {})
            tx = build_optimizer(optimizer_id, schedule, **own)

            def step(carry, _, tx=tx):
                p, s = carry
                grads = jax.grad(lambda p: jnp.sum(p["w"] ** 2) + jnp.sum((p["b"] - 1) ** 2))(p)
                u, s = tx.update(grads, s, p)
                return (optax.apply_updates(p, u), s), None

            (final, _), _ = jax.lax.scan(step, (params, tx.init(params)), None, length=10)
            results[optimizer_id] = final
        return results

    values = {"lr": 0.05, "k": 0.01, "alpha": 0.9, "gamma": 0.9, "beta1": 0.9, "beta2": 0.999}
    # the rules added since (their own names; "k" above is the schedule's decay rate)
    rule_values = {"rho": 0.95, "weight_decay": 0.01, "inner": 6.0, "slow_step": 0.5}
    hyper = {name: jnp.asarray(value, jnp.float64) for name, value in values.items()}
    hyper |= {name: jnp.asarray(value, jnp.float64) for name, value in rule_values.items()}
    hyper["eps"] = jnp.asarray(1e-8, jnp.float64)
    for optimizer_id, final in train(hyper).items():
        assert final["w"].dtype == jnp.float32 and final["b"].dtype == jnp.float32, optimizer_id
        assert float(jnp.sum(final["w"] ** 2)) < 6.0, optimizer_id  # moved downhill


def test_build_optimizer_rejects_unknown_hyperparameters() -> None:
    with pytest.raises(ValueError, match="beta1"):
        build_optimizer("rmsprop", 0.1, beta1=0.9)
    with pytest.raises(KeyError, match="valid"):
        build_optimizer("sgdw", 0.1)


# ---- the reference's own landscapes ------------------------------------------------------


@pytest.mark.parametrize("landscape_id", LANDSCAPES)
def test_reference_landscapes_equal_the_catalog(landscape_id: str) -> None:
    landscape = get_landscape(landscape_id)
    rng = np.random.default_rng(0)
    (x_lo, x_hi), (y_lo, y_hi) = landscape.domain
    for _ in range(20):
        w = np.array([rng.uniform(x_lo, x_hi), rng.uniform(y_lo, y_hi)])
        value, grad = ref.LANDSCAPES[landscape_id](w)
        assert value == pytest.approx(float(landscape.fn(jnp.asarray(w))), rel=1e-13, abs=1e-12)
        np.testing.assert_allclose(
            grad, np.asarray(jax.grad(landscape.fn)(jnp.asarray(w))), rtol=1e-12, atol=1e-10
        )
        numeric = ref.central_difference_gradient(lambda p: ref.LANDSCAPES[landscape_id](p)[0], w)
        np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-5)
