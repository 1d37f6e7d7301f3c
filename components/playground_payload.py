"""What one playground run sends to the browser: figures for frame 0 plus every frame's arrays.

The page hands numpy arrays and plain metadata in (`RunArrays`); the result is a JSON-able dict
stored once in a dcc.Store. `assets/playground.js` draws the figures with Plotly.react and
restyles them per frame from the encoded arrays (`components.encoding.encode_array`, decoded
by `LossViz.decode`): float32 weights, biases and gradients per layer and snapshot, uint8
decision-boundary probabilities (p ≈ q / 255). Play, pause, step and scrub never call the server.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from components.encoding import encode_array, quantize_unit
from components.playground_figures import (
    BOUNDARY_SCALE,
    SCHEME_COLORS,
    activation_map_figure,
    boundary_figure,
    compare_boundaries_figure,
    compare_curves_figure,
    curves_figure,
    heat_spec,
    layer_heatmaps_figure,
    norms_figure,
)
from components.playground_network import NODE_COLORS, link_spec, network_figure

# Grid of the client-side activation maps (points per side).
ACTIVATION_GRID = 40


@dataclass(frozen=True)
class RunArrays:
    """One run as numpy arrays and plain metadata (what the engine's run holds)."""

    layer_sizes: tuple[int, ...]
    activation_id: str
    activation_title: str
    keep_prob: float
    planned_epochs: int
    epochs: np.ndarray  # (n,) 0 … last epoch
    train_loss: np.ndarray
    test_loss: np.ndarray
    train_accuracy: np.ndarray
    test_accuracy: np.ndarray
    learning_rate: np.ndarray
    weight_norms: np.ndarray  # (n, L)
    grad_norms: np.ndarray  # (n, L)
    snapshot_epochs: np.ndarray  # (S,)
    weights: tuple[np.ndarray, ...]  # per layer (S, n_in, n_out)
    biases: tuple[np.ndarray, ...]  # per layer (S, n_out)
    weight_grads: tuple[np.ndarray, ...]  # per layer (S, n_in, n_out)
    boundary: np.ndarray  # (S, G, G) probabilities (float) or uint8 q with p ≈ q / 255
    grid_x: np.ndarray
    grid_y: np.ndarray
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    box: tuple[tuple[float, float], tuple[float, float]]
    diverged_at: int | None
    # Constants of the activation functions, for the browser's forward pass (activation maps).
    activation_params: tuple[tuple[str, float], ...] = ()

    @property
    def boundary_uint8(self) -> np.ndarray:
        if self.boundary.dtype == np.uint8:
            return self.boundary
        return quantize_unit(np.nan_to_num(self.boundary, nan=0.5))

    def probabilities(self, snapshot: int) -> np.ndarray:
        return self.boundary_uint8[snapshot].astype(np.float32) / 255.0

    def at_snapshots(self, values: np.ndarray) -> np.ndarray:
        rows = np.clip(np.searchsorted(self.epochs, self.snapshot_epochs), 0, len(self.epochs) - 1)
        return np.asarray(values)[rows]


def _rounded(values: np.ndarray, digits: int = 6) -> list[float | None]:
    """Plain floats with `digits` significant digits; non-finite → None (JSON null)."""
    out: list[float | None] = []
    for value in np.asarray(values, dtype=np.float64).ravel():
        out.append(float(f"{value:.{digits}g}") if np.isfinite(value) else None)
    return out


def _box(box: Sequence[Sequence[float]]) -> list[list[float]]:
    return [[float(box[0][0]), float(box[0][1])], [float(box[1][0]), float(box[1][1])]]


def run_figures(
    run: RunArrays, snapshot: int = 0, show_test: bool = False, full: bool = True
) -> dict[str, Any]:
    """Every figure of the train tab at `snapshot` (plotly figure dicts).

    `full=False` is the browser's variant: the network's links and the epoch cursors are left
    out (assets/playground.js draws them every frame).
    """
    weights = [w[snapshot] for w in run.weights]
    grads = [g[snapshot] for g in run.weight_grads]
    epoch = int(run.snapshot_epochs[snapshot])
    grid = np.linspace(run.box[0][0], run.box[0][1], ACTIVATION_GRID)
    grid_y = np.linspace(run.box[1][0], run.box[1][1], ACTIVATION_GRID)
    return {
        "network": network_figure(
            run.layer_sizes, run.activation_id, run.activation_title, weights if full else None
        ),
        "boundary": boundary_figure(
            run.grid_x,
            run.grid_y,
            run.probabilities(snapshot),
            run.x_train,
            run.y_train,
            run.x_test,
            run.y_test,
            run.box,
            show_test=show_test,
            browser=not full,
        ),
        "curves": curves_figure(
            run.epochs,
            run.train_loss,
            run.test_loss,
            run.train_accuracy,
            run.test_accuracy,
            epoch if full else None,
            run.planned_epochs,
            run.diverged_at,
        ),
        "norms": norms_figure(
            run.epochs,
            run.grad_norms,
            run.weight_norms,
            run.layer_sizes,
            epoch if full else None,
            run.planned_epochs,
        ),
        "layers": layer_heatmaps_figure(run.layer_sizes, weights, grads),
        "activation": activation_map_figure(grid, grid_y, None, run.box),
    }


def run_payload(run: RunArrays, key: str, show_test: bool = False) -> dict[str, Any]:
    """The whole playback of one run, JSON-able (≈ 0.1–1.3 MB depending on the network)."""
    figures = run_figures(run, 0, show_test, full=False)
    snap = {
        "trainLoss": _rounded(run.at_snapshots(run.train_loss)),
        "testLoss": _rounded(run.at_snapshots(run.test_loss)),
        "trainAcc": _rounded(run.at_snapshots(run.train_accuracy)),
        "testAcc": _rounded(run.at_snapshots(run.test_accuracy)),
        "lr": _rounded(run.at_snapshots(run.learning_rate)),
    }
    return {
        "kind": "run",
        "key": key,
        "layers": [int(n) for n in run.layer_sizes],
        "activation": run.activation_id,
        "activationTitle": run.activation_title,
        "keepProb": float(run.keep_prob),
        "plannedEpochs": int(run.planned_epochs),
        "lastEpoch": int(run.epochs[-1]),
        "divergedAt": None if run.diverged_at is None else int(run.diverged_at),
        "snapshotEpochs": [int(e) for e in run.snapshot_epochs],
        "snap": snap,
        "weights": [encode_array(w) for w in run.weights],
        "biases": [encode_array(b) for b in run.biases],
        "grads": [encode_array(g) for g in run.weight_grads],
        "boundary": encode_array(run.boundary_uint8, "uint8"),
        "grid": {"x": _rounded(run.grid_x), "y": _rounded(run.grid_y)},
        "activationGrid": ACTIVATION_GRID,
        "activationParams": dict(run.activation_params),
        "box": _box(run.box),
        "links": link_spec(),
        "boundaryScale": BOUNDARY_SCALE,
        "heat": heat_spec(),
        "nodeColors": NODE_COLORS,
        "figures": figures,
    }


def _scheme_title(title: str, loss: float | None, accuracy: float | None) -> str:
    if loss is None or accuracy is None:
        return f"<b>{title}</b><br>diverged"
    return f"<b>{title}</b><br>loss {loss:.3f} · acc {accuracy:.0%}"


def compare_figures(
    schemes: Sequence[tuple[str, str]],
    runs: Sequence[RunArrays],
    snapshot: int = 0,
    full: bool = True,
) -> dict[str, Any]:
    """The comparison tab's figures at `snapshot` (clamped per run); `full=False`: no cursor."""
    first = runs[0]
    titles = []
    probabilities = []
    for (_, title), run in zip(schemes, runs, strict=True):
        s = min(snapshot, len(run.snapshot_epochs) - 1)
        loss = float(run.at_snapshots(run.train_loss)[s])
        accuracy = float(run.at_snapshots(run.train_accuracy)[s])
        titles.append(_scheme_title(title, loss, accuracy))
        probabilities.append(run.probabilities(s))
    epoch = int(first.snapshot_epochs[min(snapshot, len(first.snapshot_epochs) - 1)])
    return {
        "boundaries": compare_boundaries_figure(
            schemes,
            first.grid_x,
            first.grid_y,
            probabilities,
            titles,
            first.x_train,
            first.y_train,
            first.box,
            browser=not full,
        ),
        "curves": compare_curves_figure(
            schemes,
            [run.epochs for run in runs],
            [run.train_loss for run in runs],
            [run.grad_norms[:, 0] for run in runs],
            epoch if full else None,
            first.planned_epochs,
            [run.diverged_at for run in runs],
        ),
    }


def compare_payload(
    schemes: Sequence[tuple[str, str]], runs: Sequence[RunArrays], key: str
) -> dict[str, Any]:
    """The side-by-side playback of several initialization schemes (same data, same seed)."""
    longest = max(runs, key=lambda run: len(run.snapshot_epochs))
    figures = compare_figures(schemes, runs, 0, full=False)
    return {
        "kind": "compare",
        "key": key,
        "plannedEpochs": int(runs[0].planned_epochs),
        "gridSize": len(runs[0].grid_x),
        "gridX": _rounded(runs[0].grid_x),
        "gridY": _rounded(runs[0].grid_y),
        "boundaryScale": BOUNDARY_SCALE,
        "snapshotEpochs": [int(e) for e in longest.snapshot_epochs],
        "schemes": [
            {
                "id": scheme_id,
                "title": title,
                "color": SCHEME_COLORS.get(scheme_id, "#1d2330"),
                "divergedAt": None if run.diverged_at is None else int(run.diverged_at),
                "snapshotEpochs": [int(e) for e in run.snapshot_epochs],
                "trainLoss": _rounded(run.at_snapshots(run.train_loss)),
                "trainAcc": _rounded(run.at_snapshots(run.train_accuracy)),
                "testAcc": _rounded(run.at_snapshots(run.test_accuracy)),
                "boundary": encode_array(run.boundary_uint8, "uint8"),
            }
            for (scheme_id, title), run in zip(schemes, runs, strict=True)
        ],
        "figures": figures,
    }
