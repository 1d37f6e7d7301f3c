"""Optimizer lab in headless Chromium, on a warm server: first open, repaint latencies, frame rates.

    python benchmarks/browser_lab.py [--changes 20] [--seconds 3]

Starts the app on a loopback port (werkzeug thread), warms it up as a worker does
(serving.warmup.warm_up: programs, grids, the lab on every landscape, the gallery), then drives
Debian's chromium (Playwright) and measures:

* first_open_ms: a fresh browser context opens /optimizers; from navigation start to the
  default trajectories drawn and the play button usable (the player loaded); the median of 5
  fresh contexts (first_open_ms_max the slowest). first_open_bytes:
  every response body of that visit as the app serves it (the binary /api/ bodies as sent,
  gzip-compressed by the app), first_open_bytes_gzip: each body gzipped at level 6 as nginx
  would (the /api/ bodies as sent); first_open_requests.
* playback_fps: animation frames the page paints per second while the 2-D view plays, and
  requests sent while playing (should be 0).
* lr_change_repaint_ms_p50/p95: from the Enter key in GD's learning-rate box (keydown) to the
  first animation frame showing GD's new path (callback round trip, the run's GET, decoding,
  drawing), timed in the page; lr_change_all_drawn_ms_p95: until the cost chart and the
  results table are drawn too (one task later).
* landscape_change_ms_p50/p95: from the mouse press on a landscape in the dropdown to the first
  frame showing its contour and its trajectories (each landscape once per browser: its grid is
  fetched too); landscape_change_all_drawn_ms_p95 likewise.
* lab_3d_fps: animation frames per second while the 3-D view plays (only the path and head
  traces are restyled each frame), and lab_3d_frame_ms_p95, the time of one such restyle.

If benchmarks/browser_playground.py exists, its `measure(browser, base_url) -> dict` runs in
the same browser and its keys join the JSON. The last stdout line is one JSON object.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import socket
import sys
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

GZIP_LEVEL = 6
VIEWPORT = {"width": 1400, "height": 900}
LR_BOX = '[id=\'{"key":"gd.lr","type":"lab-field"}\']'
LANDSCAPE_BOX = '[id=\'{"key":"landscape","type":"lab-field"}\']'
VIEW_BOX = '[id=\'{"key":"view","type":"lab-field"}\'] input'
PLAY = "[data-player='lab'][data-action='play']"
RESET = "[data-player='lab'][data-action='reset']"

# Set on every page before its scripts run: the time (ms since navigation start) at which the
# lab first showed trajectories with a usable player.
FIRST_DRAWN_PROBE = """
(() => {
  const check = () => {
    const gd = document.querySelector('#lab-landscape .js-plotly-plot');
    const status = document.getElementById('lab-status');
    const player = window.LossViz && window.LossViz.player && window.LossViz.player('lab');
    if (gd && gd.data && gd.data[3] && gd.data[3].x && gd.data[3].x.length > 1 && status
        && status.hidden && player && player.frames > 1) {
      window.__labDrawnAt = performance.now();
      return;
    }
    requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
})();
"""
DRAWN = """() => {
    const gd = document.querySelector('#lab-landscape .js-plotly-plot');
    return gd && gd.data && gd.data.length >= 15 && gd.data[3].x && gd.data[3].x.length > 1
        && document.getElementById('lab-status').hidden;
}"""
FRAME_COUNTER = """() => { window.__frames = 0; const tick = () => { window.__frames++;
    window.__raf = requestAnimationFrame(tick); }; tick(); }"""


def start_server() -> tuple[str, Any]:
    """The app on a free loopback port, warmed up as a worker is; (base URL, server)."""
    import logging

    from werkzeug.serving import make_server

    from app import app

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    from serving.warmup import warm_up

    report = warm_up(app.server)
    print(f"warm-up: {report.status} in {report.seconds:.1f} s", flush=True)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = make_server("127.0.0.1", port, app.server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{port}", server


def percentile(values: list[float], q: float) -> float:
    return round(float(np.percentile(values, q)), 1)


def first_open(browser: Any, base_url: str, repeats: int = 5) -> dict[str, Any]:
    """`repeats` fresh contexts opening the lab: the median time (and the slowest), the bytes
    and requests of the first visit."""
    samples = [first_open_once(browser, base_url) for _ in range(repeats)]
    figures = dict(samples[0])
    times = [s["first_open_ms"] for s in samples]
    figures["first_open_ms"] = round(float(np.median(times)), 1)
    figures["first_open_ms_max"] = round(max(times), 1)
    return figures


def first_open_once(browser: Any, base_url: str) -> dict[str, Any]:
    """A fresh context (empty browser cache) opening the lab: time and bytes."""
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(FIRST_DRAWN_PROBE)
    page = context.new_page()
    responses: list[Any] = []
    page.on("response", lambda response: responses.append(response))
    try:
        page.goto(f"{base_url}/optimizers")
        page.wait_for_function("() => window.__labDrawnAt !== undefined", timeout=60_000)
        drawn_ms = page.evaluate("() => window.__labDrawnAt")
        page.wait_for_load_state("networkidle")
        raw = gzipped = 0
        for response in responses:
            try:
                body = response.body()
            except Exception:  # a redirect or an aborted request has no body
                continue
            if "/api/" in response.url:  # sent compressed by the app: count what was sent
                sent = response.request.sizes()["responseBodySize"]
                raw += sent
                gzipped += sent
            else:
                raw += len(body)
                gzipped += len(gzip.compress(body, GZIP_LEVEL))
        return {
            "first_open_ms": round(drawn_ms, 1),
            "first_open_bytes": raw,
            "first_open_bytes_gzip": gzipped,
            "first_open_requests": len(responses),
        }
    finally:
        context.close()


def playback(page: Any, seconds: float, requests: list[str]) -> dict[str, Any]:
    """Frames painted per second while the 2-D view plays, and requests sent meanwhile."""
    page.evaluate(FRAME_COUNTER)
    page.click(RESET)
    before = len(requests)
    frames0 = page.evaluate("() => window.__frames")
    page.click(PLAY)
    started = time.perf_counter()
    page.wait_for_timeout(seconds * 1000)
    frames = page.evaluate("() => window.__frames") - frames0
    elapsed = time.perf_counter() - started
    step = int(page.locator("[data-player='lab'][data-role='counter']").inner_text().split()[1])
    page.click(PLAY)  # pause
    page.evaluate("() => cancelAnimationFrame(window.__raf)")
    return {
        "playback_fps": round(frames / elapsed, 1),
        "playback_steps_in_3s": step,
        "requests_while_playing": len(requests) - before,
    }


# In the page: the time of a trigger event (Enter in a box, a click on a dropdown option) and
# of the first animation frame whose picture shows the change (`shown(before)` true), so the
# latencies are the browser's own (no Playwright keystroke or polling round trips in them).
CHANGE_PROBE = """([kind, before]) => {
  window.__change = { kind, before, triggeredAt: null, shownAt: null, allAt: null };
  const c = window.__change;
  const shown = {
    lr: (b) => { const gd = document.querySelector('#lab-landscape .js-plotly-plot');
                 const t = gd && gd.data && gd.data[3]; return t && t.x && t.x.length > 5 && t.x[5] !== b; },
    landscape: ([x0, x1, sx, sy]) => {
      const base = document.querySelector('#lab-contour .js-plotly-plot');
      const gd = document.querySelector('#lab-landscape .js-plotly-plot');
      const same = (r) => r && r[0] === x0 && r[1] === x1;
      const t = gd && gd.data && gd.data[3];
      return base && gd && same(base.layout.xaxis.range) && same(gd.layout.xaxis.range)
        && t && t.x && t.x.length > 0 && Math.abs(t.x[0] - sx) < 1e-4 && Math.abs(t.y[0] - sy) < 1e-4;
    },
  }[kind];
  const trigger = (event) => {
    const hit = kind === 'lr' ? event.key === 'Enter' : event.target.closest && event.target.closest('[role=option]');
    if (!hit || c.triggeredAt !== null) return;
    c.triggeredAt = performance.now();
    const check = (now) => {
      if (c.shownAt === null && shown(c.before)) c.shownAt = now;
      const lab = window.LossViz.lab.state;
      if (c.shownAt !== null && lab.drawnAt > c.triggeredAt) { c.allAt = now; return; }
      requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  };
  document.addEventListener(kind === 'lr' ? 'keydown' : 'mousedown', trigger, { capture: true, once: false });
  c.remove = () => document.removeEventListener(kind === 'lr' ? 'keydown' : 'mousedown', trigger, { capture: true });
}"""
CHANGE_RESULT = """() => { const c = window.__change; c.remove();
    return [c.shownAt - c.triggeredAt, c.allAt - c.triggeredAt]; }"""
CHANGE_DONE = "() => window.__change && window.__change.allAt !== null"


def lr_changes(page: Any, changes: int) -> dict[str, Any]:
    shown, everything = [], []
    for i in range(changes):
        value = f"{0.002 + 0.0001 * i:.4f}"
        first_x = page.evaluate(
            "() => document.querySelector('#lab-landscape .js-plotly-plot').data[3].x[5]"
        )
        page.fill(LR_BOX, value)
        page.evaluate(CHANGE_PROBE, ["lr", first_x])
        page.press(LR_BOX, "Enter")
        page.wait_for_function(CHANGE_DONE, timeout=30_000)
        paths_ms, all_ms = page.evaluate(CHANGE_RESULT)
        shown.append(paths_ms)
        everything.append(all_ms)
        page.wait_for_timeout(150)
    return {
        "lr_change_repaint_ms_p50": percentile(shown, 50),
        "lr_change_repaint_ms_p95": percentile(shown, 95),
        "lr_change_all_drawn_ms_p95": percentile(everything, 95),
    }


def landscape_changes(page: Any) -> dict[str, Any]:
    from landscapes import LANDSCAPES

    shown, everything = [], []
    order = [k for k in LANDSCAPES if k != "himmelblau"] + ["himmelblau"]
    for landscape_id in order:
        landscape = LANDSCAPES[landscape_id]
        (x_min, x_max), _ = landscape.domain
        page.click(LANDSCAPE_BOX)
        option = page.get_by_role("option", name=landscape.title, exact=True)
        option.wait_for()
        page.evaluate(CHANGE_PROBE, ["landscape", [x_min, x_max, *landscape.start]])
        option.click()
        page.wait_for_function(CHANGE_DONE, timeout=30_000)
        landscape_ms, all_ms = page.evaluate(CHANGE_RESULT)
        shown.append(landscape_ms)
        everything.append(all_ms)
        page.wait_for_timeout(150)
    return {
        "landscape_change_ms_p50": percentile(shown, 50),
        "landscape_change_ms_p95": percentile(shown, 95),
        "landscape_change_all_drawn_ms_p95": percentile(everything, 95),
    }


def playback_3d(page: Any, seconds: float) -> dict[str, Any]:
    """Frames per second while the 3-D view plays; the time of one frame's restyle."""
    page.click(VIEW_BOX)
    page.wait_for_function(
        """() => { const gd = document.querySelector('#lab-surface .js-plotly-plot');
                   return gd && gd.data && gd.data[0].type === 'surface'
                       && document.getElementById('lab-status').hidden; }""",
        timeout=60_000,
    )
    page.wait_for_timeout(500)
    page.evaluate(
        """() => { const s = window.LossViz.labSurface; const original = s.playFrame;
                   window.__renderMs = [];
                   s.playFrame = function (...args) { const t = performance.now();
                       const out = original.apply(this, args);
                       window.__renderMs.push(performance.now() - t); return out; };
                   const exact = s.renderFrame; window.__restyles = 0;
                   s.renderFrame = function (...args) { window.__restyles++;
                       return exact.apply(this, args); }; }"""
    )
    page.evaluate(FRAME_COUNTER)
    page.click(RESET)
    page.evaluate("() => { window.__renderMs = []; window.__restyles = 0; }")
    frames0 = page.evaluate("() => window.__frames")
    page.click(PLAY)
    started = time.perf_counter()
    page.wait_for_timeout(seconds * 1000)
    frames = page.evaluate("() => window.__frames") - frames0
    elapsed = time.perf_counter() - started
    render_ms = page.evaluate("() => window.__renderMs")
    restyles = page.evaluate("() => window.__restyles")  # fallbacks while playing (should be 0)
    page.click(PLAY)
    page.evaluate("() => cancelAnimationFrame(window.__raf)")
    page.click(VIEW_BOX)  # back to 2-D
    return {
        "lab_3d_fps": round(frames / elapsed, 1),
        "lab_3d_frames_drawn": len(render_ms),
        "lab_3d_frame_ms_p95": percentile(render_ms, 95) if render_ms else None,
        "lab_3d_restyles_while_playing": restyles,
    }


def measure_lab(browser: Any, base_url: str, changes: int, seconds: float) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    # Once in a throwaway context: what a class's first student leaves in the server's caches.
    throwaway = browser.new_context(viewport=VIEWPORT)
    warm_page = throwaway.new_page()
    warm_page.goto(f"{base_url}/optimizers")
    warm_page.wait_for_function(DRAWN, timeout=120_000)
    throwaway.close()
    figures.update(first_open(browser, base_url))

    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    try:
        page.goto(f"{base_url}/optimizers")
        page.wait_for_function(DRAWN, timeout=60_000)
        page.wait_for_timeout(500)
        figures.update(playback(page, seconds, requests))
        figures.update(lr_changes(page, changes))
        figures.update(landscape_changes(page))
        figures.update(playback_3d(page, seconds))
    finally:
        context.close()
    return figures


def playground_section(browser: Any, base_url: str) -> dict[str, Any]:
    """benchmarks/browser_playground.py's figures, when that file exists."""
    path = ROOT / "benchmarks" / "browser_playground.py"
    if not path.exists():
        return {}
    spec = importlib.util.spec_from_file_location("browser_playground", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    try:
        return dict(module.measure(browser, base_url))
    except Exception as error:  # the lab's figures still count; say what broke
        return {"playground_error": f"{type(error).__name__}: {error}"[:300]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--no-playground", action="store_true", help="the lab only")
    args = parser.parse_args()

    from conftest import CHROMIUM, CHROMIUM_ARGS
    from playwright.sync_api import sync_playwright

    base_url, server = start_server()
    figures: dict[str, Any] = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                figures.update(measure_lab(browser, base_url, args.changes, args.seconds))
                if not args.no_playground:
                    figures.update(playground_section(browser, base_url))
            finally:
                browser.close()
    finally:
        server.shutdown()
    for key, value in figures.items():
        print(f"{key:>32}: {value}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
