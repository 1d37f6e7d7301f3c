"""Projector-grade pages (issue 10, part 1) in headless Chromium: at 1280×720 and 1920×1080, in
normal and presentation mode, on the lab and the playground, the main plot and the play bar are
in the window without scrolling, the chosen texts (tiles, table headers, labels, play bar) do not
overlap, no tile cuts its number, and presentation mode sets every text at 20 px or more.

One browser page per page of the app, reused: the window is resized and presentation mode
switched (`LossViz.setPresentation`, what the Present button and key P call) in place.
"""

from __future__ import annotations

import itertools

import pytest
from test_lab_browser import wait_drawn
from test_playground_browser import open_page

pytestmark = pytest.mark.browser

SCREENS = [(1280, 720), (1920, 1080)]
MODES = [False, True]
MIN_PRESENT_PX = 20

# Per page: the main plot (its Plotly figure's plot area is measured), the play bar, and the
# texts that must not overlap one another.
PAGES = {
    "lab": {
        "plot": "#lab-landscape .js-plotly-plot",
        "bar": ".lab-main .playback",
        "texts": [
            ".landscape-bar .label",
            ".lab-main .playback button",
            ".lab-main .playback .counter",
            ".lab-main .playback .speed",
            "#lab-cursor",
            ".opt-header > *",
            ".results th",
        ],
    },
    "playground": {
        "plot": "#pg-boundary .js-plotly-plot",
        "bar": ".pg-tab-train .pg-playback",
        "texts": [
            ".pg-stat-label",
            ".pg-stat-value",
            ".pg-panel-head .panel-title",
            ".pg-panel-head label",
            ".pg-tab-train .pg-playback button",
            ".pg-tab-train .pg-playback .counter",
            ".pg-tab-train .pg-playback .speed",
            ".pg-label",
            ".pg-tabs > label",
            ".pg-legend-item",
            "#pg-network .annotation-text",  # the layer titles (they ran into the legend)
        ],
    },
}

# What the window shows of a page: plot area and play bar boxes, the footer's top, the text
# boxes (a Range over each element's content: the text as laid out, overflow included), tiles
# that cut their content, and the visible texts set below `minPx`.
MEASURE = """([spec, minPx]) => {
    const box = (r) => ({left: r.left, top: r.top, right: r.right, bottom: r.bottom,
                         width: r.width, height: r.height});
    const gd = document.querySelector(spec.plot);
    const frame = gd.getBoundingClientRect();
    const area = LossViz.plotlyAdapter.plotArea(gd);
    const plot = {left: frame.left + area.left, top: frame.top + area.top,
                  right: frame.left + area.left + area.width,
                  bottom: frame.top + area.top + area.height};
    const bar = box(document.querySelector(spec.bar).getBoundingClientRect());
    const footer = document.querySelector('.shortcut-footer');
    const footerTop = footer && footer.getBoundingClientRect().height
        ? footer.getBoundingClientRect().top : window.innerHeight;
    const shown = (el) => { const r = el.getBoundingClientRect();
        return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden'; };
    const texts = [];
    for (const selector of spec.texts) {
        for (const el of document.querySelectorAll(selector)) {
            if (!shown(el) || !el.textContent.trim()) continue;
            const range = document.createRange();
            range.selectNodeContents(el);
            texts.push({selector, text: el.textContent.trim().slice(0, 40), el,
                        box: box(range.getBoundingClientRect())});
        }
    }
    const overlaps = [];
    for (let i = 0; i < texts.length; i++) {
        for (let j = i + 1; j < texts.length; j++) {
            const a = texts[i], b = texts[j];
            if (a.el.contains(b.el) || b.el.contains(a.el)) continue;
            const x = Math.min(a.box.right, b.box.right) - Math.max(a.box.left, b.box.left);
            const y = Math.min(a.box.bottom, b.box.bottom) - Math.max(a.box.top, b.box.top);
            if (x > 1 && y > 1) overlaps.push([a.text, b.text]);
        }
    }
    const cut = [];
    for (const el of document.querySelectorAll('.pg-stat, .pg-stat > span')) {
        if (shown(el) && el.scrollWidth > el.clientWidth + 1) {
            cut.push([el.textContent, el.scrollWidth, el.clientWidth]);
        }
    }
    const small = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) {
        const el = node.parentElement;
        if (!node.textContent.trim() || !el) continue;
        // KaTeX sizes its sub- and superscripts itself; figures are SVG (sized by their pages).
        if (el.closest('svg, .katex, script, style, [hidden]')) continue;
        if (!shown(el)) continue;
        const px = parseFloat(getComputedStyle(el).fontSize);
        if (px < minPx) small.push([node.textContent.trim().slice(0, 30), el.className, px]);
    }
    return {plot, bar, footerTop, overlaps, cut, small: small.slice(0, 20),
            bodyPx: parseFloat(getComputedStyle(document.body).fontSize),
            viewport: {width: window.innerWidth, height: window.innerHeight}};
}"""


def settle(page, bar: str, timeout_ms: int = 10_000) -> None:
    """Until the play bar stays put for 300 ms (fonts, refits and redraws done)."""
    where = f"() => JSON.stringify(document.querySelector({bar!r}).getBoundingClientRect())"
    last, waited = page.evaluate(where), 0
    while waited < timeout_ms:
        page.wait_for_timeout(300)
        waited += 300
        now = page.evaluate(where)
        if now == last:
            return
        last = now
    raise AssertionError("the layout never settled")


@pytest.fixture(scope="module")
def pages(browser, live_server):
    """One page of each kind, loaded once; the console must stay clean."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    errors: list[str] = []
    opened = {}
    lab = context.new_page()
    lab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    lab.goto(f"{live_server}/optimizers")
    wait_drawn(lab)
    lab.wait_for_selector("#lab-formula .katex")
    opened["lab"] = lab
    playground = context.new_page()
    playground.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    open_page(playground, live_server)
    opened["playground"] = playground
    try:
        yield opened
    finally:
        context.close()
    assert not errors, errors


def show(page, name: str, size, present: bool) -> dict:
    page.bring_to_front()
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.evaluate("(on) => LossViz.setPresentation(on)", present)
    page.evaluate("() => window.scrollTo(0, 0)")
    settle(page, PAGES[name]["bar"])
    if name == "lab":  # fill the cursor read-out: hover the middle of the plane
        plot = page.evaluate(MEASURE, [PAGES[name], 0])["plot"]
        page.mouse.move((plot["left"] + plot["right"]) / 2, (plot["top"] + plot["bottom"]) / 2)
        page.wait_for_function("() => document.getElementById('lab-cursor').textContent.trim()")
    return page.evaluate(MEASURE, [PAGES[name], MIN_PRESENT_PX if present else 0])


def inside(inner: dict, width: float, bottom: float) -> bool:
    return (
        inner["left"] >= -1
        and inner["top"] >= -1
        and inner["right"] <= width + 1
        and inner["bottom"] <= bottom + 1
    )


CASES = [
    pytest.param(name, size, present, id=f"{name}-{size[0]}x{size[1]}-{mode}")
    for name in PAGES
    for size in SCREENS
    for present, mode in zip(MODES, ["normal", "present"], strict=True)
]


@pytest.mark.parametrize(("name", "size", "present"), CASES)
def test_texts_are_large_apart_and_whole(pages, name, size, present):
    g = show(pages[name], name, size, present)
    assert not g["overlaps"], g["overlaps"]
    assert not g["cut"], g["cut"]  # a tile shows its whole number ("0.0…" was the bug)
    if present:
        assert g["bodyPx"] >= MIN_PRESENT_PX, g["bodyPx"]
        assert not g["small"], g["small"]


# The playground's network and boundary end above the window's bottom (assets/playground/fit.js);
# in presentation mode on a short screen the controls column gives way (a drawer) for it.
FIT_CASES = CASES


@pytest.mark.parametrize(("name", "size", "present"), FIT_CASES)
def test_main_plot_and_play_bar_are_in_the_window(pages, name, size, present):
    g = show(pages[name], name, size, present)
    bottom = g["footerTop"]  # the fixed shortcut footer covers the window's bottom
    assert inside(g["plot"], size[0], bottom), g
    assert inside(g["bar"], size[0], bottom), g
    # A sensible share of the height for the plot (the valley at 1280×720 had ~160 px).
    assert g["plot"]["bottom"] - g["plot"]["top"] >= 0.3 * size[1], g


LAYER_TITLES = """() => [...document.querySelectorAll('#pg-network .annotation-text')]
    .map((el) => { const r = el.getBoundingClientRect();
                   return {text: el.textContent, left: r.left, top: r.top, right: r.right,
                           bottom: r.bottom, px: parseFloat(el.style.fontSize || 0)}; })"""


@pytest.mark.parametrize("present", MODES, ids=["normal", "present"])
def test_layer_titles_of_four_hidden_layers_do_not_overlap(browser, live_server, present):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    try:
        open_page(page, live_server, "?hidden=8,8,8,8" + ("&present=1" if present else ""))
        page.wait_for_function(
            "() => document.querySelectorAll('#pg-network .annotation-text').length === 6"
        )
        page.wait_for_timeout(300)  # a refit after presentation mode's relayout
        titles = page.evaluate(LAYER_TITLES)
    finally:
        context.close()
    assert len(titles) == 6, titles  # input, four hidden layers, output
    for a, b in itertools.pairwise(titles):
        assert a["right"] <= b["left"], (a, b)  # left to right, apart
    for i, a in enumerate(titles):
        for b in titles[i + 1 :]:
            apart = (
                a["right"] <= b["left"]
                or b["right"] <= a["left"]
                or a["bottom"] <= b["top"]
                or b["bottom"] <= a["top"]
            )
            assert apart, (a, b)


CONTOUR_SCALE = """() => JSON.stringify(
    document.querySelector('#lab-contour .js-plotly-plot').data[0].colorscale)"""


def test_the_high_contrast_map_is_a_choice_kept_in_the_link(browser, live_server):
    """A washed-out projector flattens the blue-grey map: `map=contrast` draws neutral greys
    over a wider lightness range, chosen on the page and kept in the link."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        page.goto(f"{live_server}/optimizers")
        wait_drawn(page)
        default = page.evaluate("() => JSON.stringify(LossViz.labTheme.LANDSCAPE_SCALE)")
        contrast = page.evaluate("() => JSON.stringify(LossViz.labTheme.CONTRAST_SCALE)")
        assert page.evaluate(CONTOUR_SCALE) == default
        page.get_by_text("high contrast (projector)").click()
        page.wait_for_function("() => window.location.search.includes('map=contrast')")
        page.wait_for_function(f"() => ({CONTOUR_SCALE})() === {contrast!r}")
        link = page.url
        page.goto(link)  # the shared link opens with the contrast map
        wait_drawn(page)
        page.wait_for_function(f"() => ({CONTOUR_SCALE})() === {contrast!r}")
        assert page.locator("[data-map='contrast']").count() == 1
    finally:
        context.close()
    assert not errors, errors


def test_a_focused_selected_pill_keeps_white_text(pages):
    """Dash colours a focused option purple: on the selected pill's blue that was unreadable."""
    page = pages["playground"]
    page.bring_to_front()
    page.set_viewport_size({"width": 1280, "height": 720})
    page.evaluate("() => LossViz.setPresentation(false)")
    pill = page.locator(".pg-pills > label:has(input:checked)").first
    pill.click()  # focuses its radio: the state that was purple on blue
    colours = page.evaluate(
        """() => { const label = document.querySelector('.pg-pills > label:has(input:checked)');
            const style = getComputedStyle(label);
            return [style.color, style.backgroundColor, label.matches(':focus-within')]; }"""
    )
    assert colours[2], colours  # the case in question: focus inside the selected pill
    assert colours[0] == "rgb(255, 255, 255)", colours


BOUNDARY_SIZE = """() => { const gd = document.querySelector('#pg-boundary .js-plotly-plot');
    const area = LossViz.plotlyAdapter.plotArea(gd);
    return {height: gd.layout.height, plot: Math.min(area.width, area.height),
            full: Boolean(document.fullscreenElement)}; }"""


def test_full_screen_gives_the_playground_boundary_the_screen(pages):
    """Key F on the playground showed the 440 px boundary on an otherwise blank screen."""
    page = pages["playground"]
    page.bring_to_front()
    page.set_viewport_size({"width": 1280, "height": 720})
    page.evaluate("() => LossViz.setPresentation(false)")
    settle(page, PAGES["playground"]["bar"])  # the refits of leaving presentation mode are done
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    before = page.evaluate(BOUNDARY_SIZE)
    page.keyboard.press("f")
    page.wait_for_function("() => document.fullscreenElement")
    page.wait_for_function(
        "() => document.querySelector('#pg-boundary .js-plotly-plot').layout.height > 600"
    )
    full = page.evaluate(BOUNDARY_SIZE)
    assert full["plot"] > 1.3 * before["plot"], (before, full)  # the square plot grew
    page.evaluate("() => document.exitFullscreen()")
    page.wait_for_function("() => !document.fullscreenElement")
    # Its own size again (no explicit size if it had none: the page's CSS sizes it).
    page.wait_for_function(f"() => ({BOUNDARY_SIZE})().plot === {before['plot']}", timeout=5000)
    assert page.evaluate(BOUNDARY_SIZE)["height"] == before["height"]


def test_the_playgrounds_controls_are_a_drawer_on_a_short_projector(pages):
    """Presentation mode at 1280×720: the controls column gives way to the plots; "☰ Controls"
    opens it over the network panel (the boundary stays in view), an initialization chosen
    there retrains, and Esc closes it. At 1920×1080 the column is back and the button hidden."""
    page = pages["playground"]
    g = show(page, "playground", (1280, 720), True)
    toggle = page.locator(".pg-controls-toggle")
    assert toggle.is_visible() and not page.locator("#pg-controls").is_visible()
    toggle.click()
    assert page.locator("#pg-controls").is_visible()
    assert toggle.get_attribute("aria-expanded") == "true"
    drawer = page.locator("#pg-controls").bounding_box()
    assert drawer["x"] + drawer["width"] <= g["plot"]["left"]  # the boundary stays in view
    page.locator("#pg-controls label:has-text('Too large')").click()
    page.wait_for_function("() => location.search.includes('init=too_large')", timeout=30_000)
    page.keyboard.press("Escape")
    assert not page.locator("#pg-controls").is_visible()
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.click()  # back to the default, for the other tests on this page
    page.locator("#pg-controls label:has-text('Appropriate')").click()
    page.keyboard.press("Escape")
    page.wait_for_function("() => !location.search.includes('init=too_large')", timeout=30_000)
    show(page, "playground", (1920, 1080), True)
    assert not toggle.is_visible() and page.locator("#pg-controls").is_visible()


NAV = """() => {
    const row = document.querySelector('.top-nav .nav-links');
    const menu = document.querySelector('.top-nav .nav-pages');
    const shown = (el) => el.getBoundingClientRect().width > 0;
    const edge = row.getBoundingClientRect().right;
    return {
        row: shown(row), menu: shown(menu),
        cut: [...row.querySelectorAll('.nav-link')].filter((a) => shown(a))
            .filter((a) => a.getBoundingClientRect().right > edge + 1).map((a) => a.textContent),
        navHeight: document.querySelector('.top-nav').getBoundingClientRect().height,
    };
}"""


@pytest.mark.parametrize(("name", "size", "present"), CASES)
def test_the_navigation_shows_every_page_whole(pages, name, size, present):
    """No page link is cut off at the bar's edge ("LR rang…" at 1280 in presentation mode): the
    links fit one line, or the bar offers them as the "☰ Pages" menu instead."""
    show(pages[name], name, size, present)
    nav = pages[name].evaluate(NAV)
    assert nav["row"] != nav["menu"], nav  # one of the two, never both
    assert not nav["cut"], nav
    assert nav["navHeight"] <= 70, nav  # one line


def test_the_pages_menu_opens_a_page_and_closes(pages):
    page = pages["lab"]
    show(page, "lab", (1280, 720), True)
    menu = page.locator(".top-nav .nav-pages")
    assert menu.is_visible() and not page.locator(".top-nav .nav-links").is_visible()
    menu.locator("summary").click()
    links = menu.locator(".nav-link")
    assert "LR range test" in links.all_inner_texts()
    page.keyboard.press("Escape")  # Escape closes it
    assert not links.first.is_visible()
    menu.locator("summary").click()
    menu.locator(".nav-link", has_text="Playground").click()
    page.wait_for_url("**/playground**")
    assert not links.first.is_visible()  # closed once the page is chosen
    page.go_back()
    page.wait_for_url("**/optimizers**")
    wait_drawn(page)
