"""``PlaygroundRun``: one finished training run as plain numpy arrays (cacheable, picklable)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from playground.config import PlaygroundConfig
from playground.datasets import Dataset
from playground.early_stopping import EarlyStop, early_stopping


def quantize_probabilities(probabilities: np.ndarray) -> np.ndarray:
    """Probabilities in [0, 1] → uint8 ``round(255 p)`` (decode: ``q / 255``, error ≤ 1/510)."""
    values = np.nan_to_num(np.asarray(probabilities, dtype=np.float32), nan=0.5)
    return np.clip(np.rint(values * 255.0), 0, 255).astype(np.uint8)


@dataclass(frozen=True, eq=False)
class PlaygroundRun:
    """A training run. Per-epoch arrays have one row per recorded epoch ``0 … last_epoch``
    (row e = the network after e epochs; row 0 = the initialization).

    Losses are the mean binary cross-entropy (data loss, no penalty) of the *evaluation-mode*
    network (dropout replaced by its ×p scaling) on the whole training / test split;
    ``penalty`` = ``λ1 Σ|W| + λ2 Σ W²`` (so the objective is ``train_loss + penalty``).
    ``weight_norms[e, l] = ‖W_l‖_F`` and ``grad_norms[e, l] = ‖∂L/∂W_l‖_F`` where L is the
    full-batch training data loss (evaluation mode, penalty excluded); biases are excluded from
    both. ``bias_grad_norms[e, l] = ‖∂L/∂b_l‖``: the back-propagated error ∂L/∂z_l summed over
    the examples — the signal that vanishes toward the input with too-small weights (the weight
    gradients ``∂L/∂W_l = h_{l−1}ᵀ ∂L/∂z_l`` need not; see the ``too_small`` scheme's note).
    ``learning_rate[e]`` is the scheduled rate of the first update after epoch e.

    Frames (index s, epoch ``snapshot_epochs[s]``; every epoch up to 1000 epochs, evenly spaced
    epochs ``k·⌈E/1000⌉`` plus the last one beyond; "snapshot" is the former name):
    ``weights[l][s]`` (n_in, n_out), ``biases[l][s]`` (n_out,), ``weight_grads[l][s] = ∂L/∂W_l``,
    ``bias_grads[l][s] = ∂L/∂b_l`` (same L as ``grad_norms``). ``boundary[s, i, j] =
    P(class 1 | x = (grid_x[j], grid_y[i]))`` (float32; see ``boundary_uint8``) is computed
    from the frames' weights on first access (a compiled forward pass; the browser draws the
    boundary from the weights itself, so the page server never needs it).

    Divergence: if an epoch produced a non-finite loss, gradient or weight, ``diverged_at`` is
    that epoch; training stopped there and the arrays end at the last finite state
    ``last_epoch = diverged_at − 1`` (the last frame is that state). Otherwise ``None``.
    ``diverged_at == 0`` means the initial network itself overflows float32 (e.g. a huge init
    scale in a deep net): the arrays then hold epoch 0 only, with its non-finite values.
    """

    config: PlaygroundConfig
    dataset: Dataset
    epochs: np.ndarray  # (n,) int32: 0 … last_epoch
    train_loss: np.ndarray  # (n,) float32
    test_loss: np.ndarray  # (n,) float32
    train_accuracy: np.ndarray  # (n,) float32 in [0, 1]
    test_accuracy: np.ndarray  # (n,) float32 in [0, 1]
    penalty: np.ndarray  # (n,) float32
    learning_rate: np.ndarray  # (n,) float32
    weight_norms: np.ndarray  # (n, n_layers) float32
    grad_norms: np.ndarray  # (n, n_layers) float32
    bias_grad_norms: np.ndarray  # (n, n_layers) float32
    snapshot_epochs: np.ndarray  # (S,) int32: the frames' epochs
    weights: tuple[np.ndarray, ...]  # per layer (S, n_in, n_out) float32
    biases: tuple[np.ndarray, ...]  # per layer (S, n_out) float32
    weight_grads: tuple[np.ndarray, ...]  # per layer (S, n_in, n_out) float32
    bias_grads: tuple[np.ndarray, ...]  # per layer (S, n_out) float32
    diverged_at: int | None

    @property
    def last_epoch(self) -> int:
        """The last recorded epoch (``config.epochs`` unless the run diverged)."""
        return int(self.epochs[-1])

    @property
    def n_snapshots(self) -> int:
        """Number of frames S."""
        return int(self.snapshot_epochs.shape[0])

    @property
    def n_frames(self) -> int:
        return self.n_snapshots

    @property
    def frame_epochs(self) -> np.ndarray:
        """(S,) int32: the epoch of each frame (= ``snapshot_epochs``)."""
        return self.snapshot_epochs

    @cached_property
    def grid_x(self) -> np.ndarray:
        """(G,) float32: ``grid_size`` evenly spaced points over the data set's box."""
        from playground.maps import grid_axes

        return grid_axes(self.dataset.box, int(self.config.grid_size))[0]

    @cached_property
    def grid_y(self) -> np.ndarray:
        from playground.maps import grid_axes

        return grid_axes(self.dataset.box, int(self.config.grid_size))[1]

    @cached_property
    def boundary(self) -> np.ndarray:
        """(S, G, G) float32 ``P(class 1 | (grid_x[j], grid_y[i]))`` per frame (lazy)."""
        from playground.maps import frame_probabilities

        return frame_probabilities(self, self.grid_x, self.grid_y)

    @property
    def layer_sizes(self) -> tuple[int, ...]:
        return self.config.layer_sizes

    def boundary_uint8(self) -> np.ndarray:
        """``boundary`` quantized to uint8 (S, G, G) for transport: p ≈ q / 255."""
        return quantize_probabilities(self.boundary)

    def params_at(self, snapshot_index: int) -> list[tuple[np.ndarray, np.ndarray]]:
        """The network ``[(W_l, b_l)]`` at frame ``snapshot_index``."""
        return [
            (weights[snapshot_index], biases[snapshot_index])
            for weights, biases in zip(self.weights, self.biases, strict=True)
        ]

    def early_stop(self, patience: int) -> EarlyStop:
        """Where early stopping on the held-out loss with ``patience`` would stop and which
        frame's weights it keeps (``playground.early_stopping``), monitored at the frames'
        epochs (every epoch up to 1000 epochs); ``*_index`` are frame indices, so
        ``params_at(stop.best_index)`` is the restored network. The run's numbers are as trained."""
        epochs = np.asarray(self.snapshot_epochs)
        return early_stopping(np.asarray(self.test_loss)[epochs], patience, epochs)
