"""The trajectory engine's contract: shapes, slicing, divergence, noise, no recompilation."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager

import jax
import numpy as np
import pytest

from landscapes import get_landscape, landscape_ids
from optimizers import (
    MAX_STEPS,
    OPTIMIZERS,
    SCHEDULES,
    STEP_BUCKETS,
    OptimizerConfig,
    gradient_noise,
    trajectories,
    warm_up,
)
from optimizers import engine as engine_module
from optimizers import program as program_module
from reference import optimizers_numpy as ref

COMPILE_EVENTS = (
    "/jax/core/compile/jaxpr_trace_duration",
    "/jax/core/compile/backend_compile_duration",
)


@contextmanager
def count_compilations() -> Iterator[list[str]]:
    """Collect JAX trace and backend-compile events raised inside the block."""
    events: list[str] = []

    def listener(event: str, duration: float, **_: object) -> None:
        if event in COMPILE_EVENTS:
            events.append(event)

    jax.monitoring.register_event_duration_secs_listener(listener)
    try:
        yield events
    finally:
        jax.monitoring.unregister_event_duration_listener(listener)


def defaults() -> list[OptimizerConfig]:
    return [OptimizerConfig.default(optimizer_id) for optimizer_id in OPTIMIZERS]


def test_no_recompilation_when_any_number_changes() -> None:
    warm_up()  # both programs compiled once
    himmelblau = get_landscape("himmelblau")
    base = [OptimizerConfig(o, lr=0.001) for o in OPTIMIZERS]

    def with_(optimizer_id: str, **changes: object) -> list[OptimizerConfig]:
        return [
            OptimizerConfig(**{**c.__dict__, **changes}) if c.optimizer == optimizer_id else c
            for c in base
        ]

    calls = [
        dict(configs=with_("gd", lr=0.0123)),
        dict(configs=with_("momentum", hyperparams={"alpha": 0.5})),
        dict(configs=with_("nesterov", hyperparams={"alpha": 0.7})),
        dict(configs=with_("rmsprop", hyperparams={"gamma": 0.99, "eps": 1e-6})),
        dict(configs=with_("adam", hyperparams={"beta1": 0.8, "beta2": 0.99, "eps": 1e-4})),
        dict(configs=with_("adagrad", hyperparams={"eps": 1e-3})),
        dict(configs=with_("gd", schedule="inverse_time", schedule_params={"decay_rate": 0.1})),
        dict(configs=with_("gd", schedule="exponential", schedule_params={"decay_rate": 0.02})),
        dict(configs=with_("adam", schedule="step", schedule_params={"factor": 0.3, "every": 7})),
        dict(
            configs=with_("rmsprop", schedule="warmup_cosine", schedule_params={"warmup_steps": 9})
        ),
        dict(configs=with_("gd", enabled=False)),
        dict(configs=base[:2]),
        # rows: any rule in any row, repeats, a wrapper's inner rule, more rows than one call
        dict(configs=[OptimizerConfig("gd", lr=0.01), OptimizerConfig("gd", lr=0.013)]),
        dict(configs=[OptimizerConfig("adam", hyperparams={"beta1": b}) for b in (0.5, 0.9)]),
        dict(configs=[OptimizerConfig(o) for o in reversed(tuple(OPTIMIZERS))]),
        dict(configs=[OptimizerConfig("lookahead", hyperparams={"inner": "lion", "k": 3})]),
        dict(configs=[OptimizerConfig("lion"), OptimizerConfig("adadelta")]),
        *(
            dict(configs=[OptimizerConfig("adamw", schedule=schedule)])
            for schedule in ("cyclic", "one_cycle", "sgdr")
        ),
        dict(start=(1.5, -2.25)),
        dict(noise_sigma=0.7),
        dict(noise_sigma=0.7, seed=99),
        dict(steps=321),
        dict(steps=1),
        dict(steps=MAX_STEPS),
        *(dict(landscape_id=landscape_id) for landscape_id in landscape_ids()),
    ]
    cache_size = program_module.simulate._cache_size()
    with count_compilations() as events:
        for call in calls:
            args = {
                "landscape_id": "himmelblau",
                "start": himmelblau.start,
                "configs": base,
                "steps": 500,
            } | call
            if "landscape_id" in call:
                args["start"] = get_landscape(call["landscape_id"]).start
            trajectories(**args)
    assert events == []
    # The lab's step buckets, plus the skier's program if a test ran it earlier in this
    # process (optimizers/skier.py: the same engine on a lifted curve, its own warm-up step).
    assert program_module.simulate._cache_size() == cache_size >= len(STEP_BUCKETS)


def test_repeated_rows_are_independent_runs() -> None:
    """Any rule in any row, repeats allowed: each row equals its own run alone."""
    configs = [
        OptimizerConfig("gd", lr=0.01),
        OptimizerConfig("gd", lr=0.013),
        OptimizerConfig("adam", hyperparams={"beta1": 0.9}),
        OptimizerConfig("adam", hyperparams={"beta1": 0.5}),
    ]
    start = get_landscape("valley").start
    rows = trajectories("valley", start, configs, 200)
    assert [r.optimizer for r in rows] == ["gd", "gd", "adam", "adam"]
    for row, config in zip(rows, configs, strict=True):
        (alone,) = trajectories("valley", start, [config], 200)
        np.testing.assert_array_equal(row.path, alone.path)
    assert not np.allclose(rows[0].path[:20], rows[1].path[:20])
    assert not np.allclose(rows[2].path[:20], rows[3].path[:20])


def test_more_rows_than_one_call_holds() -> None:
    """Up to ROWS rows share one compiled call; more run in further calls of the same one."""
    rates = [0.001 * (1 + i / 10) for i in range(program_module.ROWS + 3)]
    configs = [OptimizerConfig("momentum", lr=rate) for rate in rates]
    start = get_landscape("bowl").start
    results = trajectories("bowl", start, configs, 50)
    assert len(results) == len(configs)
    for result, config in zip(results, configs, strict=True):
        (alone,) = trajectories("bowl", start, [config], 50)
        np.testing.assert_array_equal(result.path, alone.path)


def test_lookahead_slow_weights_are_every_kth_point() -> None:
    config = OptimizerConfig("lookahead", lr=0.001, hyperparams={"inner": "momentum", "k": 4})
    start = get_landscape("himmelblau").start
    (result,) = trajectories("himmelblau", start, [config], 40)
    assert result.slow_path is not None and result.slow_path.shape == (11, 2)
    np.testing.assert_array_equal(result.slow_path, result.path[::4])
    np.testing.assert_array_equal(result.slow_steps, np.arange(0, len(result.path), 4))
    expected = ref.run(
        "lookahead", ref.himmelblau, start, 40, config.lr, hyper=config.resolved_hyperparams()
    )
    np.testing.assert_allclose(result.path, expected.path, rtol=1e-12)


def test_shapes_order_and_enabled() -> None:
    configs = [
        OptimizerConfig("adam"),
        OptimizerConfig("gd", enabled=False),
        OptimizerConfig("momentum"),
    ]
    results = trajectories("bowl", (-3.0, 1.5), configs, 123)
    assert [r.optimizer for r in results] == ["adam", "momentum"]
    for result in results:
        assert result.path.shape == (124, 2) and result.loss.shape == (124,)
        assert result.lr.shape == (123,) and result.diverged_at is None
        assert result.path.dtype == np.float64 and result.path.flags.c_contiguous
        np.testing.assert_array_equal(result.path[0], [-3.0, 1.5])
        assert result.loss[0] == pytest.approx(5.0 * (9.0 + 2.25))
        assert result.loss[-1] < result.loss[0]


def test_result_arrays_are_independent_copies() -> None:
    (first,) = trajectories("bowl", (-3.0, 1.5), [OptimizerConfig("gd")], 10)
    first.path[:] = 0.0
    (second,) = trajectories("bowl", (-3.0, 1.5), [OptimizerConfig("gd")], 10)
    assert second.path[0, 0] == -3.0


def test_lr_is_the_schedule_actually_used() -> None:
    config = OptimizerConfig(
        "gd", lr=0.01, schedule="step", schedule_params={"factor": 0.5, "every": 3}
    )
    (result,) = trajectories("bowl", (-3.0, 1.5), [config], 9)
    np.testing.assert_allclose(result.lr, 0.01 * 0.5 ** (np.arange(9) // 3), rtol=1e-15)
    # GD on the bowl: theta_{t+1} = theta_t (1 - 10 eta_t)
    expected = np.cumprod(np.concatenate([[1.0], 1 - 10 * result.lr]))
    np.testing.assert_allclose(result.path[:, 0], -3.0 * expected, rtol=1e-14)


def test_longer_runs_extend_shorter_ones() -> None:
    configs = defaults()
    start = get_landscape("himmelblau").start
    for sigma in (0.0, 2.0):
        short = trajectories("himmelblau", start, configs, 400, sigma, seed=5)
        same_program = trajectories("himmelblau", start, configs, 900, sigma, seed=5)
        other_program = trajectories("himmelblau", start, configs, 1700, sigma, seed=5)
        for a, b, c in zip(short, same_program, other_program, strict=True):
            np.testing.assert_array_equal(a.path, b.path[:401])
            np.testing.assert_array_equal(a.lr, b.lr[:400])
            # The two programs fuse differently: equal up to round-off.
            np.testing.assert_allclose(a.path, c.path[:401], rtol=1e-12, atol=1e-14)


def test_gradient_noise_is_seeded_and_prefix_consistent() -> None:
    np.testing.assert_array_equal(gradient_noise(3, 10), gradient_noise(3, 1000)[:10])
    assert not np.array_equal(gradient_noise(3, 10), gradient_noise(4, 10))
    assert gradient_noise(0, 5000).std() == pytest.approx(1.0, abs=0.03)


def test_noise_changes_paths_and_seed_is_reproducible() -> None:
    start = get_landscape("bowl").start
    quiet = trajectories("bowl", start, defaults(), 50)
    noisy = trajectories("bowl", start, defaults(), 50, noise_sigma=3.0, seed=1)
    again = trajectories("bowl", start, defaults(), 50, noise_sigma=3.0, seed=1)
    other = trajectories("bowl", start, defaults(), 50, noise_sigma=3.0, seed=2)
    for q, n, a, o in zip(quiet, noisy, again, other, strict=True):
        assert not np.allclose(q.path, n.path)
        np.testing.assert_array_equal(n.path, a.path)
        assert not np.allclose(n.path, o.path)


@pytest.mark.parametrize("optimizer_id", tuple(OPTIMIZERS))
def test_divergence_is_cut_cleanly(optimizer_id: str) -> None:
    # GD-like rules blow up geometrically at 1.0 (|1 - 10 eta| = 9 per step); the adaptive
    # ones take steps of about eta whatever the gradient, so 1e4 leaves at once (AdaDelta's
    # first steps are ~sqrt(eps / (1 - rho)) = 0.0045 eta: 1e6).
    adaptive = {"adagrad", "rmsprop", "adam", "adamw", "lion", "lookahead"}
    lr = 1e6 if optimizer_id == "adadelta" else 1e4 if optimizer_id in adaptive else 1.0
    landscape = get_landscape("bowl")
    config = OptimizerConfig(optimizer_id, lr=lr)
    (result,) = trajectories("bowl", landscape.start, [config], 500)
    assert result.diverged_at is not None and 1 <= result.diverged_at <= 500
    n = result.diverged_at
    assert result.path.shape == (n, 2) and result.loss.shape == (n,) and result.lr.shape == (n - 1,)
    assert np.all(np.isfinite(result.path)) and np.all(np.isfinite(result.loss))
    expected = ref.run(
        optimizer_id,
        ref.bowl,
        landscape.start,
        500,
        lr,
        domain=landscape.domain,
        hyper=config.resolved_hyperparams(),
    )
    assert expected.diverged_at == result.diverged_at
    np.testing.assert_allclose(result.path, expected.path, rtol=1e-12)


def test_divergence_of_one_optimizer_leaves_the_others_alone() -> None:
    start = get_landscape("himmelblau").start
    configs = [OptimizerConfig("gd", lr=5.0), OptimizerConfig("adam")]
    exploding, fine = trajectories("himmelblau", start, configs, 500)
    assert exploding.diverged_at is not None and fine.diverged_at is None
    (alone,) = trajectories("himmelblau", start, [OptimizerConfig("adam")], 500)
    np.testing.assert_array_equal(fine.path, alone.path)


def test_divergence_by_domain_distance() -> None:
    landscape = get_landscape("bowl")
    (result,) = trajectories("bowl", landscape.start, [OptimizerConfig("gd", lr=2.0)], 50)
    # |theta_1| = 19 |theta_0| is within 10 spans (80); theta_2 = 361 |theta_0| is not.
    assert result.diverged_at == 2
    np.testing.assert_allclose(result.path[1], -19.0 * np.asarray(landscape.start))


def test_divergence_past_the_requested_steps_is_not_reported() -> None:
    landscape = get_landscape("bowl")
    config = OptimizerConfig("gd", lr=0.21)  # |1 - 10 eta| = 1.1: blows up after ~35 steps
    (full,) = trajectories("bowl", landscape.start, [config], 500)
    assert full.diverged_at is not None
    (short,) = trajectories("bowl", landscape.start, [config], full.diverged_at - 1)
    assert short.diverged_at is None and short.path.shape == (full.diverged_at, 2)


def test_invalid_arguments_raise_clear_errors() -> None:
    start = (0.0, 0.0)
    with pytest.raises(KeyError, match="himmelblau"):
        trajectories("no-such-landscape", start, defaults(), 10)
    with pytest.raises(ValueError, match="steps"):
        trajectories("bowl", start, defaults(), 0)
    with pytest.raises(ValueError, match="steps"):
        trajectories("bowl", start, defaults(), MAX_STEPS + 1)
    with pytest.raises(ValueError, match="finite"):
        trajectories("bowl", (float("nan"), 0.0), defaults(), 10)
    with pytest.raises(ValueError, match="noise"):
        trajectories("bowl", start, defaults(), 10, noise_sigma=-1.0)
    with pytest.raises(KeyError, match="valid"):
        OptimizerConfig("sgd")
    with pytest.raises(KeyError, match="valid"):
        OptimizerConfig("gd", schedule="exp_range")
    with pytest.raises(ValueError, match="alpha"):
        OptimizerConfig("gd", hyperparams={"alpha": 0.9})
    with pytest.raises(ValueError, match="factor"):
        OptimizerConfig("gd", schedule="exponential", schedule_params={"factor": 0.5})
    with pytest.raises(ValueError, match="finite"):
        OptimizerConfig("gd", lr=float("inf"))


def test_optimizer_config_defaults_equality_and_hash() -> None:
    config = OptimizerConfig.default("adam")
    assert config.lr == OPTIMIZERS["adam"].learning_rate.default
    assert dict(config.hyperparams) == {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8}
    assert config.enabled and config.schedule == "constant"
    same = OptimizerConfig(
        "adam", lr=config.lr, hyperparams={"beta2": 0.999, "beta1": 0.9, "eps": 1e-8}
    )
    assert same == config and hash(same) == hash(config)
    assert OptimizerConfig("adam") != config  # unset hyperparams are not the same setting
    assert OptimizerConfig("adam").resolved_hyperparams() == config.resolved_hyperparams()
    assert not OptimizerConfig.default("nesterov").enabled
    with pytest.raises(AttributeError):
        config.lr = 1.0  # type: ignore[misc]


def test_import_creates_no_arrays_and_compiles_nothing() -> None:
    code = textwrap.dedent(
        """
        import jax
        events = []
        jax.monitoring.register_event_duration_secs_listener(lambda e, d, **k: events.append(e))
        import optimizers, optimizers.engine, optimizers.batched, optimizers.transforms
        from jax._src import xla_bridge
        assert not xla_bridge._backends, "a JAX backend was initialised at import time"
        assert events == [], events
        assert jax.config.jax_enable_x64
        print("ok")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=".", timeout=120
    )
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr


def test_specs_are_consistent() -> None:
    assert tuple(OPTIMIZERS) == (
        "gd", "momentum", "nesterov", "adagrad", "rmsprop", "adadelta", "adam", "adamw", "lion",
        "lookahead",
    )  # fmt: skip
    assert tuple(SCHEDULES) == (
        "constant", "inverse_time", "exponential", "step", "warmup_cosine", "cyclic",
        "one_cycle", "sgdr",
    )  # fmt: skip
    enabled = {o for o, spec in OPTIMIZERS.items() if spec.default_enabled}
    assert enabled == {"gd", "momentum", "rmsprop", "adam"}
    colors = [spec.color for spec in OPTIMIZERS.values()]
    assert len(set(colors)) == len(colors) and all(len(c) == 7 and c[0] == "#" for c in colors)
    for spec in OPTIMIZERS.values():
        assert spec.hyperparameters[0].name == "lr" and spec.latex and spec.note
        for parameter in spec.hyperparameters:
            assert parameter.minimum <= parameter.default <= parameter.maximum, parameter
            assert parameter.latex and parameter.label
            assert not parameter.log_scale or parameter.minimum > 0
    for schedule in SCHEDULES.values():
        assert schedule.latex.startswith(r"\eta_t")
        for parameter in schedule.parameters:
            assert parameter.minimum <= parameter.default <= parameter.maximum, parameter
    with pytest.raises(TypeError):
        OPTIMIZERS["gd"] = OPTIMIZERS["adam"]  # type: ignore[index]


def _local_quadratic(w: jax.Array) -> jax.Array:
    return 0.5 * w[0] ** 2 + 2.0 * w[1] ** 2


def _local_quartic(w: jax.Array) -> jax.Array:
    return w[0] ** 4 + w[1] ** 2


@pytest.mark.parametrize("fns", [(_local_quadratic,), (_local_quartic, _local_quadratic)])
def test_run_engine_with_own_landscape_functions(fns: tuple) -> None:
    """Notebook use: any JAX surface(s), selected by index at run time."""
    index = fns.index(_local_quadratic)
    domain = ((-2.0, 2.0), (-2.0, 2.0))
    (result,) = engine_module.run_engine(
        fns, index, domain, (1.0, 1.0), [OptimizerConfig("gd", lr=0.1)], 20
    )
    # GD on 0.5 x^2 + 2 y^2: x *= (1 - 0.1), y *= (1 - 0.4)
    np.testing.assert_allclose(result.path[-1], [0.9**20, 0.6**20], rtol=1e-13)


@pytest.mark.parametrize("landscape_id", ("himmelblau", "valley"))
def test_long_runs_match_the_reference(landscape_id: str) -> None:
    """Runs over 1000 steps use the other program (switch inside the step): same equations."""
    landscape = get_landscape(landscape_id)
    configs = [
        OptimizerConfig(o, lr=3e-3 if o == "rmsprop" else None, schedule="inverse_time")
        for o in OPTIMIZERS
    ]
    results = trajectories(landscape_id, landscape.start, configs, 1500)
    for result, config in zip(results, configs, strict=True):
        expected = ref.run(
            config.optimizer,
            ref.LANDSCAPES[landscape_id],
            landscape.start,
            1500,
            config.lr,
            config.schedule,
            config.resolved_schedule_params(),
            config.resolved_hyperparams(),
            domain=landscape.domain,
        )
        scale = np.max(np.abs(expected.path))
        np.testing.assert_allclose(result.path, expected.path, rtol=1e-9, atol=1e-12 * scale)
