/*
 * The figures of the SGD-vs-minibatch page (pages/regression.py), for frame k = the number of
 * SGD updates so far. Every method has seen the same share of the data at a frame: a method
 * making P updates per epoch (SGD n, a minibatch ⌈n / b⌉, full batch 1) has made ⌊k P / n⌋.
 *
 *   LossViz.regression.view(run)             the plane's window and the full loss's sums
 *   LossViz.regression.planeFigure(run, v, k) the (w, b) plane: the full loss L (contours, from
 *                 the data's sums: L = ½ mean((w x + b − y)²)), each method's path and position,
 *                 the true (w*, b*) and least-squares points, and the loss of the batch each
 *                 method steps on next (dashed: ellipses for a minibatch, for SGD's single point
 *                 the line w x_i + b = y_i where its loss is 0)
 *   LossViz.regression.dataFigure(run, k)    the points, each method's line, the true line,
 *                                             the next batches' points ringed
 *   LossViz.regression.lossFigure(run, k)    the full loss per method against the epoch
 *   LossViz.regression.readout(run, k)       one sentence per method
 */
(function () {
  "use strict";
  const LossViz = (window.LossViz = window.LossViz || {});
  const rg = (LossViz.regression = LossViz.regression || {});
  const GRID = 61;

  const fmt = (v, d = 3) => (Number.isFinite(v) ? (Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(2) : v.toFixed(d)) : String(v));

  /* Means of x², x, x y, y, y² over `rows` (all points when null): L is a quadratic in (w, b). */
  function sums(run, rows) {
    const x = run.arrays.x;
    const y = run.arrays.y;
    const idx = rows || Array.from(x, (_, i) => i);
    const s = { xx: 0, x: 0, xy: 0, y: 0, yy: 0 };
    for (const i of idx) {
      s.xx += x[i] * x[i];
      s.x += x[i];
      s.xy += x[i] * y[i];
      s.y += y[i];
      s.yy += y[i] * y[i];
    }
    for (const k of Object.keys(s)) s[k] /= Math.max(idx.length, 1);
    return s;
  }

  const lossAt = (s, w, b) => 0.5 * (w * w * s.xx + 2 * w * b * s.x + b * b - 2 * w * s.xy - 2 * b * s.y + s.yy);

  /* Updates method m has made at frame k, and the rows of the batch its next update uses. */
  function progress(run, m, k) {
    const sgd = run.meta.methods[0];
    const n = run.arrays.x.length;
    const done = Math.min(Math.floor((k * m.perEpoch) / sgd.perEpoch), m.updates);
    let rows = null;
    if (done < m.updates) {
      const epoch = Math.floor(done / m.perEpoch);
      const first = (done % m.perEpoch) * m.batch;
      const order = run.arrays.order;
      rows = [];
      for (let j = first; j < Math.min(first + m.batch, n); j++) rows.push(order[epoch * n + j]);
    }
    return { done, rows };
  }

  function params(run, m, u) {
    const p = run.arrays[`${m.key}.params`];
    return [p[2 * u], p[2 * u + 1]];
  }

  function view(run) {
    let [wLo, wHi, bLo, bHi] = [run.meta.true.w, run.meta.true.w, run.meta.true.b, run.meta.true.b];
    for (const m of run.meta.methods) {
      const p = run.arrays[`${m.key}.params`];
      for (let i = 0; i < p.length; i += 2) {
        if (!Number.isFinite(p[i]) || !Number.isFinite(p[i + 1])) continue;
        wLo = Math.min(wLo, p[i]);
        wHi = Math.max(wHi, p[i]);
        bLo = Math.min(bLo, p[i + 1]);
        bHi = Math.max(bHi, p[i + 1]);
      }
    }
    const pad = (lo, hi) => Math.max(0.15 * (hi - lo), 0.5);
    const [pw, pb] = [pad(wLo, wHi), pad(bLo, bHi)];
    const w = Array.from({ length: GRID }, (_, i) => wLo - pw + ((wHi - wLo + 2 * pw) * i) / (GRID - 1));
    const b = Array.from({ length: GRID }, (_, j) => bLo - pb + ((bHi - bLo + 2 * pb) * j) / (GRID - 1));
    const full = sums(run, null);
    const best = run.meta.best.loss;
    // z = √(L − L*): the full loss's ellipses evenly spaced; the hover reads L itself.
    const z = b.map((bj) => w.map((wi) => Math.sqrt(Math.max(lossAt(full, wi, bj) - best, 0))));
    const text = b.map((bj) => w.map((wi) => fmt(lossAt(full, wi, bj), 4)));
    return { w, b, z, text, full };
  }

  function batchTrace(run, m, rows, grid, color) {
    if (!rows || !rows.length) return null;
    const x = run.arrays.x;
    const y = run.arrays.y;
    if (rows.length === 1) {
      // One point's loss ½(w x + b − y)² is 0 on the line b = y − w x: SGD steps toward it.
      const i = rows[0];
      const ws = [grid.w[0], grid.w[GRID - 1]];
      return { type: "scatter", mode: "lines", x: ws, y: ws.map((w) => y[i] - w * x[i]), name: `${m.title}: its point's loss is 0 here`,
               line: { color, width: 2, dash: "dash" }, hoverinfo: "skip", showlegend: false }; // prettier-ignore
    }
    const s = sums(run, rows);
    const z = grid.b.map((bj) => grid.w.map((wi) => Math.sqrt(Math.max(lossAt(s, wi, bj), 0))));
    return { type: "contour", x: grid.w, y: grid.b, z, showscale: false, hoverinfo: "skip", name: `${m.title}'s batch`,
             contours: { coloring: "none", start: 0.25, end: 4, size: 0.5 }, ncontours: 8,
             line: { color, width: 1.5, dash: "dash" }, showlegend: false }; // prettier-ignore
  }

  function planeFigure(run, grid, k) {
    const theme = LossViz.labTheme;
    const size = theme.sizes();
    const data = [
      { type: "contour", x: grid.w, y: grid.b, z: grid.z, text: grid.text, colorscale: theme.LANDSCAPE_SCALE, showscale: false,
        contours: { coloring: "heatmap" }, ncontours: 14, line: { color: theme.CONTOUR_LINE, width: 1 },
        hovertemplate: "w = %{x:.3f}, b = %{y:.3f}<br>L = %{text}<extra>full loss</extra>" },
      { type: "scatter", mode: "markers", name: "true (w*, b*)", x: [run.meta.true.w], y: [run.meta.true.b],
        marker: { symbol: "star", size: size.star, color: theme.MINIMUM_COLOR, line: { color: "#000", width: 1 } } },
      { type: "scatter", mode: "markers", name: "least squares", x: [run.meta.best.w], y: [run.meta.best.b],
        marker: { symbol: "x-thin", size: size.star * 0.8, color: "#111827", line: { color: "#111827", width: 2 } } },
    ]; // prettier-ignore
    for (const m of run.meta.methods) {
      const { done, rows } = progress(run, m, k);
      const p = run.arrays[`${m.key}.params`];
      const trail = { w: [], b: [] };
      for (let u = 0; u <= done; u++) {
        trail.w.push(p[2 * u]);
        trail.b.push(p[2 * u + 1]);
      }
      const batch = batchTrace(run, m, rows, grid, m.color);
      if (batch && m.key !== "full") data.push(batch);
      data.push(
        { type: "scatter", mode: "lines", x: trail.w, y: trail.b, line: { color: m.color, width: m.key === "sgd" ? 1 : 2 },
          hoverinfo: "skip", showlegend: false },
        { type: "scatter", mode: "markers", name: m.title, x: [trail.w[done]], y: [trail.b[done]],
          marker: { color: m.color, size: size.present ? 16 : 12, line: { color: "#fff", width: 2 } },
          hovertemplate: `${m.title}<br>w = %{x:.3f}, b = %{y:.3f}<extra></extra>` },
      ); // prettier-ignore
    }
    const layout = {
      margin: { l: size.chart.l, r: 8, t: 8, b: size.chart.b },
      ...LossViz.page.canvas(),
      showlegend: true, // above the plane, outside the data
      legend: { orientation: "h", x: 0, y: 1.02, yanchor: "bottom", font: theme.font(size.legend) },
      xaxis: { title: { text: "slope w" }, range: [grid.w[0], grid.w[GRID - 1]], zeroline: false, constrain: "domain" },
      yaxis: { title: { text: "intercept b" }, range: [grid.b[0], grid.b[GRID - 1]], zeroline: false, automargin: true },
      hovermode: "closest",
      dragmode: false,
    }; // prettier-ignore
    return { data, layout };
  }

  function dataFigure(run, k) {
    const theme = LossViz.labTheme;
    const size = theme.sizes();
    const x = Array.from(run.arrays.x);
    const y = Array.from(run.arrays.y);
    const ends = [-2.1, 2.1];
    const data = [
      { type: "scatter", mode: "markers", name: "points", x, y, marker: { color: "#94a3b8", size: 6 }, showlegend: false,
        hovertemplate: "x = %{x:.2f}, y = %{y:.2f}<extra></extra>" },
      { type: "scatter", mode: "lines", name: "true line", x: ends, y: ends.map((e) => run.meta.true.w * e + run.meta.true.b),
        line: { color: "#6b7280", width: 1.5, dash: "dot" }, hoverinfo: "skip" },
    ]; // prettier-ignore
    for (const m of run.meta.methods) {
      const { done, rows } = progress(run, m, k);
      const [w, b] = params(run, m, done);
      data.push({ type: "scatter", mode: "lines", name: m.title, x: ends, y: ends.map((e) => w * e + b),
                  line: { color: m.color, width: 2.5 }, hoverinfo: "skip", showlegend: false }); // prettier-ignore
      if (rows && m.key !== "full") {
        data.push({ type: "scatter", mode: "markers", x: rows.map((i) => x[i]), y: rows.map((i) => y[i]), showlegend: false,
                    marker: { color: "rgba(0,0,0,0)", size: m.key === "sgd" ? 15 : 11, line: { color: m.color, width: 2.5 } },
                    hoverinfo: "skip" }); // prettier-ignore
      }
    }
    const layout = {
      margin: { l: size.chart.l, r: 8, t: 8, b: size.chart.b },
      ...LossViz.page.canvas(),
      showlegend: false,
      xaxis: { title: { text: "x" }, range: ends, zeroline: false, gridcolor: theme.GRID_COLOR },
      yaxis: { title: { text: "y" }, zeroline: false, gridcolor: theme.GRID_COLOR, automargin: true },
      dragmode: false,
    }; // prettier-ignore
    return { data, layout };
  }

  function lossFigure(run, k) {
    const theme = LossViz.labTheme;
    const size = theme.sizes();
    const sgd = run.meta.methods[0];
    let low = Infinity;
    let high = -Infinity;
    const data = run.meta.methods.map((m) => {
      const loss = Array.from(run.arrays[`${m.key}.loss`]);
      for (const v of loss) {
        if (v > 0 && Number.isFinite(v)) {
          low = Math.min(low, v);
          high = Math.max(high, v);
        }
      }
      return { type: "scatter", mode: m.key === "full" ? "lines+markers" : "lines", name: m.title,
               x: loss.map((_, u) => u / m.perEpoch), y: loss, line: { color: m.color, width: m.key === "sgd" ? 1 : 2 },
               hovertemplate: `${m.title}: epoch %{x:.2f}, L = %{y:.4f}<extra></extra>` }; // prettier-ignore
    });
    const range = [Math.log10(low), Math.log10(high)];
    const epoch = k / sgd.perEpoch;
    const layout = {
      margin: { ...size.chart, t: 6 },
      ...LossViz.page.canvas(),
      showlegend: false,
      xaxis: { title: { text: "epoch" }, gridcolor: theme.GRID_COLOR, zeroline: false },
      yaxis: { title: { text: "full loss L" }, type: "log", range: [range[0] - 0.05, range[1] + 0.05], gridcolor: theme.GRID_COLOR,
               automargin: true, ...theme.logTicks(range) },
      shapes: [{ type: "line", xref: "x", yref: "paper", x0: epoch, x1: epoch, y0: 0, y1: 1, line: { color: "#94a3b8", width: 1.5 } }],
    }; // prettier-ignore
    return { data, layout };
  }

  function readout(run, k) {
    return run.meta.methods.map((m) => {
      const { done } = progress(run, m, k);
      const [w, b] = params(run, m, done);
      const loss = run.arrays[`${m.key}.loss`][done];
      const epoch = done / m.perEpoch;
      return { color: m.color,
               text: `${m.title}, η = ${m.lr}: update ${done} of ${m.updates} (epoch ${fmt(epoch, 2)}): w = ${fmt(w)}, b = ${fmt(b)}, full loss ${fmt(loss, 4)}.` }; // prettier-ignore
    });
  }

  rg.view = view;
  rg.planeFigure = planeFigure;
  rg.dataFigure = dataFigure;
  rg.lossFigure = lossFigure;
  rg.readout = readout;
  rg.progress = progress;
  rg.lossAt = (run, w, b) => lossAt(sums(run, null), w, b);
})();
