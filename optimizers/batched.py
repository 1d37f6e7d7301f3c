"""All six update rules in one step over a batch of 2-D points (the trajectory engine's form).

Row ``i`` of every array belongs to optimizer ``SLOTS[i]``; hyperparameters are per-row columns
(``[rows, 1]``). Each row keeps two state vectors whose meaning depends on its rule::

    row       state s1                         state s2                  update u
    gd        -                                -                         -eta g
    momentum  delta' = -eta g + alpha delta    -                         delta'
    nesterov  delta' = -eta g + alpha delta    -                         alpha delta' - eta g
    adagrad   G' = G + g^2                     -                         -(eta / sqrt(G' + eps)) g
    rmsprop   G' = gamma G + (1 - gamma) g^2   -                         -(eta / sqrt(G' + eps)) g
    adam      m' = b1 m + (1 - b1) g           v' = b2 v + (1 - b2) g^2  see below

    adam:     u = -eta ((m' c1) / (sqrt(v' c2) + eps))

and ``theta' = theta + u``, with ``c1 = 1 / (1 - b1^(t+1))`` and ``c2 = 1 / (1 - b2^(t+1))``,
Adam's bias corrections of update ``t`` (tabulated once per run on the host by the engine).
These are the displayed equations (``specs.py``), grouped as displayed so that round-off
matches a literal implementation. Where the numerator is exactly 0 the update is exactly 0 (as
the equations give for eps > 0; it also keeps eps = 0 from producing 0/0).

Why not the optax transformations (``transforms.py``) here: the engine steps six optimizers
inside one XLA loop on CPU, where a step costs what its tiny kernels cost. Six transformations
with separate state leaves took ~3 ms per 1000 steps; two ``[rows, 2]`` state arrays, each rule
computed on its own rows (static slices) and the rows concatenated, fuse into a few kernels.
The tests check this module against the NumPy reference and the transformations against it too.
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp

from optimizers.specs import OPTIMIZERS

SLOTS: tuple[str, ...] = tuple(OPTIMIZERS)
"""Row order of the batch: one row per optimizer, in display order."""

assert SLOTS == ("gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"), (
    "update() slices rows by this order"
)


class BatchedHyperparameters(NamedTuple):
    """Per-row hyperparameters, each ``[rows, 1]`` (entries a row does not use: any finite)."""

    alpha: jax.Array
    gamma: jax.Array
    beta1: jax.Array
    beta2: jax.Array
    eps: jax.Array


def _ratio_or_zero(numerator: jax.Array, denominator: jax.Array) -> jax.Array:
    return jnp.where(numerator == 0, 0.0, numerator / denominator)


def update(
    g: jax.Array,
    s1: jax.Array,
    s2: jax.Array,
    eta: jax.Array,
    c1: jax.Array,
    c2: jax.Array,
    h: BatchedHyperparameters,
) -> tuple[jax.Array, jax.Array, jax.Array]:
    """One update of every row: ``(u, s1', s2')``, all ``[6, 2]``.

    ``eta`` [6, 1]: this step's learning rates; ``c1``, ``c2``: Adam's bias corrections for this
    step (scalars).
    """
    # gd (row 0)
    u_gd = -eta[0:1] * g[0:1]
    # momentum, nesterov (rows 1, 2): delta' = -eta g + alpha delta
    delta = -eta[1:3] * g[1:3] + h.alpha[1:3] * s1[1:3]
    u_momentum = delta[0:1]
    u_nesterov = h.alpha[2:3] * delta[1:2] - eta[2:3] * g[2:3]
    # adagrad, rmsprop (rows 3, 4): G' then -(eta / sqrt(G' + eps)) g
    g_sq = g[3:5] * g[3:5]
    accumulated = jnp.concatenate(
        [s1[3:4] + g_sq[0:1], h.gamma[4:5] * s1[4:5] + (1.0 - h.gamma[4:5]) * g_sq[1:2]]
    )
    scale = eta[3:5] / jnp.sqrt(accumulated + h.eps[3:5])
    u_adaptive = jnp.where(g[3:5] == 0, 0.0, -scale * g[3:5])
    # adam (row 5)
    g5 = g[5:6]
    m = h.beta1[5:6] * s1[5:6] + (1.0 - h.beta1[5:6]) * g5
    v = h.beta2[5:6] * s2[5:6] + (1.0 - h.beta2[5:6]) * (g5 * g5)
    u_adam = -eta[5:6] * _ratio_or_zero(m * c1, jnp.sqrt(v * c2) + h.eps[5:6])

    u = jnp.concatenate([u_gd, u_momentum, u_nesterov, u_adaptive, u_adam])
    s1_new = jnp.concatenate([jnp.zeros_like(u_gd), delta, accumulated, m])
    s2_new = jnp.concatenate([jnp.zeros_like(s2[0:5]), v])
    return u, s1_new, s2_new
