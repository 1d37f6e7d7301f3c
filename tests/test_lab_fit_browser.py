"""The lab on a laptop and a projector (issue 10): plot and play bar in view without scrolling,
equal aspect, the legend beside the data, a scrubber that drags, keys that drive playback."""

from __future__ import annotations

import contextlib

import pytest
from test_lab_browser import counter, field, wait_drawn

pytestmark = pytest.mark.browser

SCREENS = [(1280, 720), (1920, 1080)]

GEOMETRY = """() => {
    const adapter = LossViz.plotlyAdapter;
    const gd = document.querySelector('#lab-landscape .js-plotly-plot');
    const box = (el) => { const r = el.getBoundingClientRect();
        return {left: r.left, top: r.top, right: r.right, bottom: r.bottom}; };
    const frame = gd.getBoundingClientRect();
    const area = adapter.plotArea(gd);
    const plot = {left: frame.left + area.left, top: frame.top + area.top,
                  right: frame.left + area.left + area.width, bottom: frame.top + area.top + area.height};
    const xa = adapter.axis(gd, 'xaxis'), ya = adapter.axis(gd, 'yaxis');
    const legend = gd.querySelector('.legend');
    return {
        plot, bar: box(document.querySelector('.lab-main .playback')), figure: box(gd),
        xPerUnit: Math.abs(xa.toPixel(1) - xa.toPixel(0)),
        yPerUnit: Math.abs(ya.toPixel(1) - ya.toPixel(0)),
        legend: legend ? box(legend) : null,
        viewport: {width: window.innerWidth, height: window.innerHeight},
    };
}"""


def wait_settled(page, timeout_ms: int = 10_000) -> None:
    """Until the play bar stays put for 300 ms (the fit after the page settled has run)."""
    where = "() => document.querySelector('.lab-main .playback').getBoundingClientRect().bottom"
    last, waited = page.evaluate(where), 0
    while waited < timeout_ms:
        page.wait_for_timeout(300)
        waited += 300
        now = page.evaluate(where)
        if now == last:
            return
        last = now
    raise AssertionError("the lab's layout never settled")


@contextlib.contextmanager
def open_lab(browser, live_server, size, present: bool = False, query: str = ""):
    """The lab drawn in a window of `size`; fails on a console error."""
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    suffix = "&".join(part for part in (query, "present=1" if present else "") if part)
    try:
        page.goto(f"{live_server}/optimizers" + (f"?{suffix}" if suffix else ""))
        wait_drawn(page)
        page.wait_for_selector("#lab-formula .katex")  # typeset: the frame moved down
        wait_settled(page)
        yield page
    finally:
        context.close()
    assert not errors, errors


def inside(inner: dict, outer: dict) -> bool:
    return (
        inner["left"] >= outer["left"] - 1
        and inner["top"] >= outer["top"] - 1
        and inner["right"] <= outer["right"] + 1
        and inner["bottom"] <= outer["bottom"] + 1
    )


def overlap(a: dict, b: dict) -> bool:
    return not (
        a["right"] <= b["left"]
        or b["right"] <= a["left"]
        or a["bottom"] <= b["top"]
        or b["bottom"] <= a["top"]
    )


@pytest.mark.parametrize("present", [False, True], ids=["normal", "presentation"])
@pytest.mark.parametrize("size", SCREENS, ids=[f"{w}x{h}" for w, h in SCREENS])
@pytest.mark.parametrize("landscape", ["himmelblau", "rosenbrock", "valley"])
def test_plot_and_play_bar_fit_the_screen_at_equal_aspect(
    browser, live_server, size, present, landscape
):
    with open_lab(browser, live_server, size, present, f"landscape={landscape}") as page:
        g = page.evaluate(GEOMETRY)
        screen = {"left": 0, "top": 0, "right": size[0], "bottom": size[1]}
        assert inside(g["plot"], screen), g
        assert inside(g["bar"], screen), g
        if present:  # the fixed shortcut footer covers the window's bottom
            footer = page.locator(".shortcut-footer").bounding_box()
            assert g["bar"]["bottom"] <= footer["y"] + 1, (g, footer)
        assert g["plot"]["bottom"] - g["plot"]["top"] >= 180, g  # still a plot to look at
        # A sensible share of the window: the valley at 1280×720 in presentation mode had 160 px
        # (22 %) while the side panels beside it made the formula and the note wrap.
        assert g["plot"]["bottom"] - g["plot"]["top"] >= 0.28 * size[1], g
        assert abs(g["xPerUnit"] / g["yPerUnit"] - 1) < 0.02, g  # one unit as long on both axes
        assert g["legend"] is not None, g
        if landscape != "valley":  # beside the plot; the wide valley may take a free corner
            assert not overlap(g["legend"], g["plot"]), g
        assert inside(g["legend"], g["figure"]), g  # whole: not cut at the figure's edge


def test_the_scrubber_drags_through_the_run(browser, live_server):
    with open_lab(browser, live_server, (1280, 720)) as page:
        scrub = page.locator("[data-player='lab'][data-role='scrub'] input[type=range]")
        box = scrub.bounding_box()
        assert box["width"] > 100, box  # not squeezed into its wrapper
        y = box["y"] + box["height"] / 2
        page.mouse.move(box["x"] + box["width"] - 4, y)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] * 0.5, y, steps=8)
        page.mouse.up()
        step = int(counter(page).split()[1])
        assert 150 < step < 350, counter(page)


def test_space_after_clicking_a_checkbox_plays_instead_of_toggling(browser, live_server):
    with open_lab(browser, live_server, (1400, 900)) as page:
        page.locator("[data-player='lab'][data-action='reset']").click()
        box = page.locator(f"{field('nesterov.on')} input[type=checkbox]")
        box.click()  # turns Nesterov on: a new run
        page.wait_for_timeout(200)
        wait_drawn(page)
        page.locator("[data-player='lab'][data-action='reset']").click()
        box.focus()
        checked = box.is_checked()
        page.keyboard.press(" ")
        page.wait_for_timeout(400)
        assert box.is_checked() == checked  # Space did not toggle the box again
        assert int(counter(page).split()[1]) > 0, counter(page)  # it played
        page.keyboard.press(" ")  # pause
        before = int(counter(page).split()[1])
        page.keyboard.press("ArrowRight")
        assert int(counter(page).split()[1]) == before + 1


@pytest.mark.parametrize("present", [False, True], ids=["normal", "presentation"])
def test_a_long_formula_stays_inside_its_panel(browser, live_server, present):
    """Goldstein–Price's formula ran past the landscape's panel (issue 10): it scrolls inside."""
    with open_lab(browser, live_server, (1280, 720), present, "landscape=goldstein_price") as page:
        g = page.evaluate(
            """() => { const el = document.getElementById('lab-formula');
                const panel = el.closest('.panel').getBoundingClientRect();
                return {right: el.getBoundingClientRect().right, panelRight: panel.right,
                        overflow: getComputedStyle(el).overflowX}; }"""
        )
        assert g["right"] <= g["panelRight"], g
        assert g["overflow"] == "auto", g
