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
