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


def stream_key(seed: jax.Array, salt: int, stream: jax.Array) -> jax.Array:
    """uint32 key of one stream: ``lowbias32(stream + lowbias32(seed + salt))``."""
    key = lowbias32(jnp.asarray(seed).astype(jnp.uint32) + jnp.uint32(salt))
    return lowbias32(jnp.asarray(stream).astype(jnp.uint32) + key)


def hashed_bits_at(seed: jax.Array, salt: int, stream: jax.Array, counters: jax.Array) -> jax.Array:
    """uint32 hashes of the given counters (any shape) in stream (seed, salt, stream)."""
    return lowbias32(counters.astype(jnp.uint32) + stream_key(seed, salt, stream))


def hashed_bits(seed: jax.Array, salt: int, stream: jax.Array, shape: tuple[int, ...]) -> jax.Array:
    """uint32 array of ``shape``: one hash per element (counter = row-major index)."""
    size = 1
    for dim in shape:
        size *= dim
    counters = jax.lax.iota(jnp.uint32, size).reshape(shape)
    return hashed_bits_at(seed, salt, stream, counters)


def bits_to_uniform(bits: jax.Array) -> jax.Array:
    """float32 uniform in [0, 1) from the top 24 bits of uint32 hashes."""
    return (bits >> 8).astype(jnp.float32) * jnp.float32(2.0**-24)


def hashed_permutation(seed: jax.Array, salt: int, stream: jax.Array, n: int) -> jax.Array:
    """A permutation of ``0 … n−1`` (argsort of n hashes; ties broken by index)."""
    return jnp.argsort(hashed_bits(seed, salt, stream, (n,)), stable=True).astype(jnp.int32)


def padded_permutation(
    seed: jax.Array, salt: int, stream: jax.Array, n: jax.Array, capacity: int
) -> jax.Array:
    """``capacity`` indices whose first ``n`` (traced) are ``hashed_permutation(…, n)``.

    The padding positions get the largest key (2³² − 1); a real key equal to it still sorts
    first because ties are broken by index, so the prefix is exactly the n-point permutation.
    """
    bits = hashed_bits(seed, salt, stream, (capacity,))
    keys = jnp.where(jnp.arange(capacity) < n, bits, jnp.uint32(0xFFFFFFFF))
    return jnp.argsort(keys, stable=True).astype(jnp.int32)
