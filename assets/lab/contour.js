/*
 * The 2-D view: two stacked figures with identical axes and margins. Below (#lab-contour), the
 * landscape's contour, drawn once per landscape; above (#lab-landscape), a transparent overlay
 * with everything that moves. Plotly recomputes every trace of a figure when one changes, and a
 * 180² contour costs far more than a frame, so playback only ever touches the overlay.
 *
 * Overlay traces (fixed order, shared with the 3-D view): 0 saddle points, 1 minima, 2 an empty
 * placeholder (the 3-D start point; here the start is layout shape 0, draggable), then for
 * table row i: FIRST_PATH_TRACE + 2i its path, FIRST_PATH_TRACE + 2i + 1 its head.
 *
 *   drawBase(Plotly, gd, landscape)                 the contour (and its colour bar)
 *   drawOverlay(Plotly, gd, {landscape, rows, runs, start, frame})   the whole overlay at `frame`
 *   renderFrame(Plotly, gd, runs, k)                exact data for step k (data-only restyles)
 *   measure(gd, runs) / reveal(geometry, runs, k)   playback without redraws: SVG line prefixes
 *                                                   and head positions (assets/core/plotly_adapter.js)
 */
(function () {
  "use strict";
  const LossViz = (window.LossViz = window.LossViz || {});
  const FIRST_PATH_TRACE = 3;

  const theme = () => LossViz.labTheme;
  const adapter = () => LossViz.plotlyAdapter;

  function planeAxis(title, range, visible, s) {
    return {
      title: { text: visible ? title : "", font: { size: s.font } },
      range: range.slice(),
      fixedrange: true,
      showgrid: false,
      zeroline: false,
      showticklabels: visible,
      ticks: visible ? "outside" : "",
      tickfont: { size: s.tick },
    };
  }

  /* level[i, j] (row-major) as rows of the contour's z (views on the fetched buffer). */
  function levelRows(landscape) {
    const { xs, level } = landscape.arrays;
    const n = xs.length;
    const rows = [];
    for (let i = 0; i < level.length / n; i++) rows.push(level.subarray(i * n, (i + 1) * n));
    return rows;
  }

  function colorbar(landscape, s) {
    const { tickvals, ticktext } = landscape.meta.colorbar;
    return {
      title: { text: "J − J*", side: "right", font: { size: s.font } },
      tickvals,
      ticktext,
      tickfont: { size: s.tick },
      thickness: s.present ? 20 : 14,
      len: 0.95,
      x: 1.02,
      xanchor: "left",
    };
  }

  function baseFigure(landscape) {
    const t = theme();
    const s = t.sizes();
    const [xRange, yRange] = landscape.meta.domain;
    return {
      data: [
        {
          type: "contour",
          x: landscape.arrays.xs,
          y: landscape.arrays.ys,
          z: levelRows(landscape),
          colorscale: t.LANDSCAPE_SCALE,
          colorbar: colorbar(landscape, s),
          ncontours: 28,
          contours: { coloring: "heatmap", showlines: true },
          // No spline smoothing: on a 180² grid the polylines are smooth at any plot size.
          line: { width: s.present ? 0.8 : 0.5, color: t.CONTOUR_LINE, smoothing: 0 },
          hoverinfo: "skip",
          showlegend: false,
        },
      ],
      layout: {
        margin: s.plane,
        font: t.font(s.font),
        paper_bgcolor: "white",
        plot_bgcolor: "white",
        xaxis: planeAxis("w₁", xRange, true, s),
        yaxis: planeAxis("w₂", yRange, true, s),
      },
    };
  }

  function drawBase(Plotly, gd, landscape) {
    const figure = baseFigure(landscape);
    return Plotly.react(gd, figure.data, figure.layout, { ...theme().PLOT_CONFIG, staticPlot: true });
  }

  /* The draggable red dot: a circle of fixed pixel size centred on the start. */
  function startShape(start, s) {
    const radius = s.present ? 13 : 9;
    return {
      type: "circle",
      xref: "x",
      yref: "y",
      xsizemode: "pixel",
      ysizemode: "pixel",
      xanchor: start[0],
      yanchor: start[1],
      x0: -radius,
      x1: radius,
      y0: -radius,
      y1: radius,
      fillcolor: theme().START_COLOR,
      line: { color: "#ffffff", width: s.present ? 3 : 2 },
      layer: "above",
    };
  }

  function pointTrace(points, kind, s) {
    const t = theme();
    const chosen = points.filter((p) => (kind === "saddle" ? p.kind === "saddle" : p.kind !== "saddle"));
    const label = (p) => (p.kind === "saddle" ? "saddle point" : `${p.kind} minimum`);
    const trace = {
      type: "scatter",
      mode: "markers",
      x: chosen.map((p) => p.x),
      y: chosen.map((p) => p.y),
      text: chosen.map((p) => `${label(p)}<br>w=(${fmt(p.x, 4)}, ${fmt(p.y, 4)})<br>J=${fmt(p.value, 6)}`),
      hovertemplate: "%{text}<extra></extra>",
      name: kind === "saddle" ? "saddle points" : "minima",
      showlegend: false,
    };
    if (kind === "saddle") {
      trace.marker = { size: s.saddle, symbol: "diamond-open", color: t.SADDLE_COLOR, line: { width: s.present ? 2.5 : 1.5 } };
    } else {
      trace.marker = {
        size: s.star,
        symbol: chosen.map((p) => (p.kind === "global" ? "star" : "star-open")),
        color: t.MINIMUM_COLOR,
        line: { color: "#333333", width: 1 },
      };
    }
    return trace;
  }

  function fmt(value, digits) {
    return Number(value.toPrecision(digits)).toString();
  }

  function hoverTemplate(title) {
    return `<b>${title}</b> step %{pointNumber}<br>w₁=%{x:.6g}<br>w₂=%{y:.6g}<br>J=%{customdata:.6g}<extra></extra>`;
  }

  function pathTraces(row, run, frame, s) {
    const m = run ? Math.min(frame + 1, run.n) : 0;
    const enabled = Boolean(row.enabled && run);
    const path = {
      type: "scatter",
      mode: "lines", // lines only: hundreds of SVG markers per path would slow every frame
      x: run ? run.x.subarray(0, m) : [],
      y: run ? run.y.subarray(0, m) : [],
      customdata: run ? run.cost.subarray(0, m) : [],
      name: run ? run.legendName : row.title,
      legendgroup: row.id,
      visible: enabled,
      // simplify: false keeps one SVG vertex per step, so playback can reveal a path by length
      line: { color: row.color, width: s.line, simplify: false },
      hovertemplate: hoverTemplate(row.title),
    };
    const head = {
      type: "scatter",
      mode: "markers",
      x: m ? [run.x[m - 1]] : [],
      y: m ? [run.y[m - 1]] : [],
      name: row.title,
      legendgroup: row.id,
      visible: enabled,
      showlegend: false,
      hoverinfo: "skip",
      marker: {
        size: s.head,
        color: row.color,
        line: { color: "white", width: 2 },
        symbol: run && run.divergedAt !== null && run.divergedAt !== undefined ? "x" : "circle",
      },
    };
    return [path, head];
  }

  /* The legend goes in the plot corner that hides the least: minima and saddles, the start,
   * where each optimizer ends (most), and its path (a little), under the legend's box. */
  function legendCorner({ landscape, runs, start }, gd, s) {
    const [[x0, x1], [y0, y1]] = landscape.meta.domain;
    const width = Math.max(200, (gd && gd.clientWidth) || 700) - s.plane.l - s.plane.r;
    const height = Math.max(200, (gd && gd.clientHeight) || 560) - s.plane.t - s.plane.b;
    const longest = Math.max(8, ...runs.map((r) => r.legendName.length));
    const boxWidth = (longest * 0.58 * s.legend + 56) / width;
    const boxHeight = (Math.max(runs.length, 1) * s.legend * 1.85 + 16) / height;
    const weighted = [];
    const add = (x, y, weight) => weighted.push([(x - x0) / (x1 - x0), (y - y0) / (y1 - y0), weight]);
    for (const p of landscape.meta.points) add(p.x, p.y, p.kind === "global" ? 2 : 1);
    add(start[0], start[1], 2);
    for (const r of runs) {
      add(r.x[r.n - 1], r.y[r.n - 1], 3);
      const stride = Math.max(1, Math.floor(r.n / 60));
      for (let i = 0; i < r.n; i += stride) add(r.x[i], r.y[i], 0.05);
    }
    const corners = [
      { x: 0.01, y: 0.99, xanchor: "left", yanchor: "top", left: true, top: true },
      { x: 0.99, y: 0.99, xanchor: "right", yanchor: "top", left: false, top: true },
      { x: 0.01, y: 0.01, xanchor: "left", yanchor: "bottom", left: true, top: false },
      { x: 0.99, y: 0.01, xanchor: "right", yanchor: "bottom", left: false, top: false },
    ];
    let best = corners[0];
    let least = Infinity;
    for (const corner of corners) {
      let hidden = 0;
      for (const [u, v, weight] of weighted) {
        const insideX = corner.left ? u < boxWidth + 0.01 : u > 0.99 - boxWidth;
        const insideY = corner.top ? v > 0.99 - boxHeight : v < boxHeight + 0.01;
        if (insideX && insideY) hidden += weight;
      }
      if (hidden < least - 1e-9) {
        least = hidden;
        best = corner;
      }
    }
    return { x: best.x, y: best.y, xanchor: best.xanchor, yanchor: best.yanchor };
  }

  function legend(scene, gd, s) {
    return {
      ...legendCorner(scene, gd, s),
      bgcolor: "rgba(255,255,255,0.85)",
      bordercolor: "#d0d7e2",
      borderwidth: 1,
      itemclick: "toggleothers",
      font: { size: s.legend },
    };
  }

  function overlayFigure({ landscape, rows, runs, start, frame }, gd) {
    const t = theme();
    const s = t.sizes();
    const byRow = new Map(runs.map((r) => [r.row, r]));
    const data = [
      pointTrace(landscape.meta.points, "saddle", s),
      pointTrace(landscape.meta.points, "minimum", s),
      { type: "scatter", x: [], y: [], name: "start", showlegend: false, hoverinfo: "skip" },
    ];
    rows.forEach((row, i) => data.push(...pathTraces(row, byRow.get(i), frame, s)));
    const [xRange, yRange] = landscape.meta.domain;
    return {
      data,
      layout: {
        margin: s.plane,
        font: t.font(s.font),
        paper_bgcolor: "rgba(0,0,0,0)",
        plot_bgcolor: "rgba(0,0,0,0)",
        xaxis: planeAxis("w₁", xRange, false, s),
        yaxis: planeAxis("w₂", yRange, false, s),
        shapes: [startShape(start, s)],
        dragmode: false,
        showlegend: true,
        legend: legend({ landscape, runs, start }, gd, s),
        hoverlabel: { font: { family: t.FONT_FAMILY, size: s.font } },
        uirevision: "landscape",
      },
    };
  }

  function drawOverlay(Plotly, gd, scene) {
    const figure = overlayFigure(scene, gd);
    return Plotly.react(gd, figure.data, figure.layout, {
      ...theme().PLOT_CONFIG,
      edits: { shapePosition: true },
      displayModeBar: false,
      scrollZoom: false,
      doubleClick: false,
    });
  }

  /* Step k exactly: every path sliced to k + 1 points, every head at point k (one restyle:
   * each one redraws the whole overlay). */
  function renderFrame(Plotly, gd, runs, k) {
    if (!adapter().isDrawn(gd) || !runs.length) return;
    const update = { x: [], y: [], customdata: [] };
    const indices = [];
    for (const r of runs) {
      const m = Math.min(k + 1, r.n);
      update.x.push(r.x.subarray(0, m));
      update.y.push(r.y.subarray(0, m));
      update.customdata.push(r.cost.subarray(0, m));
      indices.push(FIRST_PATH_TRACE + 2 * r.row);
    }
    for (const r of runs) {
      const m = Math.min(k + 1, r.n);
      update.x.push([r.x[m - 1]]);
      update.y.push([r.y[m - 1]]);
      update.customdata.push(null);
      indices.push(FIRST_PATH_TRACE + 2 * r.row + 1);
    }
    Plotly.restyle(gd, update, indices);
  }

  /* Pixel geometry of every (whole) path for playback: cumulative length per point. */
  function lineGeometry(gd, run, xs, ys, traceIndex, xName, yName) {
    const xa = adapter().axis(gd, xName);
    const ya = adapter().axis(gd, yName);
    if (!xa || !ya) return null;
    const cum = new Float64Array(run.n);
    const px = new Float64Array(run.n);
    const py = new Float64Array(run.n);
    for (let i = 0; i < run.n; i++) {
      px[i] = xa.toPixel(xs[i]) - xa.offset; // inside the plot area, as the trace group is
      py[i] = ya.toPixel(ys[i]) - ya.offset;
      if (i > 0) {
        const step = Math.hypot(px[i] - px[i - 1], py[i] - py[i - 1]);
        cum[i] = cum[i - 1] + (Number.isFinite(step) ? step : 0);
      }
    }
    return { cum, px, py, line: adapter().linePath(gd, traceIndex) };
  }

  function measure(gd, runs) {
    if (!adapter().isDrawn(gd)) return null;
    return runs.map((r) => {
      const geometry = lineGeometry(gd, r, r.x, r.y, FIRST_PATH_TRACE + 2 * r.row, "xaxis", "yaxis");
      if (geometry) geometry.head = adapter().markerPaths(gd, FIRST_PATH_TRACE + 2 * r.row + 1)[0] || null;
      return geometry;
    });
  }

  /* Show the first k + 1 points of each line (stroke-dasharray) and move its head there. */
  function revealLine(geometry, m) {
    if (!geometry || !geometry.line) return;
    const total = geometry.cum[geometry.cum.length - 1] + 10;
    geometry.line.style.strokeDasharray = `${geometry.cum[m - 1]}px ${total}px`;
  }

  function reveal(geometries, runs, k) {
    runs.forEach((r, i) => {
      const g = geometries[i];
      if (!g) return;
      const m = Math.min(k + 1, r.n);
      revealLine(g, m);
      if (g.head) g.head.setAttribute("transform", `translate(${g.px[m - 1]},${g.py[m - 1]})`);
    });
  }

  function clearReveal(geometries) {
    for (const g of geometries || []) if (g && g.line) g.line.style.strokeDasharray = "";
  }

  LossViz.labContour = {
    FIRST_PATH_TRACE,
    drawBase,
    drawOverlay,
    overlayFigure,
    renderFrame,
    startShape,
    lineGeometry,
    revealLine,
    measure,
    reveal,
    clearReveal,
    fmt,
  };
})();
