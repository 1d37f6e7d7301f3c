"""The playground page in headless Chromium: training on change, client-side playback (every
epoch a frame, one per animation frame), toggles, and the browser's own forward pass, backward
pass and iso-line against the engine, reference/mlp_numpy.py and contourpy.

The `page` fixture fails the test on any console error and on any request that leaves the
machine (KaTeX, Plotly and fonts are served by the app itself).
"""

from __future__ import annotations

import itertools

import contourpy
import numpy as np
import pytest

from playground import activation_maps, train
from reference import mlp_numpy
from settings.playground import from_query

pytestmark = pytest.mark.browser

LOAD_TIMEOUT = 240_000  # ms: a cold server compiles the engine's programs on the first run


def open_page(page, base: str, query: str = "") -> None:
    page.goto(f"{base}/playground{query}")
    page.wait_for_function(
        "() => window.LossViz && LossViz.playground && LossViz.playground.state.run",
        timeout=LOAD_TIMEOUT,
    )
    page.wait_for_load_state("networkidle")  # the page's first callbacks have answered


def run_key(page) -> str:
    return page.evaluate("() => LossViz.playground.state.run.key")


def wait_for_run(page, fragment: str) -> None:
    page.wait_for_function(
        "(f) => { const r = LossViz.playground.state.run; return r && r.key.includes(f); }",
        arg=fragment,
        timeout=LOAD_TIMEOUT,
    )


def frame(page, player: str = "playground") -> int:
    return page.evaluate("(name) => LossViz.player(name).frame", player)


def counter(page, player: str = "playground") -> str:
    return page.inner_text(f'[data-player="{player}"][data-role="counter"]')


def plot_data(page, graph_id: str, keys=("x", "y", "z", "line", "visible")) -> str:
    """The Plotly traces drawn in a plot container, as JSON (what the audience sees)."""
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


def live_pictures(page) -> list[str]:
    """What the playback paints (while playing): the boundary's picture and line canvases and
    the network's link canvas."""
    return page.evaluate(
        """() => ['#pg-boundary canvas[data-overlay="picture0"]',
                  '#pg-boundary canvas[data-overlay="line0"]',
                  '#pg-network canvas[data-overlay="links"]'].map((selector) => {
            const canvas = document.querySelector(selector);
            return canvas && !canvas.hidden ? canvas.toDataURL() : ''; })"""
    )


def network_links(page) -> list:
    """Per link trace: its colour, width and number of links (segments)."""
    return page.evaluate(
        """() => {
            const run = LossViz.playground.state.run;
            const gd = document.getElementById('pg-network').querySelector('.js-plotly-plot');
            // Each link trace starts with one parked, invisible segment.
            const traces = [...Array(run.traces.links).keys()];
            return traces.map((i) => [gd.data[i].line.color, gd.data[i].line.width,
                                      (gd.data[i].x || []).length / 3 - 1]);
        }"""
    )


def link_paths(page) -> list[str]:
    """The SVG paths of the link traces as drawn on screen."""
    return page.evaluate(
        """() => { const run = LossViz.playground.state.run;
            const gd = document.getElementById('pg-network').querySelector('.js-plotly-plot');
            return [...Array(run.traces.links).keys()].map((i) => LossViz.plotlyAdapter
                .linePaths(gd, i).map((path) => path.getAttribute('d')).join('')); }"""
    )


def end_playback(page, player: str = "playground") -> None:
    page.click(f'[data-player="{player}"][data-action="end"]')


def settled(page, graph_id: str, player: str = "playground") -> None:
    """Wait until Plotly shows the player's frame exactly in `graph_id` (once playback rests:
    while playing, frames are painted on canvases over and under the plot)."""
    page.wait_for_function(
        "([id, name]) => LossViz.playground.settledFrame[id] === LossViz.player(name).frame",
        arg=[graph_id, player],
    )


def node_position(page, layer: int, index: int) -> tuple[float, float]:
    return tuple(page.evaluate("([l, i]) => LossViz.playground.nodePixel(l, i)", [layer, index]))


def data_requests(page) -> list[str]:
    """Every request to the data endpoints this page made (recorded from the start)."""
    return page.evaluate(
        "() => performance.getEntriesByType('resource').map((e) => e.name)"
        ".filter((u) => u.includes('/api/'))"
    )


def test_train_play_toggle_step_scrub(live_server, page):
    open_page(page, live_server)
    # A fresh page shows the trained network (last frame); nothing plays by itself.
    last = page.evaluate("() => LossViz.playground.state.run.S - 1")
    assert frame(page) == last
    assert counter(page).startswith("Epoch ")
    links_default = network_links(page)
    assert sum(n for _, _, n in links_default) == page.evaluate(
        "() => LossViz.playground.state.run.geometry.links.length"
    )
    # No Plotly of Dash's (dcc.Graph) on the page: the vendored one draws everything.
    assert page.evaluate("() => document.querySelector('.dash-graph') === null")

    # Change the data set: the callback names the run, the browser fetches and plays it.
    page.click('#pg-data label:has-text("XOR")')
    wait_for_run(page, "data=xor")
    end_playback(page)
    links_xor = network_links(page)
    assert links_xor != links_default
    assert "data=xor" in page.evaluate("() => window.location.search")
    assert any("run.bin?data=xor" in url for url in data_requests(page))

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
    fetched_before = len(data_requests(page))
    start_label = counter(page)
    page.click('[data-player="playground"][data-action="play"]')
    page.wait_for_function("() => LossViz.player('playground').frame >= 30", timeout=30_000)
    live = [live_pictures(page)]
    page.wait_for_timeout(200)
    live.append(live_pictures(page))
    assert live[0] != live[1] and all(live[1])  # each frame painted while playing
    assert counter(page) != start_label
    assert len(page.watch.callback_requests) == requests_before
    page.click('[data-player="playground"][data-action="play"]')  # pause
    assert page.evaluate("() => LossViz.player('playground').playing") is False
    settled(page, "pg-boundary")
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
    epoch = page.evaluate("() => LossViz.playground.state.run.frameEpochs[10]")
    assert epoch == 10  # every epoch is a frame
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
    assert len(data_requests(page)) == fetched_before  # nothing fetched while playing
    page.locator("#pg-boundary").scroll_into_view_if_needed()

    # Show test points: a client-side restyle.
    page.click("#pg-show-test label")
    page.wait_for_function(
        """() => document.getElementById('pg-boundary').querySelector('.js-plotly-plot')
                 .data[3].visible === true"""
    )
    assert len(page.watch.callback_requests) == requests_before


def test_every_epoch_is_a_frame_one_per_animation_frame(live_server, page):
    open_page(page, live_server)
    run = page.evaluate(
        "() => { const r = LossViz.playground.state.run;"
        " return {S: r.S, epochs: Array.from(r.frameEpochs), planned: r.plannedEpochs}; }"
    )
    assert run["planned"] == 500 and run["S"] == 501  # 500 epochs → 501 frames
    assert run["epochs"] == list(range(501))
    assert page.is_visible('[data-player="playground"][data-role="speed"]')
    page.click('[data-player="playground"][data-action="reset"]')
    fetched = len(data_requests(page))
    requests = len(page.watch.callback_requests)
    page.evaluate(
        """() => { window.__ticks = []; const tick = () => {
            window.__ticks.push(LossViz.player('playground').frame);
            window.__raf = requestAnimationFrame(tick); };
            window.__raf = requestAnimationFrame(tick); }"""
    )
    page.click('[data-player="playground"][data-action="play"]')
    page.wait_for_timeout(1500)
    ticks = page.evaluate("() => { cancelAnimationFrame(window.__raf); return window.__ticks; }")
    page.click('[data-player="playground"][data-action="play"]')
    steps = np.diff(np.asarray(ticks))
    moving = steps[np.argmax(steps > 0) :]
    assert len(moving) > 20
    # 1×: one epoch per animation frame, never a skipped epoch (every frame is shown).
    assert moving.max() == 1
    assert moving.mean() > 0.9
    assert len(page.watch.callback_requests) == requests
    assert len(data_requests(page)) == fetched
    # 2×: two frames per animation frame; ½×: one every second animation frame.
    for pace, expected in (("2", 2), ("0.5", 0.5)):
        page.select_option('[data-player="playground"][data-role="speed"]', pace)
        page.click('[data-player="playground"][data-action="reset"]')
        page.evaluate(
            """() => { window.__ticks = []; const tick = () => {
                window.__ticks.push(LossViz.player('playground').frame);
                window.__raf = requestAnimationFrame(tick); };
                window.__raf = requestAnimationFrame(tick); }"""
        )
        page.click('[data-player="playground"][data-action="play"]')
        page.wait_for_timeout(800)
        ticks = page.evaluate(
            "() => { cancelAnimationFrame(window.__raf); return window.__ticks; }"
        )
        page.click('[data-player="playground"][data-action="play"]')
        steps = np.diff(np.asarray(ticks))
        moving = steps[np.argmax(steps > 0) :]
        assert moving.max() == max(1, expected)
        assert abs(moving.mean() - expected) < 0.25 * expected


def test_too_large_init_explosion_is_visible_in_the_first_frames(live_server, page):
    open_page(page, live_server, "?hidden=8,8,8,8&init=too_large")
    page.click('[data-player="playground"][data-action="reset"]')
    shown = []
    for k in range(6):
        assert counter(page).startswith(f"Epoch {k} /")
        shown.append(
            (
                page.inner_text('#pg-stats [data-stat="trainLoss"]'),
                boundary_image(page, "pg-boundary"),
                network_links(page),
            )
        )
        page.click('[data-player="playground"][data-action="step"]')
    losses = [float(text) for text, _, _ in shown]
    assert losses[0] > 1000
    assert max(losses[1:4]) > 100 * losses[0]  # the explosion, frame by frame
    assert losses[5] < 1.0  # and its collapse
    for (_, picture_a, links_a), (_, picture_b, links_b) in itertools.pairwise(shown):
        assert picture_a != picture_b or links_a != links_b


def test_activation_map_matches_the_engine(live_server, page):
    open_page(page, live_server, "?data=moons&hidden=8,4")
    end_playback(page)
    x, y = node_position(page, 1, 2)
    requests_before = len(page.watch.callback_requests)
    page.mouse.click(x, y)
    page.wait_for_function("() => window.location.search.includes('neuron=1-3')")
    assert page.evaluate("() => LossViz.playground.state.pinned") == [1, 2]
    page.wait_for_function(
        "() => (document.getElementById('pg-activation').querySelector('.js-plotly-plot')"
        ".layout.title.text || '').includes('pinned')"
    )
    title = page.evaluate(
        "() => document.getElementById('pg-activation').querySelector('.js-plotly-plot')"
        ".layout.title.text"
    )
    assert "h₁,₃" in title and "pinned" in title
    assert len(page.watch.callback_requests) == requests_before
    # Hovering another neuron shows its map; leaving it goes back to the pinned one.
    x2, y2 = node_position(page, 2, 0)
    page.mouse.move(x2, y2)
    page.wait_for_function(
        "() => (document.getElementById('pg-activation').querySelector('.js-plotly-plot')"
        ".layout.title.text || '').includes('h₂,₁')"
    )

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


def _reference_params(theta: np.ndarray, offsets: list, layers: list) -> list:
    params = []
    for (w0, b0, end), n_in, n_out in zip(offsets, layers[:-1], layers[1:], strict=True):
        params.append((theta[w0:b0].reshape(n_in, n_out), theta[b0:end]))
    return params


@pytest.mark.parametrize(
    "query", ["?data=moons&hidden=5,3&act=tanh&keep=0.8", "?data=xor&hidden=6,4,3&act=elu"]
)
def test_forward_and_backward_pass_match_the_engine_and_the_reference(live_server, page, query):
    """The browser's P(class 1) grid against the engine's boundary; its full-batch gradient
    (evaluation mode: hidden outputs × p) against reference/mlp_numpy.py on the same θ and
    against the engine's own ∂L/∂W."""
    open_page(page, live_server, query)
    settings = from_query(query)[0]
    engine = train(settings.config)
    data = engine.dataset
    meta = page.evaluate(
        "() => { const r = LossViz.playground.state.run;"
        " return {layers: r.layers, offsets: r.offsets, S: r.S}; }"
    )
    assert meta["S"] == engine.n_snapshots
    boundary = engine.boundary
    for k in (0, 1, 7, meta["S"] - 1):
        drawn = page.evaluate("(k) => LossViz.playground.probabilities(k)", k)
        np.testing.assert_allclose(drawn["gx"], engine.grid_x, atol=1e-6)
        np.testing.assert_allclose(drawn["gy"], engine.grid_y, atol=1e-6)
        np.testing.assert_allclose(np.array(drawn["p"]), boundary[k], atol=2e-3)

        theta = np.array(page.evaluate("(k) => LossViz.playground.theta(k)", k), dtype=np.float64)
        params = _reference_params(theta, meta["offsets"], meta["layers"])
        expected = mlp_numpy.backward(
            params,
            data.x_train.astype(np.float64),
            data.y_train.astype(np.float64),
            settings.config.activation,
            keep_prob=settings.config.keep_prob,
        )
        browser = page.evaluate("(k) => LossViz.playground.gradient(k)", k)
        for layer, (grad_w, grad_b) in enumerate(expected):
            np.testing.assert_allclose(np.array(browser[layer]["W"]), grad_w, rtol=1e-9, atol=1e-14)
            np.testing.assert_allclose(np.array(browser[layer]["b"]), grad_b, rtol=1e-9, atol=1e-14)
            # The engine (float32, exact θ): equal up to float32 rounding and delta8 steps.
            engine_grad = engine.weight_grads[layer][k]
            scale = np.abs(engine_grad).max() + 1e-12
            tolerance = 2e-4 if k == 0 else 2e-2
            assert np.abs(np.array(browser[layer]["W"]) - engine_grad).max() <= tolerance * scale


def test_iso_line_matches_contourpy(live_server, page):
    """The marching-squares line of the page against contourpy's p = 0.5 line on the same
    probabilities: the same crossing points on the cell edges, joined the same way."""
    open_page(page, live_server, "?data=spiral&hidden=8,8")
    last = page.evaluate("() => LossViz.playground.state.run.S - 1")
    for k in (3, last):
        grid = page.evaluate("(k) => LossViz.playground.probabilities(k)", k)
        line = page.evaluate("(k) => LossViz.playground.isoLine(k)", k)
        gx, gy, p = np.array(grid["gx"]), np.array(grid["gy"]), np.array(grid["p"])
        generator = contourpy.contour_generator(gx, gy, p, name="serial", corner_mask=False)
        expected = set()
        for points in generator.lines(0.5):
            for a, b in itertools.pairwise(points):
                expected.add(frozenset((tuple(np.round(a, 9)), tuple(np.round(b, 9)))))
        xs, ys = line["xs"], line["ys"]
        got = set()
        for i in range(0, len(xs), 3):
            a = (round(xs[i], 9), round(ys[i], 9))
            b = (round(xs[i + 1], 9), round(ys[i + 1], 9))
            got.add(frozenset((a, b)))
        assert len(got) > 20
        # Saddle cells may be joined either way; everywhere else the segments are identical.
        assert len(got ^ expected) <= 0.02 * len(expected), (len(got), len(expected))
        endpoints = {point for segment in got for point in segment}
        reference = {point for segment in expected for point in segment}
        assert endpoints == reference  # every crossing point is contourpy's


def test_training_shows_over_the_last_good_picture(live_server, page):
    open_page(page, live_server, "?data=blobs")
    end_playback(page)
    picture = boundary_image(page, "pg-boundary")

    def slow(route):
        page.wait_for_timeout(900)
        route.continue_()

    page.route("**/api/playground/run.bin*", slow)
    page.click('#pg-data label:has-text("Two moons")')
    page.wait_for_selector('#pg-boundary[data-busy="training…"]', timeout=10_000)
    assert boundary_image(page, "pg-boundary") == picture  # the last good picture stays
    wait_for_run(page, "data=moons")
    page.wait_for_function("() => !document.querySelector('#pg-train-panel [data-busy]')")
    assert boundary_image(page, "pg-boundary") != picture


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
    # The equations are typeset by the KaTeX the app serves itself (the fixture fails on any
    # request leaving the machine).
    page.wait_for_selector("#pg-init-info .katex", timeout=30_000)
    first = network_links(page), boundary_image(page, "pg-boundary"), link_paths(page)

    other = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    try:
        open_page(other, live_server, query)
        end_playback(other)
        second = network_links(other), boundary_image(other, "pg-boundary"), link_paths(other)
        assert second == first
    finally:
        other.context.close()


def test_comparison_plays_four_schemes_in_sync(live_server, page):
    open_page(page, live_server, "?data=xor")
    page.click('#pg-tab label:has-text("Compare initializations")')
    page.wait_for_function("() => LossViz.playground.state.cmp", timeout=LOAD_TIMEOUT)
    # One call answers with the four runs (the tab's closed-state call on opening answers 204,
    # sometimes only after the page's first drawing).
    comparisons = [s for o, s in page.watch.callback_responses if "pg-cmp.data" in o]
    assert comparisons.count(200) == 1, page.watch.callback_responses
    requests_before = len(page.watch.callback_requests)
    assert len([u for u in data_requests(page) if "compare.bin" in u]) == 1
    assert "tab=compare" in page.evaluate("() => window.location.search")
    titles = page.evaluate(
        """() => Array.from(document.querySelectorAll('#pg-cmp-boundaries .pg-cmp-title'))
                 .map((el) => el.querySelector('b').textContent)"""
    )
    assert titles == ["Zero", "Too small", "Appropriate", "Too large"]
    stats = page.inner_text("#pg-cmp-boundaries .pg-cmp-title >> nth=2")
    assert "loss" in stats and "acc" in stats
    page.click('[data-player="playground-compare"][data-action="reset"]')
    start = boundary_image(page, "pg-cmp-boundaries")
    page.click('[data-player="playground-compare"][data-action="play"]')
    page.wait_for_function("() => LossViz.player('playground-compare').frame >= 20", timeout=30_000)
    page.click('[data-player="playground-compare"][data-action="play"]')
    settled(page, "pg-cmp-boundaries", "playground-compare")
    assert boundary_image(page, "pg-cmp-boundaries") != start
    assert counter(page, "playground-compare").startswith("Epoch ")
    assert len(page.watch.callback_requests) == requests_before  # playback calls no server
    assert len([u for u in data_requests(page) if "compare.bin" in u]) == 1
    # Zero init never breaks the symmetry: its boundary stays flat at p ≈ const.
    k = frame(page, "playground-compare")
    zero = np.array(page.evaluate("(k) => LossViz.playground.probabilities(k, 0).p", k))
    assert zero.max() - zero.min() < 0.05
    # Once the playback rests, the hover heatmaps hold that frame's probabilities.
    page.wait_for_function(
        """(k) => { const gd = document.getElementById('pg-cmp-boundaries')
                       .querySelector('.js-plotly-plot');
                   const p = LossViz.playground.probabilities(k, 0).p;
                   const drawn = gd.data[0].z;
                   return Array.isArray(drawn) && Math.abs(drawn[0][0] - p[0][0]) < 1e-6; }""",
        arg=k,
    )


def test_a_diverging_run_says_so(live_server, page):
    open_page(page, live_server, "?act=linear&lr=10")
    banner = page.locator("#pg-diverged")
    banner.wait_for(state="visible")
    assert "Diverged at epoch" in banner.inner_text()
    end_playback(page)
    assert "diverged at" in counter(page)


def test_lookaheads_inner_rule_is_picked_from_a_list(live_server, page):
    """Lookahead's inner rule A is a dropdown of rules (as in the lab), not a number box."""
    open_page(page, live_server, "?opt=lookahead")
    page.click("summary:has-text('Optimizer hyperparameters')")
    picker = page.locator("#pg-hp-lookahead-inner")
    picker.wait_for(state="visible", timeout=30_000)
    assert "Adam" in picker.inner_text()  # the default inner rule, by name
    picker.click()
    page.click("[role='option']:has-text('RMSprop')")
    wait_for_run(page, "inner")
    assert "hp.inner=rmsprop" in page.url
    assert page.evaluate("() => document.getElementById('global-error').hidden") is True


TILE_GEOMETRY = """() => [...document.querySelectorAll('#pg-stats .pg-stat')].map(tile => {
    const value = tile.querySelector('.pg-stat-value');
    const box = tile.getBoundingClientRect();
    return {text: value.textContent, fits: value.scrollWidth <= value.clientWidth + 1
            && value.getBoundingClientRect().right <= box.right + 1,
            box: [box.left, box.top, box.right, box.bottom]};
})"""


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
@pytest.mark.parametrize("present", ["", "&present=1"])
def test_stat_tiles_never_truncate_a_number(live_server, page, size, present):
    """Big losses (too-large init), percentages and the rate, in every tile, whole: no text
    cut, no two tiles overlapping, at projector and laptop sizes, normal and presentation."""
    page.set_viewport_size({"width": size[0], "height": size[1]})
    open_page(page, live_server, f"?hidden=8,8,8,8&init=too_large{present}")
    page.click('[data-player="playground"][data-action="reset"]')
    for _ in range(3):
        tiles = page.evaluate(TILE_GEOMETRY)
        assert len(tiles) == 5
        for tile in tiles:
            assert tile["text"] not in ("", "–") and "…" not in tile["text"], tiles
            assert tile["fits"], tile
        for a, b in itertools.combinations([t["box"] for t in tiles], 2):
            overlap = min(a[2], b[2]) - max(a[0], b[0]), min(a[3], b[3]) - max(a[1], b[1])
            assert overlap[0] <= 0.5 or overlap[1] <= 0.5, (a, b)
        page.click('[data-player="playground"][data-action="step"]')


def test_a_heavy_run_says_it_is_training_on_the_server_then_draws(live_server, page):
    """Six layers of 16 at batch size 1 train in the training lane (serving/training_lane.py):
    the page shows the server's sentence while it waits (202 + Retry-After), then the run."""
    heavy = "?hidden=16,16,16,16,16,16&n=2000&batch=1&epochs=25&seed=321"
    page.goto(f"{live_server}/playground{heavy}")
    page.wait_for_function(
        """() => { const el = document.getElementById('pg-fetch-error');
                   return el && !el.hidden && el.classList.contains('pg-waiting')
                     && /server/.test(el.innerText); }""",
        timeout=LOAD_TIMEOUT,
    )
    assert page.get_attribute("#pg-fetch-error", "role") == "status"
    wait_for_run(page, "seed=321")
    page.wait_for_function("() => document.getElementById('pg-fetch-error').hidden")
    assert page.evaluate("() => LossViz.playground.state.run.S") == 26  # epochs 0 … 25


def test_a_comparison_over_the_compute_budget_says_what_to_change(live_server, page):
    over = "?hidden=16,16,16,16,16,16&n=2000&batch=1&epochs=100&tab=compare"
    open_page(page, live_server, over)
    page.wait_for_function(
        """() => { const el = document.getElementById('pg-cmp-fetch-error');
                   return el && !el.hidden && el.innerText.startsWith('Compute budget'); }""",
        timeout=LOAD_TIMEOUT,
    )
    text = page.inner_text("#pg-cmp-fetch-error")
    assert "4 runs" in text and "at most" in text and "epochs" in text
