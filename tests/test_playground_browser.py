"""The playground page in headless Chromium: training on change, client-side playback, toggles.

The `page` fixture fails the test on any console error and on any request that leaves the
machine (KaTeX/MathJax, Plotly and fonts are served by the app itself).
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from playground import activation_maps, train
from settings.playground import from_query

pytestmark = pytest.mark.browser

LOAD_TIMEOUT = 240_000  # ms: the first run of a shape compiles the engine's program


def open_page(page, base: str, query: str = "") -> None:
    page.goto(f"{base}/playground{query}")
    page.wait_for_function(
        "() => window.LossViz && LossViz.playground && LossViz.playground.state.run",
        timeout=LOAD_TIMEOUT,
    )


def run_key(page) -> str:
    return page.evaluate("() => LossViz.playground.state.run.p.key")


def wait_for_run(page, fragment: str) -> None:
    page.wait_for_function(
        "(f) => { const r = LossViz.playground.state.run; return r && r.p.key.includes(f); }",
        arg=fragment,
        timeout=LOAD_TIMEOUT,
    )


def frame(page, player: str = "playground") -> int:
    return page.evaluate("(name) => LossViz.player(name).frame", player)


def counter(page, player: str = "playground") -> str:
    return page.inner_text(f'[data-player="{player}"][data-role="counter"]')


def plot_data(page, graph_id: str, keys=("x", "y", "z", "line", "visible")) -> str:
    """The Plotly traces drawn in a dcc.Graph, as JSON (what the audience sees)."""
    return page.evaluate(
        """([id, keys]) => {
            const gd = document.getElementById(id).querySelector('.js-plotly-plot');
            return JSON.stringify(gd.data.map((t) => keys.map((k) => t[k])));
        }""",
        [graph_id, list(keys)],
    )


def boundary_image(page, graph_id: str) -> str:
    """The decision-boundary pictures as drawn (layout images, repainted every frame)."""
    return page.evaluate(
        """(id) => JSON.stringify((document.getElementById(id).querySelector('.js-plotly-plot')
                                  .layout.images || []).map((i) => i.source))""",
        graph_id,
    )


def network_links(page) -> list:
    """Per link trace: its colour, width and number of links (segments)."""
    return page.evaluate(
        """() => {
            const d = LossViz.playground.state.run;
            const gd = document.getElementById('pg-network').querySelector('.js-plotly-plot');
            // Each link trace starts with one parked, invisible segment.
            return d.linkTraces.map((i) => [gd.data[i].line.color, gd.data[i].line.width,
                                             (gd.data[i].x || []).length / 3 - 1]);
        }"""
    )


def end_playback(page, player: str = "playground") -> None:
    page.click(f'[data-player="{player}"][data-action="end"]')


def node_position(page, layer: int, index: int) -> tuple[float, float]:
    return tuple(
        page.evaluate(
            """([l, i]) => {
                const gd = document.getElementById('pg-network').querySelector('.js-plotly-plot');
                const [x, y] = LossViz.playground.state.run.pos[l][i];
                const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
                const r = gd.getBoundingClientRect();
                return [r.left + xa._offset + xa.l2p(x), r.top + ya._offset + ya.l2p(y)];
            }""",
            [layer, index],
        )
    )


def test_train_play_toggle_step_scrub(live_server, page):
    open_page(page, live_server)
    # A fresh page shows the trained network (last snapshot); nothing plays by itself.
    last = page.evaluate("() => LossViz.playground.state.run.S - 1")
    assert frame(page) == last
    assert counter(page).startswith("Epoch ")
    links_default = network_links(page)
    assert sum(n for _, _, n in links_default) == page.evaluate(
        "() => LossViz.playground.state.run.links.length"
    )

    # Change the data set: the server trains once, the browser plays it back.
    page.click('#pg-data label:has-text("XOR")')
    wait_for_run(page, "data=xor")
    end_playback(page)
    links_xor = network_links(page)
    assert links_xor != links_default
    assert "data=xor" in page.evaluate("() => window.location.search")

    # Change the initialization: Too small starts with (almost) invisible links.
    page.click('#pg-init label:has-text("Too small")')
    wait_for_run(page, "init=too_small")
    page.click('[data-player="playground"][data-action="reset"]')
    assert frame(page) == 0
    links_small = network_links(page)
    assert links_small != links_xor
    thin = sum(n for color, width, n in links_small if width <= 1.6)
    assert thin == sum(n for _, _, n in links_small), "too-small weights should all be thin"
    assert "init=too_small" in page.evaluate("() => window.location.search")
    boundary_start = boundary_image(page, "pg-boundary")

    # Play: the epoch counter advances and no request goes to the server.
    requests_before = len(page.watch.callback_requests)
    start_label = counter(page)
    page.click('[data-player="playground"][data-action="play"]')
    page.wait_for_function("() => LossViz.player('playground').frame >= 3", timeout=30_000)
    page.wait_for_timeout(400)
    assert counter(page) != start_label
    assert len(page.watch.callback_requests) == requests_before
    page.click('[data-player="playground"][data-action="play"]')  # pause
    assert page.evaluate("() => LossViz.player('playground').playing") is False
    assert boundary_image(page, "pg-boundary") != boundary_start

    # Weights / gradients toggle: client-side, the links are redrawn from the gradients.
    before_toggle = network_links(page)
    hover_before = plot_data(page, "pg-network", ("hovertext",))
    page.click('#pg-view label:has-text("Gradients")')
    page.wait_for_function(
        "() => document.getElementById('pg-network-panel').dataset.view === 'gradients'"
    )
    assert network_links(page) != before_toggle
    hover_after = plot_data(page, "pg-network", ("hovertext",))
    assert hover_after != hover_before and "∂L/∂w" in hover_after
    assert len(page.watch.callback_requests) == requests_before
    page.wait_for_function("() => window.location.search.includes('view=gradients')")

    # Step and scrub.
    here = frame(page)
    page.click('[data-player="playground"][data-action="step"]')
    assert frame(page) == here + 1
    page.click('[data-player="playground"][data-action="back"]')
    assert frame(page) == here
    page.evaluate(
        """() => {
            const el = document.querySelector('[data-player="playground"][data-role="scrub"]');
            el.focus();  // as when dragged: the player leaves a focused scrubber's value alone
            el.value = '10';
            el.dispatchEvent(new Event('input', { bubbles: true }));
        }"""
    )
    assert frame(page) == 10
    epoch = page.evaluate("() => LossViz.playground.state.run.p.snapshotEpochs[10]")
    assert counter(page).startswith(f"Epoch {epoch} /")
    # Graphs below the fold are drawn when scrolled to (and then follow every frame).
    page.locator("#pg-layers").scroll_into_view_if_needed()
    page.wait_for_function("() => LossViz.playground.drawnFrame['pg-layers'] === 10")
    layers_10 = plot_data(page, "pg-layers", ("z",))
    # (Clicking the step button would scroll the page back up to the playback bar.)
    page.evaluate("() => LossViz.player('playground').step(1)")
    assert page.evaluate("() => LossViz.playground.drawnFrame['pg-layers']") == 11
    assert plot_data(page, "pg-layers", ("z",)) != layers_10
    assert len(page.watch.callback_requests) == requests_before
    page.locator("#pg-boundary").scroll_into_view_if_needed()

    # Show test points: a client-side restyle.
    page.click("#pg-show-test label")
    page.wait_for_function(
        """() => document.getElementById('pg-boundary').querySelector('.js-plotly-plot')
                 .data[3].visible === true"""
    )
    assert len(page.watch.callback_requests) == requests_before


def test_activation_map_matches_the_engine(live_server, page):
    open_page(page, live_server, "?data=moons&hidden=8,4")
    end_playback(page)
    x, y = node_position(page, 1, 2)
    requests_before = len(page.watch.callback_requests)
    page.mouse.click(x, y)
    page.wait_for_function("() => window.location.search.includes('neuron=1-3')")
    assert page.evaluate("() => LossViz.playground.state.pinned") == [1, 2]
    title = page.evaluate(
        "() => document.getElementById('pg-activation').querySelector('.js-plotly-plot')"
        ".layout.title.text"
    )
    assert "h₁,₃" in title and "pinned" in title
    assert len(page.watch.callback_requests) == requests_before

    settings = from_query("data=moons&hidden=8,4")[0]
    run = train(settings.config)
    for snapshot in (0, run.n_snapshots - 1):
        browser_map = np.array(
            page.evaluate("(k) => LossViz.playground.neuronMap(k, 1, 2)", snapshot), dtype=float
        )
        engine_maps = activation_maps(run, snapshot, browser_map.shape[0])
        np.testing.assert_allclose(browser_map, engine_maps[2], atol=2e-4)
        output = np.array(
            page.evaluate("(k) => LossViz.playground.neuronMap(k, 3, 0)", snapshot), dtype=float
        )
        np.testing.assert_allclose(output, engine_maps[-1], atol=2e-4)


def test_bad_input_shows_a_message_and_keeps_the_run(live_server, page):
    open_page(page, live_server)
    key = run_key(page)
    page.fill("#pg-lr", "abc")
    page.press("#pg-lr", "Enter")
    page.wait_for_function(
        "() => document.getElementById('pg-messages').innerText.includes('not a number')"
    )
    assert page.evaluate("() => document.getElementById('pg-lr').closest('.pg-input.invalid')")
    assert run_key(page) == key
    page.fill("#pg-hidden", "4, 0")
    page.press("#pg-hidden", "Enter")
    page.wait_for_function(
        "() => document.getElementById('pg-messages').innerText.includes('Hidden layers')"
    )
    assert run_key(page) == key
    assert page.evaluate("() => document.getElementById('global-error').hidden") is True


def test_a_link_reproduces_the_view(live_server, page, browser):
    query = "?data=blobs&init=too_large&view=gradients&test=1&neuron=2-1"
    open_page(page, live_server, query)
    end_playback(page)
    assert page.evaluate("() => window.location.search") == query
    assert page.evaluate("() => LossViz.playground.state.pinned") == [2, 0]
    assert page.is_checked('#pg-view input[value="gradients"]')
    # The equations are typeset by the MathJax Dash serves itself (the fixture fails on any
    # request leaving the machine).
    page.wait_for_selector("#pg-init-info mjx-container", timeout=30_000)
    first = network_links(page), boundary_image(page, "pg-boundary")

    other = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    try:
        open_page(other, live_server, query)
        end_playback(other)
        second = network_links(other), boundary_image(other, "pg-boundary")
        assert second == first
    finally:
        other.context.close()


def test_comparison_plays_four_schemes_in_sync(live_server, page):
    open_page(page, live_server, "?data=xor")
    requests_before = len(page.watch.callback_requests)
    page.click('#pg-tab label:has-text("Compare initializations")')
    page.wait_for_function("() => LossViz.playground.state.cmp", timeout=LOAD_TIMEOUT)
    assert len(page.watch.callback_requests) == requests_before + 1  # one call: four runs
    assert "tab=compare" in page.evaluate("() => window.location.search")
    titles = page.evaluate(
        """() => document.getElementById('pg-cmp-boundaries').querySelector('.js-plotly-plot')
                 .layout.annotations.map((a) => a.text)"""
    )
    assert [t.split("<br>")[0] for t in titles] == [
        "<b>Zero</b>",
        "<b>Too small</b>",
        "<b>Appropriate</b>",
        "<b>Too large</b>",
    ]
    page.click('[data-player="playground-compare"][data-action="reset"]')
    start = boundary_image(page, "pg-cmp-boundaries")
    page.click('[data-player="playground-compare"][data-action="play"]')
    page.wait_for_function("() => LossViz.player('playground-compare').frame >= 4", timeout=30_000)
    page.click('[data-player="playground-compare"][data-action="play"]')
    assert boundary_image(page, "pg-cmp-boundaries") != start
    assert counter(page, "playground-compare").startswith("Epoch ")
    assert len(page.watch.callback_requests) == requests_before + 1
    # Zero init never breaks the symmetry: its boundary stays flat at p ≈ const.
    page.wait_for_function(  # once the playback rests, the hover heatmaps hold the frame
        """() => { const gd = document.getElementById('pg-cmp-boundaries')
                       .querySelector('.js-plotly-plot');
                   const k = LossViz.player('playground-compare').frame;
                   const z = LossViz.playground.state.cmp.schemes[0].boundary;
                   const G = LossViz.playground.state.cmp.G;
                   const drawn = gd.data[0].z;
                   return Array.isArray(drawn) && drawn[0][0] === z[k * G * G] / 255; }"""
    )
    zero = np.array(json.loads(plot_data(page, "pg-cmp-boundaries", ("z",)))[0][0], dtype=float)
    assert zero.max() - zero.min() < 0.05


def test_a_diverging_run_says_so(live_server, page):
    open_page(page, live_server, "?act=linear&lr=10")
    banner = page.locator("#pg-diverged")
    banner.wait_for(state="visible")
    assert "Diverged at epoch" in banner.inner_text()
    end_playback(page)
    assert "diverged at" in counter(page)
