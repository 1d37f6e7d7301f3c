"""The playback keys of a link (`frame`, `speed`) pass through every page's query reading when
they are numbers and are dropped with a sentence when not (settings/query.py)."""

from __future__ import annotations

from urllib.parse import urlencode

from hypothesis import given
from hypothesis import strategies as st

from settings.optimizer_lab import from_query
from settings.query import split_query


def test_numbers_pass_through_and_the_first_key_counts():
    raw, passthrough, messages = split_query("lr=0.1&frame=12&speed=0.5&frame=3", ["lr"])
    assert raw == {"lr": "0.1"} and passthrough == {"frame": "12", "speed": "0.5"}
    assert messages == []


def test_blank_values_are_absent_without_a_message():
    assert split_query("frame=&speed=", []) == ({}, {}, [])


def test_bad_values_are_dropped_with_a_sentence():
    _, passthrough, messages = split_query("frame=1e3&speed=0", [])
    assert passthrough == {}
    assert messages == [
        "The link's playback position '1e3' is not a frame number; starting at the beginning.",
        "The link's playback speed '0' is not a positive number; playing at the usual speed.",
    ]


def test_a_pages_canonical_query_keeps_them():
    settings, messages, passthrough = from_query("frame=7&speed=2")
    assert messages == []
    assert settings.to_query(passthrough).endswith("frame=7&speed=2")


@given(st.text(max_size=30), st.text(max_size=30))
def test_any_text_is_read_without_raising(frame, speed):
    _, passthrough, messages = split_query(urlencode({"frame": frame, "speed": speed}), [])
    if "frame" in passthrough:
        assert passthrough["frame"].isdigit() and len(passthrough["frame"]) <= 7
    if "speed" in passthrough:
        assert float(passthrough["speed"]) > 0
    assert len(messages) <= 2


def test_the_browser_keeps_the_same_keys_the_server_passes_through():
    """assets/core/page_glue.js keeps these keys in the address bar; settings/query.py lets them
    through every page's query: one list, written twice (JS and Python), kept equal here."""
    import json
    import re
    from pathlib import Path

    from settings.query import PASSTHROUGH_KEYS

    glue = Path(__file__).resolve().parent.parent / "assets" / "core" / "page_glue.js"
    found = re.search(r"const BROWSER_KEYS = (\[[^\]]*\]);", glue.read_text())
    assert found is not None
    assert tuple(json.loads(found.group(1))) == PASSTHROUGH_KEYS
