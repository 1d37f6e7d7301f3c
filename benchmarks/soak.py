"""Worker memory over a long class: is RSS flat after the first minute?

    python benchmarks/soak.py [--minutes 10] [--students 100] [--cache both|simple|redis]

For each cache backend asked for (`both`: the in-process SimpleCache, then Redis on a private
redis-server on a free port), starts gunicorn (gunicorn.conf.py, LOSSVIZ_WORKERS=2 by default),
waits for /readyz and every worker's warm-up, learns the gallery presets (as load.py does), runs
`--students` students of benchmarks/load.py's lecture model (one action every 1–3 s each) for
`--minutes`, sampling every worker's VmRSS (/proc/<pid>/status) every `--interval` seconds.

Per worker: RSS at the first sample at or after 1 minute, at the end, and the peak;
`rss_growth_mb_after_first_minute` = max over workers (and over backends at the top level) of
end − 1-minute RSS (the budget is 30 MB). A worker replaced during the run (new pid) is listed
and left out of the growth, which needs one worker alive from minute 1 to the end. /readyz is
polled at minute 1 and at the end for every worker's cache sizes (fields of its "cache" object
named *bytes*; null when /readyz has none) and, at the end, compiles after warm-up.

Last stdout line: one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.load import (  # noqa: E402
    build_models,
    cache_bytes,
    child_pids,
    compiles_summary,
    free_port,
    poll_workers,
    prepare,
    raise_open_files,
    run_students,
    server_env,
    start_gunicorn,
    start_redis,
    stop,
    wait_ready,
    wait_warm,
)
from serving.config import ServerConfig  # noqa: E402  (ROOT on sys.path first)

BUDGET_MB = 30.0
FIRST_MINUTE_S = 60.0


def rss_mb(pid: int) -> float | None:
    """Resident set size of `pid` in MB (VmRSS), None when the process is gone."""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return None


def growth_report(samples: list[tuple[float, Mapping[int, float]]]) -> dict[str, Any]:
    """Per worker: RSS at 1 minute, at the end, peak, growth; and the max growth.

    `samples` are (seconds since the class started, {pid: RSS MB}) in time order.
    """
    after_minute = [s for s in samples if s[0] >= FIRST_MINUTE_S]
    pids = sorted({pid for _, rss in samples for pid in rss})
    workers: dict[str, dict[str, Any]] = {}
    growths = []
    for pid in pids:
        series = [(t, rss[pid]) for t, rss in samples if pid in rss]
        at_minute = next((mb for t, mb in series if t >= FIRST_MINUTE_S), None)
        end = series[-1][1]
        alive_at_end = bool(samples) and pid in samples[-1][1]
        alive_at_minute = bool(after_minute) and pid in after_minute[0][1]
        growth = (
            end - at_minute if at_minute is not None and alive_at_end and alive_at_minute else None
        )
        workers[str(pid)] = {
            "first_s": round(series[0][0], 1),
            "last_s": round(series[-1][0], 1),
            "rss_mb_start": round(series[0][1], 1),
            "rss_mb_at_1min": None if at_minute is None else round(at_minute, 1),
            "rss_mb_end": round(end, 1),
            "rss_mb_peak": round(max(mb for _, mb in series), 1),
            "growth_mb_after_first_minute": None if growth is None else round(growth, 1),
        }
        if growth is not None:
            growths.append(growth)
    return {
        "workers": workers,
        "workers_replaced": len(pids) > len(samples[0][1]) if samples else False,
        "rss_growth_mb_after_first_minute": round(max(growths), 1) if growths else None,
    }


async def soak_one(args: argparse.Namespace, backend: str, workdir: Path) -> dict[str, Any]:
    """One backend: gunicorn (+ redis), the class, RSS samples; everything stopped after."""
    host, port = "127.0.0.1", free_port()
    env = server_env(args, host, port, workdir)
    redis_process = gunicorn = None
    log_path = workdir / f"gunicorn-{backend}.log"
    try:
        if backend == "redis":
            redis_process, redis_port = start_redis(workdir)
            env["LOSSVIZ_CACHE"] = "redis"
            env["LOSSVIZ_REDIS_URL"] = f"redis://127.0.0.1:{redis_port}/0"
        gunicorn = start_gunicorn(env, log_path)
        master = gunicorn.pid
        await wait_ready(host, port, gunicorn, 180)
        models = build_models(args.pages)
        await prepare(models, host, port, prewarm=False)
        await wait_warm(host, port, args.workers, 300)  # memory of a warm worker, not warm-up
        samples: list[tuple[float, dict[int, float]]] = []
        polls: dict[str, Any] = {}
        done = asyncio.Event()
        started = time.perf_counter()

        async def sampler() -> None:
            polled_minute = False
            while True:
                now = time.perf_counter() - started
                rss = {pid: mb for pid in child_pids(master) if (mb := rss_mb(pid))}
                samples.append((now, rss))
                if not polled_minute and now >= FIRST_MINUTE_S:
                    polled_minute = True
                    polls["at_1min"] = await poll_workers(host, port, args.workers)
                if done.is_set():
                    return
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(done.wait(), args.interval)

        async def students() -> dict[str, Any]:
            try:
                return await run_students(
                    models,
                    host,
                    port,
                    students=args.students,
                    seconds=args.minutes * 60,
                    seed=args.seed,
                    timeout=args.timeout,
                )
            finally:
                done.set()

        lecture, _ = await asyncio.gather(students(), sampler())
        end_bodies = await poll_workers(host, port, args.workers)
    finally:
        stop(gunicorn)
        stop(redis_process)
    result: dict[str, Any] = {"cache": backend, **growth_report(samples)}
    result["cache_bytes_at_1min"] = cache_bytes(polls.get("at_1min", {}))
    result["cache_bytes_end"] = cache_bytes(end_bodies)
    result.update(compiles_summary(end_bodies, args.workers))
    keep = ("students", "seconds", "requests", "errors", "error_kinds", "p50_ms", "p95_ms")
    result.update({k: lecture[k] for k in keep})
    result["client_cpu_s"] = lecture["client_cpu_s"]
    result["samples"] = [
        [round(t, 1), {str(pid): round(mb, 1) for pid, mb in rss.items()}] for t, rss in samples
    ]
    if lecture["errors"]:
        sys.stderr.write(log_path.read_text(errors="replace")[-4000:] + "\n")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--students", type=int, default=100)
    parser.add_argument("--cache", choices=("both", "simple", "redis"), default="both")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--threads", type=int, default=ServerConfig.threads, help="default: the server's"
    )
    parser.add_argument("--interval", type=float, default=10.0, help="seconds between samples")
    parser.add_argument("--pages", default="lab:0.6,playground:0.4", help="page:weight,...")
    parser.add_argument("--jax-cache-dir", default="", help="default: a fresh temp dir")
    parser.add_argument("--timeout", type=float, default=10.0, help="per request, seconds")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if not 1.5 <= args.minutes <= 60 or not 1 <= args.students <= 1000:
        parser.error("--minutes must be 1.5..60 (growth is measured after minute 1), "
                     "--students 1..1000")  # fmt: skip
    if not 1 <= args.interval <= 60:
        parser.error("--interval must be 1..60 seconds")
    raise_open_files(args.students + 256)
    backends = ("simple", "redis") if args.cache == "both" else (args.cache,)
    workdir = Path(tempfile.mkdtemp(prefix="lossviz-soak-"))
    try:
        runs = {backend: asyncio.run(soak_one(args, backend, workdir)) for backend in backends}
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    growths = [
        r["rss_growth_mb_after_first_minute"]
        for r in runs.values()
        if r["rss_growth_mb_after_first_minute"] is not None
    ]
    worst = max(growths) if len(growths) == len(runs) else None
    result = {
        "minutes": args.minutes,
        "students": args.students,
        "workers": args.workers,
        "rss_growth_mb_after_first_minute": worst,
        "budget_mb": BUDGET_MB,
        "within_budget": None if worst is None else worst <= BUDGET_MB,
        "by_cache": {name: r["rss_growth_mb_after_first_minute"] for name, r in runs.items()},
        "runs": runs,
    }
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
