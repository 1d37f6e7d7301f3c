"""The optimizer lab's settings: defaults, validation messages, URL round-trip, cache key."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from landscapes import LANDSCAPES, get_landscape
from optimizers.specs import OPTIMIZERS, SCHEDULES
from settings.optimizer_lab import (
    DEFAULT_LANDSCAPE,
    MAX_STEPS,
    LabSettings,
    OptimizerSettings,
    from_query,
    parse_flat,
)


def test_defaults_come_from_the_engine_specs():
    lab = LabSettings.default()
    assert lab.landscape == DEFAULT_LANDSCAPE
    assert lab.start == tuple(get_landscape(DEFAULT_LANDSCAPE).start)
    for row in lab.optimizers:
        spec = OPTIMIZERS[row.id]
        assert row.lr == spec.learning_rate.default
        assert row.enabled == spec.default_enabled
        assert row.hyperparam_values == {p.name: p.default for p in spec.rule_hyperparameters}
    assert [o.id for o in lab.enabled] == ["gd", "momentum", "rmsprop", "adam"]


def test_default_settings_have_an_empty_query():
    assert LabSettings.default().to_query() == ""
    settings_, messages, _ = from_query("")
    assert settings_ == LabSettings.default() and messages == []


def test_bad_values_keep_the_last_good_state_with_a_message():
    good = LabSettings.default()
    for raw, word in [
        ({"gd.lr": "nan"}, "finite"),
        ({"gd.lr": "-1"}, "out of range"),
        ({"gd.lr": "0"}, "out of range"),
        ({"gd.lr": "1e9"}, "out of range"),
        ({"gd.lr": "abc"}, "not a number"),
        ({"steps": "0"}, "out of range"),
        ({"steps": "12.5"}, "whole number"),
        ({"landscape": "nope"}, "unknown choice"),
        ({"adam.beta1": "1.5"}, "out of range"),
        ({"gd.schedule": "sometimes"}, "unknown choice"),
    ]:
        new, messages = parse_flat(raw, good)
        assert new == good, raw
        assert len(messages) == 1 and word in messages[0], (raw, messages)


def test_a_new_landscape_starts_from_its_own_default_start():
    new, messages = parse_flat({"landscape": "rosenbrock"}, LabSettings.default())
    assert not messages
    assert new.start == tuple(get_landscape("rosenbrock").start)


def test_a_start_outside_the_domain_is_refused():
    (_x_min, x_max), _ = get_landscape(DEFAULT_LANDSCAPE).domain
    new, messages = parse_flat({"w1": str(x_max + 1)}, LabSettings.default())
    assert new.start == LabSettings.default().start and "out of range" in messages[0]


def _finite_in(low: float, high: float):
    return st.floats(min_value=low, max_value=high, allow_nan=False, allow_infinity=False)


@st.composite
def lab_settings(draw) -> LabSettings:
    landscape = draw(st.sampled_from(list(LANDSCAPES)))
    (x_min, x_max), (y_min, y_max) = get_landscape(landscape).domain
    rows = []
    for optimizer_id, spec in OPTIMIZERS.items():
        schedule = draw(st.sampled_from(list(SCHEDULES)))
        schedule_params = []
        for p in SCHEDULES[schedule].parameters:
            value = (
                draw(st.integers(int(p.minimum), int(p.maximum)))
                if p.integer
                else draw(_finite_in(p.minimum, p.maximum))
            )
            schedule_params.append((p.name, float(value)))
        hyper = tuple(
            sorted(
                (p.name, draw(_finite_in(p.minimum, p.maximum))) for p in spec.rule_hyperparameters
            )
        )
        rows.append(
            OptimizerSettings(
                id=optimizer_id,
                enabled=draw(st.booleans()),
                lr=draw(_finite_in(spec.learning_rate.minimum, spec.learning_rate.maximum)),
                schedule=schedule,
                schedule_params=tuple(sorted(schedule_params)),
                hyperparams=hyper,
            )
        )
    candidate = LabSettings(
        landscape=landscape,
        start=(draw(_finite_in(x_min, x_max)), draw(_finite_in(y_min, y_max))),
        steps=draw(st.integers(1, MAX_STEPS)),
        noise=draw(_finite_in(0, 100)),
        seed=draw(st.integers(0, 2**31 - 1)),
        view=draw(st.sampled_from(["contour", "surface"])),
        map=draw(st.sampled_from(["default", "contrast"])),
        optimizers=tuple(rows),
    )
    # Settings as the page holds them: canonical (rounded) numbers.
    canonical, messages = parse_flat(candidate.to_flat(), LabSettings.default(landscape))
    assert messages == []
    return canonical


@settings(max_examples=150, deadline=None)
@given(lab_settings())
def test_url_round_trip_is_the_identity(lab: LabSettings):
    query = lab.to_query()
    parsed, messages, _ = from_query(query)
    assert messages == []
    assert parsed == lab
    assert parsed.cache_key() == lab.cache_key()


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_query_string_yields_valid_settings(query: str):
    parsed, messages, _ = from_query(query)
    assert parsed.landscape in LANDSCAPES
    assert 1 <= parsed.steps <= MAX_STEPS
    assert all(math.isfinite(o.lr) and o.lr > 0 for o in parsed.optimizers)
    assert isinstance(messages, list)


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "gd.lr",
                "steps",
                "w1",
                "noise",
                "adam.beta2",
                "momentum.alpha",
                "landscape",
                "gd.schedule",
                "seed",
                "rmsprop.on",
                "view",
                "gd.decay_rate",
            ]
        ),
        st.one_of(
            st.none(),
            st.text(max_size=20),
            st.floats(),
            st.integers(),
            st.booleans(),
            st.lists(st.text(max_size=3), max_size=2),
        ),
    )
)
def test_any_control_values_never_raise(raw):
    new, messages = parse_flat(raw, LabSettings.default())
    assert new.landscape in LANDSCAPES
    assert all(isinstance(m, str) and m for m in messages)


def test_hostile_queries_give_defaults_and_a_message():
    for query in [
        "%ZZ%%",
        "landscape=<script>alert(1)</script>",
        "a" * 10000,
        "gd.lr=1e999",
        "steps=-5&&&==",
    ]:
        parsed, messages, _ = from_query(query)
        assert parsed.landscape in LANDSCAPES
        assert messages, query


def test_cache_key_ignores_disabled_optimizers_and_the_view():
    lab = LabSettings.default()
    changed, _ = parse_flat({"nesterov.lr": "0.5", "view": "surface"}, lab)
    assert changed != lab
    assert changed.cache_key() == lab.cache_key()
    faster, _ = parse_flat({"gd.lr": "0.004"}, lab)
    assert faster.cache_key() != lab.cache_key()


def test_the_colour_map_is_in_the_link_but_not_in_the_cache_key():
    lab = LabSettings.default()
    contrast, messages, _ = from_query("map=contrast")
    assert messages == [] and contrast.map == "contrast" and lab.map == "default"
    assert contrast.to_query() == "map=contrast"  # the default is left out of the link
    assert contrast.cache_key() == lab.cache_key()  # same numbers, other colours
    bad, messages, _ = from_query("map=rainbow")
    assert bad.map == "default" and messages
    # the run's data URL is the same whatever the map (one URL, one browser-cache entry)
    from serving.api.lab import settings_query

    assert settings_query(contrast) == settings_query(lab) == ""


def test_classroom_keys_pass_through():
    _, messages, passthrough = from_query("hide=optimizers&present=1&gd.lr=0.002")
    assert messages == [] and passthrough == {"hide": "optimizers", "present": "1"}
