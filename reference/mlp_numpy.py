"""Plain-NumPy MLP with hand-written backpropagation: the playground's equations, re-derived.

Independent of ``playground`` (no JAX, no shared code) so tests can check the engine against it
and the benchmark can time it. Computations follow the dtype of the inputs (float64 in tests).

Network (one row per example, ``W_l`` of shape (n_in, n_out)):

    h_0 = x;  z_l = h_{l-1} W_l + b_l;  h_l = f(z_l) · s_l   (hidden l = 1 … L)
    logit = h_L W_{L+1} + b_{L+1};  ŷ = σ(logit)

``s_l`` is the dropout scale (evaluation mode: p; here only p = 1 is used for training).

Objective  R = (1/n) Σ_i [softplus(logit_i) − y_i logit_i] + λ1 Σ_l Σ|W_l| + λ2 Σ_l Σ W_l²

Backward (δ_l = ∂R/∂z_l, rows = examples):

    δ_{L+1} = (σ(logit) − y) / n
    ∂R/∂W_l = h_{l-1}ᵀ δ_l + λ1 sign(W_l) + 2 λ2 W_l,   ∂R/∂b_l = Σ_rows δ_l
    δ_{l-1} = (δ_l W_lᵀ) · s_{l-1} ⊙ f'(z_{l-1})
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

Params = list[tuple[np.ndarray, np.ndarray]]


def _sigmoid(z: np.ndarray) -> np.ndarray:
    out = np.empty_like(z)
    positive = z >= 0
    out[positive] = 1.0 / (1.0 + np.exp(-z[positive]))
    exp_z = np.exp(z[~positive])
    out[~positive] = exp_z / (1.0 + exp_z)
    return out


# activation id -> (f, f') with f' written by hand
ACTIVATIONS: dict[
    str, tuple[Callable[[np.ndarray], np.ndarray], Callable[[np.ndarray], np.ndarray]]
] = {
    "relu": (lambda z: np.maximum(z, 0), lambda z: (z > 0).astype(z.dtype)),
    "tanh": (np.tanh, lambda z: 1 - np.tanh(z) ** 2),
    "sigmoid": (_sigmoid, lambda z: _sigmoid(z) * (1 - _sigmoid(z))),
    "leaky_relu": (
        lambda z: np.where(z > 0, z, 0.1 * z),
        lambda z: np.where(z > 0, 1.0, 0.1).astype(z.dtype),
    ),
    "elu": (
        lambda z: np.where(z > 0, z, np.expm1(np.minimum(z, 0))),
        lambda z: np.where(z > 0, 1.0, np.exp(np.minimum(z, 0))).astype(z.dtype),
    ),
    "linear": (lambda z: z, np.ones_like),
}


def forward(
    params: Params, x: np.ndarray, activation: str, keep_prob: float = 1.0
) -> tuple[np.ndarray, list[np.ndarray], list[np.ndarray]]:
    """``(logits (n,), pre-activations [z_1 … z_L], layer inputs [h_0 … h_L])``."""
    f, _ = ACTIVATIONS[activation]
    inputs = [x]
    pre_activations = []
    hidden = x
    for weights, bias in params[:-1]:
        z = hidden @ weights + bias
        pre_activations.append(z)
        hidden = f(z) * keep_prob
        inputs.append(hidden)
    weights, bias = params[-1]
    return (hidden @ weights + bias)[:, 0], pre_activations, inputs


def bce(logits: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Per-example ``softplus(logit) − y logit`` (stable: max(z, 0) + log1p(e^{−|z|}) − y z)."""
    return np.maximum(logits, 0) + np.log1p(np.exp(-np.abs(logits))) - labels * logits


def penalty(params: Params, l1: float, l2: float) -> float:
    """``λ1 Σ|W| + λ2 Σ W²`` over weights only."""
    return float(sum(l1 * np.abs(w).sum() + l2 * (w * w).sum() for w, _ in params))


def loss(
    params: Params, x: np.ndarray, y: np.ndarray, activation: str, keep_prob: float = 1.0
) -> float:
    """Mean binary cross-entropy (data loss, no penalty)."""
    logits, _, _ = forward(params, x, activation, keep_prob)
    return float(bce(logits, y).mean())


def backward(
    params: Params,
    x: np.ndarray,
    y: np.ndarray,
    activation: str,
    l1: float = 0.0,
    l2: float = 0.0,
    keep_prob: float = 1.0,
) -> Params:
    """``[(∂R/∂W_l, ∂R/∂b_l)]`` of the objective R (mean BCE + penalties), by hand."""
    _, f_prime = ACTIVATIONS[activation]
    logits, pre_activations, inputs = forward(params, x, activation, keep_prob)
    delta = ((_sigmoid(logits) - y) / x.shape[0])[:, None]
    grads: Params = []
    for layer in range(len(params) - 1, -1, -1):
        weights, _ = params[layer]
        grad_w = inputs[layer].T @ delta + l1 * np.sign(weights) + 2 * l2 * weights
        grads.append((grad_w, delta.sum(axis=0)))
        if layer > 0:
            delta = (delta @ weights.T) * keep_prob * f_prime(pre_activations[layer - 1])
    return grads[::-1]


def accuracy(params: Params, x: np.ndarray, y: np.ndarray, activation: str) -> float:
    logits, _, _ = forward(params, x, activation)
    return float(((logits > 0) == (y > 0.5)).mean())


def gd_step(params: Params, grads: Params, lr: float) -> Params:
    """θ ← θ − η ∇R(θ)."""
    return [(w - lr * gw, b - lr * gb) for (w, b), (gw, gb) in zip(params, grads, strict=True)]


def train_full_batch(
    params: Params,
    x: np.ndarray,
    y: np.ndarray,
    activation: str,
    epochs: int,
    lr: float,
    l1: float = 0.0,
    l2: float = 0.0,
    step: Callable[[Params, Params, int], Params] | None = None,
) -> list[Params]:
    """Full-batch training; returns the parameters after 0, 1, …, ``epochs`` epochs.

    ``step(params, grads, t)`` applies one update (default: gradient descent with rate ``lr``).
    """
    update = step or (lambda p, g, t: gd_step(p, g, lr))
    history = [params]
    for t in range(epochs):
        params = update(params, backward(params, x, y, activation, l1, l2), t)
        history.append(params)
    return history


def train_with_records(
    params: Params,
    data: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    grid: np.ndarray,
    activation: str,
    epochs: int,
    lr: float,
    snapshot_every: int,
    l1: float = 0.0,
    l2: float = 0.0,
) -> dict[str, object]:
    """What the engine computes for one full-batch GD run, in NumPy (for the benchmark).

    Per epoch: train/test loss and accuracy, per-layer ‖W‖ and ‖∂L/∂W‖ (data loss); every
    ``snapshot_every`` epochs: parameters, ∂L/∂W and the probabilities on ``grid``.
    """
    x_train, y_train, x_test, y_test = data
    names = ("train_loss", "test_loss", "train_acc", "test_acc", "weight_norms", "grad_norms")
    records: dict[str, list] = {k: [] for k in (*names, "snapshots")}
    for epoch in range(epochs + 1):
        data_grads = backward(params, x_train, y_train, activation)
        records["train_loss"].append(loss(params, x_train, y_train, activation))
        records["test_loss"].append(loss(params, x_test, y_test, activation))
        records["train_acc"].append(accuracy(params, x_train, y_train, activation))
        records["test_acc"].append(accuracy(params, x_test, y_test, activation))
        records["weight_norms"].append([np.linalg.norm(w) for w, _ in params])
        records["grad_norms"].append([np.linalg.norm(g) for g, _ in data_grads])
        if epoch % snapshot_every == 0 or epoch == epochs:
            logits, _, _ = forward(params, grid, activation)
            records["snapshots"].append((params, data_grads, _sigmoid(logits)))
        if epoch < epochs:
            grads = data_grads
            if l1 or l2:
                grads = [
                    (gw + l1 * np.sign(w) + 2 * l2 * w, gb)
                    for (gw, gb), (w, _) in zip(data_grads, params, strict=True)
                ]
            params = gd_step(params, grads, lr)
    return {k: v if k == "snapshots" else np.asarray(v) for k, v in records.items()}


def numerical_gradient(
    objective: Callable[[Params], float], params: Params, eps: float = 1e-6
) -> Params:
    """Central finite differences of ``objective`` (float64 params) — checks ``backward``."""
    grads: Params = []
    for weights, bias in params:
        layer_grads = []
        for array in (weights, bias):
            grad = np.zeros_like(array)
            for index in np.ndindex(array.shape):
                original = array[index]
                array[index] = original + eps
                plus = objective(params)
                array[index] = original - eps
                minus = objective(params)
                array[index] = original
                grad[index] = (plus - minus) / (2 * eps)
            layer_grads.append(grad)
        grads.append((layer_grads[0], layer_grads[1]))
    return grads


def clone(params: Sequence[tuple[np.ndarray, np.ndarray]], dtype=np.float64) -> Params:
    """A deep copy of ``params`` in ``dtype``."""
    return [(np.array(w, dtype=dtype), np.array(b, dtype=dtype)) for w, b in params]
