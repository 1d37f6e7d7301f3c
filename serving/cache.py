"""The shared result cache (flask-caching) and the one way pages use it: `get_or_compute`.

Keys are canonical strings built by each page's settings object (`Settings.cache_key()`), never
the repr of arrays. Values are plain numpy/JSON-able results, pickled by the backend.
`simple` (the embedded default) is `BoundedMemoryCache`: in-process, bounded in bytes
(LOSSVIZ_CACHE_MAX_MB), least recently used first out. RedisCache shares results between
workers and hosts (bound it with Redis' `maxmemory` + `allkeys-lru`, docs/deploy.md);
FileSystemCache is bounded by its entry count (`FILESYSTEM_THRESHOLD`).
If the backend fails (Redis down), the page still works: the result is computed,
the failure is logged once (not once per request), and the response says
`X-Lossviz-Cache: error`. After a failure the cache is bypassed for LOSSVIZ_CACHE_RETRY seconds,
so a hung Redis costs one timeout per retry window, not one per request.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import pickle
import threading
import time
from collections.abc import Callable
from typing import Any, NamedTuple, TypeVar

from cachetools import TLRUCache
from flask import Flask, current_app, g, has_app_context, has_request_context
from flask_caching import Cache
from flask_caching.backends.base import BaseCache

from serving.config import ServerConfig

log = logging.getLogger("lossviz.cache")

T = TypeVar("T")

CACHE_HEADER = "X-Lossviz-Cache"
INSTANCE_HEADER = "X-Lossviz-Instance"
HEALTH_KEY = "lossviz.cache_health"
MB = 1 << 20
# FileSystemCache keeps at most this many entries (flask-caching's own bound: by count, not
# bytes). Entries are 10 KB – 1.5 MB, so the folder stays under ~750 MB.
FILESYSTEM_THRESHOLD = 500


class _Entry(NamedTuple):
    payload: bytes  # the pickled value: its length is what it costs
    lifetime: float  # seconds; 0 = until evicted
    size: int  # bytes charged against the bound (payload + key + bookkeeping)


class _ByteBoundedLRU(TLRUCache):
    """cachetools' TLRUCache (per-entry expiry, least recently used evicted) counting evictions."""

    evictions = 0

    def popitem(self):  # type: ignore[no-untyped-def]
        item = super().popitem()
        self.evictions += 1
        return item


class BoundedMemoryCache(BaseCache):
    """flask-caching backend: an in-process cache bounded in bytes (`LOSSVIZ_CACHE=simple`).

    Values are stored pickled: the charge of an entry is exact (its pickled length, plus its key
    and `ENTRY_OVERHEAD` bytes of bookkeeping), and every `get` returns a fresh copy, so no
    caller can change what another one reads. The sum of charges never exceeds `max_bytes`:
    storing evicts the least recently used entries first (cachetools `TLRUCache` with
    `getsizeof`), and a value larger than `max_bytes * MAX_ENTRY_FRACTION` is refused (one big
    result must not flush everyone else's). Each entry expires after its timeout (the default
    LOSSVIZ_CACHE_TIMEOUT; 0 = never). One lock guards every operation (gthread workers).
    """

    ENTRY_OVERHEAD = 400  # the key's str object, an OrderedDict node, a heap item, two dict slots
    MAX_ENTRY_FRACTION = 1 / 8

    def __init__(
        self,
        max_bytes: int = 32 * MB,
        default_timeout: int = 300,
        ignore_delete_many_errors: bool = False,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(
            default_timeout=default_timeout, ignore_delete_many_errors=ignore_delete_many_errors
        )
        if max_bytes < 1:
            raise ValueError(f"max_bytes must be positive, got {max_bytes}")
        self.max_bytes = int(max_bytes)
        self.max_entry_bytes = int(self.max_bytes * self.MAX_ENTRY_FRACTION)
        self._entries = _ByteBoundedLRU(
            maxsize=self.max_bytes,
            ttu=_expiry,
            timer=clock,
            getsizeof=lambda entry: entry.size,
        )
        self._lock = threading.Lock()
        self.hits = self.misses = self.refused = 0

    @classmethod
    def factory(
        cls, app: Flask, config: dict[str, Any], args: list[Any], kwargs: dict[str, Any]
    ) -> BoundedMemoryCache:
        return cls(*args, **kwargs)

    def get(self, key: str) -> Any:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                self.misses += 1
                return None
            self.hits += 1
        return pickle.loads(entry.payload)

    def set(self, key: str, value: Any, timeout: int | dt.timedelta | None = None) -> bool:
        """Store `value`; False (and nothing stored under `key`) when it is too large."""
        lifetime = self._normalize_timeout(timeout)
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        size = len(payload) + len(key.encode()) + self.ENTRY_OVERHEAD
        with self._lock:
            if lifetime < 0 or size > self.max_entry_bytes:
                self._entries.pop(key, None)  # never leave an older value behind
                if lifetime >= 0:
                    self.refused += 1
                    log.debug("not cached (%d bytes > %d): %s", size, self.max_entry_bytes, key)
                return False
            self._entries[key] = _Entry(payload, float(lifetime), size)
        return True

    def add(self, key: str, value: Any, timeout: int | dt.timedelta | None = None) -> bool:
        with self._lock:
            if key in self._entries:
                return False
        return self.set(key, value, timeout)

    def has(self, key: str) -> bool:
        with self._lock:
            return key in self._entries

    def delete(self, key: str) -> bool:
        with self._lock:
            return self._entries.pop(key, None) is not None

    def clear(self) -> bool:
        with self._lock:
            self._entries.clear()
        return True

    def stats(self) -> dict[str, int]:
        """Entries, bytes charged and the bound, and the hit/miss/eviction/refusal counts."""
        with self._lock:
            self._entries.expire()
            return {
                "entries": len(self._entries),
                "bytes": int(self._entries.currsize),
                "max_bytes": self.max_bytes,
                "max_entry_bytes": self.max_entry_bytes,
                "hits": self.hits,
                "misses": self.misses,
                "evictions": self._entries.evictions,
                "refused": self.refused,
            }


def _expiry(_key: str, entry: _Entry, now: float) -> float:
    """TLRUCache's time-to-use: `now + lifetime`, or never for a lifetime of 0."""
    return now + entry.lifetime if entry.lifetime > 0 else math.inf


# The flask-caching extension object. It holds no per-request state: `init_app` binds it to
# the server's config once at start-up, as flask-caching intends.
cache = Cache()


def cache_settings(config: ServerConfig) -> dict[str, Any]:
    """flask-caching configuration for the chosen backend."""
    common: dict[str, Any] = {"CACHE_DEFAULT_TIMEOUT": config.cache_timeout}
    if config.cache == "redis":
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        return {
            **common,
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": config.redis_url,
            "CACHE_KEY_PREFIX": "lossviz:",
            # Fail fast when Redis is unreachable: the page computes instead of waiting.
            # redis-py's Redis() default retries 3× with backoff (seconds per call): never.
            "CACHE_OPTIONS": {
                "socket_connect_timeout": config.redis_timeout,
                "socket_timeout": config.redis_timeout,
                "retry": Retry(NoBackoff(), 0),
                "health_check_interval": 0,
            },
        }
    if config.cache == "filesystem":
        return {
            **common,
            "CACHE_TYPE": "FileSystemCache",
            "CACHE_DIR": config.cache_dir,
            "CACHE_THRESHOLD": FILESYSTEM_THRESHOLD,
        }
    if config.cache == "null":
        return {**common, "CACHE_TYPE": "NullCache", "CACHE_NO_NULL_WARNING": True}
    # In-process, bounded in bytes (results and responses are 10 KB – 1.5 MB each).
    return {
        **common,
        "CACHE_TYPE": f"{__name__}.BoundedMemoryCache",
        "CACHE_OPTIONS": {"max_bytes": config.cache_max_mb * MB},
    }


class BackendHealth:
    """Per-process record of cache-backend failures: log once per outage, bypass while down.

    One instance per Flask app (in `app.extensions`), shared by the worker's threads under a
    lock. It holds backend health only, never user data.
    """

    def __init__(self, retry_seconds: float, clock: Callable[[], float] = time.monotonic):
        self.retry_seconds = retry_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._down_until = 0.0
        self._failing = False
        self.failures = 0
        self.last_error = ""

    def available(self) -> bool:
        """False while inside the bypass window that follows a failure."""
        with self._lock:
            return not (self._failing and self._clock() < self._down_until)

    def failed(self, operation: str, error: BaseException) -> None:
        with self._lock:
            self.failures += 1
            self.last_error = f"{type(error).__name__}: {error}"
            first = not self._failing
            self._failing = True
            self._down_until = self._clock() + self.retry_seconds
        if first:
            log.warning(
                "cache backend unavailable during %s (%s); computing without it, "
                "retrying every %gs",
                operation,
                self.last_error,
                self.retry_seconds,
            )
        else:
            log.debug("cache backend still unavailable during %s (%s)", operation, self.last_error)

    def succeeded(self) -> None:
        if not self._failing:  # fast path, no lock: the common case
            return
        with self._lock:
            if not self._failing:
                return
            self._failing = False
            failures = self.failures
        log.warning("cache backend reachable again after %d failed operations", failures)


def init_cache(server: Flask, config: ServerConfig) -> None:
    """Bind the cache to the Flask server, tag responses, and add the serving endpoints.

    Responses carry `X-Lossviz-Cache` (hit/miss/error, when the request used the cache) and
    `X-Lossviz-Instance` (which server process answered, with LOSSVIZ_INSTANCE_HEADER=1). `/readyz` is added by
    `serving.health.init_health`.
    """
    cache.init_app(server, config=cache_settings(config))
    server.extensions[HEALTH_KEY] = BackendHealth(config.cache_retry)
    server.config["LOSSVIZ_CACHE_BACKEND"] = config.cache

    @server.after_request
    def _tag_cache_outcome(response):  # type: ignore[no-untyped-def]
        outcome = g.get("lossviz_cache")
        if outcome:
            response.headers[CACHE_HEADER] = outcome
        # Off by default (it names the host and pid); the cluster test turns it on.
        # Without LOSSVIZ_INSTANCE the pid is read per response: workers fork after start-up.
        if config.instance_header:
            response.headers[INSTANCE_HEADER] = config.instance_name()
        return response

    if config.response_cache and config.cache != "null":
        from serving.response_cache import init_response_cache

        # Registered after the header hook so that it runs before it (Flask runs after_request
        # functions in reverse order) and the header reports the response cache's outcome.
        init_response_cache(server, max_kb=config.response_cache_max_kb)

    from serving.health import init_health

    init_health(server, config)


def _note(outcome: str) -> None:
    if has_request_context():
        previous = g.get("lossviz_cache")
        # "miss" wins over "hit" and "error" over both, so a response reports its worst lookup.
        rank = {"hit": 0, "miss": 1, "error": 2}
        if previous is None or rank[outcome] > rank[previous]:
            g.lossviz_cache = outcome


def _health() -> BackendHealth | None:
    if not has_app_context():
        return None
    return current_app.extensions.get(HEALTH_KEY)


def lookup(key: str, *, reported: bool = True) -> Any:
    """The cached value for `key`, or None (a miss, or the backend is failing: logged once).

    `reported=False`: a hint lookup whose miss costs nothing (it is not the data), so it does
    not count toward the response's `X-Lossviz-Cache` outcome.
    """
    health = _health()
    if health is not None and not health.available():
        _note("error")
        return None
    try:
        value = cache.get(key)
    except Exception as error:  # backend down or unreachable
        if health is not None:
            health.failed("get", error)
        else:
            log.warning("cache unavailable (%s: %s); computing", type(error).__name__, error)
        _note("error")
        return None
    if health is not None:
        health.succeeded()
    if reported:
        _note("miss" if value is None else "hit")
    return value


def store(key: str, value: Any, timeout: int | None = None) -> None:
    """Store `value` under `key`; a failing backend is noted, never raised."""
    health = _health()
    if health is not None and not health.available():
        return
    try:
        cache.set(key, value, timeout=timeout)
    except Exception as error:
        if health is not None:
            health.failed("set", error)
        else:
            log.warning("cache unavailable (%s: %s); not stored", type(error).__name__, error)
        _note("error")


def get_or_compute(key: str, compute: Callable[[], T]) -> T:
    """Return the cached value for `key`, computing and storing it on a miss.

    Cache failures never reach the user: on any backend error the value is computed directly.
    """
    value = lookup(key)
    if value is not None:
        return value
    value = compute()
    store(key, value)
    return value


def backend_status() -> dict[str, Any]:
    """Is the cache backend reachable now? (For /readyz; needs an app context.)"""
    backend = current_app.config.get("LOSSVIZ_CACHE_BACKEND", "simple")
    status: dict[str, Any] = {"backend": backend, "reachable": True}
    health = _health()
    if health is not None:
        status["failures"] = health.failures
        if health.last_error:
            status["last_error"] = health.last_error
    stats = getattr(cache.cache, "stats", None)
    if callable(stats):
        status.update(stats())
    if backend != "redis":
        return status
    client = getattr(cache.cache, "_read_client", None)
    started = time.perf_counter()
    try:
        client.ping()  # type: ignore[union-attr]
    except Exception as error:
        status["reachable"] = False
        status["error"] = f"{type(error).__name__}: {error}"
    status["ping_ms"] = round((time.perf_counter() - started) * 1000, 2)
    return status
