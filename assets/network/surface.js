/*
 * The network landscape as a 3-D surface (the toggle beside the contour): z = log10 of the
 * train loss over (α, β), the same colours as the contour, θ* marked on it and, with PCA
 * directions, the training path laid on the surface (its height read off the grid by bilinear
 * interpolation, so it follows the drawn surface; the hover says so). The z axis and the colour
 * bar are labelled in loss units. The floor keeps the data's aspect unless one side would be
 * under 0.4 of the other (a flat PCA plane), where it is widened to that so the surface can be
 * read. The 3-D traces come from the vendored 3-D chunk (LossViz.vendor.plotly3d(), loaded
 * only when the surface is first shown).
 *
 *   LossViz.network.surface.draw(Plotly3d, gd, landscape)   Plotly.react of the whole scene
 */
(function () {
  "use strict";
  const LossViz = (window.LossViz = window.LossViz || {});
  const network = (LossViz.network = LossViz.network || {});

  const MIN_SIDE = 0.4; // the floor's shorter side, at least this fraction of the longer

  /* Index i and fraction f with xs[i] + f·(xs[i+1] − xs[i]) = v (clamped to the grid). */
  function locate(xs, v) {
    const n = xs.length;
    const step = (xs[n - 1] - xs[0]) / (n - 1);
    const at = Math.min(n - 1 - 1e-9, Math.max(0, (v - xs[0]) / step));
    const i = Math.floor(at);
    return [i, at - i];
  }

  /* The surface's height at (x, y): bilinear in the grid's cells (null next to a gap). */
  function heightAt(z, xs, ys, x, y) {
    const [i, fx] = locate(xs, x);
    const [j, fy] = locate(ys, y);
    const corners = [z[j][i], z[j][i + 1], z[j + 1][i], z[j + 1][i + 1]];
    if (corners.some((c) => c === null || c === undefined)) return null;
    const bottom = corners[0] * (1 - fx) + corners[1] * fx;
    const top = corners[2] * (1 - fx) + corners[3] * fx;
    return bottom * (1 - fy) + top * fy;
  }

  function pathTrace(landscape, z, x, y, lift, s) {
    const { arrays } = landscape;
    const count = arrays.pathEpochs.length;
    const px = new Array(count);
    const py = new Array(count);
    const pz = new Array(count);
    for (let k = 0; k < count; k++) {
      px[k] = arrays.path[2 * k];
      py[k] = arrays.path[2 * k + 1];
      const h = heightAt(z, x, y, px[k], py[k]);
      pz[k] = h === null ? null : h + lift;
    }
    return {
      type: "scatter3d",
      mode: "lines",
      name: "training path θₜ",
      x: px,
      y: py,
      z: pz,
      customdata: Array.from(arrays.pathEpochs),
      line: { color: network.scales.COLORS.path, width: s.line3d },
      hovertemplate: "epoch %{customdata}<extra>training path (height read off the surface)</extra>",
    };
  }

  function draw(Plotly, gd, landscape) {
    const t = LossViz.labTheme;
    const sc = network.scales;
    const s = t.sizes();
    const { meta, arrays } = landscape;
    const n = arrays.alphas.length;
    const m = arrays.betas.length;
    const range = sc.logRange(arrays.trainLoss);
    const ticks = sc.logAxisTicks(range);
    const [xTitle, yTitle] = network.contour.axisTitles(landscape);
    const x = Array.from(arrays.alphas);
    const y = Array.from(arrays.betas);
    const centre = Number.isFinite(meta.centerTrainLoss) ? Math.log10(Math.max(meta.centerTrainLoss, sc.FLOOR)) : range[0];
    const lift = 0.02 * (range[1] - range[0]);
    const spanX = x[n - 1] - x[0];
    const spanY = y[m - 1] - y[0];
    const axis = (title, extra = {}) => ({
      title: { text: title, font: t.font(s.font) },
      tickfont: t.font(s.tick),
      backgroundcolor: "#ffffff",
      gridcolor: "#e5e9f0",
      ...extra,
    });
    const z = sc.log10Rows(arrays.trainLoss, m, n);
    const traces = [
      {
        type: "surface",
        x,
        y,
        z,
        cmin: range[0],
        cmax: range[1],
        colorscale: t.LANDSCAPE_SCALE,
        colorbar: {
          title: { text: "train loss", side: "right", font: t.font(s.font) },
          tickmode: "array",
          tickvals: ticks.tickvals,
          ticktext: ticks.ticktext,
          tickfont: t.font(s.tick),
          thickness: s.present ? 20 : 14,
          len: 0.8,
        },
        contours: { z: { show: true, usecolormap: false, color: "rgba(60,80,110,0.35)", width: 1 } },
        hovertemplate: "%{x:.3f}, %{y:.3f}<extra></extra>",
        showscale: true,
        name: "train loss",
      },
      {
        type: "scatter3d",
        mode: "markers",
        name: "θ* (trained)",
        x: [0],
        y: [0],
        z: [centre + lift],
        marker: { size: s.marker3d + 2, color: sc.COLORS.star, line: { color: sc.COLORS.outline, width: 2 } },
        hovertemplate: `θ*<br>train loss ${sc.loss(meta.centerTrainLoss)}<extra></extra>`,
      },
    ];
    if (arrays.path) traces.push(pathTrace(landscape, z, x, y, lift, s));
    const ratio = Math.min(1 / MIN_SIDE, Math.max(MIN_SIDE, spanX > 0 && spanY > 0 ? spanY / spanX : 1));
    const scale = 1 / Math.max(1, ratio);
    const layout = {
      margin: { l: 0, r: 0, t: 10, b: 0 },
      scene: {
        xaxis: axis(xTitle),
        yaxis: axis(yTitle),
        zaxis: axis("train loss", { tickmode: "array", tickvals: ticks.tickvals, ticktext: ticks.ticktext, range: [range[0], range[1] + 2 * lift] }),
        aspectmode: "manual",
        aspectratio: { x: scale, y: ratio * scale, z: 0.6 },
        camera: { eye: { x: 1.5, y: -1.5, z: 1.0 } },
      },
      legend: { orientation: "h", x: 0, y: 1, yanchor: "top", font: t.font(s.legend) },
      showlegend: true,
      paper_bgcolor: "#ffffff",
      font: t.font(s.font),
      uirevision: meta.key,
    };
    return Plotly.react(gd, traces, layout, t.PLOT_CONFIG);
  }

  network.surface = { draw };
})();
