"""Per-process warm-up in two phases: serve after the first, compile the rest in the background.

Phase "first" holds what a first interaction with the lab needs: its default program (the
default landscape up to 1000 steps, ~0.7 s cold), the app's layout routes and the lab's bare
page (its callbacks and landscape grid, cached). Phase "background" (a daemon thread at lower
CPU priority) holds everything else, in this order: the playground's default program bucket
and its view programs, its bare page, the lab's programs over the whole landscape catalog, the
playground's other buckets, every landscape's grid and default run (the lab opened on each
landscape), every preset of the home gallery and its card pictures (see `plan`, and FIRST_PHASE_PLAYGROUND for
why the playground waits for the background).

`start(server)` is what gunicorn's `post_worker_init` (after the fork, before the worker accepts
a connection) and `python app.py` call. With `blocking=True` (LOSSVIZ_WARMUP=sync, gunicorn's
default) the worker serves once the first phase is done and /readyz says ready; with
`blocking=False` (LOSSVIZ_WARMUP=background, `python app.py`) both phases run in the thread
and the process serves at once. A request that needs a program still compiling waits for it
(`jax_config.first_call`; both engines use it) instead of compiling it a second time. When
both phases are done the objects alive are frozen out of the garbage collector's reach
(`freeze_long_lived`) and the compile counter is marked (`jax_config.compile_counter().mark_warm()`): any compilation after
that shows up in /readyz as `compiles.after_warmup`.

Workers of one host share the background work: with a persistent JAX compilation cache
(gunicorn's default, LOSSVIZ_JAX_CACHE_DIR) each compile step is taken by one worker at a time (a file lock in the
cache folder); a worker that finds a step taken does the next free one and comes back to it
afterwards, when its program loads from the cache written by the other (≈0.1 s instead of
seconds). Two workers on two cores thus compile each program once instead of twice.

Every step is guarded: an engine piece that is missing or fails is logged and reported by
/readyz, never a crash: the page then compiles on first use instead.
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import importlib
import logging
import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger("lossviz.warmup")

WARMUP_KEY = "lossviz.warmup"
FIRST, BACKGROUND = "first", "background"
PHASES = (FIRST, BACKGROUND)
# A worker waits at most this long for another worker's turn on a step, then does it itself.
TURN_TIMEOUT_S = 120.0
# Whether the playground's default bucket (and its view programs) must be ready before a worker
# serves. Off: ~3.4 s + ~1.8 s of compilation cold (0.6 s from the persistent cache) would
# delay the whole worker, the optimizer lab included, past the 5 s cold-start budget; they
# head the background phase instead, so a playground opened in the first seconds waits for them.
FIRST_PHASE_PLAYGROUND = False


@dataclass(frozen=True)
class Step:
    """One warm-up step; `shared` steps compile programs (one worker at a time takes them)."""

    name: str
    run: Callable[[], Any]
    shared: bool = False


@dataclass
class WarmupReport:
    """What warm-up did in this process: one entry per step, in order, and each phase's state."""

    steps: dict[str, dict[str, Any]] = field(default_factory=dict)
    seconds: float = 0.0
    finished: bool = False
    # True when the worker waits for the first phase before serving (LOSSVIZ_WARMUP=sync).
    blocking: bool = True
    # Objects `freeze_long_lived` moved out of the collector's reach when warm-up finished.
    frozen_objects: int = 0
    phases: dict[str, dict[str, Any]] = field(
        default_factory=lambda: {phase: {"status": "pending"} for phase in PHASES}
    )
    thread: threading.Thread | None = field(default=None, repr=False, compare=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return all(step["status"] != "failed" for step in self.steps.values())

    @property
    def first_phase_done(self) -> bool:
        return self.phases[FIRST]["status"] in ("done", "partial")

    @property
    def status(self) -> str:
        """'running', 'done' (every step ran) or 'partial' (something was skipped or failed)."""
        if not self.finished:
            return "running"
        return "done" if all(s["status"] == "ok" for s in self.steps.values()) else "partial"

    def record(self, name: str, entry: dict[str, Any]) -> None:
        with self._lock:
            self.steps[name] = entry

    def set_phase(self, phase: str, **values: Any) -> None:
        with self._lock:
            self.phases[phase] = {**self.phases[phase], **values}

    def as_dict(self) -> dict[str, Any]:
        with self._lock:
            return {
                "status": self.status,
                "mode": "sync" if self.blocking else "background",
                "seconds": round(self.seconds, 3),
                "frozen_objects": self.frozen_objects,
                "phases": {name: dict(phase) for name, phase in self.phases.items()},
                "steps": {name: dict(step) for name, step in self.steps.items()},
            }


# ---- one worker at a time per compile step ---------------------------------------------------
class Turns:
    """Per-step file locks in a folder shared by the workers of one host (flock, released by
    the kernel if a worker dies). Without a folder every worker does every step itself."""

    def __init__(self, folder: str | os.PathLike[str] | None) -> None:
        self.folder = Path(folder) if folder else None
        if self.folder is not None:
            self.folder.mkdir(parents=True, exist_ok=True)

    def _path(self, name: str) -> Path:
        assert self.folder is not None
        return self.folder / (re.sub(r"[^A-Za-z0-9_.-]+", "_", name) + ".lock")

    @contextlib.contextmanager
    def _locked(self, name: str, timeout: float | None) -> Iterator[bool]:
        """Yields True holding the lock, False if it was not free (timeout None: try once)."""
        handle = open(self._path(name), "a")  # noqa: SIM115 (closed below, after unlocking)
        deadline = time.monotonic() + (timeout or 0.0)
        try:
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    if timeout is None or time.monotonic() >= deadline:
                        yield False
                        return
                    time.sleep(0.05)
                    continue
                try:
                    yield True
                finally:
                    fcntl.flock(handle, fcntl.LOCK_UN)
                return
        finally:
            handle.close()

    def done_before(self, name: str) -> bool:
        """Did a worker of this host finish `name` before (its program is in the cache)?"""
        return self.folder is not None and self._path(name).with_suffix(".done").exists()

    def mark_done(self, name: str) -> None:
        if self.folder is not None:
            self._path(name).with_suffix(".done").touch()

    def try_take(self, name: str) -> contextlib.AbstractContextManager[bool]:
        return self._locked(name, None)

    def take(
        self, name: str, timeout: float = TURN_TIMEOUT_S
    ) -> contextlib.AbstractContextManager[bool]:
        return self._locked(name, timeout)


def default_turns() -> Turns:
    """Locks beside the persistent JAX compilation cache, if this process uses one."""
    folder = os.environ.get("LOSSVIZ_JAX_CACHE_DIR") or os.environ.get("JAX_COMPILATION_CACHE_DIR")
    return Turns(os.path.join(folder, "lossviz-warmup") if folder else None)


# ---- running steps --------------------------------------------------------------------------
class _Missing(Exception):
    """An engine piece this warm-up would call does not exist (yet)."""


def _run(report: WarmupReport, phase: str, step: Step, turn: str = "") -> None:
    started = time.perf_counter()
    entry: dict[str, Any] = {"phase": phase}
    if turn:
        entry["turn"] = turn
    try:
        detail = step.run()
    except _Missing as missing:
        report.record(step.name, {**entry, "status": "skipped", "detail": str(missing)})
        log.warning("warm-up %s skipped: %s", step.name, missing)
        return
    except Exception as error:
        elapsed = time.perf_counter() - started
        report.record(
            step.name,
            {
                **entry,
                "status": "failed",
                "seconds": round(elapsed, 3),
                "detail": f"{type(error).__name__}: {error}",
            },
        )
        log.exception("warm-up %s failed after %.2fs", step.name, elapsed)
        return
    elapsed = time.perf_counter() - started
    entry.update(status="ok", seconds=round(elapsed, 3))
    if detail:
        entry["detail"] = detail
    report.record(step.name, entry)
    log.info("warm-up %s: %.2fs", step.name, elapsed)


def run_phase(report: WarmupReport, phase: str, steps: list[Step], turns: Turns) -> None:
    """Run `steps` in order; a shared step another worker holds is done after the next ones
    (but before any later unshared step, which may need its program), then loads from cache."""
    started = time.perf_counter()
    report.set_phase(phase, status="running", steps=[s.name for s in steps])

    def run_shared(step: Step, waited: bool) -> None:
        turn = "done before on this host" if turns.done_before(step.name) else "first on host"
        if waited:
            turn += " (waited for another worker)"
        _run(report, phase, step, turn=turn)
        if report.steps.get(step.name, {}).get("status") == "ok":
            turns.mark_done(step.name)

    pending = list(steps)
    while pending:
        deferred: list[Step] = []
        later: list[Step] = []
        for index, step in enumerate(pending):
            if turns.folder is None or not step.shared:
                if deferred:  # an unshared step waits for the shared ones before it
                    later = pending[index:]
                    break
                _run(report, phase, step)
                continue
            with turns.try_take(step.name) as mine:
                if mine:
                    run_shared(step, waited=False)
                else:
                    deferred.append(step)
        if deferred:
            step = deferred.pop(0)
            with turns.take(step.name):  # on timeout: run it anyway, without the lock
                run_shared(step, waited=True)
        pending = deferred + later
    statuses = [report.steps.get(s.name, {}).get("status") for s in steps]
    report.set_phase(
        phase,
        status="done" if all(s == "ok" for s in statuses) else "partial",
        seconds=round(time.perf_counter() - started, 3),
    )


# ---- the steps ------------------------------------------------------------------------------
def _module(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as error:
        raise _Missing(f"module {name!r} not importable ({error})") from None


def _call(module_name: str, attribute: str, *args: Any) -> Callable[[], Any]:
    def step() -> Any:
        hook = getattr(_module(module_name), attribute, None)
        if not callable(hook):
            raise _Missing(f"{module_name}.{attribute}() does not exist")
        return hook(*args)

    return step


def _optimizer_steps() -> tuple[list[Step], list[Step]]:
    """The lab's programs by priority (optimizers.engine.PROGRAMS): the first one first."""
    try:
        engine = importlib.import_module("optimizers.engine")
    except Exception:  # reported by the fallback step itself
        engine = None
    programs = list(getattr(engine, "PROGRAMS", ()))
    if not programs or not callable(getattr(engine, "warm_up_program", None)):
        return [Step("optimizers", _call("optimizers", "warm_up"))], []
    steps = [
        Step(f"optimizers:{name}", _call("optimizers.engine", "warm_up_program", name), True)
        for name in programs
    ]
    first = set(getattr(engine, "FIRST_PROGRAMS", programs[:1]))
    return (
        [s for s, name in zip(steps, programs, strict=True) if name in first],
        [s for s, name in zip(steps, programs, strict=True) if name not in first],
    )


def _bucket_label(bucket: Any) -> str:
    """'w8-block_rows200-minibatch_rows0'-like names for NamedTuple buckets, else str()."""
    as_dict = getattr(bucket, "_asdict", None)
    if callable(as_dict):
        return "-".join(f"{key}{value}" for key, value in as_dict().items())
    return str(bucket)


def _playground_steps() -> tuple[list[Step], list[Step]]:
    """The playground's program buckets (`program_buckets()`, the default first) one by one
    with `warm_up_bucket(b)`, then its view programs (`playground.maps.warm_up_maps`), the
    loss-landscape program (`warm_up_landscape`) after the other buckets; where the bucket API
    does not exist, `warm_up()` (everything) as the first step."""
    try:
        playground = importlib.import_module("playground")
        buckets = getattr(playground, "program_buckets", None)
        warm = getattr(playground, "warm_up_bucket", None)
        names = list(buckets()) if callable(buckets) and callable(warm) else []
    except Exception:  # reported by the step itself (fallback below)
        names = []
    if not names:
        return [Step("playground", _call("playground", "warm_up"), shared=True)], []
    steps = [
        Step(
            f"playground:{_bucket_label(bucket)}",
            _call("playground", "warm_up_bucket", bucket),
            shared=True,
        )
        for bucket in names
    ]
    maps = Step("playground:maps", _call("playground.maps", "warm_up_maps"), shared=True)
    rest = steps[1:]
    if callable(getattr(playground, "warm_up_landscape", None)):  # the network loss landscape
        landscape = _call("playground", "warm_up_landscape")
        rest.append(Step("playground:landscape", landscape, shared=True))
    return [steps[0], maps], rest


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
    """Open a page in-process as the browser does: the router callback, what it triggers, and
    the data URLs the responses ask for (`"fetch"` lists in store data).

    Returns (the page's DashState, number of requests). Raises RuntimeError when a request
    fails or a callback reports an error.
    """
    from serving.dash_client import CALLBACK_PATH, ROUTER_OUTPUT, DashState, side_errors

    state = DashState(dependencies=client.get("/_dash-dependencies").get_json())
    added = state.add_layout(client.get("/_dash-layout").get_json())
    fetched: set[str] = set()
    requests = 2 + _fetch(client, state.fetch_urls({}, added), fetched)
    state.props.setdefault("_pages_location", {}).update({"pathname": path, "search": search})
    router = next((s for s in state.server_callbacks() if ROUTER_OUTPUT in s["output"]), None)
    if router is None:
        raise RuntimeError(f"{path}{search}: the app has no pages router to open pages with")
    queue = [(router, [("_pages_location", "pathname"), ("_pages_location", "search")], 0)]
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
        requests += _fetch(client, state.fetch_urls(payload, added), fetched)
        if depth < 4:
            queue += [(s, c, depth + 1) for s, c in state.follow_ups(payload, added, spec)]
    return state, requests


def _fetch(client: Any, urls: list[str], fetched: set[str]) -> int:
    """GET each same-origin URL once (as the browser's cache would); raise on a failure."""
    count = 0
    for url in urls:
        if url in fetched or not url.startswith("/"):
            continue
        response = client.get(url, headers={"Accept-Encoding": "gzip"})
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code}")
        fetched.add(url)
        count += 1
    return count


def _page(server: Any, path: str) -> Callable[[], str]:
    """A bare page as a student opens it: its callbacks, data URLs and their programs."""

    def step() -> str:
        return f"{open_page(server.test_client(), path)[1]} requests"

    return step


def _landscapes(server: Any) -> Callable[[], str]:
    """The lab opened on every landscape with its defaults: each landscape's grid (compiled
    once per landscape) and default run, the answer to a landscape change."""

    def step() -> str:
        landscapes = _module("landscapes")
        lab = _module("settings.optimizer_lab")
        client = server.test_client()
        requests = 0
        ids = list(landscapes.landscape_ids())
        for landscape_id in ids:
            query = lab.LabSettings.default(landscape_id).to_query()
            requests += open_page(client, "/optimizers", f"?{query}" if query else "")[1]
        return f"{len(ids)} landscapes, {requests} requests"

    return step


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
        return f"{len(links)} presets, {requests} requests"

    return step


def _thumbnails(server: Any) -> Callable[[], str]:
    """Draw the home gallery's card pictures once (serving/api/thumbnails.py) into the shared
    cache, from the presets' programs the gallery step compiled."""

    def step() -> str:
        from serving.api.thumbnails import thumbnails_url

        with server.test_request_context():
            url = thumbnails_url()
        response = server.test_client().get(url, headers={"Accept-Encoding": "gzip"})
        if response.status_code not in (200, 202):  # 202: another worker is drawing them
            raise RuntimeError(f"GET {url} answered {response.status_code}")
        return f"{len(response.data)} bytes" if response.status_code == 200 else "another worker"

    return step


def plan(server: Any | None = None) -> dict[str, list[Step]]:
    """Every step of each phase, in order (HTTP steps only when given the Flask server).

    First phase: the lab's default programs (its trajectories and its curvature, for the
    stability indicator), the layout routes and the lab's bare page (its callbacks, its
    landscape grid, cached): a worker serves ~1.5 s after its import with an empty
    compilation cache. Its programs are shared between the workers of a host like every other
    (two workers: one compiles the trajectories while the other compiles the curvature, then
    each loads the other's from the persistent cache): ~0.9 s sooner than both compiling both.
    The playground's default bucket heads the background phase rather than the first: it costs
    ~3.4 s cold (~0.6 s from the persistent cache), which would keep every worker from serving
    anyone for that long (see FIRST_PHASE_PLAYGROUND).
    """
    lab_first, lab_rest = _optimizer_steps()
    playground_first, playground_rest = _playground_steps()
    first = list(lab_first)
    skier = Step("optimizers:skier", _call("optimizers.skier", "warm_up"), True)
    regression = Step("optimizers:regression", _call("optimizers.regression", "warm_up"), True)
    background = [*lab_rest, *playground_rest, skier, regression]
    if FIRST_PHASE_PLAYGROUND:
        first += [Step(s.name, s.run, shared=False) for s in playground_first]
    else:
        background = [*playground_first, *background]
    if server is not None:
        first += [
            Step("http", _http_path(server)),
            Step("page:/optimizers", _page(server, "/optimizers")),
        ]
        head = 0 if FIRST_PHASE_PLAYGROUND else len(playground_first)
        background = [
            *background[:head],
            Step("page:/playground", _page(server, "/playground")),
            *background[head:],
            Step("landscapes", _landscapes(server)),
            Step("gallery", _gallery(server)),
            Step("gallery thumbnails", _thumbnails(server)),
            Step("training lane", _training_lane(server)),
        ]
    return {FIRST: first, BACKGROUND: background}


def _training_lane(server: Any) -> Callable[[], str]:
    """Start the training lane's child (it compiles its programs at its own low priority)."""

    def run() -> str:
        from serving.training_lane import training_lane

        lane = training_lane(server)
        if lane is None:
            return "off"
        lane.start()
        return "starting"

    return run


# ---- entry points ---------------------------------------------------------------------------
BACKGROUND_NICE = 10


def _lower_priority() -> None:
    """Nice this thread (Linux schedules threads, so only the warm-up thread) by
    BACKGROUND_NICE: its compiles take the CPU the workers' requests leave, not theirs."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), BACKGROUND_NICE)
    except (AttributeError, OSError) as error:  # not Linux, or not allowed
        log.info("warm-up thread keeps its priority (%s)", error)


def freeze_long_lived() -> int:
    """Collect once, then move every object alive now (the app, its layouts, JAX's compiled
    programs and tracing caches: ~300 000 objects after warm-up) to the collector's permanent
    generation (`gc.freeze`), and return how many that is.

    Why: CPython's full collection walks every tracked object. After warm-up one took 100–270 ms
    in a worker, about once per worker every 30 s under a lecture-hall load, and a sync worker
    serves nothing meanwhile (benchmarks/load.py saw those pauses as its p99). Frozen objects
    are skipped by every later collection (under the same load a full one then took 13–32 ms); they are
    still freed by reference counting, only cycles among them stay (bounded: they are the
    warm-up's own objects)."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


def _finish(report: WarmupReport, started: float) -> None:
    from jax_config import compile_counter

    report.seconds = time.perf_counter() - started
    report.finished = True
    compile_counter().mark_warm()
    log.info("warm-up %s in %.2fs", report.status, report.seconds)


def start(server: Any, *, blocking: bool = True, turns: Turns | None = None) -> WarmupReport:
    """Warm this process up: the first phase now (`blocking`) or in the thread, the rest in a
    daemon thread. Returns the report (also in `server.extensions`, read by /readyz)."""
    started = time.perf_counter()
    report = WarmupReport(blocking=blocking)
    server.extensions[WARMUP_KEY] = report
    turns = turns or default_turns()
    steps = plan(server)

    def background(run_first: bool) -> None:
        _lower_priority()
        if run_first:
            run_phase(report, FIRST, steps[FIRST], turns)
        run_phase(report, BACKGROUND, steps[BACKGROUND], turns)
        report.frozen_objects = freeze_long_lived()  # a serving process only (not `warm_up`)
        _finish(report, started)  # "done" in /readyz: frozen_objects is already set

    if blocking:
        run_phase(report, FIRST, steps[FIRST], turns)
        log.info("warm-up first phase %s in %.2fs", report.phases[FIRST]["status"],
                 time.perf_counter() - started)  # fmt: skip
    thread = threading.Thread(
        target=background, args=(not blocking,), name="lossviz-warmup", daemon=True
    )
    report.thread = thread
    thread.start()
    return report


def start_background(server: Any) -> threading.Thread:
    """Both phases in a daemon thread while the process already serves (LOSSVIZ_WARMUP=background)."""
    thread = start(server, blocking=False).thread
    assert thread is not None
    return thread


def warm_up(server: Any | None = None, *, turns: Turns | None = None) -> WarmupReport:
    """Both phases, here and now (tests, scripts). Given the Flask server, also its HTTP steps,
    and the report is recorded for /readyz."""
    started = time.perf_counter()
    report = WarmupReport(blocking=True)
    if server is not None:
        server.extensions[WARMUP_KEY] = report
    turns = turns or default_turns()
    steps = plan(server)
    for phase in PHASES:
        run_phase(report, phase, steps[phase], turns)
    _finish(report, started)
    return report
