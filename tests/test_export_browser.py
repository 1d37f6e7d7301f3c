"""Exports of the lab's view in headless Chromium (assets/core/export.js, assets/lab/export.js):
a student opens "Export" and saves the picture as PNG (1920 px wide, the iso-line canvas and
the paths drawn in), as SVG (the figures as vectors, the canvas as an image) and the paths as
CSV, whose numbers are the engine's trajectories. No request is made to the server."""

from __future__ import annotations

import csv
import io
import struct

import numpy as np
import pytest
from test_classroom_browser import _lab_settings, _open_lab

pytestmark = pytest.mark.browser


def save(page, kind: str) -> bytes:
    page.click(".landscape-bar .export-menu > summary")
    with page.expect_download() as download:
        page.click(f"[data-exporter='lab'][data-export='{kind}']")
    path = download.value.path()
    assert download.value.suggested_filename == f"lab-rosenbrock.{kind}"
    with open(path, "rb") as handle:
        return handle.read()


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_the_lab_view_exports_as_png_svg_and_csv(page, live_server):
    from serving.api.lab import lab_trajectories

    settings = _lab_settings()
    _open_lab(page, live_server, settings.to_query())
    requests = len(page.watch.callback_requests)

    png = save(page, "png")
    width, height = png_size(png)
    assert width == 1920 and 600 < height < 2000
    assert len(png) > 50_000  # a picture, not an empty canvas

    svg = save(page, "svg").decode("utf-8")
    assert svg.startswith("<svg") and svg.count("<svg") >= 3  # the frame, two figures nested
    assert "<image" in svg and "data:image/png;base64," in svg  # the iso-lines canvas

    table = list(csv.reader(io.StringIO(save(page, "csv").decode("utf-8"))))
    assert table[0] == ["optimizer", "step", "w1", "w2", "J", "learning_rate"]
    expected = {t.optimizer: t for t in lab_trajectories(settings)}
    titles = {"gd": "Gradient descent", "adam": "Adam"}
    for key, trajectory in expected.items():
        rows = [r for r in table[1:] if r[0] == titles[key]]
        assert len(rows) == len(trajectory.path)
        drawn = np.array([[float(r[2]), float(r[3])] for r in rows])
        np.testing.assert_allclose(drawn, trajectory.path, rtol=1e-5, atol=1e-5)
        assert [int(r[1]) for r in rows] == list(range(len(rows)))
    assert len(page.watch.callback_requests) == requests  # exports never ask the server


def test_the_skier_exports_its_rides_as_csv_and_its_curve_as_png(page, live_server):
    from optimizers.skier import ski
    from settings.skier import SkierSettings

    page.goto(f"{live_server}/skier")
    page.wait_for_function(
        "() => window.LossViz && LossViz.skier && LossViz.skier.state.ride", timeout=240_000
    )
    page.click(".sk-toolbar .export-menu > summary")
    with page.expect_download() as download:
        page.click("[data-exporter='skier'][data-export='csv']")
    assert download.value.suggested_filename == "skier-hill.csv"
    with open(download.value.path(), encoding="utf-8") as handle:
        table = list(csv.reader(handle))
    assert table[0] == ["skier", "step", "w", "L", "dL_dw", "learning_rate"]
    settings = SkierSettings()
    runs = ski(settings.curve, settings.start, settings.configs(), settings.steps)
    gd = [r for r in table[1:] if r[0] == "Gradient descent"]
    assert len(gd) == len(runs[0].w)
    np.testing.assert_allclose([float(r[2]) for r in gd], runs[0].w, rtol=1e-12)

    page.click(".sk-toolbar .export-menu > summary")
    with page.expect_download() as download:
        page.click("[data-exporter='skier'][data-export='png']")
    with open(download.value.path(), "rb") as handle:
        assert png_size(handle.read())[0] == 1920


def test_the_playground_exports_its_curves_and_boundary_and_drags_its_rate(page, live_server):
    import playground as pg
    from settings.playground import from_query

    query = "epochs=60&lr=0.1"
    page.goto(f"{live_server}/playground?{query}")
    page.wait_for_function(
        "() => window.LossViz && LossViz.playground && LossViz.playground.state.run",
        timeout=240_000,
    )
    page.click(".pg-panel-head .export-menu > summary")
    with page.expect_download() as download:
        page.click("[data-exporter='playground'][data-export='csv']")
    with open(download.value.path(), encoding="utf-8") as handle:
        table = list(csv.reader(handle))
    assert table[0][:3] == ["epoch", "train_loss", "test_loss"]
    run = pg.train(from_query(query)[0].config)
    assert len(table) - 1 == len(run.train_loss) == 61
    np.testing.assert_allclose([float(r[1]) for r in table[1:]], run.train_loss, rtol=1e-6)

    page.click(".pg-panel-head .export-menu > summary")
    with page.expect_download() as download:
        page.click("[data-exporter='playground'][data-export='png']")
    with open(download.value.path(), "rb") as handle:
        assert png_size(handle.read())[0] == 1920

    # The learning rate's log slider writes its box and a new run follows.
    slider = page.locator("[data-log-for='pg-lr'] input[type=range]")
    slider.scroll_into_view_if_needed()
    box = slider.bounding_box()
    before = page.evaluate("() => LossViz.playground.state.run.key")
    page.mouse.click(box["x"] + box["width"] * 0.8, box["y"] + box["height"] / 2)
    page.wait_for_function("() => document.getElementById('pg-lr').value !== '0.1'")
    page.wait_for_function(
        "(before) => LossViz.playground.state.run.key !== before", arg=before, timeout=60_000
    )
    rate = float(page.input_value("#pg-lr"))
    assert rate == pytest.approx(10 ** float(slider.input_value()), rel=0.01)


OFFLINE_BUDGET_BYTES = 2_000_000  # issue 10: an export of a lab view ≤ 2 MB


def _drawn_pixels(page) -> int:
    """Pixels the offline page's path canvas has painted (alpha > 0)."""
    return page.evaluate(
        """() => {
            const c = document.getElementById('paths');
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let n = 0;
            for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
            return n;
        }"""
    )


def test_the_offline_page_opens_from_disk_without_a_network_and_plays_to_the_end(
    page, live_server, browser, tmp_path
):
    settings = _lab_settings()
    _open_lab(page, live_server, settings.to_query())
    requests = len(page.watch.callback_requests)
    saved = save(page, "html")
    assert len(page.watch.callback_requests) == requests  # made in the browser
    assert len(saved) <= OFFLINE_BUDGET_BYTES, f"{len(saved)} bytes"
    text = saved.decode("utf-8")
    assert "<script src" not in text and "<link" not in text  # everything inlined
    assert "data:image/jpeg;base64," in text
    path = tmp_path / "lab-rosenbrock.html"
    path.write_bytes(saved)

    context = browser.new_context(viewport={"width": 1280, "height": 720})
    context.set_offline(True)
    fetched: list[str] = []
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(("file:", "data:"))
            else (fetched.append(route.request.url), route.abort())
        ),
    )
    offline = context.new_page()
    errors: list[str] = []
    offline.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    offline.on("pageerror", lambda e: errors.append(str(e)))
    try:
        offline.goto(path.as_uri())
        counter = offline.locator("#counter")
        steps = settings.steps
        assert counter.inner_text() == f"Step {steps} / {steps}"  # opens on the whole run
        assert offline.locator(".legend li strong").all_inner_texts() == [
            "Gradient descent",
            "Adam",
        ]
        assert all(t.startswith("J = ") for t in offline.locator("[data-cost]").all_inner_texts())
        for selector in (".view", "#play", "#scrub", ".legend"):  # fits a 1280x720 projector
            box = offline.locator(selector).bounding_box()
            assert box and box["y"] + box["height"] <= 720 and box["x"] + box["width"] <= 1280, (
                selector
            )
        whole = _drawn_pixels(offline)
        offline.keyboard.press("Home")
        assert counter.inner_text() == f"Step 0 / {steps}"
        start = _drawn_pixels(offline)
        assert start < whole / 3  # at step 0 only the heads are drawn
        offline.click("#play")
        offline.wait_for_function(
            f"() => document.getElementById('counter').textContent === 'Step {steps} / {steps}'",
            timeout=20_000,
        )
        assert offline.locator("#play").inner_text().endswith("Play")  # stopped at the end
        assert _drawn_pixels(offline) == whole  # the same picture as the whole run
        offline.fill("#scrub", "100")  # the scrubber seeks
        assert counter.inner_text() == f"Step 100 / {steps}"
        assert start < _drawn_pixels(offline) < whole
    finally:
        context.close()
    assert fetched == [] and errors == []
