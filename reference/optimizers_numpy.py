"""Plain-NumPy re-implementation of the optimizer lab: written from the displayed LaTeX only.

Independent of ``optimizers/`` (no JAX, no optax): every update rule, every learning-rate
schedule and a few landscapes with hand-derived gradients. The tests compare the JAX engine and
the optax transformations with this; the benchmark times it against the engine.

Conventions (as in the displayed equations): ``t = 0, 1, …`` counts updates, ``g_t`` is the
gradient at ``theta_t`` plus ``sigma * xi_t`` when noise is given, element-wise vector maths.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

Vector = np.ndarray

# --------------------------------------------------------------------------------------------
# Landscapes: value and analytic gradient, from the catalog's formulas.


def himmelblau(w: Vector) -> tuple[float, Vector]:
    """J = (w1^2 + w2 - 11)^2 + (w1 + w2^2 - 7)^2."""
    w1, w2 = float(w[0]), float(w[1])
    a = w1 * w1 + w2 - 11.0
    b = w1 + w2 * w2 - 7.0
    return a * a + b * b, np.array([4.0 * w1 * a + 2.0 * b, 2.0 * a + 4.0 * w2 * b])


def rosenbrock(w: Vector) -> tuple[float, Vector]:
    """J = (1 - w1)^2 + 100 (w2 - w1^2)^2."""
    w1, w2 = float(w[0]), float(w[1])
    r = w2 - w1 * w1
    return (1.0 - w1) ** 2 + 100.0 * r * r, np.array(
        [-2.0 * (1.0 - w1) - 400.0 * w1 * r, 200.0 * r]
    )


def bowl(w: Vector) -> tuple[float, Vector]:
    """J = 5 (w1^2 + w2^2)."""
    w1, w2 = float(w[0]), float(w[1])
    return 5.0 * (w1 * w1 + w2 * w2), np.array([10.0 * w1, 10.0 * w2])


def valley(w: Vector) -> tuple[float, Vector]:
    """J = 2u^2 + 80v^2, u = 0.96 w1 + 0.28 w2, v = -0.28 w1 + 0.96 w2."""
    w1, w2 = float(w[0]), float(w[1])
    u = 0.96 * w1 + 0.28 * w2
    v = -0.28 * w1 + 0.96 * w2
    du, dv = 4.0 * u, 160.0 * v
    return 2.0 * u * u + 80.0 * v * v, np.array([0.96 * du - 0.28 * dv, 0.28 * du + 0.96 * dv])


def saddle(w: Vector) -> tuple[float, Vector]:
    """J = w1^2 - w2^2 + w2^4 / 4."""
    w1, w2 = float(w[0]), float(w[1])
    return w1 * w1 - w2 * w2 + 0.25 * w2**4, np.array([2.0 * w1, -2.0 * w2 + w2**3])


def booth(w: Vector) -> tuple[float, Vector]:
    """J = (w1 + 2 w2 - 7)^2 + (2 w1 + w2 - 5)^2."""
    w1, w2 = float(w[0]), float(w[1])
    a = w1 + 2.0 * w2 - 7.0
    b = 2.0 * w1 + w2 - 5.0
    return a * a + b * b, np.array([2.0 * a + 4.0 * b, 4.0 * a + 2.0 * b])


LANDSCAPES: Mapping[str, Callable[[Vector], tuple[float, Vector]]] = {
    "himmelblau": himmelblau,
    "rosenbrock": rosenbrock,
    "bowl": bowl,
    "valley": valley,
    "saddle": saddle,
    "booth": booth,
}


def central_difference_gradient(
    fn: Callable[[Vector], float], w: Vector, h: float = 1e-6
) -> Vector:
    """(f(w + h e_i) - f(w - h e_i)) / 2h per coordinate (for checking gradients)."""
    grad = np.zeros(2)
    for i in range(2):
        step = np.zeros(2)
        step[i] = h
        grad[i] = (fn(w + step) - fn(w - step)) / (2.0 * h)
    return grad


# --------------------------------------------------------------------------------------------
# Learning-rate schedules eta_t (t = 0 at the first update; T = number of updates in the run).


def schedule_eta(
    schedule: str, t: int, eta0: float, params: Mapping[str, float], total: int
) -> float:
    """eta_t of the displayed schedule formulas."""
    if schedule == "constant":
        return eta0  # eta_t = eta_0
    if schedule == "inverse_time":
        return eta0 / (1.0 + params["decay_rate"] * t)  # eta_0 / (1 + k t)
    if schedule == "exponential":
        return eta0 * math.exp(-params["decay_rate"] * t)  # eta_0 e^{-k t}
    if schedule == "step":
        every = max(round(params["every"]), 1)
        return eta0 * params["factor"] ** (t // every)  # eta_0 f^{floor(t / n)}
    if schedule == "warmup_cosine":
        warmup = min(max(round(params["warmup_steps"]), 0), total)
        if t < warmup:
            return eta0 * t / warmup  # eta_0 t / w
        return 0.5 * eta0 * (1.0 + math.cos(math.pi * (t - warmup) / (total - warmup)))
    if schedule == "cyclic":
        # Smith (2017), triangular: base_lr = r eta_0, max_lr = eta_0, step size s
        step_size = max(round(params["half_period"]), 1)
        base = params["min_fraction"] * eta0
        cycle = math.floor(1 + t / (2 * step_size))
        x = abs(t / step_size - 2 * cycle + 1)
        return base + (eta0 - base) * max(0.0, 1.0 - x)
    if schedule == "one_cycle":
        # fastai fit_one_cycle: combined_cos(pct, eta_0/div, eta_0, eta_0/div_final) at t / T
        def sched_cos(start: float, end: float, pos: float) -> float:
            return start + (1 + math.cos(math.pi * (1 - pos))) * (end - start) / 2

        pct = min(max(params["pct_start"], 0.0), 1.0)
        pos = t / max(total, 1)
        if pos < pct:
            return sched_cos(eta0 / params["div"], eta0, pos / pct)
        return sched_cos(eta0, eta0 / params["div_final"], (pos - pct) / (1 - pct))
    if schedule == "sgdr":
        # Loshchilov & Hutter (2017): walk the restarts; T_i = T_0 m^i
        period = max(round(params["period"]), 1)
        mult = max(round(params["mult"]), 1)
        low = params["min_fraction"] * eta0
        start = 0
        while t >= start + period:
            start += period
            period *= mult
        return low + 0.5 * (eta0 - low) * (1 + math.cos(math.pi * (t - start) / period))
    raise KeyError(schedule)


# --------------------------------------------------------------------------------------------
# Update rules: one step theta_t -> theta_{t+1}, state carried in a dict.


def init_state(size: int = 2) -> dict[str, Vector]:
    zeros = np.zeros(size)
    return {
        "delta": zeros,
        "G": zeros,
        "m": zeros,
        "v": zeros,
        "Eg2": zeros,
        "Ed2": zeros,
        "inner": None,  # Lookahead: the inner rule's state
        "slow": None,  # Lookahead: the slow weights phi
    }


# Lookahead's inner rules, by the index its "inner" hyperparameter holds (the registry's order
# of the rules that wrap none; the test checks this list against it).
LOOKAHEAD_INNER = (
    "gd",
    "momentum",
    "nesterov",
    "adagrad",
    "rmsprop",
    "adadelta",
    "adam",
    "adamw",
    "lion",
)


def update(
    optimizer: str,
    theta: Vector,
    g: Vector,
    state: dict[str, Vector],
    eta: float,
    t: int,
    hyper: Mapping[str, float],
) -> Vector:
    """theta_{t+1} from the displayed equations; updates ``state`` in place."""
    if optimizer == "gd":
        return theta - eta * g
    if optimizer == "momentum":
        state["delta"] = -eta * g + hyper["alpha"] * state["delta"]
        return theta + state["delta"]
    if optimizer == "nesterov":
        state["delta"] = -eta * g + hyper["alpha"] * state["delta"]
        return theta + hyper["alpha"] * state["delta"] - eta * g
    if optimizer == "adagrad":
        state["G"] = state["G"] + g * g
        return theta - eta / np.sqrt(state["G"] + hyper["eps"]) * g
    if optimizer == "rmsprop":
        gamma = hyper["gamma"]
        state["G"] = gamma * state["G"] + (1.0 - gamma) * g * g
        return theta - eta / np.sqrt(state["G"] + hyper["eps"]) * g
    if optimizer == "adam":
        b1, b2 = hyper["beta1"], hyper["beta2"]
        state["m"] = b1 * state["m"] + (1.0 - b1) * g
        state["v"] = b2 * state["v"] + (1.0 - b2) * g * g
        m_hat = state["m"] / (1.0 - b1 ** (t + 1))
        v_hat = state["v"] / (1.0 - b2 ** (t + 1))
        return theta - eta * (m_hat / (np.sqrt(v_hat) + hyper["eps"]))
    if optimizer == "adadelta":
        # Zeiler (2012), Algorithm 1, the step scaled by eta (eta = 1: the paper)
        rho, eps = hyper["rho"], hyper["eps"]
        state["Eg2"] = rho * state["Eg2"] + (1.0 - rho) * g * g
        delta = -np.sqrt(state["Ed2"] + eps) / np.sqrt(state["Eg2"] + eps) * g
        state["Ed2"] = rho * state["Ed2"] + (1.0 - rho) * delta * delta
        return theta + eta * delta
    if optimizer == "adamw":
        # Adam's step plus decoupled weight decay lambda theta, both scaled by eta
        b1, b2 = hyper["beta1"], hyper["beta2"]
        state["m"] = b1 * state["m"] + (1.0 - b1) * g
        state["v"] = b2 * state["v"] + (1.0 - b2) * g * g
        m_hat = state["m"] / (1.0 - b1 ** (t + 1))
        v_hat = state["v"] / (1.0 - b2 ** (t + 1))
        return theta - eta * (
            m_hat / (np.sqrt(v_hat) + hyper["eps"]) + hyper["weight_decay"] * theta
        )
    if optimizer == "lion":
        # Chen et al. (2023): c = b1 m + (1 - b1) g; theta -= eta (sign c + lambda theta)
        b1, b2 = hyper["beta1"], hyper["beta2"]
        c = b1 * state["m"] + (1.0 - b1) * g
        new_theta = theta - eta * (np.sign(c) + hyper["weight_decay"] * theta)
        state["m"] = b2 * state["m"] + (1.0 - b2) * g
        return new_theta
    if optimizer == "lookahead":
        # Zhang et al. (2019): fast steps of the inner rule; every k-th step
        # phi <- phi + alpha (theta_fast - phi) and theta_fast <- phi
        inner = LOOKAHEAD_INNER[round(hyper["inner"])]
        if state["slow"] is None:
            state["slow"] = theta.copy()
            state["inner"] = init_state(theta.size)
        inner_hyper = HYPER_DEFAULTS[inner]  # the inner rule keeps its own defaults
        fast = update(inner, theta, g, state["inner"], eta, t, inner_hyper)
        k = max(round(hyper["k"]), 1)
        if (t + 1) % k == 0:
            state["slow"] = state["slow"] + hyper["slow_step"] * (fast - state["slow"])
            return state["slow"].copy()
        return fast
    raise KeyError(optimizer)


HYPER_DEFAULTS: Mapping[str, Mapping[str, float]] = {
    "gd": {},
    "momentum": {"alpha": 0.9},
    "nesterov": {"alpha": 0.9},
    "adagrad": {"eps": 1e-8},
    "rmsprop": {"gamma": 0.9, "eps": 1e-8},
    "adam": {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
    "adadelta": {"rho": 0.95, "eps": 1e-6},
    "adamw": {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.01},
    "lion": {"beta1": 0.9, "beta2": 0.99, "weight_decay": 0.0},
    "lookahead": {"inner": 6.0, "k": 5.0, "slow_step": 0.5},  # inner 6 = adam
}


@dataclass
class ReferenceRun:
    path: np.ndarray  # (n + 1, 2)
    loss: np.ndarray  # (n + 1,)
    lr: np.ndarray  # (n,)
    diverged_at: int | None


def run(
    optimizer: str,
    landscape: Callable[[Vector], tuple[float, Vector]],
    start: tuple[float, float],
    steps: int,
    lr: float,
    schedule: str = "constant",
    schedule_params: Mapping[str, float] | None = None,
    hyper: Mapping[str, float] | None = None,
    noise: np.ndarray | None = None,
    sigma: float = 0.0,
    domain: tuple[tuple[float, float], tuple[float, float]] | None = None,
    span_factor: float = 10.0,
    loss_limit: float = 1e12,
) -> ReferenceRun:
    """``steps`` updates from ``start``; with ``domain``, stop at the first invalid point.

    Invalid (the engine's documented rule): a non-finite point, loss or gradient, a point
    farther than ``span_factor`` domain spans from the domain centre on either axis, or
    |loss| > ``loss_limit``. The result then keeps the points before it.
    """
    params = dict(schedule_params or {})
    hyper = {**HYPER_DEFAULTS[optimizer], **(hyper or {})}
    theta = np.array(start, dtype=np.float64)
    value, grad = landscape(theta)
    path, losses, etas = [theta.copy()], [value], []
    state = init_state(theta.size)
    diverged_at = None
    for t in range(steps):
        eta = schedule_eta(schedule, t, lr, params, steps)
        g = grad + sigma * noise[t] if noise is not None else grad
        with np.errstate(all="ignore"):
            candidate = update(optimizer, theta, g, state, eta, t, hyper)
            value, grad = landscape(candidate)
        if domain is not None and not _valid(
            candidate, value, grad, domain, span_factor, loss_limit
        ):
            diverged_at = t + 1
            break
        theta = candidate
        path.append(theta.copy())
        losses.append(value)
        etas.append(eta)
    return ReferenceRun(np.array(path), np.array(losses), np.array(etas), diverged_at)


def _valid(
    theta: Vector,
    value: float,
    grad: Vector,
    domain: tuple[tuple[float, float], tuple[float, float]],
    span_factor: float,
    loss_limit: float,
) -> bool:
    if not (np.all(np.isfinite(theta)) and math.isfinite(value) and np.all(np.isfinite(grad))):
        return False
    for coordinate, (low, high) in zip(theta, domain, strict=True):
        if abs(coordinate - (low + high) / 2.0) > span_factor * (high - low):
            return False
    return abs(value) <= loss_limit
