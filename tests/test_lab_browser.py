"""The optimizer lab in headless Chromium, used as a student would."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.browser


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


def path_points(page, trace: int) -> list[list[float]]:
    return page.evaluate(
        """(i) => {
            const el = document.getElementById('lab-landscape'); const gd = el && el.querySelector('.js-plotly-plot');
            const t = gd.data[i];
            return Array.from(t.x).map((x, k) => [x, t.y[k]]);
        }""",
        trace,
    )


def counter(page) -> str:
    return page.locator("[data-player='lab'][data-role='counter']").inner_text()


def wait_drawn(page, steps: int = 500) -> None:
    page.wait_for_function(
        """(n) => {
            const el = document.getElementById('lab-landscape'); const gd = el && el.querySelector('.js-plotly-plot');
            return gd && gd.data && gd.data.length >= 15 && gd.data[3].x && gd.data[3].x.length > 1;
        }""",
        arg=steps,
        timeout=30_000,
    )


def test_lab_page_plays_and_reacts(page, live_server):
    page.goto(f"{live_server}/optimizers")
    wait_drawn(page)
    # Four default optimizers drawn (GD, Momentum, RMSprop, Adam), two hidden (Nesterov, Adagrad).
    lengths = trace_lengths(page, "lab-landscape")
    assert [lengths[i] > 1 for i in (3, 5, 7, 9, 11, 13)] == [True, True, False, False, True, True]
    assert counter(page).startswith("step 500")
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
    page.wait_for_function(
        """(w1) => {
            const el = document.getElementById('lab-landscape');
            const gd = el && el.querySelector('.js-plotly-plot');
            return gd && gd.data[3].x && gd.data[3].x.length > 1 && Math.abs(gd.data[3].x[0] - w1) < 1e-3;
        }""",
        arg=w1,
        timeout=20_000,
    )

    # Play: the step counter advances and no request reaches the server while playing.
    requests_before = len(page.watch.callback_requests)
    page.click("[data-player='lab'][data-action='play']")
    page.wait_for_timeout(400)
    playing_at = counter(page)
    page.wait_for_timeout(400)
    assert counter(page) != playing_at
    page.click("[data-player='lab'][data-action='play']")  # pause
    assert len(page.watch.callback_requests) == requests_before
    paused = int(counter(page).split()[1])
    page.click("[data-player='lab'][data-action='step']")
    assert int(counter(page).split()[1]) == paused + 1
    assert trace_lengths(page, "lab-landscape")[3] == paused + 2
    page.click("[data-player='lab'][data-action='reset']")
    assert counter(page).startswith("step 0 ")
    assert trace_lengths(page, "lab-landscape")[3] == 1

    # Change the landscape in the dropdown: a new surface, its formula, a new start.
    page.click(field("landscape"))
    page.click("[role='option']:has-text('Rosenbrock')")
    page.wait_for_function(
        "() => window.location.search.includes('landscape=rosenbrock')", timeout=20_000
    )
    wait_drawn(page)
    assert "Rosenbrock" in page.inner_text(field("landscape"))
    assert page.input_value(field("w1")) != "0" or page.input_value(field("w2")) != "-1"
    x_range = page.evaluate(
        "() => document.getElementById('lab-landscape').querySelector('.js-plotly-plot').layout.xaxis.range"
    )
    assert x_range == [-2, 2]


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


def test_a_diverging_optimizer_is_labelled(page, live_server):
    page.goto(f"{live_server}/optimizers?landscape=bowl&gd.lr=1.5")
    page.wait_for_selector("#lab-results td", timeout=30_000)
    legend = page.locator("#lab-landscape .legend").text_content()
    assert "diverged at step" in legend
    assert "diverged at step" in page.inner_text("#lab-results")
