"""gunicorn settings for a class server: `gunicorn -c gunicorn.conf.py` (no other argument).

Everything comes from the LOSSVIZ_* environment variables (serving/config.py, docs/deploy.md).

* No preload: the master never imports the app, so no JAX array or compiled program exists
  before the fork (forking after JAX work is unsafe). Each worker imports the app itself.
* Each worker warms up after the fork (`post_worker_init` -> serving.warmup.start): the first
  phase (the lab's default program, the playground's default bucket, the layout routes) before
  it accepts a connection, everything else in a background thread while it serves.
  LOSSVIZ_WARMUP=background serves at once and runs both phases in the thread; =off skips it.
* The persistent JAX compilation cache (LOSSVIZ_JAX_CACHE_DIR, default ~/.cache/lossviz-jax,
  "off" disables it) makes a restarted worker load its programs instead of compiling them.
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from serving.config import ServerConfig, gunicorn_jax_cache_dir  # pure Python: no JAX in the master

_config = ServerConfig.from_env()

# The workers inherit the master's environment: set the JAX cache folder before any fork so
# jax_config.configure_jax() (run by each worker's `import app`) enables it.
_jax_cache_dir = gunicorn_jax_cache_dir()
if _jax_cache_dir:
    os.makedirs(_jax_cache_dir, exist_ok=True)
    os.environ["LOSSVIZ_JAX_CACHE_DIR"] = _jax_cache_dir
else:
    os.environ.pop("LOSSVIZ_JAX_CACHE_DIR", None)

wsgi_app = "app:server"
bind = [
    f"[{_config.host}]:{_config.port}" if ":" in _config.host else f"{_config.host}:{_config.port}"
]
workers = _config.workers
threads = _config.threads
worker_class = "gthread" if _config.threads > 1 else "sync"
preload_app = False
# The first warm-up phase runs before a worker's first heartbeat: give a cold compile room.
timeout = 120
graceful_timeout = 20
keepalive = 5
# The request line (method, path, query) and headers: gunicorn's largest allowed line, the
# same 8 KB the app bounds a query string to (serving/security.py).
limit_request_line = 8190
limit_request_field_size = 8190
backlog = 2048
proc_name = "lossviz"
# gunicorn's control socket defaults to one path per user: two instances would collide.
control_socket_disable = True
accesslog = "-" if _config.access_log else None
access_log_format = '%(h)s "%(r)s" %(s)s %(B)sB %(M)sms pid=%(p)s'

errorlog = "-"
loglevel = "info"
# Recycle workers slowly to bound any leak; jitter keeps them from restarting together.
max_requests = 200_000
max_requests_jitter = 20_000


def post_worker_init(worker):  # type: ignore[no-untyped-def]
    """Warm this worker up (after fork, before its first request); never crash on failure."""
    import logging

    logging.basicConfig(level=logging.INFO, format="%(asctime)s [%(process)d] %(name)s %(message)s")
    from serving.log_safety import install_log_filter

    install_log_filter()
    if _config.warmup == "off":
        return
    try:
        from serving.cache import HEALTH_KEY
        from serving.warmup import FIRST, start

        if HEALTH_KEY not in getattr(worker.wsgi, "extensions", {}):
            worker.log.info("lossviz warm-up skipped: %r is not the lossviz app", worker.wsgi)
            return

        report = start(worker.wsgi, blocking=_config.warmup == "sync")
        first = report.phases[FIRST]
        worker.log.info(
            "lossviz warm-up: first phase %s in %ss, the rest in the background",
            first.get("status"),
            first.get("seconds", "-"),
        )
    except Exception:  # warm-up must never stop the worker from serving
        worker.log.exception("lossviz warm-up crashed; serving without it")
