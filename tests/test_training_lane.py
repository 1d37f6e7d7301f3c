"""The training lane (serving/training_lane.py): FIFO, coalescing, bounded queue, deadline,
a child that crashes, and the HTTP answers (202 / 503 + Retry-After, then the container).

The lane's own tests drive a stand-in child (a few lines speaking the same frame protocol, no
JAX) so they are fast and can make it slow, fail or die on purpose; the last tests go through
the real app and the real child.
"""

from __future__ import annotations

import gzip
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from serving.training_lane import POLL_SECONDS, LaneSettings, TrainingLane

ROOT = Path(__file__).resolve().parent.parent

FAKE_CHILD = textwrap.dedent(
    f"""
    import os, sys, time
    sys.path.insert(0, {str(ROOT)!r})
    from serving.training_process import read_frame, write_frame
    out = os.fdopen(os.dup(1), "wb"); os.dup2(2, 1)
    inp = os.fdopen(os.dup(0), "rb")
    write_frame(out, ("ready", {{}}))
    while True:
        try:
            _, kind, query = read_frame(inp)
        except EOFError:
            break
        action, _, value = query.partition(":")
        if action == "sleep":
            time.sleep(float(value))
            write_frame(out, ("done", f"{{kind}}:{{query}}".encode(), {{"seconds": float(value)}}))
        elif action == "crash":
            os._exit(3)
        else:
            write_frame(out, ("failed", "no such network", {{}}))
    """
)


@pytest.fixture()
def fake_child(tmp_path: Path) -> list[str]:
    script = tmp_path / "fake_child.py"
    script.write_text(FAKE_CHILD)
    return [sys.executable, str(script)]


class Recorder:
    def __init__(self) -> None:
        self.stored: dict[str, bytes] = {}
        self.failed: dict[str, str] = {}
        self.done = threading.Event()

    def store(self, key: str, body: bytes) -> None:
        self.stored[key] = body
        self.done.set()

    def fail(self, key: str, sentence: str) -> None:
        self.failed[key] = sentence
        self.done.set()


def wait_for(condition, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


@pytest.fixture()
def make_lane(fake_child):
    """make_lane(**settings) -> (lane, recorder) on the stand-in child; closed after the test."""
    lanes: list[TrainingLane] = []

    def make(**settings) -> tuple[TrainingLane, Recorder]:
        recorder = Recorder()
        lane = TrainingLane(
            LaneSettings(**settings), recorder.store, recorder.fail, command=fake_child
        )
        lanes.append(lane)
        return lane, recorder

    yield make
    for lane in lanes:
        lane.close()


def test_jobs_train_in_order_and_are_stored(make_lane):
    lane, recorder = make_lane()
    first = lane.submit("a", "run", "sleep:0.2", 0.2)
    second = lane.submit("b", "compare", "sleep:0.1", 0.1)
    assert first.state == second.state == "queued"
    assert 1 <= second.retry_after <= POLL_SECONDS
    wait_for(lambda: len(recorder.stored) == 2)
    assert recorder.stored == {"a": b"run:sleep:0.2", "b": b"compare:sleep:0.1"}
    assert lane.stats()["completed"] == 2


def test_a_result_the_shared_cache_refused_is_still_handed_over(make_lane):
    lane, _ = make_lane()
    lane._store = lambda key, body: None  # a cache that keeps nothing (entry too large)
    lane.submit("big", "compare", "sleep:0.05", 0.1)
    wait_for(lambda: lane.stats()["completed"] == 1)
    assert lane.finished("big") == b"compare:sleep:0.05"
    assert lane.finished("other") is None


def test_the_same_url_twice_is_one_job(make_lane):
    lane, recorder = make_lane()
    lane.submit("a", "run", "sleep:0.5", 0.5)
    wait_for(lambda: lane.stats()["running"])
    again = lane.submit("a", "run", "sleep:0.5", 0.5)
    assert again.state == "running" and "about 1 s" in again.message
    wait_for(lambda: "a" in recorder.stored)
    assert lane.stats()["completed"] == 1


def test_a_full_queue_says_busy_with_retry_after(make_lane):
    lane, recorder = make_lane(max_queued=2)
    lane.submit("running", "run", "sleep:1.0", 8.0)
    wait_for(lambda: lane.stats()["running"])
    assert lane.submit("q1", "run", "sleep:0.1", 8.0).state == "queued"
    waiting = lane.submit("q2", "run", "sleep:0.1", 8.0)
    assert waiting.state == "queued" and "2 other large networks" in waiting.message
    full = lane.submit("q3", "run", "sleep:0.1", 8.0)
    assert full.state == "full" and full.retry_after >= 16
    assert "large networks" in full.message
    assert lane.stats()["refused_full"] == 1
    wait_for(lambda: len(recorder.stored) == 3)
    assert "q3" not in recorder.stored


def test_a_job_past_its_deadline_is_stopped_and_the_lane_goes_on(make_lane):
    lane, recorder = make_lane(deadline_seconds=0.5)
    lane.submit("slow", "run", "sleep:30", 1.0)
    wait_for(lambda: "slow" in recorder.failed)
    assert "took longer than" in recorder.failed["slow"]
    ticket = lane.submit("slow", "run", "sleep:30", 1.0)
    assert ticket.state == "failed" and ticket.retry_after == 0
    lane.submit("quick", "run", "sleep:0.05", 0.1)
    wait_for(lambda: "quick" in recorder.stored)
    stats = lane.stats()
    assert stats["child_restarts"] >= 1 and stats["failed"] == 1


def test_a_crashed_child_fails_its_job_and_is_replaced(make_lane):
    lane, recorder = make_lane()
    lane.submit("boom", "run", "crash:", 1.0)
    wait_for(lambda: "boom" in recorder.failed)
    assert "stopped" in recorder.failed["boom"]
    lane.submit("after", "run", "sleep:0.05", 0.1)
    wait_for(lambda: "after" in recorder.stored)


def test_settings_the_child_cannot_train_fail_with_its_sentence(make_lane):
    lane, recorder = make_lane()
    lane.submit("odd", "run", "what:", 1.0)
    wait_for(lambda: "odd" in recorder.failed)
    assert recorder.failed["odd"] == "These settings cannot be trained: no such network"


# ---- through the app: the real child, the real programs ----------------------------------------


def heavy_url(client, epochs: int = 30) -> str:
    from playground import PlaygroundConfig
    from serving.api.playground import run_url
    from settings.playground import PlaygroundSettings

    config = PlaygroundConfig(n_samples=2000, hidden=(16,) * 6, batch_size=1, epochs=epochs)
    with client.application.test_request_context():
        return run_url(PlaygroundSettings(config=config))


def test_a_heavy_run_is_trained_by_the_lane_and_equals_the_inline_run(client):
    from playground.cost import request_seconds
    from serving.api.playground import run_bytes, settings_from_query
    from serving.training_lane import training_lane

    url = heavy_url(client)
    settings, _ = settings_from_query(url.split("?", 1)[1])
    lane = training_lane(client.application)
    assert request_seconds(settings.config) > lane.settings.light_seconds
    first = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert first.status_code == 202, first.data[:200]
    assert first.headers["Cache-Control"] == "no-store"
    assert 1 <= int(first.headers["Retry-After"]) <= POLL_SECONDS
    body = first.get_json()
    assert body["pending"] in ("queued", "running") and "server" in body["message"]
    deadline = time.monotonic() + 240
    response = first
    while response.status_code == 202:
        assert time.monotonic() < deadline, "the lane never finished"
        time.sleep(0.5)
        response = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert "immutable" in response.headers["Cache-Control"]
    trained_by_lane = gzip.decompress(response.data)
    assert trained_by_lane == run_bytes(settings)  # the same numbers, bit for bit
    assert lane.stats()["child_compiles_after_warmup"] == 0


def test_over_budget_requests_are_refused_with_the_sentence(client):
    from playground import PlaygroundConfig
    from playground.cost import largest_epochs
    from serving.api.playground import compare_url
    from settings.playground import PlaygroundSettings

    config = PlaygroundConfig(n_samples=2000, hidden=(16,) * 6, batch_size=1, epochs=100)
    with client.application.test_request_context():
        url = compare_url(PlaygroundSettings(config=config))
    response = client.get(url)
    assert response.status_code == 400
    error = response.get_json()["error"]
    limit = largest_epochs(config, runs=4)
    assert "compute budget" in error and "4 runs" in error and f"at most {limit} epochs" in error
