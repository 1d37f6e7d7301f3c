"""The optimizer lab in headless Chromium, used as a student would; its iso-lines against
contourpy and its levels against Plotly's own contour trace."""

from __future__ import annotations

import itertools
import json
import re
import time

import contourpy
import numpy as np
import pytest

pytestmark = pytest.mark.browser

FIRST_PATH_TRACE = 3  # assets/lab/contour.js: traces 3 + 2i (path) and 4 + 2i (head) of row i


def field(key: str) -> str:
    ident = json.dumps({"key": key, "type": "lab-field"}, separators=(",", ":"))
    return f"[id='{ident}']"


def trace_lengths(page, graph: str) -> list[int]:
    return page.evaluate(
        """(id) => {
            const el = document.getElementById(id); const gd = el && el.querySelector('.js-plotly-plot');
            return gd && gd.data ? gd.data.map(t => (t.x ? t.x.length : 0)) : [];
        }""",
        graph,
    )


def path_points(page, trace: int, graph: str = "lab-landscape") -> list[list[float]]:
    return page.evaluate(
        """([i, id]) => {
            const gd = document.getElementById(id).querySelector('.js-plotly-plot');
            const t = gd.data[i];
            return Array.from(t.x).map((x, k) => [x, t.y[k]]);
        }""",
        [trace, graph],
    )


def counter(page) -> str:
    return page.locator("[data-player='lab'][data-role='counter']").inner_text()


def wait_drawn(page) -> None:
    page.wait_for_function(
        """() => {
            const el = document.getElementById('lab-landscape'); const gd = el && el.querySelector('.js-plotly-plot');
            return gd && gd.data && gd.data.length >= 15 && gd.data[3].x && gd.data[3].x.length > 1
                && document.getElementById('lab-status').hidden;
        }""",
        timeout=30_000,
    )


# The base figure below the overlay: its trace, its iso-lines (assets/lab/contour.js baseLines)
# with how many canvas pixels they cover, and the levels Plotly's contour trace would draw for
# the same grid (a contour drawn off-page: Plotly writes its automatic levels into the trace).
BASE_LANDSCAPE = """async () => {
    const gd = document.querySelector('#lab-contour .js-plotly-plot');
    const lines = LossViz.labContour.baseLines(gd);
    const canvas = lines.canvas;
    const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let painted = 0;
    for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++;
    const trace = gd.data[0];
    const Plotly = await LossViz.vendor.plotly();
    const probe = document.createElement('div');
    probe.style.cssText = 'position:fixed;left:-2000px;top:0;width:600px;height:500px';
    document.body.appendChild(probe);
    await Plotly.newPlot(probe, [{type: 'contour', x: trace.x, y: trace.y, z: trace.z,
                                  ncontours: LossViz.labContour.NCONTOURS}]);
    const c = probe.data[0].contours;
    Plotly.purge(probe);
    probe.remove();
    return {
        type: trace.type,
        sameColours: JSON.stringify(trace.colorscale) === JSON.stringify(LossViz.labTheme.LANDSCAPE_SCALE),
        colorbar: Boolean(gd.querySelector('.colorbar rect.cbfill')),
        levels: lines.levels, size: lines.size, segments: lines.segments, painted,
        plotlyLevels: [c.start, c.end, c.size],
    };
}"""


def base_landscape(page) -> dict:
    return page.evaluate(BASE_LANDSCAPE)


def test_iso_lines_match_contourpy(page, live_server):
    """The lab's marching-squares iso-lines against contourpy's on the same level grid, for
    every level: the same crossing points on the cell edges, joined the same way (saddle
    cells may be joined either way)."""
    page.goto(f"{live_server}/optimizers?landscape=himmelblau")
    wait_drawn(page)
    grid = page.evaluate(
        """() => { const gd = document.querySelector('#lab-contour .js-plotly-plot');
                   const t = gd.data[0]; const lines = LossViz.labContour.baseLines(gd);
                   const z = t.z.map((row) => Array.from(row));
                   const flat = Float32Array.from(z.flat());
                   const segments = LossViz.labContour.isoSegments(t.x, t.y, flat, lines.levels);
                   return { x: Array.from(t.x), y: Array.from(t.y), z, levels: lines.levels,
                            segments: Array.from(segments) }; }"""
    )
    x, y, z = (np.array(grid[k], dtype=np.float64) for k in ("x", "y", "z"))
    generator = contourpy.contour_generator(x, y, z, name="serial", corner_mask=False)
    expected: set[frozenset] = set()
    for level in grid["levels"]:
        for points in generator.lines(level):
            for a, b in itertools.pairwise(points):
                expected.add(frozenset((tuple(np.round(a, 5)), tuple(np.round(b, 5)))))
    seg = grid["segments"]
    got = {
        frozenset(
            (
                (round(seg[q], 5), round(seg[q + 1], 5)),
                (round(seg[q + 2], 5), round(seg[q + 3], 5)),
            )
        )
        for q in range(0, len(seg), 4)
    }
    assert len(grid["levels"]) >= 8 and len(got) > 500
    assert len(got ^ expected) <= 0.02 * len(expected), (len(got), len(expected))


def test_lab_page_plays_and_reacts(page, live_server):
    page.goto(f"{live_server}/optimizers")
    wait_drawn(page)
    from optimizers import OPTIMIZERS

    # The default optimizers drawn (GD, Momentum, RMSprop, Adam), the others hidden: every row
    # has a path trace (3, 5, 7, ... in display order).
    lengths = trace_lengths(page, "lab-landscape")
    drawn = [lengths[3 + 2 * i] > 1 for i in range(len(OPTIMIZERS))]
    assert drawn == [spec.default_enabled for spec in OPTIMIZERS.values()]
    assert sum(drawn) == 4
    assert counter(page).startswith("step 500")
    # The landscape below, the cost chart beside: every figure is drawn from the fetched numbers.
    base = base_landscape(page)
    assert base["type"] == "heatmap" and base["sameColours"] and base["colorbar"]
    # Its iso-lines are at the levels Plotly's own contour trace picks for the same grid.
    start, end, size = base["plotlyLevels"]
    assert base["size"] == pytest.approx(size)
    assert base["levels"] == pytest.approx(list(np.arange(start, end + size / 2, size)))
    assert base["segments"] > 500 and base["painted"] > 2000  # and they are on the canvas
    assert trace_lengths(page, "lab-loss")[0] == 501
    gd_before = path_points(page, 3)

    # Change the learning rate of GD: its path changes.
    page.fill(field("gd.lr"), "0.01")
    page.press(field("gd.lr"), "Enter")
    page.wait_for_function(
        """(before) => {
            const el = document.getElementById('lab-landscape'); const gd = el && el.querySelector('.js-plotly-plot');
            const t = gd.data[3];
            return t.x && t.x.length > 1 && Math.abs(t.x[5] - before) > 1e-6;
        }""",
        arg=gd_before[5][0],
        timeout=20_000,
    )
    assert "gd.lr=0.01" in page.url

    # Click somewhere on the landscape: the start moves there.
    w1_before = page.input_value(field("w1"))
    page.wait_for_timeout(300)  # the LR change's callbacks have all been answered
    callbacks_before_click = len(page.watch.callback_requests)
    box = page.locator("#lab-landscape .nsewdrag").first.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.75, box["y"] + box["height"] * 0.3)
    assert "cursor: w₁ =" in page.inner_text("#lab-cursor")
    page.mouse.click(box["x"] + box["width"] * 0.75, box["y"] + box["height"] * 0.3)
    page.wait_for_function(
        '(before) => document.querySelector(`[id=\'{"key":"w1","type":"lab-field"}\']`).value !== before',
        arg=w1_before,
        timeout=20_000,
    )
    w1 = float(page.input_value(field("w1")))
    assert w1 == pytest.approx(-6 + 12 * 0.75, abs=0.05)  # Himmelblau's plane spans [-6, 6]
    page.wait_for_function(
        """(w1) => {
            const el = document.getElementById('lab-landscape');
            const gd = el && el.querySelector('.js-plotly-plot');
            return gd && gd.data[3].x && gd.data[3].x.length > 1 && Math.abs(gd.data[3].x[0] - w1) < 1e-3;
        }""",
        arg=w1,
        timeout=20_000,
    )
    # The browser wrote both start boxes at once: the click cost one server callback.
    assert len(page.watch.callback_requests) == callbacks_before_click + 1

    # Play: the step counter advances and no request reaches the server while playing.
    callbacks_before = len(page.watch.callback_requests)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.click("[data-player='lab'][data-action='play']")
    page.wait_for_timeout(400)
    playing_at = counter(page)
    page.wait_for_timeout(400)
    assert counter(page) != playing_at
    page.click("[data-player='lab'][data-action='play']")  # pause
    assert len(page.watch.callback_requests) == callbacks_before
    assert requests == []
    paused = int(counter(page).split()[1])
    page.click("[data-player='lab'][data-action='step']")
    assert int(counter(page).split()[1]) == paused + 1
    assert trace_lengths(page, "lab-landscape")[3] == paused + 2
    assert trace_lengths(page, "lab-loss")[0] == paused + 2
    page.click("[data-player='lab'][data-action='reset']")
    assert counter(page).startswith("step 0 ")
    assert trace_lengths(page, "lab-landscape")[3] == 1

    # Change the landscape in the dropdown: a new surface, its formula, a new start.
    page.click(field("landscape"))
    page.click("[role='option']:has-text('Rosenbrock')")
    page.wait_for_function(
        "() => window.location.search.includes('landscape=rosenbrock')", timeout=20_000
    )
    page.wait_for_function(
        "() => document.querySelector('#lab-landscape .js-plotly-plot').layout.xaxis.range[1] === 2",
        timeout=20_000,
    )
    wait_drawn(page)
    assert "Rosenbrock" in page.inner_text(field("landscape"))
    # The start boxes show Rosenbrock's own start (written from the store, through Dash).
    from landscapes import get_landscape
    from settings.fields import format_float

    start_text = [format_float(v) for v in get_landscape("rosenbrock").start]
    page.wait_for_function(
        """([w1, w2]) => ['w1', 'w2'].map((k) => document.querySelector(
               `[id='{"key":"${k}","type":"lab-field"}']`).value).join() === [w1, w2].join()""",
        arg=start_text,
        timeout=10_000,
    )
    x_range = page.evaluate(
        "() => document.getElementById('lab-landscape').querySelector('.js-plotly-plot').layout.xaxis.range"
    )
    assert x_range == [-2, 2]
    contour_range = page.evaluate(
        "() => document.querySelector('#lab-contour .js-plotly-plot').layout.xaxis.range"
    )
    assert contour_range == [-2, 2]  # the contour below moved with the overlay
    page.wait_for_selector("#lab-formula .katex")
    assert "100" in page.inner_text("#lab-formula")  # (1 − w₁)² + 100 (w₂ − w₁²)²


def test_a_click_or_a_drag_reads_as_the_start_the_boxes_show(page, live_server):
    """assets/lab/plane_input.js: what a click or a drag of the red dot writes into w₁, w₂."""
    page.goto(f"{live_server}/optimizers")
    wait_drawn(page)
    start_of = """([trigger, click, drag]) => {
        const input = LossViz.labPlaneInput; const point = input.startOf(trigger, click, drag);
        return point && point.map(input.startText); }"""
    click = "lab-click.data"
    drag = "lab-drag.data"
    assert page.evaluate(start_of, [click, {"x": 1.25, "y": -2.5, "at": 1}, None]) == [
        "1.25",
        "-2.5",
    ]
    assert page.evaluate(start_of, [click, {"x": 0.12349, "y": -0.0001}, None]) == ["0.123", "0"]
    # The red dot is a shape of fixed pixel size: a drag moves its anchor (or its corners).
    anchored = {"shapes[0].xanchor": 2.5, "shapes[0].yanchor": 1.5, "at": 1}
    assert page.evaluate(start_of, [drag, None, anchored]) == ["2.5", "1.5"]
    corners = {"shapes[0].x0": 2.0, "shapes[0].x1": 3.0, "shapes[0].y0": 1.0, "shapes[0].y1": 2.0}
    assert page.evaluate(start_of, [drag, None, corners]) == ["2.5", "1.5"]
    # Zooming, autosize, a click with no point or a non-number is not a start move.
    for trigger, click_data, drag_data in (
        (drag, None, {"xaxis.range[0]": 1}),
        (drag, None, {"autosize": True}),
        (
            drag,
            None,
            {"shapes[0].x0": "a", "shapes[0].x1": 1, "shapes[0].y0": 1, "shapes[0].y1": 1},
        ),
        (drag, None, {"shapes[0].xanchor": "NaN", "shapes[0].yanchor": 1}),
        (click, {"points": []}, None),
        (click, {"x": "left", "y": None}, None),
        (click, None, anchored),  # the drag store, but the click fired
    ):
        assert page.evaluate(start_of, [trigger, click_data, drag_data]) is None
    # Each text reads back as the same number the server's settings parse.
    for value in (-5.9996, 0.0005, 1e-9, 123.4567, -0.0):
        text = page.evaluate("(v) => LossViz.labPlaneInput.startText(v)", value)
        assert float(text) == pytest.approx(round(value, 3), abs=1e-12)
        assert text != "-0"


def test_dragging_the_red_dot_moves_the_start(page, live_server):
    page.goto(f"{live_server}/optimizers")
    wait_drawn(page)
    # The dot is layout shape 0 at the start (0, -1): drag it as a person would.
    dot = page.locator("#lab-landscape .shapelayer path").first.bounding_box()
    x, y = dot["x"] + dot["width"] / 2, dot["y"] + dot["height"] / 2
    plane = page.locator("#lab-landscape .nsewdrag").first.bounding_box()
    page.mouse.move(x, y)
    page.mouse.down()
    for i in range(1, 11):
        page.mouse.move(x + plane["width"] * 0.02 * i, y - plane["height"] * 0.015 * i)
    page.mouse.up()
    page.wait_for_function(
        """() => document.querySelector(`[id='{"key":"w1","type":"lab-field"}']`).value !== "0" """,
        timeout=20_000,
    )
    w1, w2 = float(page.input_value(field("w1"))), float(page.input_value(field("w2")))
    assert w1 == pytest.approx(0 + 12 * 0.2, abs=0.1)
    assert w2 == pytest.approx(-1 + 12 * 0.15, abs=0.1)
    page.wait_for_function(
        """([w1, w2]) => {
            const gd = document.querySelector('#lab-landscape .js-plotly-plot');
            const t = gd.data[3];
            return t.x && t.x.length > 1 && Math.abs(t.x[0] - w1) < 1e-3 && Math.abs(t.y[0] - w2) < 1e-3;
        }""",
        arg=[w1, w2],
        timeout=20_000,
    )
    assert f"w1={page.input_value(field('w1'))}" in page.url


def test_the_cursor_read_out_shows_the_cost_there(page, live_server):
    import jax.numpy as jnp

    from landscapes import get_landscape

    page.goto(f"{live_server}/optimizers?landscape=rosenbrock")
    wait_drawn(page)
    fn = get_landscape("rosenbrock").fn
    box = page.locator("#lab-landscape .nsewdrag").first.bounding_box()
    for fx, fy in ((0.2, 0.3), (0.5, 0.5), (0.8, 0.9), (0.62, 0.25)):
        page.mouse.move(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
        text = page.inner_text("#lab-cursor")
        found = re.search(r"w₁ = (\S+), w₂ = (\S+),\s+J ≈ (\S+)", text)
        assert found, text
        w1, w2, cost = (float(v) for v in found.groups())
        expected = float(fn(jnp.array([w1, w2])))
        # From the 180² level grid (bilinear in log10(J − J* + offset)): a few per cent.
        assert cost == pytest.approx(expected, rel=0.05, abs=1e-3), (w1, w2, text)
    page.mouse.move(5, 5)
    assert page.inner_text("#lab-cursor") == ""


def test_bad_input_shows_a_message_and_keeps_the_run(page, live_server):
    page.goto(f"{live_server}/optimizers")
    wait_drawn(page)
    before = path_points(page, 3)
    page.fill(field("gd.lr"), "banana")
    page.press(field("gd.lr"), "Enter")
    page.wait_for_selector("#lab-messages li", timeout=20_000)
    assert "not a number" in page.inner_text("#lab-messages")
    assert page.eval_on_selector(field("gd.lr"), "el => !!el.closest('.invalid')")
    assert path_points(page, 3) == before
    # The message is beside the box too, not only at the top of the page.
    beside = (
        f"() => document.querySelector(`{field('gd.lr')}`).closest('label')?.dataset.fieldMessage"
    )
    page.wait_for_function(f"() => ({beside})()?.includes('not a number')")
    page.fill(field("gd.lr"), "0.002")
    page.press(field("gd.lr"), "Enter")
    page.wait_for_function(f"() => !({beside})()", timeout=20_000)  # gone once it is fixed


@pytest.mark.parametrize(
    ("query", "sentence"), [("steps=abc", "not a number"), ("landscape=nope", "unknown")]
)
def test_a_links_messages_stay_until_the_student_changes_something(
    page, live_server, query, sentence
):
    page.goto(f"{live_server}/optimizers?{query}")
    wait_drawn(page)
    page.wait_for_timeout(2500)  # the controls' first report and the run have come and gone
    assert sentence in page.inner_text("#lab-messages").lower()
    page.fill(field("gd.lr"), "0.002")
    page.press(field("gd.lr"), "Enter")
    page.wait_for_function(
        "() => document.querySelector('#lab-messages').innerText.trim() === ''", timeout=20_000
    )


def test_a_diverging_optimizer_is_labelled(page, live_server):
    page.goto(f"{live_server}/optimizers?landscape=bowl&gd.lr=1.5")
    page.wait_for_selector("#lab-results td", timeout=30_000)
    legend = page.locator("#lab-landscape .legend").text_content()
    assert "diverged at step" in legend
    assert "diverged at step" in page.inner_text("#lab-results")
    assert page.locator("#lab-results td.bad").count() == 1
    symbol = page.evaluate(
        "() => document.querySelector('#lab-landscape .js-plotly-plot').data[4].marker.symbol"
    )
    assert symbol == "x"


SLOW_TRACE = """() => {
    const gd = document.querySelector('#lab-landscape .js-plotly-plot');
    const slow = gd && gd.data ? gd.data.find((t) => t.uid === 'slow-lookahead') : null;
    const path = gd && gd.data ? gd.data[3 + 2 * ROW] : null;
    return slow && slow.x ? {
        slow: Array.from(slow.x).map((x, j) => [x, slow.y[j]]),
        path: Array.from(path.x).map((x, k) => [x, path.y[k]]),
    } : null;
}"""


def test_lookahead_draws_its_slow_weights(page, live_server):
    """Lookahead's slow weights φ_j = θ_{jk} are a second path, as far as the step reached."""
    from optimizers import OPTIMIZERS

    row = list(OPTIMIZERS).index("lookahead")
    script = SLOW_TRACE.replace("ROW", str(row))
    off = "&".join(f"{o}.on=0" for o, spec in OPTIMIZERS.items() if spec.default_enabled)
    page.goto(f"{live_server}/optimizers?{off}&lookahead.on=1&lookahead.k=5&steps=60")
    page.wait_for_function(f"() => ({script})() !== null", timeout=30_000)
    page.wait_for_function("() => document.getElementById('lab-status').hidden", timeout=30_000)
    drawn = page.evaluate(script)
    assert len(drawn["path"]) == 61 and len(drawn["slow"]) == 13  # φ at steps 0, 5, …, 60
    for j, point in enumerate(drawn["slow"]):
        assert point == pytest.approx(drawn["path"][5 * j])
    # Back to step 0, then 11 steps: φ_0, φ_1, φ_2 (steps 0, 5, 10) are reached.
    page.click("[data-player='lab'][data-action='reset']")
    for _ in range(11):
        page.click("[data-player='lab'][data-action='step']")
    assert counter(page).startswith("step 11 ")
    assert len(page.evaluate(script)["slow"]) == 3
    # Played to the end, every φ shows again.
    page.click("[data-player='lab'][data-action='play']")
    page.wait_for_function(
        "() => document.querySelector(\"[data-player='lab'][data-role='counter']\").textContent.startsWith('step 60')",
        timeout=30_000,
    )
    page.wait_for_function(f"() => ({script})().slow.length === 13", timeout=10_000)


def test_the_3d_view_toggles_and_plays(page, live_server):
    page.goto(f"{live_server}/optimizers")
    wait_drawn(page)
    page.click(f"{field('view')} input")
    page.wait_for_function(
        """() => {
            const base = document.querySelector('#lab-surface .js-plotly-plot');
            const gd = document.querySelector('#lab-surface-paths .js-plotly-plot');
            return base && base.data && base.data[0].type === 'surface'
                && gd && gd.data && gd.data[3].z && gd.data[3].z.length > 1
                && document.getElementById('lab-status').hidden;
        }""",
        timeout=60_000,
    )
    assert "view=surface" in page.url
    assert page.locator("#lab-surface-paths").is_visible()
    assert not page.locator("#lab-landscape").is_visible()
    assert page.locator("#lab-surface canvas").count() >= 1
    # The surface is the thinned level grid; the paths walk on it (z = their level).
    info = page.evaluate(
        """() => {
            const base = document.querySelector('#lab-surface .js-plotly-plot');
            const gd = document.querySelector('#lab-surface-paths .js-plotly-plot');
            const r = window.LossViz.lab.state.runs[0];
            return {cols: base.data[0].x.length, rows: base.data[0].z.length, n: gd.data[3].z.length,
                    z0: gd.data[3].z[0], level0: r.height[0], legend: gd.querySelector('.legend') !== null};
        }"""
    )
    assert info["cols"] <= 60 and info["rows"] <= 60 and info["n"] == 501
    assert info["z0"] > info["level0"]  # lifted a little above the surface
    assert info["legend"]
    surface_before = page.evaluate(
        "() => document.querySelector('#lab-surface .js-plotly-plot').data[0].z"
    )
    callbacks_before = len(page.watch.callback_requests)
    page.click("[data-player='lab'][data-action='reset']")
    assert trace_lengths(page, "lab-surface-paths")[3] == 1
    page.click("[data-player='lab'][data-action='play']")
    page.wait_for_function(
        "() => parseInt(document.querySelector(\"[data-player='lab'][data-role='counter']\")"
        ".textContent.split(' ')[1]) > 20",
        timeout=10_000,
    )
    page.click("[data-player='lab'][data-action='play']")  # pause
    paused = int(counter(page).split()[1])
    assert trace_lengths(page, "lab-surface-paths")[3] == paused + 1  # exact once paused
    assert len(page.watch.callback_requests) == callbacks_before
    surface_after = page.evaluate(
        "() => document.querySelector('#lab-surface .js-plotly-plot').data[0].z"
    )
    assert surface_after == surface_before  # only paths and heads were redrawn
    # Turning the view as a person would: the surface below follows the upper scene's camera.
    box = page.locator("#lab-surface-paths").bounding_box()
    cx, cy = box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.55
    page.mouse.move(cx, cy)
    page.mouse.down()
    for i in range(1, 9):
        page.mouse.move(cx + 12 * i, cy + 3 * i)
        page.wait_for_timeout(30)
    page.mouse.up()
    page.wait_for_function(
        """() => {
            const eye = (id) => { const gd = document.querySelector(id + ' .js-plotly-plot');
                return gd._fullLayout.scene.camera.eye; };
            const a = eye('#lab-surface'), b = eye('#lab-surface-paths');
            return Math.abs(a.x - b.x) < 1e-6 && Math.abs(a.y - b.y) < 1e-6 && Math.abs(b.x - 0.98) > 0.01;
        }""",
        timeout=10_000,
    )
    # And back to the contour.
    page.click(f"{field('view')} input")
    page.wait_for_function(
        "() => !window.location.search.includes('view=surface')"
        " && document.querySelector('#lab-landscape').offsetParent !== null",
        timeout=20_000,
    )
    wait_drawn(page)
    assert not page.locator("#lab-surface").is_visible()


def test_every_formula_the_lab_shows_is_typeset(page, live_server):
    from landscapes import LANDSCAPES
    from optimizers import OPTIMIZERS

    # Every optimizer, several with another schedule, and gradient noise: every line of the panel.
    query = "&".join(f"{rule_id}.on=1" for rule_id in OPTIMIZERS) + (
        "&gd.schedule=inverse_time&momentum.schedule=exponential"
        "&nesterov.schedule=step&adagrad.schedule=warmup_cosine&noise=0.1"
    )
    page.goto(f"{live_server}/optimizers?{query}")
    wait_drawn(page)
    page.wait_for_function(
        "() => document.querySelectorAll('#lab-equations .tex').length > 0 &&"
        " Array.from(document.querySelectorAll('#lab-equations .tex')).every(el => el.querySelector('.katex'))",
        timeout=20_000,
    )
    assert page.locator("#lab-equations .eq-block:visible").count() == len(OPTIMIZERS)
    assert page.locator("#lab-equations .tex-error, #lab-equations .katex-error").count() == 0
    assert page.locator("#lab-gradient .katex").count() == 1
    assert "σ" in page.inner_text("#lab-gradient")
    symbols = page.eval_on_selector_all(".opt-table .param", "els => els.map(e => e.dataset.sym)")
    assert {"k", "α", "γ", "β₁", "β₂", "ε"} <= set(symbols)
    current = "himmelblau"
    for landscape in LANDSCAPES.values():
        if landscape.id != current:
            current = landscape.id
            page.click(field("landscape"))
            page.get_by_role("option", name=landscape.title, exact=True).click()
            page.wait_for_function(
                "(id) => { const s = window.LossViz.lab.state; return s.data && s.data.landscape === id; }",
                arg=landscape.id,
                timeout=20_000,
            )
        page.wait_for_function(
            "(tex) => { const el = document.getElementById('lab-formula');"
            " const a = el && el.querySelector('annotation');"
            " return a && a.textContent.trim() === tex.trim(); }",
            arg=landscape.latex,
            timeout=20_000,
        )
        assert page.locator("#lab-formula .katex").count() == 1, landscape.id
        assert page.locator("#lab-formula .tex-error, #lab-formula .katex-error").count() == 0


def test_a_slow_run_says_computing_over_the_last_picture(page, live_server):
    page.goto(f"{live_server}/optimizers")
    wait_drawn(page)
    before = path_points(page, 3)

    def slow(route):
        time.sleep(0.8)
        route.continue_()

    page.route("**/api/lab/run.bin*", slow)
    page.fill(field("gd.lr"), "0.0031")
    page.press(field("gd.lr"), "Enter")
    # Checked in one go in the page (the route handler holds Playwright while it waits): the
    # status shows over the last good picture, never a blank plot.
    page.wait_for_function(
        """(x5) => {
            const status = document.getElementById('lab-status');
            const t = document.querySelector('#lab-landscape .js-plotly-plot').data[3];
            return !status.hidden && status.textContent === 'computing…' && t.x[5] === x5;
        }""",
        arg=before[5][0],
        timeout=10_000,
    )
    wait_drawn(page)
    assert path_points(page, 3) != before
    page.unroute("**/api/lab/run.bin*")


def test_a_failed_run_shows_the_servers_sentence(page, live_server):
    page.goto(f"{live_server}/optimizers")
    wait_drawn(page)
    before = path_points(page, 3)
    sentence = "The class server is busy; try again in a moment."
    page.route(
        "**/api/lab/run.bin*",
        lambda route: route.fulfill(
            status=503, content_type="application/json", body=json.dumps({"error": sentence})
        ),
    )
    page.fill(field("gd.lr"), "0.0032")
    page.press(field("gd.lr"), "Enter")
    page.wait_for_function(
        "(text) => document.getElementById('lab-status').textContent === text",
        arg=sentence,
        timeout=10_000,
    )
    assert page.get_attribute("#lab-status", "data-kind") == "error"
    assert path_points(page, 3) == before
    page.unroute("**/api/lab/run.bin*")
    # Chromium reports the refused response itself; nothing else may reach the console.
    page.watch.console_errors[:] = [
        e for e in page.watch.console_errors if "status of 503" not in e
    ]


def test_the_page_loads_no_dash_plotly_and_no_mathjax(page, live_server):
    loaded: list[str] = []
    page.on("request", lambda request: loaded.append(request.url))
    page.goto(f"{live_server}/optimizers")
    wait_drawn(page)
    assert not [u for u in loaded if "plotly.min.js" in u or "mathjax" in u or "async-graph" in u]
    assert [u for u in loaded if "/assets/vendor/plotly/plotly-2d-" in u]
    assert not [u for u in loaded if "/assets/vendor/plotly/plotly-3d-" in u]  # only for 3-D
    assert [u for u in loaded if "/api/lab/run.bin?" in u]
    drawn = np.array(path_points(page, 3))
    assert drawn.shape == (501, 2)


def stability_text(page, optimizer: str) -> str:
    return page.locator(f".opt-row .stability[data-opt='{optimizer}']").inner_text()


def test_the_stability_indicator_follows_the_step(page, live_server):
    """Beside GD's learning rate: η·λmax against 2 at the step on screen (the valley's
    curvature is 160, so η = 0.0126 is just above the limit 2/160 and 0.0124 just below)."""
    page.goto(f"{live_server}/optimizers?landscape=valley&gd.lr=0.0126")
    page.wait_for_function(
        """() => (document.querySelector(".stability[data-opt='gd']") || {}).textContent?.includes('diverges')""",
        timeout=30_000,
    )
    page.click("[data-player='lab'][data-action='reset']")
    assert stability_text(page, "gd") == "η·λmax = 2.02 ≥ 2: diverges"
    assert "η·λmax" in stability_text(page, "momentum")
    assert page.locator(".opt-row .stability[data-opt='adam']").count() == 0  # no such limit
    page.click("[data-player='lab'][data-action='step']")
    assert stability_text(page, "gd").startswith("step 1: η·λmax = 2.02 ≥ 2: diverges")

    page.fill(field("gd.lr"), "0.0124")
    page.press(field("gd.lr"), "Enter")
    page.wait_for_function(
        """() => document.querySelector(".stability[data-opt='gd']").textContent.includes('< 2: oscillates')""",
        timeout=30_000,
    )
    assert page.locator(".stability[data-opt='gd']").get_attribute("data-kind") == "oscillates"


def test_the_learning_rate_chart_marks_the_stability_limit(page, live_server):
    """Opened, the learning-rate chart draws GD's largest stable η beside the η it uses: on the
    valley (curvature 160 everywhere) a flat dotted line at 2/160 = 0.0125, above η = 0.0124
    and below η = 0.0126 (the rows' verdicts: oscillates, diverges)."""
    page.goto(f"{live_server}/optimizers?landscape=valley&gd.lr=0.0124&rows=gd-2&gd-2.lr=0.0126")
    wait_drawn(page)
    page.click("summary:has-text('Learning rate used at each step')")
    limits = page.wait_for_function(
        """() => {
            const gd = document.querySelector('#lab-schedule .js-plotly-plot');
            const lines = gd && gd.data ? gd.data.filter(t => t.name.endsWith('largest stable η')) : [];
            return lines.length === 3 ? lines.map(t => [t.name, t.line.dash, Array.from(t.y).slice(0, 3)]) : null;
        }""",
        timeout=30_000,
    ).json_value()
    names = [name for name, _, _ in limits]
    assert names == [
        "Gradient descent: largest stable η",
        "Gradient descent #2: largest stable η",
        "Momentum: largest stable η",
    ]
    for name, dash, ys in limits[:2]:
        assert dash == "dot" and ys == pytest.approx([2 / 160] * 3, rel=1e-5), name
    # Momentum (α = 0.9): 2(1 + α)/160.
    assert limits[2][2] == pytest.approx([2 * 1.9 / 160] * 3, rel=1e-5)


def test_choosing_a_schedule_brings_its_boxes(page, live_server):
    """Each row holds its chosen schedule's boxes only: choosing step decay for GD puts its
    factor and interval boxes in GD's row (at their defaults), and what is typed there reaches
    the run and the link."""
    page.goto(f"{live_server}/optimizers")
    wait_drawn(page)
    assert page.locator(f"{field('gd.step.factor')}").count() == 0
    page.click(".opt-row[data-opt='gd'] .schedule-dropdown")
    page.click("[role='option']:has-text('Step decay')")
    factor = page.locator(field("gd.step.factor"))
    factor.wait_for(timeout=30_000)
    assert factor.input_value() == "0.5"
    assert page.locator(field("gd.step.every")).input_value() == "100"
    cell = page.locator(".opt-row[data-opt='gd'] .schedule-params")
    assert cell.get_attribute("data-schedule") == "step"
    factor.fill("0.3")
    factor.press("Enter")
    page.wait_for_function("() => location.search.includes('gd.factor=0.3')", timeout=30_000)
    wait_drawn(page)
    # Another row's cell is untouched; back to constant, GD's boxes go.
    assert (
        page.locator(".opt-row[data-opt='adam'] .schedule-params").get_attribute("data-schedule")
        == "constant"
    )
    page.click(".opt-row[data-opt='gd'] .schedule-dropdown")
    page.click("[role='option']:has-text('Constant')")
    page.wait_for_function(
        """(sel) => !document.querySelector(sel)""", arg=field("gd.step.factor"), timeout=30_000
    )
    page.wait_for_function("() => !location.search.includes('gd.schedule')", timeout=30_000)
