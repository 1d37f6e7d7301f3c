"""The framework floor: the cheapest useful Dash request, served like the real app.

    gunicorn -c gunicorn.conf.py benchmarks.floor_app:server     (LOSSVIZ_WARMUP=off, see below)

One page, one input, one callback that returns 27 KB of base64 text into a dcc.Store — the
shape of the reference measurement (a trivial callback with a 27 KB payload). Whatever this
serves per second under the same gunicorn settings (LOSSVIZ_WORKERS / LOSSVIZ_THREADS, worker
class, timeouts) is what Dash + Flask + gunicorn cost before the app does any work;
benchmarks/load.py --saturate compares the real app's throughput against it (`floor_ratio`).

Like the app it adds `Server-Timing: cpu;dur=…` when LOSSVIZ_TIMING=1 (serving/timing.py), so
the floor's CPU per callback is measured the same way. No cache, no pages, no JAX.

Warm-up: gunicorn.conf.py's post_worker_init runs serving.warmup.warm_up on any WSGI app.
For this app it compiles the lossviz engines (unused here: seconds of start-up and
hundreds of MB per worker) and its gallery step fails (no pages router; logged, not fatal),
so load.py starts the floor with LOSSVIZ_WARMUP=off.
"""

from __future__ import annotations

import base64

from dash import Dash, Input, Output, dcc, html

from serving.timing import init_timing

PAYLOAD_CHARS = 27_000  # base64 characters in every answer (27 KB)


def payload(value: str) -> str:
    """27 000 base64 characters that depend on `value` (deterministic, cheap: no RNG).

    20 250 raw bytes -> 27 000 characters (4 per 3 bytes).
    """
    seed = value.encode()[:64] or b"0"
    raw = (seed * (PAYLOAD_CHARS * 3 // 4 // len(seed) + 1))[: PAYLOAD_CHARS * 3 // 4]
    return base64.b64encode(raw).decode("ascii")


def create_floor_app() -> Dash:
    app = Dash(__name__, serve_locally=True, update_title=None, title="Framework floor")
    app.layout = html.Div(
        [dcc.Input(id="floor-input", value="0"), dcc.Store(id="floor-store")],
        id="floor-shell",
    )

    @app.callback(Output("floor-store", "data"), Input("floor-input", "value"))
    def answer(value: str | None) -> dict[str, str]:
        return {"value": str(value), "blob": payload(str(value))}

    init_timing(app.server)
    return app


app = create_floor_app()
server = app.server
