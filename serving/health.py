"""Readiness: `/readyz` says whether this process is fit to serve a class.

`/healthz` (Dash's health endpoint) only says the process answers. `/readyz` adds what a load
balancer or a deploy script needs: the first warm-up phase finished in this worker (see
serving/warmup.py; the background phase may still run, and the JSON says how far it is) and the
cache backend reachable. 200 when ready, 503 otherwise; the JSON body says why.
A process that never ran warm-up (LOSSVIZ_WARMUP=off) reports "not run" and is ready: it
compiles on first use; so is a process warming up entirely in the background (`python app.py`,
LOSSVIZ_WARMUP=background).

`compiles` counts this process's XLA compilations (`jax_config.compile_counter`): `total`,
`cache_hits` (loaded from the persistent compilation cache) and `after_warmup` (since both
phases finished; null before), which must stay 0 under any load. The body names the instance
and pid, so a client polling it can tell the workers apart.

The details (instance, warm-up, compiles, cache, the reasons) go only to a client on this
machine: a loopback peer whose forwarded-for chain (nginx's X-Forwarded-For) is loopback too.
Anyone else gets `{"ready": true|false}` and the status code: no host name, pid or backend
error text leaves the server.
"""

from __future__ import annotations

import ipaddress
import os
from typing import Any

from flask import Flask, Request, jsonify, request

from serving.config import ServerConfig

READY_PATH = "/readyz"


def readiness(server: Flask, config: ServerConfig) -> tuple[bool, dict[str, Any]]:
    from jax_config import compile_counter
    from serving.cache import backend_status
    from serving.training_lane import training_lane
    from serving.warmup import WARMUP_KEY

    report = server.extensions.get(WARMUP_KEY)
    warm = report.as_dict() if report is not None else {"status": "not run"}
    cache = backend_status()
    reasons = []
    if report is not None and report.blocking and not report.first_phase_done:
        reasons.append("warm-up still running (first phase)")
    if not cache["reachable"]:
        reasons.append(f"cache backend {cache['backend']} unreachable")
    body = {
        "ready": not reasons,
        "reasons": reasons,
        "instance": config.instance_name(),
        "pid": os.getpid(),
        # The version data URLs carry (`v=`): which code this worker runs.
        "code_version": server.config.get("LOSSVIZ_DATA_VERSION")
        or server.config.get("LOSSVIZ_CODE_FINGERPRINT"),
        "warm_up": warm,
        "compiles": compile_counter().as_dict(),
        "cache": cache,
    }
    lane = training_lane(server)
    body["training_lane"] = lane.stats() if lane is not None else None
    return not reasons, body


def is_local_client(incoming: Request) -> bool:
    """Did `incoming` come from this machine, directly or through a proxy on it?"""
    forwarded = incoming.headers.get("X-Forwarded-For", "")
    hops = [incoming.remote_addr or "", *(hop.strip() for hop in forwarded.split(",") if forwarded)]
    try:
        return all(ipaddress.ip_address(hop).is_loopback for hop in hops)
    except ValueError:
        return False


def init_health(server: Flask, config: ServerConfig) -> None:
    """Register /readyz on the Flask server."""

    def readyz():  # type: ignore[no-untyped-def]
        ready, body = readiness(server, config)
        response = jsonify(body if is_local_client(request) else {"ready": ready})
        response.status_code = 200 if ready else 503
        response.headers["Cache-Control"] = "no-store"
        return response

    server.add_url_rule(READY_PATH, "lossviz_readyz", readyz, methods=["GET"])
