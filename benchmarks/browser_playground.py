"""Network playground in headless Chromium: playback pace, first open, new shape, run sizes.

    python benchmarks/browser_playground.py

Starts the app on a loopback port (werkzeug thread) unless `--base-url` names a running one,
opens /playground in Debian's chromium (Playwright) and measures:

* playground_fps: distinct epochs shown per second while the default run plays at 1× (over
  ~3 s, sampled every animation frame by a rAF loop of the benchmark's own), with
  playground_raf_fps, the animation frames per second over the same time, and
  playground_epochs_per_frame, epochs advanced per animation frame (1 at 1×: every epoch is
  a frame and playback shows one per screen refresh); requests_while_playing (should be 0);
* playground_first_open_ms: a fresh browser context, from navigation to the trained run drawn
  (decision boundary, network links and curves of the last frame), and what that load
  transferred: first_open_bytes (bodies as decoded), first_open_bytes_sent (as this server
  sent them) and first_open_bytes_gzip (each body gzip level 6 unless the server sent it
  compressed: what nginx's gzip would send);
* new_shape_first_run_ms: typing hidden layers never used before (Enter) to the new run's
  decision boundary drawn: callback, GET of the run (training, no compile: the engine's
  budget is 1500 ms), decode, drawing;
* run_bytes_gzip / run_bytes (default settings) and run_bytes_gzip_largest / run_bytes_largest
  (6 hidden layers × 16 units, 2000 points, 2000 epochs), as the run endpoint sends them;
* compare_fps / compare_epochs_per_frame: the same for the comparison tab (four decision
  boundaries per frame, default settings);
* js_heap_mb: JS heap in use after the playback (CDP Performance.getMetrics JSHeapUsedSize;
  performance.memory.usedJSHeapSize when CDP is not available).

`measure(browser, base_url) -> dict` is what benchmarks/browser_lab.py imports and merges. The
last stdout line is one JSON object.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import socket
import sys
import threading
import time
from pathlib import Path
from typing import Any
from urllib.request import Request, urlopen

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

READY = "() => window.LossViz && LossViz.playground && LossViz.playground.state.run"
LARGEST = "hidden=16,16,16,16,16,16&n=2000&epochs=2000"
PLAY_SECONDS = 3.0


def _drawn(frame: str = "LossViz.playground.state.run.S - 1") -> str:
    """JS predicate: the run is drawn at `frame` (boundary and network)."""
    return (
        "() => { const p = LossViz.playground; if (!p || !p.state.run) return false;"
        f" const k = {frame}; return p.drawnFrame['pg-boundary'] === k"
        " && p.drawnFrame['pg-network'] === k; }"
    )


def _get(url: str, deadline_s: float = 300.0) -> tuple[int, int]:
    """(bytes as sent with Accept-Encoding: gzip, bytes decoded) of one run's container.

    A heavy run answers 202 ("training", Retry-After) until the training lane has it: ask
    again, as the page does, until the container (200) comes; anything else is an error."""
    give_up = time.monotonic() + deadline_s
    while True:
        with urlopen(Request(url, headers={"Accept-Encoding": "gzip"}), timeout=300) as response:
            body = response.read()
            status, retry = response.status, response.headers.get("Retry-After", "1")
            encoding = response.headers.get("Content-Encoding")
        if status == 200:
            sent = len(body)
            decoded = gzip.decompress(body) if encoding == "gzip" else body
            if not decoded.startswith(b"LVZ1"):
                raise RuntimeError(f"{url}: not a run container ({decoded[:60]!r})")
            return sent, len(decoded)
        if status != 202 or time.monotonic() > give_up:
            raise RuntimeError(f"{url}: HTTP {status} ({body[:120]!r})")
        time.sleep(min(5.0, max(0.2, float(retry))))


def _run_url(page, base_url: str, query: str) -> str:
    version = page.evaluate("() => LossViz.playground.state.runUrl || ''")
    marker = "v="
    v = version.split(marker, 1)[1] if marker in version else ""
    separator = "&" if query else ""
    return f"{base_url}/api/playground/run.bin?{query}{separator}v={v}"


def _heap_mb(page) -> float | None:
    try:
        session = page.context.new_cdp_session(page)
        session.send("Performance.enable")
        metrics = {m["name"]: m["value"] for m in session.send("Performance.getMetrics")["metrics"]}
        return round(metrics["JSHeapUsedSize"] / 2**20, 1)
    except Exception:  # not Chromium's CDP: the page's own (coarse) figure
        used = page.evaluate("() => performance.memory ? performance.memory.usedJSHeapSize : null")
        return None if used is None else round(used / 2**20, 1)


def first_open(browser, base_url: str) -> dict[str, Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    responses = []
    page.on("response", lambda response: responses.append(response))
    start = time.perf_counter()
    page.goto(f"{base_url}/playground")
    page.wait_for_function(READY, timeout=300_000)
    page.wait_for_function(_drawn(), timeout=300_000)
    elapsed = (time.perf_counter() - start) * 1000
    page.wait_for_timeout(500)  # late fonts
    decoded = sent = compressed = 0
    for response in responses:
        try:
            body = response.body()
        except Exception:  # redirects and aborted requests have no body
            continue
        size = response.request.sizes()["responseBodySize"]
        encoded = response.headers.get("content-encoding", "")
        decoded += len(body)
        sent += size
        compressed += size if encoded else len(gzip.compress(body, 6))
    context.close()
    return {
        "playground_first_open_ms": round(elapsed, 1),
        "first_open_bytes": decoded,
        "first_open_bytes_sent": sent,
        "first_open_bytes_gzip": compressed,
        "first_open_requests": len(responses),
    }


def playback(page, player: str = "playground") -> dict[str, Any]:
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.click(f"[data-player='{player}'][data-action='reset']")
    page.wait_for_timeout(300)
    before = len(requests)
    page.evaluate(
        """(name) => { window.__pgTicks = []; const tick = (now) => {
            window.__pgTicks.push([now, LossViz.player(name).frame]);
            window.__pgRaf = requestAnimationFrame(tick); };
            window.__pgRaf = requestAnimationFrame(tick); }""",
        player,
    )
    page.click(f"[data-player='{player}'][data-action='play']")
    page.wait_for_timeout(PLAY_SECONDS * 1000)
    ticks = page.evaluate(
        "() => { cancelAnimationFrame(window.__pgRaf); return window.__pgTicks; }"
    )
    page.click(f"[data-player='{player}'][data-action='play']")  # pause
    while_playing = len(requests) - before
    # The advancing part: from the first tick that moved to the last one.
    moving = [i for i in range(1, len(ticks)) if ticks[i][1] != ticks[i - 1][1]]
    if len(moving) < 30:
        raise RuntimeError(f"the playback did not play: frames {[f for _, f in ticks][:40]}")
    first, last = moving[0] - 1, moving[-1]
    span = ticks[last][0] - ticks[first][0]
    frames = ticks[last][1] - ticks[first][1]
    shown = len({frame for _, frame in ticks[first : last + 1]})
    epochs = page.evaluate(
        "([a, b, compare]) => { const s = LossViz.playground.state;"
        " const run = compare ? s.cmp.reduce((x, y) => (y.S > x.S ? y : x)) : s.run;"
        " const e = run.frameEpochs; const seen = new Set();"
        " for (let k = a; k <= b; k++) seen.add(e[k]); return seen.size; }",
        [ticks[first][1], ticks[last][1], player != "playground"],
    )
    return {
        "playground_fps": round(epochs / (span / 1000), 1),
        "playground_frames_shown_per_s": round(shown / (span / 1000), 1),
        "playground_raf_fps": round((last - first) / (span / 1000), 1),
        "playground_epochs_per_frame": round(frames / max(1, last - first), 3),
        "requests_while_playing": while_playing,
    }


def new_shape(page) -> dict[str, Any]:
    rng = random.Random(time.time_ns())
    shape = ",".join(str(rng.randint(2, 15)) for _ in range(rng.randint(3, 5)))
    page.fill("#pg-hidden", shape)
    start = time.perf_counter()
    page.press("#pg-hidden", "Enter")
    page.wait_for_function(
        "(q) => { const r = LossViz.playground.state.run; return r && r.key.includes(q)"
        " && LossViz.playground.drawnFrame['pg-boundary'] !== undefined; }",
        arg="hidden=" + shape,
        timeout=300_000,
    )
    return {"new_shape_first_run_ms": round((time.perf_counter() - start) * 1000, 1)}


def measure(browser, base_url: str) -> dict[str, Any]:
    """Every figure of the module docstring (one fresh context for the first open)."""
    result = first_open(browser, base_url)
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(f"{base_url}/playground")
    page.wait_for_function(READY, timeout=300_000)
    page.wait_for_function(_drawn(), timeout=300_000)
    page.wait_for_timeout(500)
    result.update(playback(page))
    result["js_heap_mb"] = _heap_mb(page)
    default_url = _run_url(page, base_url, "")
    result["run_bytes_gzip"], result["run_bytes"] = _get(default_url)
    largest = _get(_run_url(page, base_url, LARGEST))
    result["run_bytes_gzip_largest"], result["run_bytes_largest"] = largest
    result["run_budget_bytes"] = 1_500_000
    # The comparison tab (default settings): four boundaries per frame.
    page.click('#pg-tab label:has-text("Compare initializations")')
    page.wait_for_function("() => LossViz.playground.state.cmp", timeout=300_000)
    page.wait_for_timeout(500)
    compare = playback(page, "playground-compare")
    result["compare_fps"] = compare["playground_fps"]
    result["compare_epochs_per_frame"] = compare["playground_epochs_per_frame"]
    page.click('#pg-tab label:has-text("Train one network")')
    page.wait_for_timeout(300)
    result.update(new_shape(page))
    context.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", help="a running app (default: start one here)")
    args = parser.parse_args()

    from conftest import CHROMIUM, CHROMIUM_ARGS
    from playwright.sync_api import sync_playwright

    server = None
    base_url = args.base_url
    if not base_url:
        from werkzeug.serving import make_server

        from app import app

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        server = make_server("127.0.0.1", port, app.server, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base_url = f"http://127.0.0.1:{port}"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                figures = measure(browser, base_url.rstrip("/"))
            finally:
                browser.close()
    finally:
        if server is not None:
            server.shutdown()
    for key, value in figures.items():
        print(f"{key:>32}: {value}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
