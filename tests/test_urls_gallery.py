"""The home gallery: every scenario link parses cleanly on its page, round-trips to the same
settings, and shows what its sentence claims (checked with the engines' own numbers)."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest


@pytest.fixture(scope="module")
def home():  # the gallery's scenarios (views/gallery.py; the home page draws them)
    import views.gallery as home

    return home


@pytest.fixture(scope="module")
def by_id(home):
    return {s.id: s for s in home.scenarios()}


def test_gallery_has_every_scenario_once(home):
    ids = [s.id for s in home.scenarios()]
    assert len(ids) == len(set(ids))
    assert ids == [i for i, _, _ in home.TEXTS if i in ids]
    assert len(ids) >= 5


def test_every_link_parses_without_messages_and_round_trips(home):
    from settings import lr_range, network_landscape, optimizer_lab, playground, regression, skier

    parsers = {
        home.LAB_PATH: optimizer_lab.from_query,
        home.PLAYGROUND_PATH: playground.from_query,
        home.NETWORK_PATH: network_landscape.from_query,
        home.LR_RANGE_PATH: lr_range.from_query,
        home.SKIER_PATH: skier.from_query,
        home.SGD_PATH: regression.from_query,
    }
    presets = {
        **home.lab_presets(),
        **home.playground_presets(),
        **home.network_presets(),
        **home.lr_range_presets(),
        **home.skier_presets(),
        **home.sgd_presets(),
    }
    for scenario in home.scenarios():
        assert scenario.query, scenario.id  # a preset differs from the page's defaults
        settings, messages, passthrough = parsers[scenario.path](scenario.query)
        assert messages == [], (scenario.id, messages)
        assert passthrough == {}
        assert settings == presets[scenario.id], scenario.id
        assert settings.to_query() == scenario.query


def test_gallery_is_on_the_home_page(client, home):
    from tests.dash_http import find_callback, post_callback

    router = find_callback(client, "_pages_content.children")
    response = post_callback(
        client,
        router,
        {"_pages_location.pathname": "/", "_pages_location.search": ""},
        ["_pages_location.pathname"],
    )
    assert response.status_code == 200
    from benchmarks.load import DashState

    content = response.get_json()["response"]["_pages_content"]["children"]
    page = DashState(dependencies=[])
    page.add_layout(content)
    text = json.dumps(content, ensure_ascii=False)
    for scenario in home.scenarios():
        assert scenario.href in page.hrefs, scenario.id
        assert scenario.title in text


def test_every_link_opens_its_page_without_messages(client, home):
    from tests.dash_http import find_callback, post_callback

    router = find_callback(client, "_pages_content.children")
    for scenario in home.scenarios():
        response = post_callback(
            client,
            router,
            {
                "_pages_location.pathname": scenario.path,
                "_pages_location.search": "?" + scenario.query,
            },
            ["_pages_location.pathname", "_pages_location.search"],
        )
        assert response.status_code == 200, scenario.id
        assert "global-error" not in response.get_data(as_text=True), scenario.id


# ---- the playground's claims -------------------------------------------------------------------
def _train(settings):
    from playground import train

    return train(settings.config)


def test_zero_init_neurons_stay_identical(home):
    run = _train(home.playground_presets()["zero-init"])
    for layer in run.weights[:-1]:
        final = layer[-1]  # (n_in, n_out) after training
        assert np.ptp(final, axis=1).max() == 0.0  # every neuron's incoming weights equal
    assert run.test_accuracy[-1] <= 0.6


def test_too_small_init_vanishes_in_a_deep_net(home):
    settings = home.playground_presets()["small-init"]
    small = _train(settings)
    good = _train(replace(settings, config=replace(settings.config, init="appropriate")))
    assert small.grad_norms[0, 0] * 1000 < good.grad_norms[0, 0]
    assert small.test_accuracy[-1] <= 0.6 < 0.9 <= good.test_accuracy[-1]


def test_too_large_init_explodes(home):
    run = _train(home.playground_presets()["large-init"])
    assert run.train_loss[0] > 1000
    assert np.nanmax(run.train_loss) > 10 * run.train_loss[0]
    assert run.test_accuracy[-1] <= 0.6


def test_appropriate_init_learns_the_circle(home):
    settings = home.playground_presets()["good-init"]
    assert settings.config.dataset == "circle"
    assert _train(settings).test_accuracy[-1] >= 0.95


def test_l2_keeps_weights_small_and_halves_the_test_loss(home):
    settings = home.playground_presets()["l2"]
    with_l2 = _train(settings)
    without = _train(replace(settings, config=replace(settings.config, l2=0.0)))
    assert settings.config.l2 > 0 and settings.show_test
    assert with_l2.weight_norms[-1].sum() < 0.8 * without.weight_norms[-1].sum()
    assert with_l2.test_loss[-1] <= 0.5 * without.test_loss[-1]
    # Without L2 the net overfits: its test loss climbs well above its best.
    assert without.test_loss[-1] > 1.5 * without.test_loss.min()


def test_early_stopping_keeps_the_best_weights(home):
    settings = home.playground_presets()["early-stop"]
    sentence = next(s.sentence for s in home.scenarios() if s.id == "early-stop")
    run = _train(settings)
    stop = run.early_stop(settings.patience)
    best = int(np.argmin(run.test_loss[1:])) + 1
    assert (stop.best_epoch, stop.stopped_epoch, settings.patience) == (best, 51, 20)
    assert f"lowest, {run.test_loss[best]:.2f}, at epoch {best}" in sentence
    assert f"climbs to {run.test_loss[-1]:.2f} by epoch {run.last_epoch}" in sentence
    assert run.train_loss[-1] < 0.5 * run.train_loss[best]  # "the training loss keeps falling"
    assert f"patience {settings.patience}, training stops at epoch {stop.stopped_epoch}" in sentence
    assert f"keeps epoch {stop.best_epoch}'s weights" in sentence


# ---- the optimizer lab's claims ----------------------------------------------------------------
def _lab_run(settings, **overrides):
    """The engine's trajectories for a lab preset (what the page computes), by row key."""
    from serving.api.lab import lab_trajectories

    settings = replace(settings, **overrides)
    runs = lab_trajectories(settings)
    return {row.id: run for row, run in zip(settings.enabled, runs, strict=True)}


def _lab(home, scenario_id):
    return home.lab_presets()[scenario_id]


def test_lr_too_large_diverges(home):
    settings = _lab(home, "lr-too-large")
    run = _lab_run(settings)["gd"]
    assert settings.landscape == "valley" and settings.optimizer("gd").lr > 2 / 160
    assert run.diverged_at is not None and run.diverged_at <= 50
    # Just below 2/λmax the same start converges: the threshold is the point.
    below = _lab_run(
        settings,
        optimizers=tuple(replace(o, lr=0.012) if o.id == "gd" else o for o in settings.optimizers),
    )["gd"]
    assert below.diverged_at is None and below.loss[-1] < 1e-6


def test_lr_sizes_too_small_is_slow_right_converges_too_large_diverges(home):
    settings = _lab(home, "lr-sizes")
    assert [(o.rule, o.lr) for o in settings.enabled] == [
        ("gd", 0.001),
        ("gd", 0.012),
        ("gd", 0.013),
    ]
    runs = _lab_run(settings)
    distance = {k: np.hypot(r.path[:, 0], r.path[:, 1]) for k, r in runs.items()}
    slow, right, large = runs["gd"], runs["gd-2"], runs["gd-3"]
    assert slow.diverged_at is None and distance["gd"][-1] == pytest.approx(0.54, abs=0.01)
    assert right.diverged_at is None and distance["gd-2"][100] < 0.01 * distance["gd-2"][0]
    assert large.diverged_at is not None and large.diverged_at < 50


def test_saddle_gd_stalls_adam_escapes(home):
    runs = _lab_run(_lab(home, "saddle"))
    gd, adam = runs["gd"], runs["adam"]
    assert np.hypot(*gd.path[-1]) < 0.2  # still beside the saddle at (0, 0) after 500 steps
    assert abs(adam.path[100][1]) > 1.3  # reached a minimum (0, ±√2) within 100 steps
    assert adam.loss[100] < -0.99


def _across(path):
    return -0.28 * path[:, 0] + 0.96 * path[:, 1]  # the valley's steep direction


def _along(path):
    return 0.96 * path[:, 0] + 0.28 * path[:, 1]  # the valley's floor


def _reversals(path):
    d = np.diff(_across(path))
    return int(np.sum(np.sign(d[1:]) != np.sign(d[:-1])))


def _stays_below(loss, threshold):
    """The first step from which J stays below `threshold` to the end."""
    above = np.nonzero(loss >= threshold)[0]
    return int(above[-1]) + 1 if len(above) else 0


def test_valley_momentum_builds_up_speed(home, by_id):
    settings = _lab(home, "valley-momentum")
    sentence = by_id["valley-momentum"].sentence
    gd_row, momentum_row = settings.optimizer("gd"), settings.optimizer("momentum")
    assert gd_row.lr == momentum_row.lr == 0.01 and "Same η = 0.01 for both." in sentence
    assert momentum_row.hyperparam_values["alpha"] == 0.5 and "(α = 0.5)" in sentence
    runs = _lab_run(settings)
    gd, momentum = runs["gd"], runs["momentum"]
    assert gd.diverged_at is None and momentum.diverged_at is None
    # GD reverses across the valley at almost every step; its steps along the floor only shrink.
    assert _reversals(gd.path) > 0.8 * settings.steps
    gd_steps = np.abs(np.diff(_along(gd.path)))
    assert np.all(np.diff(gd_steps[:50]) <= 1e-12)
    # Momentum's steps along the floor grow (half of each step carried into the next).
    momentum_steps = np.abs(np.diff(_along(momentum.path)))
    assert momentum_steps[:20].max() > 1.5 * momentum_steps[0]
    assert momentum_steps[:20].max() > 1.5 * gd_steps[:20].max()
    # The step numbers the sentence prints (J* = 0 on the valley).
    first = {k: _stays_below(r.loss, 1e-3) for k, r in runs.items()}
    assert 0 < first["momentum"] < first["gd"] / 2 < settings.steps
    expected = (
        f"J stays below 10⁻³ from step {first['momentum']}, GD's only from step {first['gd']}."
    )
    assert expected in sentence


def test_rosenbrock_adaptive_methods_follow_the_valley(home):
    runs = _lab_run(_lab(home, "rosenbrock"))
    distance = {k: float(np.hypot(r.path[-1][0] - 1, r.path[-1][1] - 1)) for k, r in runs.items()}
    assert distance["adam"] < 0.01 and distance["rmsprop"] < 0.11 and distance["gd"] > 0.5
    for name in ("adam", "rmsprop"):
        path = runs[name].path[50:]
        assert np.max(np.abs(path[:, 1] - path[:, 0] ** 2)) < 0.05  # stays on the valley floor


def test_plateau_gd_crawls_adam_keeps_pace(home):
    runs = _lab_run(_lab(home, "plateau"))
    gd, adam = runs["gd"], runs["adam"]
    assert np.hypot(*(gd.path[-1] - gd.path[0])) < 0.3
    in_basin = np.hypot(adam.path[:, 0], adam.path[:, 1]) < 0.5
    assert in_basin.any() and int(np.argmax(in_basin)) < 60


def _mean_distance_last(run, n=100):
    return float(np.hypot(run.path[-n:, 0], run.path[-n:, 1]).mean())


def _final_distance(run):  # to the bowl's minimum (0, 0), from the table's "final w"
    return float(np.hypot(*run.path[-1]))


def test_inverse_time_decay_settles_closer_than_constant(home, by_id):
    settings = _lab(home, "lr-decay")
    sentence = by_id["lr-decay"].sentence
    row = settings.optimizer("gd")
    assert settings.noise == 2 and row.schedule == "inverse_time"
    assert row.lr == 0.05 and row.schedule_values == {"decay_rate": 0.05}
    assert "η = 0.05/(1 + 0.05 t)" in sentence and "constant η = 0.05:" in sentence
    decayed = _lab_run(settings)["gd"]
    # What the student compares: the same row with the schedule set to constant.
    constant = _lab_run(
        settings,
        optimizers=tuple(
            replace(o, schedule="constant", schedule_params=()) if o.id == "gd" else o
            for o in settings.optimizers
        ),
    )["gd"]
    ratio = _final_distance(constant) / _final_distance(decayed)
    assert f"ends {ratio:.1f}× closer" in sentence
    steps = settings.steps
    assert (
        f"J after {steps} steps is {decayed.loss[-1]:.2g} instead of {constant.loss[-1]:.2g}"
        in (sentence)
    )
    # Not a lucky last step: over its last 100 steps the decayed run stays closer still.
    assert _mean_distance_last(decayed) * ratio < _mean_distance_last(constant)


def _path_length(run):
    return float(np.sum(np.hypot(*np.diff(run.path, axis=0).T)))


def test_noisy_gradients_wander(home, by_id):
    from landscapes import get_landscape
    from serving.api.lab import nearest_minimum

    settings = _lab(home, "noise")
    sentence = by_id["noise"].sentence
    assert settings.noise == 2 and "σ = 2," in sentence
    noisy = _lab_run(settings)
    clean = _lab_run(settings, noise=0.0)
    gd_ratio = _path_length(noisy["gd"]) / _path_length(clean["gd"])
    adam_ratio = _path_length(noisy["adam"]) / _path_length(clean["adam"])
    assert f"GD's path is {gd_ratio:.0f}× as long as without noise" in sentence
    assert f"only {adam_ratio:.1f}× as long." in sentence
    # "reaches the minimum": the results table's verdict for GD's final point.
    landscape = get_landscape(settings.landscape)
    assert nearest_minimum(landscape, noisy["gd"].path[-1]) is not None
    # "keeps jittering around it": J stays well above the noise-free run's, to the end.
    assert f"J still {noisy['gd'].loss[-1]:.2g} after {settings.steps} steps" in sentence
    assert clean["gd"].loss[-1] < 1e-6 and np.median(noisy["gd"].loss[-100:]) > 0.01
    assert _mean_distance_last(noisy["gd"]) > 0.1 > 1e-6 > _mean_distance_last(clean["gd"])


# ---- inside the network --------------------------------------------------------------------------
def test_minibatches_move_the_landscape(home):
    import playground as pg

    settings = home.network_presets()["minibatches"]
    config = settings.network.config
    slices = pg.minibatch_slices(config, n_batches=4, batch_size=20, span=settings.span)
    center = len(slices.coordinates) // 2
    assert f"{slices.full_loss[center]:.3f}" == "0.080"
    seen = [round(float(v), 2) for v in slices.batch_loss[:, center]]
    assert seen == [0.14, 0.05, 0.12, 0.07]
    assert slices.batch_slopes.min() < 0 < slices.batch_slopes.max()  # "point both ways"


# ---- the learning-rate range test's claims ------------------------------------------------------
def test_the_lr_range_test_finds_eta(home):
    import playground as pg

    settings = home.lr_range_presets()["lr-range"]
    config = settings.network.config
    test = pg.lr_range_test(config, **settings.engine_arguments())
    moved = int(np.argmax(test.smoothed < 0.99 * test.smoothed[0]))
    assert round(test.rates[moved], 2) == 0.13  # "starts falling near η = 0.13"
    assert round(test.steepest, 1) == 1.6  # "falls fastest at 1.6"
    assert test.diverged and round(test.rates[-1], 1) == 5.5  # "explodes by 5.5 … stops"
    assert round(test.minimum_tenth, 2) == 0.19
    constant = pg.train(pg.with_rate(config, test.steepest))
    tenth = pg.train(pg.with_rate(config, test.minimum_tenth))
    cycle = pg.train(pg.with_one_cycle(config, test.steepest))
    assert constant.epochs[-1] == 500 and round(float(constant.train_loss[-1]), 2) == 0.57
    assert f"{tenth.train_loss[-1]:.0e}" == "6e-04"
    assert f"{cycle.train_loss[-1]:.0e}" == "5e-05"


# ---- the skier's claims -------------------------------------------------------------------------
def _ride(settings):
    from optimizers.skier import ski

    return ski(settings.curve, settings.start, settings.configs(), settings.steps)


def test_the_optimizer_is_the_skier(home):
    (gd,) = _ride(home.skier_presets()["skier"])
    assert gd.w[0] == -1.0 and gd.slope[0] == pytest.approx(-3.0)
    assert gd.w[1] - gd.w[0] == pytest.approx(0.3)  # steps right, by 0.3
    close = int(np.argmax(np.abs(gd.w - 2.0) < 0.01))
    assert close == 55


def test_a_better_solution_beyond_the_hill(home):
    gd, momentum = _ride(home.skier_presets()["skier-hill"])
    assert round(gd.w[-1], 2) == 1.32 and round(gd.loss[-1], 2) == 0.99
    hill_top = 0.1778  # the maximum between the valleys
    assert int(np.argmax(momentum.w < hill_top)) == 5
    assert round(momentum.w[-1], 1) == -1.5 and f"{momentum.loss[-1]:.1g}" == "0.0006"


# ---- SGD vs minibatch vs full batch --------------------------------------------------------------
def test_sgd_vs_minibatch_vs_full_batch(home):
    from optimizers.regression import make_data, run_methods
    from serving.api.regression import least_squares

    s = home.sgd_presets()["sgd-batch"]
    data = make_data(s.n, s.noise, s.truew, s.trueb, s.dseed)
    methods = s.methods()
    sgd, minibatch, full = run_methods(
        data, [m[2] for m in methods], [m[3] for m in methods], s.epochs, (s.w0, s.b0), s.seed
    )
    assert [p.epoch_updates for p in (sgd, minibatch, full)] == [100, 10, 1]
    assert round(least_squares(data)["loss"], 3) == 0.118
    one_epoch = [p.loss[p.epoch_updates] for p in (sgd, minibatch, full)]
    assert [round(one_epoch[0], 2), round(one_epoch[1], 1), round(one_epoch[2])] == [0.12, 1.4, 11]
    assert round(float(np.max(sgd.loss[-100:])), 2) == 0.13  # still jumping about
    assert np.ptp(sgd.loss[-100:]) > 5 * np.ptp(minibatch.loss[-10:])  # the minibatch is calmer
    assert round(full.loss[-1], 2) == 1.45 and np.all(np.diff(full.loss) < 0)  # smooth, slow


def test_documented_hide_groups_match_the_pages(client):
    """docs/deploy.md lists exactly the control groups each page marks with data-group."""
    from pathlib import Path

    from serving.warmup import open_page

    docs = Path(__file__).resolve().parent.parent.joinpath("docs", "deploy.md").read_text()
    rows = {
        line.split("`")[1]: line
        for line in docs.splitlines()
        if line.startswith("| ") and "(`/" in line
    }
    assert {"/optimizers", "/playground", "/network", "/skier", "/sgd"} <= set(rows)
    for path in rows:
        state, _ = open_page(client, path)
        assert state.groups, path
        row = rows[path]
        documented = [part.split("`")[1] for part in row.split("|")[2].split("·")]
        assert documented == list(state.groups), (path, documented, list(state.groups))
