"""``train`` and ``train_inits``: validated config in, ``PlaygroundRun`` (numpy) out."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import jax
import numpy as np

from playground.config import PlaygroundConfig, check
from playground.datasets import Dataset, make_dataset
from playground.engine import (
    ProgramOutput,
    grid_axes,
    program_inputs,
    program_spec,
    run_slots,
    training_program,
    unpack_metrics,
)
from playground.initializers import DEMO_INIT_IDS, INIT_SCHEMES, layer_init_parameters
from playground.layout import FlatLayout
from playground.run import PlaygroundRun


def dataset_for(config: PlaygroundConfig) -> Dataset:
    """The data set ``config`` describes (seeded by ``config.data_seed``)."""
    return make_dataset(
        config.dataset,
        int(config.n_samples),
        float(config.noise),
        float(config.train_fraction),
        int(config.data_seed),
    )


def train(config: PlaygroundConfig) -> PlaygroundRun:
    """Train the network ``config`` describes; ``ConfigError`` (a ValueError) if it is invalid."""
    check(config)
    return _train_schemes(config, [(config.init, config.init_scale)])[config.init]


def train_inits(
    config: PlaygroundConfig, inits: Sequence[str] = DEMO_INIT_IDS
) -> dict[str, PlaygroundRun]:
    """Train one network per init scheme in ``inits`` side by side, in ONE jitted call.

    Everything but the initialization comes from ``config`` (its ``init``/``init_scale`` are
    ignored): same data, same seed — hence the same standard-normal draw Z scaled differently,
    the same minibatch order and dropout masks. Each scheme uses its own default scale; each
    returned run's ``config`` names its scheme. Keys keep the order of ``inits``.
    """
    inits = list(dict.fromkeys(inits))
    unknown = [i for i in inits if not isinstance(i, str) or i not in INIT_SCHEMES]
    if not inits or unknown:
        from playground.config import ConfigError

        raise ConfigError(
            [f"initialization: unknown choice(s) {unknown}; choose from {', '.join(INIT_SCHEMES)}."]
        )
    check(config)
    return _train_schemes(config, [(scheme, None) for scheme in inits])


def _train_schemes(
    config: PlaygroundConfig, schemes: list[tuple[str, float | None]]
) -> dict[str, PlaygroundRun]:
    dataset = dataset_for(config)
    data, hyper = program_inputs(config, dataset)
    stds, constants = zip(
        *(layer_init_parameters(s, scale, config.layer_sizes) for s, scale in schemes),
        strict=True,
    )
    slots = run_slots(len(schemes))
    padding = slots - len(schemes)
    output = training_program(
        program_spec(config),
        data,
        hyper,
        np.concatenate([np.stack(stds), np.zeros((padding, len(stds[0])))]).astype(np.float32),
        np.asarray([*constants, *([0.0] * padding)], np.float32),
        np.asarray(len(schemes), np.int32),
    )
    output = jax.device_get(output)
    xs, ys = grid_axes(dataset.box, int(config.grid_size))
    runs = {}
    for index, (scheme, scale) in enumerate(schemes):
        run_config = dataclasses.replace(config, init=scheme, init_scale=scale)
        runs[scheme] = _to_run(run_config, dataset, output, index, xs, ys)
    return runs


def _to_run(
    config: PlaygroundConfig,
    dataset: Dataset,
    output: ProgramOutput,
    index: int,
    xs: np.ndarray,
    ys: np.ndarray,
) -> PlaygroundRun:
    """Slice run ``index`` of a program output to its epochs and snapshots."""
    epochs = int(config.epochs)
    diverged = int(output.diverged_at[index])
    diverged_at = diverged if diverged >= 0 else None
    last = epochs if diverged_at is None else max(diverged_at - 1, 0)
    schedule = config.snapshot_epochs
    slots = [slot for slot, epoch in enumerate(schedule) if epoch <= last]
    labels = [schedule[slot] for slot in slots]
    if labels[-1] != last:  # diverged: the last slot holds the frozen last finite state
        slots.append(len(schedule) - 1)
        labels.append(last)
    slots_array = np.asarray(slots)
    rows = slice(0, last + 1)
    records = unpack_metrics(output.records, len(config.layer_sizes) - 1)
    grid_n = xs.shape[0]
    layout = FlatLayout(config.layer_sizes)
    params = layout.unflatten(output.thetas[index, slots_array])
    grads = layout.unflatten(output.gradients[index, slots_array])

    def per_epoch(values: np.ndarray) -> np.ndarray:
        return np.ascontiguousarray(values[index, rows], dtype=np.float32)

    def per_snapshot(values: np.ndarray) -> np.ndarray:
        return np.ascontiguousarray(values[index, slots_array], dtype=np.float32)

    return PlaygroundRun(
        config=config,
        dataset=dataset,
        epochs=np.arange(last + 1, dtype=np.int32),
        train_loss=per_epoch(records.train_loss),
        test_loss=per_epoch(records.test_loss),
        train_accuracy=per_epoch(records.train_accuracy),
        test_accuracy=per_epoch(records.test_accuracy),
        penalty=per_epoch(records.penalty),
        learning_rate=per_epoch(records.learning_rate),
        weight_norms=per_epoch(records.weight_norms),
        grad_norms=per_epoch(records.grad_norms),
        bias_grad_norms=per_epoch(records.bias_grad_norms),
        snapshot_epochs=np.asarray(labels, dtype=np.int32),
        weights=tuple(np.ascontiguousarray(w) for w, _ in params),
        biases=tuple(np.ascontiguousarray(b) for _, b in params),
        weight_grads=tuple(np.ascontiguousarray(g) for g, _ in grads),
        bias_grads=tuple(np.ascontiguousarray(g) for _, g in grads),
        boundary=per_snapshot(output.boundary).reshape(len(slots), grid_n, grid_n),
        grid_x=xs,
        grid_y=ys,
        diverged_at=diverged_at,
    )
