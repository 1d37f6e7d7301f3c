/*
 * Per-layer heatmaps of W (row 1) and ∂L/∂W (row 2) at the shown frame (rows = from,
 * columns = to). W comes from the frame's θ, ∂L/∂W from the browser's backward pass over the
 * training data (pg.run gradient). z holds the colour value (spec.heat: weights linear on ±max,
 * gradients on a signed log scale), customdata the exact value shown on hover.
 *
 * While playing, the cells are painted on a canvas over each subplot (pg.overlay: a Plotly
 * restyle of 2L heatmaps costs ~100 ms at the largest network); once playback rests
 * (`exact`) the canvases go and Plotly's heatmaps take the frame, for hover.
 *
 * Traces: W heatmaps of layers 1 … L, then ∂L/∂W heatmaps of layers 1 … L.
 *
 *   pg.heatmaps.figure(run, spec, k, height)    pg.heatmaps.draw(Plotly, gd, run, spec, k, exact)
 *   pg.heatmaps.colorValue(value, heatSpec)
 */
(function () {
  "use strict";
  const LossViz = (window.LossViz = window.LossViz || {});
  const pg = (LossViz.pg = LossViz.pg || {});

  function colorValue(value, spec) {
    if (!Number.isFinite(value)) return 0;
    if (spec.kind === "linear") return Math.max(-spec.max, Math.min(spec.max, value));
    const magnitude = Math.abs(value);
    if (magnitude === 0) return 0;
    const level = Math.max(0, Math.min(1, (Math.log10(magnitude) - spec.low) / (spec.high - spec.low)));
    return Math.sign(value) * level;
  }

  /* {z, custom} of every heatmap (W first, then ∂L/∂W), as rows. */
  function matrices(run, spec, k) {
    const zs = [];
    const custom = [];
    for (const [view, heat] of [
      ["weights", spec.heat.weights],
      ["gradients", spec.heat.gradients],
    ]) {
      for (let l = 0; l < run.L; l++) {
        const nin = run.layers[l];
        const nout = run.layers[l + 1];
        const M = run.matrix(k, l, view);
        const z = [];
        const c = [];
        for (let i = 0; i < nin; i++) {
          const zr = new Array(nout);
          const cr = new Array(nout);
          for (let j = 0; j < nout; j++) {
            const v = M[i * nout + j];
            zr[j] = colorValue(v, heat);
            cr[j] = Number.isFinite(v) ? v : null;
          }
          z.push(zr);
          c.push(cr);
        }
        zs.push(z);
        custom.push(c);
      }
    }
    return { zs, custom };
  }

  function superscript(exponent) {
    const digits = "⁰¹²³⁴⁵⁶⁷⁸⁹";
    const text = String(Math.abs(exponent)).replace(/[0-9]/g, (d) => digits[Number(d)]);
    return `10${exponent < 0 ? "⁻" : ""}${text}`;
  }

  function figure(run, spec, k, height = 330) {
    const { zs, custom } = matrices(run, spec, k);
    const names = pg.labels.layerNames(run.layers).map((n) => n.split(" ")[0]);
    const widths = [];
    for (let l = 0; l < run.L; l++) widths.push(Math.max(2, run.layers[l + 1]));
    const columns = pg.style.domains(run.L, Math.min(0.045, 0.3 / Math.max(1, run.L)), widths);
    const rowDomains = [
      [0.58, 0.92],
      [0.0, 0.34],
    ];
    const layout = pg.style.baseLayout(height, {
      margin: { l: 8, r: 8, t: 28, b: 8 },
      hovermode: "closest",
      plot_bgcolor: "#eef1f5",
      annotations: [],
    });
    const data = [];
    let axisCount = 0;
    [
      ["coloraxis", "w"],
      ["coloraxis2", "∂L/∂w"],
    ].forEach(([coloraxis, symbol], row) => {
      for (let l = 0; l < run.L; l++) {
        axisCount += 1;
        const suffix = axisCount === 1 ? "" : String(axisCount);
        const index = row * run.L + l;
        data.push({
          type: "heatmap",
          z: zs[index],
          x: run.labels[l + 1],
          y: run.labels[l],
          customdata: custom[index],
          coloraxis,
          xgap: 1,
          ygap: 1,
          xaxis: `x${suffix}`,
          yaxis: `y${suffix}`,
          hovertemplate: `${symbol} %{y} → %{x}<br><b>%{customdata:.4g}</b><extra></extra>`,
        });
        const hidden = { showticklabels: false, ticks: "", showgrid: false, zeroline: false, fixedrange: true };
        layout[`xaxis${suffix}`] = { domain: columns[l], anchor: `y${suffix}`, ...hidden };
        layout[`yaxis${suffix}`] = { domain: rowDomains[row], anchor: `x${suffix}`, autorange: "reversed", ...hidden };
        const label = row === 0 ? `${names[l]}  ${run.layers[l]}×${run.layers[l + 1]}` : `∂L/∂${names[l]}`;
        layout.annotations.push(pg.style.title(label, (columns[l][0] + columns[l][1]) / 2, rowDomains[row][1] + 0.01, 14));
      }
    });
    const bar = { thickness: 14, len: 0.4, x: 1.01, xanchor: "left" };
    const w = spec.heat.weights.max;
    const g = spec.heat.gradients;
    const mid = Math.round((g.low + g.high) / 2);
    layout.coloraxis = {
      colorscale: spec.diverging,
      cmin: -w,
      cmax: w,
      colorbar: {
        ...bar,
        title: { text: "w", side: "right" },
        y: 0.92,
        yanchor: "top",
        tickvals: [-w, -w / 2, 0, w / 2, w],
        ticktext: [`≤ −${w}`, `−${w / 2}`, "0", `${w / 2}`, `≥ ${w}`],
      },
    };
    layout.coloraxis2 = {
      colorscale: spec.diverging,
      cmin: -1,
      cmax: 1,
      colorbar: {
        ...bar,
        title: { text: "∂L/∂w", side: "right" },
        y: 0,
        yanchor: "bottom",
        tickvals: [-1, -0.5, 0, 0.5, 1],
        ticktext: [`≤ −${superscript(g.high)}`, `−${superscript(mid)}`, `|g| < ${superscript(g.low)}`, superscript(mid), `≥ ${superscript(g.high)}`],
      },
    };
    return { data, layout };
  }

  /* Paint frame k's cells over every subplot; false if the figure is not laid out yet. */
  function paint(gd, run, spec, k) {
    const adapter = LossViz.plotlyAdapter;
    const { zs } = matrices(run, spec, k);
    const background = gd.layout.plot_bgcolor || "#ffffff";
    const lut = pg.style.colorLut(spec.diverging);
    for (let index = 0; index < zs.length; index++) {
      const suffix = index === 0 ? "" : String(index + 1);
      const xa = adapter.axis(gd, `xaxis${suffix}`);
      const ya = adapter.axis(gd, `yaxis${suffix}`);
      if (!xa || !ya) return false;
      const area = { left: xa.offset, top: ya.offset, width: xa.length, height: ya.length };
      const layer = pg.overlay.layer(gd, `cells${index}`, { xaxis: `xaxis${suffix}`, yaxis: `yaxis${suffix}`, area });
      if (!layer) return false;
      const { ctx, x, y } = layer;
      ctx.fillStyle = background;
      ctx.fillRect(0, 0, layer.width, layer.height);
      const heat = index < run.L ? { min: -spec.heat.weights.max, max: spec.heat.weights.max } : { min: -1, max: 1 };
      const z = zs[index];
      for (let i = 0; i < z.length; i++) {
        const top = Math.min(y(i - 0.5), y(i + 0.5));
        const bottom = Math.max(y(i - 0.5), y(i + 0.5));
        for (let j = 0; j < z[i].length; j++) {
          const t = (z[i][j] - heat.min) / (heat.max - heat.min);
          const q = 3 * Math.max(0, Math.min(255, Math.round(t * 255)));
          ctx.fillStyle = `rgb(${lut[q]},${lut[q + 1]},${lut[q + 2]})`;
          const left = x(j - 0.5);
          ctx.fillRect(left + 0.5, top + 0.5, x(j + 0.5) - left - 1, bottom - top - 1);
        }
      }
    }
    return true;
  }

  function draw(Plotly, gd, run, spec, k, exact) {
    if (!exact && paint(gd, run, spec, k)) return Promise.resolve();
    for (let index = 0; index < 2 * run.L; index++) pg.overlay.clear(gd, `cells${index}`);
    const { zs, custom } = matrices(run, spec, k);
    return Plotly.restyle(gd, { z: zs, customdata: custom }, zs.map((_, i) => i));
  }

  pg.heatmaps = { figure, draw, colorValue, matrices };
})();
