"""Compile the engine's fixed set of programs (call after fork, before or beside serving).

``program_buckets()`` lists the training programs in priority order (the default
configuration's first); ``warm_up_bucket(bucket)`` compiles one of them, so a server can warm
the default program first and the others in a background thread; ``warm_up()`` compiles every
training program, the boundary / activation-map programs and the loss-landscape program
(``warm_up_landscape``). After it, no accepted setting compiles anything
(tests/test_playground_compiles.py, tests/test_network_landscape.py). With the persistent compilation cache
configured (``jax_config.configure_jax``) a restarted worker loads these programs from disk.
"""

from __future__ import annotations

import time

from playground.config import PlaygroundConfig
from playground.engine import PROGRAM_BUCKETS, ProgramBucket
from playground.loss_landscape import warm_up_landscape
from playground.maps import warm_up_maps
from playground.training import config_bucket, train


def program_buckets() -> tuple[ProgramBucket, ...]:
    """Every training program, the default configuration's first (the order to warm them)."""
    return PROGRAM_BUCKETS


def _example_config(bucket: ProgramBucket) -> PlaygroundConfig:
    """A short run (2 epochs) that lands in ``bucket`` (any does: only shapes compile)."""
    hidden = (bucket.width,) * bucket.depth
    candidates = [
        PlaygroundConfig(epochs=2),
        PlaygroundConfig(hidden=hidden, epochs=2),
        PlaygroundConfig(hidden=hidden, batch_size=8, keep_prob=0.5, n_samples=40, epochs=2),
    ]
    for config in candidates:
        if config_bucket(config) == bucket:
            return config
    raise ValueError(f"no example configuration for {bucket}")


def warm_up_bucket(bucket: ProgramBucket) -> float:
    """Compile (and run once, 2 epochs) the training program of ``bucket``; wall seconds."""
    started = time.perf_counter()
    train(_example_config(bucket))
    return time.perf_counter() - started


def warm_up(config: PlaygroundConfig | None = None) -> dict[str, float]:
    """Compile every program: the training buckets in priority order, then the view programs.

    Returns the wall seconds per step. ``config``, if given, is trained once at the end (it
    compiles nothing new: a check that it runs).
    """
    seconds = {}
    for bucket in program_buckets():
        seconds[f"train w{bucket.width} mb{bucket.minibatch_rows}"] = warm_up_bucket(bucket)
    started = time.perf_counter()
    warm_up_maps()
    seconds["maps"] = time.perf_counter() - started
    seconds["landscape"] = warm_up_landscape()
    if config is not None:
        train(config)
    return seconds
