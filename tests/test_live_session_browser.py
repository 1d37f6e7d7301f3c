"""A live session in two headless Chromium contexts (an instructor and a student): the student
follows a settings change and the playback position, detaches, follows again, predicts on
the landscape, votes, and sees the reveal. Both pages must stay free of console errors."""

from __future__ import annotations

import json
import time

import pytest

from tests.conftest import PageWatch

pytestmark = pytest.mark.browser

LAB_QUERY = "landscape=rosenbrock&steps=300"


def _field(key: str) -> str:
    ident = json.dumps({"key": key, "type": "lab-field"}, separators=(",", ":"))
    return f"[id='{ident}']"


def _lab_drawn(page) -> None:
    page.wait_for_function(
        """() => {
            const gd = document.querySelector('#lab-landscape .js-plotly-plot');
            const lab = window.LossViz && window.LossViz.lab;
            return gd && gd.data && lab && lab.state.runs.length > 0
                && document.getElementById('lab-status').hidden;
        }""",
        timeout=30_000,
    )


class _Debug:
    """On a timeout, say what both pages showed (their address, bar and player)."""

    def __init__(self, pages) -> None:
        self.pages = pages

    def __enter__(self):
        return self

    def __exit__(self, kind, error, _trace) -> None:
        if kind is None:
            return
        for page in self.pages:
            print("DEBUG", page.url, page.evaluate(
                "() => [document.getElementById('live-bar')?.innerText,"
                " JSON.stringify(window.LossViz?.live?.latest?.()).slice(0, 300),"
                " window.LossViz?.player && JSON.stringify(window.LossViz.player('lab').state()),"
                " [...document.querySelectorAll('#lab-landscape .js-plotly-plot')].map(g => (g.data || []).map(t => t.type + ':' + t.meta).join())]"
            ))  # fmt: skip


def _player(page) -> dict:
    return page.evaluate("() => window.LossViz.player('lab').state()")


@pytest.fixture()
def pair(browser):
    contexts, watches = [], []
    pages = []
    for _ in range(2):
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        page = context.new_page()
        watches.append(PageWatch(page))
        contexts.append(context)
        pages.append(page)
    try:
        yield pages
    finally:
        for context in contexts:
            context.close()
    for watch in watches:
        assert not watch.console_errors, f"browser console errors: {watch.console_errors}"
        assert not watch.external_requests, watch.external_requests


def test_student_follows_detaches_refollows_votes_and_sees_the_reveal(pair, live_server):
    teacher, student = pair
    with _Debug(pair):
        _scenario(teacher, student, live_server)


def _scenario(teacher, student, live_server) -> None:
    teacher.goto(f"{live_server}/optimizers?{LAB_QUERY}")
    _lab_drawn(teacher)
    teacher.click("#live-toggle")
    teacher.wait_for_function(
        "() => /^[A-Z]{5}$/.test(document.getElementById('live-code').textContent)"
    )
    code = teacher.inner_text("#live-code")
    # The QR code of the join address is a same-origin SVG that loaded.
    teacher.wait_for_function("() => document.getElementById('live-qr').naturalWidth > 0")
    assert f"/join?code={code}" in teacher.inner_text("#live-join")

    # The student scans the code: /join opens the instructor's page with its settings.
    student.goto(f"{live_server}/join?code={code}")
    student.wait_for_url("**/optimizers?*", timeout=15_000)
    _lab_drawn(student)
    assert "landscape=rosenbrock" in student.url
    assert student.inner_text("#live-status") == "following the instructor"

    # A settings change on the instructor's page reaches the student within about a second.
    teacher.fill(_field("gd.lr"), "0.0007")
    teacher.press(_field("gd.lr"), "Enter")
    teacher.wait_for_function("() => location.search.includes('gd.lr=0.0007')")
    started = time.monotonic()
    student.wait_for_function("() => location.search.includes('gd.lr=0.0007')", timeout=5_000)
    assert time.monotonic() - started < 2.5
    _lab_drawn(student)

    # Playback: a step position, then playing; the student stays within 1 s of the teacher.
    teacher.evaluate("() => window.LossViz.player('lab').apply({frame: 120, playing: false})")
    student.wait_for_function(
        "() => { const p = window.LossViz.player('lab'); return p.frame === 120 && !p.playing; }",
        timeout=5_000,
    )
    teacher.evaluate(
        "() => { const p = window.LossViz.player('lab'); p.apply({frame: 0, speed: 0.25, playing: true}); }"
    )
    student.wait_for_function("() => window.LossViz.player('lab').playing", timeout=5_000)
    for _ in range(3):
        t = teacher.evaluate("() => window.LossViz.player('lab').position")
        s = student.evaluate("() => window.LossViz.player('lab').position")
        frames_per_second = 0.25 * 60
        assert abs(t - s) <= frames_per_second * 1.0, (t, s)
        teacher.wait_for_timeout(400)
    teacher.evaluate("() => window.LossViz.player('lab').pause()")
    paused_at = _player(teacher)["frame"]
    student.wait_for_function(
        f"() => {{ const p = window.LossViz.player('lab'); return !p.playing && p.frame === {paused_at}; }}",
        timeout=5_000,
    )

    # Detach: the instructor's next change is not applied; Follow brings the student back.
    student.click("[data-live='detach']")
    assert student.inner_text("#live-status") == "exploring on your own"
    teacher.evaluate("() => window.LossViz.player('lab').apply({frame: 10, playing: false})")
    teacher.wait_for_timeout(2000)
    assert _player(student)["frame"] == paused_at
    student.click("[data-live='follow']")
    student.wait_for_function("() => window.LossViz.player('lab').frame === 10", timeout=5_000)

    # Predict, then reveal: the student clicks a point on the landscape (not a new start).
    teacher.click("[data-live='ask']")
    student.wait_for_function(
        "() => document.querySelector('#live-question .live-prompt')?.textContent"
        ".includes('Where will each optimizer end')",
        timeout=5_000,
    )
    settings_of = (
        "() => { const q = new URLSearchParams(location.search);"
        " q.delete('frame'); q.delete('speed'); return q.toString(); }"
    )  # the playback keys are the player's (assets/core/playback_link.js), not the start
    start_before = student.evaluate(settings_of)
    box = student.locator("#lab-landscape .nsewdrag").first.bounding_box()
    student.mouse.click(box["x"] + box["width"] * 0.7, box["y"] + box["height"] * 0.3)
    student.wait_for_function(
        "() => document.getElementById('live-question-note').textContent.includes('answer is in')",
        timeout=5_000,
    )
    student.wait_for_timeout(500)
    assert student.evaluate(settings_of) == start_before  # the start did not move
    teacher.wait_for_function(
        "() => document.getElementById('live-answered')?.textContent === '1 answered'",
        timeout=6_000,
    )
    teacher.click("[data-live='reveal']")
    for page in (teacher, student):
        page.wait_for_function(
            """() => {
                const gd = document.querySelector('#lab-landscape .js-plotly-plot');
                const heat = gd.data.find(t => t.meta === 'live-session' && t.type === 'heatmap');
                return heat && heat.z.flat().filter(v => v).reduce((a, b) => a + b, 0) === 1;
            }""",
            timeout=6_000,
        )
    teacher.click("[data-live='close']")

    # A multiple-choice vote on the playground, revealed as bars on both screens.
    teacher.goto(f"{live_server}/playground")
    teacher.wait_for_selector("[data-live='ask']", timeout=30_000)
    student.wait_for_url("**/playground*", timeout=15_000)
    teacher.click("[data-live='ask']")
    student.wait_for_selector("[data-live='choice'][data-choice='2']", timeout=6_000)
    student.click("[data-live='choice'][data-choice='2']")
    student.wait_for_function(
        "() => document.getElementById('live-question-note').textContent.includes('answer is in')",
        timeout=5_000,
    )
    teacher.wait_for_function(
        "() => document.getElementById('live-answered')?.textContent === '1 answered'",
        timeout=6_000,
    )
    teacher.click("[data-live='reveal']")
    for page in (teacher, student):
        page.wait_for_function(
            "() => [...document.querySelectorAll('#live-reveal .live-bar-row')]"
            ".map(r => r.dataset.count).join() === '0,0,1,0'",
            timeout=6_000,
        )

    # The instructor ends the session: the student is told.
    teacher.click("[data-live='end']")
    student.wait_for_function(
        "() => document.getElementById('live-status').textContent.includes('ended')",
        timeout=6_000,
    )
