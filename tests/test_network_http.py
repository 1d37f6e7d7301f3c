"""The network loss landscape page over HTTP (Flask test client), as the browser calls it: the
page, its thin callback, and `GET /api/network/landscape.bin` whose numbers are the engine's."""

from __future__ import annotations

import gzip
import json
import logging
import time
from typing import Any
from urllib.parse import quote

import numpy as np
import pytest
from dash_http import find_callback, post_callback
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from components.encoding import unpack
from playground import minibatch_slices, network_landscape
from serving.api import VERSION_KEY
from settings.network_landscape import NetworkLandscapeSettings, from_query

ENDPOINT = "/api/network/landscape.bin"
IMMUTABLE = "public, max-age=31536000, immutable"
PAYLOAD_BUDGET = 120_000  # bytes as sent (gzip): 61 × 61, PCA path of 1001 frames


@pytest.fixture()
def version(dash_app) -> str:
    return dash_app.server.config[VERSION_KEY]


def fetch(client, url: str, wait_s: float = 120.0):
    """GET a data URL as the browser does (asking again while it is computed elsewhere)."""
    deadline = time.monotonic() + wait_s
    response = client.get(url, headers={"Accept-Encoding": "gzip"})
    while response.status_code == 202 and time.monotonic() < deadline:
        time.sleep(min(float(response.headers["Retry-After"]), 1.0))
        response = client.get(url, headers={"Accept-Encoding": "gzip"})
    body = response.data
    if response.headers.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    return response, body


def assert_same(actual: np.ndarray, expected: np.ndarray, dtype: str) -> None:
    assert actual.dtype == np.dtype(dtype), (actual.dtype, dtype)
    np.testing.assert_array_equal(actual, np.asarray(expected, dtype))


# ---- the page ---------------------------------------------------------------------------------


def test_page_is_served_with_its_controls_and_the_link_back(client):
    response = client.get("/network")
    assert response.status_code == 200
    layout = client.get("/_dash-layout")
    assert layout.status_code == 200


def test_page_layout_names_the_landscape_and_carries_the_network(dash_app):
    import pages.network_landscape as page

    with dash_app.server.test_request_context("/network?data=xor&dirs=pca&present=1"):
        tree = json.dumps(
            page.layout(data="xor", dirs="pca", present="1").to_plotly_json(),
            default=lambda o: o.to_plotly_json(),
        )
    assert '"href": "/playground?data=xor&present=1"' in tree
    assert "/api/network/landscape.bin?data=xor&dirs=pca&v=" in tree
    assert "Change the network in the playground" in tree


# ---- the data endpoint: the engine's numbers ----------------------------------------------------


@pytest.mark.parametrize(
    "query",
    ["", "data=xor&res=21&span=2&biases=1&dirseed=3", "dirs=pca&epochs=120&hidden=5,3"],
)
def test_landscape_is_the_engines(client, version, query):
    settings, messages, _ = from_query(query)
    assert messages == []
    url = f"{ENDPOINT}?{query}&v={version}" if query else f"{ENDPOINT}?v={version}"
    response, body = fetch(client, url)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.headers["Cache-Control"] == IMMUTABLE
    assert len(response.data) <= PAYLOAD_BUDGET
    assert body[:4] == b"LVZ1"
    meta, arrays = unpack(body)
    scape = network_landscape(settings.network.config, **settings.engine_arguments())
    assert meta["kind"] == "network-landscape" and meta["key"] == settings.cache_key()
    assert meta["directions"] == settings.directions
    assert meta["resolution"] == settings.resolution == len(arrays["alphas"])
    assert meta["centerTrainLoss"] == scape.center_train_loss
    assert meta["centerTestLoss"] == scape.center_test_loss
    assert meta["layers"] == list(settings.network.config.layer_sizes)
    assert_same(arrays["alphas"], scape.alphas, "f8")
    assert_same(arrays["betas"], scape.betas, "f8")
    assert_same(arrays["trainLoss"], scape.train_loss, "f4")
    assert_same(arrays["testLoss"], scape.test_loss, "f4")
    assert_same(arrays["sliceA"], scape.slice_coordinates, "f8")
    assert_same(arrays["sliceTrain"], scape.slice_train_loss, "f4")
    assert_same(arrays["sliceTest"], scape.slice_test_loss, "f4")
    assert_same(arrays["interpT"], scape.interpolation_t, "f8")
    assert_same(arrays["interpTrain"], scape.interpolation_train_loss, "f4")
    assert_same(arrays["interpTest"], scape.interpolation_test_loss, "f4")
    start = int(np.flatnonzero(scape.interpolation_t == 0.0)[0])
    assert meta["startTrainLoss"] == float(scape.interpolation_train_loss[start])
    # θ* is the centre of the grid: the landscape there is the trained network's loss.
    centre = settings.resolution // 2
    if settings.directions == "random":
        assert arrays["alphas"][centre] == 0 and arrays["betas"][centre] == 0
        assert np.isclose(arrays["trainLoss"][centre, centre], scape.center_train_loss, rtol=1e-5)
        assert "path" not in arrays
        # the same slice as 4 minibatches of 20 training points see it
        batches = minibatch_slices(
            settings.network.config, n_batches=4, batch_size=20, span=settings.span,
            include_biases=settings.include_biases, direction_seed=settings.direction_seed,
        )  # fmt: skip
        assert meta["minibatchSize"] == 20
        assert_same(arrays["minibatchLoss"], batches.batch_loss, "f4")
        assert_same(arrays["minibatchSlopes"], batches.batch_slopes, "f8")
    else:
        assert_same(arrays["path"], scape.path, "f4")
        assert_same(arrays["pathEpochs"], scape.path_epochs, "i4")
        assert_same(arrays["explainedVariance"], scape.explained_variance, "f8")
        assert "minibatchLoss" not in arrays  # minibatch slices go with random directions


def test_a_repeated_url_is_served_from_the_cache(client, version, monkeypatch):
    url = f"{ENDPOINT}?data=moons&res=15&v={version}"
    first, body = fetch(client, url)
    assert first.status_code == 200
    import serving.api.network as endpoint

    def refuse(*args: Any, **kwargs: Any):
        raise AssertionError("the engine ran again for a cached URL")

    monkeypatch.setattr(endpoint, "network_landscape", refuse)
    again, again_body = fetch(client, url)
    assert again.status_code == 200 and again_body == body
    assert again.headers["X-Lossviz-Cache"] == "hit"
    assert again.headers["ETag"] == first.headers["ETag"]
    # Another spelling of the same settings shares the cached container.
    spelled, spelled_body = fetch(client, f"{ENDPOINT}?data=moons&res=15.0&span=1.0&v={version}")
    assert spelled.status_code == 200 and spelled_body == body


# ---- bad input: 400 with one sentence, never a 500 -----------------------------------------------


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("res=40", "odd"),
        ("res=1e400", "finite"),
        ("res=99999999999999999999", "out of range"),
        ("span=nan", "finite"),
        ("span=NaN", "finite"),
        ("span=inf", "finite"),
        ("span=0", "> 0"),
        ("span=1e308", "out of range"),
        ("span=" + "9" * 5000, "finite"),
        ("dirs=hessian", "random, pca"),
        ("biases=2", "on/off"),
        ("dirseed=-3", "≥ 0"),
        ("lr=-1", "Learning rate"),
        ("hidden=99", "Hidden layers"),
        ("data=%00", "Data set"),
        ("bogus=1", "unknown: 'bogus'"),
        ("view=gradients", "unknown: 'view'"),
        ("hide=landscape", "unknown: 'hide'"),
        ("plot=surface", "unknown: 'plot'"),  # the view is never part of the data URL
        ("%zz=1&&=", "unknown"),
        ("span=%ff%fe", "not a number"),
        ("hidden=16,16,16,16,16,16&n=2000&batch=1&epochs=200&res=61", "lower resolution"),
        ("hidden=16,16,16,16,16,16&n=2000&batch=1&epochs=1000", "updates"),
    ],
)
def test_bad_input_is_a_400_with_a_sentence(client, version, query, words):
    response = client.get(f"{ENDPOINT}?{query}&v={version}")
    assert response.status_code == 400, response.status_code
    error = response.get_json()["error"]
    assert words in error, error
    assert error.endswith(".") and len(error) < 400
    assert "Traceback" not in error


def test_unknown_keys_are_named_in_a_400(client, version):
    response = client.get(f"{ENDPOINT}?bogus=1&zz%3Cb%3E=2&v={version}")
    assert response.status_code == 400
    assert response.get_json() == {
        "error": "A network landscape URL takes only the page's settings; unknown: 'bogus', 'zz<b>'."
    }


def test_other_methods_and_paths_are_not_a_500(client, version):
    assert client.post(f"{ENDPOINT}?v={version}").status_code in (404, 405)
    assert client.get("/api/network/nope.bin").status_code == 404


# ---- the thin callback --------------------------------------------------------------------------


def call(client, values: dict[str, Any], stored: dict | None = None, changed=()):
    spec = find_callback(client, "nl-landscape-store.data")
    state = {
        "nl-dirs.value": "random",
        "nl-span.value": "1",
        "nl-res.value": "41",
        "nl-biases.value": [],
        "nl-dirseed.value": "0",
        "nl-query.data": stored or {"query": "", "key": NetworkLandscapeSettings().cache_key()},
        "nl-url-messages.data": [],
    }
    state.update({f"nl-{k}.value": v for k, v in values.items()})
    response = post_callback(client, spec, state, [f"nl-{k}.value" for k in changed])
    assert response.status_code == 200
    body = response.get_json()
    return body["response"] if body else {}


def test_callback_names_the_new_landscape_and_keeps_the_network(client):
    stored = {"query": "data=xor&hidden=5", "key": from_query("data=xor&hidden=5")[0].cache_key()}
    props = call(client, {"span": "2.5", "dirs": "pca"}, stored, changed=("span", "dirs"))
    store = props["nl-landscape-store"]["data"]
    (url,) = store["fetch"]
    assert url.startswith(f"{ENDPOINT}?data=xor&hidden=5&dirs=pca&span=2.5&v=")
    assert props["nl-query"]["data"]["query"] == "data=xor&hidden=5&dirs=pca&span=2.5"
    assert props["nl-span-error"]["children"] == ""
    assert props["nl-layout"]["data-directions"] == "pca"


def test_callback_puts_the_message_beside_the_field(client):
    props = call(client, {"res": "40"}, changed=("res",))
    assert "odd" in props["nl-res-error"]["children"]
    assert props["nl-res"]["className"] == "nl-input invalid"
    assert props["nl-span-error"]["children"] == ""
    assert "nl-landscape-store" not in props  # the last good landscape stays


def test_callback_with_the_current_landscape_sends_nothing_to_fetch(client):
    props = call(client, {})
    assert "nl-landscape-store" not in props and "nl-query" not in props


def test_a_heavy_landscape_is_computed_in_the_training_lane(client, version):
    """Above the lane's threshold the worker answers 202 + Retry-After (the page says it is
    training) until the lane's child has stored it; the numbers are still the engine's."""
    query = "hidden=16,16,16&n=1000&epochs=400&res=31"
    settings, messages, _ = from_query(query)
    assert messages == []
    from settings.network_landscape import request_seconds

    assert request_seconds(settings) > 0.25  # the lane's default threshold
    url = f"{ENDPOINT}?{query}&v={version}"
    first = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert first.status_code in (200, 202)
    if first.status_code == 202:
        assert int(first.headers["Retry-After"]) >= 1
        assert first.get_json()["message"].endswith(".")  # the sentence the page shows
    response, body = fetch(client, url, wait_s=240.0)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    meta, arrays = unpack(body)
    scape = network_landscape(settings.network.config, **settings.engine_arguments())
    assert meta["key"] == settings.cache_key()
    assert_same(arrays["trainLoss"], scape.train_loss, "f4")
    assert_same(arrays["interpTest"], scape.interpolation_test_loss, "f4")


# ---- fuzz: any URL key, any text -----------------------------------------------------------------

TRICKY = ["", " ", "-0", "nan", "NaN", "inf", "-inf", "1e309", "1e-320", "0x10", "1,2", "41",
          "40", "61", "11", "0.5", "pca", "random", "abc", "é", "%00", "{}", "null", "true",
          "99999999999999999999", "-1", "xor", "tanh"]  # fmt: skip
LANDSCAPE_KEYS = ["dirs", "span", "res", "biases", "dirseed"]
NETWORK_KEYS = ["data", "noise", "dseed", "act", "init", "opt", "lr", "seed", "l2", "keep"]
FUZZ_VALUES = st.one_of(st.sampled_from(TRICKY), st.text(max_size=12))
FUZZ_QUERY = st.lists(
    st.tuples(st.sampled_from(LANDSCAPE_KEYS + NETWORK_KEYS) | st.text(max_size=6), FUZZ_VALUES),
    max_size=6,
).map(lambda items: "&".join(f"{quote(str(k))}={quote(str(v))}" for k, v in items))


def test_every_url_key_of_the_endpoint_survives_fuzz(client, version, caplog):
    answered = []

    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(FUZZ_QUERY)
    def fuzz(query):
        caplog.clear()
        with caplog.at_level(logging.WARNING):
            response = client.get(f"{ENDPOINT}?{query}&v={version}")
        assert response.status_code in (200, 202, 400), (response.status_code, query)
        if response.status_code == 400:
            assert response.get_json()["error"].endswith(".")
        assert not [r for r in caplog.records if r.exc_info], query
        answered.append(response.status_code)

    fuzz()
    assert 200 in answered and 400 in answered, answered


def test_every_url_key_of_the_page_survives_fuzz(client, caplog):
    client.get("/")
    deps = client.get("/_dash-dependencies").get_json()
    router = next(c for c in deps if "_pages_content" in c["output"])

    @settings(
        max_examples=30,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(FUZZ_QUERY)
    def fuzz(query):
        body = {
            "output": router["output"],
            "outputs": [
                {"id": part.rpartition(".")[0], "property": part.rpartition(".")[2]}
                for part in router["output"].strip(".").split("...")
            ],
            "inputs": [
                {"id": "_pages_location", "property": "pathname", "value": "/network"},
                {"id": "_pages_location", "property": "search", "value": "?" + query},
            ],
            "state": [],
            "changedPropIds": ["_pages_location.search"],
        }
        caplog.clear()
        with caplog.at_level(logging.WARNING):
            response = client.post("/_dash-update-component", json=body)
        assert response.status_code == 200, (response.status_code, query)
        assert not [r for r in caplog.records if r.exc_info], query

    fuzz()


def test_documented_hide_groups_match_the_page(client):
    """docs/deploy.md lists exactly the control groups the page marks with data-group."""
    from pathlib import Path

    from serving.warmup import open_page

    docs = Path(__file__).resolve().parent.parent.joinpath("docs", "deploy.md").read_text()
    (row,) = [
        line for line in docs.splitlines() if line.startswith("| ") and "(`/network`)" in line
    ]
    documented = [part.split("`")[1] for part in row.split("|")[2].split("·")]
    state, _ = open_page(client, "/network")
    assert documented == list(state.groups) == ["landscape", "network"]
