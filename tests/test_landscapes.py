"""Tests of the landscapes package: catalog, critical points, grid evaluation, formula fidelity."""

from __future__ import annotations

import math
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import MappingProxyType

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import landscapes
from landscapes import (
    LANDSCAPES,
    Landscape,
    Point,
    evaluate_grid,
    get_landscape,
    landscape_fns,
    landscape_ids,
)
from landscapes.catalog import DEFAULT_LANDSCAPE_ID, landscape_index

IDS = landscape_ids()
REPO = Path(__file__).resolve().parents[1]

# --------------------------------------------------------------------------------------------
# Independent NumPy versions of every formula, written from the published definitions (and,
# for the teaching surfaces, from the LaTeX the page shows). They must agree with `fn`.
# --------------------------------------------------------------------------------------------


def _np_valley(x, y):
    u = 0.96 * x + 0.28 * y
    v = -0.28 * x + 0.96 * y
    return 2 * u**2 + 80 * v**2


def _np_sharp_wide(x, y):
    wide = np.exp(-((x + 1.5) ** 2 + y**2) / 4)
    sharp = np.exp(-((x - 1.5) ** 2 + (y - 0.5) ** 2) / 0.08)
    return 0.1 * (x**2 + y**2) - 3 * wide - 3.6 * sharp


def _np_styblinski_tang(x, y):
    return sum(0.5 * (t**4 - 16 * t**2 + 5 * t) for t in (x, y))


def _np_goldstein_price(x, y):
    a = 1 + (x + y + 1) ** 2 * (19 - 14 * x + 3 * x**2 - 14 * y + 6 * x * y + 3 * y**2)
    b = 30 + (2 * x - 3 * y) ** 2 * (18 - 32 * x + 12 * x**2 + 48 * y - 36 * x * y + 27 * y**2)
    return a * b


def _np_rastrigin(x, y):
    a, d = 10.0, 2
    return a * d + sum(t**2 - a * np.cos(2 * np.pi * t) for t in (x, y))


NUMPY_REFERENCE: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "bowl": lambda x, y: 5 * (x**2 + y**2),
    "valley": _np_valley,
    "booth": lambda x, y: (x + 2 * y - 7) ** 2 + (2 * x + y - 5) ** 2,
    "matyas": lambda x, y: 0.26 * (x**2 + y**2) - 0.48 * x * y,
    "saddle": lambda x, y: x**2 - y**2 + y**4 / 4,
    "plateau": lambda x, y: 1 - np.exp(-(x**2 + y**2)) + 0.01 * (x**2 + y**2),
    "sharp_wide": _np_sharp_wide,
    "himmelblau": lambda x, y: (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2,
    "rosenbrock": lambda x, y: (1 - x) ** 2 + 100 * (y - x**2) ** 2,
    "beale": lambda x, y: (
        (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2
    ),
    "styblinski_tang": _np_styblinski_tang,
    "six_hump_camel": lambda x, y: (
        (4 - 2.1 * x**2 + x**4 / 3) * x**2 + x * y + (-4 + 4 * y**2) * y**2
    ),
    "goldstein_price": _np_goldstein_price,
    "rastrigin": _np_rastrigin,
}

# Published optima (Surjanovic & Bingham, Virtual Library of Simulation Experiments;
# Jamil & Yang 2013) that the catalog must reproduce.
PUBLISHED_GLOBAL = {
    "himmelblau": [
        (3.0, 2.0),
        (-2.805118, 3.131312),
        (-3.779310, -3.283186),
        (3.584428, -1.848126),
    ],
    "rosenbrock": [(1.0, 1.0)],
    "beale": [(3.0, 0.5)],
    "booth": [(1.0, 3.0)],
    "matyas": [(0.0, 0.0)],
    "styblinski_tang": [(-2.903534, -2.903534)],
    "goldstein_price": [(0.0, -1.0)],
    "six_hump_camel": [(0.0898, -0.7126), (-0.0898, 0.7126)],
    "rastrigin": [(0.0, 0.0)],
}
PUBLISHED_MIN_VALUE = {
    "himmelblau": 0.0,
    "rosenbrock": 0.0,
    "beale": 0.0,
    "booth": 0.0,
    "matyas": 0.0,
    "styblinski_tang": -78.33234,  # = -39.16617 * d, d = 2
    "goldstein_price": 3.0,
    "six_hump_camel": -1.0316,
    "rastrigin": 0.0,
}

_JIT_CACHE: dict[str, dict[str, Callable]] = {}


def _jitted(landscape_id: str) -> dict[str, Callable]:
    """jit-compiled value / grad / hessian / batched value of one landscape (cached per id)."""
    if landscape_id not in _JIT_CACHE:
        fn = get_landscape(landscape_id).fn
        _JIT_CACHE[landscape_id] = {
            "f": jax.jit(fn),
            "grad": jax.jit(jax.grad(fn)),
            "hess": jax.jit(jax.hessian(fn)),
            "batch": jax.jit(jax.vmap(fn)),
        }
    return _JIT_CACHE[landscape_id]


def _scale(ls: Landscape) -> float:
    return max(1.0, abs(ls.min_value))


def _random_domain_points(ls: Landscape, k: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    (x_lo, x_hi), (y_lo, y_hi) = ls.domain
    return np.column_stack([rng.uniform(x_lo, x_hi, k), rng.uniform(y_lo, y_hi, k)])


# --------------------------------------------------------------------------------------------
# Catalog and metadata
# --------------------------------------------------------------------------------------------


def test_catalog_size_ids_and_order():
    assert len(IDS) >= 12
    assert len(set(IDS)) == len(IDS)
    assert tuple(LANDSCAPES.keys()) == IDS
    assert all(LANDSCAPES[i].id == i for i in IDS)
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", i) for i in IDS)
    assert set(NUMPY_REFERENCE) == set(IDS), "every landscape needs a NumPy reference"
    for required in (
        "bowl",
        "valley",
        "rosenbrock",
        "himmelblau",
        "beale",
        "styblinski_tang",
        "goldstein_price",
        "rastrigin",
        "saddle",
        "plateau",
        "sharp_wide",
        "six_hump_camel",
    ):
        assert required in LANDSCAPES
    assert DEFAULT_LANDSCAPE_ID == "himmelblau" in LANDSCAPES


def test_registry_is_read_only():
    assert isinstance(LANDSCAPES, MappingProxyType)
    with pytest.raises(TypeError):
        LANDSCAPES["new"] = LANDSCAPES["bowl"]  # type: ignore[index]
    with pytest.raises(AttributeError):
        LANDSCAPES["bowl"].start = (0.0, 0.0)  # type: ignore[misc]


def test_get_landscape_and_unknown_id():
    assert get_landscape("himmelblau") is LANDSCAPES["himmelblau"]
    with pytest.raises(KeyError) as info:
        get_landscape("no_such_surface")
    message = str(info.value)
    assert "no_such_surface" in message
    assert all(i in message for i in IDS)
    with pytest.raises(KeyError):
        evaluate_grid("no_such_surface")


def test_landscape_index_and_fns_follow_display_order():
    fns = landscape_fns()
    assert len(fns) == len(IDS)
    for i, lid in enumerate(IDS):
        assert landscape_index(lid) == i
        assert fns[i] is LANDSCAPES[lid].fn
    with pytest.raises(KeyError):
        landscape_index("nope")


@pytest.mark.parametrize("lid", IDS)
def test_metadata(lid):
    ls = get_landscape(lid)
    assert ls.title.strip() and ls.note.strip()
    assert "\n" not in ls.note
    (x_lo, x_hi), (y_lo, y_hi) = ls.domain
    assert x_lo < x_hi and y_lo < y_hi
    assert x_lo <= ls.start[0] <= x_hi and y_lo <= ls.start[1] <= y_hi
    assert all(isinstance(v, float) for v in (x_lo, x_hi, y_lo, y_hi, *ls.start))
    assert ls.global_minima, "at least one global minimum"
    assert all(p.kind in ("global", "local") for p in ls.minima)
    assert all(p.kind == "saddle" for p in ls.saddles)
    for p in (*ls.minima, *ls.saddles):
        assert x_lo <= p.x <= x_hi and y_lo <= p.y <= y_hi, f"{p} outside the domain"
    # all global minima share one value, every local minimum is strictly higher
    assert all(math.isclose(p.value, ls.min_value, abs_tol=1e-12) for p in ls.global_minima)
    assert all(p.value > ls.min_value for p in ls.minima if p.kind == "local")
    # no point listed twice
    pts = [(p.x, p.y) for p in (*ls.minima, *ls.saddles)]
    for a in range(len(pts)):
        for b in range(a + 1, len(pts)):
            assert math.dist(pts[a], pts[b]) > 1e-6


_KATEX_COMMANDS = {"left", "right", "tfrac", "frac", "sum", "cos", "sin", "pi", "quad", "cdot"}


@pytest.mark.parametrize("lid", IDS)
def test_latex_is_well_formed(lid):
    latex = get_landscape(lid).latex
    assert latex.strip()
    assert latex.startswith("J(w_1,w_2) = ")
    depth = 0
    for ch in latex:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        assert depth >= 0
    assert depth == 0, "unbalanced braces"
    assert latex.count(r"\left") == latex.count(r"\right")
    commands = set(re.findall(r"\\([A-Za-z]+)", latex))
    assert commands <= _KATEX_COMMANDS, f"unexpected commands {commands - _KATEX_COMMANDS}"
    assert "x" not in re.sub(r"\\[A-Za-z]+", "", latex), "axes are w_1, w_2"


def test_point_and_landscape_validation():
    with pytest.raises(ValueError):
        Point(0.0, 0.0, 0.0, "maximum")
    with pytest.raises(ValueError):
        Point(0.0, math.nan, 0.0, "global")
    base = LANDSCAPES["bowl"]
    kwargs = {f: getattr(base, f) for f in base.__dataclass_fields__}
    with pytest.raises(ValueError):
        Landscape(**{**kwargs, "start": (10.0, 0.0)})
    with pytest.raises(ValueError):
        Landscape(**{**kwargs, "minima": (Point(0.0, 0.0, 0.0, "local"),)})
    with pytest.raises(ValueError):
        Landscape(**{**kwargs, "saddles": (Point(0.0, 0.0, 0.0, "global"),)})


# --------------------------------------------------------------------------------------------
# Critical points
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lid", IDS)
def test_listed_points_are_critical_points_of_the_right_kind(lid):
    ls = get_landscape(lid)
    jf = _jitted(lid)
    for p in (*ls.minima, *ls.saddles):
        w = jnp.array([p.x, p.y])
        value = float(jf["f"](w))
        assert value == pytest.approx(p.value, rel=1e-10, abs=1e-10), p
        assert np.linalg.norm(np.asarray(jf["grad"](w))) < 1e-6, p
        eig = np.linalg.eigvalsh(np.asarray(jf["hess"](w)))
        if p.kind == "saddle":
            assert eig[0] < 0 < eig[1], (p, eig)
        else:
            assert eig[0] >= -1e-9 * max(1.0, abs(eig[1])), (p, eig)


@pytest.mark.parametrize("lid", sorted(PUBLISHED_GLOBAL))
def test_published_optima(lid):
    ls = get_landscape(lid)
    assert ls.min_value == pytest.approx(PUBLISHED_MIN_VALUE[lid], abs=1e-4)
    listed = [(p.x, p.y) for p in ls.global_minima]
    assert len(listed) == len(PUBLISHED_GLOBAL[lid])
    for q in PUBLISHED_GLOBAL[lid]:
        assert min(math.dist(q, p) for p in listed) < 1e-4, q


def test_known_local_minima_are_listed():
    gp = {(p.x, p.y, p.value) for p in get_landscape("goldstein_price").minima}
    assert {(-0.6, -0.4, 30.0), (1.8, 0.2, 84.0), (1.2, 0.8, 840.0)} <= gp
    assert len([p for p in get_landscape("styblinski_tang").minima if p.kind == "local"]) == 3
    assert len([p for p in get_landscape("six_hump_camel").minima if p.kind == "local"]) == 4
    sharp_wide = get_landscape("sharp_wide")
    kinds = {p.kind for p in sharp_wide.minima}
    assert kinds == {"global", "local"}
    saddle = get_landscape("saddle")
    assert [(p.x, p.y) for p in saddle.saddles] == [(0.0, 0.0)]


def _newton_refine(lid: str, start: np.ndarray, steps: int = 40) -> np.ndarray:
    """Damped Newton iterations (step length <= 0.1, so it stays in the start's basin)."""
    jf = _jitted(lid)
    w = np.asarray(start, dtype=np.float64)
    for _ in range(steps):
        g = np.asarray(jf["grad"](jnp.asarray(w)))
        step = np.linalg.solve(np.asarray(jf["hess"](jnp.asarray(w))), g)
        norm = np.linalg.norm(step)
        w = w - (step * 0.1 / norm if norm > 0.1 else step)
        if norm < 1e-15:
            break
    return w


@pytest.mark.parametrize("lid", IDS)
def test_grid_never_goes_below_the_listed_global_minimum(lid):
    ls = get_landscape(lid)
    xs, ys, z = evaluate_grid(lid, 256)
    tol = 1e-9 * _scale(ls)
    assert z.min() >= ls.min_value - tol
    # the grid's best cell sits in the basin of a listed global minimum ...
    i, j = np.unravel_index(np.argmin(z), z.shape)
    assert z[i, j] - ls.min_value < 0.05 * (z.max() - ls.min_value)
    # ... and every discrete local minimum of the grid that refines to the global value is listed
    inner = z[1:-1, 1:-1]
    is_min = np.ones_like(inner, dtype=bool)
    for di in (-1, 0, 1):
        for dj in (-1, 0, 1):
            if di or dj:
                is_min &= inner <= z[1 + di : z.shape[0] - 1 + di, 1 + dj : z.shape[1] - 1 + dj]
    ii, jj = np.nonzero(is_min)
    lowest = np.argsort(inner[ii, jj])[:12]  # a forgotten global minimum would be among these
    jf = _jitted(lid)
    listed = np.array([(p.x, p.y) for p in ls.global_minima])
    n_converged = 0
    for k in lowest:
        w = _newton_refine(lid, np.array([xs[jj[k] + 1], ys[ii[k] + 1]]))
        if np.linalg.norm(np.asarray(jf["grad"](jnp.asarray(w)))) > 1e-7 * _scale(ls):
            continue
        n_converged += 1
        v = float(jf["f"](jnp.asarray(w)))
        assert v >= ls.min_value - tol, f"critical point {w} below the listed minimum"
        if abs(v - ls.min_value) <= 1e-8 * _scale(ls):
            assert np.linalg.norm(listed - w, axis=1).min() < 1e-6, f"unlisted global min {w}"
    assert n_converged > 0


# --------------------------------------------------------------------------------------------
# evaluate_grid
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lid", IDS)
def test_evaluate_grid_shape_orientation_and_values(lid):
    ls = get_landscape(lid)
    n = 64
    xs, ys, z = evaluate_grid(lid, n)
    for arr in (xs, ys, z):
        assert isinstance(arr, np.ndarray) and arr.dtype == np.float64
    assert xs.shape == (n,) and ys.shape == (n,) and z.shape == (n, n)
    assert np.isfinite(z).all()
    (x_lo, x_hi), (y_lo, y_hi) = ls.domain
    np.testing.assert_allclose([xs[0], xs[-1], ys[0], ys[-1]], [x_lo, x_hi, y_lo, y_hi])
    assert np.all(np.diff(xs) > 0) and np.all(np.diff(ys) > 0)
    # z[i, j] = f(xs[j], ys[i]): checked against JAX directly and against the NumPy reference
    rng = np.random.default_rng(0)
    jf = _jitted(lid)
    for i, j in rng.integers(0, n, size=(25, 2)):
        direct = float(jf["f"](jnp.array([xs[j], ys[i]])))
        assert z[i, j] == pytest.approx(direct, rel=1e-12, abs=1e-12)
    gx, gy = np.meshgrid(xs, ys)
    np.testing.assert_allclose(z, NUMPY_REFERENCE[lid](gx, gy), rtol=1e-10, atol=1e-10)
    assert z.flags.writeable


@pytest.mark.parametrize("lid", IDS)
def test_default_grid_is_finite(lid):
    _, _, z = evaluate_grid(lid)
    assert z.shape == (256, 256)
    assert np.isfinite(z).all()


def test_evaluate_grid_orientation_on_an_asymmetric_surface():
    xs, ys, z = evaluate_grid("rosenbrock", 5)  # domain [-2, 2] x [-1, 3]
    np.testing.assert_allclose(xs, [-2, -1, 0, 1, 2])
    np.testing.assert_allclose(ys, [-1, 0, 1, 2, 3])
    assert z[2, 3] == 0.0  # (w1, w2) = (1, 1) is row ys=1 (i=2), column xs=1 (j=3)
    assert z[0, 4] == pytest.approx((1 - 2) ** 2 + 100 * (-1 - 4) ** 2)


def test_evaluate_grid_rejects_bad_n():
    for bad in (0, 1, 2.5, True, "256"):
        with pytest.raises(ValueError):
            evaluate_grid("bowl", bad)  # type: ignore[arg-type]


def test_evaluate_grid_is_fast_and_does_not_recompile():
    from landscapes.grid import _grid

    evaluate_grid("himmelblau")
    before = _grid._cache_size()
    timings = []
    for _ in range(30):
        t0 = time.perf_counter()
        evaluate_grid("himmelblau")
        timings.append(time.perf_counter() - t0)
    assert _grid._cache_size() == before
    # target is <= 1 ms warm; the bound here is loose so a loaded CI machine does not flake
    assert np.median(timings) < 0.02


# --------------------------------------------------------------------------------------------
# Formula fidelity and robustness
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lid", IDS)
def test_fn_matches_independent_numpy_formula(lid):
    ls = get_landscape(lid)
    pts = _random_domain_points(ls, 500, seed=hash(lid) % 2**32)
    # also a little outside the domain: the formula, not just the plotted patch, must agree
    (x_lo, x_hi), (y_lo, y_hi) = ls.domain
    pts = np.vstack([pts, pts * 1.3 + [0.1 * (x_hi - x_lo), -0.1 * (y_hi - y_lo)]])
    got = np.asarray(_jitted(lid)["batch"](jnp.asarray(pts)))
    want = NUMPY_REFERENCE[lid](pts[:, 0], pts[:, 1])
    np.testing.assert_allclose(got, want, rtol=1e-11, atol=1e-11 * _scale(ls))


@settings(max_examples=300, deadline=None)
@given(
    lid=st.sampled_from(IDS),
    u=st.floats(0.0, 1.0, allow_nan=False),
    v=st.floats(0.0, 1.0, allow_nan=False),
)
def test_fn_and_gradient_finite_on_the_domain(lid, u, v):
    ls = get_landscape(lid)
    (x_lo, x_hi), (y_lo, y_hi) = ls.domain
    w = jnp.array([x_lo + u * (x_hi - x_lo), y_lo + v * (y_hi - y_lo)])
    jf = _jitted(lid)
    value = jf["f"](w)
    assert value.shape == () and value.dtype == jnp.float64
    assert math.isfinite(float(value))
    assert np.isfinite(np.asarray(jf["grad"](w))).all()


def test_fns_work_under_lax_switch_with_a_traced_index():
    fns = landscape_fns()

    @jax.jit
    def value_and_grad(index, w):
        return jax.value_and_grad(lambda w: jax.lax.switch(index, fns, w))(w)

    w = jnp.array([0.3, -0.7])
    for i, lid in enumerate(IDS):
        value, grad = value_and_grad(i, w)
        assert float(value) == pytest.approx(float(_jitted(lid)["f"](w)), rel=1e-13, abs=1e-13)
        np.testing.assert_allclose(grad, _jitted(lid)["grad"](w), rtol=1e-12, atol=1e-12)


def test_float32_input_stays_float32():
    w = jnp.array([0.5, -0.25], dtype=jnp.float32)
    for fn in landscape_fns():
        assert fn(w).dtype == jnp.float32


# --------------------------------------------------------------------------------------------
# Teaching claims made in the notes
# --------------------------------------------------------------------------------------------


def _hessian_eigs(lid: str, w: tuple[float, float]) -> np.ndarray:
    return np.linalg.eigvalsh(np.asarray(_jitted(lid)["hess"](jnp.array(w))))


def test_curvatures_quoted_in_the_notes():
    np.testing.assert_allclose(_hessian_eigs("valley", (0.0, 0.0)), [4.0, 160.0], rtol=1e-12)
    np.testing.assert_allclose(_hessian_eigs("bowl", (0.0, 0.0)), [10.0, 10.0], rtol=1e-12)
    np.testing.assert_allclose(_hessian_eigs("matyas", (0.0, 0.0)), [0.04, 1.0], rtol=1e-12)
    np.testing.assert_allclose(_hessian_eigs("booth", (1.0, 3.0)), [2.0, 18.0], rtol=1e-12)
    assert _hessian_eigs("rosenbrock", (1.0, 1.0))[1] == pytest.approx(1001.6, rel=1e-3)
    sharp, wide = get_landscape("sharp_wide").minima
    assert sharp.kind == "global" and sharp.x > 0 and wide.kind == "local" and wide.x < 0
    assert _hessian_eigs("sharp_wide", (sharp.x, sharp.y)) == pytest.approx([89.4, 90.3], abs=0.1)
    assert _hessian_eigs("sharp_wide", (wide.x, wide.y)) == pytest.approx([1.67, 1.69], abs=0.01)


def test_beale_flat_lines():
    f = _jitted("beale")["batch"]
    t = jnp.linspace(-4.5, 4.5, 11)
    np.testing.assert_allclose(f(jnp.column_stack([jnp.zeros(11), t])), 14.203125)
    np.testing.assert_allclose(f(jnp.column_stack([t, jnp.ones(11)])), 14.203125)


def _gd(lid: str, lr: float, steps: int) -> np.ndarray:
    grad = _jitted(lid)["grad"]

    @jax.jit
    def run(w):
        return jax.lax.fori_loop(0, steps, lambda _, w: w - lr * grad(w), w)

    return np.asarray(run(jnp.array(get_landscape(lid).start)))


def test_default_starts_show_the_advertised_behaviour():
    # saddle: plain GD from the start reaches the saddle and is still sitting on the ridge
    w = _gd("saddle", 0.001, 1000)
    assert abs(w[1]) < 0.05 and abs(w[0]) < 0.5
    # plateau: plain GD crawls (moves less than 0.5 of the ~4.6 to the minimum in 300 steps)
    start = np.array(get_landscape("plateau").start)
    assert np.linalg.norm(_gd("plateau", 0.01, 300) - start) < 0.5
    # six-hump camel: plain GD ends in a local, not a global, minimum
    w = _gd("six_hump_camel", 0.01, 2000)
    local = [p for p in get_landscape("six_hump_camel").minima if p.kind == "local"]
    assert min(math.dist(w, (p.x, p.y)) for p in local) < 1e-3
    # valley: GD at lr 0.01 converges, at lr 0.013 (> 2/160) it diverges
    assert np.linalg.norm(_gd("valley", 0.01, 500)) < 1e-3
    assert np.linalg.norm(_gd("valley", 0.013, 500)) > 10


# --------------------------------------------------------------------------------------------
# Import-time rules
# --------------------------------------------------------------------------------------------


def test_import_creates_no_arrays_and_compiles_nothing():
    code = (
        "import jax, landscapes\nassert jax.config.jax_enable_x64\nprint(len(jax.live_arrays()))\n"
    )
    env = {**os.environ, "JAX_LOG_COMPILES": "1", "PYTHONPATH": str(REPO)}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "0"
    assert "Compiling" not in out.stderr and "Finished tracing" not in out.stderr


def test_package_exports():
    for name in (
        "LANDSCAPES",
        "get_landscape",
        "landscape_ids",
        "evaluate_grid",
        "Landscape",
        "Point",
        "landscape_fns",
    ):
        assert hasattr(landscapes, name)
