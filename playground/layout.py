"""Flat parameter vectors θ: the real network's layout and the padded layout the programs use.

``FlatLayout`` (the real network, what users see): for ``layer_sizes = (n_0, n_1, …, n_L)``,
``θ = [vec(W_1), b_1, vec(W_2), b_2, …]`` with ``W_l`` of shape (n_{l-1}, n_l) stored row-major.

``PaddedLayout`` (inside the compiled programs): every network with at most ``MAX_HIDDEN``
hidden layers of at most ``width`` units fits one fixed vector of seven *slots*::

    slot 0      input → hidden 1       W (2, H), b (H)
    slot 1 … 5  hidden k → hidden k+1  W (H, H), b (H)       (slot k used iff k < depth)
    slot 6      last hidden → output   w (H,),   b ()

``θ_pad = [vec(W_0), b_0, vec(W_1), b_1, …, vec(W_5), b_5, w_6, b_6]``. A real layer l maps to
slot l for l < depth and the output layer to slot 6; the real entries sit in the top-left
corner of their slot, every other entry is 0 and stays 0 (its gradient is exactly 0 and the
engine masks its update). The optimizers act on θ element-wise, so the update rules are those
of the real network; weight penalties and per-layer norms sum over slots (the padding adds 0).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

MAX_HIDDEN = 6
N_SLOTS = MAX_HIDDEN + 1
OUTPUT_SLOT = MAX_HIDDEN


@dataclass(frozen=True)
class FlatLayout:
    """Where each layer's weights and biases live in θ (static; numpy metadata only)."""

    layer_sizes: tuple[int, ...]

    @cached_property
    def slices(self) -> tuple[tuple[slice, slice], ...]:
        """Per layer: (weights slice, bias slice) into θ."""
        result = []
        start = 0
        for n_in, n_out in itertools.pairwise(self.layer_sizes):
            weights = slice(start, start + n_in * n_out)
            bias = slice(weights.stop, weights.stop + n_out)
            result.append((weights, bias))
            start = bias.stop
        return tuple(result)

    @property
    def n_layers(self) -> int:
        return len(self.layer_sizes) - 1

    @property
    def size(self) -> int:
        return self.slices[-1][1].stop

    @cached_property
    def weight_mask(self) -> np.ndarray:
        """(size,) float32: 1 on every weight, 0 on every bias."""
        mask = np.zeros(self.size, np.float32)
        for weights, _ in self.slices:
            mask[weights] = 1.0
        return mask

    def unflatten(self, theta: Any) -> list[tuple[Any, Any]]:
        """``[(W_l, b_l)]`` views of ``theta`` (jax or numpy; leading batch axes are kept)."""
        lead = theta.shape[:-1]
        params = []
        for (weights, bias), n_in, n_out in zip(
            self.slices, self.layer_sizes[:-1], self.layer_sizes[1:], strict=True
        ):
            params.append((theta[..., weights].reshape(*lead, n_in, n_out), theta[..., bias]))
        return params

    def flatten(self, params: list[tuple[Any, Any]]) -> np.ndarray:
        """Inverse of ``unflatten`` for numpy parameters without batch axes."""
        parts = []
        for weights, bias in params:
            parts += [np.asarray(weights, np.float32).ravel(), np.asarray(bias, np.float32)]
        return np.concatenate(parts)


@dataclass(frozen=True)
class PaddedLayout:
    """The fixed θ layout of a program with hidden width capacity ``width`` (static)."""

    width: int

    @property
    def slot_shapes(self) -> tuple[tuple[tuple[int, ...], tuple[int, ...]], ...]:
        """Per slot: (weight shape, bias shape)."""
        h = self.width
        hidden = [((h, h), (h,))] * (MAX_HIDDEN - 1)
        return (((2, h), (h,)), *hidden, ((h,), ()))

    @cached_property
    def slot_offsets(self) -> tuple[tuple[int, int, int], ...]:
        """Per slot: (weights start, bias start, slot end) in θ_pad."""
        offsets = []
        start = 0
        for weight_shape, bias_shape in self.slot_shapes:
            bias_start = start + int(np.prod(weight_shape))
            end = bias_start + int(np.prod(bias_shape))
            offsets.append((start, bias_start, end))
            start = end
        return tuple(offsets)

    @property
    def size(self) -> int:
        return self.slot_offsets[-1][2]

    @property
    def hidden_block(self) -> tuple[int, int]:
        """(start, end) of slots 1 … 5, which are stored as one (5, H² + H) block."""
        return self.slot_offsets[1][0], self.slot_offsets[MAX_HIDDEN - 1][2]

    @cached_property
    def weight_mask(self) -> np.ndarray:
        """(size,) float32: 1 on every weight position (real or padding), 0 on biases."""
        mask = np.zeros(self.size, np.float32)
        for start, bias_start, _ in self.slot_offsets:
            mask[start:bias_start] = 1.0
        return mask

    @staticmethod
    def slot_of_layer(layer: int, n_layers: int) -> int:
        """The slot of real layer ``layer`` (0-based) in a network of ``n_layers`` layers."""
        return OUTPUT_SLOT if layer == n_layers - 1 else layer

    def fits(self, layer_sizes: tuple[int, ...]) -> bool:
        hidden = layer_sizes[1:-1]
        return 1 <= len(hidden) <= MAX_HIDDEN and max(hidden) <= self.width

    def index_map(self, layer_sizes: tuple[int, ...]) -> np.ndarray:
        """int64 (real size,): ``theta_pad[index_map[i]] = theta_real[i]`` (FlatLayout order)."""
        if not self.fits(layer_sizes):
            raise ValueError(f"{layer_sizes} does not fit width {self.width}")
        n_layers = len(layer_sizes) - 1
        parts = []
        for layer, (n_in, n_out) in enumerate(itertools.pairwise(layer_sizes)):
            start, bias_start, _ = self.slot_offsets[self.slot_of_layer(layer, n_layers)]
            weight_shape, _ = self.slot_shapes[self.slot_of_layer(layer, n_layers)]
            columns = weight_shape[1] if len(weight_shape) == 2 else 1
            rows = np.arange(n_in)[:, None] * columns
            parts.append((start + rows + np.arange(n_out)[None, :]).ravel())
            parts.append(bias_start + np.arange(n_out))
        return np.concatenate(parts)

    def param_mask(self, layer_sizes: tuple[int, ...]) -> np.ndarray:
        """(size,) float32: 1 on the real network's weights and biases, 0 on padding."""
        mask = np.zeros(self.size, np.float32)
        mask[self.index_map(layer_sizes)] = 1.0
        return mask

    def scatter(self, theta_real: np.ndarray, layer_sizes: tuple[int, ...]) -> np.ndarray:
        """A real-layout vector (…, real size) placed into the padded layout (zeros elsewhere)."""
        theta_real = np.asarray(theta_real, np.float32)
        padded = np.zeros((*theta_real.shape[:-1], self.size), np.float32)
        padded[..., self.index_map(layer_sizes)] = theta_real
        return padded

    def gather(self, theta_pad: np.ndarray, layer_sizes: tuple[int, ...]) -> np.ndarray:
        """The real-layout entries (…, real size) of padded vectors (…, size)."""
        return np.asarray(theta_pad)[..., self.index_map(layer_sizes)]
