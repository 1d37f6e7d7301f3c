"""Whole-response cache for Dash callbacks: an identical request is answered with stored bytes.

Every callback in this app is a pure function of its request body (inputs, state, changed
props: the architecture's rule — per-user state lives in the browser, nothing in a process),
so the serialized response to a given body can be reused by any worker on any host. A class
produces many identical bodies: everyone opens the instructor's link (same page, same initial
callbacks), everyone sets "the learning rate to 0.1" from the same preset. A stored response
skips the callback, the figure building and the JSON serialization — the bulk of a request's
CPU — and costs one cache read.

Safety:
* The key is sha256 of the body, the callback's output spec and a *code fingerprint* (the
  source of every package the callbacks use, plus Dash's version), so a deploy never serves
  responses of the old code, even from a Redis that outlived it.
* Only 200 responses without a `sideUpdate` (the app's error path uses `set_props`) and at most
  LOSSVIZ_RESPONSE_CACHE_MAX_KB are stored; PreventUpdate (204) and errors never are, nor an
  answer to rejected input (the callback calls `skip_storing()`): junk requests, each one
  distinct, would otherwise evict the class's real work from a bounded cache.
* Backend failures go through the same BackendHealth as `get_or_compute`: logged once, the
  request is simply computed.

LOSSVIZ_RESPONSE_CACHE=0 turns it off.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from flask import Flask, Response, g, has_request_context, request

log = logging.getLogger("lossviz.cache")

CALLBACK_PATH = "/_dash-update-component"
KEY_PREFIX = "resp:v1:"
# Packages whose code decides what a callback answers.
_SOURCE_PACKAGES = (
    "pages",
    "components",
    "settings",
    "landscapes",
    "optimizers",
    "playground",
    "serving",
)
_ROOT = Path(__file__).resolve().parent.parent


def skip_storing() -> None:
    """Called by a callback whose input was rejected: its answer is computed, never stored."""
    if has_request_context():
        g.lossviz_skip_storing = True


def code_fingerprint(root: Path = _ROOT) -> str:
    """sha256 of every .py file of the callback packages (and app.py, jax_config.py, Dash)."""
    import dash

    digest = hashlib.sha256(f"dash={dash.__version__}".encode())
    files = [root / "app.py", root / "jax_config.py"]
    for package in _SOURCE_PACKAGES:
        files += sorted((root / package).rglob("*.py"))
    for path in files:
        if path.is_file():
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def init_response_cache(server: Flask, *, max_kb: int, fingerprint: str | None = None) -> None:
    """Answer repeated callback requests from the shared cache (see the module docstring)."""
    from serving.cache import CACHE_HEADER, HEALTH_KEY, cache

    version = fingerprint or code_fingerprint()
    max_bytes = max_kb * 1024
    server.config["LOSSVIZ_CODE_FINGERPRINT"] = version

    def health():  # type: ignore[no-untyped-def]
        return server.extensions.get(HEALTH_KEY)

    @server.before_request
    def _answer_from_cache():  # type: ignore[no-untyped-def]
        if request.method != "POST" or request.path != CALLBACK_PATH:
            return None
        body = request.get_data(cache=True)
        key = KEY_PREFIX + hashlib.sha256(version.encode() + b"\0" + body).hexdigest()
        g.lossviz_response_key = key
        backend = health()
        if backend is not None and not backend.available():
            g.lossviz_cache = "error"  # inside the bypass window after a failure: computed
            return None
        try:
            stored = cache.get(key)
        except Exception as error:  # backend down: compute
            if backend is not None:
                backend.failed("get", error)
            g.lossviz_cache = "error"
            return None
        if backend is not None:
            backend.succeeded()
        if stored is None:
            return None
        g.lossviz_cache = "hit"
        g.lossviz_response_hit = True
        response = Response(stored, status=200, mimetype="application/json")
        response.headers[CACHE_HEADER] = "hit"
        return response

    @server.after_request
    def _store_response(response):  # type: ignore[no-untyped-def]
        key = g.get("lossviz_response_key")
        if not key or g.get("lossviz_response_hit") or response.status_code != 200:
            return response
        if g.get("lossviz_skip_storing"):
            return response
        if response.direct_passthrough or response.mimetype != "application/json":
            return response
        data = response.get_data()
        if len(data) > max_bytes or b'"sideUpdate"' in data:
            return response
        if g.get("lossviz_cache") == "error":
            return response  # the backend just failed: do not knock again
        backend = health()
        if backend is not None and not backend.available():
            return response
        try:
            cache.set(key, data)
        except Exception as error:
            if backend is not None:
                backend.failed("set", error)
            g.lossviz_cache = "error"
        else:
            # Callbacks that never used get_or_compute now report the response-level outcome.
            if not g.get("lossviz_cache"):
                g.lossviz_cache = "miss"
        return response
