"""Classroom features in headless Chromium: shared links, presentation mode, keyboard shortcuts,
hidden control groups, copy-link and the classroom-link builder."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

pytestmark = pytest.mark.browser

LANDSCAPE_PLOT = "#lab-landscape .js-plotly-plot"


def _lab_settings():
    from settings.optimizer_lab import LabSettings

    settings = LabSettings.default("rosenbrock")
    rows = tuple(
        replace(
            row,
            enabled=row.id in ("gd", "adam"),
            lr={"gd": 0.001, "adam": 0.05}.get(row.id, row.lr),
        )
        for row in settings.optimizers
    )
    return replace(settings, start=(-1.2, 1.5), steps=300, optimizers=rows)


def _counter(page) -> str:
    return page.locator("[data-player='lab'][data-role='counter']").inner_text()


def _open_lab(page, base: str, query: str) -> None:
    page.goto(f"{base}/optimizers?{query}")
    page.wait_for_function(
        """() => {
            const gd = document.querySelector('#lab-landscape .js-plotly-plot');
            const lab = window.LossViz && window.LossViz.lab;
            const r = lab && lab.state.runs[0];
            return gd && gd.data && r && gd.data[3 + 2 * r.row].x
                && gd.data[3 + 2 * r.row].x.length > 1
                && document.getElementById('lab-status').hidden;
        }""",
        timeout=30_000,
    )


def test_shared_link_draws_exactly_the_engine_trajectories(page, live_server):
    from serving.api.lab import lab_trajectories
    from settings.optimizer_lab import from_query

    settings = _lab_settings()
    query = settings.to_query()
    parsed, messages, _ = from_query(query)
    assert parsed == settings and messages == []
    _open_lab(page, live_server, query)
    page.keyboard.press("e")  # the whole run
    drawn = page.evaluate(
        """() => {
            const gd = document.querySelector('#lab-landscape .js-plotly-plot');
            return window.LossViz.lab.state.runs.map(r => ({
                id: r.id,
                x: Array.from(gd.data[3 + 2 * r.row].x),
                y: Array.from(gd.data[3 + 2 * r.row].y),
            }));
        }"""
    )
    expected = {t.optimizer: t for t in lab_trajectories(settings)}
    assert sorted(d["id"] for d in drawn) == ["adam", "gd"]
    for run in drawn:
        path = expected[run["id"]].path
        assert len(run["x"]) == len(path)
        # float32 transport: 7 significant digits.
        np.testing.assert_allclose(run["x"], path[:, 0], rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(run["y"], path[:, 1], rtol=1e-5, atol=1e-5)
    assert page.url.endswith(query)


def test_keyboard_shortcuts_drive_playback(page, live_server):
    _open_lab(page, live_server, _lab_settings().to_query())
    page.locator("body").click(position={"x": 5, "y": 300})
    page.keyboard.press("r")
    assert _counter(page).startswith("step 0 ")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert _counter(page).startswith("step 2 ")
    page.keyboard.press("ArrowLeft")
    assert _counter(page).startswith("step 1 ")
    page.keyboard.press(" ")  # play
    page.wait_for_function(
        "() => parseInt(document.querySelector(\"[data-player='lab'][data-role='counter']\")"
        ".textContent.split(' ')[1]) > 10",
        timeout=10_000,
    )
    page.keyboard.press(" ")  # pause
    paused = _counter(page)
    page.wait_for_timeout(300)
    assert _counter(page) == paused
    page.keyboard.press("e")
    assert _counter(page).startswith("step 300 ")
    page.keyboard.press("r")
    assert _counter(page).startswith("step 0 ")
    # Keys typed in a field are text, not shortcuts.
    field = page.locator("""[id='{"key":"gd.lr","type":"lab-field"}']""")
    field.click()
    page.keyboard.press("e")
    assert _counter(page).startswith("step 0 ")
    page.keyboard.press("Escape")
    # ? opens the cheat sheet, Esc closes it.
    page.locator("body").click(position={"x": 5, "y": 300})
    page.keyboard.press("?")
    assert page.locator("#shortcut-sheet").is_visible()
    assert "presentation mode" in page.locator("#shortcut-sheet").inner_text()
    page.keyboard.press("Escape")
    assert not page.locator("#shortcut-sheet").is_visible()


def test_presentation_mode_toggles_and_restyles_figures(page, live_server):
    _open_lab(page, live_server, _lab_settings().to_query())

    def font_px() -> float:
        return float(page.evaluate("getComputedStyle(document.body).fontSize").removesuffix("px"))

    def figure_font() -> float | None:
        return page.evaluate(
            "() => { const gd = document.querySelector('#lab-landscape .js-plotly-plot');"
            " return gd.layout.font ? gd.layout.font.size : null; }"
        )

    normal = font_px()
    assert "presentation" not in page.evaluate("document.body.className")
    page.click("#present-toggle")
    assert "presentation" in page.evaluate("document.body.className")
    assert font_px() >= normal * 1.3
    page.wait_for_function(
        "() => document.querySelector('#lab-landscape .js-plotly-plot').layout.font.size === 22"
    )
    assert page.locator("#shortcut-footer").is_visible()
    assert "present=1" in page.url
    # A Dash re-render (a new landscape: a whole new figure) keeps the presentation look.
    from landscapes import LANDSCAPES

    page.click("""[id='{"key":"landscape","type":"lab-field"}']""")
    page.click(f"[role='option']:has-text('{LANDSCAPES['bowl'].title}')")
    page.wait_for_function(
        """() => { const gd = document.querySelector('#lab-landscape .js-plotly-plot');
                   return window.LossViz.lab.state.runs.length && gd.layout.xaxis
                       && gd.layout.xaxis.range && gd.layout.xaxis.range[1] <= 4.5; }""",
        timeout=20_000,
    )
    page.wait_for_function(
        "() => document.querySelector('#lab-landscape .js-plotly-plot').layout.font.size === 22"
    )
    line_widths = page.evaluate(
        """() => { const gd = document.querySelector('#lab-landscape .js-plotly-plot');
                   const r = window.LossViz.lab.state.runs[0];
                   return gd.data[3 + 2 * r.row].line.width; }"""
    )
    assert line_widths >= 4
    # The lab styles all of its figures itself: the cost chart and the contour below too.
    for plot in ("#lab-loss", "#lab-contour"):
        assert (
            page.evaluate(
                f"() => document.querySelector('{plot} .js-plotly-plot').layout.font.size"
            )
            == 22
        ), plot
    page.keyboard.press("p")
    assert "presentation" not in page.evaluate("document.body.className")
    page.wait_for_function(
        "() => { const f = document.querySelector('#lab-landscape .js-plotly-plot').layout.font;"
        " return !f || f.size !== 22; }"
    )
    assert figure_font() != 22
    assert (
        page.evaluate(
            """() => { const gd = document.querySelector('#lab-landscape .js-plotly-plot');
                   const r = window.LossViz.lab.state.runs[0];
                   return gd.data[3 + 2 * r.row].line.width; }"""
        )
        < 4
    )
    assert "present=1" not in page.url
    # present=1 in a link opens in presentation mode.
    _open_lab(page, live_server, _lab_settings().to_query() + "&present=1")
    assert "presentation" in page.evaluate("document.body.className")


def test_hide_groups_from_the_link(page, live_server):
    groups = page_groups(page, live_server)
    assert len(groups) >= 2, groups
    hidden, kept = groups[:2], groups[2:]
    _open_lab(page, live_server, _lab_settings().to_query() + "&hide=" + ",".join(hidden))
    for name in hidden:
        for element in page.locator(f"[data-group='{name}']").all():
            assert not element.is_visible(), name
    for name in kept:
        assert page.locator(f"[data-group='{name}']").first.is_visible(), name
    # Still hidden after the page re-renders (a new run from a control change).
    page.keyboard.press("r")
    page.evaluate("() => window.LossViz.setPresentation(true)")
    for name in hidden:
        assert not page.locator(f"[data-group='{name}']").first.is_visible()


def page_groups(page, base: str) -> list[str]:
    _open_lab(page, base, "")
    return page.evaluate("() => window.LossViz.pageGroups().map(g => g.name)")


def test_copy_link_copies_the_current_url(browser, live_server):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    page = context.new_page()
    try:
        _open_lab(page, live_server, _lab_settings().to_query())
        page.click("#copy-link")
        page.wait_for_function(
            "() => document.getElementById('copy-link').textContent === 'Copied!'"
        )
        assert page.evaluate("navigator.clipboard.readText()") == page.url
        assert page.get_attribute("#copy-link", "data-copied-via") == "clipboard"
        # The instructor's classroom link: tick a group, get a link with hide=<group>.
        page.click("#classroom-link-toggle")
        assert page.locator("#classroom-panel").is_visible()
        first = page.locator("#classroom-groups input[type=checkbox]").first
        name = first.get_attribute("value")
        first.check()
        page.check("#classroom-present")
        page.click("#classroom-copy")
        copied = page.evaluate("navigator.clipboard.readText()")
        assert f"hide={name}" in copied and "present=1" in copied
        assert copied.startswith(page.url.split("?")[0])
    finally:
        context.close()


def test_copy_link_falls_back_without_the_clipboard_api(page, live_server):
    # Plain-HTTP class servers have no navigator.clipboard: the select-and-copy fallback runs.
    page.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: undefined});")
    _open_lab(page, live_server, _lab_settings().to_query())
    page.click("#copy-link")
    page.wait_for_function("() => document.getElementById('copy-link').textContent === 'Copied!'")
    assert page.get_attribute("#copy-link", "data-copied-via") == "fallback"


def test_hide_groups_on_the_playground_and_shortcuts_reach_its_player(page, live_server):
    page.goto(f"{live_server}/playground?hide=norms,layers")
    page.wait_for_selector("[data-group='data']", state="visible", timeout=30_000)
    page.wait_for_function(
        "() => window.LossViz && window.LossViz.activePlayer && window.LossViz.activePlayer()"
        " && window.LossViz.activePlayer().frames > 1",
        timeout=60_000,
    )
    for name in ("norms", "layers"):
        for element in page.locator(f"[data-group='{name}']").all():
            assert not element.is_visible(), name
    assert page.locator("[data-group='network-view']").first.is_visible()
    page.locator("body").click(position={"x": 5, "y": 300})
    page.keyboard.press("r")
    assert page.evaluate("window.LossViz.activePlayer().frame") == 0
    page.keyboard.press("ArrowRight")
    assert page.evaluate("window.LossViz.activePlayer().frame") == 1
    page.keyboard.press("e")
    frames = page.evaluate("window.LossViz.activePlayer().frames")
    assert page.evaluate("window.LossViz.activePlayer().frame") == frames - 1
