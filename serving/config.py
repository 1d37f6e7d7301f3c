"""Server configuration read from environment variables (documented in the README).

| variable                 | default                  | meaning                                         |
| ------------------------ | ------------------------ | ----------------------------------------------- |
| LOSSVIZ_HOST             | 127.0.0.1                | address `python app.py` listens on              |
| LOSSVIZ_PORT             | 8050                     | port                                            |
| LOSSVIZ_WORKERS          | 2                        | gunicorn workers (gunicorn.conf.py)             |
| LOSSVIZ_CACHE            | simple                   | simple (in-process) \| redis \| filesystem \| null |
| LOSSVIZ_REDIS_URL        | redis://127.0.0.1:6379/0 | Redis for LOSSVIZ_CACHE=redis                   |
| LOSSVIZ_CACHE_DIR        | (temp dir)               | folder for LOSSVIZ_CACHE=filesystem             |
| LOSSVIZ_CACHE_TIMEOUT    | 3600                     | seconds a cached result lives                   |
| LOSSVIZ_JAX_CACHE_DIR    | (off)                    | persistent JAX compilation cache folder         |
| LOSSVIZ_DEBUG            | 0                        | 1 turns on Dash dev tools (never on a class server) |
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass

_CACHE_KINDS = ("simple", "redis", "filesystem", "null")


@dataclass(frozen=True)
class ServerConfig:
    """Everything the app reads from the environment, parsed once at start-up."""

    host: str = "127.0.0.1"
    port: int = 8050
    workers: int = 2
    cache: str = "simple"
    redis_url: str = "redis://127.0.0.1:6379/0"
    cache_dir: str = ""
    cache_timeout: int = 3600
    jax_cache_dir: str = ""
    debug: bool = False

    @classmethod
    def from_env(cls, environ: os._Environ[str] | dict[str, str] | None = None) -> ServerConfig:
        env = os.environ if environ is None else environ
        cache = env.get("LOSSVIZ_CACHE", cls.cache).strip().lower()
        if cache not in _CACHE_KINDS:
            raise ValueError(f"LOSSVIZ_CACHE must be one of {', '.join(_CACHE_KINDS)}, got {cache!r}")
        return cls(
            host=env.get("LOSSVIZ_HOST", cls.host),
            port=_int(env, "LOSSVIZ_PORT", cls.port),
            workers=_int(env, "LOSSVIZ_WORKERS", cls.workers),
            cache=cache,
            redis_url=env.get("LOSSVIZ_REDIS_URL", cls.redis_url),
            cache_dir=env.get("LOSSVIZ_CACHE_DIR", "")
            or os.path.join(tempfile.gettempdir(), "lossviz-cache"),
            cache_timeout=_int(env, "LOSSVIZ_CACHE_TIMEOUT", cls.cache_timeout),
            jax_cache_dir=env.get("LOSSVIZ_JAX_CACHE_DIR", ""),
            debug=env.get("LOSSVIZ_DEBUG", "0").strip().lower() in ("1", "true", "yes"),
        )


def _int(env: os._Environ[str] | dict[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"{name} must be an integer, got {raw!r}") from None
