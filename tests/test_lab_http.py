"""The optimizer lab's callback over HTTP, exactly as the browser calls it."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lab_http import default_field_values, lab_request_body, move_start_body, post

from components.encoding import decode_array
from optimizers.config import OptimizerConfig
from optimizers.engine import trajectories
from settings.optimizer_lab import LabSettings

LR_CHANGE_BUDGET = 64 * 1024
LANDSCAPE_CHANGE_BUDGET = 400 * 1024


def call(client, values, settings_flat=None, changed=None, **graph):
    response = post(client, lab_request_body(values, settings_flat, changed, **graph))
    assert response.status_code in (200, 204), response.data[:500]
    return response


def response_of(response) -> dict:
    return response.get_json()["response"]


def test_first_call_draws_the_default_page(client):
    response = response_of(call(client, default_field_values()))
    assert response["lab-contour"]["figure"]["data"][0]["type"] == "contour"
    figure = response["lab-landscape"]["figure"]
    assert len(figure["data"]) == 3 + 2 * 6
    run = response["lab-run"]["data"]
    assert [r["id"] for r in run["runs"]] == ["gd", "momentum", "rmsprop", "adam"]
    assert response["lab-messages"]["children"] == []


def test_the_run_sent_is_the_engine_run(client):
    run = response_of(call(client, default_field_values()))["lab-run"]["data"]
    lab = LabSettings.default()
    expected = trajectories(
        lab.landscape,
        lab.start,
        [OptimizerConfig.default(o.id) for o in lab.enabled],
        lab.steps,
    )
    for sent, engine in zip(run["runs"], expected, strict=True):
        path = decode_array(sent["path"])
        np.testing.assert_allclose(path, engine.path, rtol=1e-6, atol=1e-6)
        np.testing.assert_allclose(decode_array(sent["loss"]), engine.loss, rtol=1e-6, atol=1e-12)


def test_lr_change_sends_a_small_patch_and_is_cached(client):
    values = default_field_values()
    settings_flat = response_of(call(client, values))["lab-settings"]["data"]
    values["gd.lr"] = "0.0042"
    first = call(client, values, settings_flat, "gd.lr")
    assert len(first.data) <= LR_CHANGE_BUDGET, len(first.data)
    assert first.headers["X-Lossviz-Cache"] == "miss"
    body = response_of(first)
    assert "gd.lr=0.0042" in body["lab-query"]["data"]
    patch = body["lab-landscape"]["figure"]
    assert patch.get("__dash_patch_update") == "__dash_patch_update"
    again = call(client, values, settings_flat, "gd.lr")
    assert again.headers["X-Lossviz-Cache"] == "hit"


def test_landscape_change_sends_a_new_figure_within_budget(client):
    values = default_field_values()
    settings_flat = response_of(call(client, values))["lab-settings"]["data"]
    values["landscape"] = "rosenbrock"
    response = call(client, values, settings_flat, "landscape")
    assert len(response.data) <= LANDSCAPE_CHANGE_BUDGET, len(response.data)
    body = response_of(response)
    assert body["lab-settings"]["data"]["landscape"] == "rosenbrock"
    assert "Rosenbrock" in body["lab-note"]["children"] or body["lab-formula"]["children"]


def test_click_and_drag_move_the_start(client):
    clicked = post(client, move_start_body(client, click={"x": 1.25, "y": -2.5}))
    values = list(clicked.get_json()["response"].values())
    assert [v["value"] for v in values] == ["1.25", "-2.5"]
    relayout = {"shapes[0].x0": 2.0, "shapes[0].x1": 3.0, "shapes[0].y0": 1.0, "shapes[0].y1": 2.0}
    dragged = post(client, move_start_body(client, relayout=relayout))
    assert [v["value"] for v in dragged.get_json()["response"].values()] == ["2.5", "1.5"]
    # Zooming, autosize or a click with no point is not a start move: nothing changes.
    for relayout in (
        {"xaxis.range[0]": 1},
        {"autosize": True},
        {"shapes[0].x0": "a", "shapes[0].x1": 1, "shapes[0].y0": 1, "shapes[0].y1": 1},
    ):
        assert post(client, move_start_body(client, relayout=relayout)).status_code == 204
    assert post(client, move_start_body(client, click={"points": []})).status_code == 204
    assert post(client, move_start_body(client, click={"x": "left", "y": None})).status_code == 204


def test_a_typed_start_moves_the_run(client):
    values = default_field_values()
    settings_flat = response_of(call(client, values))["lab-settings"]["data"]
    values["w1"], values["w2"] = "1.25", "-2.5"
    moved = response_of(call(client, values, settings_flat, "w1"))
    assert moved["lab-settings"]["data"]["w1"] == "1.25"
    path = decode_array(moved["lab-run"]["data"]["runs"][0]["path"])
    np.testing.assert_allclose(path[0], [1.25, -2.5])


def test_bad_values_get_messages_never_a_500(client):
    values = default_field_values()
    settings_flat = response_of(call(client, values))["lab-settings"]["data"]
    for key, bad in [
        ("gd.lr", "nan"),
        ("gd.lr", "-3"),
        ("steps", "1e9"),
        ("landscape", "../etc"),
        ("adam.beta2", "2"),
        ("noise", "inf"),
        ("w1", "1e400"),
    ]:
        broken = dict(values, **{key: bad})
        body = response_of(call(client, broken, settings_flat, key))
        assert body["lab-messages"]["children"], (key, bad)
        assert body["lab-settings"]["data"] == settings_flat or key == "landscape"


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    key=st.sampled_from(
        [
            "gd.lr",
            "steps",
            "w1",
            "w2",
            "noise",
            "seed",
            "adam.beta1",
            "momentum.alpha",
            "landscape",
            "gd.schedule",
            "rmsprop.on",
            "view",
            "gd.inverse_time.decay_rate",
        ]
    ),
    value=st.one_of(
        st.none(),
        st.text(max_size=30),
        st.floats(),
        st.integers(),
        st.booleans(),
        st.lists(st.text(max_size=5), max_size=3),
        st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    ),
)
def test_hypothesis_garbage_never_breaks_the_callback(client, key, value):
    values = dict(default_field_values(), **{key: value})
    response = post(client, lab_request_body(values, LabSettings.default().to_flat(), key))
    assert response.status_code in (200, 204)


def test_malformed_requests_get_a_400_not_a_500(client):
    for body in (
        b"not json",
        b"{}",
        b'{"output": "nope.children", "outputs": {"id": "nope", "property": "children"}, "inputs": []}',
        b'{"output": 5}',
    ):
        response = client.post(
            "/_dash-update-component", data=body, content_type="application/json"
        )
        assert response.status_code == 400, (body, response.status_code)
        assert b"Traceback" not in response.data
