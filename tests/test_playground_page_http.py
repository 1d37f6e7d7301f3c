"""The playground page's callbacks over HTTP (Flask test client), as the browser calls them."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import plotly.graph_objects as go
import pytest
from dash_http import find_callback, post_callback

from components.encoding import decode_array
from playground import PlaygroundConfig, activation_maps, train
from settings.playground import PlaygroundSettings, from_query

BUDGET = 1_500_000  # bytes: one whole playback, as sent to the browser


@pytest.fixture(scope="module")
def page_module(dash_app):
    import pages.playground as module  # registered by the app

    return module


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


# ---- the training callback ----------------------------------------------------------------------


def test_page_is_served(client):
    response = client.get("/playground")
    assert response.status_code == 200


def test_initial_call_sends_the_whole_playback(client, page_module):
    spec = find_callback(client, "pg-run.data")
    response = post_callback(client, spec, control_state(page_module), [])
    assert response.status_code == 200
    assert len(response.data) <= BUDGET
    props = response_props(response)
    run = props["pg-run"]["data"]
    assert run["kind"] == "run"
    default = PlaygroundConfig()
    assert run["layers"] == [2, *default.hidden, 1]
    assert run["plannedEpochs"] == default.epochs
    frames = len(run["snapshotEpochs"])
    assert decode_array(run["boundary"]).shape[0] == frames
    for layer, encoded in enumerate(run["weights"]):
        assert decode_array(encoded).shape == (
            frames,
            run["layers"][layer],
            run["layers"][layer + 1],
        )
    assert props["pg-query"]["data"] == {"train": "", "key": PlaygroundSettings().cache_key()}
    assert messages_text(props) == "[]"
    # Every figure the browser will draw is a valid Plotly figure.
    for figure in run["figures"].values():
        go.Figure(figure)


def test_valid_change_returns_a_new_run(client, page_module):
    response = call_train(client, page_module, {"data": "xor", "init": "too_small"})
    assert response.status_code == 200
    props = response_props(response)
    assert "data=xor" in props["pg-query"]["data"]["train"]
    assert "init=too_small" in props["pg-query"]["data"]["train"]
    assert props["pg-run"]["data"]["key"] == props["pg-query"]["data"]["key"]
    assert len(response.data) <= BUDGET
    assert "Too small" in json.dumps(props["pg-init-info"]["children"])
    # A scheme change resets the scale box to the scheme's own scale.
    assert props["pg-scale"]["value"] == ""
    assert props["pg-scale"]["placeholder"] == "0.01"


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


def test_largest_network_fits_the_budget(client, page_module):
    """6 hidden layers × 16 neurons, 2000 points, 2000 epochs: still one playback ≤ 1.5 MB."""
    changes = {"hidden": "16,16,16,16,16,16", "n": "2000", "epochs": "2000"}
    response = call_train(client, page_module, changes)
    assert response.status_code == 200
    props = response_props(response)
    assert messages_text(props) == "[]"
    assert props["pg-run"]["data"]["layers"] == [2, 16, 16, 16, 16, 16, 16, 1]
    assert len(response.data) <= BUDGET, f"{len(response.data):,} bytes"


def test_payload_matches_the_engine(client, page_module):
    settings = from_query("data=moons&seed=3")[0]
    response = call_train(client, page_module, {"data": "moons", "seed": "3"})
    run = response_props(response)["pg-run"]["data"]
    engine = train(settings.config)
    assert run["snapshotEpochs"] == engine.snapshot_epochs.tolist()
    np.testing.assert_array_equal(decode_array(run["boundary"]), engine.boundary_uint8())
    for layer, weights in enumerate(engine.weights):
        np.testing.assert_allclose(decode_array(run["weights"][layer]), weights, rtol=1e-6)
    np.testing.assert_allclose(run["snap"]["trainLoss"][-1], engine.train_loss[-1], rtol=1e-5)
    # The browser's activation maps are a forward pass over this grid: same box as the engine.
    maps = activation_maps(engine, len(engine.snapshot_epochs) - 1, run["activationGrid"])
    assert maps.shape[1:] == (run["activationGrid"], run["activationGrid"])
    assert run["box"] == [list(axis) for axis in engine.dataset.box]


# ---- the comparison callback --------------------------------------------------------------------


def test_comparison_trains_four_schemes_only_when_open(client, page_module):
    spec = find_callback(client, "pg-cmp.data")
    settings = from_query("data=xor")[0]
    stored = {"train": settings.to_query(view=False), "key": settings.cache_key()}
    closed = post_callback(
        client,
        spec,
        {"pg-tab.value": "train", "pg-query.data": stored, "pg-cmp-key.data": None},
        ["pg-tab.value"],
    )
    assert closed.status_code == 204  # nothing computed while the tab is closed
    response = post_callback(
        client,
        spec,
        {"pg-tab.value": "compare", "pg-query.data": stored, "pg-cmp-key.data": None},
        ["pg-tab.value"],
    )
    assert response.status_code == 200
    assert len(response.data) <= BUDGET
    props = response_props(response)
    payload = props["pg-cmp"]["data"]
    assert [s["id"] for s in payload["schemes"]] == [
        "zero",
        "too_small",
        "appropriate",
        "too_large",
    ]
    for figure in payload["figures"].values():
        go.Figure(figure)
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
