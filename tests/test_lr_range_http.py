"""The learning-rate range test over HTTP: its settings table, its data URL, its page callback."""

from __future__ import annotations

from urllib.parse import parse_qsl

import numpy as np
import pytest
from dash_http import find_callback, post_callback
from hypothesis import given, settings
from hypothesis import strategies as st

import playground as pg
from components.encoding import unpack
from serving.api import VERSION_KEY
from settings.fields import canonical_float
from settings.lr_range import LRRangeSettings, from_controls, from_query
from settings.playground import from_query as playground_from_query


@pytest.fixture()
def version(dash_app) -> str:
    return dash_app.server.config[VERSION_KEY]


# ---- the settings table ----------------------------------------------------------------------


def test_defaults_shown_are_fastais_and_the_engines() -> None:
    assert LRRangeSettings().engine_arguments() == {"start_lr": 1e-7, "end_lr": 10.0, "steps": 100}
    assert from_query("")[0] == LRRangeSettings() and LRRangeSettings().to_query() == ""


def test_the_query_round_trips_and_keys_the_cache() -> None:
    query = "opt=adam&hidden=6,3&lrstart=1e-05&lrend=3&lrsteps=60"
    parsed, messages, _ = from_query(query)
    assert messages == []
    assert (parsed.start_lr, parsed.end_lr, parsed.steps) == (1e-5, 3.0, 60)
    assert parsed.network.config.optimizer == "adam" and parsed.network.config.hidden == (6, 3)
    again, _, _ = from_query(parsed.to_query())
    assert again == parsed and again.cache_key() == parsed.cache_key()
    assert from_query("lrstart=0.00001&lrend=3.0&lrsteps=60.0&opt=adam&hidden=6,3")[0] == parsed
    other = from_query(query.replace("lrsteps=60", "lrsteps=61"))[0]
    assert other.cache_key() != parsed.cache_key()


@settings(max_examples=120, deadline=None)
@given(
    raw=st.dictionaries(
        st.sampled_from(["lrstart", "lrend", "lrsteps"]),
        st.one_of(
            st.text(max_size=12),
            st.sampled_from(["nan", "-0", "inf", "1e400", "-1", "0", "1e-12", "1000", "20", "1.5"]),
            st.floats(allow_nan=True),
            st.integers(-10, 10**6),
            st.none(),
            st.booleans(),
        ),
    )
)
def test_any_control_value_gives_valid_settings_or_a_sentence_beside_its_field(raw) -> None:
    result = from_controls(raw)
    ramp = result.settings
    assert 1e-9 <= ramp.start_lr < ramp.end_lr <= 100 and 20 <= ramp.steps <= 1000
    assert set(result.invalid) <= set(raw)
    assert all(isinstance(m, str) and m.endswith(".") for m in result.invalid.values())
    if not result.invalid:
        for key, name in (("lrstart", "start_lr"), ("lrend", "end_lr"), ("lrsteps", "steps")):
            if key in raw:
                assert getattr(ramp, name) == pytest.approx(float(raw[key]))


def test_a_start_above_the_end_is_refused_at_the_field_that_changed() -> None:
    result = from_controls({"lrstart": "20"})
    assert set(result.invalid) == {"lrstart"} and "below the end rate" in result.invalid["lrstart"]
    assert result.settings == LRRangeSettings()


def test_a_test_over_the_servers_budget_is_refused_at_steps() -> None:
    heavy, messages, _ = from_query("hidden=16,16,16,16,16,16&n=2000&batch=1&epochs=100")
    assert messages == []
    result = from_controls({"lrsteps": "1000"}, heavy)
    assert "lrsteps" in result.invalid and "server's time" in result.invalid["lrsteps"]
    assert result.settings.steps == 100


# ---- the data URL ----------------------------------------------------------------------------


def test_the_container_holds_the_engines_test_and_links_that_train_with_it(client, version):
    query = "opt=momentum&lrend=100"
    response = client.get(f"/api/network/lr_range.bin?{query}&v={version}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    meta, arrays = unpack(response.data)
    expected = pg.lr_range_test(pg.PlaygroundConfig(optimizer="momentum"), end_lr=100.0)
    np.testing.assert_array_equal(arrays["rates"], expected.rates)
    np.testing.assert_array_equal(arrays["losses"], expected.losses.astype(np.float32))
    np.testing.assert_array_equal(arrays["smoothed"], expected.smoothed.astype(np.float32))
    assert meta["diverged"] is expected.diverged is True
    assert meta["stoppedAt"] == expected.stopped_at
    assert meta["steepest"]["rate"] == expected.steepest
    assert meta["minimumTenth"] == expected.minimum_tenth
    assert meta["stopLoss"] == pytest.approx(4 * expected.best_loss)
    # the links are playground queries of this network at the suggested rate
    steep = playground_from_query(meta["links"]["steepest"])[0].config
    # the URL keeps 10 significant digits (settings.fields.canonical_float)
    rounded = canonical_float(expected.steepest)
    assert steep == pg.with_rate(pg.PlaygroundConfig(optimizer="momentum"), rounded)
    cycle = playground_from_query(meta["links"]["oneCycle"])[0].config
    assert cycle.schedule == "one_cycle" and cycle.lr == pytest.approx(expected.steepest, rel=1e-9)
    tenth = dict(parse_qsl(meta["links"]["minimumTenth"]))
    assert float(tenth["lr"]) == pytest.approx(expected.minimum_tenth, rel=1e-9)


def test_a_repeated_url_is_answered_from_the_cache(client, version):
    url = f"/api/network/lr_range.bin?lrsteps=40&v={version}"
    first = client.get(url)
    second = client.get(url)
    assert first.status_code == second.status_code == 200
    assert second.headers["X-Lossviz-Cache"] == "hit" and second.data == first.data


@pytest.mark.parametrize(
    "query",
    [
        "lrstart=5&lrend=1",
        "lrsteps=nan",
        "lrsteps=5",
        "lrend=1e400",
        "lrstart=-0",
        "zzz=1",
        "hidden=99",
        "lrstart=%ff%fe",
        "view=gradients",  # a playground view key names no network
        "hidden=16,16,16,16,16,16&n=2000&batch=1&lrsteps=1000",
        "a=" + "x" * 9000,
    ],
)
def test_bad_queries_get_a_400_with_a_sentence(client, version, query):
    response = client.get(f"/api/network/lr_range.bin?{query}&v={version}")
    if len(query) > 8000:  # refused before any page code by serving/request_guard.py
        assert response.status_code == 414 and b"Traceback" not in response.data
        return
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert isinstance(error, str) and error.endswith(".") and "Traceback" not in error


# ---- the page --------------------------------------------------------------------------------


def _change(client, stored_query: str, **values: str):
    spec = find_callback(client, "lr-test.data")
    settings_now, _, _ = from_query(stored_query)
    state = {
        "lr-query.data": {"query": settings_now.to_query(), "key": settings_now.cache_key()},
        **{f"lr-{key}.value": value for key, value in values.items()},
    }
    changed = [f"lr-{key}.value" for key in values]
    response = post_callback(client, spec, state, changed)
    assert response.status_code == 200
    return response.get_json()["response"]


def test_the_page_opens_on_a_link_with_its_boxes_filled(client):
    response = client.get("/lr-range?opt=adam&lrsteps=60")
    assert response.status_code == 200


def test_a_changed_box_names_the_new_test_and_keeps_the_network(client, version):
    props = _change(client, "opt=adam&hidden=6", lrstart="1e-7", lrend="1", lrsteps="60")
    store = props["lr-test"]["data"]
    (url,) = store["fetch"]
    assert url.startswith("/api/network/lr_range.bin?") and f"v={version}" in url
    assert "opt=adam" in url and "hidden=6" in url and "lrend=1" in url and "lrsteps=60" in url
    assert props["lr-query"]["data"]["query"] == "hidden=6&opt=adam&lrend=1&lrsteps=60"
    assert client.get(url).status_code == 200
    assert props["lr-msg-lrend"]["children"] == "" and props["lr-lrend"]["className"] == "lr-input"


def test_a_bad_box_gets_its_sentence_beside_it_and_nothing_is_fetched(client):
    props = _change(client, "", lrstart="1e-7", lrend="nan", lrsteps="100")
    assert "not a finite number" in props["lr-msg-lrend"]["children"]
    assert props["lr-lrend"]["className"] == "lr-input invalid"
    assert props["lr-msg-lrstart"]["children"] == ""
    assert "lr-test" not in props  # the same settings as before: nothing new to fetch


def test_the_training_lane_builds_the_same_container_as_the_endpoint():
    import gzip

    from serving.api.lr_range import lr_range_bytes
    from serving.training_process import train_container

    query = "hidden=4&lrsteps=30"
    body = gzip.decompress(train_container("lr_range", query))
    assert body == lr_range_bytes(from_query(query)[0])
    with pytest.raises(ValueError, match="range test"):
        train_container("lr_range", "lrsteps=5")
