"""Every log axis at projector sizes (issue 10): at most seven tick labels whatever the number
of decades, written compactly (1, 10, 10ⁿ, or 1-2-5 steps as numbers), none on top of
another and none cut off by the edge of its chart. Pages whose data span many decades: the
playground with a too-large initialization (loss and gradients explode: ten decades and more)
and with learning rate 5, its comparison of initializations, and the lab's cost and learning
rate charts (a diverging run spans fifty decades)."""

from __future__ import annotations

import re

import pytest

from tests.conftest import PageWatch

pytestmark = pytest.mark.browser

LOAD_TIMEOUT = 240_000  # ms: a cold server compiles the engine's programs on the first run
SIZES = [(1280, 720), (1920, 1080)]
MAX_LABELS = 7
SUPERSCRIPT = "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"
COMPACT = re.compile(rf"^(1|10|10[{SUPERSCRIPT}]+|[1-9]×10[{SUPERSCRIPT}]+|\d+(\.\d+)?)$")

# Per log axis of the chart in container `id`: its tick labels' text and boxes, and the box of
# the chart's svg (Plotly's axis `y2` draws its labels as `g.y2tick text`).
LOG_AXES = """(id) => {
    const gd = document.querySelector(`#${id} .js-plotly-plot`);
    if (!gd || !gd._fullLayout) return null;
    const box = (el) => { const b = el.getBoundingClientRect(); return [b.left, b.top, b.right, b.bottom]; };
    const axes = [];
    for (const [key, ax] of Object.entries(gd._fullLayout)) {
        if (!/^[xy]axis\\d*$/.test(key) || !ax || ax.type !== 'log' || !ax.visible) continue;
        const labels = [...gd.querySelectorAll(`g.${ax._id}tick text`)]
            .filter((t) => t.textContent.trim() !== '')
            .map((t) => ({text: t.textContent, box: box(t)}));
        axes.push({axis: key, labels});
    }
    return {svg: box(gd.querySelector('svg.main-svg')), axes};
}"""


def overlap(a, b) -> float:
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    return max(0.0, width) * max(0.0, height)


def check_log_axes(page, graph: str, expected_axes: int) -> list[list[str]]:
    """Asserts the rules on every log axis of `graph`; returns each axis's labels."""
    found = page.evaluate(LOG_AXES, graph)
    assert found is not None, graph
    assert len(found["axes"]) == expected_axes, (graph, found)
    left, top, right, bottom = found["svg"]
    texts = []
    for axis in found["axes"]:
        labels = axis["labels"]
        where = (graph, axis["axis"], [label["text"] for label in labels])
        assert 2 <= len(labels) <= MAX_LABELS, where
        for label in labels:
            assert COMPACT.match(label["text"]), where
            x0, y0, x1, y1 = label["box"]
            assert left - 0.5 <= x0 and x1 <= right + 0.5, (where, label, found["svg"])
            assert top - 0.5 <= y0 and y1 <= bottom + 0.5, (where, label, found["svg"])
        for i, a in enumerate(labels):
            for b in labels[i + 1 :]:
                assert overlap(a["box"], b["box"]) < 0.5, (where, a, b)
        texts.append([label["text"] for label in labels])
    return texts


def wait_for_chart(page, graph: str) -> None:
    page.wait_for_function(
        """(id) => { const gd = document.querySelector(`#${id} .js-plotly-plot`);
                     return gd && gd._fullLayout && gd.data && gd.data.length > 0; }""",
        arg=graph,
        timeout=LOAD_TIMEOUT,
    )


@pytest.fixture(params=SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def sized_page(request, browser):
    width, height = request.param
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    watch = PageWatch(page)
    try:
        yield page
    finally:
        context.close()
    assert not watch.console_errors, f"browser console errors: {watch.console_errors}"
    assert not watch.external_requests, watch.external_requests


def open_playground(page, base: str, query: str) -> None:
    page.goto(f"{base}/playground{query}")
    page.wait_for_function(
        "() => window.LossViz && LossViz.playground && LossViz.playground.state.run",
        timeout=LOAD_TIMEOUT,
    )
    page.wait_for_load_state("networkidle")
    for graph in ("pg-curves", "pg-norms"):
        wait_for_chart(page, graph)


def test_playground_too_large_init(sized_page, live_server):
    page = sized_page
    open_playground(page, live_server, "?hidden=8,8,8,8&init=too_large")
    # The loss explodes from thousands: log loss axis over many decades; gradients too.
    (loss,) = check_log_axes(page, "pg-curves", 1)
    (gradients,) = check_log_axes(page, "pg-norms", 1)
    for labels in (loss, gradients):
        assert all("10" in text or text == "1" for text in labels), labels  # whole decades
    page.click('#pg-tab label:has-text("Compare initializations")')
    page.wait_for_function("() => LossViz.playground.state.cmp", timeout=LOAD_TIMEOUT)
    wait_for_chart(page, "pg-cmp-curves")
    page.wait_for_timeout(300)  # drawn once the panel is visible
    axes = check_log_axes(page, "pg-cmp-curves", 2)
    assert all(len(labels) >= 3 for labels in axes), axes


def test_playground_learning_rate_5(sized_page, live_server):
    page = sized_page
    open_playground(page, live_server, "?lr=5")
    check_log_axes(page, "pg-norms", 1)


def test_lab_cost_and_learning_rate_charts(sized_page, live_server):
    page = sized_page
    for query in (
        "",  # the default: four optimizers, J − J* down to the floor 10⁻¹²
        "?landscape=valley&gd.lr=0.013&momentum.on=0&rmsprop.on=0&adam.on=0",  # diverges
        "?landscape=bowl&noise=2&gd.lr=0.05&gd.schedule=inverse_time&gd.decay_rate=0.05",
        "?present=1",  # presentation mode: 20 px tick labels
    ):
        page.goto(f"{live_server}/optimizers{query}")
        wait_for_chart(page, "lab-loss")
        page.wait_for_load_state("networkidle")
        page.wait_for_function("() => document.getElementById('lab-status').hidden")
        check_log_axes(page, "lab-loss", 1)
        page.click("text=Learning rate used at each step")
        wait_for_chart(page, "lab-schedule")
        page.wait_for_timeout(300)
        check_log_axes(page, "lab-schedule", 1)
