"""A live session under load (`python benchmarks/load.py --session --students 300 --seconds 20`).

Starts redis-server and gunicorn (the workers share sessions through Redis, as on a class
server), then, on loopback from one asyncio thread:

* one instructor starts a session, opens a multiple-choice question and publishes a new view
  (another playback position) about once a second;
* N followers poll GET /api/session/<code> every `--poll-s` seconds (random phase) with their
  last ETag, as assets/live/follower.js does (mostly 304s);
* each follower votes once at a random moment, and changes its vote once in five;
* the instructor reveals the answers at the end (the counts must equal the voters).

`follower_update_ms`: for every update and every follower, the time from the instructor
sending it to that follower's poll answering with it (p50/p95/max); `vote_ms`: a vote's round
trip; `errors`: any status other than 200/304 (polls) or 200 (publishes, votes), any failed
request, and a reveal that does not count every voter. Last stdout line: one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import time
from pathlib import Path
from typing import Any

from benchmarks.load import (
    Connection,
    free_port,
    percentile,
    process_tree_cpu,
    server_env,
    start_gunicorn,
    start_redis,
    stop,
    wait_ready,
)

QUESTION = {"kind": "choice", "prompt": "Which initialization wins?",
            "options": ["Zero", "Too small", "Appropriate", "Too large"]}  # fmt: skip


class Run:
    """What the instructor and the followers measured."""

    def __init__(self) -> None:
        self.sent: dict[int, float] = {}  # version -> when the instructor sent it
        self.lags: list[float] = []
        self.votes: list[float] = []
        self.publishes: list[float] = []
        self.polls = 0
        self.not_modified = 0
        self.errors: list[str] = []

    def error(self, what: str) -> None:
        if len(self.errors) < 50:
            self.errors.append(what)
        else:
            self.errors[-1] = f"... and more ({what})"


def _json(body: bytes) -> Any:
    return json.loads(body.decode())


async def instructor(conn: Connection, run: Run, code: str, token: str, until: float) -> None:
    auth = {"X-Live-Token": token}
    version = 2  # the question made it 2; each publish adds one
    frame = 0
    while time.perf_counter() < until:
        frame = (frame + 37) % 500
        view = {"path": "/optimizers", "search": "landscape=rosenbrock&gd.lr=0.001",
                "player": {"name": "lab", "frame": frame, "frames": 501, "playing": False,
                           "speed": 1}}  # fmt: skip
        started = time.perf_counter()
        run.sent[version + 1] = started
        try:
            reply = await conn.request(
                "PUT", f"/api/session/{code}/state", json.dumps(view).encode(), auth
            )
            if reply.status != 200:
                run.error(f"publish {reply.status}")
            else:
                version = _json(reply.body)["v"]
        except Exception as error:
            run.error(f"publish {type(error).__name__}")
        run.publishes.append(time.perf_counter() - started)
        await asyncio.sleep(max(0.0, 1.0 - (time.perf_counter() - started)))


async def follower(conn: Connection, run: Run, code: str, qid: str, index: int,
                   poll_s: float, until: float, rng: random.Random) -> int:  # fmt: skip
    """Poll until `until`, vote once (sometimes twice); returns the votes' final choice."""
    etag = ""
    seen = 0
    vote_at = time.perf_counter() + rng.uniform(0.5, max(1.0, (until - time.perf_counter()) * 0.8))
    choice = -1
    voter = f"bench-voter-{index:08d}-{rng.getrandbits(32):08x}"
    await asyncio.sleep(rng.uniform(0, poll_s))
    while time.perf_counter() < until:
        started = time.perf_counter()
        try:
            reply = await conn.request(
                "GET", f"/api/session/{code}", headers={"If-None-Match": etag} if etag else None
            )
            run.polls += 1
            if reply.status == 304:
                run.not_modified += 1
            elif reply.status == 200:
                etag = reply.headers.get("etag", "")
                version = _json(reply.body)["v"]
                now = time.perf_counter()
                if version > seen and version in run.sent and seen:
                    run.lags.append(now - run.sent[version])
                seen = max(seen, version)
            else:
                run.error(f"poll {reply.status}")
        except Exception as error:
            run.error(f"poll {type(error).__name__}")
        if started >= vote_at and (choice < 0 or (index % 5 == 0 and choice == index % 4)):
            choice = (index + (choice >= 0)) % 4
            body = json.dumps({"qid": qid, "voter": voter, "choice": choice}).encode()
            voted = time.perf_counter()
            try:
                reply = await conn.request("POST", f"/api/session/{code}/vote", body)
                if reply.status != 200:
                    run.error(f"vote {reply.status}")
            except Exception as error:
                run.error(f"vote {type(error).__name__}")
            run.votes.append(time.perf_counter() - voted)
            vote_at = time.perf_counter() + 2.0  # the second vote of one in five
        await asyncio.sleep(max(0.0, poll_s - (time.perf_counter() - started)))
    return choice


def _spread(values: list[float]) -> dict[str, float | None]:
    if not values:
        return {"n": 0, "p50_ms": None, "p95_ms": None, "max_ms": None}
    return {
        "n": len(values),
        "p50_ms": round(percentile(values, 50) * 1000, 1),
        "p95_ms": round(percentile(values, 95) * 1000, 1),
        "max_ms": round(max(values) * 1000, 1),
    }


async def drive(host: str, port: int, students: int, seconds: float, poll_s: float,
                timeout: float, seed: int) -> dict[str, Any]:  # fmt: skip
    rng = random.Random(seed)
    run = Run()
    teacher = Connection(host, port, timeout)
    created = _json((await teacher.request("POST", "/api/session")).body)
    code, token = created["code"], created["token"]
    auth = {"X-Live-Token": token}
    asked = await teacher.request(
        "POST", f"/api/session/{code}/question", json.dumps(QUESTION).encode(), auth
    )
    qid = _json(asked.body)["id"]
    until = time.perf_counter() + seconds
    conns = [Connection(host, port, timeout) for _ in range(students)]
    tasks = [
        follower(conns[i], run, code, qid, i, poll_s, until, random.Random(rng.getrandbits(32)))
        for i in range(students)
    ]
    choices = (await asyncio.gather(instructor(teacher, run, code, token, until), *tasks))[1:]
    reveal = _json((await teacher.request("POST", f"/api/session/{code}/reveal", b"", auth)).body)
    expected = [sum(1 for c in choices if c == k) for k in range(4)]
    if reveal.get("counts") != expected:
        run.error(f"reveal counted {reveal.get('counts')}, the followers voted {expected}")
    for conn in (teacher, *conns):
        await conn.close()
    lag = _spread(run.lags)
    vote = _spread(run.votes)
    return {
        "mode": "session",
        "students": students,
        "seconds": seconds,
        "poll_s": poll_s,
        "updates_published": len(run.publishes),
        "follower_updates": lag["n"],
        "follower_update_p50_ms": lag["p50_ms"],
        "follower_update_p95_ms": lag["p95_ms"],
        "follower_update_max_ms": lag["max_ms"],
        "polls": run.polls,
        "polls_per_s": round(run.polls / seconds, 1),
        "not_modified_ratio": round(run.not_modified / max(1, run.polls), 3),
        "votes": vote["n"],
        "vote_p50_ms": vote["p50_ms"],
        "vote_p95_ms": vote["p95_ms"],
        "publish_p95_ms": _spread(run.publishes)["p95_ms"],
        "revealed": reveal.get("counts"),
        "errors": len(run.errors),
        "error_samples": run.errors[:5],
    }


def run_session(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    """Redis + gunicorn on loopback, the session driven, everything stopped by PID."""
    host, port = "127.0.0.1", free_port()
    redis_process = gunicorn = None
    try:
        redis_process, redis_port = start_redis(workdir)
        env = server_env(args, host, port, workdir)
        env.update({"LOSSVIZ_CACHE": "redis", "LOSSVIZ_WARMUP": "off",
                    "LOSSVIZ_REDIS_URL": f"redis://127.0.0.1:{redis_port}/0"})  # fmt: skip
        gunicorn = start_gunicorn(env, workdir / "gunicorn.log")
        asyncio.run(wait_ready(host, port, gunicorn, 120))
        cpu_before = process_tree_cpu(gunicorn.pid)
        result = asyncio.run(
            drive(host, port, args.students, args.seconds, args.poll_s, args.timeout, args.seed)
        )
        result["server_cpu_s"] = round(process_tree_cpu(gunicorn.pid) - cpu_before, 2)
        result.update({"workers": args.workers, "threads": args.threads, "cache": "redis"})
        return result
    finally:
        stop(gunicorn)
        stop(redis_process)
