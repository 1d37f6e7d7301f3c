"""The network playground's settings object: defaults, URL round trip, hostile input, cache key."""

from __future__ import annotations

import math
import string
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from playground import (
    ACTIVATIONS,
    DATASETS,
    INIT_SCHEMES,
    OPTIMIZERS,
    SCHEDULES,
    PlaygroundConfig,
    validate,
)
from playground import config as engine_config
from settings.fields import canonical_float
from settings.playground import (
    PASSTHROUGH_KEYS,
    TABS,
    VIEWS,
    PlaygroundSettings,
    canonical,
    control_keys,
    from_controls,
    from_layout_kwargs,
    from_query,
    known_keys,
    parse_hidden,
)

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# ---- defaults -----------------------------------------------------------------------------------


def test_defaults_are_the_engines():
    """The page shows and uses the engine's own defaults (nothing retyped)."""
    default = PlaygroundSettings()
    assert default.config == PlaygroundConfig()
    assert default.to_query() == ""
    assert validate(default.config) == []
    assert from_query("") == (default, [], {})


def test_control_values_show_registry_defaults(dash_app):
    from pages.playground import control_values  # registered by the app

    values = control_values(PlaygroundSettings())
    config = PlaygroundConfig()
    assert values["lr"] == repr(config.lr)
    assert values["hidden"] == ",".join(str(n) for n in config.hidden)
    assert values["batch"] == "full"
    for spec in OPTIMIZERS.values():
        for parameter in spec.rule_hyperparameters:
            shown = values[f"hp.{spec.id}.{parameter.name}"]
            if parameter.is_choice:  # a rule, by its id
                assert shown == parameter.choice_id(parameter.default)
            else:
                assert float(shown) == parameter.default
    for spec in SCHEDULES.values():
        for parameter in spec.parameters:
            assert float(values[f"sp.{spec.id}.{parameter.name}"]) == parameter.default


# ---- URL round trip -----------------------------------------------------------------------------


def _float_in(low: float, high: float, log: bool = False):
    if log and low > 0:
        strategy = st.floats(math.log10(low), math.log10(high)).map(lambda e: 10.0**e)
    else:
        strategy = st.floats(low, high, allow_nan=False, allow_infinity=False)
    return strategy.map(canonical_float).filter(lambda v: low <= v <= high)


@st.composite
def playground_settings(draw) -> PlaygroundSettings:
    r = engine_config
    optimizer = draw(st.sampled_from(list(OPTIMIZERS)))
    schedule = draw(st.sampled_from(list(SCHEDULES)))
    init = draw(st.sampled_from(list(INIT_SCHEMES)))
    scheme = INIT_SCHEMES[init]
    hyper = {
        # A choice (Lookahead's inner rule) is the index of one of its options.
        p.name: float(draw(st.integers(0, len(p.choices) - 1)))
        if p.is_choice
        else draw(_float_in(p.minimum, p.maximum, p.log_scale))
        for p in OPTIMIZERS[optimizer].rule_hyperparameters
        if draw(st.booleans())
    }
    schedule_params = {}
    for p in SCHEDULES[schedule].parameters:
        if draw(st.booleans()):
            value = draw(_float_in(p.minimum, p.maximum, p.log_scale))
            schedule_params[p.name] = float(round(value)) if p.integer else value
    scale = None
    if scheme.adjustable and draw(st.booleans()):
        scale = draw(_float_in(*scheme.scale_range))
    hidden = tuple(
        draw(st.lists(st.integers(*r.UNITS_RANGE), min_size=1, max_size=r.HIDDEN_LAYERS_RANGE[1]))
    )
    config = PlaygroundConfig(
        dataset=draw(st.sampled_from(list(DATASETS))),
        n_samples=draw(st.integers(*r.N_SAMPLES_RANGE)),
        noise=draw(_float_in(*r.NOISE_RANGE)),
        train_fraction=draw(_float_in(*r.TRAIN_FRACTION_RANGE)),
        data_seed=draw(st.integers(*r.SEED_RANGE)),
        hidden=hidden,
        activation=draw(st.sampled_from(list(ACTIVATIONS))),
        init=init,
        init_scale=scale,
        optimizer=optimizer,
        lr=draw(_float_in(*r.LR_RANGE, log=True)),
        optimizer_params=hyper,
        schedule=schedule,
        schedule_params=schedule_params,
        batch_size=draw(st.none() | st.integers(1, 64)),
        l1=draw(_float_in(*r.PENALTY_RANGE)),
        l2=draw(_float_in(*r.PENALTY_RANGE)),
        keep_prob=draw(_float_in(*r.KEEP_PROB_RANGE)),
        epochs=draw(st.integers(1, 300)),
        seed=draw(st.integers(*r.SEED_RANGE)),
    )
    neuron = ""
    if draw(st.booleans()):
        layer = draw(st.integers(1, len(hidden) + 1))
        size = (*hidden, 1)[layer - 1]
        neuron = f"{layer}-{draw(st.integers(1, size))}"
    return PlaygroundSettings(
        config=config,
        view=draw(st.sampled_from(VIEWS)),
        show_test=draw(st.booleans()),
        tab=draw(st.sampled_from(TABS)),
        neuron=neuron,
    )


@FAST
@given(playground_settings())
def test_url_round_trip_is_identity(drawn: PlaygroundSettings):
    settings_ = canonical(drawn)
    assert validate(settings_.config) == []
    query = settings_.to_query()
    parsed, messages, passthrough = from_query(query)
    assert messages == []
    assert passthrough == {}
    assert parsed == settings_
    assert parsed.to_query() == query
    assert parsed.cache_key() == settings_.cache_key()
    # And through the leading '?' the browser's location.search has.
    assert from_query("?" + query)[0] == settings_


@FAST
@given(playground_settings())
def test_canonical_keeps_every_drawn_value_that_is_valid(drawn: PlaygroundSettings):
    settings_ = canonical(drawn)
    if validate(drawn.config) == [] and (
        drawn.config.batch_size is None or drawn.config.batch_size < drawn.config.n_train
    ):
        assert settings_.config.dataset == drawn.config.dataset
        assert settings_.config.hidden == drawn.config.hidden
        assert settings_.config.lr == drawn.config.lr
        assert settings_.config.resolved_optimizer_params() == pytest.approx(
            drawn.config.resolved_optimizer_params()
        )


def test_query_is_short_and_ordered():
    settings_ = PlaygroundSettings(
        config=replace(PlaygroundConfig(), dataset="xor", lr=0.03, hidden=(4, 4)),
        view="gradients",
    )
    assert settings_.to_query() == "data=xor&hidden=4,4&lr=0.03&view=gradients"
    assert settings_.to_query(view=False) == "data=xor&hidden=4,4&lr=0.03"


def test_classroom_keys_pass_through():
    parsed, messages, passthrough = from_query("data=moons&hide=data,init&present=1")
    assert messages == []
    assert parsed.config.dataset == "moons"
    assert passthrough == {"hide": "data,init", "present": "1"}
    assert parsed.to_query(passthrough).endswith("hide=data,init&present=1")
    assert set(PASSTHROUGH_KEYS) <= known_keys()


# ---- hostile and malformed links ----------------------------------------------------------------

HOSTILE = [
    "lr=nan",
    "lr=inf",
    "lr=-1",
    "lr=1e308",
    "lr=0",
    "lr=abc",
    "hidden=0",
    "hidden=",
    "hidden=1,2,3,4,5,6,7",
    "hidden=99",
    "hidden=3,-2",
    "hidden=2.5",
    "hidden=a,b",
    "hidden=" + ",".join(["3"] * 500),
    "epochs=-5",
    "epochs=1e9",
    "epochs=2.5",
    "n=1",
    "noise=-0.1",
    "train=1.5",
    "keep=0",
    "l2=NaN",
    "seed=-1",
    "dseed=99999999999999",
    "batch=0",
    "batch=-3",
    "batch=abc",
    "data=<script>alert(1)</script>",
    "act=softmax",
    "init=../../etc/passwd",
    "opt=sgd",
    "sched=cosine",
    "opt=adam&hp.beta1=5",
    "opt=adam&hp.nope=1",
    "hp.alpha=0.5",
    "sched=step&sp.every=0.5",
    "sched=step&sp.every=-1",
    "init=zero&scale=3",
    "init=too_small&scale=-1",
    "view=3d",
    "test=maybe",
    "tab=secret",
    "neuron=9-9",
    "neuron=x",
    "epochs=2000&batch=1",
    "%%%",
    "&&&=&=",
    "lr=0.1&lr=nan",
    "a" * 10_000,
    "lr=%00",
    "data=circle\x00",
    "☃=☃",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_query_gives_valid_settings_and_a_message(query: str):
    parsed, messages, _ = from_query(query)
    assert isinstance(parsed, PlaygroundSettings)
    assert validate(parsed.config) == []
    if query not in ("lr=0.1&lr=nan",):  # the first of repeated keys counts: 0.1 is fine
        assert messages, f"no message for {query!r}"
    assert all(isinstance(m, str) and m for m in messages)
    # Whatever was rejected fell back to the default.
    default = PlaygroundConfig()
    if query.startswith("lr="):
        assert parsed.config.lr == default.lr
    if query.startswith("hidden="):
        assert parsed.config.hidden == default.hidden


def test_run_length_rule_keeps_the_other_values():
    parsed, messages, _ = from_query("data=xor&epochs=2000&batch=1")
    assert parsed.config.dataset == "xor"
    assert parsed.config.epochs == 2000
    assert parsed.config.batch_size is None
    assert any("updates" in m for m in messages)


@given(st.text(max_size=300))
@FAST
def test_any_text_never_raises(text: str):
    parsed, messages, _ = from_query(text)
    assert validate(parsed.config) == []
    assert isinstance(messages, list)


@given(
    st.dictionaries(
        st.sampled_from(sorted(known_keys())),
        st.text(alphabet=string.printable, max_size=20),
        max_size=8,
    )
)
@FAST
def test_known_keys_with_junk_never_raise(values: dict):
    from urllib.parse import urlencode

    parsed, messages, _ = from_query(urlencode(values))
    assert validate(parsed.config) == []
    assert isinstance(messages, list)


def test_non_string_queries():
    for bad in (None, 123, b"lr=0.1", ["lr=1"], {"lr": 1}):
        parsed, messages, _ = from_query(bad)
        assert validate(parsed.config) == []
        assert bad is None or messages


def test_layout_kwargs_as_dash_passes_them():
    parsed, messages, _ = from_layout_kwargs({"data": "spiral", "lr": ["0.5", "0.2"]})
    assert parsed.config.dataset == "spiral"
    assert parsed.config.lr == 0.5
    assert messages == []


# ---- controls -----------------------------------------------------------------------------------

JUNK = (
    st.none()
    | st.booleans()
    | st.integers(-(10**20), 10**20)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
    | st.lists(st.integers(), max_size=3)
    | st.dictionaries(st.text(max_size=3), st.integers(), max_size=2)
)


@given(st.dictionaries(st.sampled_from(control_keys()), JUNK, max_size=10))
@FAST
def test_bad_control_values_never_raise(values: dict):
    previous = PlaygroundSettings(config=replace(PlaygroundConfig(), dataset="moons", lr=0.05))
    result = from_controls(values, previous)
    assert validate(result.settings.config) == []
    for key in result.invalid:
        assert result.invalid[key]
    # Every rejected field kept the previous value.
    if "lr" in result.invalid:
        assert result.settings.config.lr == 0.05
    if "data" in result.invalid:
        assert result.settings.config.dataset == "moons"


@pytest.mark.parametrize(
    ("key", "raw"),
    [
        ("lr", "abc"),
        ("lr", "nan"),
        ("lr", "-1"),
        ("lr", ""),
        ("hidden", "0"),
        ("hidden", "4, 4, 4, 4, 4, 4, 4"),
        ("hidden", "17"),
        ("epochs", "0"),
        ("epochs", "1e6"),
        ("noise", "-1"),
        ("keep", "0"),
        ("batch", "0"),
        ("n", "5"),
        ("seed", "1.5"),
    ],
)
def test_bad_control_value_keeps_last_good_state(key: str, raw: str):
    previous = PlaygroundSettings(config=replace(PlaygroundConfig(), dataset="xor", lr=0.05))
    result = from_controls({key: raw, "data": "moons"}, previous)
    assert key in result.invalid
    assert result.messages
    assert result.settings.config.dataset == "moons"  # the good change went through
    assert result.settings.config == replace(previous.config, dataset="moons")


def test_lookaheads_inner_rule_is_named_by_its_id():
    settings_, messages, _ = from_query("opt=lookahead&hp.inner=rmsprop")
    inner = OPTIMIZERS["lookahead"].hyperparameter("inner")
    assert messages == [] and settings_.config.optimizer_params == {
        "inner": inner.choice_index("rmsprop")
    }
    assert settings_.to_query() == "opt=lookahead&hp.inner=rmsprop"
    # An index (older links) still reads; an unknown rule is a message naming the choices.
    assert from_query("opt=lookahead&hp.inner=4")[0] == settings_
    _, messages, _ = from_query("opt=lookahead&hp.inner=lookahead")
    assert len(messages) == 1 and "unknown choice" in messages[0] and "rmsprop" in messages[0]


def test_optimizer_change_restarts_its_hyperparameters_from_defaults():
    previous = from_query("opt=adam&hp.beta1=0.8")[0]
    assert previous.config.optimizer_params == {"beta1": 0.8}
    result = from_controls({"opt": "momentum", "hp.alpha": "0.5"}, previous)
    assert result.messages == []
    assert result.settings.config.optimizer == "momentum"
    assert dict(result.settings.config.optimizer_params) == {"alpha": 0.5}


def test_scheme_change_drops_the_scale_and_fixed_schemes_reject_one():
    previous = from_query("init=too_small&scale=0.05")[0]
    assert previous.config.init_scale == 0.05
    assert from_controls({"init": "appropriate"}, previous).settings.config.init_scale is None
    result = from_controls({"init": "zero", "scale": "2"}, previous)
    assert "scale" in result.invalid
    assert result.settings.config.init_scale is None


def test_batch_size_as_large_as_the_training_set_is_full_batch():
    parsed = from_controls({"batch": "100000"}, PlaygroundSettings())
    assert "batch" in parsed.invalid  # beyond the engine's range
    full = from_controls({"batch": str(PlaygroundConfig().n_train)}, PlaygroundSettings())
    assert full.messages == []
    assert full.settings.config.batch_size is None
    assert from_controls({"batch": "Full"}, PlaygroundSettings()).settings.config.batch_size is None


def test_parse_hidden_accepts_common_spellings():
    assert parse_hidden("6, 3", (1,)) == ((6, 3), None)
    assert parse_hidden("6 3", (1,)) == ((6, 3), None)
    assert parse_hidden("6;3", (1,)) == ((6, 3), None)
    assert parse_hidden([6, 3], (1,)) == ((6, 3), None)
    assert parse_hidden("8", (1,)) == ((8,), None)


# ---- cache key ----------------------------------------------------------------------------------


def test_cache_key_is_canonical_and_ignores_the_view():
    base = PlaygroundSettings()
    assert base.cache_key() == replace(base, view="gradients", show_test=True).cache_key()
    assert base.cache_key() == replace(base, tab="compare", neuron="1-1").cache_key()
    tiny = from_controls({"lr": "0.10000000000001"}, base).settings
    assert tiny.cache_key() == base.cache_key()
    other = from_controls({"lr": "0.2"}, base).settings
    assert other.cache_key() != base.cache_key()
    seed = from_controls({"seed": "1"}, base).settings
    assert seed.cache_key() != base.cache_key()
    assert "array" not in base.cache_key()


def test_comparison_key_ignores_the_initialization_only():
    a = from_query("init=too_large")[0]
    b = from_query("init=zero")[0]
    assert a.compare_cache_key() == b.compare_cache_key()
    assert a.cache_key() != b.cache_key()
    c = from_query("init=zero&lr=0.3")[0]
    assert c.compare_cache_key() != b.compare_cache_key()
