/*
 * The network landscape page's shared look and number helpers (assets/network/): the loss is
 * coloured and drawn on a log scale, so every figure here needs log10 of a float32 grid with
 * NaN (a loss that overflowed) as a gap, colour-bar and axis ticks in loss units
 * (LossViz.labTheme.logTicks, the lab's), and the sizes of the normal page or a projector
 * (LossViz.labTheme.sizes). One job: turn the container's numbers into what Plotly is given.
 *
 *   LossViz.network.scales.log10Rows(flat, rows, cols)   rows of log10(max(v, FLOOR)), null gaps
 *   LossViz.network.scales.logRange(...typed arrays)      [log10 lo, log10 hi] of finite values
 *   LossViz.network.scales.logAxisTicks([a, b])          {tickvals, ticktext} at log10 positions
 *   LossViz.network.scales.plain(typed)                  Array with null for NaN (gaps)
 *   LossViz.network.scales.loss(v)                       a loss as a student reads it
 */
(function () {
  "use strict";
  const LossViz = (window.LossViz = window.LossViz || {});
  const network = (LossViz.network = LossViz.network || {});

  const FLOOR = 1e-12; // a loss below this is drawn at the floor (log of 0)
  const COLORS = {
    train: "#1d2330",
    test: "#D55E00",
    path: "#CC79A7",
    star: "#F0E442",
    outline: "#1d2330",
    marker: "rgba(29,35,48,0.45)",
  };

  function log10Rows(flat, rows, cols) {
    const out = [];
    for (let j = 0; j < rows; j++) {
      const row = new Array(cols);
      for (let i = 0; i < cols; i++) {
        const v = flat[j * cols + i];
        row[i] = Number.isFinite(v) ? Math.log10(Math.max(v, FLOOR)) : null;
      }
      out.push(row);
    }
    return out;
  }

  function logRange(...arrays) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const values of arrays) {
      for (const v of values) {
        if (!Number.isFinite(v)) continue;
        const l = Math.log10(Math.max(v, FLOOR));
        if (l < lo) lo = l;
        if (l > hi) hi = l;
      }
    }
    if (!Number.isFinite(lo)) return [0, 1];
    if (hi - lo < 1e-6) return [lo - 0.5, hi + 0.5];
    return [lo, hi];
  }

  function loss(v) {
    if (v === null || v === undefined || !Number.isFinite(v)) return "not finite";
    if (v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e5)) return v.toExponential(3);
    return String(Number(v.toPrecision(4)));
  }

  /* Ticks in loss units for an axis (or colour bar) drawn in log10 units over [a, b]. */
  function logAxisTicks([a, b]) {
    const picked = LossViz.labTheme.logTicks([a, b]);
    if (picked.tickvals && picked.tickvals.length >= 2) {
      return { tickmode: "array", tickvals: picked.tickvals.map(Math.log10), ticktext: picked.ticktext };
    }
    const vals = [];
    const text = [];
    for (let k = 0; k <= 4; k++) {
      const at = a + ((b - a) * k) / 4;
      vals.push(at);
      text.push(loss(Math.pow(10, at)));
    }
    return { tickmode: "array", tickvals: vals, ticktext: text };
  }

  function plain(typed) {
    return Array.from(typed, (v) => (Number.isFinite(v) ? v : null));
  }

  network.scales = { FLOOR, COLORS, log10Rows, logRange, logAxisTicks, plain, loss };
})();
