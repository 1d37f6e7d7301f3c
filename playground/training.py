"""``train`` and ``train_inits``: validated config in, ``PlaygroundRun`` (numpy) out.

Host side of the engine: builds the traced inputs of the bucket's compiled program (NumPy only,
so nothing here compiles), calls it once per initialization scheme (the calls are dispatched
asynchronously and run back to back) and cuts the padded outputs to the real network.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np

from jax_config import first_call
from playground.activations import ACTIVATIONS
from playground.config import ConfigError, PlaygroundConfig, check, snapshot_schedule
from playground.datasets import Dataset, make_dataset
from playground.engine import (
    POINT_CAPACITY,
    Data,
    Hyper,
    Init,
    ProgramBucket,
    ProgramOutput,
    Structure,
    bucket_for,
    training_program,
    unpack_metrics,
)
from playground.initializers import (
    DEMO_INIT_IDS,
    INIT_SCHEMES,
    layer_init_parameters,
    standard_normal_draw,
)
from playground.layout import MAX_HIDDEN, N_SLOTS, FlatLayout, PaddedLayout
from playground.optim import (
    OPTIMIZER_IDS,
    OPTIMIZERS,
    RULE_PARAMETER_NAMES,
    SCHEDULE_KINDS,
    SCHEDULE_PARAMETER_NAMES,
    SCHEDULES,
)
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
    """Train one network per init scheme in ``inits`` side by side (same compiled program).

    Everything but the initialization comes from ``config`` (its ``init``/``init_scale`` are
    ignored): same data, same seed — hence the same standard-normal draw Z scaled differently,
    the same minibatch order and dropout masks. Each scheme uses its own default scale; each
    returned run's ``config`` names its scheme. Keys keep the order of ``inits``.
    """
    inits = list(dict.fromkeys(inits))
    unknown = [i for i in inits if not isinstance(i, str) or i not in INIT_SCHEMES]
    if not inits or unknown:
        raise ConfigError(
            [f"initialization: unknown choice(s) {unknown}; choose from {', '.join(INIT_SCHEMES)}."]
        )
    check(config)
    return _train_schemes(config, [(scheme, None) for scheme in inits])


def train_as_given(config: PlaygroundConfig) -> PlaygroundRun:
    """Train ``config`` without ``check``: for engine callers whose config the page's validation
    does not accept as it is (the range test's growing rate, ``playground.lr_range_test``)."""
    return _train_schemes(config, [(config.init, config.init_scale)])[config.init]


def config_bucket(config: PlaygroundConfig) -> ProgramBucket:
    """The compiled program a (valid) config runs in."""
    plain_full_batch = config.effective_batch_size >= config.n_train and config.keep_prob >= 1
    return bucket_for(config.layer_sizes, plain_full_batch)


def _f32(value: float) -> np.ndarray:
    return np.asarray(value, np.float32)


def _i32(value: int) -> np.ndarray:
    return np.asarray(value, np.int32)


def program_data(dataset: Dataset) -> Data:
    """Training then test points, zero-padded to ``POINT_CAPACITY``."""
    n_train, n_test = dataset.n_train, dataset.n_test
    x = np.zeros((POINT_CAPACITY, 2), np.float32)
    y = np.zeros(POINT_CAPACITY, np.float32)
    x[:n_train], x[n_train : n_train + n_test] = dataset.x_train, dataset.x_test
    y[:n_train], y[n_train : n_train + n_test] = dataset.y_train, dataset.y_test
    return Data(x, y, _i32(n_train), _i32(n_test))


def program_structure(config: PlaygroundConfig, layout: PaddedLayout) -> Structure:
    """Depth, unit and parameter masks of ``config``'s network in ``layout``."""
    hidden = [int(units) for units in config.hidden]
    unit_mask = np.zeros((MAX_HIDDEN, layout.width), np.float32)
    for layer, units in enumerate(hidden):
        unit_mask[layer, :units] = 1.0
    offsets = np.zeros(MAX_HIDDEN, np.int32)
    offsets[: len(hidden)] = np.cumsum([0, *hidden[:-1]])
    real_weights = layout.scatter(FlatLayout(config.layer_sizes).weight_mask, config.layer_sizes)
    return Structure(
        depth=_i32(len(hidden)),
        unit_mask=unit_mask,
        param_mask=layout.param_mask(config.layer_sizes),
        weight_mask=real_weights,
        unit_offsets=offsets,
        n_units=_i32(sum(hidden)),
        activation=_i32(list(ACTIVATIONS).index(config.activation)),
    )


def _all_parameters(chosen: dict[str, float], registry, names: Sequence[str]) -> dict:
    """Every traced parameter name: the chosen entry's values, defaults of the others."""
    values = {}
    for spec in registry.values():
        parameters = getattr(spec, "rule_hyperparameters", None) or getattr(spec, "parameters", ())
        for parameter in parameters:
            values.setdefault(parameter.name, float(parameter.default))
    values.update(chosen)
    return {name: _f32(values[name]) for name in names}


def program_hyper(config: PlaygroundConfig) -> Hyper:
    """The traced numbers of ``config``."""
    return Hyper(
        lr=_f32(config.lr),
        l1=_f32(config.l1),
        l2=_f32(config.l2),
        keep_prob=_f32(config.keep_prob),
        batch_size=_i32(config.effective_batch_size),
        steps_per_epoch=_i32(config.steps_per_epoch),
        epochs=_i32(int(config.epochs)),
        frame_every=_i32(config.effective_snapshot_every),
        seed=_i32(int(config.seed)),
        optimizer=_i32(OPTIMIZER_IDS.index(config.optimizer)),
        optimizer_params=_all_parameters(
            config.resolved_optimizer_params(), OPTIMIZERS, RULE_PARAMETER_NAMES
        ),
        schedule=_i32(SCHEDULE_KINDS.index(config.schedule)),
        schedule_params=_all_parameters(
            config.resolved_schedule_params(), SCHEDULES, SCHEDULE_PARAMETER_NAMES
        ),
    )


def program_init(
    scheme: str, scale: float | None, config: PlaygroundConfig, layout: PaddedLayout
) -> Init:
    """Z in the padded layout and the scheme's σ per slot and constant c."""
    sizes = config.layer_sizes
    stds, constant = layer_init_parameters(scheme, scale, sizes)
    n_layers = len(sizes) - 1
    slot_stds = np.zeros(N_SLOTS, np.float32)
    for layer in range(n_layers):
        slot_stds[PaddedLayout.slot_of_layer(layer, n_layers)] = stds[layer]
    noise = layout.scatter(standard_normal_draw(int(config.seed), sizes), sizes)
    return Init(noise, slot_stds, _f32(constant))


def _train_schemes(
    config: PlaygroundConfig, schemes: list[tuple[str, float | None]]
) -> dict[str, PlaygroundRun]:
    dataset = dataset_for(config)
    bucket = config_bucket(config)
    layout = bucket.layout
    data = program_data(dataset)
    structure = program_structure(config, layout)
    hyper = program_hyper(config)
    # first_call: a request that needs a bucket the background warm-up is compiling waits
    # for that compilation instead of compiling the same program beside it.
    outputs = [
        first_call(
            ("playground", bucket),
            lambda s=s, scale=scale: training_program(
                bucket, data, structure, hyper, program_init(s, scale, config, layout)
            ),
        )
        for s, scale in schemes
    ]
    runs = {}
    for (scheme, scale), output in zip(schemes, outputs, strict=True):
        run_config = dataclasses.replace(config, init=scheme, init_scale=scale)
        runs[scheme] = _to_run(run_config, dataset, layout, output)
    return runs


def _to_run(
    config: PlaygroundConfig, dataset: Dataset, layout: PaddedLayout, output: ProgramOutput
) -> PlaygroundRun:
    """Cut one program output to the run's epochs, frames and real parameters."""
    diverged = int(output.diverged_at)
    diverged_at = diverged if diverged >= 0 else None
    last = int(config.epochs) if diverged_at is None else max(diverged_at - 1, 0)
    labels = snapshot_schedule(last, config.effective_snapshot_every)
    # NumPy slicing (slicing the jax arrays would compile a slice per length)
    records = unpack_metrics(np.asarray(output.records)[: last + 1])
    frames = np.asarray(output.frames)[: len(labels)]
    sizes = config.layer_sizes
    real = FlatLayout(sizes)
    params = real.unflatten(layout.gather(frames[:, 0], sizes))
    grads = real.unflatten(layout.gather(frames[:, 1], sizes))
    n_layers = len(sizes) - 1
    slots = [PaddedLayout.slot_of_layer(layer, n_layers) for layer in range(n_layers)]

    def per_epoch(values: np.ndarray) -> np.ndarray:
        return np.ascontiguousarray(values, dtype=np.float32)

    def per_layer(values: np.ndarray) -> np.ndarray:
        return np.ascontiguousarray(values[:, slots], dtype=np.float32)

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
        weight_norms=per_layer(records.weight_norms),
        grad_norms=per_layer(records.grad_norms),
        bias_grad_norms=per_layer(records.bias_grad_norms),
        snapshot_epochs=np.asarray(labels, dtype=np.int32),
        weights=tuple(np.ascontiguousarray(w) for w, _ in params),
        biases=tuple(np.ascontiguousarray(b) for _, b in params),
        weight_grads=tuple(np.ascontiguousarray(g) for g, _ in grads),
        bias_grads=tuple(np.ascontiguousarray(g) for _, g in grads),
        diverged_at=diverged_at,
    )
