"""Per-process warm-up: compile every jitted program and touch the HTTP path before serving.

gunicorn calls `warm_up(server)` from `post_worker_init` in each worker, after the fork and
before the worker accepts its first connection (JAX must never compile before a fork). With
the persistent JAX compilation cache (LOSSVIZ_JAX_CACHE_DIR) a restart loads the compiled
programs from disk instead of compiling them again.

Every step is guarded: an engine piece that is missing or fails is logged and reported by
/readyz, never a crash — the page then compiles on first use instead.
"""

from __future__ import annotations

import importlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger("lossviz.warmup")

WARMUP_KEY = "lossviz.warmup"


@dataclass
class WarmupReport:
    """What warm-up did in this process: one entry per step, in order."""

    steps: dict[str, dict[str, Any]] = field(default_factory=dict)
    seconds: float = 0.0
    finished: bool = False
    # True when the worker waits for warm-up before serving (LOSSVIZ_WARMUP=sync).
    blocking: bool = True

    @property
    def ok(self) -> bool:
        return all(step["status"] != "failed" for step in self.steps.values())

    @property
    def status(self) -> str:
        """'running', 'done' (every step ran) or 'partial' (something was skipped or failed)."""
        if not self.finished:
            return "running"
        return "done" if all(s["status"] == "ok" for s in self.steps.values()) else "partial"

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "mode": "sync" if self.blocking else "background",
            "seconds": round(self.seconds, 3),
            "steps": dict(self.steps),
        }


def start_background(server: Any) -> threading.Thread:
    """Warm up in a daemon thread while the worker already serves (LOSSVIZ_WARMUP=background).

    The worker answers at once; a request that needs a program not compiled yet compiles it
    itself (JAX compiles each program once even when two threads ask for it).
    """
    thread = threading.Thread(
        target=warm_up, args=(server,), kwargs={"blocking": False}, name="lossviz-warmup"
    )
    thread.daemon = True
    thread.start()
    return thread


def _run(report: WarmupReport, name: str, step: Callable[[], Any]) -> None:
    started = time.perf_counter()
    try:
        detail = step()
    except _Missing as missing:
        report.steps[name] = {"status": "skipped", "detail": str(missing)}
        log.warning("warm-up %s skipped: %s", name, missing)
        return
    except Exception as error:
        elapsed = time.perf_counter() - started
        report.steps[name] = {
            "status": "failed",
            "seconds": round(elapsed, 3),
            "detail": f"{type(error).__name__}: {error}",
        }
        log.exception("warm-up %s failed after %.2fs", name, elapsed)
        return
    elapsed = time.perf_counter() - started
    report.steps[name] = {"status": "ok", "seconds": round(elapsed, 3)}
    if detail:
        report.steps[name]["detail"] = detail
    log.info("warm-up %s: %.2fs", name, elapsed)


class _Missing(Exception):
    """An engine piece this warm-up would call does not exist (yet)."""


def _engine_hook(module_name: str, attribute: str = "warm_up") -> Callable[[], Any]:
    def step() -> Any:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            raise _Missing(f"module {module_name!r} not importable ({error})") from None
        hook = getattr(module, attribute, None)
        if not callable(hook):
            raise _Missing(f"{module_name}.{attribute}() does not exist")
        return hook()

    return step


def _landscape_grids() -> str:
    try:
        landscapes = importlib.import_module("landscapes")
    except ModuleNotFoundError as error:
        raise _Missing(f"module 'landscapes' not importable ({error})") from None
    evaluate_grid = getattr(landscapes, "evaluate_grid", None)
    landscape_ids = getattr(landscapes, "landscape_ids", None)
    if not callable(evaluate_grid) or not callable(landscape_ids):
        raise _Missing("landscapes.evaluate_grid / landscape_ids do not exist")
    ids = landscape_ids()
    for landscape_id in ids:
        evaluate_grid(landscape_id)
    return f"{len(ids)} grids"


def _plotly() -> None:
    # Importing plotly's validators and building a first figure costs ~1 s per process.
    import plotly.graph_objects as go

    go.Figure([go.Scatter(x=[0, 1], y=[0, 1]), go.Contour(z=[[0, 1], [1, 0]])]).to_plotly_json()


def _http_path(server: Any) -> Callable[[], str]:
    def step() -> str:
        client = server.test_client()
        paths = ["/_dash-layout", "/_dash-dependencies", "/"]
        for path in paths:
            response = client.get(path)
            if response.status_code != 200:
                raise RuntimeError(f"GET {path} answered {response.status_code}")
        return f"GET {', '.join(paths)}"

    return step


def open_page(client: Any, path: str, search: str = "") -> tuple[Any, int]:
    """Open a page in-process as the browser does (router callback, then what it triggers).

    Returns (the page's DashState, number of callback requests). Raises RuntimeError when a
    request fails or a callback reports an error.
    """
    from serving.dash_client import CALLBACK_PATH, ROUTER_OUTPUT, DashState, side_errors

    state = DashState(dependencies=client.get("/_dash-dependencies").get_json())
    state.add_layout(client.get("/_dash-layout").get_json())
    state.props.setdefault("_pages_location", {}).update({"pathname": path, "search": search})
    router = next(s for s in state.server_callbacks() if ROUTER_OUTPUT in s["output"])
    queue = [(router, [("_pages_location", "pathname"), ("_pages_location", "search")], 0)]
    requests = 0
    while queue:
        spec, changed, depth = queue.pop(0)
        response = client.post(
            CALLBACK_PATH, data=state.body(spec, changed), content_type="application/json"
        )
        requests += 1
        if response.status_code == 204:
            continue
        if response.status_code != 200:
            raise RuntimeError(f"{path}{search}: callback answered {response.status_code}")
        payload = response.get_json()
        if side_errors(payload):
            raise RuntimeError(f"{path}{search}: {side_errors(payload)[0]}")
        added = state.apply(payload)
        if depth < 4:
            queue += [(s, c, depth + 1) for s, c in state.follow_ups(payload, added, spec)]
    return state, requests


def _gallery(server: Any) -> Callable[[], str]:
    """Open every preset of the home gallery: compiles each program shape the presets use and
    fills the shared cache with their runs and responses before the first student arrives."""

    def step() -> str:
        client = server.test_client()
        home, requests = open_page(client, "/")
        links = [h for h in dict.fromkeys(home.hrefs) if "?" in h and h.startswith("/")]
        for href in links:
            path, _, query = href.partition("?")
            requests += open_page(client, path, "?" + query)[1]
        return f"{len(links)} presets, {requests} callbacks"

    return step


def warm_up(server: Any | None = None, *, blocking: bool = True) -> WarmupReport:
    """Compile the engines' programs (and, given the Flask server, touch its HTTP path).

    Returns the report and, given `server`, records it in `server.extensions` for /readyz.
    `blocking=False` marks a warm-up running beside a serving worker (background mode).
    """
    started = time.perf_counter()
    report = WarmupReport(blocking=blocking)
    if server is not None:
        server.extensions[WARMUP_KEY] = report  # /readyz sees "running" steps as they finish
    _run(report, "optimizers", _engine_hook("optimizers"))
    _run(report, "playground", _engine_hook("playground"))
    _run(report, "landscape_grids", _landscape_grids)
    _run(report, "plotly", _plotly)
    if server is not None:
        _run(report, "http", _http_path(server))
        _run(report, "gallery", _gallery(server))
    report.seconds = time.perf_counter() - started
    report.finished = True
    log.info("warm-up %s in %.2fs", report.status, report.seconds)
    return report
