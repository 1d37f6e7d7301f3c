"""Class load, measured: simulated students against a real gunicorn on loopback.

    python benchmarks/load.py --students 300 --seconds 30 [--redis] [--workers 2] [--threads 1]
    python benchmarks/load.py --students 0 --saturate 4,16 --seconds 15     # throughput only
    python benchmarks/load.py --measure-restart                             # cold/warm start
    python benchmarks/load.py --session --students 300 --seconds 20         # a live session

Starts gunicorn (gunicorn.conf.py, LOSSVIZ_TIMING=1; plus a private redis-server with --redis),
waits for /readyz, measures the cold start (process start to the first interaction served:
`cold_start_s`), waits until every worker's warm-up (also its background phase) finished, as
a class arriving after the instructor started the server would (`--no-wait-warm-up`: at
once), then runs the phases asked for:

* **Lecture** (`--students N`, N > 0): N students for S seconds. Each opens a page the way the
  browser does (page HTML, /_dash-layout, /_dash-dependencies, the pages router callback, what
  it triggers) and then, every 1–3 s, does one realistic interaction through the real
  POST /_dash-update-component: an LR change, a landscape change or a click on the landscape in
  the optimizer lab; a data set / initialization / LR / activation / L2 change in the network
  playground. Values come from small sets a class actually clicks, built from the pages'
  settings modules and the page's own callback inputs (never hand-written URL strings), so the
  cache sees what it would see in a lecture hall.
* **Saturation** (`--saturate C1,C2,...`): for each C, C closed-loop clients with no think time
  replay the same action mix (each client is a sequence of students: a fresh browser opens a
  page, does `--actions-per-page` moves, and the next student takes its place), for S seconds
  after a short unmeasured ramp. Then the same gunicorn settings serve benchmarks/floor_app.py
  (one trivial callback returning 27 KB of base64 into a dcc.Store) and C clients POST that
  callback back to back. **Sustainable throughput** here means: the highest requests/s among
  the tried connection counts whose p95 stayed within `--p95-budget-ms` with no errors
  (closed loop, so latency ≈ C / throughput: more connections buy throughput with latency);
  null when no level met it. `floor_ratio` = app_sustainable_rps / framework_floor_rps.
  The two phases run one after the other, so other load on the machine can move one and not
  the other: `floor_ratio_cpu` (floor server CPU per request / app server CPU per request, at
  those levels) is the same ratio estimated from CPU, far less sensitive to that noise.
  The app's requests are its whole mix (pages, layout, callbacks, data GETs), the floor's are
  one callback: the ratio says how close the app's average request is to Dash's cheapest.

Browser emulation: every request says `Accept-Encoding: gzip` (bodies are decoded; wire and
decoded bytes are both counted). After any callback response, every store value it sets
whose data has a `"fetch": [url, ...]` list makes the student GET those URLs (counted under
the same action), each URL at most once per student (immutable URLs: the browser cache).

Server CPU: the app's `Server-Timing: cpu;dur=<ms>` header (serving/timing.py, LOSSVIZ_TIMING=1)
gives the CPU each request cost its worker; reported per action (p50/p95/mean) and checked
against the CPU the gunicorn process tree used (`server_cpu_accounted_ratio`).
Compiles: at the end, /readyz is polled on fresh connections until every worker answered
(bounded tries): `compiles_after_warmup` is the sum over workers of `compiles.after_warmup`,
or null (with `compiles_note`) when a worker did not answer or /readyz has no such field.

The client is one asyncio thread speaking minimal HTTP/1.1 (no aiohttp, and threads would
cost the server CPU on this 2-core machine); its own CPU time is reported (`client_cpu_s`).
Last stdout line: one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gzip
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
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

try:  # Dash uses orjson when present; so does the client (cheaper parsing).
    import orjson

    def _loads(data: bytes) -> Any:
        return orjson.loads(data)
except ImportError:  # pragma: no cover

    def _loads(data: bytes) -> Any:
        return json.loads(data)


from serving.config import ServerConfig  # noqa: E402
from serving.dash_client import (  # noqa: E402  (ROOT on sys.path first)
    CALLBACK_PATH,
    ROUTER_OUTPUT,
    DashState,
    id_key,
    layout_components,
    side_errors,
)
from serving.timing import parse_server_timing  # noqa: E402

__all__ = ["CALLBACK_PATH", "ROUTER_OUTPUT", "DashState", "id_key", "side_errors"]

FLOOR_APP = "benchmarks.floor_app:server"


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
        from settings.fields import format_float

        self._format_float = format_float
        self.landscapes = {k: v.domain for k, v in LANDSCAPES.items()}
        defaults = lab.LabSettings.default()
        self.lr_choices: dict[str, list[str]] = {}
        for row in defaults.optimizers:
            spec = OPTIMIZERS[row.id].learning_rate
            values = sorted({row.lr * f for f in self.LR_FACTORS})
            self.lr_choices[row.id] = [
                format_float(v) for v in values if spec.minimum <= v <= spec.maximum
            ]

    def _value(self, state: DashState, key: str) -> Any:
        try:
            return state.props.get(id_key(state.field(key)), {}).get("value")
        except KeyError:
            return None

    def moves(self, state: DashState, rng: random.Random) -> Move:
        roll = rng.random()
        if roll >= 0.65:  # a click on the landscape: the browser writes both start boxes
            current = self._value(state, "landscape") or next(iter(self.landscapes))
            domain = self.landscapes.get(current, next(iter(self.landscapes.values())))
            (x0, x1), (y0, y1) = domain
            n = self.CLICK_GRID - 1
            x = x0 + (x1 - x0) * rng.randint(1, n - 1) / n
            y = y0 + (y1 - y0) * rng.randint(1, n - 1) / n
            return Move(
                "lab_click",
                (
                    (FieldKey("w1"), "value", self._format_float(round(x, 3))),
                    (FieldKey("w2"), "value", self._format_float(round(y, 3))),
                ),
            )
        if roll < 0.45:
            enabled = [
                o for o in self.lr_choices if self._value(state, f"{o}.on") in (["on"], "1", True)
            ] or list(self.lr_choices)
            optimizer = rng.choice(enabled)
            value = rng.choice(self.lr_choices[optimizer])
            return Move("lab_lr", ((FieldKey(f"{optimizer}.lr"), "value", value),))
        landscape = rng.choice(list(self.landscapes))
        return Move("lab_landscape", ((FieldKey("landscape"), "value", landscape),))


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


class FloorModel(PageModel):
    """benchmarks/floor_app.py: type into its one input; its one callback answers 27 KB."""

    path = "/"
    name = "floor"
    VALUES = tuple(str(i) for i in range(50))

    def moves(self, state: DashState, rng: random.Random) -> Move:
        inputs = state.server_inputs()
        if not inputs:
            raise KeyError("the floor app has no server callback input")
        component_id, prop = inputs[0]
        return Move("floor_callback", ((component_id, prop, rng.choice(self.VALUES)),))


# ==== HTTP over asyncio streams ===============================================================
@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes  # as received: still content-encoded (gzip) when the server compressed it


def decoded_body(reply: Reply) -> bytes:
    """The body after Content-Encoding (only gzip is asked for)."""
    encoding = reply.headers.get("content-encoding", "identity").lower()
    if encoding in ("", "identity"):
        return reply.body
    if encoding in ("gzip", "x-gzip"):
        return gzip.decompress(reply.body)
    raise ValueError(f"unexpected Content-Encoding {encoding!r}")


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

    async def request(
        self, method: str, path: str, body: bytes = b"", headers: Mapping[str, str] | None = None
    ) -> Reply:
        for attempt in (0, 1):
            reused = self.writer is not None
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
            head = (
                f"{method} {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
                "Connection: keep-alive\r\nAccept: */*\r\nAccept-Encoding: gzip\r\n"
            )
            if body:
                head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
            for name, value in (headers or {}).items():
                head += f"{name}: {value}\r\n"
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
        headers: dict[str, str] = {}
        for line in lines[1:]:
            if ":" in line:
                name, _, value = line.partition(":")
                name = name.strip().lower()
                value = value.strip()
                # Repeated headers (Server-Timing may be) are joined as RFC 9110 allows.
                headers[name] = f"{headers[name]}, {value}" if name in headers else value
        if status in (204, 304) or 100 <= status < 200:
            body = b""  # no body by definition (RFC 9110 §6.4.1): never read one until close
        elif "content-length" in headers:
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
    """One request: what it was for, how long it took, what came back."""

    kind: str  # the action it belongs to (page_load, lab_lr, ...)
    ms: float
    status: int
    cache: str
    error: str = ""
    route: str = ""  # "page", "dash" (layout, dependencies), "callback" or "fetch"
    wire_bytes: int = 0  # body bytes as sent (content-encoded)
    body_bytes: int = 0  # body bytes after decoding
    cpu_ms: float | None = None  # Server-Timing cpu: the worker's CPU for this request
    immutable: bool = False  # Cache-Control says immutable (fetches)
    app_ms: float | None = None  # Server-Timing app: wall time inside the worker's WSGI app
    at: float = 0.0  # perf_counter when the request was sent


@dataclass
class Interaction:
    """One action as the student lives it: from the move to its last response."""

    kind: str
    ms: float
    requests: int
    ok: bool


def route_of(method: str, path: str) -> str:
    if path == CALLBACK_PATH:
        return "callback"
    if path.startswith("/_dash-"):
        return "dash"
    return "page" if method == "GET" else "other"


class ParsedBodies:
    """The parsed layout and dependency bodies, shared by every student (read only).

    300 students open the same few pages: parsing each layout once (and listing its
    components once) keeps the client's CPU, which shares the machine with the server, out
    of the server's latency. Bounded in entries; a body that differs is parsed on its own.
    """

    MAX_ENTRIES = 64

    def __init__(self) -> None:
        self._parsed: dict[bytes, Any] = {}
        self._components: dict[int, tuple[Any, list[dict[str, Any]]]] = {}

    def loads(self, content: bytes) -> Any:
        hit = self._parsed.get(content)
        if hit is None:
            if len(self._parsed) >= self.MAX_ENTRIES:
                self._parsed.clear()
                self._components.clear()
            hit = self._parsed[content] = _loads(content)
        return hit

    def components(self, tree: Any) -> list[dict[str, Any]]:
        """`layout_components(tree)` for a tree this object parsed, listed once."""
        hit = self._components.get(id(tree))
        if hit is None or hit[0] is not tree:
            hit = self._components[id(tree)] = (tree, layout_components(tree))
        return hit[1]


class Student:
    """One browser tab: a page's DashState, one connection, a browser cache of fetched URLs."""

    MAX_FETCHED = 10_000  # bound on the per-student browser cache (URLs)

    def __init__(
        self,
        model: PageModel,
        conn: Connection,
        rng: random.Random,
        record: Callable[[Sample], None],
        record_interaction: Callable[[Interaction], None] | None = None,
        note: Callable[[str], None] | None = None,
        bodies: ParsedBodies | None = None,
    ):
        self.model, self.conn, self.rng, self.record = model, conn, rng, record
        self.bodies = bodies or ParsedBodies()
        self.record_interaction = record_interaction or (lambda _: None)
        self.note = note or (lambda _: None)
        self.state: DashState | None = None
        self.fetched: set[str] = set()
        self.requests = 0

    async def _call(
        self, kind: str, method: str, path: str, body: bytes = b"", route: str = ""
    ) -> tuple[bool, Any]:
        route = route or route_of(method, path)
        self.requests += 1
        started = time.perf_counter()
        try:
            reply = await self.conn.request(method, path, body)
        except Exception as error:  # timeouts, resets: all errors
            ms = (time.perf_counter() - started) * 1000
            self.record(Sample(kind, ms, 0, "", type(error).__name__, route, at=started))
            await self.conn.close()
            return False, None
        ms = (time.perf_counter() - started) * 1000
        error = "" if reply.status in (200, 204) else f"HTTP {reply.status}"
        payload: Any = None
        content = reply.body
        try:
            content = decoded_body(reply)
        except (ValueError, OSError, EOFError) as problem:
            error = error or f"bad body: {problem}"[:80]
        if not error and content and route in ("callback", "dash"):
            try:
                payload = self.bodies.loads(content) if route == "dash" else _loads(content)
            except ValueError:
                error = "bad JSON"
            if not error and route == "callback":
                errors = side_errors(payload)
                if errors:
                    error = "callback error: " + errors[0][:60]
        if not error and route == "fetch":
            error = container_problem(content)
        timing = parse_server_timing(reply.headers.get("server-timing", ""))
        self.record(
            Sample(
                kind,
                ms,
                reply.status,
                reply.headers.get("x-lossviz-cache", ""),
                error,
                route,
                len(reply.body),
                len(content),
                timing.get("cpu"),
                "immutable" in reply.headers.get("cache-control", "").lower(),
                timing.get("app"),
                started,
            )
        )
        return not error, payload

    async def fetch(self, kind: str, urls: Iterable[str]) -> bool:
        """GET each URL this browser has not fetched yet (immutable: fetched means cached)."""
        ok_all = True
        for url in urls:
            target = self._target(url)
            if target is None:
                self.note(f"fetch URL not on this server: {url[:60]}")
                ok_all = False
                continue
            if target in self.fetched:
                continue
            ok, _ = await self._call(kind, "GET", target, route="fetch")
            if ok and len(self.fetched) < self.MAX_FETCHED:
                self.fetched.add(target)
            ok_all = ok_all and ok
        return ok_all

    def _target(self, url: str) -> str | None:
        """The request target for a page-relative URL (None: another host)."""
        parts = urlsplit(urljoin(self.model.path, url))
        if parts.scheme and parts.hostname not in (self.conn.host, "localhost", "127.0.0.1"):
            return None
        return parts.path + (f"?{parts.query}" if parts.query else "")

    async def fire(
        self,
        kind: str,
        specs: list[dict[str, Any]],
        changed: list[tuple[Any, str]],
        depth: int = 0,
    ) -> bool:
        """POST every callback in `specs`, GET the URLs their stores ask for, then fire what
        their responses trigger (as the browser does)."""
        assert self.state is not None
        ok_all = True
        for spec in specs:
            body = self.state.body(spec, changed)
            ok, payload = await self._call(kind, "POST", CALLBACK_PATH, body)
            ok_all = ok_all and ok
            if ok and payload:
                added = self.state.apply(payload)
                if not await self.fetch(kind, self.state.fetch_urls(payload, added)):
                    ok_all = False
                if depth >= 4:
                    continue
                for next_spec, next_changed in self.state.follow_ups(payload, added, spec):
                    if not await self.fire(kind, [next_spec], next_changed, depth + 1):
                        ok_all = False
        return ok_all

    async def open_page(self, query: str = "") -> bool:
        """What the browser does to show the page (static bundles assumed cached)."""
        started, requests0 = time.perf_counter(), self.requests
        ok = await self._open_page(query)
        ms = (time.perf_counter() - started) * 1000
        self.record_interaction(Interaction("page_load", ms, self.requests - requests0, ok))
        return ok

    async def _open_page(self, query: str) -> bool:
        search = f"?{query}" if query else ""
        ok_page, _ = await self._call("page_load", "GET", self.model.path + search)
        ok_layout, layout = await self._call("page_load", "GET", "/_dash-layout")
        ok_deps, deps = await self._call("page_load", "GET", "/_dash-dependencies")
        if not (ok_page and ok_layout and ok_deps):
            return False
        self.state = DashState(dependencies=deps)
        added = self.state.add_layout(layout, self.bodies.components(layout))
        ok_fetch = await self.fetch("page_load", self.state.fetch_urls({}, added))
        router = [s for s in self.state.server_callbacks() if ROUTER_OUTPUT in s["output"]]
        if router:  # a Dash pages app: dcc.Location reports the path, the router answers
            self.state.props.setdefault("_pages_location", {}).update(
                {"pathname": self.model.path, "search": search}
            )
            changed = [("_pages_location", "pathname"), ("_pages_location", "search")]
            ok = await self.fire("page_load", router, changed)
        else:  # a one-page app: the renderer fires the layout's initial callbacks
            ok = await self.fire("page_load", self.state.initial_callbacks(added), [])
        if not ok:
            return False
        self.state.baseline = {k: p.get("value") for k, p in self.state.props.items()}
        return ok_fetch

    async def act(self) -> None:
        assert self.state is not None
        started, requests0 = time.perf_counter(), self.requests
        try:
            move = self.model.moves(self.state, self.rng)
            changed = []
            for target, prop, value in move.changes:
                if isinstance(target, FieldKey):
                    component_id = self.model.control(self.state, target.key)
                else:
                    component_id = target
                self.state.set_prop(component_id, prop, value)
                changed.append((component_id, prop))
        except KeyError as missing:  # the page lost a control the model uses: say so
            self.note(str(missing.args[0]) if missing.args else "a control is missing")
            return
        specs = self.state.triggered_by(changed)
        if not specs:
            self.note(f"{move.kind}: no server callback listens")
            return
        ok = await self.fire(move.kind, specs, changed)
        ms = (time.perf_counter() - started) * 1000
        self.record_interaction(Interaction(move.kind, ms, self.requests - requests0, ok))


def container_problem(content: bytes) -> str:
    """'' when `content` is not an LVZ1 container or a consistent one; else what is wrong."""
    if not content.startswith(b"LVZ1"):
        return ""
    if len(content) < 8:
        return "LVZ1: truncated"
    header_length = int.from_bytes(content[4:8], "little")
    return "" if 8 + header_length <= len(content) else "LVZ1: header longer than the body"


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


def start_gunicorn(
    env: Mapping[str, str], log_path: Path, app_uri: str | None = None
) -> subprocess.Popen:
    """gunicorn with gunicorn.conf.py (and another WSGI app than app:server if given)."""
    log = open(log_path, "wb")  # noqa: SIM115 (closed with the process)
    command = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py")]
    if app_uri:
        command.append(app_uri)
    return subprocess.Popen(
        command, cwd=str(ROOT), env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip


def server_env(args: argparse.Namespace, host: str, port: int, workdir: Path) -> dict[str, str]:
    """LOSSVIZ_* for a benchmark gunicorn (no LOSSVIZ_INSTANCE: workers report host:pid)."""
    return {
        "LOSSVIZ_HOST": host,
        "LOSSVIZ_PORT": str(port),
        "LOSSVIZ_WORKERS": str(args.workers),
        "LOSSVIZ_THREADS": str(args.threads),
        "LOSSVIZ_CACHE": "simple",
        "LOSSVIZ_JAX_CACHE_DIR": args.jax_cache_dir or str(workdir / "jax-cache"),
        "LOSSVIZ_TIMING": "1",
    }


def stop(process: subprocess.Popen | None, timeout: float = 15) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


def child_pids(pid: int) -> list[int]:
    """Direct children of `pid` (every thread's children; Linux /proc)."""
    children: list[int] = []
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            with contextlib.suppress(OSError):
                children += [int(c) for c in (task / "children").read_text().split()]
    return sorted(set(children))


def process_tree_cpu(pid: int) -> float:
    """CPU seconds used by `pid` and its children so far (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for p in [pid, *child_pids(pid)]:
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
        except (TimeoutError, OSError, asyncio.IncompleteReadError):
            await conn.close()
        await asyncio.sleep(0.05)
    raise SystemExit(f"server not ready after {timeout:.0f}s")


# ==== what the workers say about themselves (/readyz) ========================================
async def poll_workers(
    host: str, port: int, expected: int, rounds: int = 30, path: str = "/readyz"
) -> dict[str, dict[str, Any]]:
    """`path`'s JSON from each worker, keyed "instance:pid", until `expected` answered.

    Each round sends `expected + 1` requests at once on fresh connections (a worker busy with
    one cannot take the next, so every worker is reached quickly); at most `rounds` rounds.
    """
    found: dict[str, dict[str, Any]] = {}

    async def one() -> None:
        conn = Connection(host, port, 5.0)
        try:
            reply = await conn.request("GET", path)
            body = _loads(decoded_body(reply))
        except (TimeoutError, OSError, ValueError, asyncio.IncompleteReadError):
            return
        finally:
            await conn.close()
        if not isinstance(body, dict):
            return
        instance = reply.headers.get("x-lossviz-instance") or str(body.get("instance", "?"))
        pid = body.get("pid")
        key = instance if pid is None or instance.endswith(f":{pid}") else f"{instance}:{pid}"
        found[key] = body

    for _ in range(rounds):
        await asyncio.gather(*(one() for _ in range(expected + 1)))
        if len(found) >= expected:
            break
    return found


def compiles_summary(bodies: Mapping[str, Mapping[str, Any]], expected: int) -> dict[str, Any]:
    """`compiles_after_warmup` summed over workers, or None with the reason (never a made-up 0).

    Each worker's /readyz is expected to carry `"compiles": {"total", "after_warmup",
    "cache_hits"}`.
    """
    by_worker = {
        key: body.get("compiles") if isinstance(body.get("compiles"), dict) else None
        for key, body in bodies.items()
    }
    counts = {k: (v or {}).get("after_warmup") for k, v in by_worker.items()}
    note = ""
    lacking = sorted(k for k, v in by_worker.items() if v is None or "after_warmup" not in v)
    unfinished = sorted(k for k, c in counts.items() if k not in lacking and c is None)
    if not bodies:
        note = "no worker answered /readyz"
    elif lacking:
        note = f"/readyz has no compiles.after_warmup on {len(lacking)} worker(s): {lacking}"
    elif unfinished:
        note = f"warm-up not finished (after_warmup null) on {len(unfinished)} worker(s)"
    elif any(not isinstance(c, int) for c in counts.values()):
        note = f"compiles.after_warmup is not a count: {counts}"
    elif len(bodies) < expected:
        note = f"only {len(bodies)} of {expected} workers answered /readyz"
    total = None if note else sum(counts.values())
    result: dict[str, Any] = {"compiles_after_warmup": total, "compiles_by_worker": by_worker}
    if note:
        result["compiles_note"] = note
    return result


def warm_up_by_worker(bodies: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """Per worker: its warm-up status and seconds (from /readyz "warm_up")."""
    result = {}
    for key, body in bodies.items():
        warm = body.get("warm_up") if isinstance(body.get("warm_up"), dict) else {}
        result[key] = {"status": warm.get("status"), "seconds": warm.get("seconds")}
    return result


async def wait_warm(
    host: str, port: int, expected: int, timeout: float
) -> tuple[float, dict[str, Any]]:
    """Wait until every worker reports a warm-up that is not "running" (bounded); returns the
    seconds waited and the last answers."""
    started = time.perf_counter()
    while True:
        bodies = await poll_workers(host, port, expected, rounds=10)
        running = [
            k
            for k, b in bodies.items()
            if isinstance(b.get("warm_up"), dict) and b["warm_up"].get("status") == "running"
        ]
        waited = time.perf_counter() - started
        if (len(bodies) >= expected and not running) or waited > timeout:
            return waited, bodies
        await asyncio.sleep(0.5)


def cache_bytes(bodies: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, int] | None]:
    """Per worker, every numeric field of /readyz's "cache" whose name mentions bytes
    (None for a worker that reports none)."""
    result: dict[str, dict[str, int] | None] = {}
    for key, body in bodies.items():
        cache = body.get("cache") if isinstance(body.get("cache"), dict) else {}
        sizes = {
            name: value
            for name, value in cache.items()
            if "bytes" in name.lower() and isinstance(value, int | float)
        }
        result[key] = sizes or None
    return result


# ==== statistics =============================================================================
def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def _ms(value: float) -> float | None:
    return None if value != value else round(value, 2)  # NaN -> null in the JSON


def spread(values: list[float]) -> dict[str, Any]:
    return {
        "n": len(values),
        "p50": _ms(percentile(values, 50)),
        "p95": _ms(percentile(values, 95)),
        "mean": _ms(sum(values) / len(values)) if values else None,
    }


def p95_by_window(samples: list[Sample], started: float, window_s: float) -> list[float | None]:
    """p95 latency of the requests sent in each `window_s` of the run (the page-open ramp is
    the first window): shows whether a run's p95 is a burst or the steady state."""
    windows: dict[int, list[float]] = defaultdict(list)
    for s in samples:
        windows[max(0, int((s.at - started) // window_s))].append(s.ms)
    return [_ms(percentile(windows[i], 95)) for i in range(max(windows, default=-1) + 1)]


def summarize(
    samples: list[Sample], interactions: list[Interaction], elapsed: float
) -> dict[str, Any]:
    """Latency, errors, bytes, cache and server CPU, overall and per action."""
    latencies = [s.ms for s in samples]
    errors = [s for s in samples if s.error]
    outcomes = Counter(s.cache for s in samples if s.cache and s.route == "callback")
    fetch_outcomes = Counter(s.cache for s in samples if s.cache and s.route == "fetch")
    looked_up = sum(outcomes.values())
    timed = [s.cpu_ms for s in samples if s.cpu_ms is not None]
    fetches = [s for s in samples if s.route == "fetch"]
    by_kind: dict[str, list[Sample]] = defaultdict(list)
    for s in samples:
        by_kind[s.kind].append(s)
    lived: dict[str, list[float]] = defaultdict(list)
    for item in interactions:
        lived[item.kind].append(item.ms)
    by_action = {}
    for kind, items in sorted(by_kind.items()):
        ms = [s.ms for s in items]
        kind_fetches = [s for s in items if s.route == "fetch"]
        by_action[kind] = {
            "n": len(items),
            "errors": sum(1 for s in items if s.error),
            "p50_ms": round(percentile(ms, 50), 1),
            "p95_ms": round(percentile(ms, 95), 1),
            "server_cpu_ms": spread([s.cpu_ms for s in items if s.cpu_ms is not None]),
            "server_wall_ms": spread([s.app_ms for s in items if s.app_ms is not None]),
            "wire_kb_per_request": round(sum(s.wire_bytes for s in items) / len(items) / 1e3, 1),
            "decoded_kb_per_request": round(sum(s.body_bytes for s in items) / len(items) / 1e3, 1),
            "fetches": len(kind_fetches),
            "fetch_wire_kb": round(sum(s.wire_bytes for s in kind_fetches) / 1e3, 1),
            "fetch_decoded_kb": round(sum(s.body_bytes for s in kind_fetches) / 1e3, 1),
            "interaction_ms": {
                "n": len(lived[kind]),
                "p50": _ms(percentile(lived[kind], 50)),
                "p95": _ms(percentile(lived[kind], 95)),
            },
        }
    return {
        "requests": len(samples),
        "errors": len(errors),
        "error_kinds": dict(Counter(s.error for s in errors).most_common(5)),
        "p50_ms": round(percentile(latencies, 50), 1),
        "p95_ms": round(percentile(latencies, 95), 1),
        "p99_ms": round(percentile(latencies, 99), 1),
        "max_ms": round(max(latencies, default=float("nan")), 1),
        "throughput_rps": round(len(samples) / elapsed, 1) if elapsed > 0 else None,
        "cache_hit_ratio": round(outcomes["hit"] / looked_up, 3) if looked_up else None,
        "cache_outcomes": dict(outcomes),
        "fetch": {
            "requests": len(fetches),
            "wire_bytes": sum(s.wire_bytes for s in fetches),
            "decoded_bytes": sum(s.body_bytes for s in fetches),
            "not_immutable": sum(1 for s in fetches if not s.immutable and not s.error),
            "cache_outcomes": dict(fetch_outcomes),
        },
        "wire_bytes": sum(s.wire_bytes for s in samples),
        "decoded_bytes": sum(s.body_bytes for s in samples),
        "server_cpu_ms": spread(timed),
        "server_cpu_timed_requests": len(timed),
        "server_cpu_timed_s": round(sum(timed) / 1000, 3),
        # wall time inside the app (Server-Timing app): busy time of the workers
        "server_wall_timed_s": round(sum(s.app_ms for s in samples if s.app_ms) / 1000, 3),
        "by_action": by_action,
    }


def _client_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class LoopLag:
    """How late the client's event loop wakes up (a busy client inflates every latency).

    A task sleeps `interval` seconds again and again and records the overshoot; bounded.
    """

    def __init__(self, interval: float = 0.05, limit: int = 100_000) -> None:
        self.interval, self.limit = interval, limit
        self.lags_ms: list[float] = []
        self.woke_at: list[float] = []
        self._task: asyncio.Task | None = None

    async def _watch(self) -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(self.interval)
            if len(self.lags_ms) < self.limit:
                self.woke_at.append(time.perf_counter())
                self.lags_ms.append((self.woke_at[-1] - before - self.interval) * 1000)

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._watch())

    def stop(self) -> dict[str, Any]:
        if self._task is not None:
            self._task.cancel()
        windows: dict[int, list[float]] = defaultdict(list)
        for at, lag in zip(self.woke_at, self.lags_ms, strict=True):
            windows[int((at - self.woke_at[0]) // 5.0)].append(lag)
        return {
            "p95": _ms(percentile(self.lags_ms, 95)),
            "max": _ms(max(self.lags_ms, default=float("nan"))),
            "p95_by_5s": [_ms(percentile(windows[i], 95)) for i in sorted(windows)],
        }


def raise_open_files(wanted: int) -> None:
    """Lift the soft open-files limit towards `wanted` (one socket per student), never above
    the hard limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


# ==== the lecture ============================================================================
def build_models(pages: str) -> list[tuple[PageModel, float]]:
    models: list[tuple[PageModel, float]] = []
    wanted = [p.strip() for p in pages.split(",") if p.strip()]
    for item in wanted:
        name, _, weight = item.partition(":")
        factory = {"lab": LabModel, "playground": PlaygroundModel}[name]
        models.append((factory(), float(weight or 1)))
    return models


@dataclass
class Recorder:
    """Every sample and interaction of a run; `measuring` False drops them (ramps)."""

    samples: list[Sample] = field(default_factory=list)
    interactions: list[Interaction] = field(default_factory=list)
    notes: Counter = field(default_factory=Counter)
    measuring: bool = True
    bodies: ParsedBodies = field(default_factory=ParsedBodies)

    def sample(self, item: Sample) -> None:
        if self.measuring:
            self.samples.append(item)

    def interaction(self, item: Interaction) -> None:
        if self.measuring:
            self.interactions.append(item)

    def note(self, text: str) -> None:
        if len(self.notes) < 50 or text in self.notes:
            self.notes[text] += 1

    def student(
        self, model: PageModel, host: str, port: int, timeout: float, rng: random.Random
    ) -> Student:
        return Student(
            model,
            Connection(host, port, timeout),
            rng,
            self.sample,
            self.interaction,
            self.note,
            self.bodies,
        )


async def prepare(
    models: list[tuple[PageModel, float]], host: str, port: int, prewarm: bool
) -> tuple[float, Recorder]:
    """Cold start probe (first interaction served), the gallery's presets, optional prewarm.

    Returns when the probe's first interaction was served (perf_counter) and the recorder
    it used (not measured samples).
    """
    recorder = Recorder()
    probe_model = models[0][0]
    probe = recorder.student(probe_model, host, port, 60.0, random.Random(0))
    if not await probe.open_page():
        raise SystemExit(f"could not open {probe_model.path}: {recorder.samples[-3:]}")
    await probe.act()
    probe_done = time.perf_counter()
    await probe.conn.close()
    # The presets students arrive by: the links of the home page's scenario gallery.
    home = recorder.student(PageModel(), host, port, 60.0, random.Random(0))
    if await home.open_page() and home.state is not None:
        for model, _ in models:
            presets = [
                h.split("?", 1)[1] for h in home.state.hrefs if h.startswith(model.path + "?")
            ]
            model.queries = ["", *dict.fromkeys(presets)]
    await home.conn.close()
    if prewarm:  # what an instructor does before class: open every preset once
        for model, _ in models:
            for query in model.queries:
                warm = recorder.student(model, host, port, 120.0, random.Random(0))
                await warm.open_page(query)
                await warm.conn.close()
    return probe_done, recorder


async def run_students(
    models: list[tuple[PageModel, float]],
    host: str,
    port: int,
    *,
    students: int,
    seconds: float,
    seed: int = 1,
    timeout: float = 10.0,
) -> dict[str, Any]:
    """N students, one action every 1–3 s each, for `seconds` (after a ramp of ≤ 5 s)."""
    rng = random.Random(seed)
    recorder = Recorder()
    stop_at = time.perf_counter() + seconds
    ramp = min(5.0, seconds / 4)
    late = 0

    async def student(index: int) -> None:
        nonlocal late
        model = rng.choices([m for m, _ in models], [w for _, w in models])[0]
        me = recorder.student(model, host, port, timeout, random.Random(seed * 100003 + index))
        await asyncio.sleep(ramp * index / max(1, students))
        if not await me.open_page(me.rng.choice(model.queries)):
            await me.conn.close()
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

    client_cpu0 = _client_cpu()
    lag = LoopLag()
    lag.start()
    started = time.perf_counter()
    await asyncio.gather(*(student(i) for i in range(students)))
    elapsed = time.perf_counter() - started
    loop_lag = lag.stop()
    result = {
        "students": students,
        "seconds": round(elapsed, 1),
        **summarize(recorder.samples, recorder.interactions, elapsed),
        "p95_ms_by_5s": p95_by_window(recorder.samples, started, 5.0),
        "late_actions": late,
        "driver_notes": dict(recorder.notes.most_common(10)),
        "client_cpu_s": round(_client_cpu() - client_cpu0, 1),
        "client_loop_lag_ms": loop_lag,
    }
    return result


# ==== saturation =============================================================================
async def saturate(
    models: list[tuple[PageModel, float]],
    host: str,
    port: int,
    *,
    connections: int,
    seconds: float,
    ramp: float = 3.0,
    actions_per_page: int = 15,
    seed: int = 1,
    timeout: float = 10.0,
    server_pid: int | None = None,
) -> dict[str, Any]:
    """`connections` closed-loop clients, no think time, for `ramp` + `seconds`; only the
    last `seconds` are measured. Each client is a sequence of students (fresh browser cache):
    open a page, `actions_per_page` moves, next student."""
    rng = random.Random(seed)
    recorder = Recorder(measuring=False)
    end_at = time.perf_counter() + ramp + seconds

    async def client(index: int) -> None:
        session = 0
        while time.perf_counter() < end_at:
            model = rng.choices([m for m, _ in models], [w for _, w in models])[0]
            me = recorder.student(
                model, host, port, timeout, random.Random((seed * 7919 + index) * 1009 + session)
            )
            session += 1
            if await me.open_page(me.rng.choice(model.queries)):
                for _ in range(actions_per_page):
                    if time.perf_counter() >= end_at:
                        break
                    await me.act()
            else:
                await asyncio.sleep(0.05)  # do not spin on a failing server
            await me.conn.close()

    async def measure() -> tuple[float, float, float, dict[str, Any]]:
        await asyncio.sleep(ramp)
        recorder.measuring = True
        cpu0 = process_tree_cpu(server_pid) if server_pid else float("nan")
        client0, started = _client_cpu(), time.perf_counter()
        lag.start()
        await asyncio.sleep(seconds)
        recorder.measuring = False
        elapsed = time.perf_counter() - started
        cpu = process_tree_cpu(server_pid) - cpu0 if server_pid else float("nan")
        return elapsed, cpu, _client_cpu() - client0, lag.stop()

    lag = LoopLag()
    clients = [client(i) for i in range(connections)]
    (elapsed, server_cpu, client_cpu, loop_lag), *_ = await asyncio.gather(measure(), *clients)
    summary = summarize(recorder.samples, recorder.interactions, elapsed)
    return {
        **accounting(summary, server_cpu),
        "connections": connections,
        "seconds": round(elapsed, 1),
        "rps": summary["throughput_rps"],
        **{k: summary[k] for k in ("requests", "errors", "error_kinds", "p50_ms", "p95_ms")},
        "p99_ms": summary["p99_ms"],
        "client_cpu_s": round(client_cpu, 1),
        "client_loop_lag_ms": loop_lag,
        "server_cpu_ms": summary["server_cpu_ms"],
        "server_wall_timed_s": summary["server_wall_timed_s"],
        "by_action": {
            kind: {k: v[k] for k in ("n", "p50_ms", "p95_ms", "server_cpu_ms", "server_wall_ms")}
            for kind, v in summary["by_action"].items()
        },
        "driver_notes": dict(recorder.notes.most_common(5)),
    }


def accounting(summary: Mapping[str, Any], server_cpu_s: float) -> dict[str, Any]:
    """The gunicorn tree's CPU over a phase, and the share of it the Server-Timing headers
    account for (the rest: gunicorn's HTTP handling and accept loop, idle work)."""
    if server_cpu_s != server_cpu_s:  # NaN: not our server
        return {}
    timed = summary["server_cpu_timed_s"] if summary["server_cpu_timed_requests"] else None
    requests = summary["requests"]
    return {
        "server_cpu_s": round(server_cpu_s, 1),
        # the whole gunicorn tree's CPU per request (app, gunicorn, accept loop)
        "server_cpu_ms_per_request": round(server_cpu_s * 1000 / requests, 3) if requests else None,
        "server_cpu_accounted_ratio": (
            round(timed / server_cpu_s, 2) if timed is not None and server_cpu_s > 0 else None
        ),
    }


def sustainable(levels: list[dict[str, Any]], p95_budget_ms: float) -> dict[str, Any] | None:
    """The level with the highest throughput whose p95 met the budget with no errors."""
    fit = [lv for lv in levels if lv["errors"] == 0 and lv["rps"] and lv["p95_ms"] <= p95_budget_ms]
    return max(fit, key=lambda lv: lv["rps"], default=None)


def cpu_ratio(saturation: Mapping[str, list[dict[str, Any]]], budget_ms: float) -> float | None:
    """floor_ratio estimated from CPU: the floor's server CPU per request over the app's, at
    their sustainable levels — the throughput ratio both would reach if each had the same
    cores to itself (robust to other load on a shared machine, which rps is not)."""
    app = sustainable(saturation.get("app", []), budget_ms)
    floor = sustainable(saturation.get("floor", []), budget_ms)
    app_ms = app.get("server_cpu_ms_per_request") if app else None
    floor_ms = floor.get("server_cpu_ms_per_request") if floor else None
    return round(floor_ms / app_ms, 3) if app_ms and floor_ms else None


def parse_levels(text: str) -> list[int]:
    levels = [int(part) for part in text.split(",") if part.strip()]
    if not levels or not all(1 <= c <= 512 for c in levels):
        raise argparse.ArgumentTypeError("connection counts must be 1..512, e.g. 4,16")
    return levels


# ==== restarts ===============================================================================
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
        result[f"{label}_ready_s"] = round(ready, 2)
        result[f"{label}_warm_up"] = {
            name: step.get("seconds") for name, step in body["warm_up"]["steps"].items()
        }
    files = list(jax_dir.rglob("*"))
    result["jax_cache_files"] = len(files)
    result["jax_cache_mb"] = round(sum(f.stat().st_size for f in files if f.is_file()) / 1e6, 1)
    return result


# ==== the run ================================================================================
async def drive_app(
    args: argparse.Namespace, host: str, port: int, t0: float | None, server_pid: int | None
) -> dict[str, Any]:
    """Every phase against the app at host:port; `t0` the process start (None: not ours)."""
    models = build_models(args.pages)
    probe_done, _ = await prepare(models, host, port, args.prewarm)
    result: dict[str, Any] = {
        # process start to the first interaction served
        "cold_start_s": round(probe_done - t0, 2) if t0 is not None else None,
        "presets": {m.name: len(m.queries) for m, _ in models},
    }
    if args.wait_warm_up:  # the class arrives after every worker finished warming up
        waited, bodies = await wait_warm(host, port, args.workers, 300)
        result["warm_up_wait_s"] = round(waited, 1)
        result["warm_up_before_class"] = warm_up_by_worker(bodies)
    cpu0 = process_tree_cpu(server_pid) if server_pid else None
    if args.students:
        lecture = await run_students(
            models,
            host,
            port,
            students=args.students,
            seconds=args.seconds,
            seed=args.seed,
            timeout=args.timeout,
        )
        result.update(lecture)
        if server_pid:
            result.update(accounting(lecture, process_tree_cpu(server_pid) - cpu0))
    if args.saturate:
        levels = []
        for connections in args.saturate:
            levels.append(
                await saturate(
                    models,
                    host,
                    port,
                    connections=connections,
                    seconds=args.seconds,
                    actions_per_page=args.actions_per_page,
                    seed=args.seed,
                    timeout=args.timeout,
                    server_pid=server_pid,
                )
            )
        best = sustainable(levels, args.p95_budget_ms)
        result["saturation"] = {"app": levels}
        result["app_sustainable_rps"] = best["rps"] if best else None
        result["app_sustainable_at"] = (
            {"connections": best["connections"], "p95_ms": best["p95_ms"]} if best else None
        )
    workers = await poll_workers(host, port, args.workers)
    result.update(compiles_summary(workers, args.workers))
    result["warm_up_by_worker"] = warm_up_by_worker(workers)
    result["cache_bytes_by_worker"] = cache_bytes(workers)
    return result


async def drive_floor(
    args: argparse.Namespace, host: str, port: int, pid: int
) -> list[dict[str, Any]]:
    """The framework floor: C clients POST the floor app's one callback back to back."""
    floor = FloorModel()
    return [
        await saturate(
            [(floor, 1.0)],
            host,
            port,
            connections=connections,
            seconds=args.seconds,
            actions_per_page=1_000_000,  # open once per client, then only the callback
            seed=args.seed,
            timeout=args.timeout,
            server_pid=pid,
        )
        for connections in args.saturate
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=50, help="0: no lecture phase")
    parser.add_argument("--seconds", type=float, default=30, help="per phase / level")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--threads", type=int, default=ServerConfig.threads, help="default: the server's"
    )
    parser.add_argument("--redis", action="store_true", help="RedisCache shared by the workers")
    parser.add_argument("--pages", default="lab:0.6,playground:0.4", help="page:weight,...")
    parser.add_argument("--jax-cache-dir", default="", help="default: a fresh temp dir (cold)")
    parser.add_argument("--timeout", type=float, default=10.0, help="per request, seconds")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--saturate",
        type=parse_levels,
        default=None,
        metavar="C1,C2",
        help="closed-loop connection counts for the throughput phase (app, then floor app)",
    )
    parser.add_argument("--actions-per-page", type=int, default=15, help="saturation students")
    parser.add_argument("--p95-budget-ms", type=float, default=100.0, help="for 'sustainable'")
    parser.add_argument(
        "--no-wait-warm-up",
        dest="wait_warm_up",
        action="store_false",
        help="start the class at once, even while workers still warm up in the background",
    )
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
    parser.add_argument(
        "--session",
        action="store_true",
        help="live session instead: 1 instructor + --students followers polling, and votes "
        "(benchmarks/load_session.py; implies --redis, the workers' shared session store)",
    )
    parser.add_argument("--poll-s", type=float, default=0.8, help="a follower's poll interval")
    args = parser.parse_args(argv)
    if not 0 <= args.students <= 2000 or not 1 <= args.seconds <= 900:
        parser.error("--students must be 0..2000 and --seconds 1..900")
    if args.students == 0 and not args.saturate and not args.measure_restart:
        parser.error("--students 0 needs --saturate")
    if not 1 <= args.actions_per_page <= 1000:
        parser.error("--actions-per-page must be 1..1000")

    raise_open_files(args.students + max(args.saturate or [0]) + 256)
    workdir = Path(tempfile.mkdtemp(prefix="lossviz-load-"))
    redis_process = gunicorn = None
    log_path = workdir / "gunicorn.log"
    try:
        if args.measure_restart:
            print(json.dumps(measure_restarts(args, workdir)), flush=True)
            return 0
        if args.url:
            host, _, port_text = args.url.rpartition(":")
            result = asyncio.run(drive_app(args, host, int(port_text), None, None))
            print(json.dumps(result), flush=True)
            return 0
        if args.session:
            from benchmarks.load_session import run_session

            print(json.dumps(run_session(args, workdir)), flush=True)
            return 0
        host, port = "127.0.0.1", free_port()
        env = server_env(args, host, port, workdir)
        if args.redis:
            redis_process, redis_port = start_redis(workdir)
            env["LOSSVIZ_CACHE"] = "redis"
            env["LOSSVIZ_REDIS_URL"] = f"redis://127.0.0.1:{redis_port}/0"
        # The student models import the pages' settings (and so JAX) in this process: do it
        # before the clock starts, so cold_start_s counts the server's start only.
        build_models(args.pages)
        t0 = time.perf_counter()
        gunicorn = start_gunicorn(env, log_path)

        async def go(process: subprocess.Popen = gunicorn) -> dict[str, Any]:
            ready = await wait_ready(host, port, process, 120)
            result = await drive_app(args, host, port, t0, process.pid)
            result["ready_s"] = round(ready, 2)
            return result

        result = asyncio.run(go())
        result.update(
            {"workers": args.workers, "threads": args.threads, "cache": env["LOSSVIZ_CACHE"]}
        )
        log_text = log_path.read_text(errors="replace")
        stop(gunicorn)
        if result.get("errors") or args.show_log:
            sys.stderr.write(log_text[-6000:] + "\n")
        if args.saturate:
            floor_levels, best = run_floor(args, workdir)
            result["saturation"]["floor"] = floor_levels
            result["framework_floor_rps"] = best["rps"] if best else None
            result["framework_floor_at"] = (
                {"connections": best["connections"], "p95_ms": best["p95_ms"]} if best else None
            )
            floor, app = result.get("framework_floor_rps"), result.get("app_sustainable_rps")
            result["floor_ratio"] = round(app / floor, 3) if floor and app else None
            result["floor_ratio_cpu"] = cpu_ratio(result["saturation"], args.p95_budget_ms)
        print(json.dumps(result), flush=True)
        return 0
    except BaseException:
        if gunicorn is not None and log_path.exists():
            sys.stderr.write(log_path.read_text(errors="replace")[-4000:])
        raise
    finally:
        stop(gunicorn)
        stop(redis_process)
        shutil.rmtree(workdir, ignore_errors=True)


def run_floor(
    args: argparse.Namespace, workdir: Path
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """Start gunicorn.conf.py with benchmarks/floor_app.py, saturate it, stop it.

    LOSSVIZ_WARMUP=off: the conf's warm-up compiles the lossviz engines, which the floor app
    never uses (see benchmarks/floor_app.py); workers, threads and worker class are the same.
    """
    host, port = "127.0.0.1", free_port()
    env = {**server_env(args, host, port, workdir), "LOSSVIZ_WARMUP": "off"}
    log_path = workdir / "floor.log"
    process = start_gunicorn(env, log_path, FLOOR_APP)
    try:

        async def go() -> list[dict[str, Any]]:
            await wait_ready_floor(host, port, process, 60)
            return await drive_floor(args, host, port, process.pid)

        floor = asyncio.run(go())
    except BaseException:
        sys.stderr.write(log_path.read_text(errors="replace")[-4000:])
        raise
    finally:
        stop(process)
    if args.show_log:
        sys.stderr.write(log_path.read_text(errors="replace")[-3000:] + "\n")
    return floor, sustainable(floor, args.p95_budget_ms)


async def wait_ready_floor(host: str, port: int, process: subprocess.Popen, timeout: float) -> None:
    """The floor app has no /readyz: wait for Dash's page to answer."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if process.poll() is not None:
            raise SystemExit(f"floor gunicorn exited with code {process.returncode}")
        conn = Connection(host, port, 2.0)
        try:
            if (await conn.request("GET", "/_dash-layout")).status == 200:
                return
        except (TimeoutError, OSError, asyncio.IncompleteReadError):
            pass
        finally:
            await conn.close()
        await asyncio.sleep(0.05)
    raise SystemExit(f"floor app not ready after {timeout:.0f}s")


if __name__ == "__main__":
    raise SystemExit(main())
