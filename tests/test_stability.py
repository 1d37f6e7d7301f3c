"""The stability indicator: λmax of the Hessian, the step-size limits and each step's kind, held
against independent references (analytic Hessians, finite differences, the eigenvalues of the
rules' iteration matrices) and against the runs themselves on both sides of the limit."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from landscapes import get_landscape
from optimizers import OptimizerConfig, trajectories
from optimizers import stability as S


def himmelblau_hessian(x: float, y: float) -> np.ndarray:
    """By hand: J = (x² + y − 11)² + (x + y² − 7)²."""
    a = 12 * x * x + 4 * y - 42
    b = 4 * (x + y)
    d = 12 * y * y + 4 * x - 26
    return np.array([[a, b], [b, d]])


def test_lambda_max_is_the_top_hessian_eigenvalue():
    assert S.lambda_max("bowl", [(-3, 1.5), (2, 2)]) == pytest.approx([10, 10])
    assert S.lambda_max("valley", [(-4.5, 1.0)]) == pytest.approx([160])
    points = np.random.default_rng(0).uniform(-5, 5, (50, 2))
    expected = [np.linalg.eigvalsh(himmelblau_hessian(x, y)).max() for x, y in points]
    np.testing.assert_allclose(S.lambda_max("himmelblau", points), expected, rtol=1e-9)
    # A path of the engine's longest run fits one call; padding never leaks into the result;
    # more points than the largest capacity (several rows' paths together) take several calls.
    assert S.lambda_max("bowl", np.zeros((5001, 2))).shape == (5001,)
    many = np.random.default_rng(1).uniform(-5, 5, (2 * S.CAPACITIES[-1] + 3, 2))
    expected = [np.linalg.eigvalsh(himmelblau_hessian(x, y)).max() for x, y in many[-5:]]
    np.testing.assert_allclose(S.lambda_max("himmelblau", many)[-5:], expected, rtol=1e-9)


def reference_kind(rule: str, eta_lambda: float, lam: float, alpha: float) -> str:
    """From the iteration matrix of the rule on f = λx²/2 (independent of quadratic_roots)."""
    if lam <= 0:
        return "flat"
    if rule == "gd":
        z = np.array([1 - eta_lambda])
    else:  # heavy ball: (x_{t+1}, x_t) = M (x_t, x_{t-1})
        z = np.linalg.eigvals(np.array([[1 + alpha - eta_lambda, -alpha], [1.0, 0.0]]))
    if np.abs(z).max() >= 1:
        return "diverges"
    turning = np.any(np.abs(np.imag(z)) > 1e-12) or np.any(np.real(z) < 0)
    return "oscillates" if turning else "converges"


@settings(max_examples=300, deadline=None)
@given(
    rule=st.sampled_from(["gd", "momentum"]),
    eta_lambda=st.floats(0.001, 8),
    alpha=st.floats(0.0, 0.99),
    lam=st.floats(-5, 5),
)
def test_each_kind_matches_the_iteration_matrix(rule, eta_lambda, alpha, lam):
    values = {"alpha": alpha} if rule == "momentum" else {}
    limit = S.stability(rule, eta_lambda, 1.0, values).limit
    if abs(eta_lambda - limit) < 1e-9:
        return  # on the limit itself round-off decides
    (kind,) = S.verdicts(rule, np.array([eta_lambda]), np.array([lam]), values)
    assert S.KINDS[kind] == reference_kind(rule, eta_lambda, lam, alpha)


def test_the_limits_are_2_and_2_1_plus_alpha():
    assert S.stability("gd", 0.01, 160.0, {}).limit == 2
    assert S.stability("momentum", 0.01, 160.0, {"alpha": 0.5}).limit == 3
    assert S.stability("momentum", 0.01, 160.0, {}).limit == pytest.approx(3.8)  # α = 0.9
    assert S.stability("gd", 0.0124, 160.0, {}).text() == "η·λmax = 1.98 < 2: oscillates"
    assert not S.has_limit("adam")


@pytest.mark.parametrize("landscape_id", ["bowl", "valley"])
@pytest.mark.parametrize(("rule", "values"), [("gd", {}), ("momentum", {"alpha": 0.5})])
def test_the_prediction_matches_the_run_on_both_sides_of_the_limit(landscape_id, rule, values):
    landscape = get_landscape(landscape_id)
    (lam,) = S.lambda_max(landscape_id, [landscape.start])
    limit = S.stability(rule, 0.0, lam, values).limit
    for factor, expected in ((0.97, "oscillates"), (1.03, "diverges")):
        eta = factor * limit / lam
        assert S.stability(rule, eta, lam, values).kind == expected
        config = OptimizerConfig(rule, lr=eta, hyperparams=values)
        (run,) = trajectories(landscape_id, landscape.start, [config], 2000)
        if expected == "diverges":
            assert run.diverged_at is not None
        else:
            assert run.diverged_at is None
            assert run.loss[-1] < 1e-3 * run.loss[0]  # it got there, overshooting or not
    eta = 0.5 / lam  # well below: gradient descent walks straight in
    if rule == "gd":
        assert S.stability(rule, eta, lam, values).kind == "converges"
