"""Process-wide JAX settings shared by every engine (landscapes, optimizers, playground).

Only configuration happens here: no array is created and nothing is compiled, so importing an
engine before gunicorn forks its workers stays safe.

* float64 is enabled so the optimizer lab's trajectories match a NumPy reference to ~1e-12
  and hover values are exact; the playground casts its own data to float32 explicitly.
* If ``JAX_COMPILATION_CACHE_DIR`` (or ``LOSSVIZ_JAX_CACHE_DIR``) is set, compiled programs
  are persisted there, including the small ones JAX skips by default, so a restarted worker
  loads its programs instead of compiling them.
* ``compile_counter()`` counts this process's XLA compilations (a ``jax.monitoring`` listener
  registered by ``configure_jax``): /readyz reports them, and warm-up marks the moment after
  which a compilation is a bug ("nothing compiles after warm-up").
* ``run_on_request_threads()`` (servers only, before the first computation): XLA runs each
  computation on the thread that asked for it, with no thread pool of its own and no async
  dispatch. A lecture hall's concurrent requests already fill every core; XLA's pool then only
  adds threads that wait for cores (measured: docs/deploy.md, "Lecture hall").
* ``first_call(key, call)`` makes concurrent first calls of one program wait for a single
  compilation (JAX 0.10 compiles a program once per *thread* that asks for it at the same time).
"""

from __future__ import annotations

import logging
import os
import threading
from collections import deque
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import jax

T = TypeVar("T")

# Event names in jax 0.10.2 (jax/_src/dispatch.py, jax/_src/compiler.py).
# The backend-compile span wraps `compile_or_get_cached`: it is raised for every program this
# process builds, compiled by XLA or loaded from the persistent cache.
BACKEND_COMPILE_EVENT = "/jax/core/compile/backend_compile_duration"
# Raised inside that span when the executable came from the persistent compilation cache.
PERSISTENT_CACHE_HIT_EVENT = "/jax/compilation_cache/cache_hits"


class CompileCounter:
    """This process's XLA compilations: total, persistent-cache hits, and after warm-up.

    ``total`` counts every backend compilation (a persistent-cache load included: it still
    means the program was not ready in memory); ``cache_hits`` those served by the persistent
    cache; ``after_warmup`` those after ``mark_warm()`` (None until then), with the names of
    the last few such programs to say what compiled.
    """

    RECENT = 8

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.total = 0
        self.cache_hits = 0
        self.seconds = 0.0
        self._total_at_warm: int | None = None
        self._late: deque[str] = deque(maxlen=self.RECENT)

    def on_duration(self, event: str, duration: float, **kwargs: Any) -> None:
        if event != BACKEND_COMPILE_EVENT:
            return
        with self._lock:
            self.total += 1
            self.seconds += duration
            if self._total_at_warm is not None:
                self._late.append(str(kwargs.get("fun_name", "?")))

    def on_event(self, event: str, **_: Any) -> None:
        if event == PERSISTENT_CACHE_HIT_EVENT:
            with self._lock:
                self.cache_hits += 1

    def mark_warm(self) -> None:
        """From now on every compilation is counted in ``after_warmup``."""
        with self._lock:
            if self._total_at_warm is None:
                self._total_at_warm = self.total

    def as_dict(self) -> dict[str, Any]:
        with self._lock:
            after = None if self._total_at_warm is None else self.total - self._total_at_warm
            report: dict[str, Any] = {
                "total": self.total,
                "after_warmup": after,
                "cache_hits": self.cache_hits,
                "seconds": round(self.seconds, 3),
            }
            if self._late:
                report["after_warmup_programs"] = list(self._late)
            return report


_COUNTER = CompileCounter()
_REGISTERED = threading.Lock()
_registered = False


def compile_counter() -> CompileCounter:
    """The per-process counter (listening once ``configure_jax`` has run)."""
    return _COUNTER


def _register_counter() -> None:
    global _registered
    with _REGISTERED:
        if _registered:
            return
        jax.monitoring.register_event_duration_secs_listener(_COUNTER.on_duration)
        jax.monitoring.register_event_listener(_COUNTER.on_event)
        _registered = True


def configure_jax() -> None:
    """Apply the project's JAX settings; idempotent, cheap, safe before fork."""
    jax.config.update("jax_enable_x64", True)
    # JAX reports at INFO that it found no TPU library on a CPU machine: true and harmless,
    # but it reads like an error in a server's log.
    logging.getLogger("jax._src.xla_bridge").setLevel(logging.WARNING)
    cache_dir = os.environ.get("LOSSVIZ_JAX_CACHE_DIR") or os.environ.get(
        "JAX_COMPILATION_CACHE_DIR"
    )
    if cache_dir:
        jax.config.update("jax_compilation_cache_dir", cache_dir)
        jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)
        jax.config.update("jax_persistent_cache_min_entry_size_bytes", -1)
    _register_counter()


# XLA's CPU thread pool for one computation's operations (Eigen's), on by default.
SINGLE_THREAD_XLA_FLAG = "--xla_cpu_multi_thread_eigen=false"


def run_on_request_threads() -> bool:
    """Make every XLA computation run on its caller's thread; False if JAX has already started.

    Sets ``XLA_FLAGS`` (keeping flags already there; a flag already naming the Eigen pool
    wins) and ``jax_cpu_enable_async_dispatch=False``: both are read once, when the CPU
    backend starts (the first computation), so this must run before it. Numbers are the same;
    only who computes them changes. A child process started afterwards inherits ``XLA_FLAGS``.
    """
    from jax._src import xla_bridge  # the only place JAX says whether its backend started

    if xla_bridge.backends_are_initialized():
        return False
    os.environ["XLA_FLAGS"] = single_thread_xla_flags(os.environ.get("XLA_FLAGS", ""))
    jax.config.update("jax_cpu_enable_async_dispatch", False)
    return True


def single_thread_xla_flags(flags: str) -> str:
    """``flags`` plus the flag that turns XLA's Eigen pool off, unless one already sets it."""
    words = flags.split()
    if any(word.startswith("--xla_cpu_multi_thread_eigen") for word in words):
        return " ".join(words)
    return " ".join([*words, SINGLE_THREAD_XLA_FLAG])


class _FirstCalls:
    """One lock per program key, held through its first call; afterwards no lock at all."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._locks: dict[Hashable, threading.Lock] = {}
        self._done: set[Hashable] = set()

    def call(self, key: Hashable, function: Callable[[], T]) -> T:
        if key in self._done:  # the common case: compiled long ago
            return function()
        with self._lock:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            result = function()
            self._done.add(key)
        with self._lock:
            self._locks.pop(key, None)
        return result


_FIRST_CALLS = _FirstCalls()


def first_call(key: Hashable, call: Callable[[], T]) -> T:
    """Run ``call()``; while the first call for ``key`` runs, other threads' calls wait for it.

    ``key`` names one compiled program (e.g. its static arguments). A request that needs a
    program the background warm-up is compiling then waits for that compilation instead of
    compiling the same program again beside it (twice the CPU, and a second compile counted).
    The table holds one entry per program the process ever ran (they are few and bounded).
    """
    return _FIRST_CALLS.call(key, call)
