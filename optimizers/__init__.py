"""Optimizers as the slides show them: update rules, learning-rate schedules, trajectory engine.

Pure JAX + optax, numpy out; no dash/plotly. Nothing is created or compiled at import time.

Metadata (what the UI shows; defaults shown are the defaults used)::

    OPTIMIZERS: Mapping[str, OptimizerSpec]   = RULES, one file each in optimizers/rules/:
        gd, momentum, nesterov, adagrad, rmsprop, adadelta, adam, adamw, lion, lookahead
    OptimizerSpec(id, title, hyperparameters, latex, note, default_enabled, color, order,
                  state, update, init_state, slow_steps, wraps)     (optimizers/rule.py)
        hyperparameters[0] is the learning rate "lr" (eta_0); .rule_hyperparameters the rest;
        update(state, g, eta, t, hyper, theta) -> (state, u): the rule, run by every engine
    SCHEDULES: Mapping[str, ScheduleSpec]     constant, inverse_time, exponential, step,
                                              warmup_cosine, cyclic, one_cycle, sgdr
    ScheduleSpec(id, title, parameters, latex, note)
    HyperParameter(name, label, latex, default, minimum, maximum, log_scale, integer)
    GRADIENT_LATEX, NOISY_GRADIENT_LATEX      the g_t every update equation uses

Trajectories on a 2-D landscape (the optimizer lab; two compiled programs, up to 1000 and up to
5000 steps, and no recompilation when any number, rule, schedule or landscape changes)::

    trajectories(landscape_id, start, configs, steps, noise_sigma=0.0, seed=0) -> [Trajectory]
        one Trajectory per enabled config (a row): any rule in any row, repeats allowed
    OptimizerConfig(optimizer, enabled, lr, schedule, schedule_params, hyperparams)
    OptimizerConfig.default(optimizer_id)
    Trajectory(optimizer, path[k+1, 2], loss[k+1], lr[k], diverged_at, slow_path, slow_steps)
    warm_up()                                 compile both programs (per worker, after fork)
    gradient_noise(seed, steps)               the xi_t of g_t = grad R + sigma xi_t (NumPy)

    A point is invalid if it, its loss or its gradient is non-finite, it lies more than
    DIVERGENCE_SPAN_FACTOR (10) domain spans from the domain centre, or |loss| >
    DIVERGENCE_LOSS_LIMIT (1e12); the run of that optimizer is frozen there and cut:
    diverged_at = index of the first invalid point, path/loss keep the points before it.

Update rules for any pytree (the network playground trains its MLP with these)::

    build_optimizer(optimizer_id, learning_rate_schedule, **hyperparams)
        -> optax.GradientTransformation running the rule's own update; hyperparams may be
        Python floats or traced arrays, missing ones take the rule's defaults.
    make_schedule(schedule_id, lr, params=None, total_steps=1) -> (count -> eta_count)
        schedule chosen in Python; lr, params and total_steps may be traced arrays.
    make_traced_schedule(kind, lr, params, total_steps) -> (count -> eta_count)
        the schedule itself chosen by a traced int ``kind`` (``schedule_kind(schedule_id)``);
        ``params`` must name every entry of SCHEDULE_PARAMETER_NAMES.
    schedule_table(schedule_id, lr, params, total_steps) -> np.ndarray
        the same formulas in NumPy for a whole run: the trajectory engine computes its
        learning rates this way on the host and passes them to its program as data.

    >>> schedule = make_schedule("inverse_time", 0.1, {"decay_rate": 0.01}, total_steps=500)
    >>> tx = build_optimizer("momentum", schedule, alpha=0.9)
    >>> state = tx.init(params); updates, state = tx.update(grads, state, params)

``t = 0, 1, 2, …`` counts updates in every equation and schedule: the first update is t = 0
and uses eta_t at t = 0 (= eta_0 except during a warm-up), like optax's ``count``.
"""

from jax_config import configure_jax

configure_jax()

from optimizers.config import OptimizerConfig, default_configs  # noqa: E402
from optimizers.engine import (  # noqa: E402
    MAX_STEPS,
    STEP_BUCKETS,
    Trajectory,
    gradient_noise,
    trajectories,
    warm_up,
)
from optimizers.program import DIVERGENCE_LOSS_LIMIT, DIVERGENCE_SPAN_FACTOR  # noqa: E402
from optimizers.rules import RULES  # noqa: E402
from optimizers.rules.momentum import slide_momentum  # noqa: E402
from optimizers.rules.nesterov import slide_nesterov  # noqa: E402
from optimizers.schedules import (  # noqa: E402
    SCHEDULE_KINDS,
    make_schedule,
    make_traced_schedule,
    schedule_kind,
    schedule_table,
)
from optimizers.specs import (  # noqa: E402
    GRADIENT_LATEX,
    NOISY_GRADIENT_LATEX,
    OPTIMIZERS,
    SCHEDULE_PARAMETER_NAMES,
    SCHEDULES,
    HyperParameter,
    OptimizerSpec,
    ScheduleSpec,
    get_optimizer_spec,
    get_schedule_spec,
)
from optimizers.transforms import build_optimizer  # noqa: E402

__all__ = [
    "DIVERGENCE_LOSS_LIMIT",
    "DIVERGENCE_SPAN_FACTOR",
    "GRADIENT_LATEX",
    "MAX_STEPS",
    "NOISY_GRADIENT_LATEX",
    "OPTIMIZERS",
    "RULES",
    "SCHEDULES",
    "SCHEDULE_KINDS",
    "SCHEDULE_PARAMETER_NAMES",
    "STEP_BUCKETS",
    "HyperParameter",
    "OptimizerConfig",
    "OptimizerSpec",
    "ScheduleSpec",
    "Trajectory",
    "build_optimizer",
    "default_configs",
    "get_optimizer_spec",
    "get_schedule_spec",
    "gradient_noise",
    "make_schedule",
    "make_traced_schedule",
    "schedule_kind",
    "schedule_table",
    "slide_momentum",
    "slide_nesterov",
    "trajectories",
    "warm_up",
]
