"""The two directions of a network loss landscape (NumPy only; Li et al. 2018, §4 and §7).

* Random, filter-normalized: ``d ~ N(0, 1)`` shaped like the network, then every filter
  rescaled to the norm of the matching filter of the trained network θ*. A fully connected
  layer's filter is one neuron's incoming weights, column j of ``W`` (n_in, n_out)::

      d[:, j] ← d[:, j] / (‖d[:, j]‖ + 1e-10) · ‖W[:, j]‖

  so a step of 1 along d changes every neuron by as much as its own weights' size (the plots
  of networks with differently scaled layers become comparable; Li et al. eq. (1)).
* PCA of the training path: ``M`` (S, P) with rows ``θ_s − θ*`` (frames s, θ* = last frame,
  real flat layout); the top two right singular vectors of M (``M = U Σ Vᵀ``), the explained
  variance ratio ``σᵢ² / Σ σ²`` and the path's coordinates ``M @ [d₁ d₂]`` (Li et al. §7:
  random directions see almost nothing of the low-dimensional path).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

NORM_EPSILON = 1e-10  # Li et al.'s reference code: d / (‖d‖ + 1e-10) · ‖w‖

Params = Sequence[tuple[np.ndarray, np.ndarray]]


def filter_normalized_direction(
    params: Params, rng: np.random.Generator, include_biases: bool = False
) -> list[tuple[np.ndarray, np.ndarray]]:
    """A random direction ``[(dW_l, db_l)]`` (float64, shapes of ``params``), filter-normalized.

    ``params`` is the real network ``[(W (n_in, n_out), b (n_out,))]``. ``dW ~ N(0, 1)``, each
    column rescaled to ‖W[:, j]‖ (see the module docstring). Biases: 0 by default (the
    landscape moves the weights only); with ``include_biases=True`` they follow Li et al.'s
    reference code (``net_plotter.normalize_directions_for_weights``: a 1-D parameter's
    direction is a copy of the parameter itself), ``db = b``.
    """
    direction = []
    for weights, bias in params:
        weights = np.asarray(weights, np.float64)
        bias = np.asarray(bias, np.float64)
        d = rng.standard_normal(weights.shape)
        d *= np.linalg.norm(weights, axis=0) / (np.linalg.norm(d, axis=0) + NORM_EPSILON)
        db = bias.copy() if include_biases else np.zeros_like(bias)
        direction.append((d, db))
    return direction


class PathPCA(NamedTuple):
    """The top two principal directions of a training path and its coordinates in them."""

    directions: np.ndarray  # (2, P) float64 unit vectors d₁, d₂ (real flat layout)
    explained_variance: np.ndarray  # (2,) float64 σᵢ² / Σ σ²
    coordinates: np.ndarray  # (S, 2) float64 (θ_s − θ*) · dᵢ


def path_pca(thetas: np.ndarray) -> PathPCA:
    """PCA of the path ``thetas`` (S, P) (real flat layout) around its last row θ*.

    ``M = thetas − θ*`` (not centred on the path mean: the path as seen from θ*, Li et al.'s
    choice); d₁, d₂ are its top two right singular vectors (``M = U Σ Vᵀ``), found from the
    eigendecomposition of the smaller Gram matrix, ``MᵀM = V Σ² Vᵀ`` or ``MMᵀ = U Σ² Uᵀ`` with
    ``vᵢ = Mᵀuᵢ / σᵢ``: the same numbers as ``np.linalg.svd`` to float64 rounding, without its
    multithreaded LAPACK call, which next to XLA's threads on a busy 2-core machine took
    50–860 ms instead of 1–5 ms. Signs are fixed so that the first frame θ₀ has coordinates ≤ 0
    (the path runs left to right into θ* at the origin). A rank-1 path (two frames) gets any
    unit d₂ ⊥ d₁ (explained variance 0). ``ValueError`` without two distinct frames.
    """
    thetas = np.asarray(thetas, np.float64)
    matrix = thetas - thetas[-1]
    n_frames, n_params = matrix.shape
    if n_frames < 2 or not np.any(matrix):
        raise ValueError(
            "pca directions need a training path of at least two distinct frames "
            "(train for at least one epoch without diverging at once)"
        )
    if n_params <= n_frames:
        variance, vectors = np.linalg.eigh(matrix.T @ matrix)  # ascending
        variance, directions = variance[::-1], vectors[:, ::-1][:, :2].T.copy()
    else:
        variance, vectors = np.linalg.eigh(matrix @ matrix.T)
        variance, left = variance[::-1], vectors[:, ::-1][:, :2]
        sigma = np.sqrt(np.maximum(variance[:2], 0.0))
        directions = (matrix.T @ left).T / np.where(sigma > 0, sigma, 1.0)[:, None]
    variance = np.maximum(variance, 0.0)
    if variance[1] <= 1e-12 * variance[0]:  # rank 1: complete d₁ to an orthonormal pair
        d1 = directions[0] / np.linalg.norm(directions[0])
        basis = np.zeros(n_params)
        basis[np.argmin(np.abs(d1))] = 1.0
        d2 = basis - (basis @ d1) * d1
        directions = np.stack([d1, d2 / np.linalg.norm(d2)])
    coordinates = matrix @ directions.T
    signs = np.where(coordinates[0] > 0, -1.0, 1.0)
    directions *= signs[:, None]
    coordinates *= signs
    explained = variance[:2] / variance.sum()
    return PathPCA(directions, explained, coordinates)
