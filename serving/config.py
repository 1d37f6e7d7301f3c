"""Server configuration read from environment variables (documented in docs/deploy.md).

| variable              | default                  | meaning                                      |
| --------------------- | ------------------------ | -------------------------------------------- |
| LOSSVIZ_HOST          | 127.0.0.1                | address the server listens on                |
| LOSSVIZ_PORT          | 8050                     | port (1–65535)                               |
| LOSSVIZ_WORKERS       | 2                        | gunicorn worker processes (1–64)             |
| LOSSVIZ_THREADS       | 4                        | threads per worker (>1: gthread workers)     |
| LOSSVIZ_CACHE         | simple                   | simple, redis, filesystem or null           |
| LOSSVIZ_REDIS_URL     | redis://127.0.0.1:6379/0 | Redis for LOSSVIZ_CACHE=redis                |
| LOSSVIZ_REDIS_TIMEOUT | 0.25                     | seconds to connect/answer before giving up   |
| LOSSVIZ_CACHE_RETRY   | 5                        | seconds the cache is bypassed after a failure |
| LOSSVIZ_CACHE_DIR     | (temp dir)               | folder for LOSSVIZ_CACHE=filesystem          |
| LOSSVIZ_CACHE_TIMEOUT | 3600                     | seconds a cached result lives (0 = forever)  |
| LOSSVIZ_CACHE_MAX_MB  | 32                       | bound of the in-process cache (simple), MB   |
| LOSSVIZ_JAX_CACHE_DIR | off; gunicorn: ~/.cache/lossviz-jax | persistent JAX compilation cache  |
| LOSSVIZ_INSTANCE      | <hostname>:<pid>         | value of the X-Lossviz-Instance header       |
| LOSSVIZ_INSTANCE_HEADER | 0                      | 1: responses say which process answered      |
|                       |                          | (X-Lossviz-Instance; the cluster test's)     |
| LOSSVIZ_FRAME_ANCESTORS | 'self'                 | CSP frame-ancestors: who may embed the pages |
| LOSSVIZ_WARMUP        | sync                     | sync (first phase before serving), background |
|                       |                          | (serve at once) or off; see serving/warmup.py |
| LOSSVIZ_RESPONSE_CACHE | 1                       | 1: identical callbacks share one response    |
| LOSSVIZ_RESPONSE_CACHE_MAX_KB | 2048             | largest callback response stored             |
| LOSSVIZ_TRAINING_LANE | 1                        | 1: heavy playground runs train in a child   |
|                       |                          | process at low priority (serving/training_lane.py) |
| LOSSVIZ_TRAINING_QUEUE | 4                       | heavy jobs waiting per worker before 503     |
| LOSSVIZ_TRAINING_NICE | 10                       | niceness of the training child (0–19)        |
| LOSSVIZ_XLA_SINGLE_THREAD | 1                  | 1: XLA computes on the request's thread only |
|                       |                          | (jax_config.run_on_request_threads)          |
| LOSSVIZ_ACCESS_LOG    | 0                        | 1: gunicorn writes an access log to stderr   |
| LOSSVIZ_DEBUG         | 0                        | 1: Dash dev tools (never on a class server)  |

Parsing is strict: a value that cannot be used raises ValueError naming the variable and the
accepted values, so a typo stops the server at start-up instead of silently using a default.
"""

from __future__ import annotations

import os
import socket
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from serving.training_lane import LaneSettings

_CACHE_KINDS = ("simple", "redis", "filesystem", "null")
WARMUP_MODES = ("sync", "background", "off")
_REDIS_SCHEMES = ("redis://", "rediss://", "unix://")
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off", "")
_HOSTNAME = socket.gethostname()
# What gunicorn.conf.py uses when LOSSVIZ_JAX_CACHE_DIR is unset; "off" disables it.
DEFAULT_GUNICORN_JAX_CACHE_DIR = os.path.join("~", ".cache", "lossviz-jax")


@dataclass(frozen=True)
class ServerConfig:
    """Everything the app reads from the environment, parsed once at start-up."""

    host: str = "127.0.0.1"
    port: int = 8050
    workers: int = 2
    threads: int = 4  # gthread: measured better than sync (docs/deploy.md, "Lecture hall")
    cache: str = "simple"
    redis_url: str = "redis://127.0.0.1:6379/0"
    redis_timeout: float = 0.25
    cache_retry: float = 5.0
    cache_dir: str = ""
    cache_timeout: int = 3600
    # Per process: the warm-up's working set plus a class's first minutes (~13-28 MB measured)
    # fits, and growth after minute 1 stays within the 30 MB soak budget (docs/deploy.md).
    cache_max_mb: int = 32
    jax_cache_dir: str = ""
    instance: str = ""
    instance_header: bool = False
    frame_ancestors: str = "'self'"
    warmup: str = "sync"
    response_cache: bool = True
    response_cache_max_kb: int = 2048
    training_lane: bool = True
    training_queue: int = 4
    training_nice: int = 10
    # Measured under 300 students: XLA's own thread pool and async dispatch doubled p95.
    xla_single_thread: bool = True
    access_log: bool = False
    debug: bool = False

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ServerConfig:
        env = os.environ if environ is None else environ
        cache = env.get("LOSSVIZ_CACHE", cls.cache).strip().lower()
        if cache not in _CACHE_KINDS:
            raise ValueError(
                f"LOSSVIZ_CACHE must be one of {', '.join(_CACHE_KINDS)}, got {cache!r}"
            )
        redis_url = env.get("LOSSVIZ_REDIS_URL", "").strip() or cls.redis_url
        if not redis_url.startswith(_REDIS_SCHEMES):
            raise ValueError(
                f"LOSSVIZ_REDIS_URL must start with {', '.join(_REDIS_SCHEMES)}, got {redis_url!r}"
            )
        warmup = env.get("LOSSVIZ_WARMUP", "").strip().lower() or cls.warmup
        if warmup not in WARMUP_MODES:
            raise ValueError(
                f"LOSSVIZ_WARMUP must be one of {', '.join(WARMUP_MODES)}, got {warmup!r}"
            )
        host = env.get("LOSSVIZ_HOST", "").strip() or cls.host
        if any(c.isspace() for c in host):
            raise ValueError(f"LOSSVIZ_HOST must be an address or host name, got {host!r}")
        frame_ancestors = " ".join(env.get("LOSSVIZ_FRAME_ANCESTORS", "").split())
        if any(c in frame_ancestors for c in ';,"') or not frame_ancestors.isprintable():
            raise ValueError(
                "LOSSVIZ_FRAME_ANCESTORS must be CSP sources separated by spaces "
                f"('self' https://lms.example.edu), got {frame_ancestors!r}"
            )
        return cls(
            host=host,
            port=_int(env, "LOSSVIZ_PORT", cls.port, 1, 65535),
            workers=_int(env, "LOSSVIZ_WORKERS", cls.workers, 1, 64),
            threads=_int(env, "LOSSVIZ_THREADS", cls.threads, 1, 64),
            cache=cache,
            redis_url=redis_url,
            redis_timeout=_float(env, "LOSSVIZ_REDIS_TIMEOUT", cls.redis_timeout, 0.01, 10.0),
            cache_retry=_float(env, "LOSSVIZ_CACHE_RETRY", cls.cache_retry, 0.0, 3600.0),
            cache_dir=env.get("LOSSVIZ_CACHE_DIR", "").strip()
            or os.path.join(tempfile.gettempdir(), "lossviz-cache"),
            cache_timeout=_int(env, "LOSSVIZ_CACHE_TIMEOUT", cls.cache_timeout, 0, 10**8),
            cache_max_mb=_int(env, "LOSSVIZ_CACHE_MAX_MB", cls.cache_max_mb, 1, 1 << 16),
            jax_cache_dir=env.get("LOSSVIZ_JAX_CACHE_DIR", "").strip(),
            instance=env.get("LOSSVIZ_INSTANCE", "").strip(),
            instance_header=_bool(env, "LOSSVIZ_INSTANCE_HEADER", False),
            frame_ancestors=frame_ancestors or cls.frame_ancestors,
            warmup=warmup,
            response_cache=_bool(env, "LOSSVIZ_RESPONSE_CACHE", True),
            response_cache_max_kb=_int(
                env, "LOSSVIZ_RESPONSE_CACHE_MAX_KB", cls.response_cache_max_kb, 1, 1 << 20
            ),
            training_lane=_bool(env, "LOSSVIZ_TRAINING_LANE", True),
            training_queue=_int(env, "LOSSVIZ_TRAINING_QUEUE", cls.training_queue, 1, 64),
            training_nice=_int(env, "LOSSVIZ_TRAINING_NICE", cls.training_nice, 0, 19),
            xla_single_thread=_bool(env, "LOSSVIZ_XLA_SINGLE_THREAD", True),
            access_log=_bool(env, "LOSSVIZ_ACCESS_LOG", False),
            debug=_bool(env, "LOSSVIZ_DEBUG", False),
        )

    def lane_settings(self) -> LaneSettings | None:
        """The training lane's settings, or None when LOSSVIZ_TRAINING_LANE=0."""
        from serving.training_lane import LaneSettings

        if not self.training_lane:
            return None
        return LaneSettings(max_queued=self.training_queue, nice=self.training_nice)

    def instance_name(self) -> str:
        """The name this process reports in X-Lossviz-Instance (per worker: includes the pid)."""
        return self.instance or f"{_HOSTNAME}:{os.getpid()}"


def _int(env: Mapping[str, str], name: str, default: int, minimum: int, maximum: int) -> int:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ValueError(f"{name} must be a whole number, got {raw!r}") from None
    if not minimum <= value <= maximum:
        raise ValueError(f"{name} must be between {minimum} and {maximum}, got {value}")
    return value


def _float(
    env: Mapping[str, str], name: str, default: float, minimum: float, maximum: float
) -> float:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw.strip())
    except ValueError:
        raise ValueError(f"{name} must be a number, got {raw!r}") from None
    if not minimum <= value <= maximum:  # also rejects nan
        raise ValueError(f"{name} must be between {minimum:g} and {maximum:g}, got {raw.strip()}")
    return value


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None:
        return default
    text = raw.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"{name} must be 1 or 0 (true/false, yes/no, on/off), got {raw!r}")


def gunicorn_jax_cache_dir(environ: Mapping[str, str] | None = None) -> str:
    """The JAX compilation cache folder for gunicorn: the env value, the default, or '' (off)."""
    env = os.environ if environ is None else environ
    raw = env.get("LOSSVIZ_JAX_CACHE_DIR")
    if raw is None or raw.strip() == "":
        return os.path.expanduser(DEFAULT_GUNICORN_JAX_CACHE_DIR)
    if raw.strip().lower() in ("off", "none", "0"):
        return ""
    return os.path.expanduser(raw.strip())
