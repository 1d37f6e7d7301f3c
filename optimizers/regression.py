"""SGD vs minibatch vs full batch on a small regression (slide deck 004, "Stochastic Gradient
Descent"): one line y = w x + b fitted to noisy points, three ways, over the (w, b) landscape.

Data (seeded, numpy): ``x_i ~ U(−2, 2)``, ``y_i = w* x_i + b* + σ ε_i``, ``ε_i ~ N(0, 1)``.
The loss of a batch B and its gradient, with residuals ``r_i = w x_i + b − y_i``::

    L_B(w, b) = 1/(2|B|) Σ_{i∈B} r_i²          ∂L_B/∂w = mean_B(r_i x_i)   ∂L_B/∂b = mean_B(r_i)

(the full loss is L over every point). Each method runs ``epochs`` passes over the data; each
epoch visits the points in a fresh seeded permutation, in consecutive batches of its size (the
last one smaller when the size does not divide n, as PyTorch's ``drop_last=False``), and takes
one step ``θ ← θ − η ∇L_B(θ)`` per batch: SGD (batch 1) makes n updates per epoch, a minibatch
of b makes ⌈n / b⌉, full batch makes 1.

One compiled program runs the three methods side by side (vmapped); the data (≤ ``MAX_POINTS``),
batch sizes, epochs (≤ ``MAX_EPOCHS``), rate and start are runtime values, so nothing compiles
after ``warm_up()``.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np

from jax_config import first_call

MAX_POINTS = 200
MAX_EPOCHS = 50
MAX_UPDATES = MAX_EPOCHS * MAX_POINTS  # SGD over the largest data set
X_RANGE = (-2.0, 2.0)


@dataclass(frozen=True, eq=False)
class RegressionData:
    x: np.ndarray  # (n,) float64
    y: np.ndarray  # (n,) float64
    true_w: float
    true_b: float
    noise: float


@dataclass(frozen=True, eq=False)
class RegressionPath:
    """One method's run (numpy float64): ``params[u]`` after u updates (row 0: the start)."""

    batch_size: int
    params: np.ndarray  # (U + 1, 2) [w, b]
    loss: np.ndarray  # (U + 1,) the full loss L(w, b) after each update
    batch_loss: np.ndarray  # (U,) the loss of the batch each update used, before its step
    epoch_updates: int  # ⌈n / batch⌉
    order: np.ndarray  # (epochs, n) int32: each epoch's permutation of the points


def make_data(n: int, noise: float, true_w: float, true_b: float, seed: int) -> RegressionData:
    """``n`` noisy points of the line ``y = true_w x + true_b`` (see the module docstring)."""
    if not 2 <= int(n) <= MAX_POINTS:
        raise ValueError(f"n must be between 2 and {MAX_POINTS}")
    rng = np.random.default_rng(int(seed))
    x = rng.uniform(*X_RANGE, int(n))
    y = true_w * x + true_b + float(noise) * rng.standard_normal(int(n))
    return RegressionData(x, y, float(true_w), float(true_b), float(noise))


def full_loss(data: RegressionData, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    """L(w, b) over every point, for arrays of w and b (broadcast), float64."""
    w, b = np.asarray(w, np.float64), np.asarray(b, np.float64)
    r = w[..., None] * data.x + b[..., None] - data.y
    return 0.5 * np.mean(r * r, axis=-1)


def epoch_orders(n: int, epochs: int, seed: int) -> np.ndarray:
    """(epochs, n) int32: epoch e's permutation, numpy ``default_rng(seed)`` drawn in order."""
    rng = np.random.default_rng(int(seed))
    return np.stack([rng.permutation(int(n)) for _ in range(int(epochs))]).astype(np.int32)


def _program(x, y, n, orders, batch, epochs, lr, start, longest):
    """Path (MAX_UPDATES + 1, 2) and batch losses (MAX_UPDATES,) of one method (vmapped over
    the methods). The loop runs ``longest`` updates (the same for every method, so the vmapped
    loop has one trip count and updates its buffers in place); a method with fewer,
    ⌈n / batch⌉ · epochs, stops moving after them (its rows beyond are cut on the host)."""
    per_epoch = (n + batch - 1) // batch
    total = per_epoch * epochs
    position = jnp.arange(MAX_POINTS)

    def step(u, carry):
        theta, path, losses = carry
        epoch = u // per_epoch
        first = (u % per_epoch) * batch
        rows = orders[jnp.minimum(epoch, MAX_EPOCHS - 1)]
        member = (position >= first) & (position < first + batch) & (position < n)
        weight = member / jnp.maximum(jnp.sum(member), 1)
        xs, ys = x[rows], y[rows]
        r = theta[0] * xs + theta[1] - ys
        losses = losses.at[u].set(0.5 * jnp.sum(weight * r * r))
        step = lr * jnp.stack([jnp.sum(weight * r * xs), jnp.sum(weight * r)])
        theta = jnp.where(u < total, theta - step, theta)
        return theta, path.at[u + 1].set(theta), losses

    path = jnp.full((MAX_UPDATES + 1, 2), jnp.nan).at[0].set(start)
    losses = jnp.full(MAX_UPDATES, jnp.nan)
    _, path, losses = jax.lax.fori_loop(0, longest, step, (start, path, losses))
    return path, losses


_methods_program = jax.jit(
    jax.vmap(_program, in_axes=(None, None, None, None, 0, None, 0, None, None))
)


def run_methods(
    data: RegressionData,
    batch_sizes: Sequence[int],
    lrs: Sequence[float],
    epochs: int,
    start: tuple[float, float],
    seed: int,
) -> list[RegressionPath]:
    """One ``RegressionPath`` per batch size (each with its own rate), in order; up to 3."""
    n = len(data.x)
    if not 1 <= len(batch_sizes) <= 3 or len(lrs) != len(batch_sizes):
        raise ValueError("give one to three batch sizes, each with its rate")
    if not 1 <= int(epochs) <= MAX_EPOCHS:
        raise ValueError(f"epochs must be between 1 and {MAX_EPOCHS}")
    sizes = [min(max(int(b), 1), n) for b in batch_sizes]
    orders = epoch_orders(n, epochs, seed)
    padded_orders = np.zeros((MAX_EPOCHS, MAX_POINTS), np.int32)
    padded_orders[: int(epochs), :n] = orders
    x = np.zeros(MAX_POINTS)
    y = np.zeros(MAX_POINTS)
    x[:n], y[:n] = data.x, data.y
    count = 3  # always three rows: one shape, one program
    batch = np.array((sizes + [n] * count)[:count], np.int32)
    rates = np.array((list(lrs) + [0.0] * count)[:count], np.float64)
    longest = np.int32(max(-(-n // int(b)) for b in batch) * int(epochs))
    args = (x, y, np.int32(n), padded_orders, batch, np.int32(epochs), rates,
            np.asarray(start, np.float64), longest)  # fmt: skip
    paths, losses = first_call(("regression",), lambda: _methods_program(*args))
    paths, losses = np.asarray(paths), np.asarray(losses)
    results = []
    for index, size in enumerate(sizes):
        per_epoch = -(-n // size)
        updates = per_epoch * int(epochs)
        params = paths[index, : updates + 1]
        results.append(
            RegressionPath(
                batch_size=size,
                params=params,
                loss=full_loss(data, params[:, 0], params[:, 1]),
                batch_loss=losses[index, :updates],
                epoch_updates=per_epoch,
                order=orders,
            )
        )
    return results


@functools.cache
def _warm_data() -> RegressionData:
    return make_data(20, 0.5, 2.0, -1.0, 0)


def warm_up() -> None:
    """Compile the program (one tiny run)."""
    run_methods(_warm_data(), [1, 5, 20], [0.1, 0.1, 0.1], 1, (0.0, 0.0), 0)
