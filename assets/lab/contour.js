/*
 * The 2-D view: two stacked figures with identical axes and margins. Below (#lab-contour), the
 * landscape, drawn once per landscape; above (#lab-landscape), a transparent overlay with
 * everything that moves. Plotly recomputes every trace of a figure when one changes, so
 * playback only ever touches the overlay.
 *
 * The landscape below is a Plotly heatmap (zsmooth "fast": the 180² grid is one small picture
 * the browser scales smoothly) with its colour bar, and the iso-cost lines painted on a canvas
 * over it: Plotly's own contour trace computes and draws the same picture at 2-3× the cost of
 * a first open. The levels are Plotly's automatic contour levels for `ncontours: 28`
 * (contourLevels), the lines are marching squares over the grid (isoSegments), linear along
 * the cells' edges; the colour bar carries a tick line per level as Plotly's contour bar did.
 *
 * Overlay traces (fixed order, shared with the 3-D view): 0 saddle points, 1 minima, 2 an empty
 * placeholder (the 3-D start point; here the start is layout shape 0, draggable), then for
 * table row i: FIRST_PATH_TRACE + 2i its path, FIRST_PATH_TRACE + 2i + 1 its head; after every
 * row, one trace per run with slow weights (Lookahead's φ: a thinner, paler path with a dot
 * per φ_j, as far as step k has reached; found by its uid "slow-<id>").
 *
 *   drawBase(Plotly, gd, landscape)                 the heatmap, colour bar and iso-lines
 *   contourLevels(values, ncontours)                {start, size, levels} as Plotly picks them
 *   isoSegments(xs, ys, values, levels)             Float64Array x0, y0, x1, y1 per segment
 *   baseLines(gd)                                   what the iso-line canvas shows (tests)
 *   drawOverlay(Plotly, gd, {landscape, rows, runs, start, frame})   the whole overlay at `frame`
 *   renderFrame(Plotly, gd, runs, k)                exact data for step k (data-only restyles)
 *   dashPattern(dash, width)                        a named dash in px at line width w (Plotly's)
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
      // Written across, above the bar: turned on its side beside the tick labels the title read
      // as a stray glyph (issue 10). The bar is shorter to leave its line the room.
      title: { text: "J − J*", side: "top", font: { size: s.font } },
      tickvals,
      ticktext,
      tickfont: { size: s.tick },
      thickness: s.present ? 20 : 14,
      len: 0.8,
      y: 0.42,
      yanchor: "middle",
      x: 1.02,
      xanchor: "left",
    };
  }

  const NCONTOURS = 28;

  /* Plotly's automatic contour levels (plotly.js contour/set_contours.js, Axes.autoTicks and
   * Axes.tickFirst), so the lines are where Plotly's contour trace put them: the step is a
   * 2, 5 or 10 multiple of 10^floor(log10(r)), r = (zmax − zmin) / ncontours, and the levels
   * are the multiples of the step inside [zmin, zmax], a level on zmin or zmax left out. */
  function contourLevels(values, ncontours = NCONTOURS) {
    let zmin = Infinity;
    let zmax = -Infinity;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v < zmin) zmin = v;
      if (v > zmax) zmax = v;
    }
    if (!(zmax > zmin)) return { start: zmin, size: 1, levels: Number.isFinite(zmin) ? [zmin] : [] };
    const rough = (zmax - zmin) / ncontours;
    const base = Math.pow(10, Math.floor(Math.log(rough) / Math.LN10));
    const ratio = rough / base;
    const size = base * (ratio < 2 ? 2 : ratio < 5 ? 5 : 10); // Lib.roundUp over [2, 5, 10]
    const pad = (zmax - zmin) * 1e-4; // Axes.tickFirst's expandRange
    let start = Math.ceil((zmin - pad) / size) * size;
    let end = Math.floor((zmax + pad) / size) * size;
    if (start === zmin) start += size;
    if (end === zmax) end -= size;
    if (start > end) start = end = (start + end) / 2;
    const levels = [];
    for (let level = start; level < end + size / 1e6; level += size) levels.push(level);
    return { start, size, levels };
  }

  /* The iso-lines of values[i * n + j] (at x = xs[j], y = ys[i]) at `levels` (ascending, evenly
   * spaced) by marching squares: each cell whose corners lie on both sides of a level gets one
   * segment (two at a saddle, where the centre, the mean of the corners, decides), with
   * crossings interpolated linearly along the cell's edges. x0, y0, x1, y1 per segment. */
  function isoSegments(xs, ys, values, levels) {
    const n = xs.length;
    const rows = values.length / n;
    const out = [];
    if (!levels.length) return new Float64Array(0);
    const first = levels[0];
    const step = levels.length > 1 ? levels[1] - levels[0] : 1;
    const last = levels.length - 1;
    const edge = (xa, ya, a, xb, yb, b, into) => {
      const t = a / (a - b);
      into.push(xa + t * (xb - xa), ya + t * (yb - ya));
    };
    const points = [];
    for (let i = 0; i < rows - 1; i++) {
      const y0 = ys[i];
      const y1 = ys[i + 1];
      for (let j = 0; j < n - 1; j++) {
        const va = values[i * n + j];
        const vb = values[i * n + j + 1];
        const vc = values[(i + 1) * n + j + 1];
        const vd = values[(i + 1) * n + j];
        const lo = Math.min(va, vb, vc, vd);
        const hi = Math.max(va, vb, vc, vd);
        if (!(hi >= first && lo <= levels[last])) continue; // also skips NaN corners
        const k0 = Math.max(0, Math.ceil((lo - first) / step) - 1);
        const k1 = Math.min(last, Math.floor((hi - first) / step) + 1);
        const x0 = xs[j];
        const x1 = xs[j + 1];
        for (let k = k0; k <= k1; k++) {
          const level = levels[k];
          const a = va - level;
          const b = vb - level;
          const c = vc - level;
          const d = vd - level;
          const pa = a > 0;
          if (pa === b > 0 && pa === c > 0 && pa === d > 0) continue;
          points.length = 0;
          if (pa !== b > 0) edge(x0, y0, a, x1, y0, b, points);
          if (b > 0 !== c > 0) edge(x1, y0, b, x1, y1, c, points);
          if (c > 0 !== d > 0) edge(x1, y1, c, x0, y1, d, points);
          if (d > 0 !== pa) edge(x0, y1, d, x0, y0, a, points);
          if (points.length === 8 && (a + b + c + d) / 4 > 0 !== pa) {
            // Saddle: the centre sides with b and d, so the lines cut off corners a and c.
            out.push(points[0], points[1], points[6], points[7], points[2], points[3], points[4], points[5]);
          } else {
            for (let q = 0; q + 3 < points.length; q += 4) out.push(points[q], points[q + 1], points[q + 2], points[q + 3]);
          }
        }
      }
    }
    return Float64Array.from(out);
  }

  /* The landscape's levels and iso-line segments, computed once per fetched landscape. */
  const linesOf = new WeakMap();
  function landscapeLines(landscape) {
    let lines = linesOf.get(landscape);
    if (!lines) {
      const { xs, ys, level } = landscape.arrays;
      const contour = contourLevels(level);
      lines = { ...contour, segments: isoSegments(xs, ys, level, contour.levels), range: valueRange(level) };
      linesOf.set(landscape, lines);
    }
    return lines;
  }

  function valueRange(values) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < values.length; i++) {
      if (values[i] < lo) lo = values[i];
      if (values[i] > hi) hi = values[i];
    }
    return [lo, hi];
  }

  function baseFigure(landscape, gd) {
    const t = theme();
    const s = t.sizes();
    const [xRange, yRange] = landscape.meta.domain;
    return {
      data: [
        {
          type: "heatmap",
          x: landscape.arrays.xs,
          y: landscape.arrays.ys,
          z: levelRows(landscape),
          zsmooth: "fast", // one grid-sized picture, scaled smoothly by the browser
          colorscale: t.landscapeScale(),
          colorbar: colorbar(landscape, s),
          hoverinfo: "skip",
          showlegend: false,
        },
      ],
      layout: {
        ...LossViz.labFit.size(gd),
        margin: LossViz.labFit.margin(gd, s),
        font: t.font(s.font),
        paper_bgcolor: "white",
        plot_bgcolor: "white",
        xaxis: planeAxis("w₁", xRange, true, s),
        yaxis: planeAxis("w₂", yRange, true, s),
      },
    };
  }

  /* The canvas over gd (a sibling in its container) the iso-lines are painted on. */
  function lineCanvas(gd) {
    return LossViz.dom.child(gd.parentElement, "canvas", "lab-isolines");
  }

  /* Paint the landscape's iso-lines over gd's plot area and a tick line per level across the
   * colour bar (its gradient spans the grid's value range), at the device's pixel density. */
  function paintLines(gd, landscape) {
    const adapter = LossViz.plotlyAdapter;
    const area = adapter.plotArea(gd);
    const xa = adapter.axis(gd, "xaxis");
    const ya = adapter.axis(gd, "yaxis");
    if (!area || !xa || !ya) return null;
    const lines = landscapeLines(landscape);
    const canvas = lineCanvas(gd);
    const ratio = window.devicePixelRatio || 1;
    const width = gd.clientWidth;
    const height = gd.clientHeight;
    canvas.style.width = `${width}px`;
    canvas.style.height = `${height}px`;
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    const ctx = canvas.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, height);
    const t = theme();
    const s = t.sizes();
    ctx.strokeStyle = t.contourLine();
    ctx.lineWidth = s.present ? 0.8 : 0.5;
    ctx.save();
    ctx.beginPath();
    ctx.rect(area.left, area.top, area.width, area.height);
    ctx.clip();
    ctx.beginPath();
    const seg = lines.segments;
    for (let q = 0; q < seg.length; q += 4) {
      ctx.moveTo(xa.toPixel(seg[q]), ya.toPixel(seg[q + 1]));
      ctx.lineTo(xa.toPixel(seg[q + 2]), ya.toPixel(seg[q + 3]));
    }
    ctx.stroke();
    ctx.restore();
    const bar = adapter.colorbarArea(gd);
    const [lo, hi] = lines.range;
    if (bar && hi > lo) {
      ctx.beginPath();
      for (const level of lines.levels) {
        const y = bar.top + bar.height * (1 - (level - lo) / (hi - lo));
        ctx.moveTo(bar.left, y);
        ctx.lineTo(bar.left + bar.width, y);
      }
      ctx.stroke();
    }
    canvas.dataset.levels = String(lines.levels.length);
    canvas.dataset.segments = String(seg.length / 4);
    return lines;
  }

  function drawBase(Plotly, gd, landscape) {
    const figure = baseFigure(landscape, gd);
    gd._lossvizLandscape = landscape;
    gd._lossvizReacting = true; // painted once, below, when Plotly is done
    const drawn = Plotly.react(gd, figure.data, figure.layout, { ...theme().PLOT_CONFIG, staticPlot: true });
    return drawn.finally(() => {
      gd._lossvizReacting = false;
    }).then(() => {
      if (!gd._lossvizLines) {
        // A later layout (the page resized) moves the axes: paint the lines again.
        gd._lossvizLines = true;
        gd.on("plotly_afterplot", () => {
          if (!gd._lossvizReacting) paintLines(gd, gd._lossvizLandscape);
        });
      }
      paintLines(gd, landscape);
      return gd;
    });
  }

  /* What the iso-line canvas of the base figure gd shows: levels, segment count, pixels. */
  function baseLines(gd) {
    const landscape = gd && gd._lossvizLandscape;
    const canvas = gd && gd.parentElement && gd.parentElement.querySelector(":scope > canvas.lab-isolines");
    if (!landscape || !canvas) return null;
    const lines = landscapeLines(landscape);
    return { levels: lines.levels.slice(), size: lines.size, segments: lines.segments.length / 4, canvas };
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
      line: { color: row.color, width: s.line, dash: row.dash || "solid", simplify: false },
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

  function slowTrace(row, run, frame, s) {
    const m = LossViz.labRuns.slowCount(run.slow, frame);
    return {
      type: "scatter",
      mode: "lines+markers",
      uid: `slow-${run.id}`,
      x: run.slow.x.subarray(0, m),
      y: run.slow.y.subarray(0, m),
      name: `${row.title}: slow weights φ`,
      legendgroup: row.id,
      visible: Boolean(row.enabled),
      showlegend: false,
      opacity: 0.6,
      line: { color: row.color, width: Math.max(1, s.line * 0.5), simplify: false },
      marker: { size: Math.max(4, s.head * 0.4), color: "white", line: { color: row.color, width: 1.5 } },
      hovertemplate: `<b>${row.title}</b> slow weights φ<br>w₁=%{x:.6g}<br>w₂=%{y:.6g}<extra></extra>`,
    };
  }

  const slowIndex = (gd, run) => (gd.data || []).findIndex((t) => t.uid === `slow-${run.id}`);

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
      ...(LossViz.labFit.legendOutside(gd) ? LossViz.labFit.outsideLegend(gd, s) : legendCorner(scene, gd, s)),
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
    for (const run of runs) if (run.slow && rows[run.row]) data.push(slowTrace(rows[run.row], run, frame, s));
    const [xRange, yRange] = landscape.meta.domain;
    return {
      data,
      layout: {
        ...LossViz.labFit.size(gd),
        margin: LossViz.labFit.margin(gd, s),
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
    for (const r of runs) {
      const index = r.slow ? slowIndex(gd, r) : -1;
      if (index < 0) continue;
      const m = LossViz.labRuns.slowCount(r.slow, k);
      update.x.push(r.slow.x.subarray(0, m));
      update.y.push(r.slow.y.subarray(0, m));
      update.customdata.push(null);
      indices.push(index);
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
    const line = adapter().linePath(gd, traceIndex);
    const width = line ? parseFloat(line.style.strokeWidth) : 0;
    return { cum, px, py, line, dash: dashPattern(run.dash, width) };
  }

  /* A named dash as Plotly draws it at line width w (its drawing.dashStyle), in px; null for
   * solid. Playback's reveal repeats it up to the revealed length. */
  function dashPattern(dash, width) {
    const r = Math.max(+width || 1, 3);
    const patterns = { dot: [r, r], dash: [3 * r, 3 * r], longdash: [5 * r, 5 * r], dashdot: [3 * r, r, r, r], longdashdot: [5 * r, 2 * r, r, 2 * r] };
    return patterns[dash] || null;
  }

  /* stroke-dasharray showing the first `length` px of a line (in its dash pattern, if any). */
  function revealArray(pattern, length, total) {
    if (!pattern) return `${length}px ${total}px`;
    const parts = [];
    let at = 0;
    for (let i = 0; at < length; i = (i + 1) % pattern.length) {
      const piece = Math.min(pattern[i], length - at);
      parts.push(piece);
      at += piece;
    }
    if (parts.length % 2 === 1) parts.push(total); // ended inside a dash: then nothing
    else if (parts.length) parts[parts.length - 1] += total; // ended inside a gap: extend it
    else parts.push(0, total);
    return parts.map((v) => `${v}px`).join(",");
  }

  function measure(gd, runs) {
    if (!adapter().isDrawn(gd)) return null;
    return runs.map((r) => {
      const geometry = lineGeometry(gd, r, r.x, r.y, FIRST_PATH_TRACE + 2 * r.row, "xaxis", "yaxis");
      if (geometry) geometry.head = adapter().markerPaths(gd, FIRST_PATH_TRACE + 2 * r.row + 1)[0] || null;
      const index = r.slow ? slowIndex(gd, r) : -1;
      if (geometry && index >= 0) {
        const slow = lineGeometry(gd, { n: r.slow.steps.length }, r.slow.x, r.slow.y, index, "xaxis", "yaxis");
        if (slow) slow.dots = adapter().markerPaths(gd, index);
        geometry.slow = slow;
      }
      return geometry;
    });
  }

  /* Show the first k + 1 points of each line (stroke-dasharray) and move its head there. */
  function revealLine(geometry, m) {
    if (!geometry || !geometry.line) return;
    const total = geometry.cum[geometry.cum.length - 1] + 10;
    geometry.line.style.strokeDasharray = revealArray(geometry.dash, geometry.cum[m - 1], total);
  }

  function reveal(geometries, runs, k) {
    runs.forEach((r, i) => {
      const g = geometries[i];
      if (!g) return;
      const m = Math.min(k + 1, r.n);
      revealLine(g, m);
      if (g.head) g.head.setAttribute("transform", `translate(${g.px[m - 1]},${g.py[m - 1]})`);
      if (g.slow) {
        const reached = LossViz.labRuns.slowCount(r.slow, k);
        revealLine(g.slow, reached);
        (g.slow.dots || []).forEach((dot, j) => {
          dot.style.display = j < reached ? "" : "none";
        });
      }
    });
  }

  function clearReveal(geometries) {
    for (const g of geometries || []) {
      if (g && g.line) g.line.style.strokeDasharray = g.dash ? g.dash.map((v) => `${v}px`).join(",") : "";
      if (g && g.slow && g.slow.line) g.slow.line.style.strokeDasharray = "";
      for (const dot of (g && g.slow && g.slow.dots) || []) dot.style.display = "";
    }
  }

  LossViz.labContour = {
    FIRST_PATH_TRACE,
    NCONTOURS,
    contourLevels,
    isoSegments,
    baseLines,
    drawBase,
    drawOverlay,
    overlayFigure,
    renderFrame,
    startShape,
    lineGeometry,
    dashPattern,
    revealLine,
    revealArray,
    measure,
    reveal,
    clearReveal,
    fmt,
  };
})();
