"""The network loss landscape page in headless Chromium: the contour, the slice and the
interpolation drawn from the fetched container, PCA directions with the training path and the
explained variance in the axis titles, the 3-D toggle, the URL following the controls, a bad
value's message beside its field, the links to and from the playground, and the landscape in
view at 1280×720.

The `page` fixture fails the test on any console error and on any request that leaves the
machine.
"""

from __future__ import annotations

import re

import pytest
from conftest import PageWatch

pytestmark = pytest.mark.browser

LOAD_TIMEOUT = 240_000  # ms: a cold server compiles the engine's programs on the first run


def open_page(page, base: str, query: str = "") -> None:
    page.goto(f"{base}/network{query}")
    wait_drawn(page, "")
    page.wait_for_load_state("networkidle")  # the page's first callbacks have answered


def wait_drawn(page, fragment: str) -> None:
    """Until the landscape whose cache key contains `fragment` is drawn in all three plots."""
    page.wait_for_function(
        """(f) => {
            const p = window.LossViz && LossViz.networkPage;
            if (!p || !p.state.landscape || !p.state.landscape.meta.key.includes(f)) return false;
            return ['nl-landscape', 'nl-slice', 'nl-interp'].every((id) => {
                const gd = p.plotDiv(id);
                return gd && gd.data && gd.data.length && gd._fullLayout;
            });
        }""",
        arg=fragment,
        timeout=LOAD_TIMEOUT,
    )


def traces(page, graph_id: str) -> list[dict]:
    return page.evaluate(
        """(id) => LossViz.networkPage.plotDiv(id).data.map((t) => ({
              type: t.type, name: t.name, n: (t.x || []).length,
              rows: Array.isArray(t.z) ? t.z.length : 0,
              finite: Array.isArray(t.z) ? t.z.flat().filter(Number.isFinite).length
                    : (t.y || []).filter(Number.isFinite).length,
              custom: (t.customdata || []).length }))""",
        graph_id,
    )


def axis_titles(page) -> list[str]:
    return page.evaluate(
        """() => { const l = LossViz.networkPage.plotDiv('nl-landscape')._fullLayout;
                   return [l.xaxis.title.text, l.yaxis.title.text]; }"""
    )


def test_contour_slice_and_interpolation_are_drawn(live_server, page):
    open_page(page, live_server)
    contour = traces(page, "nl-landscape")
    assert contour[0]["type"] == "contour"
    assert contour[0]["n"] == 41 and contour[0]["rows"] == 41 and contour[0]["finite"] == 41 * 41
    assert [t["name"] for t in contour[1:]] == ["θ* (trained)"]
    assert axis_titles(page) == ["α (along d₁)", "β (along d₂)"]
    minibatches = ["4 minibatches of 20"] + [f"minibatch {m} (20 points)" for m in (2, 3, 4)]
    for graph, names in (
        ("nl-slice", [*minibatches, "train", "test"]),
        ("nl-interp", ["train", "test"]),
    ):
        drawn = traces(page, graph)
        assert [t["name"] for t in drawn] == names
        assert all(t["finite"] > 50 for t in drawn), drawn
    # The colour is a log scale: the colour bar's labels are losses at log10 positions.
    bar = page.evaluate(
        """() => { const t = LossViz.networkPage.plotDiv('nl-landscape').data[0];
                   return [t.colorbar.tickvals, t.colorbar.ticktext]; }"""
    )
    assert len(bar[0]) >= 2 and all(isinstance(v, float | int) for v in bar[0])
    # Equal aspect: a unit of α is as long as a unit of β on screen.
    ratio = page.evaluate(
        """() => { const l = LossViz.networkPage.plotDiv('nl-landscape')._fullLayout;
                   const x = l.xaxis, y = l.yaxis;
                   return (x._length / (x.range[1] - x.range[0]))
                        / (y._length / (y.range[1] - y.range[0])); }"""
    )
    assert ratio == pytest.approx(1, rel=0.02)
    numbers = page.inner_text("#nl-numbers")
    assert "Loss at θ*" in numbers and "Parameters" in numbers


def test_pca_shows_the_path_and_the_explained_variance(live_server, page):
    open_page(page, live_server)
    page.click("#nl-dirs label:has-text('PCA path')")
    wait_drawn(page, "dirs=pca")
    names = [t["name"] for t in traces(page, "nl-landscape")]
    assert "training path θₜ" in names and "θ₀ (initial)" in names
    path = next(t for t in traces(page, "nl-landscape") if t["name"] == "training path θₜ")
    assert path["n"] == path["custom"] > 100  # every frame, its epoch in the hover
    x_title, y_title = axis_titles(page)
    assert re.fullmatch(r"PC1 \(\d+\.\d %\)", x_title), x_title
    assert re.fullmatch(r"PC2 \(\d+\.\d %\)", y_title), y_title
    assert "dirs=pca" in page.url
    # The options that do not apply to PCA are hidden.
    assert not page.is_visible("#nl-dirseed")


def test_changing_the_span_changes_the_url_and_the_landscape(live_server, page):
    open_page(page, live_server)
    page.fill("#nl-span", "2.5")
    page.press("#nl-span", "Enter")
    wait_drawn(page, "span=2.5")
    page.wait_for_function("() => window.location.search.includes('span=2.5')")
    assert page.evaluate(
        "() => LossViz.networkPage.plotDiv('nl-landscape')._fullLayout.xaxis.range[1]"
    ) == pytest.approx(2.5)
    # A bad value: its message beside the field, the landscape stays.
    page.fill("#nl-res", "40")
    page.press("#nl-res", "Enter")
    page.wait_for_function(
        "() => document.getElementById('nl-res-error').innerText.includes('odd')"
    )
    assert page.evaluate("() => Boolean(document.getElementById('nl-res').closest('.invalid'))")
    assert page.evaluate("() => LossViz.networkPage.state.landscape.meta.key").endswith(
        "span=2.5&res=41&biases=0&dirseed=0"
    )


def test_surface_toggle_draws_the_3d_surface(live_server, page):
    open_page(page, live_server)
    page.click("#nl-plot label:has-text('3-D surface')")
    page.wait_for_function(
        """() => { const gd = LossViz.networkPage.plotDiv('nl-landscape');
                   return gd.data && gd.data[0].type === 'surface' && gd._fullLayout.scene; }""",
        timeout=60_000,
    )
    page.wait_for_function("() => window.location.search.includes('plot=surface')")
    page.click("#nl-plot label:has-text('Contour')")
    page.wait_for_function(
        "() => LossViz.networkPage.plotDiv('nl-landscape').data[0].type === 'contour'"
    )
    page.wait_for_function("() => !window.location.search.includes('plot=')")


def test_a_link_with_the_surface_opens_on_it(live_server, page):
    open_page(page, live_server, "?dirs=pca&plot=surface")
    page.wait_for_function(
        """() => { const gd = LossViz.networkPage.plotDiv('nl-landscape');
                   return gd.data && gd.data[0].type === 'surface'
                       && gd.data.some((t) => t.name === 'training path θₜ'); }""",
        timeout=60_000,
    )
    assert "plot=surface" in page.url


def test_links_to_and_from_the_playground_carry_the_network(live_server, page):
    page.goto(f"{live_server}/playground?data=xor&hidden=5&view=gradients")
    page.wait_for_function("() => document.getElementById('pg-landscape-link')")
    page.hover("#pg-landscape-link")
    href = page.get_attribute("#pg-landscape-link", "href")
    assert href == "/network?data=xor&hidden=5"
    page.click("#pg-landscape-link")
    page.wait_for_url(re.compile(r".*/network\?data=xor&hidden=5$"))
    wait_drawn(page, "data=xor&hidden=5")
    assert page.inner_text(".nl-summary").startswith("XOR, 400 points")
    back = page.get_attribute("#nl-playground-link", "href")
    assert back == "/playground?data=xor&hidden=5"


def test_the_landscape_is_in_view_at_1280_by_720(live_server, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    watch = PageWatch(page)
    try:
        open_page(page, live_server)
        box = page.evaluate(
            """() => { const r = document.getElementById('nl-landscape').getBoundingClientRect();
                       return [r.left, r.top, r.right, r.bottom]; }"""
        )
        left, top, right, bottom = box
        assert left >= 0 and top >= 0 and right <= 1280 and bottom <= 720, box
        # The legend is outside the data: above the plot area.
        legend_bottom, plot_top = page.evaluate(
            """() => { const gd = LossViz.networkPage.plotDiv('nl-landscape');
                       const legend = gd.querySelector('.legend').getBoundingClientRect();
                       const area = gd.querySelector('.nsewdrag').getBoundingClientRect();
                       return [legend.bottom, area.top]; }"""
        )
        assert legend_bottom <= plot_top + 1
    finally:
        context.close()
    assert not watch.console_errors, watch.console_errors
    assert not watch.external_requests, watch.external_requests


def test_presentation_mode_redraws_with_the_projector_sizes(live_server, page):
    open_page(page, live_server)
    font = "() => LossViz.networkPage.plotDiv('nl-landscape')._fullLayout.font.size"
    assert page.evaluate(font) == 13
    page.click("body", position={"x": 5, "y": 300})
    page.keyboard.press("p")
    page.wait_for_function("() => document.body.classList.contains('presentation')")
    page.wait_for_function(f"() => ({font})() === 22")
    slice_font = "() => LossViz.networkPage.plotDiv('nl-slice')._fullLayout.font.size"
    page.wait_for_function(f"() => ({slice_font})() === 22")


def test_a_flat_pca_plane_is_stretched_and_says_so(live_server, page):
    """Zero initialization: the path is a line, PC2 holds none of it; drawn to scale the
    plane would be a strip a few pixels high, so β is stretched and the title says by how much."""
    open_page(page, live_server, "?init=zero&dirs=pca")
    x_title, y_title = axis_titles(page)
    assert re.fullmatch(r"PC1 \(\d+\.\d %\) · PC2 axis stretched ×[\d.]+", x_title), x_title
    assert y_title.startswith("PC2 (")
