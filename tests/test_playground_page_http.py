"""The playground page over HTTP (Flask test client), as the browser calls it: the thin
training callback, the comparison callback and the run / comparison data endpoints."""

from __future__ import annotations

import gzip
import json
import time
from typing import Any
from urllib.parse import urlencode

import numpy as np
import pytest
from dash_http import find_callback, post_callback
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from components.encoding import unpack
from playground import PlaygroundConfig, train, train_inits
from serving.api import VERSION_KEY
from settings.playground import PlaygroundSettings, from_query

RUN_BUDGET = 1_500_000  # bytes: one whole run as sent (gzip), at the largest network
CALLBACK_BUDGET = 40_000  # bytes: the training callback's JSON (messages, text panels, URLs)
IMMUTABLE = "public, max-age=31536000, immutable"
LARGEST = {"hidden": "16,16,16,16,16,16", "n": "2000", "epochs": "2000"}


@pytest.fixture(scope="module")
def page_module(dash_app):
    import pages.playground as module  # registered by the app

    return module


@pytest.fixture()
def version(dash_app) -> str:
    return dash_app.server.config[VERSION_KEY]


def control_state(module, settings: PlaygroundSettings | None = None) -> dict[str, Any]:
    """'id.value' for every control of the page, as the layout shows `settings`."""
    settings = settings or PlaygroundSettings()
    values = module.control_values(settings)
    state: dict[str, Any] = {}
    for key in module.CONTROL_KEYS:
        state[f"pg-{key}.value"] = values[key]
    for optimizer, name in module.HP_CONTROLS:
        state[f"pg-hp-{optimizer}-{name}.value"] = values[f"hp.{optimizer}.{name}"]
    for schedule, name in module.SP_CONTROLS:
        state[f"pg-sp-{schedule}-{name}.value"] = values[f"sp.{schedule}.{name}"]
    state["pg-query.data"] = {"train": settings.to_query(view=False), "key": None}
    state["pg-url-messages.data"] = []
    return state


def call_train(client, module, changes: dict[str, Any], stored: dict | None = None, base=None):
    spec = find_callback(client, "pg-run.data")
    values = control_state(module, base)
    values.update({f"pg-{k}.value": v for k, v in changes.items()})
    if stored is not None:
        values["pg-query.data"] = stored
    changed = [f"pg-{k}.value" for k in changes]
    return post_callback(client, spec, values, changed)


def response_props(response) -> dict[str, Any]:
    """{component id: {prop: value}} of a callback response."""
    body = response.get_json()
    return body["response"] if body else {}


def messages_text(props: dict[str, Any]) -> str:
    return json.dumps(props.get("pg-messages", {}).get("children", ""), ensure_ascii=False)


def fetch(client, url: str, gzip_ok: bool = True, wait_s: float = 180.0):
    """GET a data URL as the browser does, asking again while the server says it is training
    it (202 + Retry-After, serving/training_lane.py); (response, decoded body)."""
    headers = {"Accept-Encoding": "gzip"} if gzip_ok else {}
    deadline = time.monotonic() + wait_s
    response = client.get(url, headers=headers)
    while response.status_code == 202 and time.monotonic() < deadline:
        time.sleep(min(float(response.headers["Retry-After"]), 1.0))
        response = client.get(url, headers=headers)
    body = response.data
    if response.headers.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    return response, body


def fetch_run(client, url: str) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    response, body = fetch(client, url)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return unpack(body)


def run_store(props: dict[str, Any]) -> dict[str, Any]:
    return props["pg-run"]["data"]


# ---- the training callback: small JSON naming the run -----------------------------------------


def test_page_is_served(client):
    response = client.get("/playground")
    assert response.status_code == 200


def test_initial_call_names_the_run_and_sends_no_figures(client, page_module):
    spec = find_callback(client, "pg-run.data")
    response = post_callback(client, spec, control_state(page_module), [])
    assert response.status_code == 200
    assert len(response.data) <= CALLBACK_BUDGET, f"{len(response.data):,} bytes"
    props = response_props(response)
    store = run_store(props)
    assert store["kind"] == "run"
    default = PlaygroundConfig()
    assert store["layers"] == [2, *default.hidden, 1]
    assert store["plannedEpochs"] == default.epochs
    assert store["key"] == PlaygroundSettings().cache_key()
    assert "figures" not in store and "weights" not in store
    (url,) = store["fetch"]
    assert url.startswith("/api/playground/run.bin?v=")
    assert props["pg-query"]["data"] == {"train": "", "key": PlaygroundSettings().cache_key()}
    assert messages_text(props) == "[]"
    # What the URL names is the whole playback of that run.
    meta, arrays = fetch_run(client, url)
    assert meta["layers"] == store["layers"] and meta["key"] == store["key"]
    frames = len(arrays["frameEpochs"])
    assert arrays["theta"].shape == (frames, meta["parameterCount"])
    assert meta["parameterOffsets"][-1][-1] == meta["parameterCount"]


def test_valid_change_names_a_new_run(client, page_module):
    response = call_train(client, page_module, {"data": "xor", "init": "too_small"})
    assert response.status_code == 200
    props = response_props(response)
    assert "data=xor" in props["pg-query"]["data"]["train"]
    assert "init=too_small" in props["pg-query"]["data"]["train"]
    store = run_store(props)
    assert store["key"] == props["pg-query"]["data"]["key"]
    assert "data=xor" in store["fetch"][0] and "init=too_small" in store["fetch"][0]
    assert len(response.data) <= CALLBACK_BUDGET
    assert "Too small" in json.dumps(props["pg-init-info"]["children"])
    # A scheme change resets the scale box to the scheme's own scale.
    assert props["pg-scale"]["value"] == ""
    assert props["pg-scale"]["placeholder"] == "0.01"


def test_formulas_are_tex_for_katex_not_markdown(client, page_module):
    props = response_props(call_train(client, page_module, {"act": "tanh"}))
    for panel in ("pg-init-info", "pg-act-info", "pg-opt-info"):
        text = json.dumps(props[panel]["children"])
        assert '"className": "tex"' in text, panel
        assert "$" not in text.replace("\\\\$", ""), panel
    assert "\\\\tanh" in json.dumps(props["pg-act-info"]["children"])


@pytest.mark.parametrize(
    ("changes", "bad_key", "words"),
    [
        ({"lr": "abc"}, "lr", "not a number"),
        ({"lr": "nan"}, "lr", "finite"),
        ({"lr": "-3"}, "lr", "out of range"),
        ({"hidden": "0"}, "hidden", "Hidden layers"),
        ({"hidden": "9,9,9,9,9,9,9"}, "hidden", "7 layers"),
        ({"hidden": "<b>6</b>"}, "hidden", "Hidden layers"),
        ({"epochs": "1e12"}, "epochs", "out of range"),
        ({"noise": ""}, "noise", "enter a number"),
        ({"keep": "0"}, "keep", "out of range"),
        ({"batch": "-1"}, "batch", "Batch size"),
        ({"seed": "1.5"}, "seed", "whole number"),
    ],
)
def test_bad_value_returns_a_message_and_keeps_the_last_good_run(
    client, page_module, changes, bad_key, words
):
    good = from_query("data=moons")[0]
    stored = {"train": good.to_query(view=False), "key": good.cache_key()}
    response = call_train(client, page_module, changes, stored=stored, base=good)
    assert response.status_code == 200
    props = response_props(response)
    assert words in messages_text(props)
    assert "pg-run" not in props  # no new run: the page keeps the last good one
    assert "pg-query" not in props
    assert props[f"pg-{bad_key}"]["className"] == "pg-input invalid"


def test_bad_value_next_to_a_good_change(client, page_module):
    response = call_train(client, page_module, {"lr": "zero", "data": "spiral"})
    assert response.status_code == 200
    props = response_props(response)
    assert "not a number" in messages_text(props)
    assert "data=spiral" in props["pg-query"]["data"]["train"]
    assert "lr=" not in props["pg-query"]["data"]["train"]
    assert "lr=" not in run_store(props)["fetch"][0]


@pytest.mark.parametrize(
    "changes",
    [
        {"data": "<script>alert(1)</script>"},
        {"data": 7},
        {"act": ["relu"]},
        {"opt": {"id": "adam"}},
        {"init": None},
        {"sched": True},
        {"lr": [1, 2]},
        {"hidden": {"a": 1}},
        {"epochs": 1e308},
        {"n": -1},
    ],
)
def test_wrong_types_never_give_a_500(client, page_module, changes):
    response = call_train(client, page_module, changes)
    assert response.status_code == 200
    assert messages_text(response_props(response)) != "[]"


def test_hostile_state_never_gives_a_500(client, page_module):
    for stored in ({"train": "lr=%%%", "key": 3}, "garbage", None, {"train": ["x"]}):
        response = call_train(client, page_module, {"data": "blobs"}, stored=stored)
        assert response.status_code == 200


def test_optimizer_hyperparameters_and_schedule_parameters(client, page_module):
    spec = find_callback(client, "pg-run.data")
    values = control_state(page_module)
    values.update(
        {
            "pg-opt.value": "adam",
            "pg-hp-adam-beta1.value": "0.8",
            "pg-sched.value": "step",
            "pg-sp-step-every.value": "2.5",  # not a whole number
            "pg-hp-momentum-alpha.value": "junk",  # not the selected optimizer: ignored
        }
    )
    response = post_callback(client, spec, values, ["pg-opt.value"])
    assert response.status_code == 200
    props = response_props(response)
    assert "whole number" in messages_text(props)
    assert "junk" not in messages_text(props)
    assert "hp.beta1=0.8" in props["pg-query"]["data"]["train"]
    assert props["pg-sp-step-every"]["className"] == "pg-input invalid"
    assert props["pg-hp-momentum-alpha"]["className"] == "pg-input"


def test_lookaheads_inner_rule_is_a_dropdown_of_rule_ids(client, page_module):
    values = page_module.control_values(PlaygroundSettings())
    assert values["hp.lookahead.inner"] == "adam"  # the default, by its id
    response = call_train(
        client, page_module, {"opt": "lookahead", "hp-lookahead-inner": "rmsprop"}
    )
    assert response.status_code == 200
    props = response_props(response)
    assert "hp.inner=rmsprop" in props["pg-query"]["data"]["train"]
    assert props["pg-hp-lookahead-inner"]["className"] == "pg-choice"
    bad = response_props(
        call_train(client, page_module, {"opt": "lookahead", "hp-lookahead-inner": "nope"})
    )
    assert "unknown choice" in messages_text(bad)
    assert bad["pg-hp-lookahead-inner"]["className"] == "pg-choice invalid"


# ---- the run endpoint ---------------------------------------------------------------------------


def test_every_epoch_is_a_frame(client, version):
    meta, arrays = fetch_run(client, f"/api/playground/run.bin?v={version}")
    assert meta["plannedEpochs"] == 500 and meta["lastEpoch"] == 500
    np.testing.assert_array_equal(arrays["frameEpochs"], np.arange(501))  # 500 epochs, 501 frames
    assert arrays["trainLoss"].shape == (501,)
    # Beyond 1000 epochs: evenly spaced, at most 1001 frames, never fewer than 500.
    _, arrays = fetch_run(client, f"/api/playground/run.bin?epochs=1500&v={version}")
    epochs = arrays["frameEpochs"]
    assert 500 <= len(epochs) <= 1001 and epochs[0] == 0 and epochs[-1] == 1500
    assert len(set(np.diff(epochs[:-1]).tolist())) == 1
    assert arrays["trainLoss"].shape == (1501,)  # the curves keep every epoch


def test_too_large_init_explosion_is_in_the_first_frames(client, version):
    """The too-large scheme's loss explodes within 3 epochs and collapses at epoch 5: with
    every epoch a frame the playback shows it (10-epoch frames hid it between frames 0 and 1)."""
    query = "hidden=8,8,8,8&init=too_large"
    _, arrays = fetch_run(client, f"/api/playground/run.bin?{query}&v={version}")
    np.testing.assert_array_equal(arrays["frameEpochs"][:6], np.arange(6))
    loss = arrays["trainLoss"][arrays["frameEpochs"][:6]]
    assert loss[0] > 1000
    assert loss[1:4].max() > 100 * loss[0]  # the explosion, frame by frame
    assert loss[5] < 1.0  # … and its collapse two frames later
    theta = arrays["theta"]
    step = np.abs(np.diff(theta[:6], axis=0)).max(axis=1)
    assert (step > 0).all()  # the weights move in every one of those frames


def test_run_matches_the_engine(client, version):
    settings = from_query("data=moons&seed=3&keep=0.8&act=tanh")[0]
    meta, arrays = fetch_run(
        client, f"/api/playground/run.bin?{settings.to_query(view=False)}&v={version}"
    )
    engine = train(settings.config)
    np.testing.assert_array_equal(arrays["frameEpochs"], engine.snapshot_epochs)
    assert meta["layers"] == list(engine.layer_sizes)
    assert meta["activation"] == "tanh" and meta["keepProb"] == pytest.approx(0.8)
    assert meta["activationParams"] == {"leakySlope": 0.1, "eluAlpha": 1.0}
    assert meta["box"] == [list(axis) for axis in engine.dataset.box]
    assert meta["gridSize"] == engine.config.grid_size
    assert meta["divergedAt"] is None and meta["nonFinite"] is False
    # θ of every frame within the delta8 bound max|Δ| / 254 per segment (W_l and b_l).
    theta = arrays["theta"]
    for layer, (w0, b0, end) in enumerate(meta["parameterOffsets"]):
        for start, stop, exact in (
            (w0, b0, engine.weights[layer].reshape(engine.n_snapshots, -1)),
            (b0, end, engine.biases[layer]),
        ):
            got = theta[:, start:stop]
            # (the encoder's own error adds to each delta: hence the 1 %; float32 rounding)
            bound = np.abs(np.diff(exact, axis=0)).max(axis=1) / 254 * 1.01
            bound += 1e-6 * (1 + np.abs(exact[1:]).max(axis=1))
            np.testing.assert_array_equal(got[0], exact[0])
            assert (np.abs(got[1:] - exact[1:]).max(axis=1) <= bound).all()
    # The tiles' numbers: the engine's per-epoch values, every epoch.
    for name, values in (
        ("trainLoss", engine.train_loss),
        ("testLoss", engine.test_loss),
        ("trainAccuracy", engine.train_accuracy),
        ("testAccuracy", engine.test_accuracy),
    ):
        assert arrays[name].dtype == np.float64
        np.testing.assert_array_equal(arrays[name], values.astype(np.float64))
    np.testing.assert_array_equal(arrays["learningRate"], engine.learning_rate)
    np.testing.assert_array_equal(arrays["gradNorms"], engine.grad_norms)
    np.testing.assert_array_equal(arrays["weightNorms"], engine.weight_norms)
    np.testing.assert_array_equal(arrays["xTrain"], engine.dataset.x_train)
    np.testing.assert_array_equal(arrays["yTrain"], engine.dataset.y_train.astype(np.uint8))
    np.testing.assert_array_equal(arrays["xTest"], engine.dataset.x_test)
    np.testing.assert_array_equal(arrays["yTest"], engine.dataset.y_test.astype(np.uint8))
    assert "boundary" not in arrays and "grads" not in arrays  # the browser computes those


def test_run_endpoint_is_immutable_and_versioned(client, version):
    url = f"/api/playground/run.bin?data=xor&v={version}"
    response, body = fetch(client, url)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == IMMUTABLE
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.headers["Vary"] == "Accept-Encoding"
    again, _ = fetch(client, url)
    assert again.headers["X-Lossviz-Cache"] == "hit"
    assert again.headers["ETag"] == response.headers["ETag"]
    plain, plain_body = fetch(client, url, gzip_ok=False)
    assert "Content-Encoding" not in plain.headers and plain_body == body
    # An old deploy's URL is still answered, but not as immutable.
    stale, stale_body = fetch(client, "/api/playground/run.bin?data=xor&v=old-deploy")
    assert stale.status_code == 200 and stale.headers["Cache-Control"] == "no-cache"
    assert stale_body == body
    # Spellings of one setting share the server's cache entry (the canonical key).
    other, other_body = fetch(client, f"/api/playground/run.bin?data=xor&lr=0.10&v={version}")
    assert other.headers["X-Lossviz-Cache"] == "hit" and other_body == body


@pytest.mark.parametrize(
    "query",
    [
        "lr=abc",
        "lr=nan",
        "hidden=0",
        "hidden=99",
        "zzz=1",
        "data=%3Cscript%3E",
        "%%%&&==",
        "epochs=2000&batch=1&n=2000",
        "neuron=9-9",
        "a" * 5000,
    ],
)
def test_unusable_settings_are_a_400_with_a_sentence(client, version, query):
    for path in ("run.bin", "compare.bin"):
        response = client.get(f"/api/playground/{path}?{query}&v={version}")
        assert response.status_code == 400, (path, query)
        error = response.get_json()["error"]
        assert isinstance(error, str) and error.endswith(".") and len(error) < 400


def test_a_query_over_the_bound_is_refused_before_parsing(client, version):
    """Over serving/security.py's 8 KB: 414, whatever the endpoint."""
    for path in ("run.bin", "compare.bin"):
        response = client.get(f"/api/playground/{path}?{'a' * 9000}&v={version}")
        assert response.status_code == 414


_KEYS = ["data", "n", "hidden", "lr", "epochs", "batch", "act", "init", "keep", "v", "zz", ""]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.one_of(
        st.text(max_size=60),
        st.lists(st.tuples(st.sampled_from(_KEYS), st.text(max_size=12)), max_size=4).map(
            urlencode
        ),
    )
)
def test_garbage_never_gives_a_500(client, query):
    response = client.get("/api/playground/run.bin?" + query)
    assert response.status_code in (200, 400), (query, response.status_code)
    if response.status_code == 400:
        assert isinstance(response.get_json()["error"], str)
    else:
        assert response.data[:4] == b"LVZ1" or gzip.decompress(response.data)[:4] == b"LVZ1"


def test_largest_network_fits_the_budget(client, page_module):
    """6 hidden layers × 16 neurons, 2000 points, 2000 epochs: one run ≤ 1.5 MB as sent."""
    response = call_train(client, page_module, LARGEST)
    assert response.status_code == 200
    props = response_props(response)
    assert messages_text(props) == "[]"
    store = run_store(props)
    assert store["layers"] == [2, 16, 16, 16, 16, 16, 16, 1]
    assert len(response.data) <= CALLBACK_BUDGET
    sent, body = fetch(client, store["fetch"][0])
    size = len(sent.data)  # gzip, as the app (and nginx) sends it
    print(f"largest run: {len(body):,} bytes raw, {size:,} bytes gzip")
    assert sent.headers["Content-Encoding"] == "gzip"
    assert size <= 1.5e6, f"{size:,} bytes"
    meta, arrays = unpack(body)
    assert 500 <= len(arrays["frameEpochs"]) <= 1001
    assert arrays["theta"].shape[1] == meta["parameterCount"] == 1425


# ---- the comparison -----------------------------------------------------------------------------


def test_comparison_is_named_only_when_open(client, page_module):
    spec = find_callback(client, "pg-cmp.data")
    settings = from_query("data=xor&init=too_small")[0]
    stored = {"train": settings.to_query(view=False), "key": settings.cache_key()}
    closed = post_callback(
        client,
        spec,
        {"pg-tab.value": "train", "pg-query.data": stored, "pg-cmp-key.data": None},
        ["pg-tab.value"],
    )
    assert closed.status_code == 204  # nothing named while the tab is closed
    response = post_callback(
        client,
        spec,
        {"pg-tab.value": "compare", "pg-query.data": stored, "pg-cmp-key.data": None},
        ["pg-tab.value"],
    )
    assert response.status_code == 200
    assert len(response.data) <= CALLBACK_BUDGET
    props = response_props(response)
    store = props["pg-cmp"]["data"]
    assert [s["id"] for s in store["schemes"]] == ["zero", "too_small", "appropriate", "too_large"]
    (url,) = store["fetch"]
    assert url.startswith("/api/playground/compare.bin?data=xor")
    assert "init=" not in url  # the comparison trains every scheme: one URL whatever is chosen
    again = post_callback(
        client,
        spec,
        {
            "pg-tab.value": "compare",
            "pg-query.data": stored,
            "pg-cmp-key.data": props["pg-cmp-key"]["data"],
        },
        ["pg-query.data"],
    )
    assert again.status_code == 204  # same settings: the browser keeps what it has


def test_comparison_holds_the_four_schemes_of_the_engine(client, version):
    settings = from_query("data=xor")[0]
    response, body = fetch(client, f"/api/playground/compare.bin?data=xor&v={version}")
    assert response.status_code == 200 and response.headers["Cache-Control"] == IMMUTABLE
    assert len(response.data) <= RUN_BUDGET
    meta, arrays = unpack(body)
    assert [s["id"] for s in meta["schemes"]] == ["zero", "too_small", "appropriate", "too_large"]
    runs = train_inits(settings.config)
    for index, scheme in enumerate(meta["schemes"]):
        run = runs[scheme["id"]]
        prefix = f"s{index}."
        np.testing.assert_array_equal(arrays[prefix + "frameEpochs"], run.snapshot_epochs)
        np.testing.assert_array_equal(arrays[prefix + "trainLoss"], run.train_loss)
        np.testing.assert_array_equal(arrays[prefix + "firstGradNorm"], run.grad_norms[:, 0])
        np.testing.assert_array_equal(arrays[prefix + "theta"][0, :16], run.weights[0][0].ravel())
        assert scheme["divergedAt"] == run.diverged_at
    np.testing.assert_array_equal(arrays["xTrain"], runs["zero"].dataset.x_train)


def test_comparison_with_hostile_state(client, page_module):
    spec = find_callback(client, "pg-cmp.data")
    for stored in ("x", {"key": "k", "train": 5}, {"key": "k", "train": "lr=nan"}):
        response = post_callback(
            client,
            spec,
            {"pg-tab.value": "compare", "pg-query.data": stored, "pg-cmp-key.data": None},
            ["pg-tab.value"],
        )
        assert response.status_code in (200, 204)


# ---- links ------------------------------------------------------------------------------------


def test_hostile_link_renders_the_page_with_messages(client, page_module):
    spec = find_callback(client, "_pages_content.children")
    for search in ("?lr=nan&hidden=0&data=<x>&zzz=1", "?" + "a" * 9000, "?%%%&&=="):
        response = post_callback(
            client,
            spec,
            {"_pages_location.pathname": "/playground", "_pages_location.search": search},
            ["_pages_location.search"],
        )
        assert response.status_code == 200
        assert "pg-controls" in response.get_data(as_text=True)


def test_link_reproduces_the_settings(client, page_module):
    spec = find_callback(client, "_pages_content.children")
    search = "?data=spiral&hidden=8,8,4&act=tanh&lr=0.03&view=gradients&tab=compare"
    response = post_callback(
        client,
        spec,
        {"_pages_location.pathname": "/playground", "_pages_location.search": search},
        ["_pages_location.search"],
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    for fragment in ('"value":"spiral"', '"value":"8,8,4"', '"value":"tanh"', '"value":"0.03"'):
        assert fragment in text
    assert '"data-view":"gradients"' in text
    assert '"data-tab":"compare"' in text
    # The layout names the link's run, so the browser fetches it without waiting.
    assert "playground\\u002frun.bin?data=spiral&hidden=8,8,4" in text
    assert "dcc.Graph" not in text and '"type":"Graph"' not in text


@pytest.mark.parametrize("text", ["-0", "-0.0", "-0e5"])
def test_minus_zero_is_zero(client, version, text):
    """−0 passes `>= 0` but NumPy's samplers refuse it: it reads as 0, on the page and in a
    run URL (it showed "Something went wrong")."""
    settings, messages, _ = from_query(urlencode({"noise": text}))
    assert messages == [] and settings == from_query("noise=0")[0]
    assert str(settings.config.noise) == "0.0"
    meta, arrays = fetch_run(client, f"/api/playground/run.bin?noise={text}&v={version}")
    reference, reference_arrays = fetch_run(client, f"/api/playground/run.bin?noise=0&v={version}")
    assert meta == reference
    np.testing.assert_array_equal(arrays["trainLoss"], reference_arrays["trainLoss"])
