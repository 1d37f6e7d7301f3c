"""Log-scale learning-rate sliders (components/log_slider.py, assets/core/log_slider.js) in
headless Chromium: dragging GD's slider as a person would writes rates into its typed box
while dragging (throttled: a few requests, not one per pixel), the path follows, the link
keeps the rate; typing in the box moves the slider."""

from __future__ import annotations

import math

import pytest
from test_lab_browser import field, path_points, wait_drawn

pytestmark = pytest.mark.browser

THROTTLE_MS = 200  # assets/core/log_slider.js
BOX = '[id=\'{"key":"gd.lr","type":"lab-field"}\']'
SLIDER = '[data-log-for=\'{"key":"gd.lr","type":"lab-field"}\'] input[type=range]'


def test_dragging_the_learning_rate_slider_reruns_while_dragging(page, live_server):
    page.goto(f"{live_server}/optimizers?landscape=bowl")
    wait_drawn(page)
    before = path_points(page, 3)
    page.locator(SLIDER).scroll_into_view_if_needed()
    box = page.locator(SLIDER).bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * 0.3, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.6, y, steps=10)
    page.mouse.up()
    # The trailing value (at most 200 ms after the hand stops) is where the slider rests.
    page.wait_for_function(
        f"() => document.querySelector(`{BOX}`).value"
        f" === LossViz.rateText(document.querySelector(`{SLIDER}`).value)"
    )
    rate = float(page.input_value(field("gd.lr")))
    position = float(page.input_value(SLIDER))
    assert rate == pytest.approx(10**position, rel=0.01)  # three significant digits
    # The link follows once the last value's callback has answered (the URL can lag the box).
    page.wait_for_function(
        "(wanted) => location.search.includes(wanted)",
        arg=f"gd.lr={page.input_value(field('gd.lr'))}",
        timeout=20_000,
    )
    page.wait_for_function(
        "(before) => { const gd = document.querySelector('#lab-landscape .js-plotly-plot');"
        " return Math.abs(gd.data[3].x[5] - before) > 1e-9; }",
        arg=before[5][0],
        timeout=20_000,
    )

    # Typed in the box: the slider moves to it.
    page.fill(field("gd.lr"), "0.1")
    page.press(field("gd.lr"), "Enter")
    page.wait_for_function(
        f"() => Math.abs(Number(document.querySelector(`{SLIDER}`).value) + 1) < 1e-6"
    )
    assert math.isclose(float(page.input_value(SLIDER)), -1.0, abs_tol=1e-6)


# A burst of slider input events, 10 ms apart for 1.5 s (a fast hand), in the page itself: the
# values written to the box (dash_clientside.set_props, each one a server callback and a run).
BURST = """async ([selector, ms]) => {
    const slider = document.querySelector(selector);
    const sent = [];
    const original = dash_clientside.set_props;
    dash_clientside.set_props = (id, props) => { sent.push(props.value); return original(id, props); };
    const start = performance.now();
    for (let i = 0; performance.now() - start < ms; i++) {
        slider.value = String(-3 + 0.01 * i);
        slider.dispatchEvent(new Event('input', {bubbles: true}));
        await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const elapsed = performance.now() - start;
    await new Promise((resolve) => setTimeout(resolve, 400));  // the trailing value
    dash_clientside.set_props = original;
    return {sent, elapsed, last: slider.value};
}"""


def test_a_fast_drag_sends_at_most_one_value_per_throttle_interval(page, live_server):
    page.goto(f"{live_server}/optimizers?landscape=bowl")
    wait_drawn(page)
    burst = page.evaluate(BURST, [SLIDER, 1500])
    sent = burst["sent"]
    assert 3 <= len(sent) <= burst["elapsed"] / THROTTLE_MS + 2, burst
    assert len(sent) == len(set(sent))  # a value is sent once
    last = float(sent[-1])
    assert last == pytest.approx(10 ** float(burst["last"]), rel=0.01)  # where the hand stopped
