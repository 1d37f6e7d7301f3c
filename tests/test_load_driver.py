"""The load driver's own logic, in-process (no gunicorn): Server-Timing, fetch-follow with a
per-student browser cache, click moves built from the page's inputs, the floor app, and the
summaries the benchmarks report (compiles after warm-up, RSS growth, sustainable throughput).
"""

from __future__ import annotations

import asyncio
import gzip
import random
import threading
import time
from collections import Counter
from typing import Any

import pytest
from flask import Flask, Response

from benchmarks.load import (
    FieldKey,
    FloorModel,
    LabModel,
    Move,
    PageModel,
    Recorder,
    Reply,
    Student,
    compiles_summary,
    container_problem,
    cpu_ratio,
    decoded_body,
    sustainable,
)
from benchmarks.soak import growth_report
from serving.dash_client import DashState
from serving.timing import CpuTiming, init_timing, parse_server_timing, timing_enabled


def run_async(coroutine: Any) -> Any:
    """asyncio.run in a thread of its own: Playwright's session-wide browser (other test
    modules) keeps an event loop running in the main thread, where asyncio.run refuses."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = asyncio.run(coroutine)
        except BaseException as error:  # re-raised in the test's thread
            outcome["error"] = error

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


# ---- helpers ---------------------------------------------------------------------------------
@pytest.fixture()
def private_dash_globals(monkeypatch: pytest.MonkeyPatch) -> None:
    """A Dash app built in a test must not take the app's pages callbacks: Dash moves every
    `dash.callback` registered so far into the first app that serves a request. Give the
    test's apps empty global tables; the originals come back after the test."""
    import dash._callback as registry

    monkeypatch.setattr(registry, "GLOBAL_CALLBACK_LIST", [])
    monkeypatch.setattr(registry, "GLOBAL_CALLBACK_MAP", {})
    monkeypatch.setattr(registry, "GLOBAL_INLINE_SCRIPTS", [])
    monkeypatch.setattr(registry, "GLOBAL_API_PATHS", {})


class InProcess:
    """The driver's Connection interface over a Flask test client (same bytes, no sockets)."""

    host, port = "127.0.0.1", 0

    def __init__(self, server: Flask) -> None:
        self.client = server.test_client()
        self.paths: list[str] = []

    async def request(self, method: str, path: str, body: bytes = b"") -> Reply:
        self.paths.append(path)
        response = self.client.open(
            path,
            method=method,
            data=body,
            headers={"Accept-Encoding": "gzip", "Content-Type": "application/json"},
        )
        headers: dict[str, str] = {}
        for name, value in response.headers.items():
            key = name.lower()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        return Reply(response.status_code, headers, response.get_data())

    async def close(self) -> None:
        return None


class TypeInto(PageModel):
    """A model that types the given values, in order, into the page's first server input."""

    def __init__(self, values: list[str]) -> None:
        super().__init__()
        self.values = list(values)

    def moves(self, state: DashState, rng: random.Random) -> Move:
        component_id, prop = state.server_inputs()[0]
        return Move("typing", ((component_id, prop, self.values.pop(0)),))


def fetch_app() -> tuple[Flask, Counter]:
    """A one-page Dash app whose callback answers a store with a `fetch` list of gzip GETs."""
    from dash import Dash, Input, Output, dcc, html

    app = Dash(__name__, serve_locally=True)
    app.layout = html.Div([dcc.Input(id="word", value="a"), dcc.Store(id="data-urls")])
    served: Counter = Counter()

    @app.callback(Output("data-urls", "data"), Input("word", "value"))
    def urls(word: str) -> dict[str, Any]:
        return {"query": word, "fetch": [f"/api/blob/{word}.bin?v=1", "api/blob/shared.bin?v=1"]}

    @app.server.get("/api/blob/<name>.bin")
    def blob(name: str) -> Response:
        served[name] += 1
        raw = b"LVZ1" + (8).to_bytes(4, "little") + b'{"a": 1}' + name.encode() * 500
        response = Response(gzip.compress(raw), mimetype="application/octet-stream")
        response.headers["Content-Encoding"] = "gzip"
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response

    return app.server, served


# ---- Server-Timing ---------------------------------------------------------------------------
def test_parse_server_timing_reads_every_metric_with_a_duration() -> None:
    header = 'cpu;dur=1.25;desc="process", app;dur=3, miss, db;desc="x";dur="0.5"'
    assert parse_server_timing(header) == {"cpu": 1.25, "app": 3.0, "db": 0.5}
    assert parse_server_timing("") == {}


def test_timing_env_is_strict_and_off_by_default() -> None:
    assert timing_enabled({}) is False
    assert timing_enabled({"LOSSVIZ_TIMING": "1"}) is True
    assert timing_enabled({"LOSSVIZ_TIMING": " off "}) is False
    with pytest.raises(ValueError, match="LOSSVIZ_TIMING"):
        timing_enabled({"LOSSVIZ_TIMING": "sometimes"})


def _busy_app() -> Flask:
    server = Flask("timing-test")

    @server.get("/spin")
    def spin() -> str:
        until = time.thread_time() + 0.03
        while time.thread_time() < until:
            pass
        return "spun"

    @server.get("/sleep")
    def sleep() -> str:
        time.sleep(0.05)
        return "slept"

    return server


def test_server_timing_header_measures_cpu_not_waiting() -> None:
    server = _busy_app()
    assert init_timing(server, {"LOSSVIZ_TIMING": "1"}) is True
    client = server.test_client()
    spin = client.get("/spin").headers["Server-Timing"]
    sleep = client.get("/sleep").headers["Server-Timing"]
    assert 'desc="process"' in spin  # one request at a time: the process clock
    assert parse_server_timing(spin)["cpu"] >= 25
    slept = parse_server_timing(sleep)
    assert slept["cpu"] < 20 and slept["app"] >= 45


def test_timing_off_installs_nothing() -> None:
    server = _busy_app()
    assert init_timing(server, {}) is False
    assert "Server-Timing" not in server.test_client().get("/sleep").headers


def test_overlapping_requests_are_measured_with_their_own_thread_clock() -> None:
    release = threading.Event()

    def app(environ: dict, start_response: Any) -> list[bytes]:
        if environ["PATH_INFO"] == "/slow":
            release.wait(5)
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    timed = CpuTiming(app)
    headers: dict[str, str] = {}

    def call(path: str) -> None:
        def start_response(status: str, response_headers: list, *exc: Any) -> None:
            headers[path] = dict(response_headers)["Server-Timing"]

        timed({"PATH_INFO": path}, start_response)

    slow = threading.Thread(target=call, args=("/slow",))
    slow.start()
    time.sleep(0.05)  # /slow is in flight
    call("/fast")
    release.set()
    slow.join(5)
    assert 'desc="thread"' in headers["/fast"] and 'desc="thread"' in headers["/slow"]
    call("/alone")
    assert 'desc="process"' in headers["/alone"]


# ---- fetch-follow ----------------------------------------------------------------------------
def test_fetch_urls_come_from_store_data_side_updates_and_new_stores() -> None:
    state = DashState(dependencies=[])
    state.add_layout({"type": "Store", "namespace": "x", "props": {"id": "s0", "data": None}})
    added = state.add_layout(
        {"type": "Store", "namespace": "x", "props": {"id": "s1", "data": {"fetch": ["/c"]}}}
    )
    payload = {
        "response": {
            "s0": {"data": {"fetch": ["/a", "/b", "/a"]}},
            "t": {"children": {"fetch": ["/not-a-store"]}},
        },
        "sideUpdate": {"s2": {"data": {"fetch": ["/d"], "other": 1}}},
    }
    assert state.fetch_urls(payload, added) == ["/a", "/b", "/d", "/c"]
    assert state.fetch_urls({"response": {"s0": {"data": {"fetch": "/x"}}}}) == []


def test_students_fetch_each_url_once_count_wire_and_decoded_bytes(private_dash_globals) -> None:
    server, served = fetch_app()
    recorder = Recorder()
    conn = InProcess(server)
    student = Student(TypeInto(["b", "a"]), conn, random.Random(0), recorder.sample)

    async def session() -> None:
        assert await student.open_page()
        await student.act()  # "b": b.bin is new, shared.bin already cached
        await student.act()  # back to "a": everything cached, no GET

    run_async(session())
    fetches = [s for s in recorder.samples if s.route == "fetch"]
    assert [(s.kind, s.error) for s in fetches] == [
        ("page_load", ""),
        ("page_load", ""),
        ("typing", ""),
    ]
    assert served == Counter({"a": 1, "shared": 1, "b": 1})
    assert all(s.immutable and s.wire_bytes < s.body_bytes for s in fetches)
    assert [s.route for s in recorder.samples if s.kind == "typing"] == [
        "callback",
        "fetch",
        "callback",
    ]
    # A second student has its own browser cache: it fetches again.
    again = Student(TypeInto([]), InProcess(server), random.Random(0), recorder.sample)
    run_async(again.open_page())
    assert served == Counter({"a": 2, "shared": 2, "b": 1})


def test_decoding_and_container_checks() -> None:
    body = b"LVZ1" + (4).to_bytes(4, "little") + b"{}  "
    reply = Reply(200, {"content-encoding": "gzip"}, gzip.compress(body))
    assert decoded_body(reply) == body
    assert container_problem(body) == ""
    assert container_problem(b"LVZ1" + (99).to_bytes(4, "little")) != ""
    assert container_problem(b'{"json": true}') == ""
    with pytest.raises(ValueError):
        decoded_body(Reply(200, {"content-encoding": "br"}, b""))


# ---- moves from the page's inputs -----------------------------------------------------------
def test_the_lab_model_offers_each_rows_learning_rates_as_the_page_writes_them() -> None:
    from optimizers.specs import OPTIMIZERS
    from settings.fields import format_float

    model = LabModel()
    assert set(model.lr_choices) == set(OPTIMIZERS)
    gd = OPTIMIZERS["gd"].learning_rate.default
    assert format_float(gd) in model.lr_choices["gd"]
    assert format_float(gd * 10) in model.lr_choices["gd"]


def test_a_click_on_the_landscape_writes_both_start_boxes_as_the_browser_does() -> None:
    """assets/lab/plane_input.js writes the clicked point, to three decimals, into w₁ and w₂."""
    from settings.fields import parse_float

    model = LabModel()
    state = DashState(dependencies=[])
    state.add_layout(
        [
            {"type": "Input", "namespace": "dcc", "props": {"id": {"type": "lab-field", "key": k}}}
            for k in ("landscape", "w1", "w2")
        ]
    )
    state.set_prop({"type": "lab-field", "key": "landscape"}, "value", "rosenbrock")

    class Roll(random.Random):
        def random(self) -> float:
            return 0.9  # a click

    move = model.moves(state, Roll(3))
    assert move.kind == "lab_click"
    (w1_key, _, w1), (w2_key, _, w2) = move.changes
    assert (w1_key, w2_key) == (FieldKey("w1"), FieldKey("w2"))
    (x0, x1), (y0, y1) = model.landscapes["rosenbrock"]
    for text, (low, high) in ((w1, (x0, x1)), (w2, (y0, y1))):
        value, problem = parse_float(text, "w", 0.0, low, high)
        assert problem is None and low < value < high and round(value, 3) == value


def test_a_move_no_server_callback_listens_to_is_reported_not_silent() -> None:
    state = DashState(
        dependencies=[
            {"output": "out.children", "inputs": [{"id": "lab-click", "property": "data"}]},
            {
                "output": "ghost.children",
                "inputs": [{"id": "lab-landscape", "property": "hoverData"}],
                "clientside_function": {"namespace": "n", "function_name": "f"},
            },
        ]
    )
    state.add_layout(
        [
            {"type": "Graph", "namespace": "dcc", "props": {"id": "lab-landscape"}},
            {"type": "Store", "namespace": "dcc", "props": {"id": "lab-click"}},
            {"type": "Div", "namespace": "html", "props": {"id": "out"}},
        ]
    )
    recorder = Recorder()

    class Nowhere(PageModel):
        def moves(self, state: DashState, rng: random.Random) -> Move:
            return Move("lab_click", (("lab-landscape", "hoverData", {}),))

    class Missing(PageModel):
        def moves(self, state: DashState, rng: random.Random) -> Move:
            return Move("lab_lr", ((FieldKey("gd.lr"), "value", "0.1"),))

    for model in (Nowhere(), Missing()):
        conn = InProcess(Flask("x"))
        student = Student(model, conn, random.Random(0), recorder.sample, note=recorder.note)
        student.state = state
        run_async(student.act())
    assert recorder.samples == []
    assert set(recorder.notes) == {
        "lab_click: no server callback listens",
        "no control for 'gd.lr' on this page",
    }


# ---- the framework floor ---------------------------------------------------------------------
def test_floor_app_answers_27_kb_with_server_timing(
    private_dash_globals, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOSSVIZ_TIMING", "1")
    from benchmarks.floor_app import PAYLOAD_CHARS, create_floor_app

    server = create_floor_app().server
    recorder = Recorder()
    student = Student(FloorModel(), InProcess(server), random.Random(0), recorder.sample)

    async def session() -> None:
        assert await student.open_page()
        for _ in range(3):
            await student.act()

    run_async(session())
    callbacks = [s for s in recorder.samples if s.route == "callback"]
    assert len(callbacks) == 4  # the initial callback, then one per move
    assert all(s.error == "" and s.cpu_ms is not None and s.cpu_ms > 0 for s in callbacks)
    assert all(PAYLOAD_CHARS < s.body_bytes < PAYLOAD_CHARS + 300 for s in callbacks)
    assert student.state is not None
    assert len(student.state.props["floor-store"]["data"]["blob"]) == PAYLOAD_CHARS


# ---- what the benchmarks report --------------------------------------------------------------
def test_compiles_after_warmup_is_a_sum_or_null_with_a_reason() -> None:
    full = {
        "h:1": {"compiles": {"total": 9, "after_warmup": 0, "cache_hits": 3}},
        "h:2": {"compiles": {"total": 8, "after_warmup": 2, "cache_hits": 1}},
    }
    assert compiles_summary(full, 2)["compiles_after_warmup"] == 2
    missing = compiles_summary({"h:1": {"ready": True}, **{"h:2": full["h:2"]}}, 2)
    assert missing["compiles_after_warmup"] is None and "no compiles" in missing["compiles_note"]
    partial = compiles_summary({"h:1": full["h:1"]}, 2)
    assert partial["compiles_after_warmup"] is None and "1 of 2" in partial["compiles_note"]
    assert compiles_summary({}, 2)["compiles_after_warmup"] is None
    warming = {"h:1": full["h:1"], "h:2": {"compiles": {"total": 3, "after_warmup": None}}}
    unfinished = compiles_summary(warming, 2)
    assert unfinished["compiles_after_warmup"] is None
    assert "not finished" in unfinished["compiles_note"]


def test_rss_growth_is_measured_from_minute_one_on_surviving_workers() -> None:
    samples = [
        (0.0, {10: 300.0, 11: 310.0}),
        (50.0, {10: 380.0, 11: 390.0}),
        (60.0, {10: 400.0, 11: 395.0}),
        (300.0, {10: 412.0, 12: 500.0}),  # 11 replaced by 12
        (600.0, {10: 420.5, 12: 800.0}),
    ]
    report = growth_report(samples)
    assert report["rss_growth_mb_after_first_minute"] == 20.5
    assert report["workers"]["11"]["growth_mb_after_first_minute"] is None
    assert report["workers"]["12"]["growth_mb_after_first_minute"] is None
    assert report["workers_replaced"] is True
    assert report["workers"]["10"]["rss_mb_peak"] == 420.5


def test_sustainable_is_the_fastest_level_within_the_budget() -> None:
    levels = [
        {"connections": 4, "rps": 120.0, "p95_ms": 60.0, "errors": 0},
        {"connections": 16, "rps": 150.0, "p95_ms": 180.0, "errors": 0},
        {"connections": 8, "rps": 140.0, "p95_ms": 90.0, "errors": 1},
    ]
    assert sustainable(levels, 100.0)["connections"] == 4
    assert sustainable(levels, 200.0)["connections"] == 16
    assert sustainable(levels, 10.0) is None


def test_cpu_floor_ratio_compares_cpu_per_request_at_the_sustainable_levels() -> None:
    def level(connections: int, p95: float, cpu_ms: float) -> dict[str, Any]:
        return {
            "connections": connections,
            "rps": 100.0 * connections,
            "p95_ms": p95,
            "errors": 0,
            "server_cpu_ms_per_request": cpu_ms,
        }

    saturation = {
        "app": [level(2, 50.0, 4.0), level(8, 400.0, 1.0)],
        "floor": [level(2, 5.0, 1.0), level(8, 20.0, 0.8)],
    }
    assert cpu_ratio(saturation, 100.0) == 0.2  # 0.8 ms (floor at 8) / 4.0 ms (app at 2)
    assert cpu_ratio({"app": [level(2, 500.0, 4.0)], "floor": []}, 100.0) is None


def test_a_204_on_a_kept_alive_connection_is_read_without_waiting_for_close() -> None:
    """A 204 has no body (RFC 9110): reading one until the server closes the connection made
    every PreventUpdate callback on a keep-alive (gthread) server wait its keep-alive time."""
    from benchmarks.load import Connection

    async def scenario() -> tuple[list[int], float]:
        async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            for status in (b"204 No Content", b"200 OK"):
                await reader.readuntil(b"\r\n\r\n")
                body = b"" if status.startswith(b"204") else b"ok"
                length = b"" if not body else b"Content-Length: 2\r\n"
                writer.write(b"HTTP/1.1 " + status + b"\r\n" + length + b"\r\n" + body)
                await writer.drain()
            await asyncio.sleep(5)  # keeps the connection open, as keep-alive does
            writer.close()

        server = await asyncio.start_server(answer, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        connection = Connection("127.0.0.1", port, timeout=3.0)
        started = time.perf_counter()
        first = await connection.request("POST", "/_dash-update-component", b"{}")
        second = await connection.request("GET", "/next")
        elapsed = time.perf_counter() - started
        await connection.close()
        server.close()
        return [first.status, second.status, first.body, second.body], elapsed

    outcome: list[Any] = []  # its own thread: another test may leave a loop running here
    worker = threading.Thread(target=lambda: outcome.append(asyncio.run(scenario())))
    worker.start()
    worker.join(timeout=20)
    (statuses_and_bodies, elapsed) = outcome[0]
    assert statuses_and_bodies == [204, 200, b"", b"ok"]
    assert elapsed < 2.0  # not the server's keep-alive wait


def test_p95_by_window_splits_the_run_by_when_each_request_was_sent() -> None:
    from benchmarks.load import Sample, p95_by_window

    t0 = 100.0
    samples = [Sample("lab_lr", ms, 200, "", at=t0 + at) for at, ms in ((0.5, 900.0), (1, 800.0))]
    samples += [Sample("lab_lr", float(ms), 200, "", at=t0 + 11 + ms / 100) for ms in range(20)]
    assert p95_by_window(samples, t0, 5.0) == [900.0, None, 18.0]  # nearest rank of 0..19
    assert p95_by_window([], t0, 5.0) == []
