/*
 * The learning-rate range test's chart (pages/lr_range.py): loss against the learning rate on
 * a log axis, as fastai's lr_find plots it.
 *
 *   LossViz.lrRange.figure(test)   {data, layout} of one unpacked LVZ1 container
 *                                  (components/lr_range_payload.py)
 *
 * Drawn: the raw training loss at each step (pale dots), the debiased smoothed loss (the line
 * the suggestions are read from), the stop line 4 × the best smoothed loss (dotted), and the
 * two suggestions, each a dashed vertical line at the suggested rate: the steepest fall per
 * decade (its point marked on the curve), and a tenth of the rate of the lowest smoothed loss
 * (that lowest point marked).
 */
(function () {
  "use strict";
  const LossViz = (window.LossViz = window.LossViz || {});
  const lr = (LossViz.lrRange = LossViz.lrRange || {});

  const RAW = "rgba(37, 99, 235, 0.35)";
  const SMOOTH = "#1d4ed8";
  const STEEP = "#d55e00";
  const MINIMUM = "#009e73";
  const STOP = "#6b7280";

  function format(value) {
    return Number(value).toPrecision(3).replace(/\.?0+(e|$)/, "$1");
  }

  function finiteRange(values) {
    let low = Infinity;
    let high = -Infinity;
    for (const v of values) {
      if (Number.isFinite(v)) {
        low = Math.min(low, v);
        high = Math.max(high, v);
      }
    }
    return Number.isFinite(low) ? [low, high] : [0, 1];
  }

  function figure(test) {
    const theme = LossViz.labTheme;
    const size = theme.sizes();
    const meta = test.meta;
    const rates = Array.from(test.arrays.rates);
    const losses = Array.from(test.arrays.losses, (v) => (Number.isFinite(v) ? v : null));
    const smoothed = Array.from(test.arrays.smoothed, (v) => (Number.isFinite(v) ? v : null));
    const hover = "η = %{x:.3g}<br>loss %{y:.4f}<extra>%{fullData.name}</extra>";
    const data = [
      { type: "scatter", mode: "markers", name: "loss at each step", x: rates, y: losses,
        marker: { color: RAW, size: size.present ? 7 : 5 }, hovertemplate: hover },
      { type: "scatter", mode: "lines", name: "smoothed (β = 0.98)", x: rates, y: smoothed,
        line: { color: SMOOTH, width: size.line }, hovertemplate: hover },
    ]; // prettier-ignore
    const [a, b] = [Math.log10(meta.startRate), Math.log10(meta.endRate)];
    const xRange = [a - 0.02 * (b - a), b + 0.02 * (b - a)]; // a tick at either end stays in view
    const [low, high] = finiteRange(test.arrays.smoothed);
    const shapes = [];
    const annotations = [];
    if (meta.stopLoss !== null && meta.stopLoss <= high * 1.05) {
      shapes.push({ type: "line", xref: "paper", x0: 0, x1: 1, y0: meta.stopLoss, y1: meta.stopLoss,
                    line: { color: STOP, width: 1.5, dash: "dot" } }); // prettier-ignore
      annotations.push({ xref: "paper", x: 0.01, xanchor: "left", y: meta.stopLoss, yanchor: "bottom",
                         text: "stop: 4 × best", showarrow: false, font: theme.font(size.legend) }); // prettier-ignore
    }
    // [point on the curve, its legend name, the suggested rate (a dashed line), its label]
    const marks = [];
    if (meta.steepest) {
      const rate = meta.steepest.rate;
      marks.push([meta.steepest, `steepest fall (η = ${format(rate)})`, rate, "steepest", STEEP, "diamond"]);
    }
    if (meta.minimum) {
      const name = `lowest loss (η = ${format(meta.minimum.rate)})`;
      marks.push([meta.minimum, name, meta.minimumTenth, "minimum ÷ 10", MINIMUM, "circle"]);
    }
    for (const [point, name, suggested, label, color, symbol] of marks) {
      data.push({ type: "scatter", mode: "markers", name, x: [point.rate], y: [point.loss], hovertemplate: hover,
                  marker: { color, size: size.present ? 16 : 12, symbol, line: { color: "#fff", width: 1.5 } } }); // prettier-ignore
      shapes.push({ type: "line", yref: "paper", y0: 0, y1: 1, x0: suggested, x1: suggested,
                    line: { color, width: 2, dash: "dash" } }); // prettier-ignore
      annotations.push({ x: Math.log10(suggested), yref: "paper", y: 1, yanchor: "top", xanchor: "right",
                         text: `${label}: ${format(suggested)}`, showarrow: false, textangle: -90,
                         font: { ...theme.font(size.legend), color } }); // prettier-ignore
    }
    const pad = Math.max((high - low) * 0.08, 1e-3);
    const top = meta.stopLoss !== null ? Math.min(high, meta.stopLoss * 1.1) : high;
    const layout = {
      margin: { ...size.chart, t: 12 },
      ...LossViz.page.canvas(),
      showlegend: true,
      legend: { orientation: "h", x: 0, y: 1.02, yanchor: "bottom", font: theme.font(size.legend) },
      xaxis: { type: "log", range: xRange, title: { text: "learning rate η (log scale)" },
               gridcolor: theme.GRID_COLOR, automargin: true, ...theme.logTicks(xRange) }, // prettier-ignore
      yaxis: { title: { text: "training loss (BCE)" }, range: [low - pad, Math.max(top, low) + pad],
               gridcolor: theme.GRID_COLOR, zeroline: false, automargin: true }, // prettier-ignore
      shapes,
      annotations,
      hovermode: "closest",
    };
    return { data, layout };
  }

  lr.figure = figure;
  lr.format = format;
})();
