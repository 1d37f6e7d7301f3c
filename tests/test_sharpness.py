"""The sharpness of a trained minimum (playground.sharpness) against a NumPy forward pass, and
what it shows on the playground: trained to the same training loss, full batch finds a
sharper minimum than small batches, and its held-out loss is higher (Keskar et al. 2017)."""

from __future__ import annotations

import numpy as np
import pytest
from test_network_landscape import ref_loss, ref_theta

import playground as pg
from playground.sharpness import minimum_sharpness

C = pg.PlaygroundConfig


def test_the_rise_is_the_loss_a_radius_away_along_each_direction() -> None:
    config = C(epochs=80)
    run = pg.train(config)
    result = minimum_sharpness(config, radius=0.2, n_directions=3, span=0.5, run=run)
    theta = ref_theta(run, -1)
    x, y = run.dataset.x_train, run.dataset.y_train
    center = ref_loss(theta, config, x, y)
    assert result.center_loss == pytest.approx(center, rel=1e-5)
    for seed, rise in enumerate(result.rises):
        d1 = pg.network_landscape(config, direction_seed=seed, run=run).direction_vectors[0]
        d1 = d1.astype(np.float64)
        up = ref_loss(theta + 0.2 * d1, config, x, y)
        down = ref_loss(theta - 0.2 * d1, config, x, y)
        assert rise == pytest.approx(0.5 * (up + down) - center, rel=1e-3, abs=1e-6)
    assert result.sharpness == pytest.approx(result.rises.mean())
    assert result.slices.shape == (3, 101) and result.coordinates[50] == 0.0


@pytest.mark.parametrize("kwargs", [{"n_directions": 0}, {"n_directions": 17}, {"radius": 0.0},
                                    {"radius": 0.9}, {"radius": True}])  # fmt: skip
def test_bad_arguments(kwargs) -> None:
    with pytest.raises(ValueError):
        minimum_sharpness(C(epochs=2), **kwargs)


@pytest.mark.parametrize("dataset", ["moons", "xor"])
def test_full_batch_finds_a_sharper_minimum_that_generalizes_worse(dataset) -> None:
    common = {"dataset": dataset, "hidden": (8, 8), "noise": 0.2}
    full = C(**common, epochs=2000, lr=0.5)
    small = C(**common, batch_size=8, epochs=300, lr=0.1)
    sharp, flat = minimum_sharpness(full), minimum_sharpness(small)
    assert abs(sharp.center_loss - flat.center_loss) < 0.06  # trained about as far
    assert sharp.sharpness > 1.7 * flat.sharpness
    assert sharp.test_loss > flat.test_loss
