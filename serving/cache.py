"""The shared result cache (flask-caching) and the one way pages use it: `get_or_compute`.

Keys are canonical strings built by each page's settings object (`Settings.cache_key()`), never
the repr of arrays. Values are plain numpy/JSON-able results, pickled by the backend.
SimpleCache (in-process) is the embedded default; RedisCache shares results between workers
and hosts. If the backend fails (Redis down), the page still works: the result is computed,
the failure is logged, and the response says `X-Lossviz-Cache: error`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, g, has_request_context
from flask_caching import Cache

from serving.config import ServerConfig

log = logging.getLogger("lossviz.cache")

T = TypeVar("T")

CACHE_HEADER = "X-Lossviz-Cache"

# The flask-caching extension object. It holds no per-request state: `init_app` binds it to
# the server's config once at start-up, as flask-caching intends.
cache = Cache()


def cache_settings(config: ServerConfig) -> dict[str, Any]:
    """flask-caching configuration for the chosen backend."""
    common: dict[str, Any] = {"CACHE_DEFAULT_TIMEOUT": config.cache_timeout}
    if config.cache == "redis":
        return {
            **common,
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": config.redis_url,
            "CACHE_KEY_PREFIX": "lossviz:",
            # Fail fast when Redis is unreachable: the page computes instead of waiting.
            "CACHE_OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5},
        }
    if config.cache == "filesystem":
        return {**common, "CACHE_TYPE": "FileSystemCache", "CACHE_DIR": config.cache_dir}
    if config.cache == "null":
        return {**common, "CACHE_TYPE": "NullCache"}
    return {**common, "CACHE_TYPE": "SimpleCache", "CACHE_THRESHOLD": 2000}


def init_cache(server: Flask, config: ServerConfig) -> None:
    """Bind the cache to the Flask server and tag every response with its cache outcome."""
    cache.init_app(server, config=cache_settings(config))

    @server.after_request
    def _tag_cache_outcome(response):  # type: ignore[no-untyped-def]
        outcome = g.get("lossviz_cache")
        if outcome:
            response.headers[CACHE_HEADER] = outcome
        return response


def _note(outcome: str) -> None:
    if has_request_context():
        previous = g.get("lossviz_cache")
        # "miss" wins over "hit" and "error" over both, so a response reports its worst lookup.
        rank = {"hit": 0, "miss": 1, "error": 2}
        if previous is None or rank[outcome] > rank[previous]:
            g.lossviz_cache = outcome


def get_or_compute(key: str, compute: Callable[[], T]) -> T:
    """Return the cached value for `key`, computing and storing it on a miss.

    Cache failures never reach the user: on any backend error the value is computed directly.
    """
    try:
        value = cache.get(key)
    except Exception as error:  # backend down or unreachable
        log.warning("cache unavailable (%s: %s); computing without it", type(error).__name__, error)
        _note("error")
        return compute()
    if value is not None:
        _note("hit")
        return value
    _note("miss")
    value = compute()
    try:
        cache.set(key, value)
    except Exception as error:
        log.warning("cache unavailable (%s: %s); result not stored", type(error).__name__, error)
        _note("error")
    return value
