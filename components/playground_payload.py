"""What one playground run sends to the browser: numbers only, in one LVZ1 container.

The data endpoints (serving/api/playground.py) hand numpy arrays and plain metadata in
(`RunArrays`); `run_container` and `compare_container` pack them with components/encoding.py.
The browser (assets/playground/*.js) draws everything from these numbers: the decision
boundary and the activation maps are its own forward pass over a grid, the ∂L/∂W heatmaps and
the gradient view of the links its own backward pass over the training data, so neither
probabilities nor gradients travel (see `run_container` for why).

Run container (`LossViz.unpack` reads it)::

    meta    kind="run", key, layers [2, …, 1], activation, activationTitle, activationParams,
            keepProb, plannedEpochs, lastEpoch, divergedAt, box, gridSize, parameterCount,
            parameterOffsets [[W start, b start, end] per layer], nonFinite,
            earlyStop (null when patience is 0) {patience, stoppedEpoch, stoppedFrame,
            bestEpoch, bestFrame, bestLoss}: playground.early_stopping on the held-out loss at
            the frames; stoppedEpoch null = no stop (the last weights stay)
    arrays  frameEpochs  i4 (S,)        the epoch of every frame
            theta        delta8 (S, P)  every frame's parameters, per layer W_l (n_in × n_out,
                                        row-major) then b_l; one delta8 segment per W and per b
            trainLoss testLoss trainAccuracy testAccuracy  f8 (n,)   row e = after e epochs
            learningRate f4 (n,)   weightNorms gradNorms f4 (n, layers)
            xTrain xTest f4 (m, 2)   yTrain yTest u1 (m,)   the standardized data the net sees

The comparison container holds the same per scheme under `s<i>.` (frameEpochs, theta,
trainLoss, trainAccuracy, testAccuracy f8, firstGradNorm f4) plus the shared training data.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from components.encoding import Delta8, pack

FLOAT32_MAX = float(np.finfo(np.float32).max)


@dataclass(frozen=True)
class RunArrays:
    """One run as numpy arrays and plain metadata (what the engine's run holds)."""

    layer_sizes: tuple[int, ...]
    activation_id: str
    activation_title: str
    keep_prob: float
    planned_epochs: int
    grid_size: int
    epochs: np.ndarray  # (n,) 0 … last epoch
    train_loss: np.ndarray
    test_loss: np.ndarray
    train_accuracy: np.ndarray
    test_accuracy: np.ndarray
    learning_rate: np.ndarray
    weight_norms: np.ndarray  # (n, L)
    grad_norms: np.ndarray  # (n, L)
    frame_epochs: np.ndarray  # (S,)
    weights: tuple[np.ndarray, ...]  # per layer (S, n_in, n_out)
    biases: tuple[np.ndarray, ...]  # per layer (S, n_out)
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    box: tuple[tuple[float, float], tuple[float, float]]
    diverged_at: int | None
    # Constants of the activation functions, for the browser's forward and backward passes.
    activation_params: tuple[tuple[str, float], ...] = ()


def parameter_offsets(layer_sizes: Sequence[int]) -> list[list[int]]:
    """[W start, b start, end] of every layer in the flat θ of one frame."""
    offsets, start = [], 0
    for n_in, n_out in itertools.pairwise(layer_sizes):
        bias = start + n_in * n_out
        offsets.append([start, bias, bias + n_out])
        start = bias + n_out
    return offsets


def parameter_frames(run: RunArrays) -> tuple[np.ndarray, list[tuple[int, int]], bool]:
    """(θ frames (S, P) float32, delta8 segments, whether non-finite values were replaced).

    A run keeps its last finite state, so θ is finite except when the initial network itself
    overflowed (`diverged_at == 0`); then ±inf become ±float32 max and NaN 0 (`nonFinite`).
    """
    count = len(run.frame_epochs)
    columns, segments = [], []
    for weights, biases, (w_start, b_start, end) in zip(
        run.weights, run.biases, parameter_offsets(run.layer_sizes), strict=True
    ):
        columns += [weights.reshape(count, -1), biases.reshape(count, -1)]
        segments += [(w_start, b_start), (b_start, end)]
    frames = np.concatenate(columns, axis=1).astype(np.float32)
    finite = bool(np.all(np.isfinite(frames)))
    if not finite:
        frames = np.nan_to_num(frames, nan=0.0, posinf=FLOAT32_MAX, neginf=-FLOAT32_MAX)
    return frames, segments, not finite


def _box(box: Sequence[Sequence[float]]) -> list[list[float]]:
    return [[float(box[0][0]), float(box[0][1])], [float(box[1][0]), float(box[1][1])]]


def _labels(values: np.ndarray) -> np.ndarray:
    return (np.asarray(values) > 0.5).astype(np.uint8)


def _points(values: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(np.asarray(values, dtype=np.float32).reshape(-1, 2))


def network_meta(run: RunArrays) -> dict[str, Any]:
    """What every container says about the network (shape, activation, data box)."""
    return {
        "layers": [int(n) for n in run.layer_sizes],
        "activation": run.activation_id,
        "activationTitle": run.activation_title,
        "activationParams": dict(run.activation_params),
        "keepProb": float(run.keep_prob),
        "plannedEpochs": int(run.planned_epochs),
        "box": _box(run.box),
        "gridSize": int(run.grid_size),
        "parameterOffsets": parameter_offsets(run.layer_sizes),
        "parameterCount": parameter_offsets(run.layer_sizes)[-1][-1],
    }


def early_stop_meta(stop: Any) -> dict[str, Any] | None:
    """The container's ``earlyStop`` (an ``EarlyStop``'s numbers, camel-cased), or None."""
    if stop is None:
        return None
    return {
        "patience": int(stop.patience),
        "stoppedEpoch": stop.stopped_epoch,
        "stoppedFrame": stop.stopped_index,
        "bestEpoch": stop.best_epoch,
        "bestFrame": stop.best_index,
        "bestLoss": stop.best_loss,
    }


def run_container(run: RunArrays, key: str, early_stop: Any = None) -> bytes:
    """The whole playback of one run (≤ 0.8 MB gzip at the largest network the page accepts).

    Gradients are not sent: the browser's float64 backward pass over the training data gives
    ∂L/∂W exactly from θ, while delta8 frames of the gradients would add ~0.6 MB gzip at the
    largest network and, quantized to max|Δ|/254, blur the small decades (10⁻⁵…10⁻³) that the
    gradient view exists to show.
    """
    frames, segments, replaced = parameter_frames(run)
    meta = {
        "kind": "run",
        "key": key,
        **network_meta(run),
        "lastEpoch": int(run.epochs[-1]),
        "divergedAt": None if run.diverged_at is None else int(run.diverged_at),
        "nonFinite": replaced,
        "earlyStop": early_stop_meta(early_stop),
    }
    arrays = {
        "frameEpochs": np.asarray(run.frame_epochs, dtype=np.int32),
        "theta": Delta8.encode(frames, segments),
        "trainLoss": np.asarray(run.train_loss, dtype=np.float64),
        "testLoss": np.asarray(run.test_loss, dtype=np.float64),
        "trainAccuracy": np.asarray(run.train_accuracy, dtype=np.float64),
        "testAccuracy": np.asarray(run.test_accuracy, dtype=np.float64),
        "learningRate": np.asarray(run.learning_rate, dtype=np.float32),
        "weightNorms": np.asarray(run.weight_norms, dtype=np.float32),
        "gradNorms": np.asarray(run.grad_norms, dtype=np.float32),
        "xTrain": _points(run.x_train),
        "yTrain": _labels(run.y_train),
        "xTest": _points(run.x_test),
        "yTest": _labels(run.y_test),
    }
    return pack(meta, arrays)


def compare_container(
    schemes: Sequence[tuple[str, str]], runs: Sequence[RunArrays], key: str
) -> bytes:
    """Several initialization schemes trained side by side (same data, same seed)."""
    first = runs[0]
    meta: dict[str, Any] = {
        "kind": "compare",
        "key": key,
        **network_meta(first),
        "schemes": [],
    }
    arrays: dict[str, Any] = {"xTrain": _points(first.x_train), "yTrain": _labels(first.y_train)}
    for index, ((scheme_id, title), run) in enumerate(zip(schemes, runs, strict=True)):
        frames, segments, replaced = parameter_frames(run)
        meta["schemes"].append(
            {
                "id": scheme_id,
                "title": title,
                "lastEpoch": int(run.epochs[-1]),
                "divergedAt": None if run.diverged_at is None else int(run.diverged_at),
                "nonFinite": replaced,
            }
        )
        prefix = f"s{index}."
        arrays[prefix + "frameEpochs"] = np.asarray(run.frame_epochs, dtype=np.int32)
        arrays[prefix + "theta"] = Delta8.encode(frames, segments)
        arrays[prefix + "trainLoss"] = np.asarray(run.train_loss, dtype=np.float64)
        arrays[prefix + "trainAccuracy"] = np.asarray(run.train_accuracy, dtype=np.float64)
        arrays[prefix + "testAccuracy"] = np.asarray(run.test_accuracy, dtype=np.float64)
        arrays[prefix + "firstGradNorm"] = np.asarray(run.grad_norms[:, 0], dtype=np.float32)
    return pack(meta, arrays)
