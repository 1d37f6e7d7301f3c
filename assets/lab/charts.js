/*
 * The per-step charts: the cost J − J* against the step (log y, in step with playback) and the
 * learning rate each optimizer used (drawn whole, only while its <details> is open). One trace
 * per table row, in table order, so trace i is row i.
 *
 *   drawCost(Plotly, gd, {rows, runs, steps, frame})       the cost chart at `frame`
 *   renderCost(Plotly, gd, runs, k)                         exact data for step k
 *   measureCost(gd, runs) / revealCost(geometry, runs, k)   playback without redraws
 *   drawSchedule(Plotly, gd, {rows, runs, steps})           the learning-rate chart, with the
 *                                                            stability limit of GD and momentum
 */
(function () {
  "use strict";
  const LossViz = (window.LossViz = window.LossViz || {});

  const theme = () => LossViz.labTheme;

  function chartLayout(steps, yTitle, yRange, s) {
    const t = theme();
    return {
      margin: s.chart,
      font: t.font(s.font),
      paper_bgcolor: "white",
      plot_bgcolor: "white",
      xaxis: {
        title: { text: "step t", font: { size: s.font } },
        range: [0, Math.max(steps, 1)],
        gridcolor: t.GRID_COLOR,
        tickfont: { size: s.tick },
        zeroline: false,
        automargin: true,
      },
      yaxis: {
        title: { text: yTitle, font: { size: s.font } },
        type: "log",
        range: yRange,
        autorange: false,
        gridcolor: t.GRID_COLOR,
        exponentformat: "power",
        ...t.logTicks(yRange), // at most six labels, whatever the number of decades
        tickfont: { size: s.tick },
        automargin: true,
      },
      showlegend: false,
      hovermode: "x unified",
      hoverlabel: { font: { family: t.FONT_FAMILY, size: s.font } },
    };
  }

  function lineTrace(row, run, x, y, symbol, s) {
    return {
      type: "scatter",
      mode: "lines",
      x,
      y,
      name: run ? run.legendName : row.title,
      legendgroup: row.id,
      visible: Boolean(row.enabled && run),
      line: { color: row.color, width: s.line, dash: row.dash || "solid", simplify: false },
      hovertemplate: `<b>${row.title}</b> step %{x}<br>${symbol}=%{y:.4g}<extra></extra>`,
    };
  }

  function drawCost(Plotly, gd, { rows, runs, steps, frame }) {
    const s = theme().sizes();
    const byRow = new Map(runs.map((r) => [r.row, r]));
    const data = rows.map((row, i) => {
      const run = byRow.get(i);
      const m = run ? Math.min(frame + 1, run.n) : 0;
      return lineTrace(row, run, run ? run.steps.subarray(0, m) : [], run ? run.gap.subarray(0, m) : [], "J−J*", s);
    });
    const layout = chartLayout(steps, "J(w) − J*", LossViz.labRuns.logRange(runs, "gap"), s);
    return Plotly.react(gd, data, layout, theme().PLOT_CONFIG);
  }

  function renderCost(Plotly, gd, runs, k) {
    if (!LossViz.plotlyAdapter.isDrawn(gd) || !runs.length) return;
    const update = { x: [], y: [] };
    const indices = [];
    for (const r of runs) {
      const m = Math.min(k + 1, r.n);
      update.x.push(r.steps.subarray(0, m));
      update.y.push(r.gap.subarray(0, m));
      indices.push(r.row);
    }
    Plotly.restyle(gd, update, indices);
  }

  function measureCost(gd, runs) {
    if (!LossViz.plotlyAdapter.isDrawn(gd)) return null;
    const contour = LossViz.labContour;
    return runs.map((r) => contour.lineGeometry(gd, r, r.steps, r.gap, r.row, "xaxis", "yaxis"));
  }

  function revealCost(geometries, runs, k) {
    runs.forEach((r, i) => LossViz.labContour.revealLine(geometries[i], Math.min(k + 1, r.n)));
  }

  /* The stability mark of a row with a limit (GD, momentum): the largest stable η at each
   * step, dotted in the row's colour (assets/lab/stability.js). */
  function limitTrace(row, run, limits, s) {
    return {
      type: "scatter",
      mode: "lines",
      x: run.lrSteps,
      y: limits,
      name: `${row.title}: largest stable η`,
      legendgroup: row.id,
      visible: Boolean(row.enabled),
      line: { color: row.color, width: Math.max(1, s.line * 0.7), dash: "dot", simplify: false },
      hovertemplate: `<b>${row.title}</b> step %{x}<br>largest stable η=%{y:.4g}<extra></extra>`,
    };
  }

  /* The chart's log range: the rates used, and the stability limits within two decades of them
   * (a limit far away would squash the rates into a line). */
  function scheduleRange(runs, limits) {
    const [lo, hi] = LossViz.labRuns.logRange(runs, "lr");
    const near = limits.map((y) => ({ lr: y.filter((v) => Math.log10(v) > lo - 2 && Math.log10(v) < hi + 2) }));
    const [a, b] = LossViz.labRuns.logRange([...runs, ...near], "lr");
    return near.some((r) => r.lr.length) ? [a, b] : [lo, hi];
  }

  function drawSchedule(Plotly, gd, { rows, runs, steps }) {
    const s = theme().sizes();
    const byRow = new Map(runs.map((r) => [r.row, r]));
    const data = rows.map((row, i) => {
      const run = byRow.get(i);
      return lineTrace(row, run, run ? run.lrSteps : [], run ? run.lr : [], "η", s);
    });
    const limits = [];
    for (const run of runs) {
      const rates = LossViz.labStability.limitRates(run);
      if (rates && rows[run.row]) {
        data.push(limitTrace(rows[run.row], run, rates, s));
        limits.push(rates);
      }
    }
    const layout = chartLayout(steps, "η_t", scheduleRange(runs, limits), s);
    return Plotly.react(gd, data, layout, theme().PLOT_CONFIG);
  }

  LossViz.labCharts = { drawCost, renderCost, measureCost, revealCost, drawSchedule };
})();
