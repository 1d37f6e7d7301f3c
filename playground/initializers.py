"""Initialization schemes: how the weights start. Biases always start at 0.

Every scheme is one formula with a single number ``s`` (the *scale*):

* fan-in normal:  ``W_ij ~ N(0, s / n_in)`` — zero (s = 0), too small, appropriate, too large
  (the deeplearning.ai initialization demo's four choices) and He (s = 2);
* fan-average normal (Glorot/Xavier): ``W_ij ~ N(0, 2 s / (n_in + n_out))``, s = 1;
* constant: ``W_ij = s`` (every weight equal).

So a layer's weights are ``W = c + σ_l · Z`` with ``Z ~ N(0, I)`` drawn once from the run's
seed, a per-layer standard deviation ``σ_l`` and a constant ``c``. Both are traced numbers in the
jitted program: switching the scheme or its scale never recompiles, and schemes run side by side
(``train_inits``) share the same ``Z`` — the same seed — so they differ only in scale.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

BIAS_INIT_LATEX = r"b = 0"


@dataclass(frozen=True)
class InitScheme:
    """An initialization scheme as the page shows it.

    ``kind`` is ``"fan_in"`` (variance s / n_in), ``"fan_avg"`` (variance 2 s / (n_in + n_out))
    or ``"constant"`` (W = s). ``adjustable`` says whether a user may override ``default_scale``
    (``PlaygroundConfig.init_scale``); ``scale_range`` is the valid range of that override.
    """

    id: str
    title: str
    kind: str
    default_scale: float
    note: str
    adjustable: bool = True
    scale_range: tuple[float, float] = (0.0, 1e4)

    @property
    def latex(self) -> str:
        """LaTeX of the weight distribution at the default scale (biases: ``b = 0``)."""
        return init_latex(self.id)


_INIT_LIST = (
    InitScheme(
        "zero",
        "Zero",
        "fan_in",
        0.0,
        "All weights 0: every neuron of a layer computes the same thing and gets the same "
        "gradient, so the symmetry never breaks (with ReLU/tanh nothing but the output bias "
        "learns).",
        adjustable=False,
    ),
    InitScheme(
        "too_small",
        "Too small",
        "fan_in",
        0.01,
        "Signals shrink layer by layer: the network starts as an almost constant function, "
        "the error signal shrinks on its way back to the input and every weight gradient is "
        "tiny, so learning stalls on a plateau (vanishing gradients).",
    ),
    InitScheme(
        "appropriate",
        "Appropriate",
        "fan_in",
        1.0,
        "Variance 1/n_in keeps the signal's scale roughly constant from layer to layer "
        "(LeCun initialization); the network learns.",
    ),
    InitScheme(
        "too_large",
        "Too large",
        "fan_in",
        100.0,
        "Signals grow layer by layer: huge logits saturate the output sigmoid, the initial "
        "loss and gradients explode, the first steps overshoot (ReLUs may die) and the "
        "network ends worse than with the appropriate scale.",
    ),
    InitScheme(
        "xavier",
        "Xavier / Glorot",
        "fan_avg",
        1.0,
        "Glorot & Bengio (2010): variance 2/(n_in + n_out), a compromise between the forward "
        "and the backward signal; designed for tanh.",
    ),
    InitScheme(
        "he",
        "He",
        "fan_in",
        2.0,
        "He et al. (2015): variance 2/n_in compensates for ReLU zeroing half of its inputs.",
    ),
    InitScheme(
        "constant",
        "Constant",
        "constant",
        0.5,
        "Every weight equal (0.5): random values are what breaks the symmetry, so like zero "
        "init the neurons of a layer stay identical forever.",
        scale_range=(-10.0, 10.0),
    ),
)

INIT_SCHEMES: Mapping[str, InitScheme] = MappingProxyType({s.id: s for s in _INIT_LIST})

# The four choices of the deeplearning.ai demo, in its order (train_inits' default).
DEMO_INIT_IDS: tuple[str, ...] = ("zero", "too_small", "appropriate", "too_large")


def _format_number(value: float) -> str:
    text = f"{value:g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = rf"{mantissa} \cdot 10^{{{int(exponent)}}}"
    return text


def init_latex(scheme_id: str, scale: float | None = None) -> str:
    """LaTeX of scheme ``scheme_id``'s weight distribution, at ``scale`` (default: its own).

    >>> init_latex("too_small")
    'W_{ij} \\sim \\mathcal{N}\\!\\left(0,\\ \\frac{0.01}{n_\\text{in}}\\right)'
    """
    scheme = INIT_SCHEMES[scheme_id]
    s = scheme.default_scale if scale is None else float(scale)
    if scheme.kind == "constant":
        return rf"W_{{ij}} = {_format_number(s)}"
    if s == 0:
        return r"W_{ij} = 0"
    if scheme.kind == "fan_avg":
        numerator = "2" if s == 1 else rf"2 \cdot {_format_number(s)}"
        return (
            rf"W_{{ij}} \sim \mathcal{{N}}\!\left(0,\ \frac{{{numerator}}}"
            r"{n_\text{in} + n_\text{out}}\right)"
        )
    return (
        rf"W_{{ij}} \sim \mathcal{{N}}\!\left(0,\ \frac{{{_format_number(s)}}}"
        r"{n_\text{in}}\right)"
    )


def layer_init_parameters(
    scheme_id: str, scale: float | None, layer_sizes: Sequence[int]
) -> tuple[np.ndarray, float]:
    """Per-layer standard deviations ``σ_l`` (float32, one per weight matrix) and constant ``c``.

    ``layer_sizes = (2, h_1, …, h_L, 1)``; layer l maps ``n_in = layer_sizes[l]`` to
    ``n_out = layer_sizes[l + 1]``.
    """
    scheme = INIT_SCHEMES[scheme_id]
    s = scheme.default_scale if scale is None else float(scale)
    pairs = list(itertools.pairwise(layer_sizes))
    if scheme.kind == "constant":
        return np.zeros(len(pairs), np.float32), s
    if scheme.kind == "fan_avg":
        variances = [2.0 * s / (n_in + n_out) for n_in, n_out in pairs]
    else:
        variances = [s / n_in for n_in, _ in pairs]
    return np.array([math.sqrt(v) for v in variances], np.float32), 0.0


def standard_normal_draw(seed: int, layer_sizes: Sequence[int]) -> np.ndarray:
    """The run's Z: float32 N(0, 1) noise in the flat parameter layout (``FlatLayout``).

    Drawn with ``np.random.default_rng(seed)``, so a notebook reproduces the page's initial
    weights: ``W_l = c + σ_l · Z_l`` (bias entries of Z are drawn but unused).
    """
    size = sum(n_in * n_out + n_out for n_in, n_out in itertools.pairwise(layer_sizes))
    return np.random.default_rng(int(seed)).standard_normal(size).astype(np.float32)


def initial_params(
    scheme_id: str, scale: float | None, layer_sizes: Sequence[int], seed: int
) -> list[tuple[np.ndarray, np.ndarray]]:
    """The initial ``[(W_l, b_l)]`` (numpy float32) of a run with this scheme, scale and seed."""
    stds, constant = layer_init_parameters(scheme_id, scale, layer_sizes)
    z = standard_normal_draw(seed, layer_sizes)
    params = []
    start = 0
    for index, (n_in, n_out) in enumerate(itertools.pairwise(layer_sizes)):
        block = z[start : start + n_in * n_out].reshape(n_in, n_out)
        weights = np.float32(constant) + stds[index] * block
        params.append((weights.astype(np.float32), np.zeros(n_out, np.float32)))
        start += n_in * n_out + n_out
    return params
