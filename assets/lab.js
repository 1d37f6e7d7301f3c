/*
 * Optimizer lab playback: the server sends the whole run once (lab-run store); this draws
 * step k of every trajectory on the landscape and the cost chart. No request per frame.
 */
(function () {
  "use strict";
  const LossViz = (window.LossViz = window.LossViz || {});
  const LOSS_FLOOR = 1e-12; // J − J* below this is drawn at the floor of the log axis

  function plotDiv(id) {
    const outer = document.getElementById(id);
    return outer ? outer.querySelector(".js-plotly-plot") : null;
  }

  function prepare(run) {
    const minValue = run.min_value;
    const offset = run.log_offset;
    return run.runs.map((r) => {
      const path = LossViz.decode(r.path);
      const loss = LossViz.decode(r.loss);
      const lr = r.lr.constant !== undefined ? new Float64Array(r.lr.length).fill(r.lr.constant) : LossViz.decode(r.lr);
      const n = loss.length;
      const x = new Float32Array(n);
      const y = new Float32Array(n);
      const gap = new Float64Array(n);
      const height = new Float32Array(n);
      const steps = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        x[i] = path[2 * i];
        y[i] = path[2 * i + 1];
        const g = loss[i] - minValue;
        gap[i] = g > LOSS_FLOOR ? g : LOSS_FLOOR;
        height[i] = Math.log10(Math.max(g, 0) + offset);
        steps[i] = i;
      }
      const lrSteps = new Float64Array(lr.length);
      for (let i = 0; i < lr.length; i++) lrSteps[i] = i;
      return { ...r, x, y, loss, gap, height, steps, lr, lrSteps, n };
    });
  }

  function logRange(runs, key) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const r of runs) {
      for (const v of r[key]) {
        if (v > 0 && Number.isFinite(v)) {
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
      }
    }
    if (!Number.isFinite(lo)) return [-1, 1];
    const a = Math.log10(lo);
    const b = Math.log10(hi);
    const pad = Math.max(0.1, (b - a) * 0.04);
    return [a - pad, b + pad];
  }

  const state = { runs: [], view: "contour", frames: 1, expected: {} };

  function renderLandscape(k) {
    const gd = plotDiv("lab-landscape");
    if (!gd || !gd.data || !state.runs.length) return;
    const update = { x: [], y: [], customdata: [] };
    const headUpdate = { x: [], y: [] };
    if (state.view === "surface") {
      update.z = [];
      headUpdate.z = [];
    }
    const traces = [];
    const heads = [];
    for (const r of state.runs) {
      if (r.path_trace >= gd.data.length) return; // figure not rendered yet
      const m = Math.min(k + 1, r.n);
      update.x.push(r.x.subarray(0, m));
      update.y.push(r.y.subarray(0, m));
      update.customdata.push(r.loss.subarray(0, m));
      headUpdate.x.push([r.x[m - 1]]);
      headUpdate.y.push([r.y[m - 1]]);
      if (state.view === "surface") {
        update.z.push(r.height.subarray(0, m));
        headUpdate.z.push([r.height[m - 1]]);
      }
      traces.push(r.path_trace);
      heads.push(r.head_trace);
      state.expected[r.path_trace] = m;
    }
    window.Plotly.restyle(gd, update, traces);
    window.Plotly.restyle(gd, headUpdate, heads);
  }

  function renderLoss(k, layout) {
    const gd = plotDiv("lab-loss");
    if (!gd || !gd.data || !state.runs.length) return;
    const update = { x: [], y: [] };
    const traces = [];
    for (const r of state.runs) {
      if (r.loss_trace >= gd.data.length) return;
      const m = Math.min(k + 1, r.n);
      update.x.push(r.steps.subarray(0, m));
      update.y.push(r.gap.subarray(0, m));
      traces.push(r.loss_trace);
    }
    if (layout) window.Plotly.update(gd, update, layout, traces);
    else window.Plotly.restyle(gd, update, traces);
  }

  function drawSchedule() {
    const gd = plotDiv("lab-schedule");
    if (!gd || !gd.data || !state.runs.length) return;
    // Drawn only when its panel is open (drawing a hidden plot costs a full redraw).
    const details = gd.closest("details");
    if (details && !details.open) {
      if (!details._lossvizToggle) {
        details._lossvizToggle = true;
        details.addEventListener("toggle", () => details.open && drawSchedule());
      }
      return;
    }
    const update = { x: [], y: [] };
    const traces = [];
    for (const r of state.runs) {
      if (r.loss_trace >= gd.data.length) return;
      update.x.push(r.lrSteps);
      update.y.push(r.lr);
      traces.push(r.loss_trace);
    }
    window.Plotly.update(gd, update, { "yaxis.range": logRange(state.runs, "lr"), "yaxis.autorange": false }, traces);
  }

  // ---- Playing: move SVG directly -------------------------------------------------------
  // Every Plotly.restyle redraws the whole figure (~30 ms here), too slow for 50 frames a
  // second. While playing, the full paths are drawn once and each frame only reveals a prefix
  // of every line (stroke-dasharray up to the pixel length at step k) and moves the heads.
  // When playback stops, one exact restyle (sliced data, hover values) replaces the trick.
  function traceGroups(gd) {
    const groups = new Map();
    for (const group of gd.querySelectorAll(".scatterlayer .trace")) {
      const datum = group.__data__;
      const trace = datum && datum[0] && datum[0].trace;
      if (trace) groups.set(trace.index, group);
    }
    return groups;
  }

  function lineGeometry(gd, xsOf, ysOf, traceOf) {
    const layout = gd._fullLayout;
    if (!layout || !layout.xaxis || !layout.yaxis) return null;
    const xa = layout.xaxis;
    const ya = layout.yaxis;
    const groups = traceGroups(gd);
    return state.runs.map((r) => {
      const xs = xsOf(r);
      const ys = ysOf(r);
      const cum = new Float64Array(r.n);
      const px = new Float64Array(r.n);
      const py = new Float64Array(r.n);
      for (let i = 0; i < r.n; i++) {
        px[i] = xa.c2p(xs[i]);
        py[i] = ya.c2p(ys[i]);
        if (i > 0) {
          const step = Math.hypot(px[i] - px[i - 1], py[i] - py[i - 1]);
          cum[i] = cum[i - 1] + (Number.isFinite(step) ? step : 0);
        }
      }
      const group = groups.get(traceOf(r));
      return { cum, px, py, line: group ? group.querySelector("path.js-line") : null };
    });
  }

  function measure() {
    const gd = plotDiv("lab-landscape");
    const loss = plotDiv("lab-loss");
    if (!gd || !loss) return null;
    const paths = lineGeometry(gd, (r) => r.x, (r) => r.y, (r) => r.path_trace);
    const costs = lineGeometry(loss, (r) => r.steps, (r) => r.gap, (r) => r.loss_trace);
    if (!paths || !costs) return null;
    const heads = traceGroups(gd);
    return {
      paths,
      costs,
      heads: state.runs.map((r) => {
        const group = heads.get(r.head_trace);
        return group ? group.querySelector("path.point") : null;
      }),
    };
  }

  function reveal(line, geometry, m) {
    if (!line) return;
    const total = geometry.cum[geometry.cum.length - 1] + 10;
    line.style.strokeDasharray = `${geometry.cum[m - 1]}px ${total}px`;
  }

  function fastRender(k) {
    const g = state.geometry;
    if (!g) return false;
    state.runs.forEach((r, i) => {
      const m = Math.min(k + 1, r.n);
      reveal(g.paths[i].line, g.paths[i], m);
      reveal(g.costs[i].line, g.costs[i], m);
      const head = g.heads[i];
      if (head) head.setAttribute("transform", `translate(${g.paths[i].px[m - 1]},${g.paths[i].py[m - 1]})`);
    });
    return true;
  }

  function clearReveal() {
    const g = state.geometry;
    state.geometry = null;
    if (!g) return;
    for (const part of [...g.paths, ...g.costs]) if (part.line) part.line.style.strokeDasharray = "";
  }

  function startPlaying() {
    if (state.view === "surface") return;
    // Draw every path whole, then measure it, then play by revealing.
    state.drawingFull = true;
    renderLandscape(state.frames - 1);
    renderLoss(state.frames - 1);
    state.drawingFull = false;
    state.geometry = measure();
  }

  function stopPlaying(k) {
    clearReveal();
    renderLandscape(k);
    renderLoss(k);
  }

  function render(k) {
    state.frame = k;
    const player = LossViz.player("lab");
    if (player.playing && state.view !== "surface" && fastRender(k)) return;
    renderLandscape(k);
    // The first frame after a new run also sets the cost chart's fixed axis ranges.
    renderLoss(k, state.lossLayout);
    state.lossLayout = null;
  }

  // When Dash re-renders a figure (a Patch or a new landscape) the trajectory traces come back
  // empty: draw the current frame again once the new figure is on screen.
  function watch(id, redraw) {
    const gd = plotDiv(id);
    if (!gd || gd._lossvizWatched) return;
    gd._lossvizWatched = true;
    gd.on("plotly_afterplot", () => {
      if (!state.runs.length) return;
      const r = state.runs[0];
      const trace = gd.data && gd.data[id === "lab-landscape" ? r.path_trace : r.loss_trace];
      if (trace && (!trace.x || trace.x.length === 0)) redraw();
    });
  }

  // Clicks and the cursor read-out on the plane. Plotly reports clicks only on traces, so the
  // overlay's drag layer is listened to directly and pixels are converted to (w₁, w₂).
  function planePoint(gd, event) {
    const drag = gd.querySelector(".nsewdrag");
    const layout = gd._fullLayout;
    if (!drag || !layout || !layout.xaxis || state.view === "surface") return null;
    const box = drag.getBoundingClientRect();
    const px = event.clientX - box.left;
    const py = event.clientY - box.top;
    if (px < 0 || py < 0 || px > box.width || py > box.height) return null;
    return { x: layout.xaxis.p2d(px), y: layout.yaxis.p2d(py) };
  }

  function costAt(point) {
    const base = plotDiv("lab-contour");
    const trace = base && base.data && base.data[0];
    if (!trace || !trace.z || !trace.x) return null;
    const xs = trace.x;
    const ys = trace.y;
    const nearest = (values, v) => {
      const step = (values[values.length - 1] - values[0]) / (values.length - 1);
      return Math.max(0, Math.min(values.length - 1, Math.round((v - values[0]) / step)));
    };
    const row = trace.z[nearest(ys, point.y)];
    const value = row ? row[nearest(xs, point.x)] : undefined;
    return Number.isFinite(value) ? value : null;
  }

  function watchPlane() {
    const gd = plotDiv("lab-landscape");
    if (!gd || gd._lossvizPlane) return;
    gd._lossvizPlane = true;
    gd.addEventListener("click", (event) => {
      if (!event.target.classList || !event.target.classList.contains("nsewdrag")) return;
      const point = planePoint(gd, event);
      if (point && window.dash_clientside && window.dash_clientside.set_props) {
        window.dash_clientside.set_props("lab-click", { data: { x: point.x, y: point.y, at: Date.now() } });
      }
    });
    gd.addEventListener("mousemove", (event) => {
      const readout = document.getElementById("lab-cursor");
      if (!readout) return;
      const point = planePoint(gd, event);
      if (!point) {
        readout.textContent = "";
        return;
      }
      const level = costAt(point);
      const cost = level === null ? "" : `,  J − J* ≈ ${Math.pow(10, level).toPrecision(3)}`;
      readout.textContent = `cursor: w₁ = ${point.x.toFixed(3)}, w₂ = ${point.y.toFixed(3)}${cost}  (click to start here)`;
    });
  }

  function load(run, attempt = 0) {
    if (!run || !run.runs) return "";
    const gd = plotDiv("lab-landscape");
    const loss = plotDiv("lab-loss");
    if (!window.Plotly || !gd || !loss || !gd.data || gd.data.length < 3) {
      // The figures arrive in the same response; wait until Plotly has drawn them.
      if (attempt < 100) setTimeout(() => load(run, attempt + 1), 30);
      return "";
    }
    state.runs = prepare(run);
    state.view = run.view;
    state.frames = run.steps + 1;
    state.lossLayout = {
      "yaxis.range": logRange(state.runs, "gap"),
      "yaxis.autorange": false,
      "xaxis.range": [0, run.steps],
    };
    drawSchedule();
    watch("lab-landscape", () => renderLandscape(state.frame || 0));
    watchPlane();
    watch("lab-loss", () => renderLoss(state.frame || 0));
    watch("lab-schedule", drawSchedule);
    const player = LossViz.player("lab");
    clearReveal();
    player.load({
      frames: state.frames,
      render,
      label: (k) => `step ${k} / ${run.steps}`,
      onPlay: startPlaying,
      onPause: stopPlaying,
      atEnd: true, // show where every optimizer ends; Play starts again from step 0
    });
    return "";
  }

  LossViz.lab = { load, state };
})();
