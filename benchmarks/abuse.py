"""Fair share, measured: does a cheap interaction stay fast while others train huge networks?

    python benchmarks/abuse.py [--heavy 4] [--students 20] [--seconds 60] [--workers 2]

Starts gunicorn (gunicorn.conf.py, the class-server defaults unless --threads/--workers say
otherwise), waits until every worker is warm, then runs two phases of `--seconds` each:

1. **quiet**: `--students` students of benchmarks/load.py's lecture model (page loads and one
   realistic lab or playground interaction every 1–3 s each, through the real callbacks and
   data GETs);
2. **under heavy**: the same students plus `--heavy` closed-loop heavy clients. A heavy client
   asks, back to back and with a fresh seed each time, for the most expensive runs the page
   accepts: the comparison tab (four initializations trained side by side) and the train tab
   of 2000 points, batch size 1 and six hidden layers of 16, at the largest number of epochs
   the per-request compute budget lets through (playground/cost.py). A 202 (the training lane
   is training it) or a 503 (the lane's queue is full), each with Retry-After, is the server's
   fair answer, not an error: the client waits as long as it is told, as the page does, and
   asks again; `heavy_completed_p50_s` is the time from a job's first request to its run.

`cheap_p95_ms_under_heavy` is the p95 over every request of the students in phase 2 (budget
≤ 200 ms with 4 heavy clients on 2 cores); `cheap_p95_ms_quiet` the same in phase 1. `errors`
counts any student request that failed and any heavy request answered with something other
than 202/503 + Retry-After or a consistent LVZ1 container. `max_rss_growth_mb` is the largest
growth of any server process (workers and their training processes) from the start of phase 2
to its end. `compiles_after_warmup` is summed over the workers (/readyz).

Last stdout line: one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.load import (  # noqa: E402  (ROOT on sys.path first)
    Connection,
    build_models,
    child_pids,
    compiles_summary,
    container_problem,
    decoded_body,
    free_port,
    percentile,
    poll_workers,
    prepare,
    raise_open_files,
    run_students,
    server_env,
    start_gunicorn,
    stop,
    wait_ready,
    wait_warm,
)
from benchmarks.soak import rss_mb  # noqa: E402

BUDGET_MS = 200.0


def heavy_queries(seed: int) -> list[tuple[str, str]]:
    """(endpoint, query) of the heaviest requests the page accepts, for one fresh seed."""
    from playground import PlaygroundConfig
    from playground.cost import largest_epochs
    from settings.playground import PlaygroundSettings

    base = PlaygroundConfig(
        n_samples=2000, hidden=(16,) * 6, batch_size=1, train_fraction=0.5, seed=seed
    )
    run = replace(base, epochs=largest_epochs(base, runs=1))
    compare = replace(base, epochs=largest_epochs(base, runs=4))
    return [
        ("compare.bin", PlaygroundSettings(config=compare).for_comparison().to_query(view=False)),
        ("run.bin", PlaygroundSettings(config=run).to_query(view=False)),
    ]


class HeavyClient:
    """Closed loop of the heaviest allowed requests; obeys Retry-After like the page does."""

    def __init__(self, index: int, host: str, port: int, version: str, timeout: float) -> None:
        self.rng = random.Random(1000 + index)
        self.conn = Connection(host, port, timeout)
        self.version = version
        self.statuses: Counter[str] = Counter()
        self.errors: list[str] = []
        self.completed_ms: list[float] = []
        self.index = index

    async def run(self, stop_at: float) -> None:
        turn = self.index
        while time.perf_counter() < stop_at:
            endpoint, query = heavy_queries(self.rng.randrange(1, 2**31 - 1))[turn % 2]
            turn += 1
            path = f"/api/playground/{endpoint}?{query}&v={self.version}"
            started = time.perf_counter()
            while time.perf_counter() < stop_at:
                try:
                    reply = await self.conn.request("GET", path)
                except (OSError, TimeoutError, asyncio.IncompleteReadError) as error:
                    if time.perf_counter() < stop_at:
                        self.errors.append(f"{endpoint}: {type(error).__name__}")
                    await self.conn.close()
                    break
                self.statuses[str(reply.status)] += 1
                if reply.status in (202, 503) and "retry-after" in reply.headers:
                    wait = float(reply.headers["retry-after"])
                    await asyncio.sleep(min(wait, max(0.0, stop_at - time.perf_counter())))
                    continue
                if reply.status != 200:
                    self.errors.append(f"{endpoint}: HTTP {reply.status}")
                elif problem := container_problem(decoded_body(reply)):
                    self.errors.append(f"{endpoint}: {problem}")
                else:
                    self.completed_ms.append((time.perf_counter() - started) * 1000)
                break
        await self.conn.close()


def server_pids(master: int) -> list[int]:
    """The workers and their children (training processes)."""
    workers = child_pids(master)
    return sorted({*workers, *(c for w in workers for c in child_pids(w))})


async def phase(
    args: argparse.Namespace, models: Any, host: str, port: int, heavy: int, version: str
) -> tuple[dict[str, Any], list[HeavyClient]]:
    stop_at = time.perf_counter() + args.seconds
    clients = [HeavyClient(i, host, port, version, args.heavy_timeout) for i in range(heavy)]
    students = run_students(
        models, host, port, students=args.students, seconds=args.seconds, seed=args.seed,
        timeout=args.timeout,
    )  # fmt: skip
    lecture, *_ = await asyncio.gather(students, *(c.run(stop_at) for c in clients))
    return lecture, clients


async def abuse(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    from serving.response_cache import code_fingerprint

    version = code_fingerprint()
    host, port = "127.0.0.1", free_port()
    env = server_env(args, host, port, workdir)
    log_path = workdir / "gunicorn.log"
    gunicorn = start_gunicorn(env, log_path)
    try:
        await wait_ready(host, port, gunicorn, 180)
        models = build_models(args.pages)
        await prepare(models, host, port, prewarm=False)
        await wait_warm(host, port, args.workers, 300)
        quiet, _ = await phase(args, models, host, port, 0, version)
        await asyncio.sleep(2)
        rss_start = {pid: rss_mb(pid) for pid in server_pids(gunicorn.pid)}
        peak: dict[int, float] = {}

        async def sample_rss() -> None:
            while gunicorn.poll() is None:
                for pid in server_pids(gunicorn.pid):
                    if (mb := rss_mb(pid)) is not None:
                        peak[pid] = max(peak.get(pid, 0.0), mb)
                await asyncio.sleep(1.0)

        sampler = asyncio.ensure_future(sample_rss())
        loud, clients = await phase(args, models, host, port, args.heavy, version)
        sampler.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sampler
        rss_end = {pid: rss_mb(pid) for pid in server_pids(gunicorn.pid)}
        bodies = await poll_workers(host, port, args.workers)
    finally:
        stop(gunicorn)
    growth = [
        max(rss_end.get(pid) or 0.0, peak.get(pid, 0.0)) - start
        for pid, start in rss_start.items()
        if start is not None
    ]
    heavy_errors = [e for c in clients for e in c.errors]
    statuses: Counter[str] = Counter()
    for c in clients:
        statuses.update(c.statuses)
    completed = [ms for c in clients for ms in c.completed_ms]
    cheap_p95 = loud["p95_ms"]
    if loud["errors"] or heavy_errors:
        sys.stderr.write(log_path.read_text(errors="replace")[-4000:] + "\n")
    return {
        "heavy_clients": args.heavy,
        "students": args.students,
        "seconds": args.seconds,
        "workers": args.workers,
        "threads": args.threads,
        "cheap_p95_ms_under_heavy": cheap_p95,
        "cheap_p50_ms_under_heavy": loud["p50_ms"],
        "cheap_p95_ms_quiet": quiet["p95_ms"],
        "cheap_requests_under_heavy": loud["requests"],
        "budget_ms": BUDGET_MS,
        "within_budget": cheap_p95 is not None and cheap_p95 <= BUDGET_MS and not loud["errors"],
        "errors": loud["errors"] + quiet["errors"] + len(heavy_errors),
        "error_kinds": {
            **loud.get("error_kinds", {}),
            **dict(Counter(heavy_errors).most_common(5)),
        },
        "heavy_completed": len(completed),
        "heavy_completed_p50_s": round(percentile(completed, 50) / 1000, 2) if completed else None,
        "heavy_statuses": dict(statuses),
        "max_rss_growth_mb": round(max(growth), 1) if growth else None,
        **compiles_summary(bodies, args.workers),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--heavy", type=int, default=4, help="heavy clients")
    parser.add_argument("--students", type=int, default=20, help="cheap clients (students)")
    parser.add_argument("--seconds", type=float, default=60.0, help="per phase")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=None, help="default: gunicorn.conf.py's")
    parser.add_argument("--pages", default="lab:0.6,playground:0.4", help="page:weight,...")
    parser.add_argument("--jax-cache-dir", default="", help="default: a fresh temp dir")
    parser.add_argument("--timeout", type=float, default=30.0, help="student request, seconds")
    parser.add_argument("--heavy-timeout", type=float, default=120.0, help="heavy request, s")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if not 0 <= args.heavy <= 32 or not 1 <= args.students <= 500:
        parser.error("--heavy must be 0..32 and --students 1..500")
    if not 10 <= args.seconds <= 600:
        parser.error("--seconds must be 10..600")
    if args.threads is None:
        from serving.config import ServerConfig

        args.threads = ServerConfig.threads
    raise_open_files(args.students + args.heavy + 256)
    workdir = Path(tempfile.mkdtemp(prefix="lossviz-abuse-"))
    try:
        result = asyncio.run(abuse(args, workdir))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
