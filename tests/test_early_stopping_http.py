"""Early stopping over HTTP: the patience key parses (bad values a sentence, never a broken
page), is part of the run's URL and cache key, and the run container's meta carries the stop."""

from __future__ import annotations

import pytest

from components.encoding import unpack
from settings.playground import PlaygroundSettings, from_query

QUERY = "data=xor&n=60&noise=0.4&hidden=16,16&lr=0.5&epochs=400"


def test_patience_parses_and_is_in_the_key() -> None:
    settings, messages, _ = from_query(QUERY + "&patience=20")
    assert settings.patience == 20 and not messages
    assert "patience=20" in settings.to_query() and "patience=20" in settings.cache_key()
    assert from_query(QUERY + "&patience=off")[0].patience == 0
    assert "patience" not in PlaygroundSettings().to_query()
    for bad in ("-1", "abc", "2.5", "99999"):
        settings, messages, _ = from_query(QUERY + f"&patience={bad}")
        assert settings.patience == 0 and any("Early stopping patience" in m for m in messages)


def test_the_run_container_carries_the_stop(client) -> None:
    response = client.get(f"/api/playground/run.bin?{QUERY}&patience=20")
    assert response.status_code == 200
    meta = unpack(response.data)[0]
    stop = meta["earlyStop"]
    assert (stop["patience"], stop["stoppedEpoch"], stop["bestEpoch"]) == (20, 51, 31)
    assert stop["bestFrame"] == 31 and stop["bestLoss"] == pytest.approx(0.5769, abs=1e-4)
    plain = client.get(f"/api/playground/run.bin?{QUERY}")
    assert unpack(plain.data)[0]["earlyStop"] is None


def test_a_bad_patience_is_refused_with_a_sentence(client) -> None:
    response = client.get(f"/api/playground/run.bin?{QUERY}&patience=abc")
    assert response.status_code == 400
    assert "Early stopping patience" in response.get_json()["error"]
