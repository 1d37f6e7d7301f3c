"""Opt-in per-request CPU accounting: a standard `Server-Timing` header on every response.

    LOSSVIZ_TIMING=1   (default 0; read here, at `init_timing`, not by serving/config.py)

When on, every response carries

    Server-Timing: cpu;dur=<ms>;desc="process", app;dur=<ms>

`cpu` is the CPU time this worker spent on the request, from the moment the WSGI app is called
until it calls `start_response` (routing, before/after-request hooks including the response
cache, the callback, JSON serialization, gzip done by the app); `app` is the wall time of the
same span (the difference is waiting: cache backend, locks, the other cores being busy).
The benchmarks (benchmarks/load.py) read it to report server CPU per request by action.

Which clock: `time.process_time()` (all threads of the process) is right for a sync worker,
which serves one request at a time — and it is the only clock that sees the CPU that XLA's
own thread pool spends on a JAX computation started by the request. With gthread workers
(LOSSVIZ_THREADS > 1) requests overlap and process time would charge a request for its
neighbours' work, so a request that overlapped another one is measured with
`time.thread_time()` instead (its own thread only: it misses XLA's pool threads, so it is a
lower bound). `desc` says which clock measured the request ("process" or "thread").

Cost when on: two clock reads and a lock per request (a few microseconds). When off, nothing
is installed.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

TIMING_ENV = "LOSSVIZ_TIMING"
HEADER = "Server-Timing"
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off", "")

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def timing_enabled(environ: Mapping[str, str] | None = None) -> bool:
    """LOSSVIZ_TIMING parsed strictly (a typo stops the server instead of being ignored)."""
    env = os.environ if environ is None else environ
    raw = env.get(TIMING_ENV, "")
    text = raw.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"{TIMING_ENV} must be 1 or 0 (true/false, yes/no, on/off), got {raw!r}")


class CpuTiming:
    """WSGI middleware adding `Server-Timing: cpu;dur=…;desc=…, app;dur=…` (see module doc).

    A request is "alone" when no other request was in flight in this process at any moment
    between its start and its `start_response`: then process CPU time is exact for it.
    """

    def __init__(self, app: WsgiApp) -> None:
        self.app = app
        self._lock = threading.Lock()
        self._in_flight = 0
        self._entered = 0  # requests started so far in this process

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        wall0 = time.perf_counter()
        process0 = time.process_time()
        thread0 = time.thread_time()
        with self._lock:
            alone = self._in_flight == 0
            self._in_flight += 1
            self._entered += 1
            ticket = self._entered
        finished = False

        def leave() -> None:
            nonlocal finished
            if not finished:
                finished = True
                with self._lock:
                    self._in_flight -= 1

        def timed_start_response(status: str, headers: list[tuple[str, str]], *exc: Any) -> Any:
            with self._lock:
                still_alone = alone and self._entered == ticket and self._in_flight == 1
            if still_alone:
                cpu, clock = time.process_time() - process0, "process"
            else:
                cpu, clock = time.thread_time() - thread0, "thread"
            wall = time.perf_counter() - wall0
            headers.append(
                (HEADER, f'cpu;dur={cpu * 1000:.3f};desc="{clock}", app;dur={wall * 1000:.3f}')
            )
            leave()
            return start_response(status, headers, *exc)

        try:
            return self.app(environ, timed_start_response)
        finally:
            leave()


def init_timing(server: Any, environ: Mapping[str, str] | None = None) -> bool:
    """Wrap the Flask server's WSGI app with `CpuTiming` when LOSSVIZ_TIMING is on.

    Returns whether timing was installed. Flask's documented way to add WSGI middleware
    (`server.wsgi_app = Middleware(server.wsgi_app)`), so it wraps every hook of the app.
    """
    if not timing_enabled(environ):
        return False
    server.wsgi_app = CpuTiming(server.wsgi_app)
    return True


def parse_server_timing(value: str) -> dict[str, float]:
    """`Server-Timing` header value -> {metric: dur in ms} (metrics without dur are left out).

    >>> parse_server_timing('cpu;dur=1.5;desc="process", app;dur=2')
    {'cpu': 1.5, 'app': 2.0}
    """
    metrics: dict[str, float] = {}
    for entry in value.split(","):
        name, *params = (part.strip() for part in entry.split(";"))
        for param in params:
            key, _, raw = param.partition("=")
            if key.strip().lower() == "dur" and name:
                with contextlib.suppress(ValueError):
                    metrics[name] = float(raw.strip().strip('"'))
    return metrics
