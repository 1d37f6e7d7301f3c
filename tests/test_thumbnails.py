"""The home gallery's card pictures (serving/api/thumbnails.py): one immutable container with a
sketch per scenario, built from the scenario's own run, and drawn on every card in the browser."""

from __future__ import annotations

import numpy as np
import pytest
from lab_http import get_data

from components.thumbnail_payload import MAX_LINE_POINTS, Frame, line_points
from serving.api import data_version

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def gallery(dash_app):
    """(response, meta, arrays) of the thumbnails URL, fetched once."""
    from serving.api.thumbnails import thumbnails_url

    client = dash_app.server.test_client()
    with dash_app.server.test_request_context():
        url = thumbnails_url()
    return get_data(client, url)


def _sketch(meta, scenario_id):
    return next(s for s in meta["scenarios"] if s["id"] == scenario_id)


def test_every_scenario_has_a_sketch_and_the_answer_is_immutable(gallery, dash_app):
    from views.gallery import scenarios

    response, meta, _ = gallery
    assert [s["id"] for s in meta["scenarios"]] == [s.id for s in scenarios()]
    assert "immutable" in response.headers["Cache-Control"]
    with dash_app.server.app_context():
        assert f"v={data_version()}" in response.request.url
    assert len(response.data) < 60_000  # gzip: one small GET for the whole gallery


def test_a_lab_card_draws_each_rows_path_from_the_scenarios_start(gallery):
    from landscapes import get_landscape
    from serving.api.lab import lab_trajectories
    from views.gallery import lab_presets

    _, meta, arrays = gallery
    settings = lab_presets()["lr-sizes"]  # three GD rows, two of them copies
    sketch = _sketch(meta, "lr-sizes")
    (x0, x1), (y0, y1) = get_landscape(settings.landscape).domain
    frame = Frame(x0, x1, y0, y1)
    results = lab_trajectories(settings)
    assert len(sketch["lines"]) == len(results) == 3
    assert [line["dash"] for line in sketch["lines"]] == [False, True, True]
    assert sketch["lines"][0]["color"] != sketch["lines"][1]["color"]
    for k, result in enumerate(results):
        sent = arrays[f"lr-sizes.line{k}"].reshape(-1, 2)
        np.testing.assert_allclose(sent[0], frame.unit(result.path[:1])[0], atol=1e-3)
    start = next(d for d in sketch["dots"] if d["shape"] == "circle")
    np.testing.assert_allclose([start["x"], start["y"]], frame.unit([settings.start])[0], atol=1e-3)
    assert sketch["aspect"] == pytest.approx((x1 - x0) / (y1 - y0), rel=1e-3)  # w₁, w₂ at one scale
    assert arrays["lr-sizes.bg"].dtype == np.uint8 and sketch["ramp"] == "cost"


def test_a_diverged_path_is_cut_where_it_leaves_the_picture(gallery):
    _, _, arrays = gallery
    sent = arrays["lr-too-large.line0"].reshape(-1, 2)  # GD with η above 2/λmax
    assert np.isfinite(sent[0]).all()
    finite = sent[np.isfinite(sent).all(axis=1)]
    assert ((finite > -0.26) & (finite < 1.26)).all()
    assert len(sent) <= MAX_LINE_POINTS


def test_a_playground_card_is_the_boundary_at_the_frame_the_page_keeps(gallery):
    from playground import train
    from playground.maps import activation_maps
    from views.gallery import playground_presets

    _, meta, arrays = gallery
    settings = playground_presets()["early-stop"]
    run = train(settings.config)
    stop = run.early_stop(settings.patience)
    expected = activation_maps(run, stop.best_index)[-1][::-1]  # the restored weights
    sent = arrays["early-stop.bg"].astype(np.float64) / 255
    np.testing.assert_allclose(sent, expected, atol=0.5 / 255 + 1e-6)
    sketch = _sketch(meta, "early-stop")
    assert sketch["ramp"] == "boundary" and len(sketch["dots"]) == len(run.dataset.x_train)
    # the zero-initialised network only learns the class balance: one flat colour near p = ½
    zero = arrays["zero-init.bg"].astype(int)
    assert np.ptp(zero) <= 1 and abs(zero.mean() - 127.5) < 16
    assert meta["ramps"]["boundary"][1][1] == "#F7F7F7"


def test_the_skier_card_rides_the_curve(gallery):
    from components.thumbnail_payload import curve_frame
    from landscapes.curves import CURVES, curve_samples
    from optimizers.skier import ski
    from views.gallery import skier_presets

    _, meta, arrays = gallery
    settings = skier_presets()["skier-hill"]
    sketch = _sketch(meta, "skier-hill")
    assert len(sketch["lines"]) == 1 + 2  # the curve, then gradient descent and momentum
    w, loss = curve_samples(CURVES[settings.curve])
    frame = curve_frame([w], [loss])
    curve = arrays["skier-hill.line0"].reshape(-1, 2)
    lowest = curve[np.argmax(curve[:, 1])]  # y down: the lowest loss is the largest v
    assert frame.x0 + lowest[0] * (frame.x1 - frame.x0) == pytest.approx(
        w[np.argmin(loss)], abs=0.1
    )  # 160 of 401 samples
    rides = ski(settings.curve, settings.start, settings.configs(), settings.steps)
    for k, ride in enumerate(rides, start=1):  # each skier's card dot is where its ride ends
        end = frame.unit([[ride.w[-1], ride.loss[-1]]])[0]
        assert any(
            abs(d["x"] - end[0]) < 2e-3 and abs(d["y"] - end[1]) < 2e-3 for d in sketch["dots"]
        )
        assert len(arrays[f"skier-hill.line{k}"]) > 0


def test_line_points_are_rounded_cut_and_bounded():
    unit = np.stack([np.linspace(0, 3, 1000), np.linspace(0, 1, 1000)], 1)
    unit[10] = np.nan
    sent = line_points(unit)
    assert len(sent) <= MAX_LINE_POINTS
    assert np.isnan(sent).any()  # the NaN and everything past 1.25 are gaps
    finite = sent[np.isfinite(sent).all(axis=1)]
    assert finite[:, 0].max() < 1.25
    np.testing.assert_array_equal(finite, np.round(finite, 3))


def test_a_second_request_while_one_computes_waits_with_202(dash_app):
    from serving.api import container_cache_key
    from serving.api.thumbnails import CACHE_KEY, PENDING_KEY, thumbnails_url
    from serving.cache import cache, store

    client = dash_app.server.test_client()
    with dash_app.server.test_request_context():
        url = thumbnails_url()
        kept = cache.get(container_cache_key(CACHE_KEY))
        cache.delete(container_cache_key(CACHE_KEY))
        store(PENDING_KEY, True, timeout=30)
    try:
        response = client.get(url)
        assert response.status_code == 202 and response.headers["Retry-After"] == "2"
        assert response.get_json()["pending"] == "thumbnails"
    finally:
        with dash_app.server.test_request_context():
            store(PENDING_KEY, False, timeout=1)
            if kept is not None:
                store(container_cache_key(CACHE_KEY), kept)
