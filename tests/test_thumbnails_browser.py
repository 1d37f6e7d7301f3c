"""The home gallery's card pictures in headless Chromium: every scenario card draws its own
sketch from one GET, a plane card shows its landscape's colours and its paths, and going to a
page and back draws them again without a second request."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

# Per card: how many distinct colours its canvas holds, and how much of it is not blank.
PIXELS = """(id) => {
    const canvas = document.querySelector(`canvas[data-thumb="${id}"]`);
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    const colours = new Set();
    let painted = 0;
    for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3] === 0) continue;
        painted += 1;
        colours.add((data[i] >> 3) * 1024 + (data[i + 1] >> 3) * 32 + (data[i + 2] >> 3));
    }
    return {colours: colours.size, painted: painted / (canvas.width * canvas.height),
            drawn: canvas.dataset.drawn || null, width: canvas.width};
}"""


def test_every_scenario_card_draws_its_own_picture(page, live_server):
    from views.gallery import scenarios

    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url) if "thumbnails" in r.url else None)
    page.goto(f"{live_server}/")
    ids = [s.id for s in scenarios()]
    page.wait_for_function(
        f"() => document.querySelectorAll('canvas[data-drawn]').length === {len(ids)}",
        timeout=120_000,
    )
    for scenario_id in ids:
        seen = page.evaluate(PIXELS, scenario_id)
        assert seen["drawn"] == scenario_id, seen
        assert seen["painted"] > 0.02, (scenario_id, seen)  # something is drawn
        assert seen["width"] > 100, seen
    valley = page.evaluate(PIXELS, "lr-sizes")  # the landscape's ramp, three paths, the start
    assert valley["painted"] > 0.5 and valley["colours"] > 40, valley
    boundary = page.evaluate(PIXELS, "good-init")  # the learnt disc in two colours
    assert boundary["painted"] > 0.5 and boundary["colours"] > 20, boundary
    assert len(fetched) == 1, fetched  # one GET for the whole gallery

    page.locator('[data-scenario="skier"]').click()  # into a scenario and back
    page.wait_for_url("**/skier?**")
    page.go_back()
    page.wait_for_function(
        f"() => document.querySelectorAll('canvas[data-drawn]').length === {len(ids)}",
        timeout=30_000,
    )
    assert len([u for u in fetched if "thumbnails" in u]) == 1  # drawn again from memory
