"""The landscape catalog: metadata for every surface and the read-only registry.

Display order is the order of ``_CATALOG``; index ``i`` of :func:`landscape_ids` is the branch id
the optimizer engine passes to ``lax.switch`` over :func:`landscape_fns`, so only append.

Minima and saddles are the published values where the surface is a standard benchmark; for the
teaching surfaces they were found with Newton's method on ``jax.grad``/``jax.hessian`` in float64
(``tests/test_landscapes.py`` re-checks value, gradient and Hessian at every point).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from types import MappingProxyType

import jax

from landscapes import surfaces
from landscapes.spec import Landscape, Point

DEFAULT_LANDSCAPE_ID = "himmelblau"

_SQRT2 = math.sqrt(2.0)

# Styblinski-Tang: the three roots of 4x^3 - 32x + 5 = 0 (1-D minimum, local minimum, maximum).
_ST_MIN, _ST_LOCAL, _ST_MAX = -2.903534027771177, 2.746802770990837, 0.1567312567803401
# Rastrigin: 1-D local minima of x^2 - 10 cos(2 pi x) + 10 near 1, 2, 3.
_RA_1, _RA_2, _RA_3 = 0.9949586376523348, 1.9899122337085495, 2.984855701039481


def _g(x: float, y: float, value: float) -> Point:
    return Point(x, y, value, "global")


def _l(x: float, y: float, value: float) -> Point:
    return Point(x, y, value, "local")


def _s(x: float, y: float, value: float) -> Point:
    return Point(x, y, value, "saddle")


_CATALOG: tuple[Landscape, ...] = (
    Landscape(
        id="bowl",
        title="Round bowl",
        latex=r"J(w_1,w_2) = 5\left(w_1^2 + w_2^2\right)",
        fn=surfaces.bowl,
        domain=((-4.0, 4.0), (-4.0, 4.0)),
        minima=(_g(0.0, 0.0, 0.0),),
        start=(-3.0, 1.5),
        note="Perfectly conditioned (κ = 1): GD heads straight for the minimum, "
        "Adam's sign-like steps first run diagonally.",
    ),
    Landscape(
        id="valley",
        title="Narrow valley (ill-conditioned)",
        latex=r"J(w_1,w_2) = 2u^2 + 80v^2,\quad u = 0.96\,w_1 + 0.28\,w_2,"
        r"\quad v = -0.28\,w_1 + 0.96\,w_2",
        fn=surfaces.valley,
        domain=((-5.0, 5.0), (-3.0, 3.0)),
        minima=(_g(0.0, 0.0, 0.0),),
        start=(-4.5, 1.0),
        note="Curvatures 4 and 160 (κ = 40): GD zig-zags across the valley and crawls along it; "
        "it diverges once η > 2/160 = 0.0125.",
    ),
    Landscape(
        id="booth",
        title="Booth",
        latex=r"J(w_1,w_2) = (w_1 + 2w_2 - 7)^2 + (2w_1 + w_2 - 5)^2",
        fn=surfaces.booth,
        domain=((-10.0, 10.0), (-10.0, 10.0)),
        minima=(_g(1.0, 3.0, 0.0),),
        start=(-5.0, 8.0),
        note="A convex quadratic (κ = 9): every method gets there; compare how fast.",
    ),
    Landscape(
        id="matyas",
        title="Matyas",
        latex=r"J(w_1,w_2) = 0.26\left(w_1^2 + w_2^2\right) - 0.48\,w_1 w_2",
        fn=surfaces.matyas,
        domain=((-10.0, 10.0), (-10.0, 10.0)),
        minima=(_g(0.0, 0.0, 0.0),),
        start=(-5.0, 8.0),
        note="A flat diagonal valley (curvatures 0.04 and 1): tiny gradients, "
        "so plain GD crawls while adaptive methods rescale their steps.",
    ),
    Landscape(
        id="saddle",
        title="Saddle point",
        latex=r"J(w_1,w_2) = w_1^2 - w_2^2 + \tfrac{1}{4}w_2^4",
        fn=surfaces.saddle,
        domain=((-2.0, 2.0), (-2.0, 2.0)),
        minima=(_g(0.0, _SQRT2, -1.0), _g(0.0, -_SQRT2, -1.0)),
        start=(-1.5, 0.001),
        note="Saddle at the origin (the ¼w₂⁴ term bounds it below, minima at w₂ = ±√2): "
        "GD stalls at the saddle, Adam and RMSprop escape.",
        saddles=(_s(0.0, 0.0, 0.0),),
    ),
    Landscape(
        id="plateau",
        title="Plateau",
        latex=r"J(w_1,w_2) = 1 - e^{-(w_1^2 + w_2^2)} + 0.01\left(w_1^2 + w_2^2\right)",
        fn=surfaces.plateau,
        domain=((-4.0, 4.0), (-4.0, 4.0)),
        minima=(_g(0.0, 0.0, 0.0),),
        start=(3.5, 3.0),
        note="A nearly flat plain around a narrow basin: tiny gradients make plain GD crawl; "
        "momentum builds speed and Adam normalises the step.",
    ),
    Landscape(
        id="sharp_wide",
        title="Sharp vs. wide minimum",
        latex=r"J(w_1,w_2) = 0.1\left(w_1^2 + w_2^2\right)"
        r" - 3\,e^{-\left((w_1 + 1.5)^2 + w_2^2\right)/4}"
        r" - 3.6\,e^{-\left((w_1 - 1.5)^2 + (w_2 - 0.5)^2\right)/0.08}",
        fn=surfaces.sharp_wide,
        domain=((-4.0, 4.0), (-3.0, 3.0)),
        minima=(
            _g(1.4916762698064372, 0.49805880738779956, -3.650310763993373),
            _l(-1.322296427160308, 0.0, -2.801562538498556),
        ),
        start=(2.5, 2.0),
        note="The sharp minimum (right, curvature ≈ 90) is the global one; the wide one (left, "
        "curvature ≈ 1.7) is local. GD settles in the sharp one only if η < 2/90; "
        "at η = 0.01 momentum overshoots it into the wide one.",
        saddles=(_s(0.951484360876512, 0.3868975914123242, -0.6091010531708303),),
    ),
    Landscape(
        id="himmelblau",
        title="Himmelblau",
        latex=r"J(w_1,w_2) = (w_1^2 + w_2 - 11)^2 + (w_1 + w_2^2 - 7)^2",
        fn=surfaces.himmelblau,
        domain=((-6.0, 6.0), (-6.0, 6.0)),
        minima=(
            _g(3.0, 2.0, 0.0),
            _g(-2.805118086952745, 3.131312518250573, 0.0),
            _g(-3.779310253377747, -3.283185991286169, 0.0),
            _g(3.5844283403304917, -1.8481265269644034, 0.0),
        ),
        start=(0.0, -1.0),
        note="Four global minima: where you start (and how you step) decides where you end.",
        saddles=(
            _s(3.385154183607021, 0.07385187983774928, 13.311926270405587),
            _s(0.08667750455539634, 2.884254701174776, 67.71915008752613),
            _s(-3.0730257507643897, -0.08135304428796751, 104.01516291755811),
            _s(-0.12796134673068005, -1.9537149802445766, 178.33723920192745),
        ),
    ),
    Landscape(
        id="rosenbrock",
        title="Rosenbrock",
        latex=r"J(w_1,w_2) = (1 - w_1)^2 + 100\,(w_2 - w_1^2)^2",
        fn=surfaces.rosenbrock,
        domain=((-2.0, 2.0), (-1.0, 3.0)),
        minima=(_g(1.0, 1.0, 0.0),),
        start=(-1.2, 1.0),
        note="A curved, flat-bottomed valley: finding it is easy, following it to (1, 1) is slow; "
        "GD diverges once η > 2/1002 ≈ 0.002 near the minimum.",
    ),
    Landscape(
        id="beale",
        title="Beale",
        latex=r"J(w_1,w_2) = (1.5 - w_1 + w_1 w_2)^2 + (2.25 - w_1 + w_1 w_2^2)^2"
        r" + (2.625 - w_1 + w_1 w_2^3)^2",
        fn=surfaces.beale,
        domain=((-4.5, 4.5), (-4.5, 4.5)),
        minima=(_g(3.0, 0.5, 0.0),),
        start=(1.0, 1.5),
        note="Flat lines (J = 14.2 along w₁ = 0 and w₂ = 1) next to walls of height ~10⁵: "
        "a step size that is safe on the flats explodes on the walls.",
        saddles=(
            _s(0.0, 1.0, 14.203125),
            _s(0.10053793732415835, -2.644513585023125, 9.86451228475556),
        ),
    ),
    Landscape(
        id="styblinski_tang",
        title="Styblinski–Tang",
        latex=r"J(w_1,w_2) = \tfrac{1}{2}\sum_{i=1}^{2}\left(w_i^4 - 16w_i^2 + 5w_i\right)",
        fn=surfaces.styblinski_tang,
        domain=((-5.0, 5.0), (-5.0, 5.0)),
        minima=(
            _g(_ST_MIN, _ST_MIN, -78.33233140754284),
            _l(_ST_LOCAL, _ST_MIN, -64.19561235905536),
            _l(_ST_MIN, _ST_LOCAL, -64.19561235905536),
            _l(_ST_LOCAL, _ST_LOCAL, -50.05889331056789),
        ),
        start=(0.0, 4.5),
        note="One global and three local minima: GD takes the nearest, momentum can roll on "
        "into the global one.",
        saddles=(
            _s(_ST_MAX, _ST_MIN, -38.97055334471605),
            _s(_ST_MIN, _ST_MAX, -38.97055334471605),
            _s(_ST_LOCAL, _ST_MAX, -24.833834296228588),
            _s(_ST_MAX, _ST_LOCAL, -24.833834296228588),
        ),
    ),
    Landscape(
        id="six_hump_camel",
        title="Six-hump camel",
        latex=r"J(w_1,w_2) = \left(4 - 2.1w_1^2 + \tfrac{1}{3}w_1^4\right)w_1^2 + w_1 w_2"
        r" + \left(-4 + 4w_2^2\right)w_2^2",
        fn=surfaces.six_hump_camel,
        domain=((-2.0, 2.0), (-1.0, 1.0)),
        minima=(
            _g(0.08984201310031806, -0.7126564030207396, -1.0316284534898774),
            _g(-0.08984201310031806, 0.7126564030207396, -1.0316284534898774),
            _l(1.703606714969981, -0.7960835686726251, -0.21546382438371703),
            _l(-1.703606714969981, 0.7960835686726251, -0.21546382438371703),
            _l(-1.6071047529201974, -0.5686514548841314, 2.1042503103112584),
            _l(1.6071047529201974, 0.5686514548841314, 2.1042503103112584),
        ),
        start=(-1.2, 0.0),
        note="Two global minima ±(0.0898, −0.7126) and four local ones: "
        "GD slides into a local minimum, Adam and RMSprop reach a global one.",
        saddles=(
            _s(0.0, 0.0, 0.0),
            _s(1.1092053368047865, -0.7682680925095399, 0.5437186009781853),
            _s(-1.1092053368047865, 0.7682680925095399, 0.5437186009781853),
            _s(-1.6380679841897787, -0.22867406904439408, 2.2293571975307143),
            _s(1.638067984189779, 0.22867406904439413, 2.2293571975307143),
            _s(-1.296070267167109, -0.6050843880386585, 2.2294708180298595),
            _s(1.296070267167109, 0.6050843880386585, 2.2294708180298595),
        ),
    ),
    Landscape(
        id="goldstein_price",
        title="Goldstein–Price",
        latex=r"J(w_1,w_2) = \left[1 + (w_1 + w_2 + 1)^2\left(19 - 14w_1 + 3w_1^2 - 14w_2"
        r" + 6w_1 w_2 + 3w_2^2\right)\right]"
        r"\left[30 + (2w_1 - 3w_2)^2\left(18 - 32w_1 + 12w_1^2 + 48w_2 - 36w_1 w_2"
        r" + 27w_2^2\right)\right]",
        fn=surfaces.goldstein_price,
        domain=((-2.0, 2.0), (-2.0, 2.0)),
        minima=(
            _g(0.0, -1.0, 3.0),
            _l(-0.6, -0.4, 30.0),
            _l(1.8, 0.2, 84.0),
            _l(1.2, 0.8, 840.0),
        ),
        start=(0.5, -0.5),
        note="Values from 3 to ~10⁶: GD diverges at η = 0.001 (try 10⁻⁴) while Adam and RMSprop, "
        "which rescale the step, reach the global minimum J = 3.",
        saddles=(
            _s(-0.4, -0.6, 35.0),
            _s(1.2, -0.2, 99.0),
            _s(1.4, 0.6, 980.0),
            _s(0.6, 0.4, 990.0),
        ),
    ),
    Landscape(
        id="rastrigin",
        title="Rastrigin",
        latex=r"J(w_1,w_2) = 20 + \sum_{i=1}^{2}\left(w_i^2 - 10\cos(2\pi w_i)\right)",
        fn=surfaces.rastrigin,
        domain=((-5.12, 5.12), (-5.12, 5.12)),
        minima=(
            _g(0.0, 0.0, 0.0),
            _l(_RA_1, 0.0, 0.9949590570932916),
            _l(-_RA_1, 0.0, 0.9949590570932916),
            _l(0.0, _RA_1, 0.9949590570932916),
            _l(0.0, -_RA_1, 0.9949590570932916),
            _l(_RA_3, _RA_2, 12.934432432041097),
        ),
        start=(3.2, 2.1),
        note="A local minimum near every integer point: gradient methods stop in the nearest "
        "dimple.",
    ),
)

LANDSCAPES: Mapping[str, Landscape] = MappingProxyType({ls.id: ls for ls in _CATALOG})


def landscape_ids() -> tuple[str, ...]:
    """Landscape ids in display order (index ``i`` is the ``lax.switch`` branch id)."""
    return tuple(LANDSCAPES)


def get_landscape(landscape_id: str) -> Landscape:
    """The landscape called ``landscape_id``; ``KeyError`` naming the valid ids otherwise."""
    try:
        return LANDSCAPES[landscape_id]
    except (KeyError, TypeError):
        valid = ", ".join(LANDSCAPES)
        raise KeyError(f"unknown landscape {landscape_id!r}; valid ids: {valid}") from None


def landscape_index(landscape_id: str) -> int:
    """Position of ``landscape_id`` in :func:`landscape_ids` (the ``lax.switch`` branch id)."""
    get_landscape(landscape_id)
    return landscape_ids().index(landscape_id)


def landscape_fns() -> tuple[Callable[[jax.Array], jax.Array], ...]:
    """The surface functions in :func:`landscape_ids` order, ready for ``lax.switch``."""
    return tuple(ls.fn for ls in LANDSCAPES.values())
