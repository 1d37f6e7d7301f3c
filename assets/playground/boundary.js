/*
 * The decision boundary: the network's P(class 1) over the input plane (its own forward pass
 * over the run's grid, pg.run) painted as a picture, the p = 0.5 line by marching squares,
 * and the data points on top.
 *
 * At rest (`exact`) Plotly draws it all: the picture as a layout image, the line as a trace,
 * a transparent heatmap for exact hover values. While playing, each frame is painted on two
 * canvases instead (pg.overlay): the picture under the plot (the layout image hidden, the
 * plot background transparent) and the line above it, so Plotly's SVG with its 400 point
 * markers is never re-rasterized (a layout image swap or a shape cost 20–30 ms a frame).
 *
 * Figure traces: 0 heatmap (hover), 1 the p = 0.5 line (starting with a segment parked outside
 * the axes, so its path always exists), 2 training points (white rim), 3 test points (dark
 * rim, visible with "show test data").
 *
 *   pg.boundary.isoSegments(gx, gy, values, level)   {xs, ys}: 2-point segments, null-separated
 *   pg.boundary.figure(run, spec, k, showTest)  pg.boundary.draw(Plotly, gd, run, spec, k, exact)
 *   pg.boundary.drawLive(Plotly, gd, run, spec, values, line, s)  subplot s on the canvases
 *   pg.boundary.moveLine(gd, index, line, axis)  the line trace's SVG path, in place
 *   pg.boundary.picture(values, G, scale)    a data: URL (G × G pixels, row 0 at the top)
 */
(function () {
  "use strict";
  const LossViz = (window.LossViz = window.LossViz || {});
  const pg = (LossViz.pg = LossViz.pg || {});

  /* The `level` line of values[i * m + j] (at x = gx[j], y = gy[i]) by marching squares.
   * Each cell whose corners lie on both sides gets one segment (two at a saddle, where the
   * centre, the mean of the corners, decides which corners it joins); crossings are linear
   * interpolations along the cell's edges. */
  function isoSegments(gx, gy, values, level = 0.5) {
    const xs = [];
    const ys = [];
    const n = gy.length;
    const m = gx.length;
    const cross = (x0, y0, a, x1, y1, b) => {
      const t = a / (a - b);
      return [x0 + t * (x1 - x0), y0 + t * (y1 - y0)];
    };
    const at = (i, j) => {
      const v = values[i * m + j];
      return Number.isFinite(v) ? v - level : 0;
    };
    for (let i = 0; i < n - 1; i++) {
      for (let j = 0; j < m - 1; j++) {
        const a = at(i, j);
        const b = at(i, j + 1);
        const c = at(i + 1, j + 1);
        const d = at(i + 1, j);
        const pa = a > 0;
        if (pa === b > 0 && pa === c > 0 && pa === d > 0) continue;
        const x0 = gx[j];
        const x1 = gx[j + 1];
        const y0 = gy[i];
        const y1 = gy[i + 1];
        let points = [];
        if (pa !== b > 0) points.push(cross(x0, y0, a, x1, y0, b));
        if (b > 0 !== c > 0) points.push(cross(x1, y0, b, x1, y1, c));
        if (c > 0 !== d > 0) points.push(cross(x1, y1, c, x0, y1, d));
        if (d > 0 !== pa) points.push(cross(x0, y1, d, x0, y0, a));
        if (points.length === 4 && (a + b + c + d) / 4 > 0 !== pa) {
          // Saddle: the centre sides with b and d, so the line cuts off corners a and c.
          points = [points[0], points[3], points[1], points[2]];
        }
        for (let q = 0; q + 1 < points.length; q += 2) {
          xs.push(points[q][0], points[q + 1][0], null);
          ys.push(points[q][1], points[q + 1][1], null);
        }
      }
    }
    return { xs, ys };
  }

  const PARK = -1000;
  const HIDDEN_PATH = "M-10,-10";

  /* The line trace's x and y: the parked segment, then the segments. */
  function lineData(line) {
    return { x: [PARK, PARK, null, ...line.xs], y: [PARK, PARK, null, ...line.ys] };
  }

  function lineTrace(line, extra = {}) {
    return {
      type: "scatter",
      ...lineData(line),
      mode: "lines",
      line: { color: pg.style.INK, width: 2.5 },
      hoverinfo: "skip",
      showlegend: false,
      name: "decision boundary p = 0.5",
      ...extra,
    };
  }

  /* Redraw trace `index`'s line as `line` in its first SVG path, the others emptied (Plotly
   * draws one path per run of points between nulls); false: not drawn yet. */
  function moveLine(gd, index, line, axis = "") {
    const adapter = LossViz.plotlyAdapter;
    const [path, ...others] = adapter.linePaths(gd, index);
    const xa = adapter.axis(gd, `xaxis${axis}`);
    const ya = adapter.axis(gd, `yaxis${axis}`);
    if (!path || !xa || !ya) return false;
    for (const other of others) other.setAttribute("d", HIDDEN_PATH);
    const px = (v) => (xa.toPixel(v) - xa.offset).toFixed(1);
    const py = (v) => (ya.toPixel(v) - ya.offset).toFixed(1);
    let d = "";
    for (let i = 0; i + 1 < line.xs.length; i += 3) {
      d += `M${px(line.xs[i])},${py(line.ys[i])}L${px(line.xs[i + 1])},${py(line.ys[i + 1])}`;
    }
    path.setAttribute("d", d || HIDDEN_PATH);
    return true;
  }

  let small = null;
  /* The G × G probabilities coloured on a small canvas (row 0 at the top = the largest y). */
  function paint(values, G, scale) {
    small = small || document.createElement("canvas");
    small.width = G;
    small.height = G;
    const ctx = small.getContext("2d");
    const image = ctx.createImageData(G, G);
    const lut = pg.style.colorLut(scale);
    for (let i = 0; i < G; i++) {
      const row = G - 1 - i; // grid row 0 is the bottom of the plot
      for (let j = 0; j < G; j++) {
        const v = values[i * G + j];
        const q = Number.isFinite(v) ? Math.max(0, Math.min(255, Math.round(v * 255))) : 128;
        const o = 4 * (row * G + j);
        image.data[o] = lut[3 * q];
        image.data[o + 1] = lut[3 * q + 1];
        image.data[o + 2] = lut[3 * q + 2];
        image.data[o + 3] = 255;
      }
    }
    ctx.putImageData(image, 0, 0);
    return small;
  }

  function picture(values, G, scale) {
    return paint(values, G, scale).toDataURL();
  }

  /* The layout image covering the grid cells (each grid point is the centre of its pixel). */
  function imageItem(gx, gy, source, axis = "") {
    const n = gx.length;
    const dx = (gx[n - 1] - gx[0]) / (n - 1);
    const dy = (gy[gy.length - 1] - gy[0]) / (gy.length - 1);
    return {
      source,
      xref: `x${axis}`,
      yref: `y${axis}`,
      x: gx[0] - dx / 2,
      y: gy[gy.length - 1] + dy / 2,
      sizex: gx[n - 1] - gx[0] + dx,
      sizey: gy[gy.length - 1] - gy[0] + dy,
      sizing: "stretch",
      xanchor: "left",
      yanchor: "top",
      layer: "below",
    };
  }

  /* Rows of a flat G × G array (Plotly heatmap z, for hover). */
  function rows(values, G) {
    const out = new Array(G);
    for (let i = 0; i < G; i++) out[i] = Array.from(values.subarray(i * G, (i + 1) * G));
    return out;
  }

  function heatmap(run, values, spec, extra = {}) {
    return {
      type: "heatmap",
      x: Array.from(run.gx),
      y: Array.from(run.gy),
      z: rows(values, run.G),
      zmin: 0,
      zmax: 1,
      colorscale: spec.boundaryScale,
      showscale: false,
      opacity: 0,
      hovertemplate: "x₁ %{x:.2f}, x₂ %{y:.2f}<br>P(class 1) = %{z:.3f}<extra></extra>",
      ...extra,
    };
  }

  function points(xy, labels, name, edge, spec, extra = {}) {
    const n = labels.length;
    const x = new Array(n);
    const y = new Array(n);
    const c = new Array(n);
    for (let i = 0; i < n; i++) {
      x[i] = xy[2 * i];
      y[i] = xy[2 * i + 1];
      c[i] = labels[i];
    }
    return {
      type: "scatter",
      x,
      y,
      mode: "markers",
      marker: {
        size: 8,
        color: c,
        colorscale: [
          [0, spec.classColors[0]],
          [1, spec.classColors[1]],
        ],
        cmin: 0,
        cmax: 1,
        line: { color: edge, width: 1.4 },
      },
      customdata: c,
      hovertemplate: `${name} point<br>x₁ %{x:.2f}, x₂ %{y:.2f}<br>class %{customdata}<extra></extra>`,
      name,
      showlegend: false,
      ...extra,
    };
  }

  function figure(run, spec, k, showTest, height = 440) {
    const values = run.probabilities(k);
    const line = isoSegments(run.gx, run.gy, values);
    const [[x0, x1], [y0, y1]] = run.box;
    const { axis, baseLayout } = pg.style;
    const data = [
      heatmap(run, values, spec, { name: "P(class 1)" }),
      lineTrace(line),
      points(run.xTrain, run.yTrain, "train", "#ffffff", spec),
      points(run.xTest, run.yTest, "test", pg.style.INK, spec, { visible: Boolean(showTest) }),
    ];
    const layout = baseLayout(height, {
      margin: { l: 54, r: 10, t: 10, b: 48 },
      hovermode: "closest",
      plot_bgcolor: "rgba(0,0,0,0)", // the picture covers the plot area; live frames draw under it
      images: [imageItem(run.gx, run.gy, picture(values, run.G, spec.boundaryScale))],
      xaxis: axis("x₁", { range: [x0, x1], showgrid: false, constrain: "domain" }),
      yaxis: axis("x₂", { range: [y0, y1], showgrid: false, scaleanchor: "x", constrain: "domain" }),
    });
    return { data, layout };
  }

  /* While playing, subplot `axis` (""/"2"/…) of gd shows frame `values` on two canvases: the
   * picture under the plot (its layout image hidden: plot_bgcolor is transparent) and the
   * line over it, so Plotly's SVG (the 400 point markers) is never re-rasterized. */
  function drawLive(Plotly, gd, run, spec, values, line, s = 0, width = 2.5) {
    const axis = s === 0 ? "" : String(s + 1);
    const names = { xaxis: `xaxis${axis}`, yaxis: `yaxis${axis}` };
    const adapter = LossViz.plotlyAdapter;
    const xa = adapter.axis(gd, names.xaxis);
    const ya = adapter.axis(gd, names.yaxis);
    if (!xa || !ya) return false;
    const area = { left: xa.offset, top: ya.offset, width: xa.length, height: ya.length };
    const under = pg.overlay.layer(gd, `picture${s}`, { below: true, area, ...names });
    const over = pg.overlay.layer(gd, `line${s}`, { area, ...names });
    if (!under || !over) return false;
    const item = imageItem(run.gx, run.gy, "", axis);
    under.ctx.imageSmoothingEnabled = true;
    under.ctx.clearRect(0, 0, under.width, under.height);
    const x0 = under.x(item.x);
    const y0 = under.y(item.y);
    under.ctx.drawImage(paint(values, run.G, spec.boundaryScale), x0, y0, under.x(item.x + item.sizex) - x0, under.y(item.y - item.sizey) - y0);
    const { ctx, x, y } = over;
    ctx.clearRect(0, 0, over.width, over.height);
    ctx.beginPath();
    for (let i = 0; i + 1 < line.xs.length; i += 3) {
      ctx.moveTo(x(line.xs[i]), y(line.ys[i]));
      ctx.lineTo(x(line.xs[i + 1]), y(line.ys[i + 1]));
    }
    const trace = gd.data[3 * s + 1];
    ctx.strokeStyle = pg.style.INK;
    // The trace's own width: presentation mode (assets/classroom.js) thickens it.
    ctx.lineWidth = (trace && trace.line && trace.line.width) || width;
    ctx.stroke();
    // Plotly's own line and picture of this subplot stay hidden while the canvases play
    // (checked every frame: an exact redraw still under way may have put them back).
    for (const path of LossViz.plotlyAdapter.linePaths(gd, 3 * s + 1)) {
      if (path.getAttribute("d") !== HIDDEN_PATH) path.setAttribute("d", HIDDEN_PATH);
    }
    const image = gd.layout.images && gd.layout.images[s];
    if (image && image.visible !== false) return Plotly.relayout(gd, { [`images[${s}].visible`]: false });
    return true;
  }

  /* Back from the live canvases to Plotly's own picture and line. */
  function endLive(gd, s) {
    pg.overlay.clear(gd, `picture${s}`);
    pg.overlay.clear(gd, `line${s}`);
  }

  /* A token per plot: an exact redraw (a chain of Plotly calls) stops if a newer draw began. */
  function nextToken(gd) {
    gd._pgDraw = (gd._pgDraw || 0) + 1;
    return gd._pgDraw;
  }

  /* Run the steps one after the other while `token` is the plot's latest draw. */
  function chain(gd, token, steps) {
    return steps.reduce((work, step) => work.then(() => (gd._pgDraw === token ? step() : null)), Promise.resolve());
  }

  /* Frame k: on the live canvases while playing; exactly by Plotly when `exact`. */
  function draw(Plotly, gd, run, spec, k, exact) {
    const token = nextToken(gd);
    const values = run.probabilities(k);
    const line = isoSegments(run.gx, run.gy, values);
    if (!exact) {
      const live = drawLive(Plotly, gd, run, spec, values, line);
      if (live) return Promise.resolve(live);
    }
    const { x, y } = lineData(line);
    return chain(gd, token, [
      () => Plotly.relayout(gd, { "images[0].source": picture(values, run.G, spec.boundaryScale), "images[0].visible": true }),
      () => Plotly.restyle(gd, { x: [x], y: [y] }, [1]),
      () => Plotly.restyle(gd, { z: [rows(values, run.G)] }, [0]),
      () => endLive(gd, 0),
    ]);
  }

  pg.boundary = { isoSegments, lineData, lineTrace, moveLine, paint, picture, imageItem, rows, heatmap, points, figure, draw, drawLive, endLive, nextToken, chain };
})();
