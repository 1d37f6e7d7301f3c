/*
 * A self-contained web page that plays a view offline: one HTML file with its picture, data,
 * styles and player inlined, which opens from disk with no server and no network (an
 * instructor's backup for a lecture hall without Wi-Fi, or a file to mail a class).
 *
 *   LossViz.offlinePage.html(spec) -> the page's HTML text, for
 *   spec = {
 *     title, subtitle, link,              the heading, one line under it, the live page's URL
 *     picture: {src, width, height},      the still background (a data: URL) and its pixel size
 *     clip: {left, top, width, height},   the plot area in picture pixels (paths are cut there)
 *     steps,                              the last step (the scrubber runs 0..steps)
 *     lineWidth, headRadius,              in picture pixels
 *     paths: [{title, color, dash, px, py, cost}]   per path: its dash pattern in px (null:
 *                                         solid), each step's point in picture pixels (null
 *                                         where not finite) and its J
 *   }
 *
 * The player below is one function with no outside names: it is written into the page as
 * text (String(player)) and runs there on the inlined data. It draws path prefixes on a canvas
 * over the picture, as the lab does: 1× is one step per 60 Hz tick of wall time.
 */
(function () {
  "use strict";
  const LossViz = (window.LossViz = window.LossViz || {});

  const SPEEDS = [0.25, 0.5, 1, 2, 5];
  const RESERVED_REM = 10.75; // the window's height the picture leaves: heading, play bar, margins

  const STYLE = `
    :root { color-scheme: light; font-size: clamp(16px, 1.05vw, 22px); }
    body { margin: 0; font: 1rem/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
      color: #1f2937; background: #f5f7fb; }
    main { max-width: 1680px; margin: 0 auto; padding: 16px 20px 24px; }
    h1 { font-size: 1.5rem; margin: 0 0 2px; }
    .sub { margin: 0 0 12px; color: #4b5563; }
    .stage { display: flex; flex-wrap: wrap; align-items: flex-start; gap: 12px 28px; }
    /* The picture fits the window's height (room kept for the heading and the play bar), so
       the view and its play bar show without scrolling on a 1280x720 projector. */
    .player { flex: 0 1 auto; width: min(100%, calc((100vh - var(--reserved)) * var(--aspect))); min-width: 240px; }
    .view { position: relative; background: #fff; border: 1px solid #d0d7e2; border-radius: 8px;
      overflow: hidden; }
    .view img { display: block; width: 100%; height: auto; }
    .view canvas { position: absolute; left: 0; top: 0; width: 100%; height: 100%; }
    .bar { display: flex; align-items: center; gap: 12px; flex-wrap: wrap; margin: 12px 0 0; }
    .bar button { font: inherit; font-weight: 600; min-width: 6.5em; padding: 6px 14px;
      border: 1px solid #2563eb; border-radius: 6px; background: #2563eb; color: #fff; cursor: pointer; }
    .bar button:focus-visible, .bar input:focus-visible, .bar select:focus-visible
      { outline: 3px solid #f59e0b; outline-offset: 2px; }
    .bar input[type=range] { flex: 1 1 160px; min-width: 120px; accent-color: #2563eb; }
    .bar select { font: inherit; padding: 4px; }
    .counter { font-variant-numeric: tabular-nums; min-width: 8.5em; }
    .legend { flex: 1 1 14rem; list-style: none; padding: 0; margin: 0; display: flex; flex-direction: column; gap: 10px; }
    .legend li { display: flex; align-items: center; gap: 8px; flex-wrap: wrap; font-variant-numeric: tabular-nums; }
    .swatch { width: 28px; height: 0; border-top: 4px solid; }
    footer { margin-top: 16px; color: #6b7280; font-size: 0.875rem; }
    footer a { color: #2563eb; overflow-wrap: anywhere; }
    kbd { font: inherit; padding: 0 4px; border: 1px solid #c4cbd7; border-radius: 3px; background: #fff; }
  `;

  const escapeHtml = (text) =>
    String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

  /* JSON that cannot end its <script> element early (no "<" left in the text). */
  const scriptJson = (value) => JSON.stringify(value).replace(/</g, "\\u003c");

  /* Runs inside the saved page: everything it needs is its argument and the page's elements. */
  function player(spec) {
    const canvas = document.getElementById("paths");
    const ctx = canvas.getContext("2d");
    const play = document.getElementById("play");
    const scrub = document.getElementById("scrub");
    const counter = document.getElementById("counter");
    const speedMenu = document.getElementById("speed");
    const costs = Array.from(document.querySelectorAll("[data-cost]"));
    const state = { frame: spec.steps, playing: false, last: 0, carry: 0 };
    const format = (v) => (Number.isFinite(v) ? Number(v).toPrecision(4) : "—");

    function drawPath(path, k) {
      const m = Math.min(k + 1, path.px.length);
      ctx.strokeStyle = path.color;
      ctx.lineWidth = spec.lineWidth;
      ctx.lineJoin = "round";
      ctx.lineCap = "round";
      ctx.setLineDash(path.dash || []);
      ctx.beginPath();
      let open = false;
      for (let i = 0; i < m; i++) {
        const x = path.px[i];
        const y = path.py[i];
        if (x === null || y === null) {
          open = false;
          continue;
        }
        if (open) ctx.lineTo(x, y);
        else ctx.moveTo(x, y);
        open = true;
      }
      ctx.stroke();
      ctx.setLineDash([]);
      let head = m - 1;
      while (head > 0 && (path.px[head] === null || path.py[head] === null)) head -= 1;
      if (path.px[head] === null) return;
      ctx.beginPath();
      ctx.arc(path.px[head], path.py[head], spec.headRadius, 0, 2 * Math.PI);
      ctx.fillStyle = path.color;
      ctx.fill();
      ctx.lineWidth = Math.max(1, spec.lineWidth * 0.6);
      ctx.strokeStyle = "#ffffff";
      ctx.stroke();
    }

    function show(k) {
      state.frame = Math.max(0, Math.min(spec.steps, Math.round(k)));
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      ctx.save();
      ctx.beginPath();
      ctx.rect(spec.clip.left, spec.clip.top, spec.clip.width, spec.clip.height);
      ctx.clip();
      spec.paths.forEach((path) => drawPath(path, state.frame));
      ctx.restore();
      scrub.value = String(state.frame);
      counter.textContent = `Step ${state.frame} / ${spec.steps}`;
      costs.forEach((cell, i) => {
        const cost = spec.paths[i].cost;
        cell.textContent = `J = ${format(cost[Math.min(state.frame, cost.length - 1)])}`;
      });
    }

    function setPlaying(on) {
      state.playing = on;
      play.textContent = on ? "❚❚ Pause" : "▶ Play";
      play.setAttribute("aria-pressed", String(on));
      if (on) {
        if (state.frame >= spec.steps) show(0);
        state.last = performance.now();
        state.carry = 0;
        window.requestAnimationFrame(tick);
      }
    }

    function tick(now) {
      if (!state.playing) return;
      const elapsed = Math.min(100, now - state.last);
      state.last = now;
      state.carry += (Number(speedMenu.value) * elapsed * 60) / 1000;
      const advance = Math.floor(state.carry);
      state.carry -= advance;
      if (advance > 0) show(state.frame + advance);
      if (state.frame >= spec.steps) setPlaying(false);
      else window.requestAnimationFrame(tick);
    }

    play.addEventListener("click", () => setPlaying(!state.playing));
    scrub.addEventListener("input", () => {
      setPlaying(false);
      show(Number(scrub.value));
    });
    document.addEventListener("keydown", (event) => {
      if (event.target.closest && event.target.closest("select")) return;
      const keys = { ArrowRight: 1, ArrowLeft: -1 };
      if (event.key === " ") {
        event.preventDefault();
        setPlaying(!state.playing);
      } else if (event.key in keys) {
        event.preventDefault();
        setPlaying(false);
        show(state.frame + keys[event.key] * (event.shiftKey ? 10 : 1));
      } else if (event.key === "Home" || event.key === "End") {
        event.preventDefault();
        setPlaying(false);
        show(event.key === "Home" ? 0 : spec.steps);
      }
    });
    show(spec.steps);
  }

  function legendItems(paths) {
    return paths
      .map(
        (path) =>
          `<li><span class="swatch" style="border-top-color:${escapeHtml(path.color)};border-top-style:${path.dash ? "dashed" : "solid"}"></span>` +
          `<strong>${escapeHtml(path.title)}</strong> <span data-cost></span></li>`
      )
      .join("");
  }

  function html(spec) {
    const { picture } = spec;
    const speeds = SPEEDS.map((v) => `<option value="${v}"${v === 1 ? " selected" : ""}>${v}×</option>`).join("");
    const saved = new Date().toISOString().slice(0, 10);
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(spec.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>${escapeHtml(spec.title)}</h1>
<p class="sub">${escapeHtml(spec.subtitle)}</p>
<div class="stage">
<div class="player" style="--aspect:${(picture.width / picture.height).toFixed(4)};--reserved:${RESERVED_REM}rem">
<div class="view">
<img src="${picture.src}" width="${picture.width}" height="${picture.height}" alt="${escapeHtml(spec.title)}">
<canvas id="paths" width="${picture.width}" height="${picture.height}" aria-hidden="true"></canvas>
</div>
<div class="bar">
<button id="play" type="button" aria-pressed="false">▶ Play</button>
<input id="scrub" type="range" min="0" max="${spec.steps}" step="1" value="${spec.steps}" aria-label="Step">
<span id="counter" class="counter" aria-live="off"></span>
<label>Speed <select id="speed">${speeds}</select></label>
</div>
</div>
<ul class="legend">${legendItems(spec.paths)}</ul>
</div>
<footer>Saved on ${saved}. Plays without a network: <kbd>Space</kbd> plays or pauses, <kbd>←</kbd> <kbd>→</kbd> step, <kbd>Home</kbd> <kbd>End</kbd> jump.
Live page: <a href="${escapeHtml(spec.link)}">${escapeHtml(spec.link)}</a></footer>
</main>
<script type="application/json" id="view-data">${scriptJson({ ...spec, picture: { width: picture.width, height: picture.height } })}</script>
<script>"use strict";(${String(player)})(JSON.parse(document.getElementById("view-data").textContent));</script>
</body>
</html>
`;
  }

  LossViz.offlinePage = { html, player };
})();
