"""Early stopping in the playground, in headless Chromium (assets/playground/run.js, stats.js,
charts.js): the gallery's overfitting XOR run with patience 20 says it will stop at epoch 51
and keep epoch 31's weights; played past the stop, the page says it stopped, its tiles and its
decision boundary are epoch 31's, the curves mark the best epoch and the stop and grey what
follows; playback asks the server nothing; without patience nothing of it shows."""

from __future__ import annotations

import pytest
from test_playground_browser import open_page

pytestmark = pytest.mark.browser

QUERY = "?data=xor&n=60&noise=0.4&hidden=16,16&lr=0.5&epochs=400&patience=20&test=1"
SENTENCE = "() => document.getElementById('pg-early-stop').textContent"


def test_early_stopping_restores_the_best_weights(page, live_server):
    open_page(page, live_server, QUERY)
    stop = page.evaluate("() => LossViz.playground.state.run.earlyStop")
    assert (stop["stoppedEpoch"], stop["bestEpoch"], stop["patience"]) == (51, 31, 20)
    requests = len(page.watch.callback_requests)

    page.click("button[data-player='playground'][data-action='reset']")
    page.wait_for_function(f"() => ({SENTENCE})().startsWith('Early stopping (patience 20)')")
    assert "will stop at epoch 51 and keep epoch 31's weights" in page.evaluate(SENTENCE)

    page.click("button[data-player='playground'][data-action='end']")
    page.wait_for_function(f"() => ({SENTENCE})().startsWith('Stopped at epoch 51')")
    assert "the network now has epoch 31's weights" in page.evaluate(SENTENCE)
    last = page.evaluate("() => LossViz.playground.state.run.S - 1")
    best = stop["bestFrame"]
    shown = page.evaluate(f"() => LossViz.playground.probabilities({last}).p")
    kept = page.evaluate(f"() => LossViz.playground.probabilities({best}).p")
    assert shown == kept  # the boundary drawn at the end is the restored epoch's
    test_loss = page.inner_text("#pg-stats [data-stat='testLoss']")
    assert float(test_loss) == pytest.approx(stop["bestLoss"], abs=5e-4)

    marks = page.evaluate(
        "() => { const gd = document.querySelector('#pg-curves .js-plotly-plot');"
        " return {texts: gd.layout.annotations.map((a) => a.text),"
        " greyed: gd.layout.shapes.some((s) => s.type === 'rect' && s.x0 === 51)}; }"
    )
    assert "stopped at 51" in marks["texts"] and "best 31" in marks["texts"]
    assert marks["greyed"]
    assert len(page.watch.callback_requests) == requests  # playback asks the server nothing


def test_without_patience_there_is_no_early_stopping(page, live_server):
    open_page(page, live_server, QUERY.replace("&patience=20", ""))
    assert page.evaluate("() => LossViz.playground.state.run.earlyStop") is None
    assert page.evaluate("() => document.getElementById('pg-early-stop').hidden")
