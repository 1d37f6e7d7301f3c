"""Dragging the lab's start dot in headless Chromium (assets/lab/plane_input.js): the paths
follow the hand while the mouse is still down, throttled (one new start per 200 ms at most,
the first and the release always sent), the dot stays under the pointer through every redraw,
and the release lands in the start boxes and the link exactly; a plain click still starts
there."""

from __future__ import annotations

import time

import pytest
from test_lab_browser import field, path_points, wait_drawn

pytestmark = pytest.mark.browser

THROTTLE_MS = 200  # assets/lab/plane_input.js DRAG_THROTTLE_MS
OVERLAY = "#lab-landscape .js-plotly-plot"
DOT = '#lab-landscape .shapelayer [data-index="0"] path'

# (w₁, w₂) under a page pixel, as the overlay's axes map it (assets/core/plotly_adapter.js).
DATA_AT = """([x, y]) => {
    const gd = document.querySelector('#lab-landscape .js-plotly-plot');
    const box = gd.getBoundingClientRect();
    const a = LossViz.plotlyAdapter;
    return [a.axis(gd, 'xaxis').fromPixel(x - box.left), a.axis(gd, 'yaxis').fromPixel(y - box.top)];
}"""


def box_text(value: float) -> str:
    """As the start boxes show a start (plane_input.js startText): 3 decimals, no "-0"."""
    rounded = round(value, 3)
    return f"{0.0 if rounded == 0 else rounded:g}"  # the plane spans a few units: no exponent


def dot_centre(page) -> tuple[float, float]:
    """The red dot's centre on the page (waiting out a redraw that is replacing it)."""
    centre = page.wait_for_function(
        f"""() => {{
            const dot = document.querySelector('{DOT}');
            const box = dot && dot.getBoundingClientRect();
            return box && box.width > 0 ? [box.x + box.width / 2, box.y + box.height / 2] : null;
        }}""",
        timeout=5_000,
    ).json_value()
    return centre[0], centre[1]


def first_path_point(page) -> list[float]:
    return path_points(page, 3)[0]


def test_the_paths_follow_the_dot_while_it_is_dragged(page, live_server):
    page.goto(f"{live_server}/optimizers?landscape=himmelblau")
    wait_drawn(page)
    page.wait_for_timeout(300)  # the first run's callbacks have all been answered
    runs: list[float] = []
    page.on(
        "request",
        lambda request: (
            runs.append(time.monotonic()) if "/api/lab/run.bin" in request.url else None
        ),
    )
    start_before = first_path_point(page)
    plane = page.locator("#lab-landscape .nsewdrag").first.bounding_box()
    x0, y0 = dot_centre(page)
    page.mouse.move(x0, y0)
    page.mouse.down()
    began = time.monotonic()
    # ~1.5 s of small steps, up and to the right; after each one the dot is under the pointer.
    segments = 30
    dx, dy = plane["width"] * 0.3 / segments, -plane["height"] * 0.25 / segments
    misses = []
    first_points = {tuple(start_before)}
    for i in range(1, segments + 1):
        x, y = round(x0 + dx * i), round(y0 + dy * i)  # whole pixels, as a mouse reports them
        page.mouse.move(x, y, steps=3)
        page.wait_for_timeout(40)
        cx, cy = dot_centre(page)
        if abs(cx - x) > 2.5 or abs(cy - y) > 2.5:
            misses.append((i, round(cx - x, 1), round(cy - y, 1)))
        first_points.add(tuple(first_path_point(page)))
    # The path's start moved before the mouse is released (a run from a mid-drag position).
    page.wait_for_function(
        "([x, y]) => { const t = document.querySelector('#lab-landscape .js-plotly-plot').data[3];"
        " return Math.hypot(t.x[0] - x, t.y[0] - y) > 0.05; }",
        arg=start_before,
        timeout=5_000,
    )
    first_points.add(tuple(first_path_point(page)))
    cx, cy = dot_centre(page)
    assert abs(cx - x) <= 2.5 and abs(cy - y) <= 2.5, (cx - x, cy - y)
    assert not misses, f"the dot left the pointer during the drag (step, dx, dy): {misses}"
    released_at = time.monotonic()
    release = page.evaluate(DATA_AT, [x, y])
    page.mouse.up()
    elapsed_ms = (released_at - began) * 1000
    assert elapsed_ms >= 1200, elapsed_ms
    # Several distinct starts were drawn while the mouse was down (the hand was followed).
    assert len(first_points) >= 3, first_points

    # The release is exactly where the dot was let go, in the boxes, the path and the link.
    wanted = [box_text(v) for v in release]
    page.wait_for_function(
        '([w1, w2]) => document.querySelector(`[id=\'{"key":"w1","type":"lab-field"}\']`).value === w1'
        ' && document.querySelector(`[id=\'{"key":"w2","type":"lab-field"}\']`).value === w2',
        arg=wanted,
        timeout=10_000,
    )
    page.wait_for_function(
        "([w1, w2]) => { const t = document.querySelector('#lab-landscape .js-plotly-plot').data[3];"
        " return Math.abs(t.x[0] - w1) < 1e-5 && Math.abs(t.y[0] - w2) < 1e-5; }",
        arg=[float(v) for v in wanted],
        timeout=20_000,
    )
    page.wait_for_function(
        "(wanted) => location.search.includes(wanted)",
        arg=f"w1={wanted[0]}&w2={wanted[1]}",
        timeout=10_000,
    )
    page.wait_for_timeout(600)  # any run still on its way
    assert [page.input_value(field("w1")), page.input_value(field("w2"))] == wanted
    cx, cy = dot_centre(page)
    assert abs(cx - x) <= 2.5 and abs(cy - y) <= 2.5, "the dot stays where it was let go"
    # Throttled: a run per 200 ms at most, the first and the release always.
    during = [t for t in runs if t >= began]
    assert 3 <= len(during) <= elapsed_ms / THROTTLE_MS + 2, (len(during), elapsed_ms)


def test_a_click_on_the_plane_still_sets_the_start(page, live_server):
    page.goto(f"{live_server}/optimizers?landscape=himmelblau")
    wait_drawn(page)
    plane = page.locator("#lab-landscape .nsewdrag").first.bounding_box()
    # Whole pixels: a mouse event's clientX / clientY are integers.
    x, y = round(plane["x"] + plane["width"] * 0.7), round(plane["y"] + plane["height"] * 0.35)
    wanted = [box_text(v) for v in page.evaluate(DATA_AT, [x, y])]
    page.mouse.click(x, y)
    page.wait_for_function(
        "([w1, w2]) => { const t = document.querySelector('#lab-landscape .js-plotly-plot').data[3];"
        " return Math.abs(t.x[0] - w1) < 1e-5 && Math.abs(t.y[0] - w2) < 1e-5; }",
        arg=[float(v) for v in wanted],
        timeout=20_000,
    )
    assert [page.input_value(field("w1")), page.input_value(field("w2"))] == wanted
    cx, cy = dot_centre(page)
    assert abs(cx - x) <= 1.5 and abs(cy - y) <= 1.5  # the dot moved there too
