"""Repeated rows in the optimizer lab: a rule in several rows ("GD η = 0.01" beside "GD η =
0.013"), each with its own key, label, colour, URL keys and cache key; duplicate, add and
remove from the table; the run holds each row's numbers under its key."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lab_http import default_field_values, get_data, lab_request_body, open_lab, post, row_op_body

from components.palette import row_color, row_dash
from optimizers import OPTIMIZERS
from optimizers.config import OptimizerConfig
from optimizers.engine import trajectories
from settings.optimizer_lab import (
    MAX_COPIES,
    LabSettings,
    copy_key,
    from_query,
    known_keys,
    parse_flat,
    split_row_key,
)

RULES = list(OPTIMIZERS)


# ---- settings ------------------------------------------------------------------------------
def test_row_keys_name_the_rule_and_the_copy():
    assert split_row_key("gd") == ("gd", 1)
    assert split_row_key("gd-2") == ("gd", 2) and copy_key("gd", 2) == "gd-2"
    assert split_row_key(copy_key("adam", MAX_COPIES + 1)) == ("adam", MAX_COPIES + 1)
    for bad in ("nope", "gd-1", "gd-0", f"gd-{MAX_COPIES + 2}", "gd-x", "-2", "gd-", "gd--2"):
        assert split_row_key(bad) is None, bad


def test_a_duplicate_copies_the_row_and_round_trips_through_the_url():
    base, _, _ = from_query("gd.lr=0.01&gd.schedule=inverse_time&gd.decay_rate=0.05")
    copied, problem = base.with_copy_of("gd")
    assert problem is None
    assert [o.id for o in copied.optimizers][:2] == ["gd", "gd-2"]
    row = copied.optimizer("gd-2")
    assert row.rule == "gd" and row.number == 2 and row.label == "Gradient descent #2"
    assert row.enabled and row.lr == 0.01 and row.schedule == "inverse_time"
    assert row.schedule_values == {"decay_rate": 0.05}
    changed, messages = parse_flat({"gd-2.lr": "0.013"}, copied)
    assert messages == []
    query = changed.to_query()
    assert "rows=gd-2" in query and "gd-2.lr=0.013" in query
    again, messages, _ = from_query(query)
    assert again == changed and messages == []
    # The copy is in the cache key, under its own key; the original row is unchanged.
    assert "gd-2.lr=0.013,gd-2.schedule=inverse_time,gd-2.decay_rate=0.05" in changed.cache_key()
    assert changed.optimizer("gd").lr == 0.01


def test_adding_a_rule_turns_its_row_on_first_then_adds_a_copy_at_its_defaults():
    lab = LabSettings.default()
    assert not lab.optimizer("lion").enabled
    on, _ = lab.with_row_of("lion")
    assert on.optimizer("lion").enabled and on.copies == ()
    more, problem = on.with_row_of("lion")
    assert problem is None and more.copies == ("lion-2",)
    assert more.optimizer("lion-2").lr == OPTIMIZERS["lion"].learning_rate.default
    assert more.with_row_of("nope")[1] == "There is no optimizer 'nope'."


def test_removing_a_copy_drops_it_and_a_rules_own_row_is_switched_off():
    lab, _, _ = from_query("rows=adam-2,adam-3&adam-3.lr=0.1")
    removed = lab.without_row("adam-2")
    assert removed.copies == ("adam-3",) and removed.optimizer("adam-3").lr == 0.1
    off = removed.without_row("adam")
    assert not off.optimizer("adam").enabled and off.copies == ("adam-3",)
    # The next copy takes the smallest free number.
    again, _ = removed.with_copy_of("adam")
    assert again.copies == ("adam-2", "adam-3")


def test_the_table_holds_at_most_max_copies_extra_rows():
    lab = LabSettings.default()
    for _ in range(MAX_COPIES):
        lab, problem = lab.with_copy_of("gd")
        assert problem is None
    assert len(lab.copies) == MAX_COPIES
    full, problem = lab.with_copy_of("adam")
    assert full == lab and "at most 6 extra rows" in problem
    listed = ",".join(copy_key("adam", n) for n in range(2, MAX_COPIES + 2)) + ",gd-2"
    parsed, messages, _ = from_query(f"rows={listed}")
    assert len(parsed.copies) == MAX_COPIES and any("at most" in m for m in messages)


@pytest.mark.parametrize(
    "query, word",
    [
        ("rows=nope", "'nope' is not an extra row"),
        ("rows=gd-1", "'gd-1' is not an extra row"),
        ("rows=gd-99", "'gd-99' is not an extra row"),
        ("rows=gd-2&gd-2.lr=abc", "Gradient descent #2: learning rate"),
    ],
)
def test_bad_rows_in_a_link_get_a_message_and_the_rest_is_kept(query, word):
    parsed, messages, _ = from_query(query + "&adam.lr=0.02")
    assert any(word in m for m in messages), messages
    assert parsed.optimizer("adam").lr == 0.02


def test_a_copys_settings_without_rows_still_make_the_row():
    parsed, messages, _ = from_query("momentum-3.alpha=0.5")
    assert messages == [] and parsed.copies == ("momentum-3",)
    assert parsed.to_query() == "rows=momentum-3&momentum-3.alpha=0.5"


def test_every_copy_key_is_known_and_nothing_beyond():
    keys = known_keys()
    assert "rows" in keys and "gd-2.lr" in keys and f"adam-{MAX_COPIES + 1}.beta1" in keys
    assert f"gd-{MAX_COPIES + 2}.lr" not in keys and "gd-1.lr" not in keys


OPS = st.lists(
    st.tuples(st.sampled_from(["duplicate", "add", "remove", "lr"]), st.sampled_from(RULES)),
    max_size=12,
)


@settings(max_examples=60, deadline=None)
@given(OPS, st.integers(0, 7))
def test_any_sequence_of_row_edits_round_trips_and_stays_in_table_order(ops, pick):
    lab = LabSettings.default()
    for op, rule in ops:
        keys = [o.id for o in lab.optimizers if o.rule == rule]
        key = keys[pick % len(keys)]
        if op == "duplicate":
            lab, _ = lab.with_copy_of(key)
        elif op == "add":
            lab, _ = lab.with_row_of(rule)
        elif op == "remove":
            lab = lab.without_row(key)
        else:
            lab, _ = parse_flat({f"{key}.lr": "0.0123"}, lab)
    assert len(lab.copies) <= MAX_COPIES
    assert [o.rule for o in lab.optimizers if o.number == 1] == RULES
    order = [(RULES.index(o.rule), o.number) for o in lab.optimizers]
    assert order == sorted(order)
    again, messages, _ = from_query(lab.to_query())
    assert again == lab and messages == []


def test_copies_have_shades_and_dashes_of_their_rules_colour():
    for rule in RULES:
        colours = [row_color(rule, n) for n in range(1, MAX_COPIES + 2)]
        assert colours[0] == OPTIMIZERS[rule].color
        assert len(set(colours[:3])) == 3, (rule, colours)  # the own row and the first 2 copies
    dashes = [row_dash(n) for n in range(1, 7)]
    assert dashes[0] == "solid" and len(set(dashes)) == 6


# ---- over HTTP: the row buttons, the callback, the run --------------------------------------
def row_op(client, op: dict, data: dict) -> dict:
    response = post(client, row_op_body(op, data))
    assert response.status_code == 200, response.data[:300]
    return response.get_json()["response"]


def test_duplicate_answers_the_new_table_and_a_run_with_the_copy(client):
    data = open_lab(client)["lab-data"]["data"]
    answer = row_op(client, {"op": "duplicate", "row": "gd", "n": 1}, data)
    new = answer["lab-data"]["data"]
    assert [r["id"] for r in new["rows"]][:2] == ["gd", "gd-2"]
    copy = new["rows"][1]
    assert copy["title"] == "Gradient descent #2" and copy["rule"] == "gd"
    assert copy["color"] == row_color("gd", 2) and copy["dash"] == "dash" and copy["enabled"]
    assert new["query"] == "rows=gd-2"
    table = json.dumps(answer["lab-table"]["children"])
    assert '"key": "gd-2.lr"' in table and "Remove Gradient descent #2" in table
    # The run: the copy has the same settings as GD, so the same path, under its own key.
    _, meta, arrays = get_data(client, new["fetch"][1])
    ids = [r["id"] for r in meta["runs"]]
    assert ids[:2] == ["gd", "gd-2"]
    np.testing.assert_array_equal(arrays["gd.path"], arrays["gd-2.path"])
    assert "gd-2.curvature" in arrays and meta["runs"][1]["stability"] is not None
    assert meta["table"]["rows"][1]["cells"][0] == "Gradient descent #2"


def test_a_copys_learning_rate_is_its_own_and_matches_the_engine(client):
    data = open_lab(client, "?rows=gd-2")["lab-data"]["data"]
    values = default_field_values()
    for key in list(values):
        if key.startswith("gd."):
            values["gd-2" + key[2:]] = values[key]
    values["gd-2.lr"] = "0.013"
    response = post(client, lab_request_body(values, data, "gd-2.lr"))
    assert response.status_code == 200, response.data[:300]
    answer = response.get_json()["response"]
    new = answer["lab-data"]["data"]
    assert "gd-2.lr=0.013" in new["query"] and "lab-table" not in answer  # same rows: no table
    assert "Gradient descent #2: with η₀ = 0.013" in answer["lab-eq-gd-values"]["children"]
    _, _, arrays = get_data(client, new["fetch"][1])
    settings_, _, _ = from_query(new["query"])
    expected = trajectories(
        "himmelblau",
        settings_.start,
        [
            OptimizerConfig(optimizer="gd", lr=0.001),
            OptimizerConfig(optimizer="gd", lr=0.013),
        ],
        500,
    )
    np.testing.assert_allclose(arrays["gd.path"], expected[0].path.astype("f4"))
    np.testing.assert_allclose(arrays["gd-2.path"], expected[1].path.astype("f4"))
    assert not np.array_equal(arrays["gd.path"], arrays["gd-2.path"])


def test_remove_and_add_from_the_table(client):
    data = open_lab(client, "?rows=adam-2&adam-2.lr=0.1")["lab-data"]["data"]
    removed = row_op(client, {"op": "remove", "row": "adam-2", "n": 1}, data)
    assert removed["lab-data"]["data"]["query"] == ""
    assert "adam-2" not in json.dumps(removed["lab-table"]["children"])
    added = row_op(client, {"op": "add", "rule": "lion", "n": 2}, data)
    rows = {r["id"]: r["enabled"] for r in added["lab-data"]["data"]["rows"]}
    assert rows["lion"] and rows["adam-2"]  # Lion's own row switched on, the copy kept
    assert "lab-table" not in added  # the same rows: only the checkbox changed


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.one_of(
        st.none(),
        st.integers(),
        st.text(max_size=20),
        st.dictionaries(
            st.sampled_from(["op", "row", "rule", "n"]),
            st.one_of(st.none(), st.integers(), st.text(max_size=12), st.sampled_from(RULES)),
        ),
    )
)
def test_malformed_row_requests_never_break_the_page(client, op):
    data = open_lab(client)["lab-data"]["data"]
    response = post(client, row_op_body(op, data))
    assert response.status_code in (200, 204), response.data[:300]


def test_a_full_table_says_so_next_to_nothing_breaking(client):
    query = "rows=" + ",".join(copy_key("gd", n) for n in range(2, MAX_COPIES + 2))
    data = open_lab(client, "?" + query)["lab-data"]["data"]
    answer = row_op(client, {"op": "duplicate", "row": "adam", "n": 1}, data)
    assert "lab-data" not in answer
    assert "at most 6 extra rows" in json.dumps(answer["lab-messages"]["children"])


# ---- in the browser -------------------------------------------------------------------------
def _field(key: str) -> str:
    ident = json.dumps({"key": key, "type": "lab-field"}, separators=(",", ":"))
    return f"[id='{ident}']"


DRAWN_PATHS = """() => {
    const gd = document.querySelector('#lab-landscape .js-plotly-plot');
    if (!gd || !gd.data || !document.getElementById('lab-status').hidden) return null;
    return gd.data.filter(t => t.visible === true && t.mode === 'lines' && t.x && t.x.length > 1)
        .map(t => ({name: t.name, color: t.line.color, dash: t.line.dash, x5: t.x[5]}));
}"""


@pytest.mark.browser
def test_a_student_duplicates_gd_gives_it_another_rate_and_removes_it(page, live_server):
    off = "&".join(
        f"{o}.on=0" for o, spec in OPTIMIZERS.items() if spec.default_enabled and o != "gd"
    )
    page.goto(f"{live_server}/optimizers?{off}")
    page.wait_for_function(
        f"() => {{ const p = ({DRAWN_PATHS})(); return p && p.length === 1; }}", timeout=30_000
    )

    page.click("[data-row-op='duplicate'][data-row='gd']")
    page.wait_for_selector(_field("gd-2.lr"), timeout=20_000)
    page.fill(_field("gd-2.lr"), "0.01")
    page.press(_field("gd-2.lr"), "Enter")
    page.wait_for_function(
        f"() => {{ const p = ({DRAWN_PATHS})(); return p && p.length === 2 && p[0].x5 !== p[1].x5; }}",
        timeout=30_000,
    )
    paths = page.evaluate(DRAWN_PATHS)
    assert [p["name"] for p in paths] == ["Gradient descent", "Gradient descent #2"]
    assert [p["color"] for p in paths] == [row_color("gd", 1), row_color("gd", 2)]
    assert [p["dash"] for p in paths] == ["solid", "dash"]
    assert "rows=gd-2" in page.url and "gd-2.lr=0.01" in page.url
    results = page.locator("#lab-results").inner_text()
    assert "Gradient descent #2" in results
    assert "Gradient descent #2: with η₀ = 0.01" in page.locator("#lab-eq-gd-values").inner_text()
    # The copy's dashes survive playback's reveal (a stroke-dasharray prefix of the line): the
    # pattern repeats up to the revealed length, then one gap hides the rest.
    pattern = page.evaluate("() => LossViz.labContour.revealArray([9, 9], 40, 100)")
    assert pattern == "9px,9px,9px,9px,4px,100px"
    assert page.evaluate("() => LossViz.labContour.revealArray(null, 40, 100)") == "40px 100px"
    page.click("[data-player='lab'][data-action='reset']")
    page.click("[data-player='lab'][data-action='play']")
    page.wait_for_function(
        """() => Array.from(document.querySelectorAll('#lab-landscape .scatterlayer .trace path.js-line'))
            .some(p => (p.style.strokeDasharray.match(/px/g) || []).length > 4)""",
        timeout=20_000,
    )
    page.click("[data-player='lab'][data-action='end']")

    # A link with the copy opens the same table; removing the copy leaves GD alone.
    page.reload()
    page.wait_for_function(
        f"() => {{ const p = ({DRAWN_PATHS})(); return p && p.length === 2; }}", timeout=30_000
    )
    page.click("[data-row-op='remove'][data-row='gd-2']")
    page.wait_for_function(
        f"() => {{ const p = ({DRAWN_PATHS})(); return p && p.length === 1; }}", timeout=30_000
    )
    assert page.locator(_field("gd-2.lr")).count() == 0 and "rows=" not in page.url

    # "Add a row" of Lion switches Lion's own row on.
    page.select_option("[data-role='add-rule']", "lion")
    page.click("[data-row-op='add']")
    page.wait_for_function(
        f"() => {{ const p = ({DRAWN_PATHS})(); return p && p.length === 2; }}", timeout=30_000
    )
    assert "lion.on=1" in page.url
