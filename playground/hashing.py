"""Counter-based random numbers for minibatch order and dropout masks (cheap to compile).

``jax.random`` (threefry) made the training program take several seconds longer to compile on
CPU; the playground only needs "random enough" bits for shuffling and dropout, so it hashes
counters instead: ``u = lowbias32(i + lowbias32(stream + lowbias32(seed + salt))) / 2³²`` with
Chris Wellons' lowbias32 integer hash (an avalanche mixer of multiply/xor-shift rounds). Every
(seed, salt, stream, i) gives an independent-looking 32-bit value; results are deterministic
and cheap. The initial weights' standard-normal draw is not made here: it comes
from ``numpy.random.default_rng(seed)`` (see ``playground.initializers.standard_normal_draw``).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

SHUFFLE_SALT = 0x5EED_0001
DROPOUT_SALT = 0x5EED_0002


def lowbias32(x: jax.Array) -> jax.Array:
    """Integer hash uint32 → uint32 (xor-shift / multiply rounds 16, 0x7feb352d, 15, …)."""
    x = x ^ (x >> 16)
    x = x * jnp.uint32(0x7FEB352D)
    x = x ^ (x >> 15)
    x = x * jnp.uint32(0x846CA68B)
    return x ^ (x >> 16)


def hashed_bits(seed: jax.Array, salt: int, stream: jax.Array, shape: tuple[int, ...]) -> jax.Array:
    """uint32 array of ``shape``: one hash per element, keyed by (seed, salt, stream)."""
    key = lowbias32(jnp.asarray(seed).astype(jnp.uint32) + jnp.uint32(salt))
    key = lowbias32(jnp.asarray(stream).astype(jnp.uint32) + key)
    size = 1
    for dim in shape:
        size *= dim
    counters = jax.lax.iota(jnp.uint32, size).reshape(shape)
    return lowbias32(counters + key)


def hashed_uniform(
    seed: jax.Array, salt: int, stream: jax.Array, shape: tuple[int, ...]
) -> jax.Array:
    """float32 uniform in [0, 1) with 24 random bits."""
    bits = hashed_bits(seed, salt, stream, shape) >> 8
    return bits.astype(jnp.float32) * jnp.float32(2.0**-24)


def hashed_permutation(seed: jax.Array, salt: int, stream: jax.Array, n: int) -> jax.Array:
    """A permutation of ``0 … n−1`` (argsort of n hashes; ties broken by index)."""
    return jnp.argsort(hashed_bits(seed, salt, stream, (n,)), stable=True).astype(jnp.int32)
