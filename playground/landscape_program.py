"""The compiled loss-landscape program: mean BCE of many perturbed networks, one call.

For a base θ (padded layout), three directions D = [d₁; d₂; d₃] and coefficient rows c_k
(k < count), it returns the evaluation-mode losses of ``θ_k = θ + c_k · D``::

    L_split(θ_k) = (1 / n_split) Σ_{i ∈ split} softplus(logit_i) − y_i logit_i

(the same mean BCE as ``PlaygroundRun.train_loss``: dropout replaced by its ×p scaling, no
penalty). One call covers a whole landscape: the grid rows (a, b, 0), the slice (a, 0, 0), the
interpolation (0, 0, 1 − t) with d₃ = θ₀ − θ* and the centre (0, 0, 0).

Nothing compiles per setting: the network is padded to ``width`` (units masked, depth a traced
loop bound, activation a traced ``lax.switch``), the points are the engine's padded point
arrays evaluated in blocks of ``BLOCK_ROWS`` (a traced loop over ⌈n / 200⌉ blocks), and the
coefficients fill a fixed ``CAPACITY`` evaluated in chunks of ``CHUNK`` networks (vmapped) under
a traced loop bound ⌈count / CHUNK⌉: a 41×41 grid pays for 15 chunks, not the 31 of 61×61, and
memory stays at one chunk's activations (CHUNK × 200 × width floats).
"""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np

from jax_config import first_call
from playground.engine import BLOCK_ROWS, POINT_CAPACITY
from playground.layout import MAX_HIDDEN, PaddedLayout
from playground.network import Net, activation_only, unflatten

MAX_RESOLUTION = 61
SLICE_POINTS = 101
INTERPOLATION_POINTS = 81  # t = −0.5 … 1.5 in steps of 1/40 (t = 0 and 1 exactly on it)
N_DIRECTIONS = 3
CHUNK = 128  # networks per vmapped chunk
CAPACITY = -(-(MAX_RESOLUTION**2 + SLICE_POINTS + INTERPOLATION_POINTS + 1) // CHUNK) * CHUNK
WIDTHS = (8, 16)  # padded widths: the default (8, 4) network runs ≈ 2× faster in width 8


def width_for(hidden: tuple[int, ...]) -> int:
    """The smallest padded width that holds every hidden layer."""
    return next(width for width in WIDTHS if max(hidden) <= width)


def _logits(
    net: Net, x: jax.Array, scales: jax.Array, depth: jax.Array, kind: jax.Array
) -> jax.Array:
    """Evaluation-mode logits (R,): ``h_l = f(z_l) · s_l``, only h kept (no activation maps)."""
    h = activation_only(kind, x @ net.first_w + net.first_b) * scales[0]

    def layer(index: jax.Array, h: jax.Array) -> jax.Array:
        z = h @ net.hidden_w[index - 1] + net.hidden_b[index - 1]
        return activation_only(kind, z) * scales[index]

    h = jax.lax.fori_loop(1, depth, layer, h)
    return h @ net.out_w + net.out_b


@functools.partial(jax.jit, static_argnums=0)
def landscape_losses(
    width: int,
    base: jax.Array,
    directions: jax.Array,
    coefficients: jax.Array,
    count: jax.Array,
    x: jax.Array,
    y: jax.Array,
    n_train: jax.Array,
    n_test: jax.Array,
    depth: jax.Array,
    unit_mask: jax.Array,
    keep_prob: jax.Array,
    activation: jax.Array,
) -> jax.Array:
    """(CAPACITY, 2) float32 [train, test] mean BCE of ``base + coefficients[k] @ directions``.

    Shapes: base (P,), directions (3, P) (padded layout of ``width``), coefficients
    (CAPACITY, 3), x (POINT_CAPACITY, 2) / y (POINT_CAPACITY,) training then test points, unit
    mask (6, width). Rows ≥ ``count`` (rounded up to a chunk) are left 0.
    """
    layout = PaddedLayout(width)
    scales = (keep_prob * unit_mask)[:, None, :]
    n_blocks = (n_train + n_test + BLOCK_ROWS - 1) // BLOCK_ROWS
    counts = jnp.stack([n_train, n_test]).astype(jnp.float32)

    def losses(theta: jax.Array) -> jax.Array:
        net = unflatten(layout, theta)

        def block(index: jax.Array, sums: jax.Array) -> jax.Array:
            start = index * BLOCK_ROWS
            rows = start + jnp.arange(BLOCK_ROWS)
            x_block = jax.lax.dynamic_slice_in_dim(x, start, BLOCK_ROWS)
            y_block = jax.lax.dynamic_slice_in_dim(y, start, BLOCK_ROWS)
            logits = _logits(net, x_block, scales, depth, activation)
            terms = jax.nn.softplus(logits) - y_block * logits
            train = rows < n_train
            test = (rows >= n_train) & (rows < n_train + n_test)
            return sums + jnp.stack(
                [jnp.sum(jnp.where(train, terms, 0.0)), jnp.sum(jnp.where(test, terms, 0.0))]
            )

        return jax.lax.fori_loop(0, n_blocks, block, jnp.zeros(2, jnp.float32)) / counts

    def chunk(index: jax.Array, out: jax.Array) -> jax.Array:
        start = index * CHUNK
        rows = jax.lax.dynamic_slice_in_dim(coefficients, start, CHUNK)
        thetas = base[None, :] + rows @ directions
        return jax.lax.dynamic_update_slice_in_dim(out, jax.vmap(losses)(thetas), start, 0)

    n_chunks = (count + CHUNK - 1) // CHUNK
    return jax.lax.fori_loop(0, n_chunks, chunk, jnp.zeros((CAPACITY, 2), jnp.float32))


def evaluate(
    width: int,
    base: np.ndarray,
    directions: np.ndarray,
    coefficients: np.ndarray,
    data: tuple,
    structure: tuple,
) -> np.ndarray:
    """Host wrapper: pad ``coefficients`` (K, 3) to CAPACITY, run, return (K, 2) float32.

    ``data`` = (x, y, n_train, n_test) as ``training.program_data``; ``structure`` = (depth,
    unit_mask, keep_prob, activation). Concurrent first calls share one compilation.
    """
    count = coefficients.shape[0]
    if count > CAPACITY:
        raise ValueError(f"{count} evaluations exceed the capacity {CAPACITY}")
    padded = np.zeros((CAPACITY, N_DIRECTIONS), np.float32)
    padded[:count] = coefficients
    args = (
        np.asarray(base, np.float32),
        np.asarray(directions, np.float32),
        padded,
        np.asarray(count, np.int32),
        *data,
        *structure,
    )
    out = first_call(("playground-landscape", width), lambda: landscape_losses(width, *args))
    return np.asarray(out)[:count]


def warm_up_widths() -> None:
    """Compile the program for every padded width (one tiny evaluation each)."""
    for width in WIDTHS:
        size = PaddedLayout(width).size
        data = (
            np.zeros((POINT_CAPACITY, 2), np.float32),
            np.zeros(POINT_CAPACITY, np.float32),
            np.asarray(1, np.int32),
            np.asarray(1, np.int32),
        )
        structure = (
            np.asarray(1, np.int32),
            np.ones((MAX_HIDDEN, width), np.float32),
            np.asarray(1.0, np.float32),
            np.asarray(0, np.int32),
        )
        evaluate(
            width,
            np.zeros(size, np.float32),
            np.zeros((N_DIRECTIONS, size), np.float32),
            np.zeros((1, N_DIRECTIONS), np.float32),
            data,
            structure,
        )
