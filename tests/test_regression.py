"""SGD vs minibatch vs full batch: the compiled runs against a plain-NumPy loop written from the
page's equations, the data, the settings table, the data URL and the page callback."""

from __future__ import annotations

import numpy as np
import pytest
from dash_http import find_callback, post_callback
from hypothesis import given, settings
from hypothesis import strategies as st
from test_playground_compiles import count_compiles

from components.encoding import unpack
from optimizers.regression import epoch_orders, full_loss, make_data, run_methods, warm_up
from serving.api import VERSION_KEY
from serving.api.regression import least_squares
from settings.regression import FIELDS, RegressionSettings, from_controls, from_query


def reference(data, batch, lr, epochs, start, orders):
    """θ ← θ − η ∇L_B(θ) over consecutive batches of each epoch's permutation (plain NumPy)."""
    theta = np.array(start, np.float64)
    path, batch_losses = [theta.copy()], []
    n = len(data.x)
    for epoch in range(epochs):
        for first in range(0, n, batch):
            rows = orders[epoch, first : first + batch]
            r = theta[0] * data.x[rows] + theta[1] - data.y[rows]
            batch_losses.append(0.5 * np.mean(r * r))
            theta = theta - lr * np.array([np.mean(r * data.x[rows]), np.mean(r)])
            path.append(theta.copy())
    return np.array(path), np.array(batch_losses)


@pytest.mark.parametrize(
    "n, sizes, epochs",
    [(100, (1, 10, 100), 3), (37, (1, 5, 37), 4), (10, (3, 7, 10), 2), (200, (1, 199, 200), 1)],
)
def test_every_method_runs_the_reference_loop(n, sizes, epochs) -> None:
    data = make_data(n, 0.7, 1.5, 0.5, 3)
    rates = (0.05, 0.2, 0.3)
    paths = run_methods(data, sizes, rates, epochs, (-1.0, 2.0), 7)
    orders = epoch_orders(n, epochs, 7)
    for size, rate, path in zip(sizes, rates, paths, strict=True):
        expected, batch_losses = reference(data, size, rate, epochs, (-1.0, 2.0), orders)
        assert path.batch_size == size and path.epoch_updates == -(-n // size)
        np.testing.assert_allclose(path.params, expected, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(path.batch_loss, batch_losses, rtol=1e-12)
        np.testing.assert_allclose(path.loss, full_loss(data, expected[:, 0], expected[:, 1]))


def test_full_batch_is_gradient_descent_on_the_full_loss() -> None:
    data = make_data(50, 0.3, -1.0, 2.0, 0)
    (path,) = run_methods(data, [50], [0.2], 5, (0.0, 0.0), 0)
    theta = np.zeros(2)
    for _ in range(5):
        r = theta[0] * data.x + theta[1] - data.y
        theta = theta - 0.2 * np.array([np.mean(r * data.x), np.mean(r)])
    np.testing.assert_allclose(path.params[-1], theta, rtol=1e-12)


def test_the_data_and_the_orders() -> None:
    data = make_data(80, 0.0, 2.0, -1.0, 5)
    assert np.all((data.x >= -2) & (data.x <= 2))
    np.testing.assert_allclose(data.y, 2.0 * data.x - 1.0)  # no noise: on the line
    best = least_squares(data)
    assert best["w"] == pytest.approx(2.0) and best["b"] == pytest.approx(-1.0)
    assert best["loss"] == pytest.approx(0.0, abs=1e-20)
    orders = epoch_orders(80, 3, 1)
    assert all(sorted(row) == list(range(80)) for row in orders)
    assert not np.array_equal(orders[0], orders[1])


def test_nothing_compiles_after_warm_up() -> None:
    warm_up()
    with count_compiles() as compiles:
        for n, sizes, epochs in [
            (10, (1, 2, 10), 50),
            (200, (1, 100, 200), 50),
            (57, (1, 9, 57), 7),
        ]:
            run_methods(
                make_data(n, 0.5, 2, -1, n), sizes, (0.01, 0.1, 0.5), epochs, (4.0, -4.0), n
            )
    assert compiles == []


@pytest.mark.parametrize(
    "kwargs",
    [{"batch_sizes": []}, {"batch_sizes": [1, 2], "lrs": [0.1]}, {"epochs": 0}, {"epochs": 51}],
)
def test_bad_arguments_raise(kwargs) -> None:
    arguments = {"batch_sizes": [1], "lrs": [0.1], "epochs": 1, **kwargs}
    with pytest.raises(ValueError):
        run_methods(make_data(20, 0.5, 2, -1, 0), start=(0.0, 0.0), seed=0, **arguments)


# ---- the settings table ----------------------------------------------------------------------


def test_the_table_is_the_settings_object() -> None:
    assert [f.key for f in FIELDS] == list(RegressionSettings().flat())
    assert {f.key: f.default for f in FIELDS} == {
        k: getattr(RegressionSettings(), k) for k in RegressionSettings().flat()
    }
    assert from_query("")[0] == RegressionSettings() and RegressionSettings().to_query() == ""
    parsed, messages, _ = from_query("n=40&batch=8&lrsgd=0.02&w0=1.5")
    assert messages == [] and from_query(parsed.to_query())[0] == parsed


@settings(max_examples=150, deadline=None)
@given(
    raw=st.dictionaries(
        st.sampled_from([f.key for f in FIELDS]),
        st.one_of(
            st.text(max_size=8),
            st.sampled_from(["nan", "-0", "1e400", "-3", "0", "1", "2.5", "199", "200", "10"]),
            st.floats(allow_nan=True),
            st.integers(-10, 10**4),
            st.none(),
            st.booleans(),
        ),
    )
)
def test_any_value_gives_valid_settings_or_a_sentence_beside_its_field(raw) -> None:
    result = from_controls(raw)
    s = result.settings
    assert 10 <= s.n <= 200 and 2 <= s.batch < s.n and 1 <= s.epochs <= 50
    assert all(-5 <= v <= 5 for v in (s.w0, s.b0, s.truew, s.trueb))
    assert set(result.invalid) <= set(raw)
    assert all(isinstance(m, str) and m.endswith(".") for m in result.invalid.values())


def test_a_minibatch_as_large_as_the_data_is_refused_at_its_box() -> None:
    result = from_controls({"batch": "100"})
    assert (
        set(result.invalid) == {"batch"} and "not below the 100 points" in result.invalid["batch"]
    )
    result = from_controls({"n": "10"})  # the default minibatch of 10 would be the full batch
    assert set(result.invalid) == {"n"} and result.settings.n == 100


# ---- HTTP ------------------------------------------------------------------------------------


def test_the_container_is_the_engines(client, dash_app) -> None:
    version = dash_app.server.config[VERSION_KEY]
    response = client.get(f"/api/sgd/run.bin?n=40&batch=8&epochs=3&v={version}")
    assert response.status_code == 200
    meta, arrays = unpack(response.data)
    s = from_query("n=40&batch=8&epochs=3")[0]
    data = make_data(s.n, s.noise, s.truew, s.trueb, s.dseed)
    paths = run_methods(data, [1, 8, 40], [s.lrsgd, s.lrmb, s.lrfull], 3, (s.w0, s.b0), s.seed)
    assert [m["key"] for m in meta["methods"]] == ["sgd", "minibatch", "full"]
    assert [m["updates"] for m in meta["methods"]] == [120, 15, 3]
    for m, path in zip(meta["methods"], paths, strict=True):
        np.testing.assert_array_equal(arrays[f"{m['key']}.params"], path.params)
    np.testing.assert_array_equal(arrays["order"], paths[0].order)
    np.testing.assert_array_equal(arrays["x"], data.x)
    assert meta["best"] == least_squares(data)


@pytest.mark.parametrize("query", ["batch=100", "n=5", "lrsgd=nan", "w0=9", "zzz=1", "epochs=0"])
def test_bad_queries_are_400_with_a_sentence(client, query) -> None:
    response = client.get(f"/api/sgd/run.bin?{query}")
    assert response.status_code == 400 and response.get_json()["error"].endswith(".")


def test_a_bad_box_gets_its_sentence_beside_it(client) -> None:
    spec = find_callback(client, "rg-run.data")
    flat = RegressionSettings().flat()
    values = {"rg-query.data": {"query": "", "key": RegressionSettings().cache_key()}}
    values |= {f"rg-{k}.value": v for k, v in flat.items()}
    values["rg-batch.value"] = "100"
    props = post_callback(client, spec, values, ["rg-batch.value"]).get_json()["response"]
    assert "not below the 100 points" in props["rg-msg-batch"]["children"]
    assert props["rg-batch"]["className"] == "sk-input invalid" and "rg-run" not in props
    values["rg-batch.value"] = "25"
    props = post_callback(client, spec, values, ["rg-batch.value"]).get_json()["response"]
    assert props["rg-msg-batch"]["children"] == ""
    assert "batch=25" in props["rg-run"]["data"]["fetch"][0]
