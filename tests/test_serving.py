"""Serving: configuration from the environment, cache backends, Redis-down behaviour, warm-up,
readiness and the response headers the class server relies on."""

from __future__ import annotations

import logging
import socket
import time

import pytest
from flask import Flask, request

from serving import cache as cache_module
from serving.cache import (
    CACHE_HEADER,
    INSTANCE_HEADER,
    BackendHealth,
    cache_settings,
    get_or_compute,
    init_cache,
)
from serving.config import ServerConfig, gunicorn_jax_cache_dir
from serving.warmup import WARMUP_KEY, WarmupReport, warm_up

# ---- configuration ------------------------------------------------------------------------


def test_defaults_without_environment():
    config = ServerConfig.from_env({})
    assert (config.host, config.port, config.workers, config.threads) == ("127.0.0.1", 8050, 2, 1)
    assert config.cache == "simple"
    assert config.redis_url == "redis://127.0.0.1:6379/0"
    assert config.cache_timeout == 3600
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


# ---- cache settings per backend -----------------------------------------------------------


def test_cache_settings_per_backend():
    simple = cache_settings(ServerConfig(cache="simple"))
    assert simple["CACHE_TYPE"] == "SimpleCache"
    assert simple["CACHE_DEFAULT_TIMEOUT"] == 3600
    assert cache_settings(ServerConfig(cache="null"))["CACHE_TYPE"] == "NullCache"
    files = cache_settings(ServerConfig(cache="filesystem", cache_dir="/tmp/x"))
    assert (files["CACHE_TYPE"], files["CACHE_DIR"]) == ("FileSystemCache", "/tmp/x")
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
    server = _app(ServerConfig(cache="simple", instance="unit-a"))
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


def test_warm_up_runs_every_step_and_reports():
    report = warm_up()
    assert isinstance(report, WarmupReport)
    assert report.finished and report.ok, report.as_dict()
    assert set(report.steps) == {"optimizers", "playground", "landscape_grids", "plotly"}
    for name, step in report.steps.items():
        assert step["status"] in ("ok", "skipped"), (name, step)


def test_warm_up_guards_missing_and_failing_pieces(monkeypatch):
    import importlib

    real_import = importlib.import_module

    def fake_import(name, *args):
        if name == "playground":
            raise ModuleNotFoundError("No module named 'playground'")
        module = real_import(name, *args)
        if name == "optimizers":

            class Broken:
                def warm_up(self):
                    raise RuntimeError("boom")

            return Broken()
        return module

    monkeypatch.setattr("serving.warmup.importlib.import_module", fake_import)
    report = warm_up()
    assert report.steps["optimizers"]["status"] == "failed"
    assert "RuntimeError: boom" in report.steps["optimizers"]["detail"]
    assert report.steps["playground"]["status"] == "skipped"
    assert report.status == "partial" and not report.ok


def test_readyz_reports_warm_up(client, dash_app):
    server = dash_app.server
    server.extensions.pop(WARMUP_KEY, None)
    body = client.get("/readyz").get_json()
    assert body["ready"] is True and body["warm_up"]["status"] == "not run"
    report = WarmupReport()
    server.extensions[WARMUP_KEY] = report
    running = client.get("/readyz")
    assert running.status_code == 503 and running.get_json()["reasons"] == ["warm-up still running"]
    try:
        warm_up(server)
        done = client.get("/readyz")
        assert done.status_code == 200
        assert done.get_json()["warm_up"]["steps"]["http"]["status"] == "ok"
        assert done.get_json()["cache"]["backend"] in ("simple", "redis", "filesystem", "null")
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
    finally:
        server.extensions.pop(WARMUP_KEY, None)


def test_health_and_instance_header(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.headers[INSTANCE_HEADER]


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
    assert server.config["CALLS"] == 4
    assert len([r for r in caplog.records if "unavailable" in r.getMessage()]) == 1
