"""Class load, measured: N simulated students against a real gunicorn on loopback.

    python benchmarks/load.py --students 300 --seconds 60 [--redis] [--workers 2] [--threads 1]

Starts gunicorn (gunicorn.conf.py; plus a private redis-server with --redis), waits for
/readyz, then runs N students for S seconds. Each student opens a page the way the browser does
(page HTML, /_dash-layout, /_dash-dependencies, the pages router callback, the page's initial
callbacks) and then, every 1–3 s, does one realistic interaction through the real
POST /_dash-update-component: an LR change, a landscape change or a click on the landscape in
the optimizer lab; a data set / initialization / LR / activation change (a new training run) in
the network playground. Values come from small sets a class actually clicks, built from the
pages' settings modules (never hand-written URL strings), so the cache sees what it would see
in a lecture hall.

The client is one asyncio thread speaking minimal HTTP/1.1 (no aiohttp here, and threads would
cost the server CPU on this 2-core machine); its own CPU time is reported.

Last stdout line: one JSON object — students, seconds, requests, errors, p50_ms, p95_ms,
p99_ms, max_ms, throughput_rps, cache_hit_ratio (X-Lossviz-Cache over callback responses),
cold_start_s (process start to first interaction served), per-action percentiles, CPU seconds
used by server and client.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

try:  # Dash uses orjson when present; so does the client (cheaper parsing).
    import orjson

    def _loads(data: bytes) -> Any:
        return orjson.loads(data)

    def _dumps(value: Any) -> bytes:
        return orjson.dumps(value)
except ImportError:  # pragma: no cover

    def _loads(data: bytes) -> Any:
        return json.loads(data)

    def _dumps(value: Any) -> bytes:
        return json.dumps(value, separators=(",", ":")).encode()


from serving.dash_client import (  # noqa: E402  (ROOT on sys.path first)
    CALLBACK_PATH,
    ROUTER_OUTPUT,
    DashState,
    id_key,
    side_errors,
)

__all__ = ["CALLBACK_PATH", "ROUTER_OUTPUT", "DashState", "id_key", "side_errors"]


# ==== the students ===========================================================================
@dataclass(frozen=True)
class Move:
    """One thing a student does: set props on components, then fire what they trigger."""

    kind: str
    # (component id, or FieldKey(settings key) for a page control; prop; new value)
    changes: tuple[tuple[Any, str, Any], ...]


@dataclass(frozen=True)
class FieldKey:
    """A page control named by its settings key (its Dash id is found in the layout)."""

    key: str


class PageModel:
    """Which page a student is on and which moves it offers (from the page's settings).

    `queries` are the links a student may arrive by (the home gallery's presets and the bare
    page); each student picks one.
    """

    path: str = "/"
    name: str = ""

    def __init__(self, queries: list[str] | None = None) -> None:
        self.queries = queries or [""]

    def control(self, state: DashState, key: str) -> Any:
        """The Dash id of the control bound to settings key `key`."""
        return state.field(key)

    def moves(self, state: DashState, rng: random.Random) -> Move:  # pragma: no cover
        raise NotImplementedError


class LabModel(PageModel):
    """Optimizer lab: LR changes, landscape changes, clicks on the landscape (start point)."""

    path = "/optimizers"
    name = "lab"
    LR_FACTORS = (0.1, 0.3, 1.0, 3.0, 10.0)
    CLICK_GRID = 21  # a click lands on one of a coarse grid of spots per landscape

    def __init__(self, queries: list[str] | None = None) -> None:
        super().__init__(queries)
        from landscapes import LANDSCAPES
        from optimizers.specs import OPTIMIZERS
        from settings import optimizer_lab as lab

        self.landscapes = {k: v.domain for k, v in LANDSCAPES.items()}
        defaults = lab.LabSettings.default()
        self.lr_choices: dict[str, list[str]] = {}
        for row in defaults.optimizers:
            spec = OPTIMIZERS[row.id].learning_rate
            values = sorted({row.lr * f for f in self.LR_FACTORS})
            self.lr_choices[row.id] = [
                lab.format_float(v) for v in values if spec.minimum <= v <= spec.maximum
            ]

    def _value(self, state: DashState, key: str) -> Any:
        return state.props.get(id_key(state.field(key)), {}).get("value")

    def moves(self, state: DashState, rng: random.Random) -> Move:
        roll = rng.random()
        if roll < 0.45:
            enabled = [
                o for o in self.lr_choices if self._value(state, f"{o}.on") in (["on"], "1", True)
            ] or list(self.lr_choices)
            optimizer = rng.choice(enabled)
            value = rng.choice(self.lr_choices[optimizer])
            return Move("lab_lr", ((FieldKey(f"{optimizer}.lr"), "value", value),))
        if roll < 0.65:
            landscape = rng.choice(list(self.landscapes))
            return Move("lab_landscape", ((FieldKey("landscape"), "value", landscape),))
        current = self._value(state, "landscape") or next(iter(self.landscapes))
        (x0, x1), (y0, y1) = self.landscapes.get(current, next(iter(self.landscapes.values())))
        n = self.CLICK_GRID - 1
        x = round(x0 + (x1 - x0) * rng.randint(1, n - 1) / n, 6)
        y = round(y0 + (y1 - y0) * rng.randint(1, n - 1) / n, 6)
        click = {"points": [{"curveNumber": 0, "pointNumber": [0, 0], "x": x, "y": y}]}
        return Move("lab_click", (("lab-landscape", "clickData", click),))


class PlaygroundModel(PageModel):
    """Network playground: try one change to the preset the class was given, then another.

    A student changes one control (initialization, learning rate, data set, activation or L2)
    and puts the previous change back, as a class exploring "what if" around the instructor's
    preset does; every distinct setting is one training run, computed once and then cached.
    """

    path = "/playground"
    name = "playground"

    def __init__(self, queries: list[str] | None = None) -> None:
        super().__init__(queries)
        from components.playground_controls import control_id
        from playground import DEMO_INIT_IDS
        from playground.activations import ACTIVATIONS
        from playground.datasets import DATASETS
        from settings.playground import PlaygroundSettings

        self._control_id = control_id
        lr = PlaygroundSettings().config.lr
        self.choices: list[tuple[str, list[str]]] = [
            ("init", list(DEMO_INIT_IDS)),
            ("lr", [f"{lr * f:g}" for f in (0.3, 1.0, 3.0)]),
            ("data", list(DATASETS)[:3]),
            ("act", [a for a in ACTIVATIONS if a in ("relu", "tanh")] or list(ACTIVATIONS)[:2]),
            ("l2", ["0", "0.001", "0.003"]),
        ]

    def control(self, state: DashState, key: str) -> Any:
        return self._control_id(key)

    def moves(self, state: DashState, rng: random.Random) -> Move:
        key, values = rng.choice(self.choices)
        baseline = state.baseline
        current = state.props.get(self._control_id(key), {}).get("value")
        options = [v for v in values if v != current] or values
        changes = [(FieldKey(key), "value", rng.choice(options))]
        for other, _ in self.choices:  # put back the previous "what if"
            ident = self._control_id(other)
            if other != key and state.props.get(ident, {}).get("value") != baseline.get(ident):
                changes.append((FieldKey(other), "value", baseline.get(ident)))
        return Move(f"playground_{key}", tuple(changes))


# ==== HTTP over asyncio streams ===============================================================
@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes


class Connection:
    """One keep-alive HTTP/1.1 connection (reopened when the server closes it)."""

    def __init__(self, host: str, port: int, timeout: float) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(Exception):
                await self.writer.wait_closed()
        self.reader = self.writer = None

    async def request(self, method: str, path: str, body: bytes = b"") -> Reply:
        for attempt in (0, 1):
            reused = self.writer is not None
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
            head = (
                f"{method} {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
                "Connection: keep-alive\r\nAccept: application/json\r\n"
            )
            if body:
                head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
            try:
                self.writer.write(head.encode() + b"\r\n" + body)
                reply = await asyncio.wait_for(self._read(), self.timeout)
            except (ConnectionError, asyncio.IncompleteReadError) as error:
                await self.close()
                if reused and attempt == 0:
                    continue  # the server closed an idle connection: not an error
                raise error
            if reply.headers.get("connection", "").lower() == "close":
                await self.close()
            return reply
        raise ConnectionError("unreachable")

    async def _read(self) -> Reply:
        assert self.reader is not None
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
        if "content-length" in headers:
            body = await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                if size == 0:
                    await self.reader.readuntil(b"\r\n")
                    break
                chunks.append(await self.reader.readexactly(size))
                await self.reader.readexactly(2)
            body = b"".join(chunks)
        else:
            body = await self.reader.read()
            headers["connection"] = "close"
        return Reply(status, headers, body)


# ==== one student ============================================================================
@dataclass
class Sample:
    kind: str
    ms: float
    status: int
    cache: str
    error: str = ""


class Student:
    def __init__(
        self,
        model: PageModel,
        conn: Connection,
        rng: random.Random,
        record: Callable[[Sample], None],
    ):
        self.model, self.conn, self.rng, self.record = model, conn, rng, record
        self.state: DashState | None = None

    async def _call(self, kind: str, method: str, path: str, body: bytes = b"") -> tuple[bool, Any]:
        started = time.perf_counter()
        try:
            reply = await self.conn.request(method, path, body)
        except Exception as error:  # timeouts, resets: all errors
            self.record(
                Sample(kind, (time.perf_counter() - started) * 1000, 0, "", type(error).__name__)
            )
            await self.conn.close()
            return False, None
        ms = (time.perf_counter() - started) * 1000
        error = "" if reply.status in (200, 204) else f"HTTP {reply.status}"
        payload = None
        if not error and reply.body and path == CALLBACK_PATH:
            payload = _loads(reply.body)
            errors = side_errors(payload)
            if errors:
                error = "callback error: " + errors[0][:60]
        elif not error and path.startswith("/_dash-") and reply.body:
            payload = _loads(reply.body)
        self.record(Sample(kind, ms, reply.status, reply.headers.get("x-lossviz-cache", ""), error))
        return not error, payload

    async def fire(
        self,
        kind: str,
        specs: list[dict[str, Any]],
        changed: list[tuple[Any, str]],
        depth: int = 0,
    ) -> bool:
        """POST every callback in `specs`, then what their responses trigger (as the browser)."""
        assert self.state is not None
        ok_all = True
        for spec in specs:
            body = self.state.body(spec, changed)
            ok, payload = await self._call(kind, "POST", CALLBACK_PATH, body)
            ok_all = ok_all and ok
            if ok and payload and depth < 4:
                added = self.state.apply(payload)
                for next_spec, next_changed in self.state.follow_ups(payload, added, spec):
                    if not await self.fire(kind, [next_spec], next_changed, depth + 1):
                        ok_all = False
        return ok_all

    async def open_page(self, query: str = "") -> bool:
        """What the browser does to show the page (static bundles assumed cached)."""
        search = f"?{query}" if query else ""
        ok_page, _ = await self._call("page_load", "GET", self.model.path + search)
        ok_layout, layout = await self._call("page_load", "GET", "/_dash-layout")
        ok_deps, deps = await self._call("page_load", "GET", "/_dash-dependencies")
        if not (ok_page and ok_layout and ok_deps):
            return False
        self.state = DashState(dependencies=deps)
        self.state.add_layout(layout)
        self.state.props.setdefault("_pages_location", {}).update(
            {"pathname": self.model.path, "search": search}
        )
        router = [s for s in self.state.server_callbacks() if ROUTER_OUTPUT in s["output"]]
        changed = [("_pages_location", "pathname"), ("_pages_location", "search")]
        if not await self.fire("page_load", router, changed):
            return False
        self.state.baseline = {k: p.get("value") for k, p in self.state.props.items()}
        return True

    async def act(self) -> None:
        assert self.state is not None
        move = self.model.moves(self.state, self.rng)
        changed = []
        for target, prop, value in move.changes:
            if isinstance(target, FieldKey):
                component_id = self.model.control(self.state, target.key)
            else:
                component_id = target
            self.state.props.setdefault(id_key(component_id), {})[prop] = value
            self.state.ids.setdefault(id_key(component_id), component_id)
            changed.append((component_id, prop))
        await self.fire(move.kind, self.state.triggered_by(changed), changed)


# ==== processes: redis-server, gunicorn ======================================================
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_redis(workdir: Path) -> tuple[subprocess.Popen, int]:
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server not found: apt-get install -y redis-server")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(workdir), "--protected-mode", "yes", "--daemonize", "no",
         "--maxmemory", "256mb", "--maxmemory-policy", "allkeys-lru"],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )  # fmt: skip
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2) as s:
            s.sendall(b"PING\r\n")
            if s.recv(16).startswith(b"+PONG"):
                return process, port
        time.sleep(0.05)
    process.kill()
    raise SystemExit("redis-server did not start")


def start_gunicorn(env: Mapping[str, str], log_path: Path) -> subprocess.Popen:
    log = open(log_path, "wb")  # noqa: SIM115 (closed with the process)
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py")],
        cwd=str(ROOT), env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip


def stop(process: subprocess.Popen | None, timeout: float = 15) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


def process_tree_cpu(pid: int) -> float:
    """CPU seconds used by `pid` and its children so far (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pids = [pid]
    with contextlib.suppress(OSError):
        for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
            pids.append(int(child))
    for p in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])) / ticks
    return total


async def wait_ready(host: str, port: int, process: subprocess.Popen, timeout: float) -> float:
    started = time.monotonic()
    conn = Connection(host, port, 2.0)
    while time.monotonic() - started < timeout:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with code {process.returncode}")
        try:
            reply = await conn.request("GET", "/readyz")
            if reply.status == 200:
                await conn.close()
                return time.monotonic() - started
        except OSError:
            await conn.close()
        await asyncio.sleep(0.05)
    raise SystemExit(f"server not ready after {timeout:.0f}s")


# ==== the run ================================================================================
def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def build_models(pages: str) -> list[tuple[PageModel, float]]:
    models: list[tuple[PageModel, float]] = []
    wanted = [p.strip() for p in pages.split(",") if p.strip()]
    for item in wanted:
        name, _, weight = item.partition(":")
        factory = {"lab": LabModel, "playground": PlaygroundModel}[name]
        models.append((factory(), float(weight or 1)))
    return models


async def run_students(args: argparse.Namespace, host: str, port: int, t0: float) -> dict[str, Any]:
    rng = random.Random(args.seed)
    samples: list[Sample] = []
    models = build_models(args.pages)

    # Cold start: the first interaction served, measured from the process start.
    probe_model = models[0][0]
    probe = Student(probe_model, Connection(host, port, 60.0), random.Random(0), samples.append)
    if not await probe.open_page():
        raise SystemExit(f"could not open {probe_model.path}: {samples[-3:]}")
    await probe.act()
    cold_start = time.perf_counter() - t0
    await probe.conn.close()

    # The presets students arrive by: the links of the home page's scenario gallery.
    home = Student(PageModel(), Connection(host, port, 60.0), random.Random(0), samples.append)
    if await home.open_page() and home.state is not None:
        for model, _ in models:
            presets = [
                h.split("?", 1)[1] for h in home.state.hrefs if h.startswith(model.path + "?")
            ]
            model.queries = ["", *presets]
    await home.conn.close()
    if args.prewarm:  # what an instructor does before class: open every preset once
        for model, _ in models:
            for query in model.queries:
                warm = Student(
                    model, Connection(host, port, 120.0), random.Random(0), samples.append
                )
                await warm.open_page(query)
                await warm.conn.close()
    warm_samples = len(samples)

    stop_at = time.perf_counter() + args.seconds
    ramp = min(5.0, args.seconds / 4)
    late = 0

    async def student(index: int) -> None:
        nonlocal late
        model = rng.choices([m for m, _ in models], [w for _, w in models])[0]
        me = Student(
            model,
            Connection(host, port, args.timeout),
            random.Random(args.seed * 100003 + index),
            samples.append,
        )
        await asyncio.sleep(ramp * index / max(1, args.students))
        if not await me.open_page(me.rng.choice(model.queries)):
            return
        next_at = time.perf_counter() + me.rng.uniform(1, 3)
        while True:
            delay = next_at - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            else:
                late += 1
            if time.perf_counter() >= stop_at:
                break
            await me.act()
            next_at += me.rng.uniform(1, 3)
        await me.conn.close()

    client_cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    await asyncio.gather(*(student(i) for i in range(args.students)))
    elapsed = time.perf_counter() - started
    client_cpu1 = resource.getrusage(resource.RUSAGE_SELF)

    measured = samples[warm_samples:]
    latencies = [s.ms for s in measured]
    by_kind: dict[str, list[float]] = defaultdict(list)
    for s in measured:
        by_kind[s.kind].append(s.ms)
    errors = [s for s in measured if s.error]
    outcomes = Counter(s.cache for s in measured if s.cache)
    looked_up = sum(outcomes.values())
    return {
        "students": args.students,
        "seconds": round(elapsed, 1),
        "requests": len(measured),
        "errors": len(errors),
        "error_kinds": dict(Counter(s.error for s in errors).most_common(5)),
        "p50_ms": round(percentile(latencies, 50), 1),
        "p95_ms": round(percentile(latencies, 95), 1),
        "p99_ms": round(percentile(latencies, 99), 1),
        "max_ms": round(max(latencies, default=float("nan")), 1),
        "throughput_rps": round(len(measured) / elapsed, 1),
        "cache_hit_ratio": round(outcomes["hit"] / looked_up, 3) if looked_up else None,
        "cache_outcomes": dict(outcomes),
        "cold_start_s": round(cold_start, 2),
        "presets": {m.name: len(m.queries) for m, _ in models},
        "late_actions": late,
        "by_action": {
            kind: {
                "n": len(v),
                "p50_ms": round(percentile(v, 50), 1),
                "p95_ms": round(percentile(v, 95), 1),
            }
            for kind, v in sorted(by_kind.items())
        },
        "client_cpu_s": round(
            (client_cpu1.ru_utime - client_cpu0.ru_utime)
            + (client_cpu1.ru_stime - client_cpu0.ru_stime),
            1,
        ),
    }


def measure_restarts(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    """gunicorn start to /readyz twice: with an empty JAX compilation cache, then with it full.

    Each worker warms up before it accepts a connection, so /readyz answering means the
    engines' programs are compiled (cold) or loaded from the persistent cache (warm).
    """
    jax_dir = Path(args.jax_cache_dir) if args.jax_cache_dir else workdir / "jax-restart"
    shutil.rmtree(jax_dir, ignore_errors=True)
    result: dict[str, Any] = {"workers": args.workers}
    for label in ("cold", "warm"):
        port = free_port()
        env = {
            "LOSSVIZ_HOST": "127.0.0.1",
            "LOSSVIZ_PORT": str(port),
            "LOSSVIZ_WORKERS": str(args.workers),
            "LOSSVIZ_JAX_CACHE_DIR": str(jax_dir),
        }
        started = time.perf_counter()
        process = start_gunicorn(env, workdir / f"restart-{label}.log")
        try:
            ready = asyncio.run(wait_ready("127.0.0.1", port, process, 300))

            async def report(port: int = port) -> Any:
                conn = Connection("127.0.0.1", port, 10)
                reply = await conn.request("GET", "/readyz")
                await conn.close()
                return _loads(reply.body)

            body = asyncio.run(report())
        finally:
            stop(process)
        del started
        result[f"{label}_ready_s"] = round(ready, 2)
        result[f"{label}_warm_up"] = {
            name: step.get("seconds") for name, step in body["warm_up"]["steps"].items()
        }
    files = list(jax_dir.rglob("*"))
    result["jax_cache_files"] = len(files)
    result["jax_cache_mb"] = round(sum(f.stat().st_size for f in files if f.is_file()) / 1e6, 1)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--redis", action="store_true", help="RedisCache shared by the workers")
    parser.add_argument("--pages", default="lab:0.6,playground:0.4", help="page:weight,...")
    parser.add_argument("--jax-cache-dir", default="", help="default: a fresh temp dir (cold)")
    parser.add_argument("--timeout", type=float, default=10.0, help="per request, seconds")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--measure-restart",
        action="store_true",
        help="only time two gunicorn starts: empty, then filled JAX compilation cache",
    )
    parser.add_argument("--show-log", action="store_true", help="print gunicorn's log tail")
    parser.add_argument(
        "--prewarm",
        action="store_true",
        help="open every gallery preset once before the class starts (fills the cache)",
    )
    parser.add_argument("--url", default="", help="drive a running server instead (host:port)")
    args = parser.parse_args(argv)
    if not 1 <= args.students <= 2000 or not 1 <= args.seconds <= 900:
        parser.error("--students must be 1..2000 and --seconds 1..900")

    workdir = Path(tempfile.mkdtemp(prefix="lossviz-load-"))
    redis_process = gunicorn = None
    try:
        if args.measure_restart:
            print(json.dumps(measure_restarts(args, workdir)), flush=True)
            return 0
        if args.url:
            host, _, port_text = args.url.rpartition(":")
            port = int(port_text)
            t0 = time.perf_counter()
            result = asyncio.run(run_students(args, host, port, t0))
            result["cold_start_s"] = None
        else:
            host, port = "127.0.0.1", free_port()
            env = {
                "LOSSVIZ_HOST": host,
                "LOSSVIZ_PORT": str(port),
                "LOSSVIZ_WORKERS": str(args.workers),
                "LOSSVIZ_THREADS": str(args.threads),
                "LOSSVIZ_CACHE": "simple",
                "LOSSVIZ_JAX_CACHE_DIR": args.jax_cache_dir or str(workdir / "jax-cache"),
                "LOSSVIZ_INSTANCE": "load",
            }
            if args.redis:
                redis_process, redis_port = start_redis(workdir)
                env["LOSSVIZ_CACHE"] = "redis"
                env["LOSSVIZ_REDIS_URL"] = f"redis://127.0.0.1:{redis_port}/0"
            t0 = time.perf_counter()
            gunicorn = start_gunicorn(env, workdir / "gunicorn.log")

            async def go() -> dict[str, Any]:
                ready = await wait_ready(host, port, gunicorn, 120)
                cpu0 = process_tree_cpu(gunicorn.pid)
                result = await run_students(args, host, port, t0)
                result["ready_s"] = round(ready, 2)
                result["server_cpu_s"] = round(process_tree_cpu(gunicorn.pid) - cpu0, 1)
                return result

            result = asyncio.run(go())
            result.update(
                {"workers": args.workers, "threads": args.threads, "cache": env["LOSSVIZ_CACHE"]}
            )
            log_text = (workdir / "gunicorn.log").read_text(errors="replace")
            if result["errors"] or args.show_log:
                sys.stderr.write(log_text[-6000:] + "\n")
        print(json.dumps(result), flush=True)
        return 0
    except BaseException:
        if gunicorn is not None and (workdir / "gunicorn.log").exists():
            sys.stderr.write((workdir / "gunicorn.log").read_text()[-4000:])
        raise
    finally:
        stop(gunicorn)
        stop(redis_process)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
