"""The SGD-vs-minibatch page in headless Chromium: open it, play to the end of the first epoch
(SGD 100 updates, the minibatch 10, full batch 1, all without a request), check the browser's
full loss against the server's, click the plane to move the start, and refuse a bad batch."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

LOAD_TIMEOUT = 240_000  # ms

STATE = """() => {
    const s = LossViz.regression.state;
    if (!s.run) return null;
    const progress = s.run.meta.methods.map((m) => LossViz.regression.progress(s.run, m, s.frame).done);
    const plane = document.querySelector('#rg-plane .js-plotly-plot');
    const bar = document.querySelector('.sk-playback').getBoundingClientRect();
    const box = plane.getBoundingClientRect();
    return {frame: s.frame, progress, bottoms: [box.bottom, bar.bottom],
            dashed: plane.data.filter((t) => t.line && t.line.dash === 'dash').length};
}"""


def wait_drawn(page):
    page.wait_for_function(
        "() => { const gd = document.querySelector('#rg-plane .js-plotly-plot');"
        " return gd && gd.data && gd.data.length > 4; }",
        timeout=LOAD_TIMEOUT,
    )


def test_a_student_compares_the_three_methods(page, live_server):
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{live_server}/sgd")
    wait_drawn(page)
    first = page.evaluate(STATE)
    assert first["progress"] == [0, 0, 0]
    assert first["dashed"] == 2  # SGD's point line and the minibatch's ellipses
    assert max(first["bottoms"]) <= 720  # plane and play bar in view
    # The browser's full loss (from the data's sums) is the server's at every method's path.
    gap = page.evaluate(
        """() => { const run = LossViz.regression.state.run; let worst = 0;
        for (const m of run.meta.methods) { const p = run.arrays[`${m.key}.params`];
          const l = run.arrays[`${m.key}.loss`];
          for (let u = 0; u < l.length; u += 7) {
            worst = Math.max(worst, Math.abs(LossViz.regression.lossAt(run, p[2*u], p[2*u+1]) - l[u]) / l[u]); } }
        return worst; }"""
    )
    assert gap < 1e-9

    requests = len(page.watch.callback_requests)
    page.evaluate("() => LossViz.player('sgd').seek(100)")
    page.wait_for_function("() => LossViz.regression.state.frame === 100")
    assert page.evaluate(STATE)["progress"] == [100, 10, 1]  # one epoch each
    assert "update 100 of 1000 (epoch 1.00)" in page.inner_text("#rg-readout")
    assert len(page.watch.callback_requests) == requests

    # Click the plane near (w, b) = (0, 0): the start moves there and the runs are redone.
    x, y = page.evaluate(
        """() => { const gd = document.querySelector('#rg-plane .js-plotly-plot');
        const fl = gd._fullLayout; const r = gd.getBoundingClientRect();
        return [r.left + fl.xaxis._offset + fl.xaxis.l2p(0), r.top + fl.yaxis._offset + fl.yaxis.l2p(0)]; }"""
    )
    page.mouse.click(x, y)
    page.wait_for_function("() => window.location.search.includes('w0=')", timeout=30_000)
    page.wait_for_function(
        "() => { const r = LossViz.regression.state.run; const p = r && r.arrays['sgd.params'];"
        " return p && Math.abs(p[0]) < 0.3 && Math.abs(p[1]) < 0.3; }",
        timeout=LOAD_TIMEOUT,
    )

    page.fill("#rg-batch", "100")
    page.press("#rg-batch", "Enter")
    page.wait_for_function("() => document.querySelector('#rg-msg-batch').textContent !== ''")
    assert "not below the 100 points" in page.inner_text("#rg-msg-batch")
