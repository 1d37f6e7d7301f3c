"""Readiness: `/readyz` says whether this process is fit to serve a class.

`/healthz` (Dash's health endpoint) only says the process answers. `/readyz` adds what a load
balancer or a deploy script needs: warm-up finished in this worker (see serving/warmup.py) and
the cache backend reachable. 200 when ready, 503 otherwise; the JSON body says why.
A process that never ran warm-up (`python app.py`, LOSSVIZ_WARMUP=off) reports "not run" and
is ready: it compiles on first use; so is a worker warming up in the background.
"""

from __future__ import annotations

import os
from typing import Any

from flask import Flask, jsonify

from serving.config import ServerConfig

READY_PATH = "/readyz"


def readiness(server: Flask, config: ServerConfig) -> tuple[bool, dict[str, Any]]:
    from serving.cache import backend_status
    from serving.warmup import WARMUP_KEY

    report = server.extensions.get(WARMUP_KEY)
    warm = report.as_dict() if report is not None else {"status": "not run"}
    cache = backend_status()
    reasons = []
    if warm["status"] == "running" and warm.get("mode") == "sync":
        reasons.append("warm-up still running")
    if not cache["reachable"]:
        reasons.append(f"cache backend {cache['backend']} unreachable")
    body = {
        "ready": not reasons,
        "reasons": reasons,
        "instance": config.instance_name(),
        "pid": os.getpid(),
        "warm_up": warm,
        "cache": cache,
    }
    return not reasons, body


def init_health(server: Flask, config: ServerConfig) -> None:
    """Register /readyz on the Flask server."""

    def readyz():  # type: ignore[no-untyped-def]
        ready, body = readiness(server, config)
        response = jsonify(body)
        response.status_code = 200 if ready else 503
        response.headers["Cache-Control"] = "no-store"
        return response

    server.add_url_rule(READY_PATH, "lossviz_readyz", readyz, methods=["GET"])
