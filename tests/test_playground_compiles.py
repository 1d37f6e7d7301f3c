"""After ``warm_up()`` nothing the page accepts compiles: a grid over every kind of setting.

Backend compilations are counted with ``jax.monitoring`` (the event JAX records around every
XLA compile, ``jax._src.dispatch.BACKEND_COMPILE_EVENT``); the counter itself is checked on a
deliberately new jitted function.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterator
from contextlib import contextmanager

import jax
import numpy as np
import pytest
from jax import monitoring

import playground as pg
from playground.optim import OPTIMIZERS, SCHEDULES

BACKEND_COMPILE_EVENT = "/jax/core/compile/backend_compile_duration"


@contextmanager
def count_compiles() -> Iterator[list[str]]:
    """One entry per XLA backend compilation while active."""
    events: list[str] = []
    active = True

    def listener(event: str, duration: float, **kwargs) -> None:
        if active and event == BACKEND_COMPILE_EVENT:
            events.append(event)

    monitoring.register_event_duration_secs_listener(listener)
    try:
        yield events
    finally:
        active = False


def test_the_event_name_is_jaxs() -> None:
    from jax._src import dispatch

    assert dispatch.BACKEND_COMPILE_EVENT == BACKEND_COMPILE_EVENT


def test_the_counter_counts() -> None:
    with count_compiles() as compiles:
        jax.jit(lambda x: x * 7 - 2)(np.arange(5.0))
    assert len(compiles) == 1
    with count_compiles() as compiles:
        np.add(1, 2)
    assert compiles == []


C = pg.PlaygroundConfig
SHAPES = [(1,), (16,), (3, 3, 3, 3, 3, 3), (16,) * 6, (8, 8), (16, 2, 9), (1, 16), (8, 4)]


def _grid() -> list[tuple[pg.PlaygroundConfig, bool]]:
    """(config, compare the 4 schemes?) covering every value kind at least once, short runs."""
    configs: list[tuple[pg.PlaygroundConfig, bool]] = []
    activations = itertools.cycle(pg.ACTIVATIONS)
    optimizers = itertools.cycle(OPTIMIZERS)
    schedules = itertools.cycle(SCHEDULES)
    # every shape, full batch and minibatch, with every activation / optimizer / schedule
    for shape, batch in itertools.product(SHAPES, (None, 7)):
        configs.append(
            (
                C(
                    hidden=shape, batch_size=batch, activation=next(activations),
                    optimizer=next(optimizers), schedule=next(schedules), n_samples=60,
                    epochs=2,
                ),
                False,
            )
        )  # fmt: skip
    for activation, optimizer, schedule in zip(
        pg.ACTIVATIONS, itertools.cycle(OPTIMIZERS), itertools.cycle(SCHEDULES), strict=False
    ):
        configs.append((C(activation=activation, optimizer=optimizer, schedule=schedule,
                          epochs=3, n_samples=40), False))  # fmt: skip
    for optimizer, schedule in zip(OPTIMIZERS, itertools.cycle(SCHEDULES), strict=False):
        configs.append((C(optimizer=optimizer, schedule=schedule, epochs=2, n_samples=20,
                          hidden=(16, 2, 9), batch_size=1), False))  # fmt: skip
    for schedule in SCHEDULES:
        configs.append((C(schedule=schedule, epochs=37, n_samples=20, hidden=(3,)), False))
    # batch sizes 1, 7, 32, full; point counts 20 / 400 / 2000; train fractions 0.1 / 0.9
    for n_samples, fraction, batch in itertools.product(
        (20, 400, 2000), (0.1, 0.9), (1, 7, 32, None)
    ):
        configs.append(
            (C(n_samples=n_samples, train_fraction=fraction, batch_size=batch, epochs=1,
               hidden=(3, 2)), False)
        )  # fmt: skip
    # regularization, dropout (full batch and minibatch), every init scheme, frame interval
    configs += [
        (C(l1=0.01, l2=0.02, keep_prob=0.6, epochs=3, n_samples=40), False),
        (C(keep_prob=0.5, batch_size=32, epochs=2, hidden=(16, 2, 9)), False),
        (C(init="xavier", epochs=2, snapshot_every=2), False),
        (C(init="constant", init_scale=-0.3, epochs=2), False),
        (C(epochs=3, n_samples=40), True),
        (C(epochs=3, n_samples=40, hidden=(16,) * 6, batch_size=7, keep_prob=0.8), True),
    ]
    # long runs: every epoch a frame up to 1000, evenly spaced beyond
    configs += [
        (C(epochs=1000, n_samples=20, hidden=(1,)), False),
        (C(epochs=2000, n_samples=20, hidden=(2,), activation="tanh"), False),
        (C(epochs=2000, n_samples=20, hidden=(2,), batch_size=5, optimizer="adam"), False),
        (C(epochs=1, n_samples=2000, train_fraction=0.9, hidden=(16,) * 6), False),
    ]
    return configs


GRID = _grid()


def test_the_grid_covers_every_value_kind() -> None:
    configs = [config for config, _ in GRID]
    assert {c.activation for c in configs} == set(pg.ACTIVATIONS)
    assert {c.optimizer for c in configs} == set(OPTIMIZERS)
    assert {c.schedule for c in configs} == set(SCHEDULES)
    assert {len(c.hidden) for c in configs} >= {1, 6}
    assert {max(c.hidden) for c in configs} >= {1, 3, 8, 16}
    assert {c.batch_size for c in configs} >= {1, 7, 32, None}
    assert {c.n_samples for c in configs} >= {20, 400, 2000}
    assert {c.train_fraction for c in configs} >= {0.1, 0.9}
    assert {c.epochs for c in configs} >= {1, 37, 1000, 2000}
    assert all(pg.validate(c) == [] for c in configs)


@pytest.fixture(scope="module")
def warm() -> None:
    pg.warm_up()


def test_nothing_compiles_after_warm_up(warm) -> None:
    results: list[tuple[pg.PlaygroundConfig, list[pg.PlaygroundRun]]] = []
    with count_compiles() as compiles:
        for config, compare in GRID:
            trained = pg.train_inits(config).values() if compare else [pg.train(config)]
            results.append((config, list(trained)))
        runs = [run for _, trained in results for run in trained]
        # the lazily computed views too (any grid size, any frame)
        for run in runs[:3] + runs[-4:]:
            assert run.boundary.shape == (run.n_frames, 50, 50)
            pg.activation_maps(run, -1, grid_n=23)
        pg.activation_maps(runs[0], 0, grid_n=71)
        pg.train(dataclasses.replace(GRID[0][0], grid_size=17)).boundary_uint8()
    assert compiles == []
    for config, trained in results:
        for run in trained:
            assert run.last_epoch == config.epochs or run.diverged_at is not None
            assert run.snapshot_epochs[-1] == run.last_epoch
    long = next(r for r in runs if r.config.epochs == 2000)
    assert long.n_frames == 1001 and long.snapshot_epochs[1] == 2


def test_the_program_set_is_small_and_in_priority_order() -> None:
    buckets = pg.program_buckets()
    assert 1 <= len(buckets) <= 6
    assert pg.training.config_bucket(pg.PlaygroundConfig()) == buckets[0]
