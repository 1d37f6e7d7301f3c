/*
 * The activation map of one neuron: its output over the input plane at the shown frame, from
 * the browser's forward pass (pg.run unitMap, grid of spec.activationGrid points per side):
 * f(z) for a hidden neuron (before the ×p of dropout's evaluation mode), P(class 1) for the
 * output, x₁ or x₂ for an input. Hovering a node shows its map; clicking pins it.
 *
 *   pg.neuronMaps.figure(run, spec, height)   the hint "Hover over a neuron…" (trace 0 hidden)
 *   pg.neuronMaps.draw(Plotly, gd, run, spec, k, neuron, pinned)
 *   pg.neuronMaps.rows(run, spec, k, layer, index)   the map as rows (tests)
 */
(function () {
  "use strict";
  const LossViz = (window.LossViz = window.LossViz || {});
  const pg = (LossViz.pg = LossViz.pg || {});

  const HINT = [
    {
      text: "Hover over a neuron to see its output<br>over the input plane; click to pin it.",
      x: 0.5,
      y: 0.5,
      xref: "paper",
      yref: "paper",
      showarrow: false,
      font: { size: 15, color: "#5b6475" },
    },
  ];

  function rows(run, spec, k, layer, index) {
    const n = spec.activationGrid;
    const values = run.unitMap(k, layer, index, n);
    const out = new Array(n);
    for (let i = 0; i < n; i++) {
      const row = new Array(n);
      for (let j = 0; j < n; j++) {
        const v = values[i * n + j];
        row[j] = Number.isFinite(v) ? v : null;
      }
      out[i] = row;
    }
    return out;
  }

  function figure(run, spec, height = 280) {
    const n = spec.activationGrid;
    const [[x0, x1], [y0, y1]] = run.box;
    const axisValues = (low, high) => Array.from(pg.run.linspace(low, high, n));
    const { axis, baseLayout } = pg.style;
    const data = [
      {
        type: "heatmap",
        x: axisValues(x0, x1),
        y: axisValues(y0, y1),
        z: [],
        zmin: -1,
        zmax: 1,
        colorscale: spec.diverging,
        zsmooth: "fast",
        visible: false,
        colorbar: { thickness: 12, len: 0.9 },
        hovertemplate: "x₁ %{x:.2f}, x₂ %{y:.2f}<br>output %{z:.4g}<extra></extra>",
      },
    ];
    const layout = baseLayout(height, {
      margin: { l: 48, r: 8, t: 34, b: 40 },
      hovermode: "closest",
      title: { text: "", x: 0.02, y: 0.97, font: { size: 15 } },
      annotations: HINT,
      xaxis: axis("x₁", { range: [x0, x1], showgrid: false, constrain: "domain", visible: false }),
      yaxis: axis("x₂", { range: [y0, y1], showgrid: false, scaleanchor: "x", constrain: "domain", visible: false }),
    });
    return { data, layout };
  }

  function draw(Plotly, gd, run, spec, k, neuron, pinned) {
    if (!neuron) {
      if (gd.data[0] && gd.data[0].visible === false) return Promise.resolve();
      return Plotly.update(gd, { visible: [false] }, { "title.text": "", "xaxis.visible": false, "yaxis.visible": false, annotations: HINT }, [0]);
    }
    const [layer, index] = neuron;
    const z = rows(run, spec, k, layer, index);
    const output = layer === run.L;
    let peak = 0;
    for (const row of z) for (const v of row) if (v !== null) peak = Math.max(peak, Math.abs(v));
    peak = peak > 1e-12 ? peak : 1;
    const kind = layer === 0 ? "input" : output ? "sigmoid output = P(class 1)" : run.meta.activationTitle;
    const isPinned = Boolean(pinned && pinned[0] === layer && pinned[1] === index);
    const epoch = run.frameEpochs[k];
    return Plotly.update(
      gd,
      {
        z: [z],
        visible: [true],
        zmin: [output ? 0 : -peak],
        zmax: [output ? 1 : peak],
        colorscale: [output ? spec.boundaryScale : spec.diverging],
      },
      {
        "title.text": `<b>${run.labels[layer][index]}</b> (${kind}) after epoch ${epoch}${isPinned ? " · pinned" : ""}`,
        "xaxis.visible": true,
        "yaxis.visible": true,
        annotations: [],
      },
      [0]
    );
  }

  pg.neuronMaps = { figure, draw, rows };
})();
