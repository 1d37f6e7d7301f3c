"""The cache operations a live session needs, on whichever backend serving/cache.py set up.

Why not `serving.cache.lookup` / `store`: those hide a failing backend (right for results,
which can be recomputed), but a session that was not stored must say so. Here every failure
raises `Unavailable` (the API answers 503 with a sentence). `increment` is atomic: Redis'
INCR (+ EXPIRE in one transaction) across workers and hosts; on the in-process cache a lock
kept in `app.extensions` (one per process, made at start-up: no module-level state).
"""

from __future__ import annotations

import threading
from typing import Any

from flask import Flask, current_app

from serving.cache import cache

LOCK_KEY = "lossviz.live_lock"


class Unavailable(RuntimeError):
    """The cache backend cannot keep live sessions now (down, or the null cache)."""


def init_backend(server: Flask) -> None:
    """Give this process the lock its in-process counters use."""
    server.extensions.setdefault(LOCK_KEY, threading.Lock())


def _backend() -> Any:
    if current_app.config.get("LOSSVIZ_CACHE_BACKEND") == "null":
        raise Unavailable("Live sessions need a shared cache; this server runs without one.")
    return cache.cache


def _call(operation: str, *args: Any, **kwargs: Any) -> Any:
    backend = _backend()
    try:
        return getattr(backend, operation)(*args, **kwargs)
    except Exception as error:
        raise Unavailable(
            "The server cannot reach its session store just now; try again in a moment."
        ) from error


def get(key: str) -> Any:
    return _call("get", key)


def get_many(keys: list[str]) -> list[Any]:
    return list(_call("get_many", *keys)) if keys else []


def put(key: str, value: Any, ttl: int) -> None:
    if _call("set", key, value, timeout=ttl) is False:
        raise Unavailable("The session store refused this value.")


def add(key: str, value: Any, ttl: int) -> bool:
    """Store only if `key` is absent (Redis SETNX); True when stored."""
    return bool(_call("add", key, value, timeout=ttl))


def delete(key: str) -> None:
    _call("delete", key)


def increment(key: str, ttl: int) -> int:
    """Add one to the counter `key` (created at 0, expiring `ttl` s after its last use)."""
    backend = _backend()
    client = getattr(backend, "_write_client", None)
    try:
        if client is not None and hasattr(client, "pipeline"):  # Redis (cachelib RedisCache)
            name = f"{backend._get_prefix()}{key}"
            pipe = client.pipeline(transaction=True)
            pipe.incr(name)
            pipe.expire(name, ttl)
            value, _ = pipe.execute()
            return int(value)
        with current_app.extensions[LOCK_KEY]:
            value = int(backend.get(key) or 0) + 1
            backend.set(key, value, timeout=ttl)
            return value
    except Exception as error:
        raise Unavailable(
            "The server cannot reach its session store just now; try again in a moment."
        ) from error
