/*
 * The look every playground figure shares (layout choices only; colours and scales that the
 * page's HTML or the lab share come from Python: components/playground_figures.py, sent once
 * in the layout as the "pg-spec" store). Sized for a projector: 15 px text, few gridlines,
 * fixed margins (automargin makes Plotly lay every redraw out twice: playback cost), except on
 * log axes, whose labels (10⁻¹², 2×10⁻⁵) vary in width: drawn once per run, not per frame.
 *
 *   pg.style.baseLayout(height, extra)  pg.style.axis(title, extra)  pg.style.title(text, x, y)
 *   pg.style.domains(count, spacing, weights)   [start, end] of subplots side by side in [0, 1]
 *   pg.style.logTicks(...arrays)       range and ≤ 6 ticks of a log axis over the values
 *   pg.style.epochRange(planned)       the epoch axis, with room for the cursor's dots
 *   pg.style.PLOT_CONFIG               Plotly config of every plot (no mode bar, no zoom)
 *   pg.style.colorLut(scale)           256 RGB triples of a Plotly colour scale
 */
(function () {
  "use strict";
  const LossViz = (window.LossViz = window.LossViz || {});
  const pg = (LossViz.pg = LossViz.pg || {});

  const INK = "#1d2330";
  const MUTED = "#5b6475";
  const GRID = "#e6e9ef";
  const LINE = "#aab2bf";
  const FONT = { family: 'system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif', size: 15 };
  const PLOT_CONFIG = { displayModeBar: false, responsive: true, scrollZoom: false, doubleClick: false };
  const DIVERGED_COLOR = "#B3261E";

  function baseLayout(height, extra = {}) {
    return {
      height,
      font: { ...FONT, color: INK },
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "#ffffff",
      hoverlabel: { font: { size: 15 } },
      dragmode: false,
      showlegend: false,
      ...extra,
    };
  }

  function axis(title = "", extra = {}) {
    return {
      title: { text: title, font: { size: 15 } },
      showgrid: true,
      gridcolor: GRID,
      zeroline: false,
      linecolor: LINE,
      showline: true,
      ticks: "outside",
      tickcolor: LINE,
      fixedrange: true,
      automargin: false,
      ...extra,
    };
  }

  /* A subplot title: an annotation in paper coordinates, centred on x, just above y. */
  function title(text, x, y = 1.0, size = 15) {
    return {
      text,
      x,
      y,
      xref: "paper",
      yref: "paper",
      xanchor: "center",
      yanchor: "bottom",
      showarrow: false,
      font: { size, color: INK },
    };
  }

  function domains(count, spacing, weights = null) {
    const w = weights || new Array(count).fill(1);
    const free = 1 - spacing * (count - 1);
    const total = w.reduce((a, b) => a + b, 0);
    const out = [];
    let start = 0;
    for (const weight of w) {
      const end = start + (free * weight) / total;
      out.push([Number(start.toFixed(6)), Number(Math.min(end, 1).toFixed(6))]);
      start = end + spacing;
    }
    return out;
  }

  function positiveRange(arrays) {
    let low = Infinity;
    let high = -Infinity;
    for (const values of arrays) {
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        if (Number.isFinite(v) && v > 0) {
          if (v < low) low = v;
          if (v > high) high = v;
        }
      }
    }
    return high >= low ? [low, high] : null;
  }

  /* A log axis over the positive values of `arrays`: its range (log10, padded as the lab's) and
   * at most six ticks (LossViz.labTheme.logTicks: every k-th decade, or 1-2-5 steps). The
   * range is fixed so the ticks chosen for it are the ones drawn. */
  function logTicks(...arrays) {
    const range = positiveRange(arrays);
    if (!range) return { exponentformat: "power", nticks: 5 };
    const a = Math.log10(range[0]);
    const b = Math.log10(range[1]);
    const pad = Math.max(0.1, (b - a) * 0.04);
    const shown = [a - pad, b + pad];
    return { range: shown, autorange: false, automargin: true, ...LossViz.labTheme.logTicks(shown) };
  }

  function epochRange(planned) {
    const end = Math.max(1, planned | 0);
    return [-0.01 * end, 1.02 * end];
  }

  /* 256 colours of a Plotly colour scale (linear between its stops). */
  const lutCache = new Map();
  function colorLut(scale) {
    const key = JSON.stringify(scale);
    if (lutCache.has(key)) return lutCache.get(key);
    const stops = scale.map(([t, hex]) => [t, [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16))]);
    const lut = new Uint8ClampedArray(256 * 3);
    for (let q = 0; q < 256; q++) {
      const t = q / 255;
      let s = 0;
      while (s < stops.length - 2 && t > stops[s + 1][0]) s++;
      const [t0, c0] = stops[s];
      const [t1, c1] = stops[s + 1];
      const f = t1 > t0 ? (t - t0) / (t1 - t0) : 0;
      for (let c = 0; c < 3; c++) lut[3 * q + c] = Math.round(c0[c] + f * (c1[c] - c0[c]));
    }
    lutCache.set(key, lut);
    return lut;
  }

  pg.style = { INK, MUTED, FONT, PLOT_CONFIG, DIVERGED_COLOR, baseLayout, axis, title, domains, logTicks, positiveRange, epochRange, colorLut };
})();
