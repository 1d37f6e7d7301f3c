"""The home page's gallery: every scenario preset, its title and the one sentence it shows.

Every scenario link is built from the page's own settings object (`LabSettings` /
`PlaygroundSettings` → `to_query()`), never typed by hand, so a link can never drift from what
the page parses. Each card's sentence is a claim the engine was checked to show
(tests/test_urls_gallery.py re-checks every one of them numerically).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from functools import cache
from typing import NamedTuple

LAB_PATH = "/optimizers"
PLAYGROUND_PATH = "/playground"
LR_RANGE_PATH = "/lr-range"
NETWORK_PATH = "/network"
SKIER_PATH = "/skier"
SGD_PATH = "/sgd"


class Scenario(NamedTuple):
    """One gallery card: a preset link and the one sentence it demonstrates.

    (A NamedTuple, not a dataclass: Dash imports page modules without registering them in
    sys.modules, which dataclasses need.)
    """

    id: str
    title: str
    sentence: str
    path: str
    query: str

    @property
    def href(self) -> str:
        return f"{self.path}?{self.query}" if self.query else self.path


# ---- optimizer lab presets -------------------------------------------------------------------
def lab_settings(
    landscape: str,
    rows: Mapping[str, Mapping[str, object]],
    *,
    start: tuple[float, float] | None = None,
    steps: int | None = None,
    noise: float | None = None,
    seed: int | None = None,
):
    """`LabSettings` on `landscape` with only the optimizers in `rows` enabled.

    `rows` maps a row key (an optimizer id, or a copy's such as "gd-2") to fields of its
    `OptimizerSettings` to change (lr, schedule, schedule_params as a mapping, hyperparams as
    a mapping).
    """
    from settings.optimizer_lab import LabSettings, OptimizerSettings, split_row_key, table_order

    settings = LabSettings.default(landscape)
    copies = tuple(
        OptimizerSettings.default(k) for k in rows if (split_row_key(k) or ("", 1))[1] > 1
    )
    settings = replace(settings, optimizers=table_order(settings.optimizers + copies))
    optimizers = []
    for row in settings.optimizers:
        changes = dict(rows.get(row.id, {}))
        for name in ("schedule_params", "hyperparams"):
            if name in changes:
                base = dict(getattr(row, name)) if name == "hyperparams" else {}
                base.update(changes[name])  # type: ignore[arg-type]
                changes[name] = tuple(sorted((k, float(v)) for k, v in base.items()))
        optimizers.append(replace(row, enabled=row.id in rows, **changes))  # type: ignore[arg-type]
    return replace(
        settings,
        optimizers=tuple(optimizers),
        start=settings.start if start is None else (float(start[0]), float(start[1])),
        steps=settings.steps if steps is None else steps,
        noise=settings.noise if noise is None else float(noise),
        seed=settings.seed if seed is None else seed,
    )


def playground_settings(**config: object):
    """`PlaygroundSettings` whose engine config differs from the defaults by `config`."""
    from playground import PlaygroundConfig
    from settings.playground import PlaygroundSettings

    show_test = bool(config.pop("show_test", False))
    patience = int(config.pop("patience", 0))  # type: ignore[call-overload]
    return PlaygroundSettings(
        config=PlaygroundConfig(**config),  # type: ignore[arg-type]
        show_test=show_test,
        patience=patience,
    )


def lab_presets() -> dict[str, object]:
    """The optimizer-lab scenarios' settings, by scenario id.

    Every value a sentence relies on is pinned here (not taken from the page's defaults), so a
    change of a default can never silently break a card's claim.
    """
    return {
        "lr-too-large": lab_settings("valley", {"gd": {"lr": 0.013}}),
        "lr-sizes": lab_settings(
            "valley",
            {"gd": {"lr": 0.001}, "gd-2": {"lr": 0.012}, "gd-3": {"lr": 0.013}},
        ),
        "saddle": lab_settings("saddle", {"gd": {"lr": 0.005}, "adam": {"lr": 0.05}}),
        "valley-momentum": lab_settings(
            "valley",
            {"gd": {"lr": 0.01}, "momentum": {"lr": 0.01, "hyperparams": {"alpha": 0.5}}},
            steps=200,
        ),
        "rosenbrock": lab_settings(
            "rosenbrock",
            {"gd": {"lr": 0.001}, "rmsprop": {"lr": 0.01}, "adam": {"lr": 0.05}},
            steps=2000,
        ),
        "plateau": lab_settings("plateau", {"gd": {"lr": 0.005}, "adam": {"lr": 0.05}}),
        "lr-decay": lab_settings(
            "bowl",
            {
                "gd": {
                    "lr": 0.05,
                    "schedule": "inverse_time",
                    "schedule_params": {"decay_rate": 0.05},
                }
            },
            noise=2.0,
        ),
        "noise": lab_settings("bowl", {"gd": {"lr": 0.05}, "adam": {"lr": 0.05}}, noise=2.0),
    }


def playground_presets() -> dict[str, object]:
    """The playground scenarios' settings, by scenario id."""
    deep = (8, 8, 8, 8)
    # Pinned, not taken from the page's defaults: a changed default never breaks a claim.
    common = {"dataset": "circle", "activation": "relu", "lr": 0.1, "epochs": 500}
    return {
        "zero-init": playground_settings(init="zero", **common),
        "small-init": playground_settings(init="too_small", hidden=deep, **common),
        "large-init": playground_settings(init="too_large", hidden=deep, **common),
        "good-init": playground_settings(
            init="appropriate", hidden=(6, 3), show_test=True, **common
        ),
        "l2": playground_settings(
            **{**common, "lr": 0.3, "epochs": 1000},
            n_samples=100,
            noise=0.2,
            hidden=(8, 8),
            l2=0.003,
            show_test=True,
        ),
        "early-stop": playground_settings(
            dataset="xor",
            n_samples=60,
            noise=0.4,
            hidden=(16, 16),
            lr=0.5,
            epochs=400,
            patience=20,
            show_test=True,
        ),
    }


# (id, title, sentence) in gallery order; the settings come from the presets above.
def network_presets() -> dict[str, object]:
    """The network-landscape scenarios' settings, by scenario id."""
    from settings.network_landscape import NetworkLandscapeSettings

    network = playground_settings(dataset="circle", lr=0.1, epochs=500)
    return {"minibatches": NetworkLandscapeSettings(network=network, span=0.5)}


def lr_range_presets() -> dict[str, object]:
    """The learning-rate range test scenarios' settings, by scenario id."""
    from settings.lr_range import LRRangeSettings

    network = playground_settings(dataset="circle", optimizer="momentum", lr=0.1, epochs=500)
    return {"lr-range": LRRangeSettings(network=network, start_lr=1e-7, end_lr=100.0, steps=100)}


def skier_presets() -> dict[str, object]:
    """The skier scenarios' settings, by scenario id (every value pinned)."""
    from settings.skier import SkierSettings

    return {
        "skier": SkierSettings(curve="bowl", start=-1.0, steps=100, rules=("gd", "off", "off"),
                               rates=(0.1, 0.05, 0.1)),
        "skier-hill": SkierSettings(curve="hill", start=2.4, steps=150,
                                    rules=("gd", "momentum", "off"), rates=(0.05, 0.05, 0.1)),
    }  # fmt: skip


def sgd_presets() -> dict[str, object]:
    """The SGD-vs-batch scenarios' settings, by scenario id (every value pinned)."""
    from settings.regression import RegressionSettings

    return {
        "sgd-batch": RegressionSettings(n=100, noise=0.5, truew=2.0, trueb=-1.0, dseed=0,
                                        batch=10, epochs=10, seed=1, lrsgd=0.05, lrmb=0.1,
                                        lrfull=0.1, w0=-2.0, b0=2.0),
    }  # fmt: skip


TEXTS: tuple[tuple[str, str, str], ...] = (
    (
        "lr-too-large",
        "Learning rate too large: GD diverges",
        "The valley's steepest curvature is 160, so GD is stable only for η < 2/160 = 0.0125; "
        "with η = 0.013 every step overshoots further and the run blows up within 50 steps.",
    ),
    (
        "lr-sizes",
        "One optimizer, three learning rates",
        "Three rows of GD on the valley: with η = 0.001 it is still 0.54 from the minimum after "
        "500 steps (too small: slow), with η = 0.012 it is within 1 % of its start distance by "
        "step 100, and with η = 0.013 (above 2/160) it diverges before step 50.",
    ),
    (
        "saddle",
        "Saddle point: GD stalls, Adam escapes",
        "Starting a hair off the ridge, GD (η = 0.005) is still beside the saddle after 500 "
        "steps; Adam's normalised steps reach a minimum within 100.",
    ),
    (
        "valley-momentum",
        "Ill-conditioned valley: momentum builds up speed",
        "Same η = 0.01 for both. GD zig-zags across the valley at almost every step and creeps "
        "along its floor; momentum (α = 0.5) adds half of its last step to each new one, so its "
        "steps along the floor grow: J stays below 10⁻³ from step 58, GD's only from step 128.",
    ),
    (
        "rosenbrock",
        "Rosenbrock: adaptive methods follow the curved valley",
        "In 2000 steps Adam reaches the minimum at (1, 1) and RMSprop gets within 0.11 of it, "
        "while GD (η = 0.001) is still more than 0.5 away along the bend.",
    ),
    (
        "plateau",
        "Plateau: plain GD crawls, Adam keeps pace",
        "On the nearly flat plain GD moves about 0.2 in 500 steps; Adam's normalised steps "
        "reach the basin in under 60.",
    ),
    (
        "lr-decay",
        "1/t decay vs constant LR",
        "With noisy gradients (σ = 2), GD with η = 0.05/(1 + 0.05 t) ends 2.7× closer to the "
        "minimum than with a constant η = 0.05: J after 500 steps is 0.016 instead of 0.12 "
        "(set the schedule to constant to compare).",
    ),
    (
        "noise",
        "Noisy gradients wander (σ)",
        "With gradient noise σ = 2, GD's path is 22× as long as without noise: it reaches the "
        "minimum but keeps jittering around it, J still 0.12 after 500 steps instead of about "
        "0. Adam's normalised steps make its path only 1.6× as long.",
    ),
    (
        "zero-init",
        "Zero initialization: symmetric neurons never break",
        "Every weight starts at 0, so all neurons of a layer stay identical after 500 epochs "
        "and the network never gets past guessing (≈50 % accuracy).",
    ),
    (
        "small-init",
        "Too-small init: vanishing gradients in a deep net",
        "Four hidden layers started at scale 0.01: the first layer's gradient is thousands of "
        "times smaller than with a good start, and the net still guesses after 500 epochs.",
    ),
    (
        "large-init",
        "Too-large init: exploding loss, saturated outputs",
        "Four hidden layers started at scale 100: the first loss is in the thousands, it "
        "explodes further while training, and the net ends no better than guessing.",
    ),
    (
        "good-init",
        "Appropriate init learns the circle",
        "Variance 1/n_in (LeCun) on the circle data set: the boundary closes around the "
        "inner disc and accuracy on the held-out test points passes 95 %.",
    ),
    (
        "l2",
        "L2 vs no regularization",
        "100 noisy points and 1000 epochs: with λ₂ = 0.003 the weights stay smaller and the "
        "test loss is half of what it becomes without L2 (set λ₂ to 0 to compare).",
    ),
    (
        "early-stop",
        "Early stopping keeps the best weights",
        "60 noisy XOR points, a 16-16 network: the held-out loss is lowest, 0.58, at epoch 31 "
        "and climbs to 1.79 by epoch 400 while the training loss keeps falling. With patience "
        "20, training stops at epoch 51 and keeps epoch 31's weights.",
    ),
    (
        "minibatches",
        "Minibatches move the landscape",
        "At the trained network the training set's loss is 0.080; four minibatches of 20 "
        "points see 0.14, 0.05, 0.12 and 0.07 there, and their slopes along d₁ point both "
        "ways: each minibatch step descends its own landscape, not the full one.",
    ),
    (
        "lr-range",
        "The LR range test finds η",
        "Momentum while η grows from 10⁻⁷ to 100: the loss starts falling near η = 0.13, falls "
        "fastest at 1.6 and explodes by 5.5, where the test stops. A constant 1.6 stalls (loss "
        "0.57 after 500 epochs); a tenth of the best point, 0.19, reaches 0.0006, and "
        "one-cycle up to 1.6 reaches 0.00005.",
    ),
    (
        "skier",
        "The optimizer is the skier",
        "One parameter w, L(w) = ½(w − 2)²: at w = −1 the derivative is −3 < 0, so gradient "
        "descent (η = 0.1) steps right, by 0.3; it is within 0.01 of the bottom after 55 steps.",
    ),
    (
        "skier-hill",
        "A better solution beyond the hill",
        "Both skiers start at w = 2.4 with η = 0.05: gradient descent settles in the nearer "
        "valley (w = 1.32, loss 0.99); momentum (α = 0.9) crosses the hill by step 5 and ends "
        "in the better one (w ≈ −1.5, loss 0.0006).",
    ),
    (
        "sgd-batch",
        "SGD vs minibatch vs full batch",
        "100 points, one epoch each: SGD's 100 noisy steps reach loss 0.12 (the best line's is "
        "0.118), a minibatch of 10 (10 steps) 1.4, full batch (1 step) 11. In the tenth epoch "
        "SGD still jumps about (its loss up to 0.13); full batch is smooth, but at 1.45.",
    ),
)


@cache
def scenarios() -> tuple[Scenario, ...]:
    """Every gallery scenario with its link (built once per process from the settings)."""
    presets = {
        **{k: (LAB_PATH, s) for k, s in lab_presets().items()},
        **{k: (PLAYGROUND_PATH, s) for k, s in playground_presets().items()},
        **{k: (NETWORK_PATH, s) for k, s in network_presets().items()},
        **{k: (LR_RANGE_PATH, s) for k, s in lr_range_presets().items()},
        **{k: (SKIER_PATH, s) for k, s in skier_presets().items()},
        **{k: (SGD_PATH, s) for k, s in sgd_presets().items()},
    }
    found = []
    for scenario_id, title, sentence in TEXTS:
        if scenario_id not in presets:
            continue
        path, settings = presets[scenario_id]
        found.append(Scenario(scenario_id, title, sentence, path, settings.to_query()))  # type: ignore[attr-defined]
    return tuple(found)
