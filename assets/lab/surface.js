/*
 * The 3-D view: the landscape as a surface of its colour level z = log10(J − J* + offset), the
 * minima, the start and every path walking on it; two stacked figures with the same scene
 * (domain, ranges, aspect, camera), as in the 2-D view. Below (#lab-surface) the surface alone,
 * redrawn only when the camera turns; above (#lab-surface-paths), transparent, the moving
 * parts: software WebGL (a projector's laptop, headless Chromium) shades the surface in
 * ~100 ms, and drawing it again for each playback frame gave 4 fps. The camera follows a drag
 * on the upper figure; the surface follows the camera (syncCamera). Paths float a little above
 * the surface (`lift`) and are always drawn in front of it.
 *
 * Upper traces (fixed order, as in the 2-D overlay): 0 an empty placeholder (the surface is
 * below), 1 minima and saddle points, 2 start, then for table row i: FIRST_PATH_TRACE + 2i its
 * path, FIRST_PATH_TRACE + 2i + 1 its head. The surface uses every k-th point of the 180² grid
 * (at most SURFACE_POINTS per side).
 *
 *   draw(Plotly, {base, paths}, {landscape, rows, runs, start, frame}, {baseToo})
 *   renderFrame(Plotly, gd, runs, k, landscape)   step k exactly: a restyle of the paths and heads
 *   playFrame(Plotly, gd, runs, k, landscape)     step k while playing: the same points given to
 *                                                 the scene's GL objects directly (no replot)
 */
(function () {
  "use strict";
  const LossViz = (window.LossViz = window.LossViz || {});
  const FIRST_PATH_TRACE = 3;
  const SURFACE_POINTS = 60;

  const theme = () => LossViz.labTheme;

  /* Indices 0 … n−1 thinned to at most `m` (both ends kept). */
  function thinned(n, m) {
    if (n <= m) return Array.from({ length: n }, (_, i) => i);
    const out = [];
    for (let k = 0; k < m; k++) out.push(Math.round((k * (n - 1)) / (m - 1)));
    return out;
  }

  const coarseCache = new WeakMap(); // landscape -> coarse grid, computed once per landscape

  function coarseGrid(landscape) {
    if (coarseCache.has(landscape)) return coarseCache.get(landscape);
    const { xs, ys, level } = landscape.arrays;
    const n = xs.length;
    const cols = thinned(n, SURFACE_POINTS);
    const rows = thinned(ys.length, SURFACE_POINTS);
    const grid = {
      x: Float32Array.from(cols, (j) => xs[j]),
      y: Float32Array.from(rows, (i) => ys[i]),
      z: rows.map((i) => Float32Array.from(cols, (j) => level[i * n + j])),
    };
    coarseCache.set(landscape, grid);
    return grid;
  }

  /* How far paths float above the surface so they are not hidden in it. */
  function lift(landscape) {
    const [low, high] = landscape.meta.level_range;
    return 0.012 * (high - low);
  }

  /* The z axis is fixed (no rescaling while paths grow): the level range plus the lift. */
  function zRange(landscape) {
    const [low, high] = landscape.meta.level_range;
    return [low - 0.02 * (high - low), high + 0.06 * (high - low)];
  }

  function level(landscape, value) {
    return Math.log10(Math.max(value - landscape.meta.min_value, 0) + landscape.meta.log_offset);
  }

  function lifted(run, m, up) {
    const out = new Float32Array(m);
    for (let i = 0; i < m; i++) out[i] = run.height[i] + up;
    return out;
  }

  function pathTraces(row, run, frame, up, s) {
    const m = run ? Math.min(frame + 1, run.n) : 0;
    const enabled = Boolean(row.enabled && run);
    const path = {
      type: "scatter3d",
      mode: "lines",
      x: run ? run.x.subarray(0, m) : [],
      y: run ? run.y.subarray(0, m) : [],
      z: run ? lifted(run, m, up) : [],
      customdata: run ? run.cost.subarray(0, m) : [],
      name: run ? run.legendName : row.title,
      legendgroup: row.id,
      visible: enabled,
      line: { color: row.color, width: s.line3d },
      hovertemplate: `<b>${row.title}</b><br>w₁=%{x:.6g}<br>w₂=%{y:.6g}<br>J=%{customdata:.6g}<extra></extra>`,
    };
    const head = {
      type: "scatter3d",
      mode: "markers",
      x: m ? [run.x[m - 1]] : [],
      y: m ? [run.y[m - 1]] : [],
      z: m ? [run.height[m - 1] + up] : [],
      name: row.title,
      legendgroup: row.id,
      visible: enabled,
      showlegend: false,
      hoverinfo: "skip",
      marker: {
        size: s.marker3d,
        color: row.color,
        line: { color: "white", width: 1 },
        symbol: run && run.divergedAt !== null && run.divergedAt !== undefined ? "x" : "circle",
      },
    };
    return [path, head];
  }

  const DEFAULT_CAMERA = { eye: { x: 0.98, y: -1.12, z: 0.78 }, center: { x: 0, y: 0, z: -0.1 }, up: { x: 0, y: 0, z: 1 } };
  const view = { camera: DEFAULT_CAMERA }; // the camera the student turned to (both figures)

  /* The scene both figures share: same domain, ranges, aspect and camera, so they line up. */
  function sceneLayout(landscape, s, axesShown) {
    const [xRange, yRange] = landscape.meta.domain;
    const axis = (title, range) =>
      axesShown
        ? {
            title: { text: title, font: { size: s.font } },
            range,
            autorange: false,
            tickfont: { size: s.tick },
            backgroundcolor: "#f7f9fc",
            gridcolor: "#dfe5ee",
          }
        : { visible: false, range, autorange: false, showspikes: false };
    return {
      domain: { x: [0, 1], y: [0, 1] },
      xaxis: axis("w₁", xRange),
      yaxis: axis("w₂", yRange),
      zaxis: axis("log₁₀(J − J*)", zRange(landscape)),
      camera: view.camera,
      aspectmode: "manual",
      aspectratio: { x: 1, y: 1, z: 0.6 },
      bgcolor: "rgba(0,0,0,0)",
      dragmode: "turntable",
    };
  }

  /* Below: the surface alone (with its axes and colour bar), redrawn only when the camera moves. */
  function baseFigure(landscape) {
    const t = theme();
    const s = t.sizes();
    const grid = coarseGrid(landscape);
    const meta = landscape.meta;
    return {
      data: [
        {
          type: "surface",
          x: grid.x,
          y: grid.y,
          z: grid.z,
          colorscale: t.landscapeScale(),
          // The whole grid's colour range, so colours mean what they mean in the 2-D view.
          cmin: meta.level_range[0],
          cmax: meta.level_range[1],
          colorbar: {
            title: { text: "J − J*", side: "top", font: { size: s.font } }, // across (2-D view)
            tickvals: meta.colorbar.tickvals,
            ticktext: meta.colorbar.ticktext,
            tickfont: { size: s.tick },
            thickness: s.present ? 20 : 14,
            len: 0.8,
            x: 1.02, // in the right margin, which both figures keep (their scenes must match)
            xanchor: "left",
          },
          opacity: 0.92,
          hoverinfo: "skip",
          name: "landscape",
          showlegend: false,
          contours: { z: { show: true, usecolormap: true, width: 1 } },
        },
      ],
      layout: {
        margin: s.surface,
        font: t.font(s.font),
        paper_bgcolor: "white",
        showlegend: false,
        scene: sceneLayout(landscape, s, true),
      },
    };
  }

  /* Above, transparent: minima, start, paths and heads (the only scene playback redraws). */
  function pathsFigure({ landscape, rows, runs, start, frame }) {
    const t = theme();
    const s = t.sizes();
    const up = lift(landscape);
    const points = landscape.meta.points;
    const fmt = LossViz.labContour.fmt;
    const byRow = new Map(runs.map((r) => [r.row, r]));
    const data = [
      { type: "scatter3d", mode: "markers", x: [], y: [], z: [], name: "landscape", showlegend: false, hoverinfo: "skip" },
      {
        type: "scatter3d",
        mode: "markers",
        x: points.map((p) => p.x),
        y: points.map((p) => p.y),
        z: points.map((p) => level(landscape, p.value) + up),
        text: points.map((p) => {
          const label = p.kind === "saddle" ? "saddle point" : `${p.kind} minimum`;
          return `${label}<br>w=(${fmt(p.x, 4)}, ${fmt(p.y, 4)})<br>J=${fmt(p.value, 6)}`;
        }),
        hovertemplate: "%{text}<extra></extra>",
        name: "minima",
        showlegend: false,
        marker: {
          size: s.marker3d - 1,
          color: points.map((p) => (p.kind === "saddle" ? t.SADDLE_COLOR : t.MINIMUM_COLOR)),
          symbol: points.map((p) => (p.kind === "saddle" ? "diamond-open" : "diamond")),
          line: { color: "#333333", width: 1 },
        },
      },
      {
        type: "scatter3d",
        mode: "markers",
        x: [start[0]],
        y: [start[1]],
        z: [LossViz.labRuns.levelAt(landscape, start[0], start[1]) + up],
        name: "start",
        showlegend: false,
        marker: { size: s.marker3d + 1, color: t.START_COLOR, line: { color: "white", width: 1 } },
        hovertemplate: "start<br>w=(%{x:.4g}, %{y:.4g})<extra></extra>",
      },
    ];
    rows.forEach((row, i) => data.push(...pathTraces(row, byRow.get(i), frame, up, s)));
    return {
      data,
      layout: {
        margin: s.surface,
        font: t.font(s.font),
        paper_bgcolor: "rgba(0,0,0,0)",
        showlegend: true,
        legend: {
          x: 0.01,
          y: 0.99,
          xanchor: "left",
          yanchor: "top",
          bgcolor: "rgba(255,255,255,0.85)",
          bordercolor: "#d0d7e2",
          borderwidth: 1,
          itemclick: "toggleothers",
          font: { size: s.legend },
        },
        hoverlabel: { font: { family: t.FONT_FAMILY, size: s.font } },
        scene: sceneLayout(landscape, s, false),
      },
    };
  }

  // One WebGL pixel per CSS pixel on ordinary screens (Plotly's default is 2: four times the
  // pixels to shade every frame), two on high-density ones.
  function config() {
    return { ...theme().PLOT_CONFIG, plotGlPixelRatio: Math.min(2, Math.max(1, window.devicePixelRatio || 1)) };
  }

  /* The camera follows the student's drag on the upper figure; the surface below follows it,
   * one relayout at a time (the latest camera wins). */
  function syncCamera(Plotly, base, paths) {
    if (paths._lossvizCamera) return;
    paths._lossvizCamera = true;
    let pending = null;
    let busy = false;
    const apply = () => {
      if (!pending || busy) return;
      const camera = pending;
      pending = null;
      busy = true;
      Promise.resolve(Plotly.relayout(base, { "scene.camera": camera }))
        .catch(() => {})
        .finally(() => {
          busy = false;
          apply();
        });
    };
    const follow = (update) => {
      const camera = update && update["scene.camera"];
      if (!camera) return;
      view.camera = camera;
      pending = camera;
      apply();
    };
    paths.on("plotly_relayouting", follow);
    paths.on("plotly_relayout", follow);
  }

  /* Both figures: `graphs` = {base, paths} (the surface below, the moving parts above). */
  function draw(Plotly, graphs, scene, { baseToo = true } = {}) {
    const work = [];
    if (baseToo) {
      const b = baseFigure(scene.landscape);
      const layout = { ...b.layout, ...LossViz.labFit.size(graphs.base) }; // the frame's size now
      work.push(Plotly.react(graphs.base, b.data, layout, { ...config(), displayModeBar: false }));
    }
    const f = pathsFigure(scene);
    work.push(Plotly.react(graphs.paths, f.data, { ...f.layout, ...LossViz.labFit.size(graphs.paths) }, config()));
    syncCamera(Plotly, graphs.base, graphs.paths);
    return Promise.all(work);
  }

  /* Step k: a restyle of the path and head traces only (the surface's data stays as it is). */
  function renderFrame(Plotly, gd, runs, k, landscape) {
    if (!LossViz.plotlyAdapter.isDrawn(gd) || !runs.length) return;
    const up = lift(landscape);
    const paths = { x: [], y: [], z: [], customdata: [] };
    const heads = { x: [], y: [], z: [] };
    const indices = [];
    const headIndices = [];
    for (const r of runs) {
      const m = Math.min(k + 1, r.n);
      paths.x.push(r.x.subarray(0, m));
      paths.y.push(r.y.subarray(0, m));
      paths.z.push(lifted(r, m, up));
      paths.customdata.push(r.cost.subarray(0, m));
      heads.x.push([r.x[m - 1]]);
      heads.y.push([r.y[m - 1]]);
      heads.z.push([r.height[m - 1] + up]);
      indices.push(FIRST_PATH_TRACE + 2 * r.row);
      headIndices.push(FIRST_PATH_TRACE + 2 * r.row + 1);
    }
    const update = {};
    for (const key of ["x", "y", "z"]) update[key] = [...paths[key], ...heads[key]];
    update.customdata = [...paths.customdata, ...heads.x.map(() => null)];
    Plotly.restyle(gd, update, [...indices, ...headIndices]);
  }

  /* Step k while playing: the paths' and heads' GL objects get their new points directly
   * (assets/core/plotly_adapter.js); Plotly's data is restyled exactly once playback stops. */
  function playFrame(Plotly, gd, runs, k, landscape) {
    if (!runs.length) return;
    const up = lift(landscape);
    const indices = [];
    const coordinates = { x: [], y: [], z: [] };
    for (const r of runs) {
      const m = Math.min(k + 1, r.n);
      indices.push(FIRST_PATH_TRACE + 2 * r.row, FIRST_PATH_TRACE + 2 * r.row + 1);
      coordinates.x.push(r.x.subarray(0, m), [r.x[m - 1]]);
      coordinates.y.push(r.y.subarray(0, m), [r.y[m - 1]]);
      coordinates.z.push(lifted(r, m, up), [r.height[m - 1] + up]);
    }
    if (!LossViz.plotlyAdapter.updateGl3dTraces(gd, indices, coordinates)) renderFrame(Plotly, gd, runs, k, landscape);
  }

  LossViz.labSurface = { FIRST_PATH_TRACE, SURFACE_POINTS, draw, baseFigure, pathsFigure, renderFrame, playFrame, view };
})();
