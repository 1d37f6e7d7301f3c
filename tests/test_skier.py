"""The skier: its curves (minima re-checked with jax.grad), its rides against the plain-NumPy
reference rules, its settings table, its data URL and its page callback."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from dash_http import find_callback, post_callback
from hypothesis import given, settings
from hypothesis import strategies as st

from components.encoding import unpack
from landscapes.curves import CURVE_IDS, CURVES, curve_fns
from optimizers import OPTIMIZERS
from optimizers.config import OptimizerConfig
from optimizers.engine import run_engine
from optimizers.skier import ski
from reference import optimizers_numpy as ref
from serving.api import VERSION_KEY
from settings.skier import SkierSettings, from_controls, from_query

RATES = {"gd": 0.05, "momentum": 0.02, "nesterov": 0.02, "adagrad": 0.3, "rmsprop": 0.05,
         "adadelta": 1.0, "adam": 0.05, "adamw": 0.05, "lion": 0.02, "lookahead": 0.05}  # fmt: skip


# ---- the curves -------------------------------------------------------------------------------


@pytest.mark.parametrize("curve_id", CURVE_IDS)
def test_every_marked_minimum_is_one(curve_id) -> None:
    curve = CURVES[curve_id]
    f = lambda w: curve.value(w, jnp)  # noqa: E731
    low, high = curve.domain
    assert low <= curve.start <= high
    assert any(m.kind == "global" for m in curve.minima)
    grid = np.linspace(low, high, 20001)
    for minimum in curve.minima:
        w = jnp.float64(minimum.w)
        assert float(f(w)) == pytest.approx(minimum.value, abs=1e-12)
        assert abs(float(jax.grad(f)(w))) < 1e-9 and float(jax.grad(jax.grad(f))(w)) > 0
        assert float(curve.slope(minimum.w)) == pytest.approx(0.0, abs=1e-8)
        if minimum.kind == "global":
            assert np.min(curve(grid)) >= minimum.value - 1e-9


@pytest.mark.parametrize("curve_id", CURVE_IDS)
def test_the_slope_is_the_derivative(curve_id) -> None:
    curve = CURVES[curve_id]
    f = jax.grad(lambda w: curve.value(w, jnp))
    for w in np.linspace(*curve.domain, 9):
        assert float(curve.slope(w)) == pytest.approx(float(f(jnp.float64(w))), rel=1e-7, abs=1e-8)


# ---- rides against the reference --------------------------------------------------------------


@pytest.mark.parametrize("rule", list(OPTIMIZERS))
@pytest.mark.parametrize("curve_id", CURVE_IDS)
def test_every_rule_rides_every_curve_as_the_reference(rule, curve_id) -> None:
    curve = CURVES[curve_id]
    config = OptimizerConfig(rule, lr=RATES[rule])
    (run,) = ski(curve_id, curve.start, [config], 40)
    theta, state = np.array([curve.start]), ref.init_state(1)
    hyper = ref.HYPER_DEFAULTS[rule]
    expected = [theta[0]]
    for t in range(40):
        theta = ref.update(rule, theta, curve.slope(theta), state, RATES[rule], t, hyper)
        expected.append(theta[0])
    np.testing.assert_allclose(run.w, expected, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(run.loss, curve(run.w), rtol=1e-12)
    assert run.diverged_at is None and len(run.lr) == 40


def test_the_unused_coordinate_never_moves() -> None:
    configs = [OptimizerConfig(rule, lr=RATES[rule]) for rule in OPTIMIZERS]
    for index, curve in enumerate(CURVES.values()):
        runs = run_engine(curve_fns(), index, (curve.domain, (-1.0, 1.0)), (curve.start, 0.0),
                          configs, 60)  # fmt: skip
        assert all(np.all(r.path[:, 1] == 0.0) for r in runs)


def test_the_hill_gd_settles_near_momentum_finds_the_better_solution() -> None:
    hill = CURVES["hill"]
    gd, momentum = ski("hill", hill.start, SkierSettings().configs(), 100)
    local, best = sorted(hill.minima, key=lambda m: m.kind != "local")
    assert local.kind == "local" and best.kind == "global"
    assert abs(gd.w[-1] - local.w) < 1e-3
    assert abs(momentum.w[-1] - best.w) < 0.05
    assert gd.slope[0] > 0 and gd.w[1] < gd.w[0]  # positive derivative: the skier moves left


def test_a_too_large_rate_leaves_the_curve() -> None:
    (run,) = ski("bowl", -1.0, [OptimizerConfig("gd", lr=5.0)], 100)
    assert run.diverged_at is not None and len(run.w) == run.diverged_at


@pytest.mark.parametrize(
    "args", [("hill", 9.0, 10), ("hill", 0.0, 0), ("hill", 0.0, 1001), ("nope", 0.0, 10)]
)
def test_bad_arguments_raise(args) -> None:
    with pytest.raises((ValueError, KeyError)):
        ski(args[0], args[1], [OptimizerConfig("gd")], args[2])


# ---- the settings table ----------------------------------------------------------------------


def test_defaults_and_round_trips() -> None:
    assert from_query("")[0] == SkierSettings() and SkierSettings().to_query() == ""
    parsed, messages, _ = from_query("curve=bowl&w0=3&steps=50&s3=adam&s3.lr=0.2")
    assert messages == [] and parsed.skiers()[-1] == ("s3", "adam", 0.2)
    assert from_query(parsed.to_query())[0] == parsed
    assert from_query("curve=bowl")[0].start == CURVES["bowl"].start


@settings(max_examples=150, deadline=None)
@given(
    raw=st.dictionaries(
        st.sampled_from(["curve", "w0", "steps", "s1", "s1.lr", "s2", "s3.lr"]),
        st.one_of(
            st.text(max_size=10),
            st.sampled_from(
                ["nan", "-0", "1e400", "-3", "0", "2.5", "hill", "bowl", "adam", "off"]
            ),
            st.floats(allow_nan=True),
            st.integers(-10, 10**5),
            st.none(),
            st.booleans(),
        ),
    )
)
def test_any_value_gives_valid_settings_or_a_sentence_beside_its_field(raw) -> None:
    result = from_controls(raw)
    s = result.settings
    low, high = CURVES[s.curve].domain
    assert low <= s.start <= high and 1 <= s.steps <= 1000
    assert all(r == "off" or r in OPTIMIZERS for r in s.rules)
    assert all(1e-5 <= r <= 10 for r in s.rates)
    assert set(result.invalid) <= set(raw)
    assert all(isinstance(m, str) and m.endswith(".") for m in result.invalid.values())


# ---- HTTP ------------------------------------------------------------------------------------


def test_the_ride_container_is_the_engines(client, dash_app) -> None:
    version = dash_app.server.config[VERSION_KEY]
    response = client.get(f"/api/skier/run.bin?curve=bowl&s3=adam&v={version}")
    assert response.status_code == 200
    meta, arrays = unpack(response.data)
    settings_ = from_query("curve=bowl&s3=adam")[0]
    runs = ski("bowl", CURVES["bowl"].start, settings_.configs(), 100)
    assert [s["key"] for s in meta["skiers"]] == ["s1", "s2", "s3"]
    for skier, run in zip(meta["skiers"], runs, strict=True):
        np.testing.assert_array_equal(arrays[f"{skier['key']}.w"], run.w)
        np.testing.assert_array_equal(arrays[f"{skier['key']}.slope"], run.slope)
    assert meta["curve"]["latex"] == CURVES["bowl"].latex
    assert (
        client.get(f"/api/skier/run.bin?curve=bowl&s3=adam&v={version}").headers["X-Lossviz-Cache"]
        == "hit"
    )


@pytest.mark.parametrize("query", ["w0=99", "curve=nope", "s1=zz", "steps=0", "zzz=1", "s2.lr=nan"])
def test_bad_ride_queries_are_400_with_a_sentence(client, query) -> None:
    response = client.get(f"/api/skier/run.bin?{query}")
    assert response.status_code == 400 and response.get_json()["error"].endswith(".")


def test_a_bad_box_gets_its_sentence_beside_it(client) -> None:
    spec = find_callback(client, "sk-ride.data")
    values = {
        "sk-query.data": {"query": "", "key": SkierSettings().cache_key()},
        "sk-curve-choice.value": "hill",
        "sk-w0.value": "7",
        "sk-steps.value": "100",
        **{f"sk-{k}.value": v for k, v in (("s1", "gd"), ("s2", "momentum"), ("s3", "off"))},
        **{f"sk-{k}-lr.value": v for k, v in (("s1", "0.05"), ("s2", "0.05"), ("s3", "0.1"))},
    }
    response = post_callback(client, spec, values, ["sk-w0.value"])
    assert response.status_code == 200
    props = response.get_json()["response"]
    assert "out of range" in props["sk-msg-w0"]["children"]
    assert props["sk-w0"]["className"] == "sk-input invalid"
    assert props["sk-msg-steps"]["children"] == ""
    assert "sk-ride" not in props
    values["sk-w0.value"] = "-2"
    props = post_callback(client, spec, values, ["sk-w0.value"]).get_json()["response"]
    assert props["sk-msg-w0"]["children"] == "" and "w0=-2" in props["sk-ride"]["data"]["fetch"][0]
