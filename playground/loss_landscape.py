"""The network's loss landscape (Li et al. 2018, "Visualizing the Loss Landscape of Neural Nets").

``network_landscape(config)`` trains the network (or takes a finished ``run``) and evaluates
the mean BCE around its final parameters θ* in a plane spanned by two directions::

    train_loss[j, i] = L_train(θ* + alphas[i] · d₁ + betas[j] · d₂)

* ``directions="random"``: two independent filter-normalized Gaussian directions
  (``filter_normalized_direction``), alphas = betas = span · [−1, 1] (θ* at the centre). They
  are not orthogonalised (Li et al. do not; in a tiny net they may be far from orthogonal).
* ``directions="pca"``: the top two principal directions of the training path θ_s − θ*
  (unit vectors, ``path_pca``), the path drawn on the plane (``path``), the ranges the path's
  coordinates with a ``PCA_MARGIN`` margin on each side, scaled by ``span`` around θ*.
  ``include_biases`` and ``direction_seed`` do not apply (the PCA covers every parameter).

Also the 1-D views: the slice ``L(θ* + a d₁)`` over the alpha range (``SLICE_POINTS``) and the
linear interpolation ``θ(t) = (1 − t) θ₀ + t θ*``, t ∈ [−0.5, 1.5] (Goodfellow et al. 2015).
Every loss is the evaluation-mode data loss of ``PlaygroundRun.train_loss`` (no penalty); a
loss that is not finite (a perturbation so large that float32 overflows) is stored as NaN,
which the page draws as a gap. All of it is one call of one compiled program
(``playground.landscape_program``), warmed by ``warm_up_landscape()``.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np

from playground.config import SEED_RANGE, PlaygroundConfig
from playground.landscape_directions import filter_normalized_direction, path_pca
from playground.landscape_program import (
    INTERPOLATION_POINTS,
    MAX_RESOLUTION,
    SLICE_POINTS,
    evaluate,
    warm_up_widths,
    width_for,
)
from playground.layout import FlatLayout, PaddedLayout
from playground.run import PlaygroundRun
from playground.training import program_data, program_structure, train

DIRECTION_KINDS = ("random", "pca")
RESOLUTION_RANGE = (11, MAX_RESOLUTION)  # odd: θ* (a = b = 0) is the centre grid point
SPAN_RANGE = (0.0, 10.0)  # span ∈ (0, 10]
PCA_MARGIN = 0.25  # of the path's extent, on each side
INTERPOLATION_T = np.arange(-20, INTERPOLATION_POINTS - 20) / 40.0  # −0.5 … 1.5


@dataclass(frozen=True, eq=False)
class NetworkLandscape:
    """One landscape (numpy). ``train_loss[j, i] = L(θ* + alphas[i] d₁ + betas[j] d₂)``.

    ``direction_vectors`` (2, P) float32 are d₁, d₂ in the real flat layout
    (``playground.layout.FlatLayout``). Losses are float32 mean BCE, NaN where not finite.
    PCA only (else None): ``path`` (S, 2) float32 the frames' coordinates (θ_s − θ*)·dᵢ,
    ``path_epochs`` (S,) their epochs, ``explained_variance`` (2,) σᵢ² / Σσ².
    """

    config: PlaygroundConfig
    directions: str
    span: float
    include_biases: bool
    direction_vectors: np.ndarray
    alphas: np.ndarray  # (R,) float64
    betas: np.ndarray  # (R,) float64
    train_loss: np.ndarray  # (R, R) float32
    test_loss: np.ndarray  # (R, R) float32
    center_train_loss: float  # L_train(θ*)
    center_test_loss: float
    slice_coordinates: np.ndarray  # (K,) float64
    slice_train_loss: np.ndarray  # (K,) float32
    slice_test_loss: np.ndarray
    interpolation_t: np.ndarray  # (T,) float64
    interpolation_train_loss: np.ndarray  # (T,) float32
    interpolation_test_loss: np.ndarray
    path: np.ndarray | None = None
    path_epochs: np.ndarray | None = None
    explained_variance: np.ndarray | None = None

    @property
    def resolution(self) -> int:
        return int(self.alphas.shape[0])


def _check_arguments(directions, resolution, span, include_biases, direction_seed) -> None:
    """``ValueError`` with a sentence per bad argument."""
    messages = []
    if directions not in DIRECTION_KINDS:
        messages.append(f"directions: unknown {directions!r}; choose from {DIRECTION_KINDS}.")
    low, high = RESOLUTION_RANGE
    if (
        isinstance(resolution, bool)
        or not isinstance(resolution, Integral)
        or not low <= resolution <= high
        or resolution % 2 == 0
    ):
        messages.append(f"resolution: {resolution!r} must be an odd integer in {low}…{high}.")
    if (
        isinstance(span, bool)
        or not isinstance(span, Real)
        or not math.isfinite(float(span))
        or not SPAN_RANGE[0] < float(span) <= SPAN_RANGE[1]
    ):
        messages.append(f"span: {span!r} must be a number in (0, {SPAN_RANGE[1]:g}].")
    if not isinstance(include_biases, bool | np.bool_):
        messages.append(f"include_biases: {include_biases!r} must be True or False.")
    if (
        isinstance(direction_seed, bool)
        or not isinstance(direction_seed, Integral)
        or not SEED_RANGE[0] <= direction_seed <= SEED_RANGE[1]
    ):
        messages.append(f"direction_seed: {direction_seed!r} must be an integer ≥ 0 (< 2³¹).")
    if messages:
        raise ValueError(" ".join(messages))


def flat_frames(run: PlaygroundRun) -> np.ndarray:
    """(S, P) float64 θ of every frame in the real flat layout."""
    parts = []
    for weights, biases in zip(run.weights, run.biases, strict=True):
        parts += [weights.reshape(weights.shape[0], -1), biases]
    return np.concatenate(parts, axis=1).astype(np.float64)


def _symmetric_axis(span: float, resolution: int) -> np.ndarray:
    """span · k / h for k = −h … h (h = (R − 1) / 2): exact 0 in the middle."""
    half = resolution // 2
    return span * np.arange(-half, half + 1) / half


def _pca_axes(coordinates: np.ndarray, span: float, resolution: int) -> list[np.ndarray]:
    """Per direction: R points over [lo − m, hi + m] · span, lo/hi the path's extremes and 0."""
    lows = np.minimum(coordinates.min(axis=0), 0.0)
    highs = np.maximum(coordinates.max(axis=0), 0.0)
    extents = np.maximum(highs - lows, 0.1 * (highs - lows).max())
    return [
        span * np.linspace(lo - PCA_MARGIN * e, hi + PCA_MARGIN * e, resolution)
        for lo, hi, e in zip(lows, highs, extents, strict=True)
    ]


def _finite_or_nan(values: np.ndarray) -> np.ndarray:
    return np.where(np.isfinite(values), values, np.nan).astype(np.float32)


def network_landscape(
    config: PlaygroundConfig,
    *,
    directions: str = "random",
    resolution: int = 41,
    span: float = 1.0,
    include_biases: bool = False,
    direction_seed: int = 0,
    run: PlaygroundRun | None = None,
) -> NetworkLandscape:
    """The loss landscape around the trained network (see the module docstring).

    Trains ``config`` with ``playground.train`` unless ``run`` (trained with ``config``) is
    given. ``ValueError`` for a bad argument (``ConfigError`` for a bad config).
    """
    _check_arguments(directions, resolution, span, include_biases, direction_seed)
    if run is None:
        run = train(config)
    elif run.config != config:
        raise ValueError("run: it was trained with a different config than the one given.")
    span, resolution = float(span), int(resolution)
    sizes = config.layer_sizes
    frames = flat_frames(run)
    theta_star, theta_0 = frames[-1], frames[0]
    pca = None
    if directions == "random":
        rng = np.random.default_rng(int(direction_seed))
        params = run.params_at(-1)
        real = FlatLayout(sizes)
        vectors = np.stack(
            [
                real.flatten(filter_normalized_direction(params, rng, bool(include_biases)))
                for _ in range(2)
            ]
        ).astype(np.float64)
        alphas = betas = _symmetric_axis(span, resolution)
        slice_coordinates = _symmetric_axis(span, SLICE_POINTS)
    else:
        pca = path_pca(frames)
        vectors = pca.directions
        alphas, betas = _pca_axes(pca.coordinates, span, resolution)
        slice_coordinates = np.linspace(alphas[0], alphas[-1], SLICE_POINTS)

    grid_a, grid_b = np.meshgrid(alphas, betas)  # [j, i] = (alphas[i], betas[j])
    n_grid = resolution * resolution
    rows = np.zeros((n_grid + SLICE_POINTS + INTERPOLATION_POINTS + 1, 3))
    rows[:n_grid, 0], rows[:n_grid, 1] = grid_a.ravel(), grid_b.ravel()
    rows[n_grid : n_grid + SLICE_POINTS, 0] = slice_coordinates
    interpolation = slice(n_grid + SLICE_POINTS, n_grid + SLICE_POINTS + INTERPOLATION_POINTS)
    rows[interpolation, 2] = 1.0 - INTERPOLATION_T  # θ* + (1 − t)(θ₀ − θ*) = (1 − t)θ₀ + tθ*

    width = width_for(tuple(config.hidden))
    layout = PaddedLayout(width)
    padded = layout.scatter(np.stack([*vectors, theta_0 - theta_star]), sizes)
    structure = program_structure(config, layout)
    losses = evaluate(
        width,
        layout.scatter(theta_star, sizes),
        padded,
        rows.astype(np.float32),
        tuple(program_data(run.dataset)),
        (
            structure.depth,
            structure.unit_mask,
            np.asarray(config.keep_prob, np.float32),
            structure.activation,
        ),
    )
    losses = _finite_or_nan(losses)
    grid = losses[:n_grid].reshape(resolution, resolution, 2)
    slice_losses = losses[n_grid : n_grid + SLICE_POINTS]
    interpolation_losses = losses[interpolation]
    return NetworkLandscape(
        config=config,
        directions=directions,
        span=span,
        include_biases=bool(include_biases),
        direction_vectors=vectors.astype(np.float32),
        alphas=np.asarray(alphas, np.float64),
        betas=np.asarray(betas, np.float64),
        train_loss=np.ascontiguousarray(grid[..., 0]),
        test_loss=np.ascontiguousarray(grid[..., 1]),
        center_train_loss=float(losses[-1, 0]),
        center_test_loss=float(losses[-1, 1]),
        slice_coordinates=np.asarray(slice_coordinates, np.float64),
        slice_train_loss=slice_losses[:, 0].copy(),
        slice_test_loss=slice_losses[:, 1].copy(),
        interpolation_t=INTERPOLATION_T.copy(),
        interpolation_train_loss=interpolation_losses[:, 0].copy(),
        interpolation_test_loss=interpolation_losses[:, 1].copy(),
        path=None if pca is None else pca.coordinates.astype(np.float32),
        path_epochs=None if pca is None else run.snapshot_epochs.copy(),
        explained_variance=None if pca is None else pca.explained_variance.copy(),
    )


def warm_up_landscape() -> float:
    """Compile the landscape program (every padded width); wall seconds."""
    started = time.perf_counter()
    warm_up_widths()
    return time.perf_counter() - started
