"""`GET /api/gallery/thumbnails.bin?v=…`: every home-gallery card's picture, as numbers.

Each sketch is drawn from the scenario's own run: its preset settings (views/gallery.py) through
the same engines the scenario's page uses, so a card shows what its link opens:

* optimizer lab: the landscape's cost levels (log J − J*), every row's path in its colour and
  dash, the start, the global minima;
* playground: the decision boundary P(class 1) at the frame the page ends on (early stopping:
  the kept epoch) and the training points;
* network landscape: the loss along d₁ for the training set and for each minibatch;
* LR range test: the smoothed loss against log₁₀ η, the steepest point marked;
* skier: the loss curve and each skier's ride on it;
* SGD vs batch: the full loss over (w, b), each method's path, the true parameters.

One container for the whole gallery, computed once per shared cache (and by the warm-up's
gallery step before the first student opens the home page); a request that finds another one
computing it gets `202` + `Retry-After` rather than a second computation.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from flask import Response, jsonify

from components.palette import row_color, row_dash
from components.thumbnail_payload import (
    BOUNDARY,
    COST,
    Frame,
    Line,
    Sketch,
    cost_levels,
    curve_frame,
    gallery_container,
    levels,
)
from serving.api import (
    api,
    compressed_container,
    container_cache_key,
    container_response,
    data_url,
)
from serving.cache import lookup, store

PATH = "gallery/thumbnails.bin"
CACHE_KEY = "gallery-thumbnails"
PENDING_KEY = "pending:gallery-thumbnails"
PENDING_SECONDS = 60  # a computation that died leaves its mark this long at most
RETRY_SECONDS = 2
PLANE_CELLS = 60  # background cells per side of a plane (a card is ~300 px wide)
START_COLOR = "#E0002A"  # the lab's start dot (assets/lab/theme.js START_COLOR)
STAR_COLOR = "#F0E442"
CLASS_COLORS = ("#E69F00", "#0072B2")  # the playground's classes 0 and 1
MAX_POINTS = 150  # training points drawn on a playground card
MINIBATCH_COLORS = ("#E69F00", "#56B4E9", "#009E73", "#CC79A7")
CURVE_GREY = "#64748b"


def thumbnails_url() -> str:
    return data_url(PATH)


def lab_sketch(scenario_id: str, settings: object) -> Sketch:
    from landscapes import evaluate_grid, get_landscape
    from serving.api.lab import lab_trajectories
    from serving.api.landscape import GRID_POINTS
    from settings.lab_rows import split_row_key

    landscape = get_landscape(settings.landscape)  # type: ignore[attr-defined]
    xs, ys, z = evaluate_grid(landscape.id, GRID_POINTS)  # the page's compiled grid
    step = max(1, GRID_POINTS // PLANE_CELLS)
    gap = (z - landscape.min_value)[::step, ::step][::-1]  # top row: the highest w₂
    frame = Frame(xs[0], xs[-1], ys[0], ys[-1])
    lines = []
    for row, result in zip(settings.enabled, lab_trajectories(settings), strict=True):  # type: ignore[attr-defined]
        rule, number = split_row_key(row.id) or (row.id, 1)
        color, dash = row_color(rule, number), row_dash(number) != "solid"
        lines.append(Line(frame.unit(result.path), color, dash, 2.0))
    stars = [
        frame.dot(p.x, p.y, STAR_COLOR, radius=5.0, shape="star") for p in landscape.global_minima
    ]
    start = frame.dot(*settings.start, START_COLOR, radius=4.5)  # type: ignore[attr-defined]
    return Sketch(scenario_id, frame.aspect, lines, [*stars, start], cost_levels(gap), COST)


def playground_sketch(scenario_id: str, settings: object) -> Sketch:
    from playground import train
    from playground.maps import activation_maps

    run = train(settings.config)  # type: ignore[attr-defined]
    frame_index = run.n_snapshots - 1
    if settings.patience > 0:  # type: ignore[attr-defined]
        stop = run.early_stop(settings.patience)  # type: ignore[attr-defined]
        if stop.best_index is not None and stop.stopped_index is not None:
            frame_index = int(stop.best_index)  # the weights the page keeps
    probabilities = activation_maps(run, frame_index)[-1][::-1]  # top row: the highest x₂
    (x0, x1), (y0, y1) = run.dataset.box
    frame = Frame(x0, x1, y0, y1)
    x, y = run.dataset.x_train, run.dataset.y_train
    pick = np.linspace(0, len(x) - 1, min(MAX_POINTS, len(x))).round().astype(int)
    dots = [
        frame.dot(float(x[i, 0]), float(x[i, 1]), CLASS_COLORS[int(y[i] > 0.5)], radius=2.2)
        for i in np.unique(pick)
    ]
    background = levels(probabilities, 0.0, 1.0)
    return Sketch(scenario_id, frame.aspect, (), dots, background, BOUNDARY)


def network_sketch(scenario_id: str, settings: object) -> Sketch:
    from playground import train
    from serving.api.network import page_minibatches

    run = train(settings.network.config)  # type: ignore[attr-defined]
    batches = page_minibatches(settings, run)  # type: ignore[arg-type]
    a = batches.coordinates
    curves = [batches.full_loss, *batches.batch_loss]
    frame = curve_frame([a] * len(curves), curves)
    lines = [
        Line(frame.unit(np.stack([a, loss], 1)), MINIBATCH_COLORS[k % 4], False, 1.6)
        for k, loss in enumerate(batches.batch_loss)
    ]
    lines.append(Line(frame.unit(np.stack([a, batches.full_loss], 1)), "#111827", False, 3.0))
    return Sketch(scenario_id, 16 / 9, lines)


def lr_range_sketch(scenario_id: str, settings: object) -> Sketch:
    from playground import lr_range_test

    test = lr_range_test(settings.network.config, **settings.engine_arguments())  # type: ignore[attr-defined]
    end = test.stopped_at + 1
    # The loss is held at its start value: the last point is past 4× the best (where the test
    # stops) and would squash the falling part the card is about into a flat line.
    x = np.log10(test.rates[:end])
    y = np.minimum(test.smoothed[:end], 1.1 * float(test.smoothed[0]))
    frame = curve_frame([x], [y])
    dots = []
    if test.steepest_index is not None:
        i = int(test.steepest_index)
        dots.append(frame.dot(float(x[i]), float(y[i]), "#D55E00", radius=5.0, shape="star"))
    return Sketch(scenario_id, 16 / 9, [Line(frame.unit(np.stack([x, y], 1)), "#0072B2")], dots)


def skier_sketch(scenario_id: str, settings: object) -> Sketch:
    from landscapes.curves import CURVES, curve_samples
    from optimizers.skier import ski
    from serving.api.skier import SKIER_COLORS

    curve = CURVES[settings.curve]  # type: ignore[attr-defined]
    w, loss = curve_samples(curve)
    runs = ski(curve.id, settings.start, settings.configs(), settings.steps)  # type: ignore[attr-defined]
    frame = curve_frame([w], [loss])
    lines = [Line(frame.unit(np.stack([w, loss], 1)), CURVE_GREY, False, 3.0)]
    dots = []
    for (key, _, _), ride in zip(settings.skiers(), runs, strict=True):  # type: ignore[attr-defined]
        color = SKIER_COLORS[int(key[1]) - 1]
        lines.append(Line(frame.unit(np.stack([ride.w, ride.loss], 1)), color, False, 2.0))
        dots.append(frame.dot(float(ride.w[-1]), float(ride.loss[-1]), color, radius=5.0))
    start = frame.dot(float(runs[0].w[0]), float(runs[0].loss[0]), START_COLOR, radius=4.0)
    return Sketch(scenario_id, 16 / 9, lines, [start, *dots])


def sgd_sketch(scenario_id: str, settings: object) -> Sketch:
    from optimizers.regression import full_loss, make_data, run_methods
    from serving.api.regression import METHOD_COLORS, least_squares

    s = settings
    data = make_data(s.n, s.noise, s.truew, s.trueb, s.dseed)  # type: ignore[attr-defined]
    methods = s.methods()  # type: ignore[attr-defined]
    paths = run_methods(
        data,
        [m[2] for m in methods],
        [m[3] for m in methods],
        s.epochs,
        (s.w0, s.b0),
        s.seed,  # type: ignore[attr-defined]
    )
    points = np.concatenate([p.params for p in paths] + [[[data.true_w, data.true_b]]])
    frame = curve_frame([points[:, 0]], [points[:, 1]], margin=0.12)
    height = PLANE_CELLS * 9 // 16
    ws = np.linspace(frame.x0, frame.x1, PLANE_CELLS)
    bs = np.linspace(frame.y1, frame.y0, height)  # top row: the highest b
    best = least_squares(data)["loss"]
    gap = full_loss(data, ws[None, :], bs[:, None]) - best
    lines = [
        Line(frame.unit(path.params), METHOD_COLORS[key], False, 1.6 if key == "sgd" else 2.4)
        for (key, *_), path in zip(methods, paths, strict=True)
    ]
    dots = [
        frame.dot(s.w0, s.b0, START_COLOR, radius=4.5),  # type: ignore[attr-defined]
        frame.dot(data.true_w, data.true_b, STAR_COLOR, radius=5.5, shape="star"),
    ]
    return Sketch(scenario_id, 16 / 9, lines, dots, cost_levels(gap), COST)


def _sketchers() -> dict[str, Callable[[str, object], Sketch]]:
    from views import gallery

    return {
        gallery.LAB_PATH: lab_sketch,
        gallery.PLAYGROUND_PATH: playground_sketch,
        gallery.NETWORK_PATH: network_sketch,
        gallery.LR_RANGE_PATH: lr_range_sketch,
        gallery.SKIER_PATH: skier_sketch,
        gallery.SGD_PATH: sgd_sketch,
    }


def gallery_presets() -> dict[str, tuple[str, object]]:
    """(page path, settings) of every gallery scenario, by id."""
    from views import gallery

    kinds = (
        (gallery.LAB_PATH, gallery.lab_presets),
        (gallery.PLAYGROUND_PATH, gallery.playground_presets),
        (gallery.NETWORK_PATH, gallery.network_presets),
        (gallery.LR_RANGE_PATH, gallery.lr_range_presets),
        (gallery.SKIER_PATH, gallery.skier_presets),
        (gallery.SGD_PATH, gallery.sgd_presets),
    )
    return {k: (path, s) for path, presets in kinds for k, s in presets().items()}


def sketches() -> list[Sketch]:
    """Every gallery card's sketch, in gallery order."""
    from views.gallery import scenarios

    presets, sketchers = gallery_presets(), _sketchers()
    found = []
    for scenario in scenarios():
        path, settings = presets[scenario.id]
        found.append(sketchers[path](scenario.id, settings))
    return found


def thumbnails_bytes() -> bytes:
    return gallery_container(sketches())


@api.get("/gallery/thumbnails.bin")
def gallery_thumbnails() -> Response | tuple[Response, int]:
    compressed = lookup(container_cache_key(CACHE_KEY))
    if compressed is not None:
        return container_response(compressed)
    if lookup(PENDING_KEY, reported=False):  # another request is computing them
        response = jsonify({"pending": "thumbnails", "message": "drawing the gallery…"})
        response.headers["Retry-After"] = str(RETRY_SECONDS)
        response.headers["Cache-Control"] = "no-store"
        return response, 202
    store(PENDING_KEY, True, timeout=PENDING_SECONDS)
    try:
        compressed = compressed_container(CACHE_KEY, thumbnails_bytes)
    finally:
        store(PENDING_KEY, False, timeout=1)
    return container_response(compressed)
