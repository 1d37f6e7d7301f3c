"""Seeded 2-D binary classification data sets (labels 0/1), split and normalized.

Generation happens in a "raw" frame where the noise-free points lie in about [-1, 1]² (moons:
[-1, 1] × [-0.5, 0.5]); ``noise`` is the standard deviation of Gaussian noise added to both raw
coordinates *after* labelling, so noise > 0 makes the classes overlap (labels never flip).

Pipeline of :func:`make_dataset` (plain NumPy, ``np.random.default_rng(seed)``):

1. draw ``n_samples`` points, half of each class (odd n: class 0 gets the extra point);
2. shuffle, take the first ``round(train_fraction · n)`` as the training set, the rest as test;
3. **normalize** every feature to zero mean and unit variance using the *training* split's mean
   and standard deviation ``x ← (x − μ_train) / σ_train`` (the same affine map is applied to the
   test points; no test statistics leak into training). Unit-variance inputs are what the
   ``N(0, s / n_in)`` initializations assume;
4. ``box``: the square ``[-B, B]²`` the page draws (decision boundary, activation maps), with
   ``B = max(2.5, ⌈1.1 · max|x| / 0.5⌉ · 0.5)`` over all normalized points, so every point is
   inside and the frame only changes in steps of 0.5.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

BOX_MINIMUM = 2.5
BOX_STEP = 0.5
BOX_MARGIN = 1.1

Generator = Callable[[np.random.Generator, int, int], tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class DatasetSpec:
    """Metadata of a data set generator (the page's dropdown)."""

    id: str
    title: str
    note: str
    generate: Generator


@dataclass(frozen=True, eq=False)
class Dataset:
    """A normalized, split data set. Arrays are numpy float32; labels are 0.0 / 1.0.

    ``box = ((x_min, x_max), (y_min, y_max))`` in normalized units; ``mean``/``std`` map the
    normalized inputs back to the raw frame: ``raw = x · std + mean``.
    """

    name: str
    x_train: np.ndarray  # (n_train, 2) float32
    y_train: np.ndarray  # (n_train,) float32 in {0, 1}
    x_test: np.ndarray  # (n_test, 2) float32
    y_test: np.ndarray  # (n_test,) float32 in {0, 1}
    box: tuple[tuple[float, float], tuple[float, float]]
    mean: np.ndarray  # (2,) float32, training-split mean in the raw frame
    std: np.ndarray  # (2,) float32, training-split standard deviation in the raw frame
    noise: float
    seed: int

    @property
    def n_train(self) -> int:
        return int(self.x_train.shape[0])

    @property
    def n_test(self) -> int:
        return int(self.x_test.shape[0])


def _circle(rng: np.random.Generator, n0: int, n1: int) -> tuple[np.ndarray, np.ndarray]:
    """Class 1: disc of radius 0.5; class 0: ring 0.7 ≤ r ≤ 1 (both uniform in area)."""
    r1 = 0.5 * np.sqrt(rng.uniform(0.0, 1.0, n1))
    r0 = np.sqrt(rng.uniform(0.7**2, 1.0, n0))
    angle = rng.uniform(0.0, 2 * np.pi, n0 + n1)
    radius = np.concatenate([r0, r1])
    points = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)
    return points, _labels(n0, n1)


def _xor(rng: np.random.Generator, n0: int, n1: int) -> tuple[np.ndarray, np.ndarray]:
    """Uniform in the four quadrants of [-1, 1]² kept 0.1 away from the axes; 1 iff x₁x₂ > 0."""
    magnitude = rng.uniform(0.1, 1.0, (n0 + n1, 2))
    sign1 = rng.choice([-1.0, 1.0], n0 + n1)
    same = np.concatenate([-np.ones(n0), np.ones(n1)])  # class 1: both signs equal
    signs = np.stack([sign1, sign1 * same], axis=1)
    return magnitude * signs, _labels(n0, n1)


def _moons(rng: np.random.Generator, n0: int, n1: int) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles (as sklearn's make_moons), rescaled to [-1, 1] × [-½, ½]."""
    t0 = rng.uniform(0.0, np.pi, n0)
    t1 = rng.uniform(0.0, np.pi, n1)
    upper = np.stack([np.cos(t0), np.sin(t0)], axis=1)
    lower = np.stack([1.0 - np.cos(t1), 0.5 - np.sin(t1)], axis=1)
    points = (np.concatenate([upper, lower]) - np.array([0.5, 0.25])) / 1.5
    return points, _labels(n0, n1)


def _blobs(rng: np.random.Generator, n0: int, n1: int) -> tuple[np.ndarray, np.ndarray]:
    """Two Gaussian blobs, σ = 0.25, centred at (−0.5, −0.5) (class 0) and (0.5, 0.5)."""
    c0 = rng.normal(-0.5, 0.25, (n0, 2))
    c1 = rng.normal(0.5, 0.25, (n1, 2))
    return np.concatenate([c0, c1]), _labels(n0, n1)


def _spiral(rng: np.random.Generator, n0: int, n1: int) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved arms r = u, θ = 3.5π u + {0, π}, u uniform in (0, 1] (as TF Playground)."""

    def arm(count: int, phase: float) -> np.ndarray:
        u = rng.uniform(0.05, 1.0, count)
        theta = 3.5 * np.pi * u + phase
        return np.stack([u * np.sin(theta), u * np.cos(theta)], axis=1)

    return np.concatenate([arm(n0, 0.0), arm(n1, np.pi)]), _labels(n0, n1)


def _linear(rng: np.random.Generator, n0: int, n1: int) -> tuple[np.ndarray, np.ndarray]:
    """Uniform in [-1, 1]², separated by the line x₂ = 0.5 x₁ + 0.1 with a gap of 0.1 each side.

    Class 1 lies above the line. Rejection sampling keeps the two classes at least 0.1 (raw
    units) from the line, so noise = 0 gives a linearly separable set with a margin.
    """
    normal = np.array([-0.5, 1.0]) / math.hypot(0.5, 1.0)
    offset = 0.1 / math.hypot(0.5, 1.0)

    def side(count: int, sign: float) -> np.ndarray:
        found: list[np.ndarray] = []
        total = 0
        while total < count:
            candidates = rng.uniform(-1.0, 1.0, (2 * count + 8, 2))
            distance = candidates @ normal - offset
            kept = candidates[sign * distance >= 0.1]
            found.append(kept)
            total += len(kept)
        return np.concatenate(found)[:count]

    return np.concatenate([side(n0, -1.0), side(n1, 1.0)]), _labels(n0, n1)


def _labels(n0: int, n1: int) -> np.ndarray:
    return np.concatenate([np.zeros(n0), np.ones(n1)])


_DATASET_LIST = (
    DatasetSpec("circle", "Circle", "A disc (class 1) inside a ring (class 0).", _circle),
    DatasetSpec("xor", "XOR", "Class 1 where both coordinates share their sign.", _xor),
    DatasetSpec("moons", "Two moons", "Two interleaving half circles.", _moons),
    DatasetSpec("blobs", "Gaussian blobs", "Two Gaussian clouds (σ = 0.25 before noise).", _blobs),
    DatasetSpec("spiral", "Spiral", "Two interleaved spiral arms (hard).", _spiral),
    DatasetSpec(
        "linear", "Linearly separable", "Two classes either side of a tilted line.", _linear
    ),
)

DATASETS: Mapping[str, DatasetSpec] = MappingProxyType({d.id: d for d in _DATASET_LIST})


def make_dataset(
    name: str, n_samples: int, noise: float, train_fraction: float, seed: int
) -> Dataset:
    """Generate, shuffle, split and normalize a data set (see the module docstring).

    Arguments are assumed valid (``playground.config.validate`` checks them for the page):
    ``n_samples ≥ 2``, ``0 < train_fraction < 1`` with at least one point in each split.
    """
    spec = DATASETS[name]
    rng = np.random.default_rng(int(seed))
    n1 = int(n_samples) // 2
    n0 = int(n_samples) - n1
    raw_points, labels = spec.generate(rng, n0, n1)
    raw_points = raw_points + rng.normal(0.0, float(noise), raw_points.shape)
    order = rng.permutation(int(n_samples))
    raw_points, labels = raw_points[order], labels[order]
    n_train = split_sizes(int(n_samples), float(train_fraction))[0]
    mean = raw_points[:n_train].mean(axis=0)
    std = raw_points[:n_train].std(axis=0)
    std = np.where(std > 1e-12, std, 1.0)
    points = (raw_points - mean) / std
    half = max(BOX_MINIMUM, math.ceil(BOX_MARGIN * np.abs(points).max() / BOX_STEP) * BOX_STEP)
    return Dataset(
        name=name,
        x_train=points[:n_train].astype(np.float32),
        y_train=labels[:n_train].astype(np.float32),
        x_test=points[n_train:].astype(np.float32),
        y_test=labels[n_train:].astype(np.float32),
        box=((-half, half), (-half, half)),
        mean=mean.astype(np.float32),
        std=std.astype(np.float32),
        noise=float(noise),
        seed=int(seed),
    )


def split_sizes(n_samples: int, train_fraction: float) -> tuple[int, int]:
    """``(n_train, n_test)`` with ``n_train = round(train_fraction · n_samples)``."""
    n_train = round(train_fraction * n_samples)
    return n_train, n_samples - n_train
