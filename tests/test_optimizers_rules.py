"""The rule files: registry shape, the new rules against optax, the new schedules against optax.

Each rule is also checked against its NumPy reference by tests/test_optimizers_reference.py
(every registered rule and schedule, on six landscapes) and tests/test_playground_reference.py.
"""

from __future__ import annotations

from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

from benchmarks.optimizer_engine import files_mentioning
from optimizers import OPTIMIZERS, build_optimizer, make_schedule, rules, schedule_table
from reference import optimizers_numpy as ref

ROOT = Path(__file__).resolve().parents[1]
NEW_RULES = ("adadelta", "adamw", "lion", "lookahead")


def test_every_rule_is_one_file_with_everything() -> None:
    files = sorted(p.stem for p in (ROOT / "optimizers" / "rules").glob("*.py"))
    assert sorted(OPTIMIZERS) == [f for f in files if not f.startswith("_")]
    orders = [rule.order for rule in OPTIMIZERS.values()]
    assert orders == sorted(orders)
    for rule in OPTIMIZERS.values():
        assert rule.title and rule.note and rule.latex and rule.color.startswith("#")
        assert callable(rule.update) and rule.update.__doc__, rule.id
        assert rules.state_width(rule) <= rules.STATE_WIDTH
    assert ref.LOOKAHEAD_INNER == rules.WRAPPABLE_IDS
    assert set(ref.HYPER_DEFAULTS) == set(OPTIMIZERS)
    for rule_id, defaults in ref.HYPER_DEFAULTS.items():
        assert defaults == OPTIMIZERS[rule_id].defaults, rule_id


@pytest.mark.parametrize("rule_id", NEW_RULES)
def test_adding_a_rule_touched_no_other_product_file(rule_id: str) -> None:
    """No product file but the rule's own and its reference names it (the benchmark's count)."""
    assert files_mentioning(rule_id) == []


def run_optax(tx, grads_fn, start, steps, params_of=lambda p: p):
    params = start
    state = tx.init(params)
    path = []
    for _ in range(steps):
        grads = grads_fn(params_of(params))
        updates, state = tx.update(grads, state, params)
        params = optax.apply_updates(params, updates)
        path.append(np.asarray(params_of(params)))
    return np.array(path)


def grad_fn(w):
    return jax.grad(lambda w: jnp.sum(jnp.array([1.0, 10.0]) * w**2) + jnp.sum(jnp.sin(w)))(w)


START = jnp.array([1.5, -0.7])


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        (build_optimizer("adamw", 0.05, weight_decay=0.1), optax.adamw(0.05, weight_decay=0.1)),
        (build_optimizer("lion", 0.01, weight_decay=0.1), optax.lion(0.01, weight_decay=0.1)),
        (build_optimizer("adadelta", 1.0, rho=0.9), optax.adadelta(1.0, rho=0.9, eps=1e-6)),
    ],
    ids=["adamw", "lion", "adadelta"],
)
def test_new_rules_equal_optax(ours, theirs) -> None:
    np.testing.assert_allclose(
        run_optax(ours, grad_fn, START, 60), run_optax(theirs, grad_fn, START, 60), rtol=1e-12
    )


@pytest.mark.parametrize("inner", ["gd", "momentum", "adam"])
def test_lookahead_equals_optax_lookahead(inner: str) -> None:
    lr = 0.05
    ours = build_optimizer("lookahead", lr, inner=inner, k=3.0, slow_step=0.4)
    fast = build_optimizer(inner, lr)
    theirs = optax.lookahead(fast, sync_period=3, slow_step_size=0.4)
    expected = run_optax(
        theirs, grad_fn, optax.LookaheadParams.init_synced(START), 30, lambda p: p.fast
    )
    np.testing.assert_allclose(run_optax(ours, grad_fn, START, 30), expected, rtol=1e-12)


def test_adamw_differs_from_l2_in_the_loss() -> None:
    """The note's claim: L2 in the loss goes through Adam's normalisation, AdamW does not."""
    lam = 0.1
    adamw = run_optax(build_optimizer("adamw", 0.05, weight_decay=lam), grad_fn, START, 50)
    l2 = run_optax(build_optimizer("adam", 0.05), lambda w: grad_fn(w) + lam * w, START, 50)
    assert not np.allclose(adamw, l2, rtol=1e-3)


def test_lion_moves_every_coordinate_by_eta() -> None:
    path = run_optax(build_optimizer("lion", 0.01), grad_fn, START, 5)
    steps = np.abs(np.diff(np.vstack([np.asarray(START), path]), axis=0))
    np.testing.assert_allclose(steps, 0.01, rtol=1e-12)


def test_adam_equals_optax_adam() -> None:
    np.testing.assert_allclose(
        run_optax(build_optimizer("adam", 0.05), grad_fn, START, 200),
        run_optax(optax.adam(0.05), grad_fn, START, 200),
        rtol=1e-11,
    )


# ---- schedules --------------------------------------------------------------------------


def test_one_cycle_equals_optax_where_they_coincide() -> None:
    total, peak, share, div, div_final = 400, 0.1, 0.25, 25.0, 1e5
    ours = schedule_table(
        "one_cycle", peak, {"div": div, "div_final": div_final, "pct_start": share}, total
    )
    theirs = optax.cosine_onecycle_schedule(total, peak, share, div, div_final / div)
    expected = np.asarray(jax.vmap(theirs)(jnp.arange(total)))
    np.testing.assert_allclose(ours, expected, rtol=1e-11)  # 1 - cos near 0: round-off
    assert ours[0] == pytest.approx(peak / div) and ours.max() == pytest.approx(peak)


def test_sgdr_equals_optax_sgdr_schedule() -> None:
    peak, low = 0.1, 0.01
    periods = [50, 100, 200, 400]
    theirs = optax.sgdr_schedule(
        [
            {"init_value": peak, "peak_value": peak, "warmup_steps": 0, "decay_steps": p,
             "end_value": low}
            for p in periods
        ]
    )  # fmt: skip
    total = sum(periods)
    ours = schedule_table(
        "sgdr", peak, {"period": 50, "mult": 2, "min_fraction": low / peak}, total
    )
    np.testing.assert_allclose(ours, np.asarray(jax.vmap(theirs)(jnp.arange(total))), rtol=1e-12)
    restarts = np.flatnonzero(np.diff(ours) > 0) + 1
    assert restarts.tolist() == [50, 150, 350]


@pytest.mark.parametrize("mult", [1, 2, 3])
def test_sgdr_restarts_land_on_their_steps(mult: int) -> None:
    params = {"period": 7, "mult": mult, "min_fraction": 0.0}
    table = np.asarray(make_schedule("sgdr", 1.0, params, 2000)(jnp.arange(2000)))
    expected = [ref.schedule_eta("sgdr", t, 1.0, params, 2000) for t in range(2000)]
    np.testing.assert_allclose(table, expected, rtol=1e-12, atol=1e-15)


def test_cyclic_is_smiths_triangle() -> None:
    table = schedule_table("cyclic", 1.0, {"half_period": 4, "min_fraction": 0.2}, 17)
    expected = [0.2, 0.4, 0.6, 0.8, 1.0, 0.8, 0.6, 0.4, 0.2, 0.4, 0.6, 0.8, 1.0, 0.8, 0.6, 0.4, 0.2]
    np.testing.assert_allclose(table, expected, rtol=1e-14)
