"""Links keep the playback position and speed (assets/core/playback_link.js): a link with
`frame=` and `speed=` opens paused at that frame and speed, stepping writes the position back
into the address (no callback), a reload shows the same moment, and bad values are refused
with a sentence while the page still plays."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

LOAD_TIMEOUT = 240_000  # ms: a cold server compiles the page's program on its first run


def loaded(page, player: str) -> dict:
    page.wait_for_function(
        f"() => window.LossViz && LossViz.player('{player}').frames > 1", timeout=LOAD_TIMEOUT
    )
    return page.evaluate(
        f"""() => {{
        const p = LossViz.player('{player}');
        const menu = document.querySelector('[data-player="{player}"][data-role="speed"] select,'
                                            + ' select[data-player="{player}"][data-role="speed"]');
        return {{frame: p.frame, speed: p.speed, playing: p.playing, menu: menu && menu.value,
                 search: location.search}};
    }}"""
    )


def test_a_shared_skier_link_opens_at_its_frame_and_speed(page, live_server):
    page.goto(f"{live_server}/skier?frame=40&speed=1")
    state = loaded(page, "skier")
    assert state["frame"] == 40 and state["speed"] == 1 and not state["playing"]
    assert state["menu"] == "1"  # the menu shows the link's speed ("fast")

    callbacks = len(page.watch.callback_requests)
    page.click("button[data-player='skier'][data-action='step']")
    page.wait_for_function("() => new URLSearchParams(location.search).get('frame') === '41'")
    assert len(page.watch.callback_requests) == callbacks  # the address changes, Dash is not told

    page.reload()
    state = loaded(page, "skier")
    assert state["frame"] == 41 and state["menu"] == "1"

    page.select_option("select[data-player='skier'][data-role='speed']", "0.25")  # its default
    page.click("button[data-player='skier'][data-action='reset']")
    page.wait_for_function("() => !/frame=|speed=/.test(location.search)")


def test_a_played_link_pauses_where_it_ends(page, live_server):
    page.goto(f"{live_server}/skier?speed=1")
    loaded(page, "skier")
    page.click("button[data-player='skier'][data-action='play']")
    page.wait_for_function("() => !LossViz.player('skier').playing", timeout=30_000)
    frames = page.evaluate("() => LossViz.player('skier').frames")
    page.wait_for_function(
        f"() => new URLSearchParams(location.search).get('frame') === '{frames - 1}'"
    )


def test_a_lab_link_opens_at_its_step(page, live_server):
    page.goto(f"{live_server}/optimizers?frame=120&speed=5")
    state = loaded(page, "lab")
    assert state["frame"] == 120 and state["speed"] == 5 and state["menu"] == "5"
    assert "frame=120" in state["search"]


def test_bad_playback_values_are_refused_with_a_sentence(page, live_server):
    page.goto(f"{live_server}/skier?frame=-3&speed=fast")
    state = loaded(page, "skier")
    assert state["frame"] == 0 and state["menu"] == "0.25"
    text = page.inner_text("body")
    assert "playback position '-3' is not a frame number" in text
    assert "playback speed 'fast' is not a positive number" in text
