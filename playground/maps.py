"""What the network computes over the input plane: decision boundary and activation maps.

Both evaluate a finished run's frames on a grid with one compiled forward pass each (the
network padded to width 16, depth a traced loop bound; fixed block shapes: ``FRAME_BLOCK``
frames × ``POINT_BLOCK`` points per call, the last block zero-padded), so no grid size, frame
count or network shape compiles a new program.
The page never needs them (the browser evaluates the network from the per-frame weights); they
are for notebooks, tests and thumbnails.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING

import jax
import numpy as np

from playground.activations import ACTIVATIONS
from playground.config import UNITS_RANGE
from playground.layout import MAX_HIDDEN, FlatLayout, PaddedLayout
from playground.network import forward, unflatten

if TYPE_CHECKING:
    from playground.run import PlaygroundRun

FRAME_BLOCK = 16
POINT_BLOCK = 2048
WIDTH = UNITS_RANGE[1]  # one padded width for every network: two small programs in all


def grid_axes(box: Sequence[Sequence[float]], grid_size: int) -> tuple[np.ndarray, np.ndarray]:
    """``(xs, ys)``: ``grid_size`` evenly spaced float32 points over each side of ``box``."""
    (x_min, x_max), (y_min, y_max) = box
    xs = np.linspace(x_min, x_max, grid_size, dtype=np.float32)
    ys = np.linspace(y_min, y_max, grid_size, dtype=np.float32)
    return xs, ys


def grid_points(xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """(G², 2) float32 points, row-major: ``points[i * G + j] = (xs[j], ys[i])``."""
    gx, gy = np.meshgrid(xs, ys)
    return np.stack([gx.ravel(), gy.ravel()], axis=1).astype(np.float32)


def _scales(unit_mask: jax.Array, keep_prob: jax.Array) -> jax.Array:
    return (keep_prob * unit_mask)[:, None, :]


@functools.partial(jax.jit, static_argnums=0)
def _probability_block(
    width: int,
    thetas: jax.Array,
    points: jax.Array,
    depth: jax.Array,
    unit_mask: jax.Array,
    keep_prob: jax.Array,
    activation: jax.Array,
) -> jax.Array:
    """(FRAME_BLOCK, POINT_BLOCK) σ(logit) of every frame at every point (evaluation mode)."""
    layout = PaddedLayout(width)

    def one(theta: jax.Array) -> jax.Array:
        net = unflatten(layout, theta)
        logits, _ = forward(net, points, _scales(unit_mask, keep_prob), depth, activation)
        return jax.nn.sigmoid(logits)

    return jax.vmap(one)(thetas)


@functools.partial(jax.jit, static_argnums=0)
def _activation_block(
    width: int,
    theta: jax.Array,
    points: jax.Array,
    depth: jax.Array,
    unit_mask: jax.Array,
    keep_prob: jax.Array,
    activation: jax.Array,
) -> tuple[jax.Array, jax.Array]:
    """Every hidden f(z) (6, POINT_BLOCK, H) and the output probability (POINT_BLOCK,)."""
    net = unflatten(PaddedLayout(width), theta)
    logits, hidden = forward(net, points, _scales(unit_mask, keep_prob), depth, activation)
    return hidden, jax.nn.sigmoid(logits)


def _network_inputs(run: PlaygroundRun) -> tuple[int, np.ndarray, tuple]:
    """(width bucket, padded θ per frame (S, P), traced structure) of a run."""
    sizes = run.layer_sizes
    hidden = sizes[1:-1]
    width = WIDTH
    layout = PaddedLayout(width)
    real = FlatLayout(sizes)
    thetas = np.stack(
        [real.flatten(run.params_at(s)) for s in range(run.n_snapshots)]
    )  # (S, real size)
    unit_mask = np.zeros((MAX_HIDDEN, width), np.float32)
    for layer, units in enumerate(hidden):
        unit_mask[layer, :units] = 1.0
    structure = (
        np.asarray(len(hidden), np.int32),
        unit_mask,
        np.asarray(run.config.keep_prob, np.float32),
        np.asarray(list(ACTIVATIONS).index(run.config.activation), np.int32),
    )
    return width, layout.scatter(thetas, sizes), structure


def _point_blocks(points: np.ndarray) -> list[np.ndarray]:
    blocks = []
    for start in range(0, len(points), POINT_BLOCK):
        block = np.zeros((POINT_BLOCK, 2), np.float32)
        chunk = points[start : start + POINT_BLOCK]
        block[: len(chunk)] = chunk
        blocks.append(block)
    return blocks


def frame_probabilities(run: PlaygroundRun, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """(S, len(ys), len(xs)) float32 ``P(class 1 | (xs[j], ys[i]))`` at every frame."""
    width, thetas, structure = _network_inputs(run)
    points = grid_points(xs, ys)
    n_frames = thetas.shape[0]
    result = np.empty((n_frames, len(points)), np.float32)
    blocks = _point_blocks(points)
    for first in range(0, n_frames, FRAME_BLOCK):
        frame_block = np.zeros((FRAME_BLOCK, thetas.shape[1]), np.float32)
        count = min(FRAME_BLOCK, n_frames - first)
        frame_block[:count] = thetas[first : first + count]
        for index, block in enumerate(blocks):
            start = index * POINT_BLOCK
            stop = min(start + POINT_BLOCK, len(points))
            values = _probability_block(width, frame_block, block, *structure)
            result[first : first + count, start:stop] = np.asarray(values)[:count, : stop - start]
    return result.reshape(n_frames, len(ys), len(xs))


def activation_maps(run: PlaygroundRun, snapshot_index: int, grid_n: int = 40) -> np.ndarray:
    """Every neuron's activation over the run's input box at frame ``snapshot_index``.

    Returns float32 ``(n_hidden_total + 1, grid_n, grid_n)``: hidden neurons in order (layer 1
    first, top to bottom), then the output neuron; ``maps[k, i, j]`` is neuron k's value at
    ``x = (xs[j], ys[i])`` with ``xs, ys = linspace(box, grid_n)``. Hidden values are
    ``h = f(z)`` (evaluation mode: the next layer sees ``p · h`` when dropout is on); the output
    is the probability ``σ(logit)`` of class 1. ``IndexError`` for a bad frame index.
    """
    if not -run.n_snapshots <= snapshot_index < run.n_snapshots:
        raise IndexError(f"frame {snapshot_index} out of range 0…{run.n_snapshots - 1}")
    grid_n = int(grid_n)
    width, thetas, structure = _network_inputs(run)
    theta = thetas[snapshot_index]
    points = grid_points(*grid_axes(run.dataset.box, grid_n))
    hidden_units = run.layer_sizes[1:-1]
    maps = np.empty((sum(hidden_units) + 1, len(points)), np.float32)
    for index, block in enumerate(_point_blocks(points)):
        start = index * POINT_BLOCK
        stop = min(start + POINT_BLOCK, len(points))
        hidden, probabilities = jax.device_get(_activation_block(width, theta, block, *structure))
        rows = [hidden[layer, : stop - start, :units].T for layer, units in enumerate(hidden_units)]
        maps[:-1, start:stop] = np.concatenate(rows)
        maps[-1, start:stop] = probabilities[: stop - start]
    return np.ascontiguousarray(maps.reshape(-1, grid_n, grid_n))


def warm_up_maps() -> None:
    """Compile the boundary and activation-map programs."""
    for width in (WIDTH,):
        layout = PaddedLayout(width)
        structure = (
            np.asarray(1, np.int32),
            np.ones((MAX_HIDDEN, width), np.float32),
            np.asarray(1.0, np.float32),
            np.asarray(0, np.int32),
        )
        points = np.zeros((POINT_BLOCK, 2), np.float32)
        thetas = np.zeros((FRAME_BLOCK, layout.size), np.float32)
        jax.block_until_ready(_probability_block(width, thetas, points, *structure))
        jax.block_until_ready(_activation_block(width, thetas[0], points, *structure))
