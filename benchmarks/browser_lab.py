"""Optimizer lab in headless Chromium: playback frame rate and LR-change-to-repaint latency.

    python benchmarks/browser_lab.py [--changes 20]

Starts the app on a loopback port (werkzeug thread), opens /optimizers in Debian's chromium
(Playwright) and measures:
* playback_fps: frames the browser paints per second while the lab plays (each frame
  re-draws every trajectory and the cost chart), and requests sent while playing (should be 0);
* lr_change_repaint_ms_p50/p95: from typing a new learning rate (Enter) to the new trajectory
  being on screen (includes the server round trip).
The last stdout line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import socket
import sys
import threading
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

LR_BOX = '[id=\'{"key":"gd.lr","type":"lab-field"}\']'


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=20)
    args = parser.parse_args()

    from conftest import CHROMIUM, CHROMIUM_ARGS
    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    from app import app

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = make_server("127.0.0.1", port, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            requests: list[str] = []
            page.on(
                "request", lambda r: requests.append(r.url) if "_dash-update" in r.url else None
            )
            page.goto(f"http://127.0.0.1:{port}/optimizers")
            page.wait_for_function(
                "() => { const e = document.getElementById('lab-landscape');"
                " const gd = e && e.querySelector('.js-plotly-plot');"
                " return gd && gd.data && gd.data.length > 3 && gd.data[3].x && gd.data[3].x.length > 1; }",
                timeout=120_000,
            )
            page.wait_for_timeout(500)

            # Playback: count animation frames and the step counter over 3 s of play.
            before = len(requests)
            page.evaluate(
                "() => { window.__frames = 0; const tick = () => { window.__frames++;"
                " window.__raf = requestAnimationFrame(tick); }; tick(); }"
            )
            page.click("[data-player='lab'][data-action='reset']")
            frames0 = page.evaluate("() => window.__frames")
            page.click("[data-player='lab'][data-action='play']")
            t0 = time.perf_counter()
            page.wait_for_timeout(3000)
            frames = page.evaluate("() => window.__frames") - frames0
            seconds = time.perf_counter() - t0
            step = int(
                page.locator("[data-player='lab'][data-role='counter']").inner_text().split()[1]
            )
            page.click("[data-player='lab'][data-action='play']")
            requests_while_playing = len(requests) - before

            # LR change to repaint.
            latencies = []
            for i in range(args.changes):
                value = f"{0.002 + 0.0001 * i:.4f}"
                first_x = page.evaluate(
                    "() => document.getElementById('lab-landscape').querySelector('.js-plotly-plot').data[3].x[5]"
                )
                page.fill(LR_BOX, value)
                start = time.perf_counter()
                page.press(LR_BOX, "Enter")
                page.wait_for_function(
                    "(x) => { const gd = document.getElementById('lab-landscape').querySelector('.js-plotly-plot');"
                    " const t = gd.data[3]; return t.x && t.x.length > 5 && t.x[5] !== x; }",
                    arg=first_x,
                    timeout=30_000,
                )
                latencies.append((time.perf_counter() - start) * 1000)
            browser.close()
    finally:
        server.shutdown()

    figures = {
        "playback_fps": round(frames / seconds, 1),
        "playback_steps_in_3s": step,
        "requests_while_playing": requests_while_playing,
        "lr_change_repaint_ms_p50": round(float(np.percentile(latencies, 50)), 1),
        "lr_change_repaint_ms_p95": round(float(np.percentile(latencies, 95)), 1),
    }
    for key, value in figures.items():
        print(f"{key:>28}: {value}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
