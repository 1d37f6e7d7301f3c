"""The jitted training program: a ``lax.scan`` over epochs, inside a loop over init schemes.

Per run (everything float32; the parameters are one flat vector θ, see ``FlatLayout``):

* θ₀ = (c + σ_l Z) on weights, 0 on biases, with Z ~ N(0, 1) drawn by NumPy from ``seed``, so
  schemes trained together share Z (and their minibatch order and dropout masks).
* Epoch e (1-based) starts from the state after e − 1 epochs: the training indices are permuted
  by hashing (seed, e − 1) (``playground.hashing``; no permutation for full batch), cut into
  ``⌈n_train / B⌉`` minibatches of B (the last one padded and masked, so every point is used
  exactly once per epoch) and each minibatch makes one update ``θ ← θ + u`` with the optimizer
  from ``optimizers.build_optimizer`` and the rate ``η_t`` from ``optimizers.make_schedule``
  (t counts updates; equal to epochs when full batch). Full batch without dropout reuses the
  evaluation gradient of the epoch start (the same number) instead of computing it twice.
* The state after each epoch is evaluated on the full training and test sets (evaluation
  mode). If anything is non-finite (loss, gradient or weight norm) it is rejected, the run is
  frozen at its last finite state and ``diverged_at`` records the epoch.
* Snapshots: at epochs 0, k, 2k, … and the last epoch θ and the full-batch ``∂L/∂θ`` are
  written into a fixed-size buffer (``MAX_SNAPSHOTS`` slots, traced slot index); after the scan
  the decision boundary is evaluated on the G × G grid for every slot.

Static (a new value compiles a new program): layer sizes, activation, optimizer, schedule,
batch size, the data shapes (n_train, n_test — i.e. n_samples and train_fraction), grid size,
the epoch *bucket* (``EPOCH_BUCKETS``: epochs ≤ bucket run in the same program, frozen after
``epochs``) and the run-slot bucket (``RUN_SLOT_BUCKETS``: 1–4 schemes share a program).
Traced (never recompiles): lr, schedule and optimizer hyperparameters, l1, l2, keep
probability, init scheme/scale, epochs within a bucket, snapshot interval, seed, the data values
(dataset, noise, data seed).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from playground.activations import ACTIVATIONS
from playground.config import MAX_SNAPSHOTS, PlaygroundConfig
from playground.datasets import Dataset
from playground.hashing import DROPOUT_SALT, SHUFFLE_SALT, hashed_permutation, hashed_uniform
from playground.initializers import standard_normal_draw
from playground.layout import FlatLayout
from playground.model import accuracy, bce_from_logits, forward
from playground.optim import build_optimizer, make_schedule

# Epoch counts are rounded up to one of these scan lengths (a program per bucket).
EPOCH_BUCKETS = (10, 25, 50, 100, 200, 300, 500, 750, 1000, 1500, 2000)


class ProgramSpec(NamedTuple):
    """The static part of a training program (hashable; one compiled program per value)."""

    layer_sizes: tuple[int, ...]
    activation: str
    optimizer: str
    schedule: str
    batch_size: int
    steps_per_epoch: int
    epoch_bucket: int
    max_snapshots: int


class Data(NamedTuple):
    x_train: jax.Array  # (n_train, 2)
    y_train: jax.Array  # (n_train,)
    x_test: jax.Array  # (n_test, 2)
    y_test: jax.Array  # (n_test,)
    grid: jax.Array  # (G², 2), row-major: grid[i * G + j] = (xs[j], ys[i])
    init_noise: jax.Array  # (P,) standard-normal Z of the initial weights (numpy, seeded)


class Hyper(NamedTuple):
    """Traced numbers (float32 / int32 scalars)."""

    lr: jax.Array
    l1: jax.Array
    l2: jax.Array
    keep_prob: jax.Array
    epochs: jax.Array
    snapshot_every: jax.Array
    seed: jax.Array
    optimizer_params: Mapping[str, jax.Array]
    schedule_params: Mapping[str, jax.Array]


class Metrics(NamedTuple):
    """Per-epoch records (packed into one vector inside the program: fewer XLA ops per epoch)."""

    train_loss: jax.Array
    test_loss: jax.Array
    train_accuracy: jax.Array
    test_accuracy: jax.Array
    penalty: jax.Array
    learning_rate: jax.Array
    weight_norms: jax.Array  # (n_layers,) ‖W_l‖_F
    grad_norms: jax.Array  # (n_layers,) ‖∂L/∂W_l‖_F
    bias_grad_norms: jax.Array  # (n_layers,) ‖∂L/∂b_l‖ (the back-propagated error, summed)


N_SCALAR_METRICS = 6


def unpack_metrics(packed: Any, n_layers: int) -> Metrics:
    """Split packed records ``(..., 6 + 3 n_layers)`` (jax or numpy) into ``Metrics``."""
    scalars = [packed[..., i] for i in range(N_SCALAR_METRICS)]
    start = N_SCALAR_METRICS
    norms = [packed[..., start + k * n_layers : start + (k + 1) * n_layers] for k in range(3)]
    return Metrics(*scalars, *norms)


class ProgramOutput(NamedTuple):
    records: jax.Array  # (bucket + 1, 6 + 3 n_layers) packed Metrics, row = epoch
    thetas: jax.Array  # (S, P): flat parameters θ at each snapshot slot (see FlatLayout)
    gradients: jax.Array  # (S, P): full-batch ∂L/∂θ (data loss) at each snapshot slot
    boundary: jax.Array  # (S, G²)
    diverged_at: jax.Array  # int32, -1 = never


def epoch_bucket(epochs: int) -> int:
    """The scan length used for ``epochs``: the smallest bucket ≥ epochs."""
    return next(b for b in EPOCH_BUCKETS if b >= epochs)


def _tree_where(condition: jax.Array, new, old):
    return jax.tree.map(lambda a, b: jnp.where(condition, a, b), new, old)


def _run_one(
    spec: ProgramSpec, data: Data, hyper: Hyper, init_stds: jax.Array, init_constant: jax.Array
) -> ProgramOutput:
    """Train one network (init scale given by ``init_stds``, ``init_constant``)."""
    activation = ACTIVATIONS[spec.activation].fn
    layout = FlatLayout(spec.layer_sizes)
    weight_mask = jnp.asarray(layout.weight_mask)
    weight_indicator = jnp.asarray(layout.weight_indicator)
    n_hidden = len(spec.layer_sizes) - 2
    n_train = data.x_train.shape[0]
    batch = spec.batch_size
    steps = spec.steps_per_epoch
    # θ = (c + σ_l Z) on weights, 0 on biases; one standard-normal draw Z for the whole net.
    theta = (init_constant + (init_stds @ weight_indicator) * data.init_noise) * weight_mask
    total_steps = hyper.epochs * steps
    schedule = make_schedule(spec.schedule, hyper.lr, hyper.schedule_params, total_steps)
    optimizer = build_optimizer(spec.optimizer, schedule, **hyper.optimizer_params)
    opt_state = optimizer.init(theta)
    eval_scales = [hyper.keep_prob] * n_hidden
    x_all = jnp.concatenate([data.x_train, data.x_test])

    def penalty(theta: jax.Array) -> jax.Array:
        """λ1 Σ|W| + λ2 Σ W² (weights only; d|w|/dw = sign(w), sign(0) = 0)."""
        weights = theta * weight_mask
        l1_term = jnp.sum(weights * jax.lax.stop_gradient(jnp.sign(weights)))
        return hyper.l1 * l1_term + hyper.l2 * jnp.sum(weights * weights)

    # rows: ‖W_l‖ from θ², then ‖∂L/∂W_l‖ and ‖∂L/∂b_l‖ from the squared gradient
    zeros = np.zeros_like(layout.weight_indicator)
    norm_indicator = jnp.asarray(
        np.block(
            [
                [layout.weight_indicator, zeros],
                [zeros, layout.weight_indicator],
                [zeros, layout.bias_indicator],
            ]
        )
    )

    def evaluate(theta: jax.Array) -> tuple[jax.Array, jax.Array]:
        """Evaluation-mode metrics (packed, learning rate left 0) and the full-batch ∂L/∂θ."""

        def train_data_loss(theta: jax.Array) -> tuple[jax.Array, jax.Array]:
            logits, _ = forward(layout.unflatten(theta), x_all, activation, eval_scales)
            return jnp.mean(bce_from_logits(logits[:n_train], data.y_train)), logits

        (train_loss, logits), gradient = jax.value_and_grad(train_data_loss, has_aux=True)(theta)
        test_logits = logits[n_train:]
        scalars = jnp.stack(
            [
                train_loss,
                jnp.mean(bce_from_logits(test_logits, data.y_test)),
                accuracy(logits[:n_train], data.y_train),
                accuracy(test_logits, data.y_test),
                penalty(theta),
                jnp.float32(0),
            ]
        )
        norms = jnp.sqrt(norm_indicator @ jnp.concatenate([theta * theta, gradient * gradient]))
        return jnp.concatenate([scalars, norms]), gradient

    def objective(theta: jax.Array, xb, yb, wb, scales) -> jax.Array:
        """Minibatch objective: weighted mean BCE (training-mode dropout) + penalty."""
        logits, _ = forward(layout.unflatten(theta), xb, activation, scales)
        data_loss = jnp.sum(wb * bce_from_logits(logits, yb)) / jnp.sum(wb)
        return data_loss + penalty(theta)

    hidden_units = spec.layer_sizes[1:-1]
    unit_offsets = np.cumsum((0, *hidden_units))

    def dropout_masks(step: jax.Array) -> list[jax.Array]:
        """Keep-masks (0/1) per hidden layer, one uniform draw for all layers; ones if p = 1."""

        def sample() -> jax.Array:
            shape = (batch, int(unit_offsets[-1]))
            uniform = hashed_uniform(hyper.seed, DROPOUT_SALT, step, shape)
            return (uniform < hyper.keep_prob).astype(jnp.float32)

        def ones() -> jax.Array:
            return jnp.ones((batch, int(unit_offsets[-1])), jnp.float32)

        masks = jax.lax.cond(hyper.keep_prob < 1, sample, ones)
        return [masks[:, unit_offsets[i] : unit_offsets[i + 1]] for i in range(n_hidden)]

    def apply(state, gradient: jax.Array):
        theta, opt_state = state
        updates, new_opt_state = optimizer.update(gradient, opt_state, theta)
        theta = (theta + updates).astype(jnp.float32)
        new_opt_state = jax.tree.map(lambda n, o: n.astype(o.dtype), new_opt_state, opt_state)
        return theta, new_opt_state

    def update(state, batch_data, step: jax.Array):
        xb, yb, wb = batch_data
        gradient = jax.grad(objective)(state[0], xb, yb, wb, dropout_masks(step))
        return apply(state, gradient)

    full_batch = steps == 1 and batch == n_train

    def train_epoch(state, epoch_index: jax.Array, data_gradient: jax.Array):
        """One pass over the training set (epoch_index = epochs already done).

        ``data_gradient`` is the evaluation-mode full-batch ∂L/∂θ at ``state``: without dropout
        (p = 1) it *is* the full-batch training gradient, so full-batch GD reuses it.
        """
        first_step = epoch_index * steps
        if full_batch:
            full = (data.x_train, data.y_train, jnp.ones((n_train,), jnp.float32))

            def reuse(state):
                return apply(state, data_gradient + jax.grad(penalty)(state[0]))

            return jax.lax.cond(
                hyper.keep_prob < 1, lambda s: update(s, full, first_step), reuse, state
            )
        order = hashed_permutation(hyper.seed, SHUFFLE_SALT, epoch_index, n_train)
        padding = steps * batch - n_train
        indices = jnp.concatenate([order, order[:padding]]).reshape(steps, batch)
        mask = (jnp.arange(steps * batch) < n_train).astype(jnp.float32).reshape(steps, batch)

        def step_fn(state, inputs):
            step_indices, step_mask, step_offset = inputs
            batch_data = (data.x_train[step_indices], data.y_train[step_indices], step_mask)
            return update(state, batch_data, first_step + step_offset), None

        state, _ = jax.lax.scan(step_fn, state, (indices, mask, jnp.arange(steps)))
        return state

    n_slots = spec.max_snapshots
    every = hyper.snapshot_every
    last = hyper.epochs

    def epoch_body(carry, epoch_index):
        """Evaluate the state after ``epoch_index`` epochs, record it, train one more epoch."""
        candidate, accepted, accepted_eval, diverged_at, snapshots = carry
        # 1. Accept the candidate (the previous epoch's result) unless it is non-finite.
        metrics, gradient = evaluate(candidate[0])
        running = diverged_at < 0
        finite = jnp.all(jnp.isfinite(metrics))
        diverged_at = jnp.where(running & ~finite, epoch_index, diverged_at)
        keep = (running & finite) | (epoch_index == 0)  # epoch 0 is recorded even if non-finite
        state, (metrics, gradient) = _tree_where(
            keep, (candidate, (metrics, gradient)), (accepted, accepted_eval)
        )
        # 2. Record it, and snapshot θ and ∂L/∂θ at epochs 0, k, 2k, … and the last epoch.
        do_write = ((epoch_index % every == 0) & (epoch_index <= last)) | (epoch_index == last)
        slot = jnp.minimum((epoch_index + every - 1) // every, n_slots - 1)
        old = jax.lax.dynamic_index_in_dim(snapshots, slot, keepdims=False)
        new = jnp.where(do_write, jnp.stack([state[0], gradient]), old)
        snapshots = jax.lax.dynamic_update_index_in_dim(snapshots, new, slot, 0)
        learning_rate = schedule(epoch_index * steps).astype(jnp.float32)
        record = metrics.at[N_SCALAR_METRICS - 1].set(learning_rate)
        # 3. Train one more epoch (skipped once all epochs are done; frozen after divergence).
        next_candidate = jax.lax.cond(
            epoch_index < last, lambda s: train_epoch(s, epoch_index, gradient), lambda s: s, state
        )
        next_candidate = _tree_where(diverged_at < 0, next_candidate, state)
        return (next_candidate, state, (metrics, gradient), diverged_at, snapshots), record

    state = (theta, opt_state)
    n_layers = layout.n_layers
    zero_metrics = jnp.zeros(N_SCALAR_METRICS + 3 * n_layers, jnp.float32)
    snapshots = jnp.zeros((n_slots, 2, layout.size), jnp.float32)
    carry = (state, state, (zero_metrics, jnp.zeros_like(theta)), jnp.int32(-1), snapshots)
    carry, records = jax.lax.scan(
        epoch_body, carry, jnp.arange(spec.epoch_bucket + 1, dtype=jnp.int32)
    )
    diverged_at, snapshots = carry[3], carry[4]
    thetas, gradients = snapshots[:, 0], snapshots[:, 1]

    def boundary(theta: jax.Array) -> jax.Array:
        logits, _ = forward(layout.unflatten(theta), data.grid, activation, eval_scales)
        return jax.nn.sigmoid(logits)

    boundaries = jax.vmap(boundary)(thetas)
    return ProgramOutput(records, thetas, gradients, boundaries, diverged_at)


# Schemes trained in one call are written into a fixed number of slots (4, or 8 for up to 7).
RUN_SLOT_BUCKETS = (4, 8)


def run_slots(n_runs: int) -> int:
    """Slots of the program that trains ``n_runs`` schemes: the smallest bucket ≥ n_runs."""
    return next(b for b in RUN_SLOT_BUCKETS if b >= n_runs)


@functools.partial(jax.jit, static_argnums=0)
def training_program(
    spec: ProgramSpec,
    data: Data,
    hyper: Hyper,
    init_stds: jax.Array,
    init_constants: jax.Array,
    n_runs: jax.Array,
) -> ProgramOutput:
    """Train ``n_runs`` networks that differ only in their init scale, one after the other.

    ``init_stds`` (slots, n_layers) and ``init_constants`` (slots,) give each slot's scale; only
    the first ``n_runs`` (traced) slots are trained, the others stay zero. Same data, seed and
    hyperparameters for all. A loop rather than ``vmap``: on CPU the batched small matmuls were
    slower than running the networks in turn, and the loop body compiles once, so
    ``train`` (1 run) and ``train_inits`` (4 runs) share this program.
    """
    train_one = functools.partial(_run_one, spec, data, hyper)
    slots = init_stds.shape[0]
    shapes = jax.eval_shape(train_one, init_stds[0], init_constants[0])
    empty = jax.tree.map(lambda leaf: jnp.zeros((slots, *leaf.shape), leaf.dtype), shapes)

    def train_slot(index: jax.Array, outputs: ProgramOutput) -> ProgramOutput:
        result = train_one(init_stds[index], init_constants[index])
        return jax.tree.map(
            lambda buffer, value: jax.lax.dynamic_update_index_in_dim(buffer, value, index, 0),
            outputs,
            result,
        )

    return jax.lax.fori_loop(0, n_runs, train_slot, empty)


def program_spec(config: PlaygroundConfig) -> ProgramSpec:
    """The static part of ``config``'s program."""
    return ProgramSpec(
        layer_sizes=config.layer_sizes,
        activation=config.activation,
        optimizer=config.optimizer,
        schedule=config.schedule,
        batch_size=config.effective_batch_size,
        steps_per_epoch=config.steps_per_epoch,
        epoch_bucket=epoch_bucket(int(config.epochs)),
        max_snapshots=MAX_SNAPSHOTS,
    )


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


def program_inputs(config: PlaygroundConfig, dataset: Dataset) -> tuple[Data, Hyper]:
    """Device inputs for ``training_program``, with normalized dtypes (no retracing)."""
    xs, ys = grid_axes(dataset.box, int(config.grid_size))
    data = Data(
        x_train=jnp.asarray(dataset.x_train, jnp.float32),
        y_train=jnp.asarray(dataset.y_train, jnp.float32),
        x_test=jnp.asarray(dataset.x_test, jnp.float32),
        y_test=jnp.asarray(dataset.y_test, jnp.float32),
        grid=jnp.asarray(grid_points(xs, ys)),
        init_noise=jnp.asarray(standard_normal_draw(int(config.seed), config.layer_sizes)),
    )
    f32: Callable[[float], np.ndarray] = lambda value: np.asarray(value, np.float32)  # noqa: E731
    hyper = Hyper(
        lr=f32(config.lr),
        l1=f32(config.l1),
        l2=f32(config.l2),
        keep_prob=f32(config.keep_prob),
        epochs=np.asarray(int(config.epochs), np.int32),
        snapshot_every=np.asarray(config.effective_snapshot_every, np.int32),
        seed=np.asarray(int(config.seed), np.int32),
        optimizer_params={k: f32(v) for k, v in config.resolved_optimizer_params().items()},
        schedule_params={k: f32(v) for k, v in config.resolved_schedule_params().items()},
    )
    return data, hyper
