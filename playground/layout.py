"""One flat parameter vector θ for the whole network (fewer, larger XLA ops than a list).

Layout for ``layer_sizes = (n_0, n_1, …, n_L)``: ``θ = [vec(W_1), b_1, vec(W_2), b_2, …]`` with
``W_l`` of shape (n_{l-1}, n_l) stored row-major. The optimizers act on θ element-wise, so the
update rules are unchanged; weight penalties and per-layer norms use fixed 0/1 masks.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np


@dataclass(frozen=True)
class FlatLayout:
    """Where each layer's weights and biases live in θ (static; numpy metadata only)."""

    layer_sizes: tuple[int, ...]

    @cached_property
    def slices(self) -> tuple[tuple[slice, slice], ...]:
        """Per layer: (weights slice, bias slice) into θ."""
        result = []
        start = 0
        for n_in, n_out in zip(self.layer_sizes[:-1], self.layer_sizes[1:], strict=True):
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
    def weight_indicator(self) -> np.ndarray:
        """(n_layers, size) float32: row l is 1 on layer l's weights, 0 elsewhere."""
        indicator = np.zeros((self.n_layers, self.size), np.float32)
        for layer, (weights, _) in enumerate(self.slices):
            indicator[layer, weights] = 1.0
        return indicator

    @cached_property
    def bias_indicator(self) -> np.ndarray:
        """(n_layers, size) float32: row l is 1 on layer l's biases, 0 elsewhere."""
        indicator = np.zeros((self.n_layers, self.size), np.float32)
        for layer, (_, bias) in enumerate(self.slices):
            indicator[layer, bias] = 1.0
        return indicator

    @cached_property
    def weight_mask(self) -> np.ndarray:
        """(size,) float32: 1 on every weight, 0 on every bias."""
        return self.weight_indicator.sum(axis=0)

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
