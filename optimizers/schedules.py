"""Learning-rate schedules ``t -> eta_t``: each formula written once, evaluated with JAX or NumPy.

``t = 0, 1, 2, …`` counts updates: the first update uses ``eta_t`` at ``t = 0`` (optax's
convention: ``schedule(state.count)`` with ``count`` starting at 0)::

    constant       eta_t = eta0
    inverse_time   eta_t = eta0 / (1 + k t)                        (the slides' 1/t decay)
    exponential    eta_t = eta0 exp(-k t)
    step           eta_t = eta0 f^floor(t / n)                     (n rounded, at least 1)
    warmup_cosine  eta_t = eta0 t / w                              for t < w
                   eta_t = eta0/2 (1 + cos(pi (t - w) / (T - w)))  for t >= w
                   (w rounded and clipped to [0, T]; T = number of updates of the run)
    cyclic         Smith's triangle between r eta0 and eta0, half-period s
    one_cycle      fastai: cosine eta0/d -> eta0 over s T updates, then cosine -> eta0/d_f at T
    sgdr           cosine eta0 -> r eta0 over T0 m^i updates, restarting at eta0 (Loshchilov
                   & Hutter)

Two ways to use them:

* ``make_schedule`` / ``make_traced_schedule``: ``count -> eta`` functions in ``jax.numpy``
  whose parameters (and, for the traced variant, the formula itself) may be traced arrays, for
  optax transformations inside ``jit`` (the network playground).
* ``schedule_table``: the same formulas in NumPy for a whole run at once; the trajectory engine
  computes its per-step learning rates on the host (a few microseconds) and passes them to its
  compiled program as data, which keeps the schedule choice out of the program (computing the
  table inside it cost ~2 s of compilation per program, or ~0.3 ms per call without branches).

optax has the same formulas for ``exponential`` (``exponential_decay``), ``step``
(``exponential_decay(staircase=True)``) and ``warmup_cosine``
(``warmup_cosine_decay_schedule(0, eta0, w, T)``), but those builders branch in Python on their
parameters (``if transition_steps <= 0``), so they cannot take traced values; the tests check
these formulas against optax for concrete values (also ``one_cycle`` against
``cosine_onecycle_schedule`` and ``sgdr`` against ``sgdr_schedule``). optax has no 1/t decay
and no triangular cycle.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from types import ModuleType
from typing import Any, Protocol

import jax
import jax.numpy as jnp
import numpy as np

from optimizers.specs import SCHEDULE_PARAMETER_NAMES, SCHEDULES, get_schedule_spec

Array = Any  # a jax.Array or a numpy array, depending on ``xp``
Params = Mapping[str, Any]
Schedule = Callable[[jax.typing.ArrayLike], jax.Array]
"""A learning-rate schedule: update count (int or array) -> learning rate."""


class ScheduleFormula(Protocol):
    def __call__(
        self, t: Array, lr: Array, params: Params, total_steps: Array, xp: ModuleType
    ) -> Array: ...


def constant(t: Array, lr: Array, params: Params, total_steps: Array, xp: ModuleType) -> Array:
    """eta_t = eta0."""
    del params, total_steps
    return lr + xp.zeros_like(t)


def inverse_time(t: Array, lr: Array, params: Params, total_steps: Array, xp: ModuleType) -> Array:
    """eta_t = eta0 / (1 + k t)."""
    del total_steps, xp
    return lr / (1.0 + params["decay_rate"] * t)


def exponential(t: Array, lr: Array, params: Params, total_steps: Array, xp: ModuleType) -> Array:
    """eta_t = eta0 exp(-k t)."""
    del total_steps
    return lr * xp.exp(-params["decay_rate"] * t)


def step(t: Array, lr: Array, params: Params, total_steps: Array, xp: ModuleType) -> Array:
    """eta_t = eta0 f^floor(t / n), n = max(round(every), 1)."""
    del total_steps
    every = xp.maximum(xp.round(params["every"]), 1.0)
    return lr * xp.power(params["factor"], xp.floor(t / every))


def warmup_cosine(t: Array, lr: Array, params: Params, total_steps: Array, xp: ModuleType) -> Array:
    """Linear warm-up 0 -> eta0 over w updates, then cosine decay to 0 at t = T.

    eta_t = eta0 t / w for t < w; eta0/2 (1 + cos(pi min(t - w, T - w) / (T - w))) otherwise,
    with w = clip(round(warmup_steps), 0, T) and T = max(total_steps, 1).
    """
    total = xp.maximum(xp.asarray(total_steps, dtype=xp.float64), 1.0)
    warmup = xp.clip(xp.round(params["warmup_steps"]), 0.0, total)
    warm = lr * t / xp.maximum(warmup, 1.0)
    decay_length = xp.maximum(total - warmup, 1.0)
    progress = xp.clip((t - warmup) / decay_length, 0.0, 1.0)
    decay = 0.5 * lr * (1.0 + xp.cos(math.pi * progress))
    return xp.where(t < warmup, warm, decay)


def cyclic(t: Array, lr: Array, params: Params, total_steps: Array, xp: ModuleType) -> Array:
    """Smith's triangular cycle between eta_min = r eta0 and eta0, half-period s updates.

    c = floor(1 + t / 2s); x = |t / s - 2c + 1|; eta_t = eta_min + (eta0 - eta_min) max(0, 1 - x),
    with s = max(round(half_period), 1).
    """
    del total_steps
    half = xp.maximum(xp.round(params["half_period"]), 1.0)
    low = params["min_fraction"] * lr
    cycle = xp.floor(1.0 + t / (2.0 * half))
    x = xp.abs(t / half - 2.0 * cycle + 1.0)
    return low + (lr - low) * xp.maximum(0.0, 1.0 - x)


def one_cycle(t: Array, lr: Array, params: Params, total_steps: Array, xp: ModuleType) -> Array:
    """fastai's one-cycle: cosine eta0/d -> eta0 over the first fraction s, then -> eta0/d_f.

    p = t / T; eta_t = a + (b - a)(1 - cos(pi q)) / 2 with (a, b, q) = (eta0/d, eta0, p/s) for
    p < s, else (eta0, eta0/d_f, (p - s)/(1 - s)); T = max(total_steps, 1), s clipped to [0, 1].
    """
    total = xp.maximum(xp.asarray(total_steps, dtype=xp.result_type(t)), 1.0)
    share = xp.clip(params["pct_start"], 0.0, 1.0)
    start, end = lr / params["div"], lr / params["div_final"]
    progress = t / total
    rising = progress / xp.maximum(share, 1e-30)
    falling = (progress - share) / xp.maximum(1.0 - share, 1e-30)
    warm = start + (lr - start) * (0.5 - 0.5 * xp.cos(math.pi * xp.minimum(rising, 1.0)))
    anneal = lr + (end - lr) * (0.5 - 0.5 * xp.cos(math.pi * xp.clip(falling, 0.0, 1.0)))
    return xp.where(progress < share, warm, anneal)


def sgdr(t: Array, lr: Array, params: Params, total_steps: Array, xp: ModuleType) -> Array:
    """Cosine annealing with warm restarts: periods T_i = T0 m^i, from eta0 to eta_min = r eta0.

    Cycle i starts at S_i = T0 (m^i - 1) / (m - 1) (S_i = i T0 for m = 1); T_cur = t - S_i;
    eta_t = eta_min + (eta0 - eta_min)(1 + cos(pi T_cur / T_i)) / 2. T0 and m are rounded (T0 at
    least 1, m at least 1); i comes from a logarithm, then is corrected by one either way so a
    restart lands on its exact step.
    """
    del total_steps
    first = xp.maximum(xp.round(params["period"]), 1.0)
    mult = xp.maximum(xp.round(params["mult"]), 1.0)
    low = params["min_fraction"] * lr
    geometric = mult > 1.0
    base = xp.where(geometric, mult, 2.0)  # any m > 1 where m = 1 (that branch is not used)

    def cycle_start(i: Array) -> Array:
        return xp.where(geometric, first * (base**i - 1.0) / (base - 1.0), first * i)

    def cycle_length(i: Array) -> Array:
        return xp.where(geometric, first * base**i, first)

    estimate = xp.where(
        geometric,
        xp.floor(xp.log(t * (base - 1.0) / first + 1.0) / xp.log(base)),
        xp.floor(t / first),
    )
    index = xp.where(t >= cycle_start(estimate + 1.0), estimate + 1.0, estimate)
    index = xp.where(t < cycle_start(index), index - 1.0, index)
    elapsed = t - cycle_start(index)
    return low + (lr - low) * (0.5 + 0.5 * xp.cos(math.pi * elapsed / cycle_length(index)))


SCHEDULE_FORMULAS: Mapping[str, ScheduleFormula] = {
    "constant": constant,
    "inverse_time": inverse_time,
    "exponential": exponential,
    "step": step,
    "warmup_cosine": warmup_cosine,
    "cyclic": cyclic,
    "one_cycle": one_cycle,
    "sgdr": sgdr,
}
assert tuple(SCHEDULE_FORMULAS) == tuple(SCHEDULES), "formulas must follow SCHEDULES order"

SCHEDULE_KINDS: tuple[str, ...] = tuple(SCHEDULES)
"""Schedule ids in the order used by the traced ``kind`` of ``make_traced_schedule``."""


def schedule_kind(schedule_id: str) -> int:
    """The integer ``kind`` of ``schedule_id`` for ``make_traced_schedule``."""
    get_schedule_spec(schedule_id)
    return SCHEDULE_KINDS.index(schedule_id)


def _complete_params(schedule_id: str, params: Mapping[str, Any]) -> dict[str, Any]:
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
    """The schedule ``schedule_id`` as ``count -> eta_count`` (``jax.numpy``, usable in ``jit``).

    ``lr``, every value of ``params`` (missing ones take the spec defaults) and ``total_steps``
    (used by ``warmup_cosine`` only) may be traced arrays: changing them never recompiles. The
    schedule id itself is static (Python); see ``make_traced_schedule`` for a traced choice.
    """
    formula = SCHEDULE_FORMULAS[get_schedule_spec(schedule_id).id]
    values = _complete_params(schedule_id, params or {})

    def schedule(count: jax.typing.ArrayLike) -> jax.Array:
        t = jnp.asarray(count).astype(jnp.result_type(lr, float))
        return formula(t, lr, values, total_steps, jnp)

    return schedule


def make_traced_schedule(
    kind: jax.typing.ArrayLike,
    lr: jax.typing.ArrayLike,
    params: Mapping[str, jax.typing.ArrayLike],
    total_steps: jax.typing.ArrayLike,
) -> Schedule:
    """A schedule whose formula is chosen by a traced integer ``kind`` (``SCHEDULE_KINDS`` index).

    ``params`` must hold every name in ``SCHEDULE_PARAMETER_NAMES`` (values of the schedules not
    chosen are ignored: any finite placeholder works). Every formula is evaluated and the chosen
    one selected (``jnp.select``): element-wise, no control flow, cheap for a scalar count. An
    out-of-range ``kind`` gives NaN.
    """
    missing = set(SCHEDULE_PARAMETER_NAMES) - set(params)
    if missing:
        raise ValueError(f"make_traced_schedule needs values for {sorted(missing)}")

    def schedule(count: jax.typing.ArrayLike) -> jax.Array:
        t = jnp.asarray(count).astype(jnp.result_type(lr, float))
        values = [f(t, lr, params, total_steps, jnp) for f in SCHEDULE_FORMULAS.values()]
        conditions = [kind == index for index in range(len(values))]
        return jnp.select(conditions, values, default=jnp.nan)

    return schedule


def schedule_table(
    schedule_id: str,
    lr: float,
    params: Mapping[str, float] | None,
    total_steps: int,
    length: int | None = None,
) -> np.ndarray:
    """``eta_t`` for t = 0..length-1 (default ``total_steps``) in NumPy float64.

    The same formulas as ``make_schedule`` (``warmup_cosine`` decays over ``total_steps``).
    """
    formula = SCHEDULE_FORMULAS[get_schedule_spec(schedule_id).id]
    values = {k: np.float64(v) for k, v in _complete_params(schedule_id, params or {}).items()}
    t = np.arange(total_steps if length is None else length, dtype=np.float64)
    return np.asarray(formula(t, np.float64(lr), values, total_steps, np), dtype=np.float64)
