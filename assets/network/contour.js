/*
 * The network landscape as a 2-D contour: log10 of the train loss over (α, β) coloured on the
 * lab's light-is-low scale, with its iso-lines, θ* (the trained network) starred at the
 * centre, and with PCA directions the training path θ_t projected on the plane (its epoch in
 * the hover, θ₀ marked) and each direction's explained variance in its axis title ("PC1
 * (83.1 %)"). Equal aspect (a unit along d₁ is as long as a unit along d₂) unless the plane is
 * flatter than 1 : 5, where β is stretched to that and the α axis title says by how much; the
 * legend above the plot and the colour bar beside it, outside the data.
 *
 *   LossViz.network.contour.draw(Plotly, gd, landscape)   Plotly.react of the whole figure
 *   LossViz.network.contour.axisTitles(landscape)          [x title, y title]
 */
(function () {
  "use strict";
  const LossViz = (window.LossViz = window.LossViz || {});
  const network = (LossViz.network = LossViz.network || {});
  const MIN_ASPECT = 0.2; // the flattest plane drawn to scale (height / width)

  function axisTitles(landscape) {
    const { meta, arrays } = landscape;
    if (meta.directions === "pca" && arrays.explainedVariance) {
      const ev = arrays.explainedVariance;
      return [`PC1 (${(100 * ev[0]).toFixed(1)} %)`, `PC2 (${(100 * ev[1]).toFixed(1)} %)`];
    }
    return ["α (along d₁)", "β (along d₂)"];
  }

  /* The loss values as hover text rows (float32 as a student reads it). */
  function textRows(flat, rows, cols) {
    const out = [];
    const loss = network.scales.loss;
    for (let j = 0; j < rows; j++) {
      const row = new Array(cols);
      for (let i = 0; i < cols; i++) row[i] = loss(flat[j * cols + i]);
      out.push(row);
    }
    return out;
  }

  function traces(landscape, s) {
    const { meta, arrays } = landscape;
    const sc = network.scales;
    const t = LossViz.labTheme;
    const n = arrays.alphas.length;
    const m = arrays.betas.length;
    const range = sc.logRange(arrays.trainLoss);
    const [xName, yName] = axisTitles(landscape).map((title) => title.split(" (")[0]);
    const ticks = sc.logAxisTicks(range);
    const out = [
      {
        type: "contour",
        name: "train loss",
        x: Array.from(arrays.alphas),
        y: Array.from(arrays.betas),
        z: sc.log10Rows(arrays.trainLoss, m, n),
        text: textRows(arrays.trainLoss, m, n),
        zmin: range[0],
        zmax: range[1],
        ncontours: 24,
        colorscale: t.LANDSCAPE_SCALE,
        contours: { coloring: "heatmap", showlines: true },
        line: { color: t.CONTOUR_LINE, width: s.present ? 1.2 : 0.7, smoothing: 0.6 },
        colorbar: {
          title: { text: "train loss", side: "right", font: t.font(s.font) },
          tickmode: ticks.tickmode,
          tickvals: ticks.tickvals,
          ticktext: ticks.ticktext,
          tickfont: t.font(s.tick),
          thickness: s.present ? 20 : 14,
          len: 1,
          x: 1.02,
          xanchor: "left",
        },
        hovertemplate: `${xName} = %{x:.3f}<br>${yName} = %{y:.3f}<br>train loss %{text}<extra></extra>`,
        showlegend: false,
      },
    ];
    if (arrays.path) {
      const count = arrays.pathEpochs.length;
      const px = new Array(count);
      const py = new Array(count);
      for (let k = 0; k < count; k++) {
        px[k] = arrays.path[2 * k];
        py[k] = arrays.path[2 * k + 1];
      }
      const epochs = Array.from(arrays.pathEpochs);
      out.push({
        type: "scatter",
        mode: count > 60 ? "lines" : "lines+markers",
        name: "training path θₜ",
        x: px,
        y: py,
        customdata: epochs,
        line: { color: sc.COLORS.path, width: s.line },
        marker: { size: s.present ? 7 : 4, color: sc.COLORS.path },
        hovertemplate: `epoch %{customdata}<br>${xName} = %{x:.3f}<br>${yName} = %{y:.3f}<extra>training path</extra>`,
      });
      out.push({
        type: "scatter",
        mode: "markers",
        name: "θ₀ (initial)",
        x: [px[0]],
        y: [py[0]],
        customdata: [epochs[0]],
        marker: { size: s.star * 0.8, color: "#ffffff", symbol: "circle", line: { color: sc.COLORS.path, width: 3 } },
        hovertemplate: `θ₀, epoch %{customdata}<br>${xName} = %{x:.3f}<br>${yName} = %{y:.3f}<extra></extra>`,
      });
    }
    out.push({
      type: "scatter",
      mode: "markers",
      name: "θ* (trained)",
      x: [0],
      y: [0],
      marker: { size: s.star * 1.4, color: sc.COLORS.star, symbol: "star", line: { color: sc.COLORS.outline, width: 1.2 } },
      hovertemplate: `θ* after epoch ${meta.epochs}<br>train loss ${sc.loss(meta.centerTrainLoss)}<br>test loss ${sc.loss(meta.centerTestLoss)}<extra></extra>`,
    });
    return out;
  }

  /* Margins that leave a plot area of the data's own aspect, centred in the figure, so the
   * colour bar and the legend sit right beside the data (not at the far edge of the figure). */
  function fitted(gd, aspect, margin) {
    const width = (gd.clientWidth || 600) - margin.l - margin.r;
    const height = (gd.clientHeight || 500) - margin.t - margin.b;
    if (!(width > 50 && height > 50 && Number.isFinite(aspect) && aspect > 0)) return margin;
    const out = { ...margin, autoexpand: false };
    if (width / height > aspect) {
      const extra = width - height * aspect;
      out.l += extra / 2;
      out.r += extra / 2;
    } else {
      const extra = height - width / aspect;
      out.t += extra / 2;
      out.b += extra / 2;
    }
    return out;
  }

  /* How much the β axis is stretched: 1 (equal aspect) unless the plane is flatter than
   * MIN_ASPECT (a PCA plane whose second direction holds almost none of the path), where a
   * strip a few pixels high would show nothing; the α axis title then says so. */
  function stretch(xr, yr) {
    const ratio = Math.abs(yr[1] - yr[0]) / Math.max(1e-300, Math.abs(xr[1] - xr[0]));
    if (!(ratio > 0 && Number.isFinite(ratio))) return 1;
    if (ratio < MIN_ASPECT) return MIN_ASPECT / ratio;
    if (ratio > 1 / MIN_ASPECT) return 1 / (MIN_ASPECT * ratio);
    return 1;
  }

  function layout(gd, landscape, s) {
    const t = LossViz.labTheme;
    const { arrays } = landscape;
    const [plainXTitle, yTitle] = axisTitles(landscape);
    const xr = [arrays.alphas[0], arrays.alphas[arrays.alphas.length - 1]];
    const yr = [arrays.betas[0], arrays.betas[arrays.betas.length - 1]];
    const factor = stretch(xr, yr);
    const yName = yTitle.split(" (")[0];
    const xTitle = factor === 1 ? plainXTitle : `${plainXTitle} · ${yName} axis stretched ×${Number(factor.toPrecision(2))}`;
    const aspect = Math.abs(xr[1] - xr[0]) / (factor * Math.abs(yr[1] - yr[0]));
    const axis = (title, range) => ({
      title: { text: title, font: t.font(s.font), standoff: 6 },
      range,
      tickfont: t.font(s.tick),
      zeroline: false,
      showgrid: false,
      ticks: "outside",
      mirror: true,
      showline: true,
      linecolor: "#9aa5b4",
      constrain: "domain",
    });
    const margin = fitted(gd, aspect, { l: s.present ? 84 : 60, r: s.present ? 150 : 100, t: s.present ? 56 : 36, b: s.present ? 76 : 50 });
    return {
      margin,
      xaxis: axis(xTitle, xr),
      yaxis: { ...axis(yTitle, yr), scaleanchor: "x", scaleratio: factor, nticks: Math.max(3, Math.floor(((gd.clientHeight || 500) - margin.t - margin.b) / (2.2 * s.tick))) },
      legend: { orientation: "h", x: 0, xanchor: "left", y: 1.01, yanchor: "bottom", font: t.font(s.legend), bgcolor: "rgba(0,0,0,0)" },
      showlegend: true,
      hovermode: "closest",
      paper_bgcolor: "#ffffff",
      plot_bgcolor: "#ffffff",
      font: t.font(s.font),
      uirevision: landscape.meta.key,
    };
  }

  function draw(Plotly, gd, landscape) {
    const s = LossViz.labTheme.sizes();
    const figure = layout(gd, landscape, s);
    const data = traces(landscape, s);
    // The colour bar as tall as the data, but readable beside a flat strip (a PCA plane).
    const height = (gd.clientHeight || 500) - figure.margin.t - figure.margin.b;
    Object.assign(data[0].colorbar, { lenmode: "pixels", len: Math.max(height, Math.min(240, 0.8 * (gd.clientHeight || 500))), y: 0.5, yanchor: "middle" });
    return Plotly.react(gd, data, figure, LossViz.labTheme.PLOT_CONFIG);
  }

  network.contour = { draw, axisTitles };
})();
