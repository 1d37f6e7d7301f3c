"""The network loss landscape page's settings: defaults = the engine's, URL round trip, hostile
input (any text gives valid settings and a sentence), the cache key."""

from __future__ import annotations

import inspect
import math
from urllib.parse import urlencode

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from playground import network_landscape
from playground.config import SEED_RANGE
from playground.loss_landscape import DIRECTION_KINDS, RESOLUTION_RANGE, SPAN_RANGE
from settings.network_landscape import (
    FIELDS,
    NetworkLandscapeSettings,
    from_controls,
    from_query,
    known_keys,
    over_budget,
)
from settings.playground import PlaygroundSettings
from settings.playground import from_query as playground_from_query

FAST = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ODD_RESOLUTIONS = st.integers(*RESOLUTION_RANGE).filter(lambda r: r % 2 == 1)
SPANS = st.floats(1e-6, SPAN_RANGE[1], allow_nan=False, allow_infinity=False)
SEEDS = st.integers(*SEED_RANGE)
ANY_TEXT = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["nan", "inf", "-inf", "1e400", "-0", "0", "", " ", "1.5", "41.0", "40",
                     "61", "63", "9", "true", "on", "2147483648", "-1", "0x10", "１"]),
)  # fmt: skip


def engine_accepts(s: NetworkLandscapeSettings) -> bool:
    """The engine's own argument check (playground.loss_landscape) passes."""
    from playground.loss_landscape import _check_arguments

    try:
        _check_arguments(s.directions, s.resolution, s.span, s.include_biases, s.direction_seed)
    except ValueError:
        return False
    return True


def test_defaults_are_the_engines():
    signature = inspect.signature(network_landscape).parameters
    default = NetworkLandscapeSettings()
    assert default.network == PlaygroundSettings()
    for name in ("directions", "resolution", "span", "include_biases", "direction_seed"):
        assert getattr(default, name) == signature[name].default, name
    assert {f.name: f.default for f in FIELDS} == default.engine_arguments()
    assert from_query("") == (default, [], {})
    assert default.to_query() == ""


def test_direction_seed_does_not_clash_with_the_playgrounds_data_seed():
    s, messages, _ = from_query("dseed=3&dirseed=5")
    assert messages == []
    assert s.network.config.data_seed == 3 and s.direction_seed == 5
    assert s.to_query() == "dseed=3&dirseed=5"


@FAST
@given(
    directions=st.sampled_from(DIRECTION_KINDS),
    span=SPANS,
    resolution=ODD_RESOLUTIONS,
    biases=st.booleans(),
    seed=SEEDS,
    network=st.sampled_from(["", "data=xor", "hidden=4,4&act=tanh", "lr=0.03&epochs=200"]),
)
def test_url_round_trip(directions, span, resolution, biases, seed, network):
    query = "&".join(
        part
        for part in (
            network,
            f"dirs={directions}&span={span!r}&res={resolution}",
            f"biases={int(biases)}&dirseed={seed}",
        )
        if part
    )
    s, messages, _ = from_query(query)
    assert messages == []
    assert s.network == playground_from_query(network)[0]
    assert (s.directions, s.resolution, s.include_biases, s.direction_seed) == (
        directions,
        resolution,
        biases,
        seed,
    )
    assert math.isclose(s.span, span, rel_tol=1e-9)
    again, messages, _ = from_query(s.to_query())
    assert again == s and messages == []
    assert again.cache_key() == s.cache_key()
    assert engine_accepts(s)


@FAST
@given(key=st.sampled_from([f.key for f in FIELDS]), raw=ANY_TEXT)
def test_any_text_gives_valid_settings_and_a_sentence_when_refused(key, raw):
    result = from_controls({key: raw}, NetworkLandscapeSettings())
    s = result.settings
    assert engine_accepts(s)
    if result.invalid:
        assert list(result.invalid) == [key]
        (message,) = result.messages
        assert message.endswith(".") and len(message) < 300
        assert s == NetworkLandscapeSettings()  # the refused value keeps the previous one
    # A link with the same text: never raises, valid settings, messages are sentences.
    linked, messages, _ = from_query(urlencode({key: raw}))
    assert engine_accepts(linked)
    assert all(m.endswith(".") for m in messages)


@FAST
@given(raw=st.one_of(st.text(max_size=200), st.binary(max_size=100).map(repr), st.none()))
def test_hostile_links_never_raise(raw):
    s, messages, passthrough = from_query(raw)
    assert isinstance(s, NetworkLandscapeSettings)
    assert engine_accepts(s)
    assert all(isinstance(m, str) and m for m in messages)
    assert set(passthrough) <= {"hide", "present"}


def test_refusals_say_what_to_do():
    cases = {
        "res=40": "odd",
        "res=9": "≥ 11",
        "res=63": "≤ 61",
        "res=41.5": "whole number",
        "span=0": "> 0",
        "span=-1": "> 0",
        "span=10.5": "≤ 10",
        "span=nan": "finite",
        "span=abc": "not a number",
        "dirs=hessian": "random, pca",
        "biases=maybe": "on/off",
        "dirseed=-1": "≥ 0",
        "dirseed=1.5": "whole number",
    }
    for query, words in cases.items():
        s, messages, _ = from_query(query)
        assert s == NetworkLandscapeSettings(), query
        assert len(messages) == 1 and words in messages[0], (query, messages)


def test_unknown_and_view_keys_are_reported_not_fatal():
    s, messages, passthrough = from_query("span=2&bogus=1&view=gradients&present=1")
    assert s.span == 2 and passthrough == {"present": "1"}
    assert messages == [
        "The link has settings this page does not know ('bogus', 'view'); they were ignored."
    ]
    assert "view" not in known_keys() and {"dirs", "span", "res", "biases", "dirseed"} <= (
        known_keys()
    )


def test_cache_key_holds_the_network_and_only_what_the_landscape_depends_on():
    base = from_query("data=xor&span=2")[0]
    assert base.cache_key().startswith("nl:v1:" + base.network.cache_key() + "|")
    assert from_query("data=xor&span=2.0")[0].cache_key() == base.cache_key()
    assert from_query("data=xor&span=2&biases=1")[0].cache_key() != base.cache_key()
    assert from_query("data=xor&span=2&dirseed=1")[0].cache_key() != base.cache_key()
    assert from_query("data=moons&span=2")[0].cache_key() != base.cache_key()
    # With PCA directions neither the biases option nor the seed applies.
    pca = from_query("dirs=pca")[0]
    assert from_query("dirs=pca&biases=1&dirseed=7")[0].cache_key() == pca.cache_key()
    assert from_query("dirs=pca&res=21")[0].cache_key() != pca.cache_key()


def test_a_landscape_over_the_budget_is_refused_at_the_resolution():
    heavy = "hidden=16,16,16,16,16,16&n=2000&batch=1&epochs=200"
    s, messages, _ = from_query(heavy)
    assert messages == [] and over_budget(s) == ""
    s, messages, _ = from_query(heavy + "&res=61")
    assert s.resolution == 41
    assert len(messages) == 1 and "lower resolution" in messages[0]


def test_the_plot_is_the_views_not_the_landscapes():
    s, messages, _ = from_query("span=2&plot=surface")
    assert messages == [] and s.plot == "surface"
    assert s.to_query() == "span=2&plot=surface"
    assert s.to_query(view=False) == "span=2"
    assert s.cache_key() == from_query("span=2")[0].cache_key()
    s, messages, _ = from_query("plot=3d")
    assert s.plot == "contour" and len(messages) == 1 and "contour, surface" in messages[0]
