"""Beyond one machine, on loopback: nginx (TLS, gzip, round robin) in front of two gunicorn
instances that share one Redis. A student's session through nginx is served by both instances,
a run computed by one is a cache hit on the other, and with Redis down the app keeps working.

Needs redis-server, nginx and openssl (.ci/run installs them). A missing binary fails the
test with a message; it never skips. Every process is stopped, by PID, even on failure.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
import requests

from benchmarks.load import CALLBACK_PATH, ROUTER_OUTPUT, DashState, id_key, side_errors
from serving.nginx import main_config, render_site

pytestmark = [pytest.mark.redis, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent
INSTANCES = ("app-a", "app-b")


def _binary(name: str) -> str:
    found = shutil.which(name) or next(
        (p for p in (f"/usr/sbin/{name}", f"/usr/bin/{name}") if os.path.exists(p)), None
    )
    if found is None:
        pytest.fail(f"{name} not found: install it (apt-get install -y redis-server nginx openssl)")
    return found


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_port(port: int, process: subprocess.Popen, what: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{what} exited with code {process.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.05)
    raise AssertionError(f"{what} did not listen on {port} within {timeout}s")


def _stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


def _session(cert: Path | None = None) -> requests.Session:
    """A requests session for loopback: no proxies or CA bundle from the environment."""
    session = requests.Session()
    session.trust_env = False  # REQUESTS_CA_BUNDLE would override `verify`, *_PROXY the route
    if cert is not None:
        session.verify = str(cert)
    return session


class Cluster:
    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.processes: dict[str, subprocess.Popen] = {}
        self.logs: dict[str, Path] = {}
        self.redis_port = _free_port()
        self.app_ports = {name: _free_port() for name in INSTANCES}
        self.https_port = _free_port()
        self.http_port = _free_port()
        self.cert = tmp / "cert.pem"

    @property
    def base(self) -> str:
        return f"https://127.0.0.1:{self.https_port}"

    def _spawn(self, name: str, argv: list[str], **kwargs) -> subprocess.Popen:
        log = self.tmp / f"{name}.log"
        self.logs[name] = log
        with open(log, "ab") as out:
            process = subprocess.Popen(
                argv, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, **kwargs
            )
        self.processes[name] = process
        return process

    def start_redis(self) -> None:
        redis = self._spawn(
            "redis",
            [_binary("redis-server"), "--port", str(self.redis_port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", str(self.tmp), "--daemonize", "no"],
        )  # fmt: skip
        _wait_port(self.redis_port, redis, "redis-server", 10)

    def stop_redis(self) -> None:
        _stop(self.processes.pop("redis", None))

    def start(self) -> None:
        self.start_redis()
        for name, port in self.app_ports.items():
            env = {
                **os.environ,
                "LOSSVIZ_HOST": "127.0.0.1",
                "LOSSVIZ_PORT": str(port),
                "LOSSVIZ_WORKERS": "1",
                "LOSSVIZ_CACHE": "redis",
                "LOSSVIZ_REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
                "LOSSVIZ_CACHE_RETRY": "1",
                "LOSSVIZ_INSTANCE": name,
                "LOSSVIZ_INSTANCE_HEADER": "1",
                # The topology is under test, not warm-up (tests/test_serving.py covers it):
                # serve at once, compile on first use, reuse compiled programs across runs.
                "LOSSVIZ_WARMUP": "off",
            }
            self._spawn(
                name,
                [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
                cwd=ROOT,
                env=env,
            )
        key = self.tmp / "key.pem"
        subprocess.run(
            [_binary("openssl"), "req", "-x509", "-newkey", "ec", "-pkeyopt",
             "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", str(key), "-out", str(self.cert),
             "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
            check=True, capture_output=True,
        )  # fmt: skip
        site = self.tmp / "lossviz-site.conf"
        site.write_text(
            render_site(
                [f"127.0.0.1:{p}" for p in self.app_ports.values()],
                server_name="localhost",
                cert=str(self.cert),
                key=str(key),
                http_listen=f"127.0.0.1:{self.http_port}",
                https_listen=f"127.0.0.1:{self.https_port}",
                static_cache_dir=str(self.tmp / "static-cache"),
            )
        )
        conf = self.tmp / "nginx.conf"
        conf.write_text(main_config(str(site), str(self.tmp)))
        nginx = _binary("nginx")
        argv = [nginx, "-p", str(self.tmp), "-c", str(conf), "-e", str(self.tmp / "error.log")]
        check = subprocess.run([*argv, "-t"], capture_output=True, text=True)
        assert check.returncode == 0, f"nginx -t failed:\n{check.stderr}"
        nginx_process = self._spawn("nginx", argv)
        _wait_port(self.https_port, nginx_process, "nginx", 10)
        for name, port in self.app_ports.items():
            self.wait_ready(name, port)

    def wait_ready(self, name: str, port: int, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            process = self.processes[name]
            if process.poll() is not None:
                raise AssertionError(f"{name} exited:\n{self.log_text(name)[-3000:]}")
            with contextlib.suppress(requests.RequestException):
                if _session().get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                    return
            time.sleep(0.1)
        raise AssertionError(f"{name} not ready within {timeout}s:\n{self.log_text(name)[-3000:]}")

    def log_text(self, name: str) -> str:
        path = self.logs.get(name)
        return path.read_text(errors="replace") if path and path.exists() else ""

    def stop(self) -> None:
        for name in ("nginx", *INSTANCES, "redis"):
            _stop(self.processes.pop(name, None))


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    cluster = Cluster(tmp_path_factory.mktemp("cluster"))
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()


class Browser:
    """A student's tab, speaking to nginx over HTTPS exactly as the Dash renderer does."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.http = _session(cluster.cert)
        self.base = cluster.base
        self.served: list[tuple[str, str, str]] = []  # (what, instance, cache outcome)
        self.state: DashState | None = None

    def get(self, path: str) -> requests.Response:
        response = self.http.get(self.base + path, timeout=30)
        assert response.status_code == 200, (path, response.status_code, response.text[:300])
        self.served.append((path, response.headers.get("X-Lossviz-Instance", ""), ""))
        return response

    def post(self, what: str, spec: dict, changed: list) -> requests.Response:
        assert self.state is not None
        response = self.http.post(
            self.base + CALLBACK_PATH,
            data=self.state.body(spec, changed),
            headers={"Content-Type": "application/json"},
            timeout=30,
        )
        assert response.status_code == 200, (
            what,
            spec["output"][:200],
            response.status_code,
            self.cluster.log_text(response.headers.get("X-Lossviz-Instance", ""))[-3000:],
        )
        payload = response.json()
        assert not side_errors(payload), (what, side_errors(payload))
        self.served.append(
            (
                what,
                response.headers.get("X-Lossviz-Instance", ""),
                response.headers.get("X-Lossviz-Cache", ""),
            )
        )
        added = self.state.apply(payload)
        for then, changed in self.state.follow_ups(payload, added, spec):
            self.post(f"{what} (then)", then, changed)
        return response

    def open(self, path: str) -> None:
        self.get(path)
        layout = self.get("/_dash-layout").json()
        self.state = DashState(dependencies=self.get("/_dash-dependencies").json())
        self.state.add_layout(layout)
        self.state.props.setdefault("_pages_location", {}).update({"pathname": path, "search": ""})
        router = next(s for s in self.state.server_callbacks() if ROUTER_OUTPUT in s["output"])
        self.post("open", router, [("_pages_location", "pathname"), ("_pages_location", "search")])

    def set_field(self, key: str, value) -> requests.Response:
        assert self.state is not None
        component_id = self.state.field(key)
        self.state.props[id_key(component_id)]["value"] = value
        specs = self.state.triggered_by([(component_id, "value")])
        assert specs, f"no server callback listens to {key}"
        last = None
        for spec in specs:
            last = self.post(f"set {key}={value}", spec, [(component_id, "value")])
        return last


def test_student_session_through_nginx_uses_both_instances_and_the_shared_cache(cluster):
    student = Browser(cluster)
    student.open("/optimizers")
    # A class's worth of clicks: learning rates, then a new landscape.
    for lr in ("0.0011", "0.0012", "0.0013", "0.0014"):
        student.set_field("gd.lr", lr)
    student.set_field("landscape", "rosenbrock")
    student.set_field("adam.lr", "0.0123")

    instances = Counter(instance for _, instance, _ in student.served)
    assert set(instances) == set(INSTANCES), instances  # round robin: both served the student
    assert min(instances.values()) >= 3, instances

    # The same settings asked again: answered by the *other* instance, from the shared cache.
    # (The page's callback reads its own last output, so the request body settles after one
    # repeat: the last miss is the body the later requests repeat.)
    callbacks = [(what, inst, cache) for what, inst, cache in student.served if cache]
    assert callbacks[-1][2] == "miss", callbacks[-3:]  # new settings: computed ...
    outcomes = []
    for _ in range(6):
        response = student.set_field("adam.lr", "0.0123")
        outcomes.append(
            (response.headers["X-Lossviz-Instance"], response.headers["X-Lossviz-Cache"])
        )
    last_miss = max(i for i, (_, cache) in enumerate(outcomes) if cache == "miss")
    computed_by = outcomes[last_miss][0]
    later = outcomes[last_miss + 1 :]
    assert later and all(cache == "hit" for _, cache in later), outcomes  # ... once ...
    assert any(instance != computed_by for instance, _ in later), outcomes  # ... shared via Redis


def test_nginx_compresses_and_caches_static_bundles(cluster):
    student = Browser(cluster)
    html = student.get("/optimizers").text
    bundle = next(
        part.split('"')[0]
        for part in html.split('src="')[1:]
        if "/_dash-component-suites/" in part.split('"')[0]
    )
    first = student.http.get(cluster.base + bundle, headers={"Accept-Encoding": "gzip"}, timeout=30)
    second = student.http.get(
        cluster.base + bundle, headers={"Accept-Encoding": "gzip"}, timeout=30
    )
    assert first.status_code == second.status_code == 200
    assert second.headers.get("Content-Encoding") == "gzip"
    assert second.headers.get("X-Cache-Status") == "HIT"
    assert "max-age" in second.headers.get("Cache-Control", "")
    # Plain HTTP redirects to HTTPS.
    redirect = _session().get(
        f"http://127.0.0.1:{cluster.http_port}/optimizers", allow_redirects=False, timeout=10
    )
    assert redirect.status_code == 301
    assert redirect.headers["Location"].startswith("https://")


def _raw_get(session: requests.Session, url: str, encoding: str) -> requests.Response:
    """GET keeping the body exactly as sent (requests would undo Content-Encoding)."""
    response = session.get(url, headers={"Accept-Encoding": encoding}, stream=True, timeout=30)
    response.raw_body = response.raw.read(decode_content=False)  # type: ignore[attr-defined]
    return response


def test_nginx_caches_versioned_data_gets_compressed_once(cluster):
    import gzip

    http = _session(cluster.cert)
    version = http.get(f"{cluster.base}/readyz", timeout=10).json()["code_version"]
    assert version
    url = f"{cluster.base}/api/landscape/bowl.bin?v={version}"
    first = _raw_get(http, url, "gzip")
    second = _raw_get(http, url, "gzip")
    assert first.status_code == second.status_code == 200
    assert second.headers["X-Cache-Status"] == "HIT"
    assert "immutable" in second.headers["Cache-Control"]
    assert second.headers["Content-Encoding"] == "gzip"
    # Compressed once, by the app: one gunzip gives the LVZ1 container.
    assert gzip.decompress(second.raw_body).startswith(b"LVZ1")
    assert second.raw_body == first.raw_body
    # A client without gzip gets the same cached entry, unpacked by nginx.
    plain = _raw_get(http, url, "identity")
    assert plain.headers["X-Cache-Status"] == "HIT"
    assert "Content-Encoding" not in plain.headers
    assert plain.raw_body == gzip.decompress(second.raw_body)
    # Without `v=` nothing is stored or served from nginx's cache.
    for _ in range(2):
        unversioned = _raw_get(http, f"{cluster.base}/api/landscape/bowl.bin", "gzip")
        assert unversioned.headers["X-Cache-Status"] == "BYPASS"
    # Text is compressed by nginx: the layout JSON and the page.
    for path in ("/_dash-layout", "/optimizers"):
        response = _raw_get(http, cluster.base + path, "gzip")
        assert response.headers.get("Content-Encoding") == "gzip", path
        assert gzip.decompress(response.raw_body)


def test_readyz_tells_the_instances_apart(cluster):
    http = _session(cluster.cert)
    seen = {}
    for _ in range(8):
        response = http.get(f"{cluster.base}/readyz", timeout=10)
        body = response.json()
        seen[response.headers["X-Lossviz-Instance"]] = body["compiles"]
    assert set(seen) == set(INSTANCES), seen
    for compiles in seen.values():
        assert set(compiles) >= {"total", "after_warmup", "cache_hits"}


def test_redis_down_keeps_the_class_working_and_says_so(cluster):
    student = Browser(cluster)
    student.open("/optimizers")
    cluster.stop_redis()
    try:
        outcomes = []
        for lr in ("0.0021", "0.0022", "0.0023", "0.0024"):
            response = student.set_field("gd.lr", lr)
            outcomes.append(
                (response.headers["X-Lossviz-Instance"], response.headers["X-Lossviz-Cache"])
            )
        assert {cache for _, cache in outcomes} == {"error"}, outcomes
        assert {instance for instance, _ in outcomes} == set(INSTANCES), outcomes
        ready = _session(cluster.cert).get(f"{cluster.base}/readyz", timeout=10)
        assert ready.status_code == 503
        assert "unreachable" in json.dumps(ready.json()["reasons"])
        for name in INSTANCES:
            log = cluster.log_text(name)
            assert log.count("cache backend unavailable") == 1, log[-2000:]
    finally:
        cluster.start_redis()
    # Redis is back: after the retry window the cache is used again, and the log says so.
    time.sleep(1.2)
    outcomes = [student.set_field("gd.lr", "0.0025").headers["X-Lossviz-Cache"] for _ in range(4)]
    assert "hit" in outcomes, outcomes
    assert all("reachable again" in cluster.log_text(name) for name in INSTANCES)


def test_nginx_adds_hsts_and_limits_one_client(cluster):
    """HSTS where TLS ends; one address sending far over its share gets 429s, not the app's
    time, and the class's limits leave a normal page's bursts alone (every test above)."""
    http = _session(cluster.cert)
    page = http.get(f"{cluster.base}/optimizers", timeout=10)
    assert page.headers["Strict-Transport-Security"].startswith("max-age=")
    assert "frame-ancestors" in page.headers["Content-Security-Policy"]
    static = http.get(f"{cluster.base}/_dash-layout", timeout=10)
    assert "Strict-Transport-Security" in static.headers
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        codes = list(
            pool.map(
                lambda _: (
                    _session(cluster.cert)
                    .get(f"{cluster.base}/no-such-page", timeout=10)
                    .status_code
                ),
                range(120),
            )
        )
    assert 429 in codes, codes
    assert set(codes) <= {404, 200, 429}, codes
    time.sleep(2.5)  # the bucket refills (20/s) before anything else runs


def test_live_session_made_on_one_instance_is_followed_and_voted_on_through_the_other(cluster):
    """Sessions live in Redis only: instance A creates and publishes, instance B serves the
    followers' polls (304 on the same ETag) and their votes, A reveals B's votes; through
    nginx the session API is never cached."""
    a, b = (f"http://127.0.0.1:{cluster.app_ports[name]}" for name in INSTANCES)
    http = _session()
    created = http.post(f"{a}/api/session", timeout=10)
    assert created.status_code == 201 and created.headers["X-Lossviz-Instance"] == "app-a"
    code, token = created.json()["code"], created.json()["token"]
    auth = {"X-Live-Token": token}
    view = {"path": "/optimizers", "search": "landscape=booth",
            "player": {"name": "lab", "frame": 40, "frames": 501, "playing": True, "speed": 2}}  # fmt: skip
    assert http.put(f"{a}/api/session/{code}/state", json=view, headers=auth, timeout=10).ok
    followed = http.get(f"{b}/api/session/{code}", timeout=10)
    assert followed.headers["X-Lossviz-Instance"] == "app-b"
    assert followed.json()["state"]["search"] == "landscape=booth"
    tag = followed.headers["ETag"]
    same = http.get(f"{a}/api/session/{code}", headers={"If-None-Match": tag}, timeout=10)
    assert same.status_code == 304  # the ETag means the same on every instance
    # Only the instructor's token publishes, whichever instance checks it.
    assert http.put(f"{b}/api/session/{code}/state", json=view, timeout=10).status_code == 403
    question = {"kind": "choice", "prompt": "Which initialization wins?",
                "options": ["Zero", "Too small", "Appropriate", "Too large"]}  # fmt: skip
    qid = http.post(
        f"{a}/api/session/{code}/question", json=question, headers=auth, timeout=10
    ).json()["id"]
    for i, choice in enumerate([2, 2, 1, 3]):
        vote = {"qid": qid, "voter": f"cluster-voter-{i:08d}", "choice": choice}
        assert http.post(f"{b}/api/session/{code}/vote", json=vote, timeout=10).status_code == 200
    reveal = http.post(f"{a}/api/session/{code}/reveal", headers=auth, timeout=10).json()
    assert reveal["counts"] == [0, 1, 2, 1]
    # Through nginx: answered by both instances, never from nginx's cache.
    tls = _session(cluster.cert)
    seen = set()
    for _ in range(4):
        response = tls.get(f"{cluster.base}/api/session/{code}", timeout=10)
        assert response.status_code == 200 and response.json()["reveal"]["counts"] == [0, 1, 2, 1]
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers.get("X-Cache-Status") in ("BYPASS", "MISS", None)
        seen.add(response.headers["X-Lossviz-Instance"])
    assert seen == set(INSTANCES)
