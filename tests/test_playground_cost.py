"""The per-request compute budget (playground/cost.py) and where the page enforces it.

How well the estimate matches real run times is measured, not tested:
benchmarks/playground_cost.py.
"""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from playground import PlaygroundConfig
from playground.config import MAX_UPDATES, validate
from playground.cost import (
    COMPARE_RUNS,
    REQUEST_BUDGET_S,
    largest_epochs,
    over_budget,
    request_seconds,
    run_seconds,
)
from settings.playground import PlaygroundSettings, from_query
from views.playground_store import compare_store

LARGEST = PlaygroundConfig(n_samples=2000, hidden=(16,) * 6, batch_size=1)

configs = st.builds(
    PlaygroundConfig,
    n_samples=st.integers(20, 2000),
    hidden=st.lists(st.integers(1, 16), min_size=1, max_size=6).map(tuple),
    batch_size=st.one_of(st.none(), st.integers(1, 2000)),
    keep_prob=st.sampled_from([1.0, 0.5]),
    epochs=st.integers(1, 2000),
    train_fraction=st.sampled_from([0.1, 0.5, 0.9]),
)


def test_the_largest_run_the_page_always_accepted_fits_one_request():
    run = replace(LARGEST, epochs=MAX_UPDATES // LARGEST.steps_per_epoch)
    assert not validate(run)
    assert 5 < run_seconds(run) <= REQUEST_BUDGET_S
    assert over_budget(run) == ""


def test_the_comparison_counts_four_runs():
    run = replace(LARGEST, epochs=200)
    assert COMPARE_RUNS == 4
    assert request_seconds(run, COMPARE_RUNS) == 4 * request_seconds(run)
    sentence = over_budget(run, COMPARE_RUNS)
    assert sentence.startswith("compute budget: these 4 runs would take about 34 s")
    assert f"at most {largest_epochs(run, 4)} epochs" in sentence


def test_the_default_page_is_far_below_the_budget():
    assert request_seconds(PlaygroundConfig(), COMPARE_RUNS) < 0.25


@settings(max_examples=200, deadline=None)
@given(configs, st.sampled_from([1, COMPARE_RUNS]))
def test_largest_epochs_is_the_exact_bound(config, runs):
    if validate(replace(config, epochs=1)):
        return
    limit = largest_epochs(config, runs)
    if limit >= 1:
        assert request_seconds(replace(config, epochs=limit), runs) <= REQUEST_BUDGET_S
    cap = min(2000, MAX_UPDATES // config.steps_per_epoch)
    if limit < cap:
        assert request_seconds(replace(config, epochs=limit + 1), runs) > REQUEST_BUDGET_S


@settings(max_examples=200, deadline=None)
@given(configs, st.integers(1, 1999))
def test_cost_grows_with_epochs_and_points(config, more):
    longer = replace(config, epochs=min(2000, config.epochs + more))
    assert run_seconds(longer) >= run_seconds(config)
    bigger = replace(config, n_samples=min(2000, config.n_samples + 200))
    assert run_seconds(bigger) >= run_seconds(config) or config.batch_size is not None


@settings(max_examples=150, deadline=None)
@given(configs)
def test_every_run_the_page_accepts_is_within_the_budget(config):
    query = PlaygroundSettings(config=config).to_query(view=False)
    accepted, messages, _ = from_query(query)
    assert request_seconds(accepted.config) <= REQUEST_BUDGET_S
    if request_seconds(config) > REQUEST_BUDGET_S and not validate(config):
        assert any(m.startswith("Compute budget:") for m in messages)


def test_an_over_budget_comparison_is_a_notice_not_a_fetch():
    from app import app

    over = PlaygroundSettings(config=replace(LARGEST, epochs=100))
    within = PlaygroundSettings(config=replace(LARGEST, epochs=largest_epochs(LARGEST, 4)))
    with app.server.test_request_context():
        refused, accepted = compare_store(over), compare_store(within)
    assert refused["fetch"] == [] and refused["notice"].startswith("Compute budget: these 4 runs")
    assert len(accepted["fetch"]) == 1 and accepted["notice"] == ""
