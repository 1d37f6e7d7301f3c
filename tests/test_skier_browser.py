"""The skier page in headless Chromium, used as a student would: open it on the hill, step and
play the ride (no request while playing), read the derivative's sign, click the curve to start
elsewhere, type a bad start (its sentence beside the box), and pick another curve."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

LOAD_TIMEOUT = 240_000  # ms: a cold server compiles the skier's program on the first ride

DRAWN = """() => {
    const gd = document.querySelector('#sk-curve .js-plotly-plot');
    if (!gd || !gd.data) return null;
    const box = gd.getBoundingClientRect();
    const bar = document.querySelector('.sk-playback').getBoundingClientRect();
    const skiers = gd.data.filter((t) => t.mode === 'markers' && t.showlegend !== false);
    return {names: skiers.map((t) => t.name), w: skiers.map((t) => t.x[0]),
            frame: LossViz.skier.state.frame, box: [box.top, box.bottom], bar: [bar.top, bar.bottom],
            arrows: (gd.layout.annotations || []).length};
}"""


def drawn(page):
    page.wait_for_function(
        "() => { const gd = document.querySelector('#sk-curve .js-plotly-plot');"
        " return gd && gd.data && gd.data.length > 3; }",
        timeout=LOAD_TIMEOUT,
    )
    return page.evaluate(DRAWN)


def test_a_student_rides_the_hill_and_starts_elsewhere(page, live_server):
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{live_server}/skier")
    first = drawn(page)
    assert first["names"] == ["Gradient descent", "Momentum"]
    assert first["w"] == [2.4, 2.4] and first["arrows"] == 2
    assert first["box"][1] <= 720 and first["bar"][1] <= 720  # chart and play bar in view
    readout = page.inner_text("#sk-readout")
    assert "dL/dw = 9.374 > 0, so it steps left" in readout

    page.click("button[data-player='skier'][data-action='step']")
    page.wait_for_function("() => LossViz.skier.state.frame === 1")
    assert drawn(page)["w"][0] < 2.4

    requests = len(page.watch.callback_requests)
    page.click("button[data-player='skier'][data-action='end']")
    page.wait_for_function("() => LossViz.skier.state.frame === 100")
    end = drawn(page)
    assert end["w"][0] == pytest.approx(1.317, abs=1e-3)  # GD: the nearer, higher valley
    assert end["w"][1] == pytest.approx(-1.495, abs=0.05)  # momentum: beyond the hill
    assert len(page.watch.callback_requests) == requests  # playback asks the server nothing

    # Click the curve near w = -2: the start moves there and a new ride is drawn.
    gd = page.locator("#sk-curve .js-plotly-plot")
    box = gd.bounding_box()
    x_px = page.evaluate(
        "() => { const gd = document.querySelector('#sk-curve .js-plotly-plot');"
        " const xa = gd._fullLayout.xaxis; return xa._offset + xa.l2p(-2.0); }"
    )
    y_px = page.evaluate(
        "() => { const gd = document.querySelector('#sk-curve .js-plotly-plot');"
        " const ya = gd._fullLayout.yaxis; return ya._offset + ya.l2p(0.0 + 2.0 ** 4 / 4 - 4 - 0.7 + 1.51); }"
    )
    page.mouse.click(box["x"] + x_px, box["y"] + y_px)
    page.wait_for_function("() => window.location.search.includes('w0=')", timeout=30_000)
    page.wait_for_function(
        "() => { const t = LossViz.skier.state.ride; return t && Math.abs(t.arrays['s1.w'][0] + 2) < 0.05; }",
        timeout=LOAD_TIMEOUT,
    )
    assert float(page.input_value("#sk-w0")) == pytest.approx(-2.0, abs=0.05)

    # A start outside the curve: its sentence right under the box, the ride left as it was.
    page.fill("#sk-w0", "9")
    page.press("#sk-w0", "Enter")
    page.wait_for_function("() => document.querySelector('#sk-msg-w0').textContent !== ''")
    assert "out of range" in page.inner_text("#sk-msg-w0")
    assert page.evaluate("() => document.getElementById('sk-w0').closest('.invalid')")


def test_another_curve_starts_at_its_own_start(page, live_server):
    page.goto(f"{live_server}/skier?curve=gentle&s3=adam")
    ride = drawn(page)
    assert ride["names"] == ["Gradient descent", "Momentum", "Adam"] and ride["w"] == [-5, -5, -5]
    assert "A very gradual slope" in page.inner_text("#sk-about")
    assert page.locator("#sk-about .katex").count() >= 1  # the formula typeset by KaTeX


def test_a_projected_link_stays_projected_when_the_settings_change(page, live_server):
    page.goto(f"{live_server}/skier?present=1&curve=bowl")
    drawn(page)
    page.fill("#sk-steps", "40")
    page.press("#sk-steps", "Enter")
    page.wait_for_function("() => window.location.search.includes('steps=40')", timeout=30_000)
    assert "present=1" in page.url and "curve=bowl" in page.url
    assert page.evaluate("() => document.body.classList.contains('presentation')")
