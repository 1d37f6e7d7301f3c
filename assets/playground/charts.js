/*
 * Per-epoch charts: loss and accuracy (train solid, test dashed), per-layer gradient and weight
 * norms (log y: vanishing and exploding gradients show as decades), and the comparison's loss
 * and first-layer gradient norm per scheme. Every epoch is drawn (the server sends f8/f4
 * series with one row per epoch). The epoch cursor is an HTML line (plus value dots) over the
 * plot, placed with LossViz.plotlyAdapter: moving it costs no Plotly redraw.
 *
 *   pg.charts.curves(run, spec, height)   pg.charts.norms(run, spec, height)
 *   pg.charts.compareCurves(runs, spec, height)
 *   pg.charts.cursor(host, gd, epoch, axes, dots)   axes: x axes spanned by a line; dots:
 *                                                   [{axis: "yaxis2", value, color}]
 */
(function () {
  "use strict";
  const LossViz = (window.LossViz = window.LossViz || {});
  const pg = (LossViz.pg = LossViz.pg || {});

  function epochsOf(count) {
    const out = new Array(count);
    for (let e = 0; e < count; e++) out[e] = e;
    return out;
  }

  /* Plain array with non-finite values (and, for log axes, values ≤ 0) as null: a gap. */
  function finiteSeries(values, { positive = false, column = null, width = 1 } = {}) {
    const n = column === null ? values.length : values.length / width;
    const out = new Array(n);
    for (let i = 0; i < n; i++) {
      const v = column === null ? values[i] : values[i * width + column];
      out[i] = Number.isFinite(v) && (!positive || v > 0) ? v : null;
    }
    return out;
  }

  function median(values) {
    const sorted = values.filter((v) => v !== null).sort((a, b) => a - b);
    return sorted.length ? sorted[Math.floor(sorted.length / 2)] : NaN;
  }

  /* Early stopping on the curves: the best epoch (kept weights, dotted) and the stop (dashed),
   * and what follows the stop greyed: training would have ended there. */
  function earlyStopMarks(run, shapes, annotations) {
    const stop = run.earlyStop;
    if (!stop || stop.stoppedEpoch === null) return;
    const line = (x, dash, color) => ({
      type: "line", xref: "x", yref: "paper", x0: x, x1: x, y0: 0, y1: 1, line: { color, width: 2, dash },
    });
    const label = (x, text, color, xanchor) => ({
      x, y: 1, xref: "x", yref: "paper", text, showarrow: false, xanchor, yanchor: "bottom", font: { color, size: 14 },
    });
    const end = Math.max(run.plannedEpochs, stop.stoppedEpoch);
    shapes.push({
      type: "rect", xref: "x", yref: "paper", x0: stop.stoppedEpoch, x1: end, y0: 0, y1: 1,
      fillcolor: "rgba(255, 255, 255, 0.6)", line: { width: 0 }, layer: "above",
    });
    shapes.push(line(stop.stoppedEpoch, "dash", EARLY_STOP_COLOR));
    annotations.push(label(stop.stoppedEpoch, `stopped at ${stop.stoppedEpoch}`, EARLY_STOP_COLOR, "left"));
    if (stop.bestEpoch !== null) {
      shapes.push(line(stop.bestEpoch, "dot", BEST_COLOR));
      annotations.push(label(stop.bestEpoch, `best ${stop.bestEpoch}`, BEST_COLOR, "right"));
    }
  }
  const EARLY_STOP_COLOR = "#5b6475";
  const BEST_COLOR = "#1a7f37";

  function curves(run, spec, height = 390) {
    const { axis, baseLayout, epochRange } = pg.style;
    const x = epochsOf(run.trainLoss.length);
    const series = [
      [run.trainLoss, "train loss", spec.trainColor, "solid", "y"],
      [run.testLoss, "test loss", spec.testColor, "dash", "y"],
      [run.trainAccuracy, "train accuracy", spec.trainColor, "solid", "y2"],
      [run.testAccuracy, "test accuracy", spec.testColor, "dash", "y2"],
    ];
    const data = series.map(([values, name, color, dash, yaxis]) => ({
      type: "scatter",
      x,
      y: finiteSeries(values),
      xaxis: yaxis === "y" ? "x" : "x2",
      yaxis,
      mode: "lines",
      line: { color, width: 3, dash },
      name: name.split(" ")[0],
      legendgroup: name.split(" ")[0],
      showlegend: yaxis === "y",
      hovertemplate: `${name} %{y:.4f}<extra></extra>`,
    }));
    const losses = [...finiteSeries(run.trainLoss), ...finiteSeries(run.testLoss)].filter((v) => v !== null);
    const top = losses.length ? Math.max(...losses) : 1;
    const positive = losses.filter((v) => v > 0);
    // An exploding start (loss 100+) would flatten everything else: then a log axis.
    const logLoss = positive.length > 0 && top / Math.max(median(positive), 1e-12) > 30;
    const shapes = [];
    const annotations = [];
    if (run.divergedAt !== null) {
      shapes.push({
        type: "line",
        xref: "x",
        yref: "paper",
        x0: run.divergedAt,
        x1: run.divergedAt,
        y0: 0,
        y1: 1,
        line: { color: pg.style.DIVERGED_COLOR, width: 2, dash: "dot" },
      });
      annotations.push({
        x: run.divergedAt,
        y: 1,
        xref: "x",
        yref: "paper",
        text: `diverged at epoch ${run.divergedAt}`,
        showarrow: false,
        xanchor: "right",
        yanchor: "bottom",
        font: { color: pg.style.DIVERGED_COLOR, size: 14 },
      });
    }
    earlyStopMarks(run, shapes, annotations);
    const range = epochRange(run.plannedEpochs);
    const layout = baseLayout(height, {
      margin: { l: 64, r: 12, t: 30, b: 48 },
      hovermode: "x unified",
      showlegend: true,
      legend: { orientation: "h", x: 1, xanchor: "right", y: 1, yanchor: "bottom" },
      shapes,
      annotations,
      xaxis: axis("", { range, anchor: "y", matches: "x2", showticklabels: false }),
      xaxis2: axis("epoch", { range, anchor: "y2" }),
      yaxis: logLoss
        ? axis("loss (log)", { type: "log", domain: [0.54, 1], ...pg.style.logTicks(positive) })
        : axis("loss", { range: [0, Math.max(top * 1.05, 0.1)], domain: [0.54, 1] }),
      yaxis2: axis("accuracy", { range: [0, 1.02], tickformat: ".0%", domain: [0, 0.44] }),
    });
    return { data, layout };
  }

  function norms(run, spec, height = 340) {
    const { axis, baseLayout, domains, epochRange, title } = pg.style;
    const x = epochsOf(run.gradNorms.length / run.L);
    const names = pg.labels.layerNames(run.layers);
    const colors = spec.layerColors;
    const data = [];
    names.forEach((name, l) => {
      const y = finiteSeries(run.gradNorms, { positive: true, column: l, width: run.L });
      data.push({
        type: "scatter",
        x,
        y,
        mode: "lines",
        line: { color: colors[l % colors.length], width: 2.6 },
        name: y.some((v) => v !== null) ? name : `${name} (always 0)`,
        legendgroup: name,
        hovertemplate: `‖∂L/∂W‖ ${name}: %{y:.3e}<extra></extra>`,
      });
    });
    names.forEach((name, l) => {
      data.push({
        type: "scatter",
        x,
        y: finiteSeries(run.weightNorms, { column: l, width: run.L }),
        xaxis: "x2",
        yaxis: "y2",
        mode: "lines",
        line: { color: colors[l % colors.length], width: 2.6 },
        name,
        legendgroup: name,
        showlegend: false,
        hovertemplate: `‖W‖ ${name}: %{y:.4g}<extra></extra>`,
      });
    });
    const [left, right] = domains(2, 0.12);
    const range = epochRange(run.plannedEpochs);
    const layout = baseLayout(height, {
      margin: { l: 64, r: 12, t: 52, b: 40 },
      hovermode: "x unified",
      showlegend: true,
      legend: { orientation: "h", x: 0, y: -0.3, yanchor: "top" }, // below the "epoch" titles
      // Two lines: side by side on one line the titles run into each other below ~1600 px.
      annotations: [title("Gradient norm ‖∂L/∂Wₗ‖<br>(log scale)", (left[0] + left[1]) / 2), title("Weight norm<br>‖Wₗ‖", (right[0] + right[1]) / 2)],
      xaxis: axis("epoch", { range, domain: left, anchor: "y" }),
      xaxis2: axis("epoch", { range, domain: right, anchor: "y2" }),
      yaxis: axis("", { type: "log", anchor: "x", ...pg.style.logTicks(run.gradNorms) }),
      yaxis2: axis("", { rangemode: "tozero", anchor: "x2" }),
    });
    return { data, layout };
  }

  function compareCurves(runs, spec, height = 360) {
    const { axis, baseLayout, domains, epochRange, title } = pg.style;
    const [left, right] = domains(2, 0.1);
    const data = [];
    for (const column of [1, 2]) {
      for (const run of runs) {
        const scheme = run.scheme;
        const values = column === 1 ? run.trainLoss : run.firstGradNorm;
        const y = finiteSeries(values, { positive: column === 2 });
        let name = scheme.title;
        let show = column === 1;
        if (column === 2 && !y.some((v) => v !== null)) {
          name = `${scheme.title}: ‖∂L/∂W₁‖ = 0 (not drawn on a log axis)`;
          show = true;
        } else if (column === 1 && run.divergedAt !== null) {
          name = `${scheme.title} (diverged at epoch ${run.divergedAt})`;
        }
        data.push({
          type: "scatter",
          x: epochsOf(values.length),
          y,
          xaxis: column === 1 ? "x" : "x2",
          yaxis: column === 1 ? "y" : "y2",
          mode: "lines",
          line: { color: spec.schemeColors[scheme.id] || pg.style.INK, width: 3 },
          name,
          legendgroup: scheme.id,
          showlegend: show,
          hovertemplate: `${scheme.title}: %{y:.4g}<extra></extra>`,
        });
      }
    }
    const losses = [];
    for (const run of runs) for (const v of run.trainLoss) if (Number.isFinite(v) && v > 0) losses.push(v);
    const logLoss = losses.length > 0 && Math.max(...losses) / Math.max(median(losses), 1e-12) > 30;
    const range = epochRange(runs[0].plannedEpochs);
    const layout = baseLayout(height, {
      margin: { l: 64, r: 12, t: 34, b: 84 },
      hovermode: "x unified",
      showlegend: true,
      legend: { orientation: "h", x: 0, y: -0.3, yanchor: "top" },
      annotations: [title("Training loss (cost)", (left[0] + left[1]) / 2), title("Gradient norm of the first layer ‖∂L/∂W₁‖ (log scale)", (right[0] + right[1]) / 2)],
      xaxis: axis("epoch", { range, domain: left, anchor: "y" }),
      xaxis2: axis("epoch", { range, domain: right, anchor: "y2" }),
      yaxis: logLoss ? axis("loss (log)", { type: "log", anchor: "x", ...pg.style.logTicks(losses) }) : axis("loss", { rangemode: "tozero", anchor: "x" }),
      yaxis2: axis("", { type: "log", anchor: "x2", ...pg.style.logTicks(...runs.map((r) => r.firstGradNorm)) }),
    });
    return { data, layout };
  }

  /* Place the epoch cursor over `gd` inside its container `host` (re-placed after redraws). */
  function cursor(host, gd, epoch, axes, dots = []) {
    const adapter = LossViz.plotlyAdapter;
    const area = adapter.plotArea(gd);
    if (!area) return;
    host._pgCursor = [epoch, axes, dots];
    if (!gd._pgCursorWatched && typeof gd.on === "function") {
      gd._pgCursorWatched = true;
      gd.on("plotly_afterplot", () => {
        if (host._pgCursor) window.requestAnimationFrame(() => cursor(host, gd, ...host._pgCursor));
      });
    }
    const layer = LossViz.dom.child(host, "div", "pg-cursors");
    const items = [];
    for (const name of axes) {
      const xa = adapter.axis(gd, name);
      if (xa) items.push({ kind: "line", left: xa.toPixel(epoch), top: area.top, height: area.height });
    }
    const xa = adapter.axis(gd, axes[0]);
    for (const dot of dots) {
      const ya = adapter.axis(gd, dot.axis);
      if (!xa || !ya || !pg.labels.finite(dot.value)) continue;
      const top = ya.toPixel(dot.value);
      if (!Number.isFinite(top)) continue; // e.g. 0 on a log axis
      items.push({ kind: "dot", left: xa.toPixel(epoch), top, color: dot.color });
    }
    while (layer.children.length < items.length) layer.appendChild(document.createElement("div"));
    while (layer.children.length > items.length) layer.lastChild.remove();
    items.forEach((item, i) => {
      const el = layer.children[i];
      el.className = item.kind === "line" ? "pg-cursor" : "pg-cursor-dot";
      el.style.left = `${item.left}px`;
      el.style.top = `${item.top}px`;
      if (item.kind === "line") el.style.height = `${item.height}px`;
      else el.style.background = item.color;
    });
  }

  pg.charts = { curves, norms, compareCurves, cursor };
})();
