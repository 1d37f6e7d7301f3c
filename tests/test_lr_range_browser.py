"""The learning-rate range test page in headless Chromium, used as a student would: open it,
read the chart and the suggestions, type a bad rate (its sentence beside the box), change the
steps (a new test, the address follows), and follow a suggestion to the playground."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from tests.test_log_axes_browser import check_log_axes

pytestmark = pytest.mark.browser

LOAD_TIMEOUT = 240_000  # ms: a cold server compiles the playground's programs on the first run

CHART = """() => {
    const gd = document.querySelector('#lr-chart .js-plotly-plot');
    if (!gd || !gd.data) return null;
    const box = gd.getBoundingClientRect();
    return {names: gd.data.map((t) => t.name), points: gd.data[1].x.length,
            key: LossViz.lrRange.state.test && LossViz.lrRange.state.test.meta.key,
            box: [box.left, box.top, box.right, box.bottom],
            xtype: gd._fullLayout.xaxis.type};
}"""


def chart(page):
    page.wait_for_function(
        "() => { const gd = document.querySelector('#lr-chart .js-plotly-plot');"
        " return gd && gd.data && gd.data.length >= 3; }",
        timeout=LOAD_TIMEOUT,
    )
    return page.evaluate(CHART)


def test_a_student_runs_the_range_test_and_trains_with_its_suggestion(page, live_server):
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{live_server}/lr-range?opt=momentum&lrend=100")
    drawn = chart(page)
    assert drawn["xtype"] == "log"
    assert drawn["names"][:2] == ["loss at each step", "smoothed (β = 0.98)"]
    assert any(name.startswith("steepest fall") for name in drawn["names"])
    assert drawn["box"][3] <= 720 and drawn["box"][1] >= 0  # the chart is in view
    check_log_axes(page, "lr-chart", 1)
    found = page.inner_text("#lr-found")
    assert "Stopped after" in found and "passed 4 × its best" in found  # momentum to η = 100
    assert "Steepest descent at η =" in found

    # A bad value: its sentence right under its own box, the chart left as it was.
    page.fill("#lr-lrend", "nan")
    page.press("#lr-lrend", "Enter")
    page.wait_for_function("() => document.querySelector('#lr-msg-lrend').textContent !== ''")
    assert "not a finite number" in page.inner_text("#lr-msg-lrend")
    assert page.evaluate("() => document.getElementById('lr-lrend').closest('.lr-input.invalid')")
    assert page.inner_text("#lr-msg-lrsteps") == ""

    # A good one: a new test is drawn and the address holds it.
    page.fill("#lr-lrend", "10")
    page.press("#lr-lrend", "Enter")
    page.fill("#lr-lrsteps", "60")
    page.press("#lr-lrsteps", "Enter")
    page.wait_for_function("() => window.location.search.includes('lrsteps=60')")
    page.wait_for_function(
        "() => { const t = LossViz.lrRange.state.test; return t && t.meta.steps === 60; }",
        timeout=LOAD_TIMEOUT,
    )
    assert page.inner_text("#lr-msg-lrend") == ""
    assert "lrend=100" not in page.url and "opt=momentum" in page.url
    assert chart(page)["points"] <= 60

    # Follow "Train with η = …" to the playground: the same network at that rate.
    link = page.locator("a.lr-train-link").first
    text = link.inner_text()
    rate = text.split("η = ")[1].split(" ")[0]
    link.click()
    page.wait_for_url("**/playground?*", timeout=30_000)
    query = parse_qs(urlparse(page.url).query)
    assert query["opt"] == ["momentum"]
    assert float(query["lr"][0]) == pytest.approx(float(rate), rel=5e-3)
    page.wait_for_function(
        "() => { const el = document.getElementById('pg-lr'); return el && el.value !== ''; }",
        timeout=LOAD_TIMEOUT,
    )
    assert float(page.input_value("#pg-lr")) == pytest.approx(float(rate), rel=5e-3)


def test_the_playground_links_to_its_range_test(page, live_server):
    page.goto(f"{live_server}/playground?opt=adam&hidden=6&view=gradients")
    link = page.locator("#pg-lr-range-link")
    link.wait_for(timeout=LOAD_TIMEOUT)
    link.click()
    page.wait_for_url("**/lr-range?*", timeout=30_000)
    query = parse_qs(urlparse(page.url).query)
    assert query["opt"] == ["adam"] and query["hidden"] == ["6"] and "view" not in query
    chart(page)
    assert "Adam" in page.inner_text("#lr-network")
