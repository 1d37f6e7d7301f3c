"""Serving: configuration from the environment, cache backends, Redis-down behaviour, warm-up,
readiness and the response headers the class server relies on."""

from __future__ import annotations

import gc
import logging
import pickle
import socket
import time

import pytest
from flask import Flask, request
from hypothesis import given, settings
from hypothesis import strategies as st

from jax_config import CompileCounter
from serving import cache as cache_module
from serving.cache import (
    CACHE_HEADER,
    FILESYSTEM_THRESHOLD,
    INSTANCE_HEADER,
    MB,
    BackendHealth,
    BoundedMemoryCache,
    cache_settings,
    get_or_compute,
    init_cache,
)
from serving.config import ServerConfig, gunicorn_jax_cache_dir
from serving.warmup import (
    BACKGROUND,
    FIRST,
    WARMUP_KEY,
    Step,
    Turns,
    WarmupReport,
    run_phase,
    start,
    warm_up,
)

# ---- configuration ------------------------------------------------------------------------


def test_defaults_without_environment():
    config = ServerConfig.from_env({})
    assert (config.host, config.port, config.workers, config.threads) == ("127.0.0.1", 8050, 2, 4)
    assert config.cache == "simple"
    assert config.redis_url == "redis://127.0.0.1:6379/0"
    assert config.cache_timeout == 3600
    assert config.cache_max_mb == 32
    assert config.jax_cache_dir == ""
    assert config.debug is False and config.access_log is False
    assert config.cache_dir  # a temp folder, never empty


def test_every_variable_is_read():
    env = {
        "LOSSVIZ_HOST": "0.0.0.0",
        "LOSSVIZ_PORT": "9001",
        "LOSSVIZ_WORKERS": "4",
        "LOSSVIZ_THREADS": "8",
        "LOSSVIZ_CACHE": " Redis ",
        "LOSSVIZ_REDIS_URL": "redis://cache.lan:6380/2",
        "LOSSVIZ_REDIS_TIMEOUT": "0.1",
        "LOSSVIZ_CACHE_RETRY": "2.5",
        "LOSSVIZ_CACHE_DIR": "/srv/cache",
        "LOSSVIZ_CACHE_TIMEOUT": "60",
        "LOSSVIZ_CACHE_MAX_MB": " 48 ",
        "LOSSVIZ_JAX_CACHE_DIR": "/srv/jax",
        "LOSSVIZ_INSTANCE": "host-a",
        "LOSSVIZ_WARMUP": "Background",
        "LOSSVIZ_ACCESS_LOG": "yes",
        "LOSSVIZ_DEBUG": "true",
    }
    config = ServerConfig.from_env(env)
    assert config == ServerConfig(
        host="0.0.0.0",
        port=9001,
        workers=4,
        threads=8,
        cache="redis",
        redis_url="redis://cache.lan:6380/2",
        redis_timeout=0.1,
        cache_retry=2.5,
        cache_dir="/srv/cache",
        cache_timeout=60,
        cache_max_mb=48,
        jax_cache_dir="/srv/jax",
        instance="host-a",
        warmup="background",
        access_log=True,
        debug=True,
    )
    assert config.instance_name() == "host-a"


def test_blank_values_mean_default():
    config = ServerConfig.from_env({"LOSSVIZ_PORT": " ", "LOSSVIZ_WORKERS": "", "LOSSVIZ_HOST": ""})
    assert (config.port, config.workers, config.host) == (8050, 2, "127.0.0.1")


@pytest.mark.parametrize(
    ("name", "value", "fragment"),
    [
        ("LOSSVIZ_PORT", "eighty", "LOSSVIZ_PORT must be a whole number"),
        ("LOSSVIZ_PORT", "70000", "between 1 and 65535"),
        ("LOSSVIZ_PORT", "0", "between 1 and 65535"),
        ("LOSSVIZ_WORKERS", "0", "LOSSVIZ_WORKERS must be between 1 and 64"),
        ("LOSSVIZ_WORKERS", "2.5", "whole number"),
        ("LOSSVIZ_THREADS", "-1", "LOSSVIZ_THREADS must be between"),
        ("LOSSVIZ_CACHE", "memcached", "LOSSVIZ_CACHE must be one of simple, redis"),
        ("LOSSVIZ_CACHE", "SimpleCache", "LOSSVIZ_CACHE must be one of"),
        ("LOSSVIZ_REDIS_URL", "localhost:6379", "LOSSVIZ_REDIS_URL must start with redis://"),
        ("LOSSVIZ_REDIS_TIMEOUT", "nan", "LOSSVIZ_REDIS_TIMEOUT must be between"),
        ("LOSSVIZ_REDIS_TIMEOUT", "soon", "LOSSVIZ_REDIS_TIMEOUT must be a number"),
        ("LOSSVIZ_CACHE_TIMEOUT", "-5", "LOSSVIZ_CACHE_TIMEOUT must be between"),
        ("LOSSVIZ_CACHE_MAX_MB", "0", "LOSSVIZ_CACHE_MAX_MB must be between 1 and"),
        ("LOSSVIZ_CACHE_MAX_MB", "64MB", "LOSSVIZ_CACHE_MAX_MB must be a whole number"),
        ("LOSSVIZ_CACHE_MAX_MB", "0.5", "LOSSVIZ_CACHE_MAX_MB must be a whole number"),
        ("LOSSVIZ_DEBUG", "maybe", "LOSSVIZ_DEBUG must be 1 or 0"),
        ("LOSSVIZ_WARMUP", "lazy", "LOSSVIZ_WARMUP must be one of sync, background, off"),
        ("LOSSVIZ_HOST", "my host", "LOSSVIZ_HOST must be an address"),
    ],
)
def test_bad_values_fail_with_a_message_naming_the_variable(name, value, fragment):
    with pytest.raises(ValueError, match=fragment.replace(".", r"\.")) as raised:
        ServerConfig.from_env({name: value})
    assert name in str(raised.value)


def test_instance_name_defaults_to_host_and_pid():
    import os

    name = ServerConfig.from_env({}).instance_name()
    assert name.endswith(f":{os.getpid()}")


def test_gunicorn_jax_cache_dir(tmp_path):
    assert gunicorn_jax_cache_dir({}).endswith("lossviz-jax")
    assert "~" not in gunicorn_jax_cache_dir({})
    assert gunicorn_jax_cache_dir({"LOSSVIZ_JAX_CACHE_DIR": str(tmp_path)}) == str(tmp_path)
    assert gunicorn_jax_cache_dir({"LOSSVIZ_JAX_CACHE_DIR": "off"}) == ""


def test_gunicorn_conf_reads_the_environment(monkeypatch, tmp_path):
    """gunicorn.conf.py: bind/workers from env, no preload, warm-up hook, JAX cache exported."""
    import runpy

    monkeypatch.setenv("LOSSVIZ_HOST", "127.0.0.1")
    monkeypatch.setenv("LOSSVIZ_PORT", "8123")
    monkeypatch.setenv("LOSSVIZ_WORKERS", "3")
    monkeypatch.setenv("LOSSVIZ_THREADS", "1")
    monkeypatch.setenv("LOSSVIZ_JAX_CACHE_DIR", str(tmp_path / "jax"))
    conf = runpy.run_path("gunicorn.conf.py")
    assert conf["bind"] == ["127.0.0.1:8123"]
    assert conf["workers"] == 3
    assert conf["worker_class"] == "sync"
    assert conf["preload_app"] is False
    assert conf["wsgi_app"] == "app:server"
    assert callable(conf["post_worker_init"])
    assert (tmp_path / "jax").is_dir()
    import os

    assert os.environ["LOSSVIZ_JAX_CACHE_DIR"] == str(tmp_path / "jax")
    monkeypatch.setenv("LOSSVIZ_THREADS", "4")
    monkeypatch.setenv("LOSSVIZ_JAX_CACHE_DIR", "off")
    conf = runpy.run_path("gunicorn.conf.py")
    assert conf["worker_class"] == "gthread" and conf["threads"] == 4
    assert "LOSSVIZ_JAX_CACHE_DIR" not in os.environ


def test_gunicorn_master_never_imports_jax_or_the_app(tmp_path):
    """What the master loads (gunicorn.conf.py): configuration only; JAX and the app are
    imported by each worker after the fork."""
    import subprocess
    import sys

    probe = (
        "import runpy, sys; runpy.run_path('gunicorn.conf.py'); "
        "print(sorted(m for m in ('jax', 'jaxlib', 'app', 'dash') if m in sys.modules))"
    )
    env = {"PATH": "/usr/bin:/bin", "LOSSVIZ_JAX_CACHE_DIR": str(tmp_path / "jax")}
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout.strip() == "[]", done.stdout + done.stderr


# ---- cache settings per backend -----------------------------------------------------------


def test_cache_settings_per_backend():
    simple = cache_settings(ServerConfig(cache="simple", cache_max_mb=5))
    assert simple["CACHE_TYPE"] == "serving.cache.BoundedMemoryCache"
    assert simple["CACHE_OPTIONS"] == {"max_bytes": 5 * MB}
    assert simple["CACHE_DEFAULT_TIMEOUT"] == 3600
    assert cache_settings(ServerConfig(cache="null"))["CACHE_TYPE"] == "NullCache"
    files = cache_settings(ServerConfig(cache="filesystem", cache_dir="/tmp/x"))
    assert (files["CACHE_TYPE"], files["CACHE_DIR"]) == ("FileSystemCache", "/tmp/x")
    assert files["CACHE_THRESHOLD"] == FILESYSTEM_THRESHOLD
    redis = cache_settings(
        ServerConfig(cache="redis", redis_url="redis://h:1/3", redis_timeout=0.2)
    )
    assert redis["CACHE_TYPE"] == "RedisCache"
    assert redis["CACHE_REDIS_URL"] == "redis://h:1/3"
    assert redis["CACHE_KEY_PREFIX"] == "lossviz:"
    options = redis["CACHE_OPTIONS"]
    assert options["socket_connect_timeout"] == options["socket_timeout"] == 0.2
    # No redis-py retries: each retry would add a timeout to a student's request.
    assert options["retry"].get_retries() == 0


def _app(config: ServerConfig) -> Flask:
    server = Flask(f"test-{config.cache}")
    init_cache(server, config)

    @server.route("/compute/<key>")
    def compute(key: str):
        calls = server.config.setdefault("CALLS", [])
        value = get_or_compute(f"test:{key}", lambda: calls.append(key) or {"key": key})
        return value

    return server


def test_simple_cache_hit_and_miss_headers():
    server = _app(ServerConfig(cache="simple", instance="unit-a", instance_header=True))
    client = server.test_client()
    first = client.get("/compute/a")
    second = client.get("/compute/a")
    assert first.status_code == second.status_code == 200
    assert first.headers[CACHE_HEADER] == "miss"
    assert second.headers[CACHE_HEADER] == "hit"
    assert server.config["CALLS"] == ["a"]
    assert first.headers[INSTANCE_HEADER] == "unit-a"
    # A request that never touches the cache says nothing about it.
    assert CACHE_HEADER not in client.get("/readyz").headers


# ---- the in-process cache, bounded in bytes ---------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _stored_bytes(backend: BoundedMemoryCache) -> int:
    """What the entries really hold (payload + key + bookkeeping), counted independently."""
    entries = backend._entries
    return sum(
        len(entries[key].payload) + len(key.encode()) + backend.ENTRY_OVERHEAD
        for key in list(entries)
    )


def test_the_simple_backend_is_the_bounded_one():
    server = _app(ServerConfig(cache="simple", cache_max_mb=3))
    with server.app_context():
        backend = cache_module.cache.cache
        assert isinstance(backend, BoundedMemoryCache)
        assert backend.max_bytes == 3 * MB and backend.default_timeout == 3600
    assert server.test_client().get("/readyz").get_json()["cache"]["max_bytes"] == 3 * MB


@settings(max_examples=150, deadline=None)
@given(
    max_bytes=st.integers(4_000, 60_000),
    operations=st.lists(
        st.tuples(
            st.sampled_from(["a", "b", "c", "d", "e", "f", "g", "h", "key-" + "k" * 200]),
            st.integers(0, 12_000),  # value length
            st.sampled_from([None, 0, 1, 5, 60]),  # timeout
            st.floats(0, 3),  # seconds that pass before the set
            st.booleans(),  # read another key first (changes the LRU order)
        ),
        max_size=60,
    ),
)
def test_stored_bytes_never_exceed_the_bound(max_bytes, operations):
    clock = FakeClock()
    backend = BoundedMemoryCache(max_bytes=max_bytes, default_timeout=30, clock=clock)
    for key, length, timeout, wait, read_first in operations:
        clock.now += wait
        if read_first:
            backend.get("a")
        stored = backend.set(key, b"x" * length, timeout)
        stats = backend.stats()
        assert stats["bytes"] <= max_bytes
        assert _stored_bytes(backend) == stats["bytes"] <= max_bytes
        if stored:
            assert backend.get(key) == b"x" * length  # what was just stored is there, intact
        else:
            pickled = len(pickle.dumps(b"x" * length, protocol=pickle.HIGHEST_PROTOCOL))
            assert pickled + len(key) + backend.ENTRY_OVERHEAD > backend.max_entry_bytes
            assert backend.get(key) is None  # refused: no older value left behind


def test_least_recently_used_is_evicted_first():
    value = b"." * 1000
    charge = len(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)) + 3 + 400
    backend = BoundedMemoryCache(max_bytes=20 * charge + charge // 2, default_timeout=0)
    assert backend.ENTRY_OVERHEAD == 400
    keys = [f"k{i:02d}" for i in range(25)]  # 3 bytes each
    for key in keys:
        assert backend.set(key, value)
    assert [k for k in keys if backend.has(k)] == keys[5:]  # 20 fit; the 5 oldest went first
    assert backend.get("k05") == value  # reading the oldest makes it the most recent
    backend.set("k99", value)
    assert backend.has("k05") and not backend.has("k06")  # the least recently used went
    assert backend.stats()["evictions"] == 6
    assert backend.stats()["bytes"] == 20 * charge


def test_entries_expire_after_their_timeout():
    clock = FakeClock()
    backend = BoundedMemoryCache(max_bytes=MB, default_timeout=60, clock=clock)
    backend.set("default", 1)
    backend.set("short", 2, timeout=5)
    backend.set("forever", 3, timeout=0)
    clock.now += 4.9
    assert [backend.get(k) for k in ("default", "short", "forever")] == [1, 2, 3]
    clock.now += 0.2
    assert [backend.get(k) for k in ("default", "short", "forever")] == [1, None, 3]
    clock.now += 60
    assert [backend.get(k) for k in ("default", "short", "forever")] == [None, None, 3]
    assert backend.stats()["entries"] == 1
    assert backend.stats()["bytes"] == _stored_bytes(backend)


def test_oversize_values_are_refused_and_counted():
    backend = BoundedMemoryCache(max_bytes=80_000, default_timeout=0)
    assert backend.max_entry_bytes == 10_000
    assert backend.set("small", b"x" * 5_000)
    assert backend.set("big", b"old")
    assert not backend.set("big", b"x" * 20_000)
    assert backend.get("big") is None and backend.get("small") == b"x" * 5_000
    assert backend.stats()["refused"] == 1


def test_values_are_copies_no_caller_can_change_another_callers_value():
    import numpy as np

    backend = BoundedMemoryCache(max_bytes=MB, default_timeout=0)
    value = {"path": np.arange(4.0), "runs": [1, 2]}
    backend.set("run", value)
    value["runs"].append(3)  # after storing: not seen
    first = backend.get("run")
    first["path"][0] = 99.0
    first["runs"].clear()
    second = backend.get("run")
    assert second["runs"] == [1, 2] and second["path"][0] == 0.0


def test_the_bound_holds_under_concurrent_threads():
    import threading

    backend = BoundedMemoryCache(max_bytes=200_000, default_timeout=0)
    errors: list[BaseException] = []

    def hammer(seed: int) -> None:
        import random

        rng = random.Random(seed)
        try:
            for _ in range(2000):
                key = f"k{rng.randrange(40)}"
                if rng.random() < 0.5:
                    backend.set(key, b"v" * rng.randrange(20_000))
                else:
                    backend.get(key)
        except BaseException as error:  # pragma: no cover (reported below)
            errors.append(error)

    threads = [threading.Thread(target=hammer, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert _stored_bytes(backend) == backend.stats()["bytes"] <= 200_000


def test_get_or_compute_through_the_bounded_cache():
    server = Flask("bounded")
    init_cache(server, ServerConfig(cache="simple", cache_max_mb=1))
    calls: list[str] = []
    big = b"z" * (MB // 4)  # larger than 1/8 of the bound: computed, never stored

    @server.route("/<name>")
    def compute(name: str):
        value = get_or_compute(f"t:{name}", lambda: calls.append(name) or {"n": name})
        if name == "big":
            get_or_compute("t:big-blob", lambda: calls.append("blob") or big)
        return value

    client = server.test_client()
    assert client.get("/a").headers[CACHE_HEADER] == "miss"
    assert client.get("/a").headers[CACHE_HEADER] == "hit"
    client.get("/big")
    client.get("/big")
    assert calls == ["a", "big", "blob", "blob"]  # the blob was refused, so computed twice
    stats = client.get("/readyz").get_json()["cache"]
    assert stats["refused"] == 2 and stats["bytes"] <= stats["max_bytes"] == MB


def test_redis_cache_object_is_built_with_fail_fast_options():
    server = _app(ServerConfig(cache="redis", redis_url="redis://127.0.0.1:1/0"))
    with server.app_context():
        backend = cache_module.cache.cache
        kwargs = backend._read_client.connection_pool.connection_kwargs
    assert type(backend).__name__ == "RedisCache"
    assert kwargs["socket_connect_timeout"] == 0.25
    assert kwargs["socket_timeout"] == 0.25


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_redis_down_computes_logs_once_and_never_fails(caplog):
    port = _closed_port()  # nothing listens there: connection refused
    server = _app(ServerConfig(cache="redis", redis_url=f"redis://127.0.0.1:{port}/0"))
    client = server.test_client()
    caplog.set_level(logging.WARNING, logger="lossviz.cache")
    responses = [client.get(f"/compute/k{i % 2}") for i in range(6)]
    assert [r.status_code for r in responses] == [200] * 6
    assert all(r.headers[CACHE_HEADER] == "error" for r in responses)
    assert [r.get_json()["key"] for r in responses] == ["k0", "k1"] * 3
    assert server.config["CALLS"] == ["k0", "k1"] * 3  # computed every time
    warnings = [r for r in caplog.records if "unavailable" in r.getMessage()]
    assert len(warnings) == 1, [r.getMessage() for r in caplog.records]
    assert "ConnectionError" in warnings[0].getMessage()
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.get_json()["cache"]["reachable"] is False
    assert "unreachable" in ready.get_json()["reasons"][0]


def test_hung_redis_costs_one_timeout_per_retry_window(caplog):
    """A Redis that accepts connections but never answers: the first request waits one
    timeout, then the cache is bypassed (no waiting) until the retry window ends."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    port = listener.getsockname()[1]
    try:
        config = ServerConfig(
            cache="redis",
            redis_url=f"redis://127.0.0.1:{port}/0",
            redis_timeout=0.2,
            cache_retry=30,
        )
        server = _app(config)
        client = server.test_client()
        started = time.perf_counter()
        first = client.get("/compute/x")
        first_seconds = time.perf_counter() - started
        started = time.perf_counter()
        rest = [client.get("/compute/x") for _ in range(5)]
        rest_seconds = time.perf_counter() - started
    finally:
        listener.close()
    assert first.status_code == 200 and first.headers[CACHE_HEADER] == "error"
    assert 0.15 < first_seconds < 1.0
    assert all(r.status_code == 200 and r.headers[CACHE_HEADER] == "error" for r in rest)
    assert rest_seconds < 0.15


def test_backend_health_retries_after_the_window_and_logs_recovery(caplog):
    now = [0.0]
    health = BackendHealth(retry_seconds=5, clock=lambda: now[0])
    caplog.set_level(logging.DEBUG, logger="lossviz.cache")
    assert health.available()
    health.failed("get", ConnectionError("refused"))
    assert not health.available()
    now[0] = 4.9
    assert not health.available()
    now[0] = 5.1
    assert health.available()  # one request may try again
    health.failed("get", ConnectionError("refused"))  # still down: no second warning
    health.succeeded()
    messages = [(r.levelno, r.getMessage()) for r in caplog.records]
    warnings = [m for level, m in messages if level == logging.WARNING]
    assert len(warnings) == 2
    assert "unavailable" in warnings[0] and "reachable again after 2" in warnings[1]
    assert health.available()


# ---- warm-up and readiness ----------------------------------------------------------------


def test_warm_up_runs_both_phases_in_priority_order():
    report = warm_up()
    assert isinstance(report, WarmupReport)
    assert report.finished and report.ok, report.as_dict()
    body = report.as_dict()
    first, background = body["phases"][FIRST], body["phases"][BACKGROUND]
    assert first["status"] == background["status"] == "done"
    # What a first interaction needs comes first: the lab's default program before serving,
    # then (background) the playground's default bucket and its views, then the lab's
    # programs over the whole catalog, then the playground's other buckets.
    assert first["steps"] == ["optimizers:default", "optimizers:curvature:default"]
    assert background["steps"][0].startswith("playground:")
    assert background["steps"][1] == "playground:maps"
    assert background["steps"][2:5] == [
        "optimizers:steps<=1000",
        "optimizers:steps<=5000",
        "optimizers:curvature",
    ]
    assert all(name.startswith("playground:") for name in background["steps"][5:-2])
    # last, the programs of the pages a lecture opens later: the skier's and the SGD page's
    assert background["steps"][-2:] == ["optimizers:skier", "optimizers:regression"]
    for name, step in body["steps"].items():
        assert step["status"] == "ok", (name, step)
        assert step["phase"] == (FIRST if name in first["steps"] else BACKGROUND)


def _fake_import(monkeypatch, replacements):
    import importlib

    real_import = importlib.import_module

    def fake_import(name, *args):
        if name in replacements:
            replacement = replacements[name]
            if isinstance(replacement, BaseException):
                raise replacement
            return replacement
        return real_import(name, *args)

    monkeypatch.setattr("serving.warmup.importlib.import_module", fake_import)


def test_warm_up_guards_missing_and_failing_pieces(monkeypatch):
    import types

    def boom(name):
        raise RuntimeError(f"boom {name}")

    broken = types.SimpleNamespace(PROGRAMS=("default", "steps<=1000"), warm_up_program=boom)
    missing = ModuleNotFoundError("No module named 'playground'")
    _fake_import(monkeypatch, {"optimizers.engine": broken, "playground": missing})
    report = warm_up()
    assert report.steps["optimizers:default"]["status"] == "failed"
    assert "RuntimeError: boom default" in report.steps["optimizers:default"]["detail"]
    assert report.steps["optimizers:steps<=1000"]["status"] == "failed"
    assert report.steps["playground"]["status"] == "skipped"
    assert report.status == "partial" and not report.ok
    assert report.as_dict()["phases"][FIRST]["status"] == "partial"


def test_playground_buckets_are_warmed_one_by_one_when_the_engine_has_them(monkeypatch):
    import types

    calls: list[str] = []
    fake = types.SimpleNamespace(
        program_buckets=lambda: ("default", "wide", "deep"),
        warm_up_bucket=calls.append,
        warm_up=lambda: calls.append("everything"),
    )
    _fake_import(monkeypatch, {"playground": fake})
    report = warm_up().as_dict()
    assert calls == ["default", "wide", "deep"]  # never the all-in-one fallback
    assert report["phases"][BACKGROUND]["steps"] == [
        "playground:default",
        "playground:maps",
        "optimizers:steps<=1000",
        "optimizers:steps<=5000",
        "optimizers:curvature",
        "playground:wide",
        "playground:deep",
        "optimizers:skier",
        "optimizers:regression",
    ]
    # Without the bucket API: warm_up() (everything) at the head of the background phase.
    calls.clear()
    del fake.program_buckets
    report = warm_up().as_dict()
    assert calls == ["everything"] and report["phases"][BACKGROUND]["steps"][0] == "playground"


def test_workers_take_turns_on_compile_steps(tmp_path):
    """Two workers sharing a lock folder: each shared step runs first in one of them; the other
    runs it afterwards (then it loads from the persistent cache); unshared steps wait for the
    shared steps before them."""
    import threading

    log: list[tuple[str, str, str, float]] = []

    def step(worker: str, name: str, seconds: float):
        def run():
            log.append((worker, name, "start", time.monotonic()))
            time.sleep(seconds)
            log.append((worker, name, "end", time.monotonic()))

        return run

    def worker(name: str, report: WarmupReport) -> None:
        steps = [
            Step("lab", step(name, "lab", 0.3), shared=True),
            Step("net", step(name, "net", 0.3), shared=True),
            Step("pages", step(name, "pages", 0.0)),
        ]
        run_phase(report, FIRST, steps, Turns(tmp_path / "turns"))

    reports = {"w1": WarmupReport(), "w2": WarmupReport()}
    threads = [threading.Thread(target=worker, args=item) for item in reports.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    for shared in ("lab", "net"):
        turns = {w: r.steps[shared]["turn"] for w, r in reports.items()}
        first = [w for w, turn in turns.items() if turn.startswith("first on host")]
        assert len(first) == 1, turns  # compiled by one worker ...
        (other,) = set(reports) - set(first)
        assert turns[other].startswith("done before on this host"), turns  # ... loaded by one
        first_end = next(t for w, n, e, t in log if (w, n, e) == (first[0], shared, "end"))
        other_start = next(t for w, n, e, t in log if (w, n, e) == (other, shared, "start"))
        assert other_start >= first_end  # never both at once
    # The two workers started on different steps: neither waited for the other at first.
    assert {log[0][1], log[1][1]} == {"lab", "net"}
    for name, report in reports.items():
        assert report.phases[FIRST]["status"] == "done"
        order = [n for w, n, e, _ in log if w == name and e == "start"]
        assert order[-1] == "pages" and sorted(order[:2]) == ["lab", "net"]


def test_without_a_lock_folder_every_step_runs_in_order():
    ran: list[str] = []
    steps = [Step(n, lambda n=n: ran.append(n), shared=(n != "c")) for n in "abc"]
    report = WarmupReport()
    run_phase(report, FIRST, steps, Turns(None))
    assert ran == ["a", "b", "c"]
    assert "turn" not in report.steps["a"]


def test_readyz_waits_for_the_first_phase_only(client, dash_app):
    server = dash_app.server
    server.extensions.pop(WARMUP_KEY, None)
    body = client.get("/readyz").get_json()
    assert body["ready"] is True and body["warm_up"]["status"] == "not run"
    report = WarmupReport()
    server.extensions[WARMUP_KEY] = report
    running = client.get("/readyz")
    assert running.status_code == 503
    assert running.get_json()["reasons"] == ["warm-up still running (first phase)"]
    report.set_phase(FIRST, status="done")
    report.set_phase(BACKGROUND, status="running")
    background = client.get("/readyz")
    assert background.status_code == 200  # serving while the background phase runs
    assert background.get_json()["warm_up"]["phases"][BACKGROUND]["status"] == "running"
    try:
        warm_up(server)
        done = client.get("/readyz")
        body = done.get_json()
        assert done.status_code == 200
        assert body["warm_up"]["steps"]["http"]["status"] == "ok"
        assert body["warm_up"]["phases"][FIRST]["status"] == "done"
        assert body["warm_up"]["phases"][BACKGROUND]["status"] == "done", body["warm_up"]
        assert body["cache"]["backend"] in ("simple", "redis", "filesystem", "null")
        assert set(body["compiles"]) >= {"total", "after_warmup", "cache_hits"}
        assert body["code_version"]
        assert body["instance"].endswith(f":{body['pid']}")
    finally:
        server.extensions.pop(WARMUP_KEY, None)


def test_sync_start_serves_after_the_first_phase(client, dash_app):
    server = dash_app.server
    server.extensions.pop(WARMUP_KEY, None)
    try:
        report = start(server, blocking=True)
        assert report.first_phase_done and report.blocking
        assert client.get("/readyz").status_code == 200
        assert report.thread is not None
        report.thread.join(timeout=300)
        final = client.get("/readyz").get_json()["warm_up"]
        assert final["status"] == "done", final
        assert final["phases"][BACKGROUND]["status"] == "done"
    finally:
        server.extensions.pop(WARMUP_KEY, None)


def test_background_warm_up_serves_while_it_runs(client, dash_app):
    from serving.warmup import start_background

    server = dash_app.server
    server.extensions.pop(WARMUP_KEY, None)
    try:
        thread = start_background(server)
        body = client.get("/readyz")
        assert body.status_code == 200  # a background warm-up never blocks serving
        assert body.get_json()["warm_up"]["mode"] == "background"
        thread.join(timeout=300)
        final = client.get("/readyz").get_json()["warm_up"]
        assert final["status"] in ("done", "partial") and final["mode"] == "background"
        # a finished serving warm-up leaves its objects to the permanent generation
        assert final["frozen_objects"] > 100_000
    finally:
        server.extensions.pop(WARMUP_KEY, None)
        gc.unfreeze()


def test_freezing_moves_what_is_alive_out_of_every_later_collection():
    from serving.warmup import freeze_long_lived

    class Node:
        pass

    alive = Node()
    alive.me = alive  # a cycle: only the collector could ever free it
    assert any(o is alive for o in gc.get_objects())
    try:
        frozen = freeze_long_lived()
        # Frozen objects are still freed by reference counting (another thread's, meanwhile):
        # the count can only have moved a little since the freeze, never grown past it by much.
        assert frozen > 0 and abs(gc.get_freeze_count() - frozen) <= frozen // 100
        assert not any(o is alive for o in gc.get_objects())  # later collections skip it
        young = Node()
        assert any(o is young for o in gc.get_objects())  # what comes after is collected as usual
    finally:
        gc.unfreeze()


# ---- compile counter ----------------------------------------------------------------------


@pytest.fixture()
def fresh_counter():
    """A CompileCounter listening only for the duration of one test."""
    import jax

    counter = CompileCounter()
    jax.monitoring.register_event_duration_secs_listener(counter.on_duration)
    jax.monitoring.register_event_listener(counter.on_event)
    try:
        yield counter
    finally:
        jax.monitoring.unregister_event_duration_listener(counter.on_duration)
        jax.monitoring.unregister_event_listener(counter.on_event)


def test_a_new_program_after_warm_up_counts_one(fresh_counter):
    import jax
    import jax.numpy as jnp

    first, second = jnp.arange(7.0), jnp.arange(7.0) + 1  # (eager ops compile too: before)
    second.block_until_ready()
    total = fresh_counter.total
    assert fresh_counter.as_dict()["after_warmup"] is None  # not warm yet
    fresh_counter.mark_warm()
    assert fresh_counter.as_dict()["after_warmup"] == 0

    @jax.jit
    def never_seen(x):
        return jnp.sin(x) * 3.25 + 0.5

    never_seen(first).block_until_ready()
    never_seen(second).block_until_ready()  # same shape: the compiled program, nothing new
    report = fresh_counter.as_dict()
    assert report["after_warmup"] == 1
    assert report["after_warmup_programs"] == ["jit(never_seen)"]
    assert report["total"] == total + 1


def test_concurrent_first_calls_compile_once(fresh_counter):
    import threading

    import jax
    import jax.numpy as jnp

    from jax_config import first_call

    @jax.jit
    def loop(x):
        return jax.lax.fori_loop(0, 50, lambda i, c: jnp.cos(c) * 1.5 + i, x)

    x = jnp.ones(64)
    x.block_until_ready()
    before = fresh_counter.total
    barrier = threading.Barrier(4)

    def call():
        barrier.wait()
        first_call(("test-loop", 64), lambda: loop(x).block_until_ready())

    threads = [threading.Thread(target=call) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert fresh_counter.total - before == 1  # without first_call JAX 0.10 compiles 4 times


def test_persistent_cache_hits_are_counted(tmp_path):
    import json
    import os
    import subprocess
    import sys

    script = (
        "import json, jax, jax.numpy as jnp\n"
        "from jax_config import configure_jax, compile_counter\n"
        "configure_jax()\n"
        "f = jax.jit(lambda x: jnp.tanh(x) * 2.0 + 1.0)\n"
        "x = jnp.ones(3)\n"
        "before = compile_counter().as_dict()\n"
        "f(x).block_until_ready()\n"
        "jax.clear_caches()\n"
        "f(x).block_until_ready()\n"
        "after = compile_counter().as_dict()\n"
        "print(json.dumps([before, after]))\n"
    )
    env = {**os.environ, "LOSSVIZ_JAX_CACHE_DIR": str(tmp_path / "jax")}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    before, after = json.loads(done.stdout.strip().splitlines()[-1])
    assert after["total"] - before["total"] == 2  # compiled, then loaded
    assert after["cache_hits"] - before["cache_hits"] == 1


def test_readyz_counts_compiles_after_warm_up(client):
    import jax
    import jax.numpy as jnp

    from jax_config import compile_counter

    compile_counter().mark_warm()  # (a no-op if an earlier warm-up marked it)
    x = jnp.linspace(0.0, 1.0, 11)
    x.block_until_ready()
    before = client.get("/readyz").get_json()["compiles"]
    jax.jit(lambda v: v * v - 0.125)(x).block_until_ready()
    after = client.get("/readyz").get_json()["compiles"]
    assert after["after_warmup"] == before["after_warmup"] + 1
    assert after["total"] == before["total"] + 1
    assert after["after_warmup_programs"][-1] == "jit(<lambda>)"


def test_health_and_no_instance_header_by_default(client):
    """Which host and pid answered is the cluster test's business, not every client's."""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert INSTANCE_HEADER not in response.headers


# ---- whole-response cache ---------------------------------------------------------------------


def _callback_app(config: ServerConfig) -> Flask:
    """A stand-in for Dash's callback endpoint that counts the calls it really computes."""
    server = Flask(f"callbacks-{config.cache}")
    init_cache(server, config)
    server.config["CALLS"] = 0

    @server.post("/_dash-update-component")
    def update():
        server.config["CALLS"] += 1
        body = request.get_json()
        if body.get("prevent"):
            return "", 204
        if body.get("fail"):
            return {"sideUpdate": {"global-error": {"hidden": False}}, "response": {}}
        return {"response": {"out": {"children": body["value"] * (body.get("repeat") or 1)}}}

    return server


def test_identical_callback_requests_share_one_response():
    server = _callback_app(ServerConfig(cache="simple"))
    client = server.test_client()
    first = client.post("/_dash-update-component", json={"value": "a"})
    second = client.post("/_dash-update-component", json={"value": "a"})
    other = client.post("/_dash-update-component", json={"value": "b"})
    assert first.headers[CACHE_HEADER] == "miss" and second.headers[CACHE_HEADER] == "hit"
    assert first.get_data() == second.get_data()
    assert other.headers[CACHE_HEADER] == "miss"
    assert server.config["CALLS"] == 2  # the repeat never reached the callback


def test_errors_prevented_and_oversized_responses_are_never_stored():
    server = _callback_app(ServerConfig(cache="simple", response_cache_max_kb=1))
    client = server.test_client()
    for body in ({"fail": True}, {"prevent": True}, {"value": "x", "repeat": 2000}):
        client.post("/_dash-update-component", json=body)
        again = client.post("/_dash-update-component", json=body)
        assert again.headers.get(CACHE_HEADER) != "hit", body
    assert server.config["CALLS"] == 6


def test_a_code_change_never_reuses_old_responses(tmp_path):
    from serving.response_cache import code_fingerprint

    for package in ("pages", "components"):
        (tmp_path / package).mkdir()
    (tmp_path / "pages" / "a.py").write_text("x = 1\n")
    before = code_fingerprint(tmp_path)
    assert before == code_fingerprint(tmp_path)
    (tmp_path / "pages" / "a.py").write_text("x = 2\n")
    assert code_fingerprint(tmp_path) != before


def test_response_cache_can_be_turned_off():
    server = _callback_app(ServerConfig(cache="simple", response_cache=False))
    client = server.test_client()
    client.post("/_dash-update-component", json={"value": "a"})
    again = client.post("/_dash-update-component", json={"value": "a"})
    assert again.headers.get(CACHE_HEADER) != "hit" and server.config["CALLS"] == 2


def test_response_cache_with_redis_down_computes_and_logs_once(caplog):
    port = _closed_port()
    server = _callback_app(ServerConfig(cache="redis", redis_url=f"redis://127.0.0.1:{port}/0"))
    client = server.test_client()
    caplog.set_level(logging.WARNING, logger="lossviz.cache")
    responses = [client.post("/_dash-update-component", json={"value": "a"}) for _ in range(4)]
    assert [r.status_code for r in responses] == [200] * 4
    # Said so even by a callback that never calls get_or_compute (failure, then bypass window).
    assert [r.headers[CACHE_HEADER] for r in responses] == ["error"] * 4
    assert server.config["CALLS"] == 4
    assert len([r for r in caplog.records if "unavailable" in r.getMessage()]) == 1


_THREADING_PROBE = """
import hashlib, json, os, sys
import numpy as np
import app  # create_app(): LOSSVIZ_XLA_SINGLE_THREAD decides
from jax._src import xla_bridge
import optimizers, playground

runs = optimizers.trajectories(
    "himmelblau", start=(0.0, -1.0), steps=300,
    configs=[optimizers.OptimizerConfig("gd", lr=0.005), optimizers.OptimizerConfig("adam", lr=0.05)],
)
run = playground.train(playground.PlaygroundConfig(dataset="xor", epochs=60))
digest = hashlib.sha256()
for part in [*(r.path for r in runs), run.train_loss, run.grad_norms]:
    digest.update(np.ascontiguousarray(part).tobytes())
print(json.dumps({
    "xla_flags": os.environ.get("XLA_FLAGS", ""),
    "async_dispatch": xla_bridge._CPU_ENABLE_ASYNC_DISPATCH.value,
    "numbers": digest.hexdigest(),
}))
"""


def _threading_probe(single_thread: str) -> dict:
    import json
    import os
    import subprocess
    import sys

    env = {**os.environ, "LOSSVIZ_XLA_SINGLE_THREAD": single_thread, "LOSSVIZ_WARMUP": "off"}
    env.pop("XLA_FLAGS", None)
    done = subprocess.run(
        [sys.executable, "-c", _THREADING_PROBE],
        capture_output=True,
        text=True,
        env=env,
        timeout=240,
        cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_server_computes_on_request_threads_with_the_same_numbers() -> None:
    """LOSSVIZ_XLA_SINGLE_THREAD=1 (the default): no XLA thread pool, no async dispatch, and
    the lab's and the playground's numbers are bit for bit what XLA's own pool computes."""
    one = _threading_probe("1")
    pooled = _threading_probe("0")
    assert one["xla_flags"] == "--xla_cpu_multi_thread_eigen=false"
    assert one["async_dispatch"] is False
    assert pooled["xla_flags"] == "" and pooled["async_dispatch"] is True
    assert one["numbers"] == pooled["numbers"]


def test_single_thread_flag_joins_the_flags_already_set_and_never_overrides_one() -> None:
    from jax_config import SINGLE_THREAD_XLA_FLAG, single_thread_xla_flags

    assert single_thread_xla_flags("") == SINGLE_THREAD_XLA_FLAG
    assert single_thread_xla_flags("  --xla_dump_to=/tmp/x ") == (
        f"--xla_dump_to=/tmp/x {SINGLE_THREAD_XLA_FLAG}"
    )
    mine = "--xla_cpu_multi_thread_eigen=true --xla_dump_to=/tmp/x"
    assert single_thread_xla_flags(mine) == mine


def test_run_on_request_threads_is_refused_once_jax_has_started(monkeypatch) -> None:
    import os

    import jax.numpy as jnp

    import jax_config

    monkeypatch.setenv("XLA_FLAGS", "--xla_dump_to=/tmp/x")
    jnp.ones(2).block_until_ready()  # the backend starts (if no earlier test started it)
    assert jax_config.run_on_request_threads() is False
    assert os.environ["XLA_FLAGS"] == "--xla_dump_to=/tmp/x"
