"""The compiled training programs: a fixed set of four, every setting traced.

Buckets (``PROGRAM_BUCKETS``, in warm-up priority order; static = capacities only)::

    width  depth  minibatch rows  passes     serves
    8      2      0 (full batch)  unrolled   ≤ 2 hidden layers of ≤ 8, full batch, p = 1
                                              (the default configuration)
    16     6      0 (full batch)  unrolled   every network, full batch, p = 1
    8      2      16              unrolled   ≤ 2 hidden layers of ≤ 8, minibatches / dropout
    16     6      16              layer loop everything

All four evaluate the points in blocks of 200 rows (a traced loop over ⌈n / 200⌉ blocks, so
20 … 2000 points need no point bucket) and record into fixed buffers (2001 epoch rows, 1001
frames). "Unrolled" passes are a ``lax.switch`` over the static networks of depth 1 … capacity
(fastest; the branches share kernels); the general 16 × 6 program uses a loop over layers
instead, which keeps it compiling in about the same time as the others.

Why these (measured on the 2-core machine, shared with other jobs, so ±50 %; kernel counts and
the benchmark ``benchmarks/playground_engine.py`` are the stable references):

* compile (``warm_up_bucket``: trace + XLA + a 2-epoch run; load ≈ 2): 8×2 full batch
  1.8–2.0 s (132 distinct kernels), 16×6 full batch 2.9 s (178), 8×2 minibatch 2.4–2.8 s
  (193), 16×6 general 2.5–3.1 s (191); views 0.8 s; ≈ 11 s in all (the very first compile of
  a process adds ≈ 1 s of one-time XLA set-up). Executables 0.6 / 1.2 / 0.9 / 0.9 MB
  serialized; a call allocates its outputs (frames: 3.2 MB at width 8, 11.1 MB at width 16),
  freed once cut to the real network.
* run time: the default 4 schemes × 500 epochs 60–130 ms (budget 300; the old per-shape
  programs: 57 ms, with 51 snapshots); one run ≈ 23 ms; the same 4 runs at batch 32 ≈ 350 ms
  (old: 280); the largest network (6 × 16, 2000 points, batch 1, 200 000 updates) 7.5 s (old:
  10 s). The default net in the width-16 program takes 2× as long (its 8 × 4 layer padded to
  16 × 16): why width 8 has programs of its own. Unrolled passes are 2–3× faster than the
  layer loop at 200 rows (12 vs 35 µs a pass at width 8, depth 2), ≈ 1.5× at 16 rows; an
  unrolled general 16 × 6 program had 45 % more kernels (≈ +1.5 s compile) for ≈ 10 % faster
  minibatch runs, so that one loops. Full-batch-only programs leave out the minibatch machinery
  (shuffle sort, dropout hashes, minibatch passes): 30 % fewer kernels.
* padding waste: ≤ 199 padded rows per evaluation (n = 400: none); width 8 pads the default
  (8, 4) to (8, 8); a minibatch of b rows costs ⌈b / 16⌉ passes of 16 rows (batch 1: 15 padded
  rows, but passes that small cost their kernel launches, not their rows); the shuffle sorts
  256 keys when n_train ≤ 256, else 2000.

Per run (everything float32; the parameters are one padded flat vector θ, see
``PaddedLayout``):

* θ₀ = (c + σ_l Z) on the real weights, 0 elsewhere, with Z ~ N(0, 1) drawn by NumPy from
  ``seed`` in the real layout (``standard_normal_draw``) and scattered into the padded one, so
  schemes trained with the same seed share Z (and their minibatch order and dropout masks).
* Epoch e (1-based) starts from the state after e − 1 epochs: the training indices are permuted
  by hashing (seed, e − 1) (``playground.hashing``; no permutation for full batch), cut into
  ``S = ⌈n_train / B⌉`` minibatches of B (the last one smaller) and each minibatch makes one
  update ``θ ← θ + u`` with the rule from ``optimizers.build_optimizer`` and the rate ``η_t``
  of the schedule (t counts updates; equal to epochs when full batch). A minibatch's gradient
  is accumulated over passes of ``bucket.minibatch_rows`` rows (``⌈b / rows⌉``, a traced loop
  bound); its objective is the mean BCE over its b rows (training-mode dropout) + penalty.
  Full batch without dropout reuses the evaluation gradient of the epoch start (the same
  number) instead of computing it twice.
* The state after each epoch is evaluated on the full training and test sets (evaluation mode,
  masked means over the padded point arrays). If anything is non-finite (loss, gradient or
  weight norm) it is rejected, training stops at the last finite state and ``diverged_at``
  records the epoch.
* Frames: every epoch e writes θ and the full-batch ``∂L/∂θ`` into frame slot ⌈e / k⌉, so
  slot j ends up holding epoch j·k and the last slot the last epoch (or last finite state).

Static (one compiled program per value): the ``ProgramBucket`` (width and depth capacity,
minibatch rows, block rows). Traced: everything else — layer sizes and depth (unit masks,
depth switch / loop bound), activation (``lax.switch``), optimizer
(``playground.optim.shared_update``), schedule (``make_traced_schedule``), n_train / n_test
(masked sums, block count), batch size and steps per epoch (loop bounds), epochs (a
``while_loop`` that also stops at divergence), frame interval, lr, every hyperparameter, l1,
l2, keep probability, init scheme/scale, seeds, data.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from playground.config import EPOCHS_RANGE, MAX_FRAMES, N_SAMPLES_RANGE, UNITS_RANGE
from playground.hashing import (
    DROPOUT_SALT,
    SHUFFLE_SALT,
    bits_to_uniform,
    hashed_bits_at,
    padded_permutation,
)
from playground.layout import MAX_HIDDEN, N_SLOTS, PaddedLayout
from playground.network import (
    Net,
    flatten,
    loss_and_gradient,
    loss_and_gradient_loop,
    unflatten,
)
from playground.optim import SharedState, shared_init, shared_update, traced_schedule

MAX_EPOCHS = EPOCHS_RANGE[1]


class ProgramBucket(NamedTuple):
    """The static part of a training program (one compiled program per value): capacities."""

    width: int  # hidden units per layer, capacity
    depth: int  # hidden layers, capacity
    minibatch_rows: int  # rows per minibatch pass; 0: full-batch updates without dropout only
    block_rows: int = 200  # rows per evaluation pass (the points are processed in blocks)

    @property
    def layout(self) -> PaddedLayout:
        return PaddedLayout(self.width)

    @property
    def full_batch_only(self) -> bool:
        return self.minibatch_rows == 0

    @property
    def unrolled(self) -> bool:
        """Passes as a switch over the static networks of each depth (fast), or with a loop over
        the layers for the deep general program (one layer body: a smaller program)."""
        return self.full_batch_only or self.depth <= 2

    def fits(self, layer_sizes: tuple[int, ...], full_batch_without_dropout: bool) -> bool:
        hidden = layer_sizes[1:-1]
        return (
            len(hidden) <= self.depth
            and max(hidden) <= self.width
            and (full_batch_without_dropout or not self.full_batch_only)
        )


BLOCK_ROWS = ProgramBucket._field_defaults["block_rows"]
MINIBATCH_ROWS = 16
SMALL_SORT = 256  # training sets up to this size are shuffled with a 256-key sort
POINT_CAPACITY = -(-N_SAMPLES_RANGE[1] // BLOCK_ROWS) * BLOCK_ROWS

# In priority order: the default configuration's program first (see the module docstring).
PROGRAM_BUCKETS: tuple[ProgramBucket, ...] = (
    ProgramBucket(8, 2, 0),
    ProgramBucket(UNITS_RANGE[1], MAX_HIDDEN, 0),
    ProgramBucket(8, 2, MINIBATCH_ROWS),
    ProgramBucket(UNITS_RANGE[1], MAX_HIDDEN, MINIBATCH_ROWS),
)
WIDTH_BUCKETS = tuple(sorted({bucket.width for bucket in PROGRAM_BUCKETS}))


def bucket_for(layer_sizes: tuple[int, ...], full_batch_without_dropout: bool) -> ProgramBucket:
    """The first bucket that fits a network and its kind of updates."""
    return next(b for b in PROGRAM_BUCKETS if b.fits(layer_sizes, full_batch_without_dropout))


class Data(NamedTuple):
    x: jax.Array  # (POINT_CAPACITY, 2) float32: training points, then test points, then zeros
    y: jax.Array  # (POINT_CAPACITY,) float32
    n_train: jax.Array  # int32
    n_test: jax.Array  # int32


class Structure(NamedTuple):
    """The real network inside the padded layout (traced)."""

    depth: jax.Array  # int32, hidden layers 1 … 6
    unit_mask: jax.Array  # (6, H) float32: 1 on real units
    param_mask: jax.Array  # (P,) float32: 1 on real weights and biases
    weight_mask: jax.Array  # (P,) float32: 1 on real weights
    unit_offsets: jax.Array  # (6,) int32: index of each layer's first unit among all hidden
    n_units: jax.Array  # int32: hidden units in total (dropout counters: row · n_units + unit)
    activation: jax.Array  # int32 index into ACTIVATION_IDS


class Hyper(NamedTuple):
    """Traced numbers (float32 / int32 scalars)."""

    lr: jax.Array
    l1: jax.Array
    l2: jax.Array
    keep_prob: jax.Array
    batch_size: jax.Array  # effective B = min(batch, n_train)
    steps_per_epoch: jax.Array  # S = ⌈n_train / B⌉
    epochs: jax.Array
    frame_every: jax.Array
    seed: jax.Array
    optimizer: jax.Array  # index into OPTIMIZER_IDS
    optimizer_params: Mapping[str, jax.Array]  # every RULE_PARAMETER_NAMES entry
    schedule: jax.Array  # index into SCHEDULE_KINDS
    schedule_params: Mapping[str, jax.Array]  # every SCHEDULE_PARAMETER_NAMES entry


class Init(NamedTuple):
    noise: jax.Array  # (P,) the run's Z in the padded layout
    slot_stds: jax.Array  # (7,) σ of each slot's weights
    constant: jax.Array  # c


N_SCALAR_METRICS = 6
LEARNING_RATE_COLUMN = 5
N_METRICS = N_SCALAR_METRICS + 3 * N_SLOTS


class Metrics(NamedTuple):
    """Per-epoch records (columns of the packed records): norms per slot."""

    train_loss: np.ndarray
    test_loss: np.ndarray
    train_accuracy: np.ndarray
    test_accuracy: np.ndarray
    penalty: np.ndarray
    learning_rate: np.ndarray
    weight_norms: np.ndarray  # (…, 7) ‖W‖_F per slot
    grad_norms: np.ndarray  # (…, 7) ‖∂L/∂W‖_F per slot
    bias_grad_norms: np.ndarray  # (…, 7) ‖∂L/∂b‖ per slot


def unpack_metrics(packed: np.ndarray) -> Metrics:
    """Split packed records ``(…, 6 + 3·7)`` into ``Metrics`` (norms still per slot)."""
    scalars = [packed[..., i] for i in range(N_SCALAR_METRICS)]
    start = N_SCALAR_METRICS
    norms = [packed[..., start + k * N_SLOTS : start + (k + 1) * N_SLOTS] for k in range(3)]
    return Metrics(*scalars, *norms)


class ProgramOutput(NamedTuple):
    records: jax.Array  # (MAX_EPOCHS + 1, N_METRICS): row e = after e epochs
    frames: jax.Array  # (MAX_FRAMES, 2, P): θ and ∂L/∂θ per frame slot
    diverged_at: jax.Array  # int32, -1 = never


def _tree_where(condition: jax.Array, new, old):
    return jax.tree.map(lambda a, b: jnp.where(condition, a, b), new, old)


def _slot_sums(net: Net) -> tuple[jax.Array, jax.Array]:
    """Per slot (7,): Σ W² and Σ b²."""
    weights = jnp.concatenate(
        [
            jnp.sum(net.first_w**2)[None],
            jnp.sum(net.hidden_w**2, axis=(1, 2)),
            jnp.sum(net.out_w**2)[None],
        ]
    )
    biases = jnp.concatenate(
        [jnp.sum(net.first_b**2)[None], jnp.sum(net.hidden_b**2, axis=1), (net.out_b**2)[None]]
    )
    return weights, biases


class TrainState(NamedTuple):
    theta: jax.Array
    optimizer: SharedState


def _run(
    bucket: ProgramBucket, data: Data, structure: Structure, hyper: Hyper, init: Init
) -> ProgramOutput:
    layout = bucket.layout
    width, block, small = bucket.width, bucket.block_rows, bucket.minibatch_rows
    if bucket.unrolled:
        network_pass = functools.partial(loss_and_gradient, max_depth=bucket.depth)
    else:
        network_pass = loss_and_gradient_loop
    depth, activation = structure.depth, structure.activation
    batch, steps = hyper.batch_size, hyper.steps_per_epoch
    n_train, n_test = data.n_train, data.n_test
    n_train_f, n_test_f = n_train.astype(jnp.float32), n_test.astype(jnp.float32)
    static_weight_mask = jnp.asarray(layout.weight_mask)
    slot_of_position = np.repeat(
        np.arange(N_SLOTS), [end - start for start, _, end in layout.slot_offsets]
    )
    init_stds = init.slot_stds[slot_of_position]
    theta = jnp.where(structure.weight_mask > 0, init.constant + init_stds * init.noise, 0.0)
    schedule = traced_schedule(
        hyper.schedule, hyper.lr, hyper.schedule_params, hyper.epochs * steps
    )
    full_batch = batch >= n_train

    def penalty(theta: jax.Array) -> jax.Array:
        """λ1 Σ|W| + λ2 Σ W² (weights only)."""
        weights = theta * static_weight_mask
        return hyper.l1 * jnp.sum(jnp.abs(weights)) + hyper.l2 * jnp.sum(weights * weights)

    def penalty_gradient(theta: jax.Array) -> jax.Array:
        """∂penalty/∂θ = λ1 sign(W) + 2 λ2 W on weights (sign(0) = 0), 0 on biases."""
        weights = theta * static_weight_mask
        return static_weight_mask * (hyper.l1 * jnp.sign(weights) + 2 * hyper.l2 * weights)

    block_unit_mask = jnp.broadcast_to(structure.unit_mask[:, None, :], (MAX_HIDDEN, block, width))
    eval_scales = hyper.keep_prob * block_unit_mask

    def evaluate(theta: jax.Array) -> tuple[jax.Array, jax.Array]:
        """Evaluation-mode metrics (packed, learning rate left 0) and the full-batch ∂L/∂θ.

        A loop over ⌈(n_train + n_test) / block⌉ blocks of points (masked sums).
        """
        net = unflatten(layout, theta)
        train_weight = 1.0 / n_train_f

        def block_fn(index: jax.Array, totals):
            sums, gradient = totals
            start = index * block
            rows = start + jnp.arange(block)
            x = jax.lax.dynamic_slice_in_dim(data.x, start, block)
            y = jax.lax.dynamic_slice_in_dim(data.y, start, block)
            train_rows = rows < n_train
            test_rows = (rows >= n_train) & (rows < n_train + n_test)
            result = network_pass(
                net,
                x,
                y,
                jnp.where(train_rows, train_weight, 0.0),
                eval_scales,
                depth,
                activation,
            )
            correct = (result.logits > 0) == (y > 0.5)
            block_sums = jnp.stack(
                [
                    jnp.sum(jnp.where(train_rows, result.loss_terms, 0.0)),
                    jnp.sum(jnp.where(test_rows, result.loss_terms, 0.0)),
                    jnp.sum((train_rows & correct).astype(jnp.float32)),
                    jnp.sum((test_rows & correct).astype(jnp.float32)),
                ]
            )
            return sums + block_sums, gradient + flatten(result.gradient)

        n_blocks = (n_train + n_test + block - 1) // block
        sums, gradient = jax.lax.fori_loop(
            0, n_blocks, block_fn, (jnp.zeros(4, jnp.float32), jnp.zeros_like(theta))
        )
        counts = jnp.stack([n_train_f, n_test_f, n_train_f, n_test_f])
        scalars = jnp.concatenate([sums / counts, jnp.stack([penalty(theta), jnp.float32(0)])])
        weight_sums, _ = _slot_sums(net)
        grad_sums, bias_grad_sums = _slot_sums(unflatten(layout, gradient))
        norms = jnp.sqrt(jnp.concatenate([weight_sums, grad_sums, bias_grad_sums]))
        return jnp.concatenate([scalars, norms]).astype(jnp.float32), gradient

    def apply(state: TrainState, gradient: jax.Array) -> TrainState:
        """One update θ ← θ + u of the chosen rule at rate η_t (t = updates so far)."""
        rate = schedule(state.optimizer.count)
        updates, optimizer_state = shared_update(
            hyper.optimizer, lambda count: rate, hyper.optimizer_params, gradient,
            state.optimizer, state.theta,
        )  # fmt: skip
        theta = jnp.where(structure.param_mask > 0, state.theta + updates, 0.0)
        return TrainState(theta.astype(jnp.float32), optimizer_state)

    def training_gradient(
        state: TrainState, order: jax.Array, start: jax.Array, size: jax.Array, step: jax.Array
    ) -> jax.Array:
        """∂(mean BCE over rows order[start : start + size])/∂θ, training-mode dropout.

        Summed over ⌈size / minibatch_rows⌉ passes. Row r of the minibatch, hidden unit u
        (counted over all hidden layers) draws uniform number ``r · n_units + u`` of the stream
        (seed, DROPOUT_SALT, step): the masks of the real units are the real network's.
        """
        net = unflatten(layout, state.theta)
        inverse = 1.0 / size.astype(jnp.float32)
        unit_mask = jnp.broadcast_to(structure.unit_mask[:, None, :], (MAX_HIDDEN, small, width))
        unit_counters = structure.unit_offsets[:, None, None] + jnp.arange(width)

        def scales(first_row: jax.Array) -> jax.Array:
            def sample() -> jax.Array:
                batch_rows = first_row + jnp.arange(small)
                counters = batch_rows[None, :, None] * structure.n_units + unit_counters
                bits = hashed_bits_at(hyper.seed, DROPOUT_SALT, step, counters)
                keep = bits_to_uniform(bits) < hyper.keep_prob
                return keep.astype(jnp.float32) * unit_mask

            return jax.lax.cond(hyper.keep_prob < 1, sample, lambda: unit_mask)

        def pass_fn(index: jax.Array, total: jax.Array) -> jax.Array:
            first_row = index * small
            indices = jax.lax.dynamic_slice_in_dim(order, start + first_row, small)
            valid = first_row + jnp.arange(small) < size
            result = network_pass(
                net,
                data.x[indices],
                data.y[indices],
                jnp.where(valid, inverse, 0.0),
                scales(first_row),
                depth,
                activation,
            )
            return total + flatten(result.gradient)

        n_passes = (size + small - 1) // small
        return jax.lax.fori_loop(0, n_passes, pass_fn, jnp.zeros_like(state.theta))

    reuse_evaluation = full_batch & (hyper.keep_prob >= 1)

    def train_epoch(
        state: TrainState, epoch_index: jax.Array, data_gradient: jax.Array
    ) -> TrainState:
        """One pass over the training set (epoch_index = epochs already done).

        ``data_gradient`` is the evaluation-mode full-batch ∂L/∂θ at ``state``: without dropout
        (p = 1) it *is* the full-batch training gradient, so full-batch GD reuses it.
        """
        if bucket.full_batch_only:
            return apply(state, data_gradient + penalty_gradient(state.theta))

        def shuffled(capacity: int):
            def permutation() -> jax.Array:
                order = padded_permutation(hyper.seed, SHUFFLE_SALT, epoch_index, n_train, capacity)
                tail = jnp.arange(capacity, POINT_CAPACITY, dtype=jnp.int32)
                return jnp.concatenate([order, tail])

            return permutation

        # the sort is the costly part of an epoch of small minibatches: sort 256 keys if enough
        branch = jnp.where(full_batch, 0, jnp.where(n_train <= SMALL_SORT, 1, 2))
        order = jax.lax.switch(
            branch,
            [
                lambda: jnp.arange(POINT_CAPACITY, dtype=jnp.int32),
                shuffled(SMALL_SORT),
                shuffled(POINT_CAPACITY),
            ],
        )
        order = jnp.concatenate([order, jnp.zeros(small, jnp.int32)])

        def step_fn(step_offset: jax.Array, state: TrainState) -> TrainState:
            start = step_offset * batch
            size = jnp.minimum(batch, n_train - start)
            step = epoch_index * steps + step_offset
            gradient = jax.lax.cond(
                reuse_evaluation,
                lambda: data_gradient,
                lambda: training_gradient(state, order, start, size, step),
            )
            return apply(state, gradient + penalty_gradient(state.theta))

        return jax.lax.fori_loop(0, steps, step_fn, state)

    every = hyper.frame_every
    last = hyper.epochs

    def epoch_body(carry):
        """Evaluate the state after ``epoch_index`` epochs, record it, train one more epoch."""
        epoch_index, candidate, accepted, accepted_eval, _, records, frames = carry
        metrics, gradient = evaluate(candidate.theta)
        finite = jnp.all(jnp.isfinite(metrics))
        keep = finite | (epoch_index == 0)  # epoch 0 is recorded even if non-finite
        state, (metrics, gradient) = _tree_where(
            keep, (candidate, (metrics, gradient)), (accepted, accepted_eval)
        )
        diverged_at = jnp.where(finite, -1, epoch_index).astype(jnp.int32)
        learning_rate = schedule(epoch_index * steps)
        record = metrics.at[LEARNING_RATE_COLUMN].set(learning_rate)
        records = jax.lax.dynamic_update_index_in_dim(records, record, epoch_index, 0)
        slot = (epoch_index + every - 1) // every
        frames = jax.lax.dynamic_update_index_in_dim(
            frames, jnp.stack([state.theta, gradient]), slot, 0
        )
        next_candidate = jax.lax.cond(
            finite & (epoch_index < last),
            lambda s: train_epoch(s, epoch_index, gradient),
            lambda s: s,
            state,
        )
        return (
            epoch_index + 1,
            next_candidate,
            state,
            (metrics, gradient),
            diverged_at,
            records,
            frames,
        )

    def running(carry) -> jax.Array:
        epoch_index, *_, diverged_at, _, _ = carry
        return (epoch_index <= last) & (diverged_at < 0)

    state = TrainState(theta, shared_init(theta))
    zero_eval = (jnp.zeros(N_METRICS, jnp.float32), jnp.zeros_like(theta))
    carry = (
        jnp.int32(0),
        state,
        state,
        zero_eval,
        jnp.int32(-1),
        jnp.zeros((MAX_EPOCHS + 1, N_METRICS), jnp.float32),
        jnp.zeros((MAX_FRAMES, 2, layout.size), jnp.float32),
    )
    _, _, _, _, diverged_at, records, frames = jax.lax.while_loop(running, epoch_body, carry)
    return ProgramOutput(records, frames, diverged_at)


@functools.partial(jax.jit, static_argnums=0)
def training_program(
    bucket: ProgramBucket, data: Data, structure: Structure, hyper: Hyper, init: Init
) -> ProgramOutput:
    """Train one network; ``bucket`` is the only static argument (see the module docstring)."""
    return _run(bucket, data, structure, hyper, init)
