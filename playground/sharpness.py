"""How sharp is the trained network's minimum? (slide deck 000: "sharp minima: small movement
may incur massive loss increase"; Keskar et al. 2017 on large batches, measured the way Li et
al. 2018 make comparable: along filter-normalized directions.)

For K random filter-normalized directions d_k (seeds 0 … K−1, ``network_landscape``'s d₁ of
each seed) and a radius r::

    rise_k  = ½ [L(θ* + r d_k) + L(θ* − r d_k)] − L(θ*)       (training loss, evaluation mode)
    sharpness = mean_k rise_k

with each direction's whole slice L(θ* + a d_k), a ∈ span · [−1, 1] (101 points) for drawing.
Filter normalization makes a step of r change every neuron by r times its own weights' size,
so two networks trained differently (full batch vs small batches) are compared at the same
relative perturbation. One compiled call per direction (``playground.landscape_program``).
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np

from playground.config import PlaygroundConfig
from playground.minibatch_slices import slicer
from playground.run import PlaygroundRun
from playground.training import program_data, train

DIRECTIONS_RANGE = (1, 16)


@dataclass(frozen=True, eq=False)
class Sharpness:
    """The rise of the training loss a radius r away from θ*, per direction and on average."""

    config: PlaygroundConfig
    radius: float
    sharpness: float  # mean rise
    rises: np.ndarray  # (K,) float64
    center_loss: float  # L_train(θ*)
    test_loss: float  # the run's final held-out loss
    test_accuracy: float
    coordinates: np.ndarray  # (101,) a
    slices: np.ndarray  # (K, 101) float32 L_train(θ* + a d_k)


def minimum_sharpness(
    config: PlaygroundConfig,
    *,
    radius: float = 0.25,
    n_directions: int = 4,
    span: float = 0.5,
    run: PlaygroundRun | None = None,
) -> Sharpness:
    """The sharpness of ``config``'s trained minimum (see the module docstring); trains
    ``config`` unless ``run`` is given. ``ValueError`` for a bad argument."""
    bad = isinstance(n_directions, bool) or not isinstance(n_directions, Integral)
    if bad or not DIRECTIONS_RANGE[0] <= n_directions <= DIRECTIONS_RANGE[1]:
        raise ValueError(f"n_directions: must be a whole number in {list(DIRECTIONS_RANGE)}.")
    if isinstance(radius, bool) or not isinstance(radius, Real) or not 0 < radius <= span:
        raise ValueError("radius: must be a number in (0, span].")
    if run is None:
        run = train(config)
    slices, rises = [], []
    coordinates = None
    data = program_data(run.dataset)
    for seed in range(int(n_directions)):
        coordinates, _, along = slicer(config, run, float(span), False, seed)
        full, _ = along(data)
        curve = full.astype(np.float64)
        center = float(np.interp(0.0, coordinates, curve))
        rise = 0.5 * (
            np.interp(radius, coordinates, curve) + np.interp(-radius, coordinates, curve)
        )
        slices.append(full)
        rises.append(rise - center)
    rises_array = np.asarray(rises, np.float64)
    return Sharpness(
        config=config,
        radius=float(radius),
        sharpness=float(rises_array.mean()),
        rises=rises_array,
        center_loss=float(np.asarray(slices[0], np.float64)[len(coordinates) // 2]),
        test_loss=float(run.test_loss[-1]),
        test_accuracy=float(run.test_accuracy[-1]),
        coordinates=np.asarray(coordinates, np.float64),
        slices=np.stack(slices),
    )
