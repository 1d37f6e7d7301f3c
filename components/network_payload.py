"""What the network loss landscape page draws: one LVZ1 container of numbers (no JAX here).

serving/api/network.py hands the engine's `NetworkLandscape` in as plain arrays
(`LandscapeArrays`); `landscape_container` packs them with components/encoding.py for
assets/network/*.js. float32 where only the picture needs the numbers (the loss grids and
curves, the path), float64 where the page prints them (the axes' coordinates, the explained
variance, the losses at θ* and θ₀ in `meta`)::

    meta    kind="network-landscape", key, directions, span, resolution, includeBiases,
            directionSeed, centerTrainLoss, centerTestLoss, startTrainLoss, startTestLoss,
            layers, parameterCount, epochs (the last trained epoch), finiteRange [lo, hi]
            (smallest and largest finite train/test loss on the grid; null if none)
    arrays  alphas betas        f8 (R,)    the grid's coordinates along d₁ and d₂
            trainLoss testLoss  f4 (R, R)  [j, i] = L(θ* + alphas[i] d₁ + betas[j] d₂), NaN
                                           where not finite
            sliceA              f8 (K,)    sliceTrain sliceTest f4 (K,): L(θ* + a d₁)
            interpT             f8 (T,)    interpTrain interpTest f4 (T,): L((1 − t) θ₀ + t θ*)
            PCA only: path f4 (S, 2), pathEpochs i4 (S,), explainedVariance f8 (2,)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from components.encoding import pack

KIND = "network-landscape"


@dataclass(frozen=True)
class LandscapeArrays:
    """One landscape as numpy arrays and plain numbers (what the engine's result holds)."""

    directions: str
    span: float
    include_biases: bool
    direction_seed: int
    layers: tuple[int, ...]
    parameter_count: int
    epochs: int
    alphas: np.ndarray
    betas: np.ndarray
    train_loss: np.ndarray
    test_loss: np.ndarray
    center_train_loss: float
    center_test_loss: float
    slice_coordinates: np.ndarray
    slice_train_loss: np.ndarray
    slice_test_loss: np.ndarray
    interpolation_t: np.ndarray
    interpolation_train_loss: np.ndarray
    interpolation_test_loss: np.ndarray
    path: np.ndarray | None = None
    path_epochs: np.ndarray | None = None
    explained_variance: np.ndarray | None = None
    # random directions only: the slice seen by M minibatches (playground.minibatch_slices)
    minibatch_loss: np.ndarray | None = None  # (M, 101) on sliceA
    minibatch_slopes: np.ndarray | None = None  # (M,) ∇L_B(θ*)·d₁
    minibatch_size: int | None = None


def _number(value: float) -> float | None:
    """A JSON number (None for NaN or ±inf, which JSON cannot carry)."""
    value = float(value)
    return value if np.isfinite(value) else None


def _at(ts: np.ndarray, losses: np.ndarray, t: float) -> float | None:
    """The loss at the interpolation's `t` (0: θ₀), if that t is on the grid."""
    hits = np.flatnonzero(np.isclose(ts, t, atol=1e-12))
    return None if hits.size == 0 else _number(losses[hits[0]])


def landscape_container(arrays: LandscapeArrays, key: str) -> bytes:
    """The LVZ1 container of one landscape (see the module docstring)."""
    grids = np.concatenate([arrays.train_loss.ravel(), arrays.test_loss.ravel()])
    finite = grids[np.isfinite(grids)]
    meta = {
        "kind": KIND,
        "key": key,
        "directions": arrays.directions,
        "span": float(arrays.span),
        "resolution": int(arrays.alphas.shape[0]),
        "includeBiases": bool(arrays.include_biases),
        "directionSeed": int(arrays.direction_seed),
        "centerTrainLoss": _number(arrays.center_train_loss),
        "centerTestLoss": _number(arrays.center_test_loss),
        "startTrainLoss": _at(arrays.interpolation_t, arrays.interpolation_train_loss, 0.0),
        "startTestLoss": _at(arrays.interpolation_t, arrays.interpolation_test_loss, 0.0),
        "layers": [int(n) for n in arrays.layers],
        "parameterCount": int(arrays.parameter_count),
        "epochs": int(arrays.epochs),
        "finiteRange": [float(finite.min()), float(finite.max())] if finite.size else None,
    }
    out: dict[str, np.ndarray] = {
        "alphas": np.asarray(arrays.alphas, np.float64),
        "betas": np.asarray(arrays.betas, np.float64),
        "trainLoss": np.ascontiguousarray(arrays.train_loss, np.float32),
        "testLoss": np.ascontiguousarray(arrays.test_loss, np.float32),
        "sliceA": np.asarray(arrays.slice_coordinates, np.float64),
        "sliceTrain": np.asarray(arrays.slice_train_loss, np.float32),
        "sliceTest": np.asarray(arrays.slice_test_loss, np.float32),
        "interpT": np.asarray(arrays.interpolation_t, np.float64),
        "interpTrain": np.asarray(arrays.interpolation_train_loss, np.float32),
        "interpTest": np.asarray(arrays.interpolation_test_loss, np.float32),
    }
    if arrays.path is not None:
        out["path"] = np.ascontiguousarray(arrays.path, np.float32)
        out["pathEpochs"] = np.asarray(arrays.path_epochs, np.int32)
        out["explainedVariance"] = np.asarray(arrays.explained_variance, np.float64)
    if arrays.minibatch_loss is not None:
        out["minibatchLoss"] = np.ascontiguousarray(arrays.minibatch_loss, np.float32)
        out["minibatchSlopes"] = np.asarray(arrays.minibatch_slopes, np.float64)
        meta["minibatchSize"] = int(arrays.minibatch_size or 0)
    return pack(meta, out)
