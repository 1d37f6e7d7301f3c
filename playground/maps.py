"""Activation maps: what every neuron computes over the input plane, at one snapshot."""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np

from playground.activations import ACTIVATIONS
from playground.engine import grid_axes, grid_points
from playground.model import forward
from playground.run import PlaygroundRun


@functools.partial(jax.jit, static_argnames=("activation_id",))
def _neuron_outputs(
    params: list[tuple[jax.Array, jax.Array]],
    points: jax.Array,
    keep_prob: jax.Array,
    activation_id: str,
) -> jax.Array:
    """(n_points, n_hidden_total + 1): every hidden f(z) then the output probability."""
    scales = [keep_prob] * (len(params) - 1)
    logits, hidden = forward(params, points, ACTIVATIONS[activation_id].fn, scales)
    return jnp.concatenate([*hidden, jax.nn.sigmoid(logits)[:, None]], axis=1)


def activation_maps(run: PlaygroundRun, snapshot_index: int, grid_n: int = 40) -> np.ndarray:
    """Every neuron's activation over the run's input box at snapshot ``snapshot_index``.

    Returns float32 ``(n_hidden_total + 1, grid_n, grid_n)``: hidden neurons in order (layer 1
    first, top to bottom), then the output neuron; ``maps[k, i, j]`` is neuron k's value at
    ``x = (xs[j], ys[i])`` with ``xs, ys = linspace(box, grid_n)``. Hidden values are
    ``h = f(z)`` (evaluation mode: the next layer sees ``p · h`` when dropout is on); the output
    is the probability ``σ(logit)`` of class 1. ``IndexError`` for a bad snapshot index.
    """
    if not -run.n_snapshots <= snapshot_index < run.n_snapshots:
        raise IndexError(f"snapshot {snapshot_index} out of range 0…{run.n_snapshots - 1}")
    xs, ys = grid_axes(run.dataset.box, int(grid_n))
    params = [
        (jnp.asarray(w, jnp.float32), jnp.asarray(b, jnp.float32))
        for w, b in run.params_at(snapshot_index)
    ]
    outputs = _neuron_outputs(
        params,
        jnp.asarray(grid_points(xs, ys)),
        np.asarray(run.config.keep_prob, np.float32),
        activation_id=run.config.activation,
    )
    values = np.asarray(outputs, dtype=np.float32)
    return np.ascontiguousarray(values.T.reshape(-1, int(grid_n), int(grid_n)))
