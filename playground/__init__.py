"""Network playground engine: a small MLP learning a 2-D binary classification task.

Pure JAX inside, numpy out (no dash/plotly). Importing configures JAX (float64 on for the rest
of the app; the playground itself runs in float32) but creates no array and compiles nothing.

Quick start (also works in a notebook)::

    import playground as pg
    run = pg.train(pg.PlaygroundConfig(dataset="xor"))        # -> PlaygroundRun (numpy)
    runs = pg.train_inits(pg.PlaygroundConfig())              # zero / too_small / appropriate /
                                                              # too_large, same program
    maps = pg.activation_maps(run, snapshot_index=-1)         # (n_neurons + 1, 40, 40)
    ls = pg.network_landscape(run.config, run=run)            # loss around θ*, 41 × 41
    lr = pg.lr_range_test(run.config).steepest                # fastai's lr_find suggestion
    pg.warm_up()                                              # compile the fixed program set

Public API
----------
``PlaygroundConfig`` (frozen dataclass; the single source of defaults; see ``playground.config``)::

    dataset="circle"  n_samples=400  noise=0.05  train_fraction=0.5  data_seed=0
    hidden=(8, 4)  activation="relu"  init="appropriate"  init_scale=None (scheme's own s)
    optimizer="gd"  lr=0.1  optimizer_params={} (missing -> optimizers.OPTIMIZERS defaults)
    schedule="constant"  schedule_params={} (missing -> optimizers.SCHEDULES defaults)
    batch_size=None (full batch; values >= n_train mean full batch)  l1=0.0  l2=0.0
    keep_prob=1.0 (dropout off)  epochs=500  snapshot_every=None (the frame interval k;
    auto: ceil(epochs / 1000), i.e. every epoch a frame up to 1000 epochs)
    grid_size=50  seed=0 (init noise, minibatch order, dropout masks)
  derived: layer_sizes, n_train, effective_batch_size, steps_per_epoch,
  effective_snapshot_every (= frame_every), snapshot_epochs (= frame_epochs),
  resolved_optimizer_params(), resolved_schedule_params()

``validate(config) -> list[str]`` (never raises; empty = valid), ``check(config)`` raises
``ConfigError(ValueError)`` with ``.messages``. Ranges: ``playground.config.*_RANGE``,
``MAX_FRAMES`` = ``MAX_SNAPSHOTS`` (1001), ``MAX_UPDATES`` (epochs × minibatches per epoch
≤ 200 000).

``train(config) -> PlaygroundRun`` and ``train_inits(config, inits=DEMO_INIT_IDS) ->
dict[str, PlaygroundRun]`` (the same compiled program called once per scheme, calls dispatched
together; the schemes trained on the same data with the same seed: same Z, minibatches and
dropout masks; each scheme at its default scale; config.init / init_scale ignored; keys in the
order of ``inits``). Both raise ``ConfigError``.

``PlaygroundRun`` (frozen, numpy float32; n = last_epoch + 1 rows, row e = after e epochs)::

    config, dataset (Dataset), epochs (n,) int32, train_loss, test_loss, train_accuracy,
    test_accuracy, penalty, learning_rate (n,), weight_norms, grad_norms, bias_grad_norms
    (n, n_layers), snapshot_epochs (S,) int32 (the frames' epochs), weights[l] (S, n_in, n_out),
    biases[l] (S, n_out), weight_grads[l] (S, n_in, n_out), bias_grads[l] (S, n_out),
    diverged_at (int | None); lazily computed on first access (a compiled forward pass; the
    page never needs them): boundary (S, G, G), grid_x, grid_y (G,)
    properties/methods: last_epoch, n_snapshots (= n_frames), frame_epochs, layer_sizes,
    boundary_uint8(), params_at(s)

  Losses are mean BCE (data loss) of the evaluation-mode network on the whole split; the
  objective minimised is train_loss + penalty. Gradients (norms and frames) are of the
  full-batch training data loss. ``boundary[s, i, j] = P(y = 1 | (grid_x[j], grid_y[i]))``.
  Frames: every epoch up to 1000 epochs (S = epochs + 1); beyond, epochs k·⌈E/1000⌉ and the
  last one (501 … 1001 frames). A run whose loss/gradient/weights become non-finite stops:
  ``diverged_at`` = that epoch and the arrays end at the last finite state (epoch
  diverged_at − 1, also the last frame).

``run.early_stop(patience) -> EarlyStop`` (and ``early_stopping(test_loss, patience,
epochs=None)``): Keras's ``EarlyStopping(monitor="val_loss", patience, restore_best_weights=True)``
read from the run's held-out loss at its frames: ``stopped_epoch`` (None: no stop),
``best_epoch``, ``stopped_index`` / ``best_index`` (frames), ``best_loss``; nothing retrains.

``activation_maps(run, snapshot_index, grid_n=40) -> np.ndarray`` (n_hidden_total + 1, G, G):
hidden f(z) per neuron (layer 1 first) then the output probability, over ``run.dataset.box``.

``network_landscape(config, *, directions="random" | "pca", resolution=41, span=1.0,
include_biases=False, direction_seed=0, run=None) -> NetworkLandscape`` (Li et al. 2018; trains
``config`` unless its ``run`` is given): mean BCE (evaluation mode, as ``train_loss``) around θ*
(the last frame), ``train_loss[j, i] = L(θ* + alphas[i] d₁ + betas[j] d₂)``::

    config, directions, span, include_biases, direction_vectors (2, P) float32 (real flat
    layout), alphas, betas (R,) float64, train_loss, test_loss (R, R) float32,
    center_train_loss, center_test_loss, slice_coordinates, slice_train_loss, slice_test_loss
    (101,) (along d₁), interpolation_t (81,) = −0.5 … 1.5, interpolation_train_loss /
    _test_loss (θ(t) = (1 − t) θ₀ + t θ*); pca only (else None): path (S, 2) float32,
    path_epochs (S,), explained_variance (2,) σᵢ² / Σσ²

  random: two filter-normalized Gaussian directions, ``filter_normalized_direction(params, rng,
  include_biases=False)`` (each neuron's incoming weights rescaled to that neuron's norm in θ*;
  biases 0, or d_b = b), ranges span · [−1, 1]; pca: the top two principal directions of the
  path θ_s − θ* (from the eigenvectors of the path's Gram matrix), ranges covering the path with a margin × span. Non-finite losses are NaN.
  Resolution odd 11 … 61, span in (0, 10]; ``ValueError`` otherwise.

``lr_range_test(config, *, start_lr=1e-7, end_lr=10, steps=100) -> LRRangeTest`` (Smith 2017,
fastai's ``lr_find``): ``config``'s network trained ``steps`` epochs while the rate grows
η_i = start · (end / start)^(i / N); the debiased smoothed loss (β = 0.98), stopped once it
exceeds 4 × its best; fastai's suggestions ``steepest`` and ``minimum_tenth`` (None when too
few points remain)::

    config, start_lr, end_lr, steps, rates, losses, smoothed (n,) float64, stopped_at,
    diverged, steepest, steepest_index, minimum_tenth, minimum_index, best_loss

  ``with_rate(config, lr)`` / ``with_one_cycle(config, lr_max)`` are the configs to train with
  a suggestion (constant, or fastai's one-cycle peaking there). Same compiled training program.

``minibatch_slices(config, *, batch_size=None, n_batches=4, span=1.0, include_biases=False,
direction_seed=0, batch_seed=0, run=None) -> MinibatchSlices`` (minibatches move the
landscape): along ``network_landscape``'s d₁ (same seed), the training loss and the loss of
each of ``n_batches`` disjoint seeded minibatches (the config's batch size, or 20 for a
full-batch config), with each one's slope ∇L_B(θ*)·d₁ (central difference)::

    config, batch_size, coordinates (101,), full_loss (101,), batch_loss (M, 101), full_slope,
    batch_slopes (M,), batch_indices (M, batch_size), direction_vector (P,)

``minimum_sharpness(config, *, radius=0.25, n_directions=4, span=0.5, run=None) -> Sharpness``
(sharp vs flat minima): the mean rise ½[L(θ* + r d_k) + L(θ* − r d_k)] − L(θ*) of the training
loss over K filter-normalized random directions (``network_landscape``'s d₁ of seeds 0 … K−1),
with each direction's slice and the run's test loss and accuracy::

    config, radius, sharpness, rises (K,), center_loss, test_loss, test_accuracy,
    coordinates (101,), slices (K, 101)

``make_dataset(name, n_samples, noise, train_fraction, seed) -> Dataset`` (x_train (n, 2),
y_train (n,), x_test, y_test float32; ``box``; raw-frame ``mean``/``std``); inputs are
standardized with the training split's mean and std; ``dataset_for(config)``.

``quantize_probabilities(p) -> uint8`` (``round(255 p)``).

Compiled programs (a fixed set; ``playground.engine`` explains the buckets): ``warm_up()``
compiles all of them (call once per worker after fork; returns seconds per step);
``program_buckets()`` lists the training programs in priority order (the default
configuration's first) and ``warm_up_bucket(bucket)`` compiles one, so a server can warm the
first and the rest in a background thread.

Registries (read-only mappings in display order, metadata for the page)::

    DATASETS[id]      -> DatasetSpec(id, title, note, generate)
    ACTIVATIONS[id]   -> Activation(id, title, latex, fn)
    INIT_SCHEMES[id]  -> InitScheme(id, title, kind, default_scale, note, adjustable,
                                    scale_range); .latex; init_latex(id, scale) for another s
    BIAS_INIT_LATEX = "b = 0" (every scheme), DEMO_INIT_IDS = the demo's four schemes
    OPTIMIZERS, SCHEDULES: re-exported from ``optimizers`` (same rules as the optimizer lab)

``warm_up_landscape()`` compiles the landscape program alone (two padded widths, 8 and 16; one
call evaluates a whole landscape: grid, slice, interpolation; ``warm_up()`` includes it).

What recompiles: nothing, after ``warm_up()``. Four training programs serve every accepted
setting (hidden width ≤ 8 / ≤ 16 × depth ≤ 2 / ≤ 6, full batch or minibatch); layer sizes,
activation, optimizer, schedule, batch size, point counts, epochs, frame interval and every
number are traced inputs (tests/test_playground_compiles.py counts compilations).
"""

from jax_config import configure_jax

configure_jax()

from playground.activations import ACTIVATIONS  # noqa: E402
from playground.config import ConfigError, PlaygroundConfig, check, validate  # noqa: E402
from playground.datasets import DATASETS, Dataset, make_dataset  # noqa: E402
from playground.early_stopping import EarlyStop, early_stopping  # noqa: E402
from playground.initializers import (  # noqa: E402
    BIAS_INIT_LATEX,
    DEMO_INIT_IDS,
    INIT_SCHEMES,
    init_latex,
)
from playground.landscape_directions import filter_normalized_direction  # noqa: E402
from playground.loss_landscape import (  # noqa: E402
    NetworkLandscape,
    network_landscape,
    warm_up_landscape,
)
from playground.lr_range_test import (  # noqa: E402
    LRRangeTest,
    lr_range_test,
    with_one_cycle,
    with_rate,
)
from playground.maps import activation_maps  # noqa: E402
from playground.minibatch_slices import MinibatchSlices, minibatch_slices  # noqa: E402
from playground.optim import OPTIMIZERS, SCHEDULES  # noqa: E402
from playground.run import PlaygroundRun, quantize_probabilities  # noqa: E402
from playground.sharpness import Sharpness, minimum_sharpness  # noqa: E402
from playground.training import dataset_for, train, train_inits  # noqa: E402
from playground.warmup import program_buckets, warm_up, warm_up_bucket  # noqa: E402

__all__ = [
    "ACTIVATIONS",
    "BIAS_INIT_LATEX",
    "DATASETS",
    "DEMO_INIT_IDS",
    "INIT_SCHEMES",
    "OPTIMIZERS",
    "SCHEDULES",
    "ConfigError",
    "Dataset",
    "EarlyStop",
    "LRRangeTest",
    "MinibatchSlices",
    "NetworkLandscape",
    "PlaygroundConfig",
    "PlaygroundRun",
    "Sharpness",
    "activation_maps",
    "check",
    "dataset_for",
    "early_stopping",
    "filter_normalized_direction",
    "init_latex",
    "lr_range_test",
    "make_dataset",
    "minibatch_slices",
    "minimum_sharpness",
    "network_landscape",
    "program_buckets",
    "quantize_probabilities",
    "train",
    "train_inits",
    "validate",
    "warm_up",
    "warm_up_bucket",
    "warm_up_landscape",
    "with_one_cycle",
    "with_rate",
]
