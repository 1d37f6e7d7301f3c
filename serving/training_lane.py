"""The training lane: heavy playground runs train in a low-priority child process, one at a time.

Why: a web worker that trains a 6 × 16 network on 2000 points at batch size 1 for eight seconds
serves nobody else for eight seconds, and four such students stop a 2-worker class server
(measured: a cheap request's p95 14.8 s with 4 heavy clients; threads do not help, the
process's one XLA thread pool runs the cheap lab programs behind the heavy ones: 9.2 s).
Here a request whose estimated cost (playground/cost.py) is above `light_seconds` never trains
in the worker:

* the worker answers at once: `202` + `Retry-After` with `{"pending": …, "message": …}` while
  the job waits or trains, the container itself (from the shared cache) once it is done,
  `503` + `Retry-After` when the lane's queue is full (the page waits and asks again), `503`
  without it when the job failed;
* each worker has one lane: a FIFO of at most `max_queued` jobs (the same URL asked twice is
  one job) and one child process (`serving/training_process.py`: fork + exec, `nice` 10, its
  own XLA pool), fed by one dispatcher thread. The kernel gives the workers' cheap requests the
  CPU before the child's, so the class keeps its ~ms interactions while the lane trains;
* heavy work is bounded: every job is within the request budget (playground/cost.py), and one
  that runs past `deadline_seconds` kills the child (a fresh one is started for the next job)
  and fails with a sentence. A job is marked pending in the shared cache, so with Redis another
  worker asked for the same URL answers 202 instead of training it a second time.

`python app.py` and gunicorn workers start their lane's child during warm-up (background
phase); `LOSSVIZ_TRAINING_LANE=0` turns the lane off (everything trains in the worker, as
before).
"""

from __future__ import annotations

import collections
import logging
import math
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from cachetools import TTLCache
from flask import Flask, Response, current_app, has_app_context, jsonify

from serving.log_safety import clip
from serving.training_process import read_frame, write_frame

log = logging.getLogger("lossviz.training")

LANE_KEY = "lossviz.training_lane"
ROOT = Path(__file__).resolve().parent.parent
PENDING_PREFIX = "pending:"
HANDOFF_BYTES = 32 << 20  # results kept by the lane itself until their client asks again
HANDOFF_SECONDS = 120.0


@dataclass(frozen=True)
class LaneSettings:
    """How a lane behaves (serving/config.py fills it from LOSSVIZ_TRAINING_*)."""

    light_seconds: float = 0.25  # estimated cost above which a run goes to the lane
    max_queued: int = 4  # jobs waiting per worker (running one not counted)
    deadline_seconds: float = 90.0  # a job running longer is killed
    nice: int = 10  # the child's niceness (0: same priority as the workers)
    failure_memory_seconds: float = 60.0  # how long a failed job answers with its sentence


class Ticket(NamedTuple):
    """What a request for a heavy run learns: its job's state and when to ask again."""

    state: str  # "queued", "running", "full" or "failed"
    retry_after: int  # seconds (0 for "failed")
    message: str


class _Job(NamedTuple):
    cache_key: str
    kind: str
    query: str
    estimate: float
    queued_at: float


class TrainingLane:
    """One worker's FIFO of heavy jobs and the child process that trains them."""

    def __init__(
        self,
        settings: LaneSettings,
        store: Callable[[str, bytes], None],
        failed: Callable[[str, str], None] = lambda key, sentence: None,
        command: list[str] | None = None,
    ) -> None:
        self.settings = settings
        self._store = store
        self._publish_failure = failed
        self._command = command or [sys.executable, "-m", "serving.training_process"]
        self._jobs: collections.OrderedDict[str, _Job] = collections.OrderedDict()
        self._running: _Job | None = None
        self._running_since = 0.0
        self._failed: TTLCache[str, str] = TTLCache(maxsize=64, ttl=settings.failure_memory_seconds)
        # The last results, also when the shared cache refuses one (a 4-run comparison of 1001
        # frames is larger than the in-process cache takes): the next poll still gets it.
        self._finished: TTLCache[str, bytes] = TTLCache(
            maxsize=HANDOFF_BYTES, ttl=HANDOFF_SECONDS, getsizeof=len
        )
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None
        self._child: subprocess.Popen | None = None
        self._child_ready = False
        self.completed = self.failures = self.refused = self.restarts = 0
        self.child_compiles_after_warmup: int | None = None
        self.last_seconds: float | None = None

    # ---- the request side (any thread) -----------------------------------------------------

    def submit(self, cache_key: str, kind: str, query: str, estimate: float) -> Ticket:
        """Queue the job (once per key) and say what the client should do now."""
        with self._wake:
            failure = self._failed.get(cache_key)
            if failure is not None:
                return Ticket("failed", 0, failure)
            if self._running is not None and self._running.cache_key == cache_key:
                left = self._running.estimate - (time.monotonic() - self._running_since)
                return Ticket("running", _poll_seconds(left), _training_sentence(self._running))
            if cache_key in self._jobs:
                return self._queued_ticket(cache_key)
            if len(self._jobs) >= self.settings.max_queued:
                self.refused += 1
                return Ticket("full", _seconds(self._work_ahead()), _BUSY)
            self._jobs[cache_key] = _Job(cache_key, kind, query, estimate, time.monotonic())
            self._ensure_thread()
            self._wake.notify()
            return self._queued_ticket(cache_key)

    def finished(self, cache_key: str) -> bytes | None:
        """The compressed result of a job this lane finished in the last HANDOFF_SECONDS."""
        with self._wake:
            return self._finished.get(cache_key)

    def start(self) -> None:
        """Start the dispatcher (and so the child's warm-up) before the first job arrives."""
        with self._wake:
            self._ensure_thread()
            self._wake.notify()

    def stats(self) -> dict[str, Any]:
        with self._wake:
            return {
                "queued": len(self._jobs),
                "running": self._running is not None,
                "completed": self.completed,
                "failed": self.failures,
                "refused_full": self.refused,
                "child_restarts": self.restarts,
                "child_ready": self._child_ready,
                "child_compiles_after_warmup": self.child_compiles_after_warmup,
                "last_job_seconds": self.last_seconds,
            }

    def close(self) -> None:
        """Stop the child (the dispatcher thread is a daemon and ends with the process)."""
        with self._wake:
            child, self._child = self._child, None
        _stop(child)

    def _queued_ticket(self, cache_key: str) -> Ticket:
        job = self._jobs[cache_key]
        wait = self._work_ahead(until=cache_key) + job.estimate
        ahead = len(self._ahead(cache_key)) + (self._running is not None)
        if ahead:
            networks = "network trains" if ahead == 1 else "networks train"
            message = (
                f"Waiting for the server: {ahead} other large {networks} first; "
                f"about {math.ceil(wait)} s in all."
            )
        elif not self._child_ready:
            message = f"The server's training process is starting; about {math.ceil(wait)} s."
        else:
            message = _training_sentence(job)
        return Ticket("queued", _poll_seconds(wait), message)

    def _ahead(self, cache_key: str | None) -> list[_Job]:
        jobs = []
        for key, job in self._jobs.items():
            if key == cache_key:
                break
            jobs.append(job)
        return jobs

    def _work_ahead(self, until: str | None = None) -> float:
        work = sum(job.estimate for job in self._ahead(until))
        if self._running is not None:
            work += max(0.0, self._running.estimate - (time.monotonic() - self._running_since))
        if not self._child_ready:
            work += 5.0  # the child is still compiling its programs
        return work

    def _ensure_thread(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(
                target=self._dispatch, name="lossviz-training-lane", daemon=True
            )
            self._thread.start()

    # ---- the dispatcher thread ------------------------------------------------------------

    def _dispatch(self) -> None:
        backoff = 5.0
        while True:
            try:
                self._ensure_child()
                backoff = 5.0
            except Exception as error:  # cannot start a child: fail what waits, try later
                log.warning(
                    "training lane: child did not start (%s); next try in %.0f s",
                    type(error).__name__,
                    backoff,
                )
                self._restart_child()
                self._fail_all("The server's training process could not start; try again soon.")
                time.sleep(backoff)
                backoff = min(backoff * 2, 300.0)
                continue
            with self._wake:
                while not self._jobs:
                    self._wake.wait()
                _, job = self._jobs.popitem(last=False)
                self._running, self._running_since = job, time.monotonic()
            try:
                self._train(job)
            finally:
                with self._wake:
                    self._running = None

    def _train(self, job: _Job) -> None:
        child = self._child
        assert child is not None and child.stdin is not None and child.stdout is not None
        started = time.monotonic()
        try:
            write_frame(child.stdin, ("train", job.kind, job.query))
            reply = _read_with_deadline(child, self.settings.deadline_seconds)
        except (OSError, EOFError, TimeoutError) as error:
            timed_out = isinstance(error, TimeoutError)
            log.warning(
                "training lane: %s job %s after %.1f s; restarting the child",
                job.kind,
                "timed out" if timed_out else "lost its process",
                time.monotonic() - started,
            )
            self._restart_child()
            self._fail(
                job,
                f"Training this network took longer than {self.settings.deadline_seconds:.0f} s "
                "on the server; it was stopped. Use fewer epochs or a larger batch size."
                if timed_out
                else "The server's training process stopped while training this network; "
                "try again.",
            )
            return
        status, body, info = reply
        if status != "done":
            log.warning("training lane: %s job failed: %s", job.kind, clip(str(body)))
            self._fail(job, f"These settings cannot be trained: {body}")
            return
        self.last_seconds = info.get("seconds")
        self.child_compiles_after_warmup = info.get("compiles_after_warmup")
        with self._wake:
            if len(body) <= HANDOFF_BYTES:
                self._finished[job.cache_key] = body
        try:
            self._store(job.cache_key, body)
        finally:
            self.completed += 1

    def _fail(self, job: _Job, sentence: str) -> None:
        with self._wake:
            self.failures += 1
            self._failed[job.cache_key] = sentence
        self._publish_failure(job.cache_key, sentence)

    def _fail_all(self, sentence: str) -> None:
        with self._wake:
            jobs, self._jobs = list(self._jobs.values()), collections.OrderedDict()
        for job in jobs:
            self._fail(job, sentence)

    def _ensure_child(self) -> None:
        if self._child is not None and self._child.poll() is None and self._child_ready:
            return
        if self._child is not None:
            self._restart_child()
        env = {**os.environ, "LOSSVIZ_TRAINING_NICE": str(self.settings.nice)}
        child = subprocess.Popen(
            self._command, cwd=str(ROOT), env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            close_fds=True,
        )  # fmt: skip
        self._child, self._child_ready = child, False
        status = read_frame(child.stdout)[0]  # type: ignore[arg-type]
        if status != "ready":
            raise EOFError(f"training process said {status!r}")
        self._child_ready = True
        log.info("training lane ready (child pid %d)", child.pid)

    def _restart_child(self) -> None:
        child, self._child, self._child_ready = self._child, None, False
        self.restarts += 1
        _stop(child)


_BUSY = (
    "The server is training other students' large networks right now; this one will start "
    "when there is room. The page asks again by itself."
)


def _training_sentence(job: _Job) -> str:
    what = {
        "compare": "four networks for the comparison",
        "landscape": "this network and computing its loss landscape",
        "lr_range": "this network while its learning rate grows",
    }.get(job.kind, "this network")
    return f"Training {what} on the server: about {math.ceil(job.estimate)} s."


def _seconds(value: float) -> int:
    """Retry-After: a whole number of seconds, at least 1, at most 60."""
    return int(min(60, max(1, math.ceil(value))))


POLL_SECONDS = 3  # a pending job is asked about at least this often (a cache lookup: ~1 ms)


def _poll_seconds(value: float) -> int:
    """Retry-After for a pending job: its expected wait, but never longer than POLL_SECONDS."""
    return min(POLL_SECONDS, _seconds(value))


def _read_with_deadline(child: subprocess.Popen, deadline: float) -> tuple[str, Any, dict]:
    """The child's next reply, or TimeoutError after `deadline` seconds (the child is killed)."""
    result: list[Any] = []

    def read() -> None:
        try:
            result.append(read_frame(child.stdout))  # type: ignore[arg-type]
        except Exception as error:
            result.append(error)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(deadline)
    if reader.is_alive():
        child.kill()  # unblocks the reader with EOF
        reader.join(5)
        raise TimeoutError("training job past its deadline")
    if isinstance(result[0], Exception):
        raise EOFError(str(result[0]))
    return result[0]


def _stop(child: subprocess.Popen | None) -> None:
    if child is None or child.poll() is not None:
        return
    try:
        if child.stdin is not None:
            child.stdin.close()  # the child ends its loop at EOF
        child.wait(2)
    except (OSError, subprocess.TimeoutExpired):
        child.kill()
        child.wait(5)


# ---- Flask wiring -------------------------------------------------------------------------


def init_training_lane(server: Flask, settings: LaneSettings | None) -> None:
    """Give the app a lane (None: train everything in the worker). Nothing starts here."""
    if settings is None:
        server.extensions[LANE_KEY] = None
        return
    from serving.cache import store

    def store_in_cache(cache_key: str, compressed: bytes) -> None:
        with server.app_context():
            store(cache_key, compressed)
            store(PENDING_PREFIX + cache_key, None, timeout=1)

    def publish_failure(cache_key: str, sentence: str) -> None:
        with server.app_context():
            marker = {"pid": os.getpid(), "failed": sentence}
            store(PENDING_PREFIX + cache_key, marker, timeout=int(settings.failure_memory_seconds))

    server.extensions[LANE_KEY] = TrainingLane(settings, store_in_cache, publish_failure)


def training_lane(server: Flask | None = None) -> TrainingLane | None:
    app = server or (current_app if has_app_context() else None)
    return None if app is None else app.extensions.get(LANE_KEY)


def lane_response(
    key: str, kind: str, query: str, estimate: float
) -> Response | tuple[Response, int] | None:
    """The answer for a heavy data URL (see the module docstring), or None: train it here."""
    from serving.api import container_cache_key, container_response
    from serving.cache import lookup, store

    lane = training_lane()
    if lane is None or estimate <= lane.settings.light_seconds:
        return None
    cache_key = container_cache_key(key)
    compressed = lookup(cache_key)
    if compressed is None:
        compressed = lane.finished(cache_key)
    if compressed is not None:
        return container_response(compressed)
    pending = lookup(PENDING_PREFIX + cache_key)
    if isinstance(pending, dict) and pending.get("pid") != os.getpid():  # another worker's job
        if "failed" in pending:
            ticket = Ticket("failed", 0, str(pending["failed"]))
        else:
            left = float(pending.get("eta", 0)) - time.time()
            return _pending_response(
                Ticket("running", _poll_seconds(left), str(pending["message"]))
            )
    else:
        ticket = lane.submit(cache_key, kind, query, estimate)
    if ticket.state in ("queued", "running"):
        marker = {"pid": os.getpid(), "eta": time.time() + ticket.retry_after,
                  "message": ticket.message}  # fmt: skip
        store(PENDING_PREFIX + cache_key, marker, timeout=int(lane.settings.deadline_seconds))
        return _pending_response(ticket)
    body: dict[str, Any] = {"error": ticket.message}
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    if ticket.state == "full":
        response.headers["Retry-After"] = str(ticket.retry_after)
    return response, 503


def _pending_response(ticket: Ticket) -> tuple[Response, int]:
    response = jsonify({"pending": ticket.state, "message": ticket.message,
                        "retry_after": ticket.retry_after})  # fmt: skip
    response.headers["Retry-After"] = str(ticket.retry_after)
    response.headers["Cache-Control"] = "no-store"
    return response, 202
