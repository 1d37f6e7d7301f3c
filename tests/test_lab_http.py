"""The optimizer lab over HTTP, exactly as the browser uses it: the page's layout, its one thin
callback (validated settings in, a small store naming the data URLs out, never a figure) and
the run endpoint `GET /api/lab/run.bin` those URLs point at."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from urllib.parse import parse_qsl, urlsplit

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lab_http import (
    default_field_values,
    get_data,
    lab_request_body,
    open_lab,
    post,
)

from landscapes import get_landscape
from optimizers import OPTIMIZERS
from optimizers.config import OptimizerConfig
from optimizers.engine import trajectories
from serving.api import IMMUTABLE, VERSION_KEY
from settings.optimizer_lab import LabSettings, from_query

# An LR change answers with the store (≈0.7 KB) and one line of the equations panel; the
# previous design sent a 64 KB figure patch plus the run.
CALLBACK_BUDGET = 3 * 1024
RUN_BUDGET_GZIP = 64 * 1024  # six optimizers × 501 steps as float32 is 36 KB before gzip


def call(client, values, data=None, changed=None, invalid=None):
    response = post(client, lab_request_body(values, data, changed, invalid))
    assert response.status_code in (200, 204), response.data[:500]
    return response


def response_of(response) -> dict:
    return response.get_json()["response"]


def first_data(client, search: str = "") -> dict:
    return open_lab(client, search)["lab-data"]["data"]


def run_url(data: dict) -> str:
    landscape_url, url = data["fetch"]
    assert landscape_url.startswith(f"/api/landscape/{data['landscape']}.bin?v=")
    assert url.startswith("/api/lab/run.bin?")
    return url


def no_figure_anywhere(value) -> bool:
    text = json.dumps(value)
    return '"figure"' not in text and "__dash_patch_update" not in text


def test_first_open_names_the_default_run_without_a_figure(client):
    page = open_lab(client)
    data = page["lab-data"]["data"]
    assert [r["id"] for r in data["rows"] if r["enabled"]] == ["gd", "momentum", "rmsprop", "adam"]
    assert (
        len(data["rows"]) == len(OPTIMIZERS) and data["view"] == "contour" and data["steps"] == 500
    )
    assert page["lab-messages"]["children"] == []
    assert page["lab-formula"]["children"] == get_landscape("himmelblau").latex
    _, meta, arrays = get_data(client, run_url(data))
    assert [r["id"] for r in meta["runs"]] == ["gd", "momentum", "rmsprop", "adam"]
    assert arrays["gd.path"].shape == (501, 2) and arrays["gd.gap"].shape == (501,)
    _, landscape, grid = get_data(client, data["fetch"][0])
    assert landscape["id"] == "himmelblau" and grid["level"].shape == (180, 180)
    assert no_figure_anywhere(page)


def test_the_run_sent_is_the_engine_run(client):
    data = first_data(client)
    _, meta, arrays = get_data(client, run_url(data))
    lab = LabSettings.default()
    j_star = get_landscape(lab.landscape).min_value
    expected = trajectories(
        lab.landscape,
        lab.start,
        [OptimizerConfig.default(o.id) for o in lab.enabled],
        lab.steps,
    )
    for sent, engine in zip(meta["runs"], expected, strict=True):
        assert sent["id"] == engine.optimizer
        path = arrays[f"{engine.optimizer}.path"]
        np.testing.assert_allclose(path, engine.path, rtol=1e-6, atol=1e-6)
        gap = arrays[f"{engine.optimizer}.gap"].astype(np.float64)
        # J − J* in float64, then float32: relative precision even for gaps of 1e-20.
        np.testing.assert_allclose(gap, engine.loss - j_star, rtol=1e-6, atol=0)
        # What a student reads is the engine's float64, exactly.
        assert sent["final_loss"] == float(engine.loss[-1])
        assert sent["final_point"] == [float(v) for v in engine.path[-1]]
        assert sent["diverged_at"] == engine.diverged_at
        assert sent["points"] == len(engine.loss)
        if sent["lr_constant"] is None:
            np.testing.assert_allclose(arrays[f"{engine.optimizer}.lr"], engine.lr, rtol=1e-7)
        else:
            assert np.all(engine.lr == sent["lr_constant"])
    rows = meta["table"]["rows"]
    assert [r["id"] for r in rows] == [t.optimizer for t in expected]
    assert rows[0]["cells"][1] == f"{expected[0].loss[-1]:.6g}"
    assert meta["table"]["columns"][1] == "J after 500 steps"


def test_the_stability_arrays_are_each_paths_own(client):
    """GD's and momentum's curvature, computed for both paths in one call, per path; at the
    longest runs too (two paths of 5001 points)."""
    from optimizers.stability import lambda_max

    for query in ("?landscape=bowl", "?landscape=himmelblau&steps=5000"):
        data = first_data(client, query)
        _, meta, arrays = get_data(client, run_url(data))
        for optimizer in ("gd", "momentum"):
            np.testing.assert_allclose(
                arrays[f"{optimizer}.curvature"],
                lambda_max(data["landscape"], arrays[f"{optimizer}.path"].astype(np.float64)),
                rtol=1e-4,
            )
        assert "adam.curvature" not in arrays
        (gd,) = [r for r in meta["runs"] if r["id"] == "gd"]
        assert gd["stability"]["limit"] == 2


def test_lookahead_sends_the_steps_of_its_slow_weights(client):
    data = first_data(client, "?lookahead.on=1&lookahead.k=7&steps=100")
    _, _, arrays = get_data(client, run_url(data))
    np.testing.assert_array_equal(arrays["lookahead.slow_steps"], np.arange(0, 101, 7))
    assert arrays["lookahead.slow_steps"].dtype == np.int32
    assert not any(key.endswith(".slow_steps") and key != "lookahead.slow_steps" for key in arrays)


def test_a_schedule_sends_its_learning_rates(client):
    settings = LabSettings.default()
    rows = tuple(
        replace(r, schedule="inverse_time", schedule_params=(("decay_rate", 0.05),))
        if r.id == "gd"
        else r
        for r in settings.optimizers
    )
    settings = replace(settings, optimizers=rows)
    data = first_data(client, "?" + settings.to_query())
    _, meta, arrays = get_data(client, run_url(data))
    gd = next(r for r in meta["runs"] if r["id"] == "gd")
    assert gd["lr_constant"] is None
    lr = arrays["gd.lr"]
    assert lr.shape == (500,)
    np.testing.assert_allclose(lr[:3], [0.001 / (1 + 0.05 * t) for t in range(3)], rtol=1e-6)


def test_lr_change_answers_small_with_no_figure_and_is_cached(client):
    values = default_field_values()
    data = first_data(client)
    values["gd.lr"] = "0.0042"
    first = call(client, values, data, "gd.lr")
    assert len(first.data) <= CALLBACK_BUDGET, len(first.data)
    assert first.headers["X-Lossviz-Cache"] == "miss"
    body = response_of(first)
    assert no_figure_anywhere(body)
    new = body["lab-data"]["data"]
    assert "gd.lr=0.0042" in new["query"]
    assert ("gd.lr", "0.0042") in parse_qsl(urlsplit(run_url(new)).query)
    # Same landscape: its formula and note are not sent again.
    assert "lab-formula" not in body and "lab-note" not in body
    again = call(client, values, data, "gd.lr")
    assert again.headers["X-Lossviz-Cache"] == "hit"
    fetched, meta, _ = get_data(client, run_url(new))
    assert len(fetched.data) <= RUN_BUDGET_GZIP
    assert meta["runs"][0]["id"] == "gd"
    assert get_data(client, run_url(new))[0].headers["X-Lossviz-Cache"] == "hit"


def eq_key(optimizer_id: str, part: str) -> str:
    return f"lab-eq-{optimizer_id}-{part}"


def test_the_equations_send_only_what_changed(client):
    values = default_field_values()
    data = first_data(client)
    values["gd.lr"] = "0.0042"
    body = response_of(call(client, values, data, "gd.lr"))
    # One line of text: GD's numbers. The typeset formulas stay as they are.
    assert body[eq_key("gd", "values")]["children"] == "with η₀ = 0.0042"
    assert [k for k in body if "lab-eq" in k] == [eq_key("gd", "values")]
    values["steps"] = "300"
    body = response_of(call(client, values, body["lab-data"]["data"], "steps"))
    assert not [k for k in body if "lab-eq" in k]  # the steps are in no update rule
    assert body["lab-data"]["data"]["steps"] == 300
    data = body["lab-data"]["data"]
    values["adam.beta1"] = "0.8"
    values["nesterov.on"] = ["on"]
    values["gd.schedule"] = "exponential"
    values["noise"] = "0.1"
    body = response_of(call(client, values, data, "adam.beta1"))
    assert "β₁ = 0.8" in body[eq_key("adam", "values")]["children"]
    assert body[eq_key("nesterov", "block")]["hidden"] is False
    schedule = json.dumps(body[eq_key("gd", "schedule")]["children"], ensure_ascii=False)
    assert "Exponential" in schedule and "e^{-k" in schedule
    assert "\\sigma" in json.dumps(body["lab-gradient"]["children"])
    # The new schedule's parameter boxes come as one patch of GD's row (its own test below).
    table_patch = body.pop("lab-table")["children"]
    assert len(json.dumps(table_patch)) <= 1024
    assert len(json.dumps(body)) <= CALLBACK_BUDGET


def test_a_schedule_change_sends_only_that_rows_parameter_boxes(client):
    """The table holds each row's chosen schedule's boxes only; choosing another sends that
    row's schedule cell (a Patch), at the schedule's defaults, and nothing else of the table."""
    values = default_field_values()
    assert not [k for k in values if k.startswith("gd.step.")]  # not chosen: not in the page
    data = first_data(client)
    values["gd.schedule"] = "step"
    response = call(client, values, data, "gd.schedule")
    # The store, the equations' schedule line and ≤ 1 KB of boxes.
    assert len(response.data) <= CALLBACK_BUDGET + 1024, len(response.data)
    body = response_of(response)
    patch = body["lab-table"]["children"]
    assert patch["__dash_patch_update"] == "__dash_patch_update"
    (operation,) = patch["operations"]
    gd_row = 1 + [row["id"] for row in body["lab-data"]["data"]["rows"]].index("gd")
    assert operation["operation"] == "Assign"
    assert operation["location"] == ["props", "children", gd_row, "props", "children", 3]
    cell = json.dumps(operation["params"]["value"])
    keys = re.findall(r'"key": "([^"]+)"', cell)
    assert keys == ["gd.step.factor", "gd.step.every"]
    assert '"value": "0.5"' in cell and '"value": "100"' in cell  # the schedule's defaults


def test_landscape_change_sends_its_formula_and_new_urls(client):
    values = default_field_values()
    data = first_data(client)
    values["landscape"] = "rosenbrock"
    response = call(client, values, data, "landscape")
    assert len(response.data) <= CALLBACK_BUDGET, len(response.data)
    body = response_of(response)
    rosenbrock = get_landscape("rosenbrock")
    new = body["lab-data"]["data"]
    assert new["landscape"] == "rosenbrock"
    assert new["fetch"][0].startswith("/api/landscape/rosenbrock.bin?v=")
    assert body["lab-formula"]["children"] == rosenbrock.latex
    assert body["lab-note"]["children"] == rosenbrock.note
    assert new["start"] == list(rosenbrock.start)  # its own default start
    assert no_figure_anywhere(body)


def test_a_typed_start_moves_the_run(client):
    values = default_field_values()
    data = first_data(client)
    values["w1"], values["w2"] = "1.250", "-2.5"
    moved = response_of(call(client, values, data, "w1"))
    # The boxes show the canonical numbers (the browser writes them from the store).
    assert moved["lab-data"]["data"]["start_text"] == ["1.25", "-2.5"]
    _, meta, arrays = get_data(client, run_url(moved["lab-data"]["data"]))
    np.testing.assert_allclose(arrays["gd.path"][0], [1.25, -2.5])
    assert meta["start"] == [1.25, -2.5]


def test_a_fixed_value_clears_its_message(client):
    values = default_field_values()
    data = first_data(client)
    body = response_of(call(client, dict(values, **{"gd.lr": "banana"}), data, "gd.lr"))
    assert "not a number" in json.dumps(body["lab-messages"])
    assert body["lab-invalid"]["data"] == ["gd.lr"]
    fixed = response_of(call(client, dict(values, **{"gd.lr": "0.002"}), data, "gd.lr", ["gd.lr"]))
    assert fixed["lab-messages"]["children"] == []
    assert fixed["lab-invalid"]["data"] == []
    # A link's own complaints stay until the first change, then go.
    page = open_lab(client, "?gd.lr=banana")
    assert "not a number" in json.dumps(page["lab-messages"])
    linked = page["lab-data"]["data"]
    # The controls' first report (the link's settings, nothing changed) keeps them.
    same = response_of(call(client, values, linked, "steps", ["link"]))
    assert "lab-messages" not in same and "lab-invalid" not in same
    clean = response_of(call(client, dict(values, steps="400"), linked, "steps", ["link"]))
    assert clean["lab-messages"]["children"] == [] and clean["lab-invalid"]["data"] == []


def test_bad_values_get_messages_never_a_500(client):
    values = default_field_values()
    data = first_data(client)
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
        body = response_of(call(client, broken, data, key))
        assert body["lab-messages"]["children"], (key, bad)
        assert key in body["lab-invalid"]["data"], (key, bad)
        # The last good run stays: the store is not touched.
        assert "lab-data" not in body, (key, bad)


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
    state=st.one_of(
        st.none(),
        st.just("default"),
        st.text(max_size=20),
        st.dictionaries(st.sampled_from(["query", "fetch", "x"]), st.text(max_size=40)),
    ),
)
def test_hypothesis_garbage_never_breaks_the_callback(client, key, value, state):
    values = dict(default_field_values(), **{key: value})
    data = {"query": ""} if state == "default" else state
    response = post(client, lab_request_body(values, data, key))
    assert response.status_code in (200, 204)
    if response.status_code == 200:
        assert no_figure_anywhere(response.get_json())


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
    # Over the app's query bound (serving/security.py): refused before any parsing.
    assert client.get("/api/lab/run.bin?gd.lr=" + "9" * 9000).status_code == 414


# ---- the run endpoint ------------------------------------------------------------------------
def test_the_run_get_is_immutable_and_versioned(client, dash_app):
    version = dash_app.server.config[VERSION_KEY]
    url = run_url(first_data(client))
    assert dict(parse_qsl(urlsplit(url).query))["v"] == version
    current, _, _ = get_data(client, url)
    assert current.headers["Cache-Control"] == IMMUTABLE
    assert current.headers["Content-Encoding"] == "gzip"
    assert current.headers["Vary"] == "Accept-Encoding"
    stale_url = url.replace(f"v={version}", "v=old-deploy")
    stale, _, _ = get_data(client, stale_url)
    assert stale.headers["Cache-Control"] == "no-cache"  # answered, never kept forever
    assert stale.headers["ETag"] == current.headers["ETag"]
    plain = client.get(url)  # no gzip accepted: the same container, decompressed
    assert "Content-Encoding" not in plain.headers and plain.data[:4] == b"LVZ1"


def test_every_landscape_view_and_noise_runs(client):
    for query in (
        "landscape=rosenbrock&gd.lr=0.001&steps=3000",
        "landscape=bowl&gd.lr=1.5",  # GD diverges
        "noise=0.5&seed=3&adam.on=0",
        "gd.on=0&momentum.on=0&rmsprop.on=0&adam.on=0",  # nothing enabled: an empty run
    ):
        settings, messages, _ = from_query(query)
        assert messages == []
        data = first_data(client, "?" + query)
        _, meta, arrays = get_data(client, run_url(data))
        assert [r["id"] for r in meta["runs"]] == [o.id for o in settings.enabled]
        assert len(arrays) >= 2 * len(meta["runs"])
    _, meta, _ = get_data(client, run_url(first_data(client, "?landscape=bowl&gd.lr=1.5")))
    gd = next(r for r in meta["runs"] if r["id"] == "gd")
    assert gd["diverged_at"] is not None
    assert meta["table"]["rows"][0]["outcome"] == {
        "text": f"diverged at step {gd['diverged_at']}",
        "kind": "bad",
    }


def test_a_hostile_run_query_gets_a_400_sentence(client):
    for query in (
        "gd.lr=banana",
        "landscape=../../etc/passwd",
        "steps=1e9",
        "zzz=1",
        "present=1",
        "w1=1e400",
        "gd.lr=" + "9" * 5000,
    ):
        response = client.get(f"/api/lab/run.bin?{query}")
        assert response.status_code == 400, query
        error = response.get_json()["error"]
        assert isinstance(error, str) and error.endswith(".") and len(error) < 400, error
        assert b"Traceback" not in response.data


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    pairs=st.lists(
        st.tuples(
            st.one_of(
                st.sampled_from(["gd.lr", "steps", "landscape", "w1", "adam.on", "v", "noise"]),
                st.text(max_size=12),
            ),
            st.one_of(st.text(max_size=20), st.floats().map(repr), st.integers().map(str)),
        ),
        max_size=6,
    ),
    raw=st.text(max_size=60),
)
def test_hypothesis_garbage_run_queries_never_give_a_500(client, pairs, raw):
    from urllib.parse import quote, urlencode

    for query in (urlencode(pairs), quote(raw, safe="=&%+"), raw.replace("#", "")):
        response = client.get("/api/lab/run.bin?" + query)
        assert response.status_code in (200, 400), (query, response.status_code)
        if response.status_code == 400:
            assert isinstance(response.get_json()["error"], str)
        else:
            assert response.data[:4] == b"LVZ1"


def test_equation_block_names_lookaheads_inner_rule(dash_app):
    from views.lab_panels import equation_blocks

    settings, messages, _ = from_query("lookahead.on=1&lookahead.inner=rmsprop")
    assert messages == []
    block = next(b for b in equation_blocks(settings) if b.id == "lookahead")
    assert block.values["A"] == OPTIMIZERS["rmsprop"].title
    assert block.values["k"] == "5" and block.values["α"] == "0.5"


def test_rejected_input_is_answered_but_never_stored(client):
    """Junk (each request distinct) must not evict the class's real work from the cache."""
    values = default_field_values()
    data = first_data(client)
    bad = dict(values, **{"gd.lr": "banana-7"})
    _first, again = (call(client, bad, data, "gd.lr") for _ in range(2))
    assert "not a number" in json.dumps(response_of(again)["lab-messages"])
    assert again.headers.get("X-Lossviz-Cache") != "hit"
    good = dict(values, **{"gd.lr": "0.00417"})
    call(client, good, data, "gd.lr")
    assert call(client, good, data, "gd.lr").headers.get("X-Lossviz-Cache") == "hit"


def test_a_repeated_run_url_is_answered_without_parsing_its_query(client, monkeypatch):
    """The second GET of a URL answers from the resolution stored by the first (no settings
    parsing): same bytes, same headers. A refused query is never remembered."""
    import serving.api.lab as lab_api

    url = run_url(first_data(client)).replace("v=", "gd.lr=0.0173&v=")
    first, _, _ = get_data(client, url)
    parsed = []
    real_from_query = lab_api.from_query
    monkeypatch.setattr(lab_api, "from_query", lambda q: parsed.append(q) or real_from_query(q))
    again, _, _ = get_data(client, url)
    assert parsed == [] and again.data == first.data
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Cache-Control"] == first.headers["Cache-Control"]

    bad = url.replace("gd.lr=0.0173", "gd.lr=-5")
    for _ in range(2):
        assert client.get(bad).status_code == 400
    assert len(parsed) == 2  # parsed (and refused) both times
    other = url.replace("gd.lr=0.0173", "gd.lr=0.0174")
    assert client.get(other).status_code == 200 and len(parsed) == 3
