"""Minibatches move the landscape: one slice of the loss seen by several minibatches.

Slide deck 000 ("loss values for first batch / second batch"): a minibatch step descends the
minibatch's own loss, not the full one. Around the trained parameters θ*, along the same
filter-normalized random direction d₁ as ``network_landscape``'s slice (same seed, so the
full-batch curve here *is* that slice)::

    full[k]     = L_train(θ* + a_k d₁)                 a_k = span · (−1 … 1), 101 points
    batch[m, k] = L_{B_m}(θ* + a_k d₁)                 L_B = (1/|B|) Σ_{i∈B} BCE_i
    slope[m]    = ∂/∂a L_{B_m}(θ* + a d₁) at a = 0 = ∇L_{B_m}(θ*) · d₁

The minibatches B_0 … B_{M−1} are the first M consecutive blocks of ``batch_size`` points of
one seeded permutation of the training set (numpy ``default_rng(batch_seed)``), as one epoch
of minibatch SGD would draw them. The slopes are central differences with step
``SLOPE_STEP`` (float32 losses: about 4 significant digits), evaluated in the same compiled
call as the curves (``playground.landscape_program``: one call per minibatch, nothing new to
compile).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np

from playground.config import SEED_RANGE, PlaygroundConfig
from playground.datasets import Dataset
from playground.engine import Data
from playground.landscape_directions import filter_normalized_direction
from playground.landscape_program import SLICE_POINTS, evaluate, width_for
from playground.layout import FlatLayout, PaddedLayout
from playground.loss_landscape import SPAN_RANGE, _symmetric_axis, flat_frames
from playground.run import PlaygroundRun
from playground.training import program_data, program_structure, train

BATCHES_RANGE = (1, 8)
DEFAULT_BATCH = 20  # when the config itself trains with the full batch
SLOPE_STEP = 1e-3  # of the coefficient a: θ* ± 0.001 d₁


@dataclass(frozen=True, eq=False)
class MinibatchSlices:
    """One slice along d₁ for the full training set and for each of M minibatches (numpy)."""

    config: PlaygroundConfig
    batch_size: int
    coordinates: np.ndarray  # (K,) float64, a_k
    full_loss: np.ndarray  # (K,) float32, the training set's L(θ* + a_k d₁)
    batch_loss: np.ndarray  # (M, K) float32
    full_slope: float  # ∇L_train(θ*) · d₁
    batch_slopes: np.ndarray  # (M,) float64
    batch_indices: np.ndarray  # (M, batch_size) int32 rows of the training split
    direction_vector: np.ndarray  # (P,) float32 d₁, real flat layout


def _check(batch_size: object, n_batches: object, span: object, seeds: tuple, n_train: int):
    messages = []
    if isinstance(n_batches, bool) or not isinstance(n_batches, Integral):
        messages.append("n_batches: must be a whole number.")
    elif not BATCHES_RANGE[0] <= n_batches <= BATCHES_RANGE[1]:
        messages.append(f"n_batches: must be in [{BATCHES_RANGE[0]}, {BATCHES_RANGE[1]}].")
    if isinstance(batch_size, bool) or not isinstance(batch_size, Integral) or batch_size < 1:
        messages.append("batch_size: must be a whole number ≥ 1 (or None for the config's).")
    if isinstance(span, bool) or not isinstance(span, Real) or not 0 < span <= SPAN_RANGE[1]:
        messages.append(f"span: must be a number in (0, {SPAN_RANGE[1]:g}].")
    for seed in seeds:
        if (
            isinstance(seed, bool)
            or not isinstance(seed, Integral)
            or not (SEED_RANGE[0] <= seed <= SEED_RANGE[1])
        ):
            messages.append("direction_seed, batch_seed: must be whole numbers ≥ 0.")
            break
    if not messages and n_batches * batch_size > n_train:
        messages.append(
            f"{n_batches} minibatches of {batch_size} need {n_batches * batch_size} training "
            f"points; there are {n_train}."
        )
    if messages:
        raise ValueError(" ".join(messages))


def _batch_data(dataset: Dataset, rows: np.ndarray) -> Data:
    """``program_data`` of the training rows ``rows`` only (no test points)."""
    full = program_data(dataset)
    x = np.zeros_like(full.x)
    y = np.zeros_like(full.y)
    x[: len(rows)], y[: len(rows)] = dataset.x_train[rows], dataset.y_train[rows]
    return Data(x, y, np.asarray(len(rows), np.int32), np.asarray(0, np.int32))


def slicer(
    config: PlaygroundConfig,
    run: PlaygroundRun,
    span: float,
    include_biases: bool,
    direction_seed: int,
) -> tuple[np.ndarray, np.ndarray, Callable[[Data], tuple[np.ndarray, float]]]:
    """(a_k, d₁, along): ``along(data)`` is the loss of ``data``'s training rows along
    θ* + a_k d₁ (float32, NaN where not finite) and its slope at a = 0 (central difference),
    one compiled call. d₁ is ``network_landscape``'s first direction of ``direction_seed``."""
    sizes = config.layer_sizes
    params = run.params_at(-1)
    rng = np.random.default_rng(direction_seed)  # d₁ = network_landscape's first draw
    d1 = FlatLayout(sizes).flatten(filter_normalized_direction(params, rng, include_biases))
    theta_star = flat_frames(run)[-1]
    coordinates = _symmetric_axis(span, SLICE_POINTS)
    rows = np.zeros((SLICE_POINTS + 2, 3), np.float32)
    rows[:SLICE_POINTS, 0] = coordinates
    rows[SLICE_POINTS:, 0] = (SLOPE_STEP, -SLOPE_STEP)

    width = width_for(tuple(config.hidden))
    layout = PaddedLayout(width)
    directions = layout.scatter(np.stack([d1, np.zeros_like(d1), np.zeros_like(d1)]), sizes)
    base = layout.scatter(theta_star, sizes)
    structure = program_structure(config, layout)
    program_structure_args = (
        structure.depth,
        structure.unit_mask,
        np.asarray(config.keep_prob, np.float32),
        structure.activation,
    )

    def along(data: Data) -> tuple[np.ndarray, float]:
        losses = evaluate(width, base, directions, rows, tuple(data), program_structure_args)
        train_losses = losses[:, 0].astype(np.float64)
        slope = (train_losses[-2] - train_losses[-1]) / (2 * SLOPE_STEP)
        curve = np.where(np.isfinite(losses[:SLICE_POINTS, 0]), losses[:SLICE_POINTS, 0], np.nan)
        return curve.astype(np.float32), float(slope)

    return coordinates, d1, along


def minibatch_slices(
    config: PlaygroundConfig,
    *,
    batch_size: int | None = None,
    n_batches: int = 4,
    span: float = 1.0,
    include_biases: bool = False,
    direction_seed: int = 0,
    batch_seed: int = 0,
    run: PlaygroundRun | None = None,
) -> MinibatchSlices:
    """The slices (see the module docstring). ``batch_size`` None: the config's own minibatch
    size, or ``DEFAULT_BATCH`` (20) if the config trains with the full batch.

    Trains ``config`` unless ``run`` (trained with it) is given. ``ValueError`` for a bad
    argument, ``ConfigError`` for a bad config.
    """
    if run is None:
        run = train(config)
    elif run.config != config:
        raise ValueError("run: it was trained with a different config than the one given.")
    n_train = run.dataset.n_train
    if batch_size is None:
        own = config.effective_batch_size
        batch_size = own if own < n_train else DEFAULT_BATCH
    _check(batch_size, n_batches, span, (direction_seed, batch_seed), n_train)
    size = int(batch_size)
    order = np.random.default_rng(int(batch_seed)).permutation(n_train)
    indices = order[: int(n_batches) * size].reshape(int(n_batches), size).astype(np.int32)

    coordinates, d1, along = slicer(config, run, float(span), bool(include_biases),
                                    int(direction_seed))  # fmt: skip
    full_curve, full_slope = along(program_data(run.dataset))
    curves, slopes = zip(
        *(along(_batch_data(run.dataset, batch)) for batch in indices), strict=True
    )
    return MinibatchSlices(
        config=config,
        batch_size=size,
        coordinates=np.asarray(coordinates, np.float64),
        full_loss=full_curve,
        batch_loss=np.stack(curves),
        full_slope=full_slope,
        batch_slopes=np.asarray(slopes, np.float64),
        batch_indices=indices,
        direction_vector=d1.astype(np.float32),
    )
