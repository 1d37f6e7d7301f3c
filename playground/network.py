"""The padded MLP inside the compiled programs: forward and hand-written backward pass.

The network is the one of ``playground.model`` (same equations, same JAX activation functions
and derivatives), stored in a ``PaddedLayout`` so that one program serves every shape:

* the depth (1 … 6 hidden layers) is a traced index: a ``lax.switch`` runs the static network
  of that depth (a 2-layer net costs 2 layers, not 6; the six branches share their compiled
  kernels because their layers have the same shapes);
* the real units of every layer are a traced 0/1 unit mask folded into the neuron scale
  ``s_l`` (dropout mask or keep probability times the unit mask), so a padded unit outputs
  exactly 0 — even for sigmoid, where f(0) = ½ — and receives exactly zero gradient;
* the activation is a traced index (``lax.switch`` over ``ACTIVATIONS``); each branch returns
  ``f(z)`` and ``f'(z)`` from ``jax.jvp``, the derivative autodiff would use.

Forward (rows = examples, ``a_l = f(z_l)``)::

    z_1 = x W_0 + b_0;  h_1 = a_1 ⊙ s_1;  z_{l+1} = h_l W_l + b_l;  h_{l+1} = a_{l+1} ⊙ s_{l+1}
    logit = h_D w_6 + b_6;   ℓ = Σ_i ω_i [softplus(logit_i) − y_i logit_i]

with row weights ω (1/n on the rows of the mean, 0 on padding rows). Backward, written out
(fewer, larger kernels than autodiff through the switches; the NumPy oracle
``reference/mlp_numpy.py`` checks it)::

    ∂ℓ/∂logit_i = ω_i σ(logit_i) − ω_i y_i          (σ(l) computed as exp(l − softplus(l)))
    ∂ℓ/∂w_6 = h_Dᵀ ∂ℓ/∂logit,   e_D = ∂ℓ/∂logit w_6ᵀ
    δ_l = (e_l ⊙ s_l) ⊙ f'(z_l),  ∂ℓ/∂W_{l-1} = h_{l-1}ᵀ δ_l,  ∂ℓ/∂b_{l-1} = Σ_rows δ_l,
    e_{l-1} = δ_l W_{l-1}ᵀ
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp

from playground.activations import ACTIVATIONS
from playground.layout import MAX_HIDDEN, PaddedLayout

ACTIVATION_IDS: tuple[str, ...] = tuple(ACTIVATIONS)
"""Activation ids in the order of the traced activation index."""


class Net(NamedTuple):
    """Views of θ_pad (see ``PaddedLayout``); slots 1 … 5 are stacked."""

    first_w: jax.Array  # (2, H)
    first_b: jax.Array  # (H,)
    hidden_w: jax.Array  # (5, H, H)
    hidden_b: jax.Array  # (5, H)
    out_w: jax.Array  # (H,)
    out_b: jax.Array  # ()


def unflatten(layout: PaddedLayout, theta: jax.Array) -> Net:
    """``Net`` views of a flat θ_pad (static slices)."""
    h = layout.width
    (first, first_bias, _), *_ = layout.slot_offsets
    hidden_start, hidden_end = layout.hidden_block
    out_start, out_bias, out_end = layout.slot_offsets[-1]
    hidden = theta[hidden_start:hidden_end].reshape(MAX_HIDDEN - 1, h * h + h)
    return Net(
        first_w=theta[first:first_bias].reshape(2, h),
        first_b=theta[first_bias:hidden_start],
        hidden_w=hidden[:, : h * h].reshape(MAX_HIDDEN - 1, h, h),
        hidden_b=hidden[:, h * h :],
        out_w=theta[out_start:out_bias],
        out_b=theta[out_bias:out_end][0],
    )


def flatten(net: Net) -> jax.Array:
    """Inverse of ``unflatten``: one flat vector."""
    hidden = jnp.concatenate(
        [net.hidden_w.reshape(net.hidden_w.shape[0], -1), net.hidden_b], axis=1
    )
    return jnp.concatenate(
        [
            net.first_w.ravel(),
            net.first_b,
            hidden.ravel(),
            net.out_w,
            jnp.reshape(net.out_b, (1,)),
        ]
    )


def _with_derivative(fn):
    def value_and_derivative(z: jax.Array) -> tuple[jax.Array, jax.Array]:
        return jax.jvp(fn, (z,), (jnp.ones_like(z),))

    return value_and_derivative


# Built once: lax.switch reuses the traced branches of the same functions (faster tracing).
_DERIVATIVE_BRANCHES = tuple(_with_derivative(a.fn) for a in ACTIVATIONS.values())
_VALUE_BRANCHES = tuple(a.fn for a in ACTIVATIONS.values())


def activation_with_derivative(kind: jax.Array, z: jax.Array) -> tuple[jax.Array, jax.Array]:
    """``(f(z), f'(z))`` of activation ``ACTIVATION_IDS[kind]`` (traced index)."""
    return jax.lax.switch(kind, _DERIVATIVE_BRANCHES, z)


def activation_only(kind: jax.Array, z: jax.Array) -> jax.Array:
    """``f(z)`` of activation ``ACTIVATION_IDS[kind]`` (traced index)."""
    return jax.lax.switch(kind, _VALUE_BRANCHES, z)


def _first_layer(net: Net, x: jax.Array) -> jax.Array:
    return x @ net.first_w + net.first_b


class PassResult(NamedTuple):
    logits: jax.Array  # (R,)
    loss_terms: jax.Array  # (R,) softplus(logit) − y logit of every row (mask it yourself)
    gradient: Net  # ∂(Σ ω ℓ)/∂θ


def forward(
    net: Net, x: jax.Array, scales: jax.Array, depth: jax.Array, kind: jax.Array
) -> tuple[jax.Array, jax.Array]:
    """Logits (R,) and every hidden layer's ``f(z)`` before scaling (6, R, H; 0 beyond depth).

    Padded units hold f(0) there (their scale is 0, so the next layer never sees them).
    """
    rows = x.shape[0]
    width = net.first_b.shape[0]
    value = activation_only(kind, _first_layer(net, x))
    hidden = jnp.zeros((MAX_HIDDEN, rows, width), jnp.float32).at[0].set(value)

    def forward_layer(layer, carry):
        h, hidden = carry
        z = h @ net.hidden_w[layer - 1] + net.hidden_b[layer - 1]
        value = activation_only(kind, z)
        return value * scales[layer], hidden.at[layer].set(value)

    h, hidden = jax.lax.fori_loop(1, depth, forward_layer, (value * scales[0], hidden))
    return h @ net.out_w + net.out_b, hidden


def _static_pass(
    net: Net,
    x: jax.Array,
    y: jax.Array,
    row_weight: jax.Array,
    scales: jax.Array,
    kind: jax.Array,
    n_hidden: int,
) -> PassResult:
    """Forward and backward pass of the static network with ``n_hidden`` hidden layers."""
    value, derivative = activation_with_derivative(kind, _first_layer(net, x))
    hs = [value * scales[0]]
    ds = [derivative]
    for layer in range(1, n_hidden):
        z = hs[-1] @ net.hidden_w[layer - 1] + net.hidden_b[layer - 1]
        value, derivative = activation_with_derivative(kind, z)
        hs.append(value * scales[layer])
        ds.append(derivative)
    h = hs[-1]
    logits = h @ net.out_w + net.out_b
    used = row_weight > 0
    softplus = jax.nn.softplus(logits)
    loss_terms = softplus - y * logits
    d_logits = jnp.where(used, row_weight * jnp.exp(logits - softplus) - row_weight * y, 0.0)
    error = d_logits[:, None] * net.out_w[None, :]
    grad_w = [None] * (MAX_HIDDEN - 1)
    grad_b = [None] * (MAX_HIDDEN - 1)
    for layer in range(n_hidden - 1, 0, -1):
        delta = (error * scales[layer]) * ds[layer]
        grad_w[layer - 1] = jax.lax.optimization_barrier(hs[layer - 1].T) @ delta
        grad_b[layer - 1] = jnp.sum(delta, axis=0)
        error = delta @ net.hidden_w[layer - 1].T
    delta = (error * scales[0]) * ds[0]
    zeros_w = jnp.zeros_like(net.hidden_w[0])
    zeros_b = jnp.zeros_like(net.hidden_b[0])
    gradient = Net(
        first_w=jnp.stack([x[:, 0] @ delta, x[:, 1] @ delta]),
        first_b=jnp.sum(delta, axis=0),
        hidden_w=jnp.stack([zeros_w if g is None else g for g in grad_w]),
        hidden_b=jnp.stack([zeros_b if g is None else g for g in grad_b]),
        out_w=d_logits @ h,
        out_b=jnp.sum(d_logits),
    )
    return PassResult(logits, loss_terms, gradient)


def loss_and_gradient(
    net: Net,
    x: jax.Array,
    y: jax.Array,
    row_weight: jax.Array,
    scales: jax.Array,
    depth: jax.Array,
    kind: jax.Array,
    max_depth: int = MAX_HIDDEN,
) -> PassResult:
    """One forward and backward pass over R rows (see the module docstring).

    ``scales`` (6, R or 1, H): neuron scales per hidden layer (unit mask × dropout mask or keep
    probability); ``depth``: hidden layers in use (traced, 1 … ``max_depth``; a ``lax.switch``
    picks the static network of that depth); ``row_weight`` (R,) ω.
    """
    operands = (net, x, y, row_weight, scales, kind)
    return jax.lax.switch(depth - 1, _PASS_BRANCHES[:max_depth], operands)


def _pass_branch(n_hidden: int):
    def run(operands) -> PassResult:
        return _static_pass(*operands, n_hidden)

    return run


# Built once: lax.switch reuses the traced branches of the same functions (faster tracing).
_PASS_BRANCHES = tuple(_pass_branch(d) for d in range(1, MAX_HIDDEN + 1))


def loss_and_gradient_loop(
    net: Net,
    x: jax.Array,
    y: jax.Array,
    row_weight: jax.Array,
    scales: jax.Array,
    depth: jax.Array,
    kind: jax.Array,
) -> PassResult:
    """``loss_and_gradient`` with the depth as a loop bound: one layer body in the program
    instead of one per depth (a smaller, faster-compiling program; ≈ 1.5–3× the run time)."""
    rows = x.shape[0]
    width = net.first_b.shape[0]
    value, derivative = activation_with_derivative(kind, _first_layer(net, x))
    h = value * scales[0]
    inputs = jnp.zeros((MAX_HIDDEN - 1, width, rows), jnp.float32)  # h_{l-1}ᵀ
    derivatives = jnp.zeros((MAX_HIDDEN, rows, width), jnp.float32).at[0].set(derivative)

    def forward_layer(layer, carry):
        h, inputs, derivatives = carry
        inputs = inputs.at[layer - 1].set(h.T)
        z = h @ net.hidden_w[layer - 1] + net.hidden_b[layer - 1]
        value, derivative = activation_with_derivative(kind, z)
        return value * scales[layer], inputs, derivatives.at[layer].set(derivative)

    h, inputs, derivatives = jax.lax.fori_loop(1, depth, forward_layer, (h, inputs, derivatives))
    logits = h @ net.out_w + net.out_b
    used = row_weight > 0
    softplus = jax.nn.softplus(logits)
    loss_terms = softplus - y * logits
    d_logits = jnp.where(used, row_weight * jnp.exp(logits - softplus) - row_weight * y, 0.0)
    error = d_logits[:, None] * net.out_w[None, :]

    def backward_layer(step, carry):
        error, grad_w, grad_b = carry
        layer = depth - 1 - step
        delta = (error * scales[layer]) * derivatives[layer]
        grad_w = grad_w.at[layer - 1].set(inputs[layer - 1] @ delta)
        grad_b = grad_b.at[layer - 1].set(jnp.sum(delta, axis=0))
        return delta @ net.hidden_w[layer - 1].T, grad_w, grad_b

    error, grad_hidden_w, grad_hidden_b = jax.lax.fori_loop(
        0,
        depth - 1,
        backward_layer,
        (error, jnp.zeros_like(net.hidden_w), jnp.zeros_like(net.hidden_b)),
    )
    delta = (error * scales[0]) * derivatives[0]
    gradient = Net(
        first_w=jnp.stack([x[:, 0] @ delta, x[:, 1] @ delta]),
        first_b=jnp.sum(delta, axis=0),
        hidden_w=grad_hidden_w,
        hidden_b=grad_hidden_b,
        out_w=d_logits @ h,
        out_b=jnp.sum(d_logits),
    )
    return PassResult(logits, loss_terms, gradient)
