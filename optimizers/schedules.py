"""Learning-rate schedules ``t -> eta_t`` whose parameters may be traced JAX arrays.

``t = 0, 1, 2, …`` counts updates: the first update uses ``eta_0``-based ``eta_t`` at ``t = 0``
(optax's convention: ``schedule(state.count)`` with ``count`` starting at 0).

* ``constant``       eta_t = eta0
* ``inverse_time``   eta_t = eta0 / (1 + k t)                     (the slides' 1/t decay)
* ``exponential``    eta_t = eta0 exp(-k t)
* ``step``           eta_t = eta0 f^floor(t / n)                  (n rounded, at least 1)
* ``warmup_cosine``  eta_t = eta0 t / w                           for t < w
                     eta_t = eta0/2 (1 + cos(pi (t - w)/(T - w)))  for w <= t  (capped at t = T)
                     (w rounded and clipped to [0, T]; T = total steps of the run)

optax has the same formulas for ``exponential`` (``exponential_decay``), ``step``
(``exponential_decay(staircase=True)``) and ``warmup_cosine``
(``warmup_cosine_decay_schedule``), but those builders branch in Python on their parameters
(``if transition_steps <= 0``), so they cannot take traced values; we write the formulas in
``jnp`` instead and the tests check them against optax for concrete values. optax has no 1/t.

Every function here is element-wise in ``t``: pass a scalar step or a vector of steps.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Protocol

import jax
import jax.numpy as jnp

from optimizers.specs import SCHEDULE_PARAMETER_NAMES, SCHEDULES, get_schedule_spec

Array = jax.Array
Params = Mapping[str, jax.typing.ArrayLike]
Schedule = Callable[[jax.typing.ArrayLike], jax.Array]
"""A learning-rate schedule: update count (int or array) -> learning rate."""


class ScheduleFormula(Protocol):
    def __call__(
        self, t: Array, lr: Array, params: Params, total_steps: Array
    ) -> Array: ...


def constant(t: Array, lr: Array, params: Params, total_steps: Array) -> Array:
    """eta_t = eta0."""
    del params, total_steps
    return lr + jnp.zeros_like(t)


def inverse_time(t: Array, lr: Array, params: Params, total_steps: Array) -> Array:
    """eta_t = eta0 / (1 + k t)."""
    del total_steps
    return lr / (1.0 + params["decay_rate"] * t)


def exponential(t: Array, lr: Array, params: Params, total_steps: Array) -> Array:
    """eta_t = eta0 exp(-k t)."""
    del total_steps
    return lr * jnp.exp(-params["decay_rate"] * t)


def step(t: Array, lr: Array, params: Params, total_steps: Array) -> Array:
    """eta_t = eta0 f^floor(t / n), n = max(round(every), 1)."""
    del total_steps
    every = jnp.maximum(jnp.round(params["every"]), 1.0)
    return lr * jnp.power(params["factor"], jnp.floor(t / every))


def warmup_cosine(t: Array, lr: Array, params: Params, total_steps: Array) -> Array:
    """Linear warm-up 0 -> eta0 over w updates, then cosine decay to 0 at t = T.

    eta_t = eta0 t / w for t < w; eta0/2 (1 + cos(pi min(t - w, T - w) / (T - w))) otherwise,
    with w = clip(round(warmup_steps), 0, T) and T = max(total_steps, 1).
    """
    total = jnp.maximum(jnp.asarray(total_steps, dtype=jnp.result_type(lr, float)), 1.0)
    warmup = jnp.clip(jnp.round(params["warmup_steps"]), 0.0, total)
    warm = lr * t / jnp.maximum(warmup, 1.0)
    decay_length = jnp.maximum(total - warmup, 1.0)
    progress = jnp.clip((t - warmup) / decay_length, 0.0, 1.0)
    decay = 0.5 * lr * (1.0 + jnp.cos(jnp.pi * progress))
    return jnp.where(t < warmup, warm, decay)


SCHEDULE_FORMULAS: Mapping[str, ScheduleFormula] = {
    "constant": constant,
    "inverse_time": inverse_time,
    "exponential": exponential,
    "step": step,
    "warmup_cosine": warmup_cosine,
}
assert tuple(SCHEDULE_FORMULAS) == tuple(SCHEDULES), "formulas must follow SCHEDULES order"

SCHEDULE_KINDS: tuple[str, ...] = tuple(SCHEDULES)
"""Schedule ids in the order used by the traced ``kind`` index of ``make_traced_schedule``."""


def schedule_kind(schedule_id: str) -> int:
    """The integer ``kind`` of ``schedule_id`` for ``make_traced_schedule``."""
    get_schedule_spec(schedule_id)
    return SCHEDULE_KINDS.index(schedule_id)


def _complete_params(schedule_id: str, params: Mapping[str, object]) -> dict[str, object]:
    spec = get_schedule_spec(schedule_id)
    unknown = set(params) - {p.name for p in spec.parameters}
    if unknown:
        raise ValueError(
            f"schedule {schedule_id!r} has no parameter(s) {sorted(unknown)}; "
            f"valid: {[p.name for p in spec.parameters]}"
        )
    return {**spec.defaults, **params}


def make_schedule(
    schedule_id: str,
    lr: jax.typing.ArrayLike,
    params: Mapping[str, jax.typing.ArrayLike] | None = None,
    total_steps: jax.typing.ArrayLike = 1,
) -> Schedule:
    """The schedule ``schedule_id`` as ``count -> eta_count``, usable inside ``jit``.

    ``lr``, every value of ``params`` (missing ones take the spec defaults) and ``total_steps``
    (used by ``warmup_cosine`` only) may be traced arrays: changing them never recompiles. The
    schedule id itself is static (Python); see ``make_traced_schedule`` for a traced choice.
    """
    formula = SCHEDULE_FORMULAS[get_schedule_spec(schedule_id).id]
    values = _complete_params(schedule_id, params or {})

    def schedule(count: jax.typing.ArrayLike) -> jax.Array:
        t = jnp.asarray(count).astype(jnp.result_type(lr, float))
        return formula(t, lr, values, total_steps)

    return schedule


def make_traced_schedule(
    kind: jax.typing.ArrayLike,
    lr: jax.typing.ArrayLike,
    params: Mapping[str, jax.typing.ArrayLike],
    total_steps: jax.typing.ArrayLike,
) -> Schedule:
    """A schedule whose formula is chosen by a traced integer ``kind`` (``SCHEDULE_KINDS`` index).

    ``params`` must hold every name in ``SCHEDULE_PARAMETER_NAMES`` (values for the schedules
    not chosen are ignored, so any finite placeholder works). All formulas are evaluated and the
    chosen one selected (``jnp.select``): cheap element-wise arithmetic, no control flow, so it
    vectorises over a whole vector of steps at once. An out-of-range ``kind`` gives NaN.
    """
    missing = set(SCHEDULE_PARAMETER_NAMES) - set(params)
    if missing:
        raise ValueError(f"make_traced_schedule needs values for {sorted(missing)}")

    def schedule(count: jax.typing.ArrayLike) -> jax.Array:
        t = jnp.asarray(count).astype(jnp.result_type(lr, float))
        values = [formula(t, lr, params, total_steps) for formula in SCHEDULE_FORMULAS.values()]
        conditions = [kind == index for index in range(len(values))]
        return jnp.select(conditions, values, default=jnp.nan)

    return schedule


def traced_schedule_table(
    kinds: jax.Array,
    lr: jax.Array,
    params: Mapping[str, jax.Array],
    total_steps: jax.typing.ArrayLike,
    steps: jax.Array,
) -> jax.Array:
    """``eta[t, r]`` for every step ``t`` in ``steps`` and every row ``r`` (its own schedule).

    ``kinds`` (int), ``lr`` and every ``params`` value have shape ``[rows]``. Same values as
    ``make_traced_schedule`` per row, but each formula is computed only if some row uses it
    (``lax.cond``): ``pow``/``cos``/``exp`` over a whole table cost ~0.05-0.2 ms each on CPU,
    and a ``lax.switch`` per row would compile 5x more code.
    """
    missing = set(SCHEDULE_PARAMETER_NAMES) - set(params)
    if missing:
        raise ValueError(f"traced_schedule_table needs values for {sorted(missing)}")
    t = jnp.asarray(steps).astype(jnp.result_type(lr, float))[:, None]
    row_lr = lr[None, :]
    row_params = {name: value[None, :] for name, value in params.items()}
    table = jnp.broadcast_to(row_lr, (t.shape[0], row_lr.shape[1]))  # constant
    for kind, formula in enumerate(SCHEDULE_FORMULAS.values()):
        if formula is constant:
            continue
        used = kinds == kind
        values = jax.lax.cond(
            jnp.any(used),
            lambda formula=formula: formula(t, row_lr, row_params, total_steps),
            lambda: table,
        )
        table = jnp.where(used[None, :], values, table)
    return table
