/*
 * The two 1-D views under the network landscape, train and test loss on a log axis:
 *   slice          L(θ* + a·d₁) along the first direction (a = 0 is θ*, dotted); with random
 *                  directions also the same slice for each of 4 minibatches (thin lines)
 *   interpolation  L((1 − t)·θ₀ + t·θ*) from the initial parameters (t = 0) to the trained
 *                  ones (t = 1), beyond both ends as far as the engine evaluates (Goodfellow
 *                  et al. 2015)
 * Not-finite losses are gaps. The y axis is logarithmic (LossViz.labTheme.logTicks, thinned to
 * the labels that fit the height) unless the losses span less than a factor of two, where it is
 * linear. The legend sits above the plot, outside the data.
 *
 *   LossViz.network.curves.drawSlice(Plotly, gd, landscape)
 *   LossViz.network.curves.drawInterpolation(Plotly, gd, landscape)
 */
(function () {
  "use strict";
  const LossViz = (window.LossViz = window.LossViz || {});
  const network = (LossViz.network = LossViz.network || {});

  function lineTrace(name, x, y, color, s, dash) {
    return {
      type: "scatter",
      mode: "lines",
      name,
      x,
      y: network.scales.plain(y),
      line: { color, width: s.line, dash: dash || "solid" },
      hovertemplate: `${name}: %{y:.4g}<extra></extra>`,
    };
  }

  /* A vertical dotted line at x = `at`, labelled at the top. */
  function marker(at, label) {
    return {
      shape: { type: "line", xref: "x", yref: "paper", x0: at, x1: at, y0: 0, y1: 1, line: { color: "#6b7280", width: 1.5, dash: "dot" } },
      annotation: { x: at, xref: "x", y: 1, yref: "paper", yanchor: "bottom", text: label, showarrow: false, font: LossViz.labTheme.font(LossViz.labTheme.sizes().tick) },
    };
  }

  /* At most as many labels as fit the plot's height (a short chart on a projector). */
  function thinned(ticks, height, s) {
    if (!ticks.tickvals) return ticks;
    const room = Math.max(2, Math.floor(height / (2.2 * s.tick)));
    const stride = Math.ceil(ticks.tickvals.length / room);
    if (stride <= 1) return ticks;
    const keep = (_, i) => i % stride === 0;
    return { ...ticks, tickvals: ticks.tickvals.filter(keep), ticktext: ticks.ticktext.filter(keep) };
  }

  function layout(gd, xTitle, train, test, marks, key) {
    const t = LossViz.labTheme;
    const s = t.sizes();
    const [a, b] = network.scales.logRange(train, test);
    const pad = 0.04 * (b - a);
    const margin = { l: s.present ? 92 : 60, r: 14, t: s.present ? 70 : 50, b: s.present ? 72 : 44 };
    const plotHeight = (gd.clientHeight || 240) - margin.t - margin.b;
    // Less than a factor of two from lowest to highest: a log axis would look linear anyway
    // and Plotly would crowd it with labels; a linear one with as many labels as fit.
    const narrow = b - a < Math.log10(2);
    const room = Math.max(2, Math.floor(plotHeight / (2.2 * s.tick)));
    const yaxis = narrow
      ? { type: "linear", range: [Math.pow(10, a - pad), Math.pow(10, b + pad)], nticks: room }
      : { type: "log", range: [a - pad, b + pad], ...thinned(t.logTicks([a - pad, b + pad]), plotHeight, s) };
    return {
      margin,
      xaxis: { title: { text: xTitle, font: t.font(s.font), standoff: 4 }, tickfont: t.font(s.tick), zeroline: false, showline: true, linecolor: "#9aa5b4", ticks: "outside" },
      yaxis: { title: { text: narrow ? "loss" : "loss (log scale)", font: t.font(s.font) }, tickfont: t.font(s.tick), showline: true, linecolor: "#9aa5b4", gridcolor: t.GRID_COLOR, ticks: "outside", ...yaxis },
      // The legend at the figure's top edge, the θ₀ / θ* labels under it, just above the data.
      legend: { orientation: "h", x: 1, xanchor: "right", yref: "container", y: 1, yanchor: "top", font: t.font(s.legend), bgcolor: "rgba(0,0,0,0)" },
      shapes: marks.map((m) => m.shape),
      annotations: marks.map((m) => m.annotation),
      hovermode: "x unified",
      paper_bgcolor: "#ffffff",
      plot_bgcolor: "#ffffff",
      font: t.font(s.font),
      uirevision: key,
    };
  }

  function drawSlice(Plotly, gd, landscape) {
    const { arrays, meta } = landscape;
    const s = LossViz.labTheme.sizes();
    const C = network.scales.COLORS;
    const x = Array.from(arrays.sliceA);
    const xTitle = meta.directions === "pca" ? network.contour.axisTitles(landscape)[0].replace(/^PC1/, "a along PC1") : "a (along d₁)";
    const traces = [...minibatchTraces(landscape, x, s), lineTrace("train", x, arrays.sliceTrain, C.train, s), lineTrace("test", x, arrays.sliceTest, C.test, s, "dash")];
    const marks = x[0] <= 0 && x[x.length - 1] >= 0 ? [marker(0, "θ*")] : [];
    const lowest = arrays.minibatchLoss ? [arrays.sliceTrain, arrays.minibatchLoss] : [arrays.sliceTrain];
    return Plotly.react(gd, traces, layout(gd, xTitle, concat(lowest), arrays.sliceTest, marks, meta.key), LossViz.labTheme.PLOT_CONFIG);
  }

  function concat(parts) {
    const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  /* The same slice as M minibatches of the training set see it (thin, one legend entry): the
   * landscape a minibatch step descends is not the full one (slide deck 000). */
  function minibatchTraces(landscape, x, s) {
    const { arrays, meta } = landscape;
    if (!arrays.minibatchLoss) return [];
    const points = x.length;
    const count = arrays.minibatchLoss.length / points;
    const traces = [];
    for (let m = 0; m < count; m++) {
      const y = arrays.minibatchLoss.subarray(m * points, (m + 1) * points);
      const name = `minibatch ${m + 1} (${meta.minibatchSize} points)`;
      traces.push({
        ...lineTrace(name, x, y, network.scales.COLORS.train, s),
        line: { color: "rgba(37, 99, 235, 0.45)", width: Math.max(1, s.line * 0.5) },
        legendgroup: "minibatches",
        showlegend: m === 0,
        name: m === 0 ? `${count} minibatches of ${meta.minibatchSize}` : name,
        hovertemplate: `minibatch ${m + 1}: %{y:.4g}<extra></extra>`,
      });
    }
    return traces;
  }

  function drawInterpolation(Plotly, gd, landscape) {
    const { arrays, meta } = landscape;
    const s = LossViz.labTheme.sizes();
    const C = network.scales.COLORS;
    const x = Array.from(arrays.interpT);
    const traces = [lineTrace("train", x, arrays.interpTrain, C.train, s), lineTrace("test", x, arrays.interpTest, C.test, s, "dash")];
    const marks = [marker(0, "θ₀"), marker(1, "θ*")];
    return Plotly.react(gd, traces, layout(gd, "t", arrays.interpTrain, arrays.interpTest, marks, meta.key), LossViz.labTheme.PLOT_CONFIG);
  }

  network.curves = { drawSlice, drawInterpolation };
})();
