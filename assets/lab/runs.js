/*
 * A fetched lab run (GET /api/lab/run.bin, serving/api/lab.py) as the views draw it: one
 * record per enabled optimizer with typed arrays per step.
 *
 *   LossViz.labRuns.prepare(run, landscape, rows) -> [{id, title, color, dash, row, n, x, y, cost,
 *       gap, height, steps, lr, lrSteps, divergedAt, legendName, slow, stability}]
 *
 * `slow`, for a rule with points of its own apart from θ (Lookahead's slow weights φ_j = θ_{jk}),
 * is {steps, x, y}: the steps where θ is one and those points (else null). `stability`, for
 * gradient descent and momentum, is {meta, curvature, kinds} (assets/lab/stability.js).
 *
 * `row` is the optimizer's index in the table (trace k of every figure), `n` the number of
 * points (updates + 1). `cost` is J (float64 = J* + gap, for hover), `gap` J − J* floored for
 * the log axis, `height` the 3-D view's z = log10(J − J* + offset), the landscape's colour level.
 *
 *   LossViz.labRuns.logRange(runs, key)        padded log10 range of a per-step array, for an axis
 *   LossViz.labRuns.levelAt(landscape, x, y)   the colour level at (x, y), bilinear on the grid
 *   LossViz.labRuns.costAt(landscape, x, y)    J there: 10^level − offset + J* (cursor read-out)
 */
(function () {
  "use strict";
  const LossViz = (window.LossViz = window.LossViz || {});

  function legendName(title, divergedAt) {
    return divergedAt === null || divergedAt === undefined ? title : `${title} — diverged at step ${divergedAt}`;
  }

  function ramp(n) {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    return out;
  }

  function prepare(run, landscape, rows) {
    const floor = LossViz.labTheme.LOSS_FLOOR;
    const jStar = run.meta.min_value;
    const offset = landscape.meta.log_offset;
    const rowIndex = new Map(rows.map((row, i) => [row.id, i]));
    return run.meta.runs.map((meta) => {
      const path = run.arrays[`${meta.id}.path`];
      const rawGap = run.arrays[`${meta.id}.gap`];
      const n = meta.points;
      const x = new Float32Array(n);
      const y = new Float32Array(n);
      const cost = new Float64Array(n);
      const gap = new Float32Array(n);
      const height = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        x[i] = path[2 * i];
        y[i] = path[2 * i + 1];
        const g = rawGap[i];
        cost[i] = jStar + g;
        gap[i] = g > floor ? g : floor;
        height[i] = Math.log10(g + offset);
      }
      const lr = run.arrays[`${meta.id}.lr`] || new Float32Array(Math.max(n - 1, 0)).fill(meta.lr_constant);
      const row = rowIndex.has(meta.id) ? rowIndex.get(meta.id) : 0;
      const slowSteps = run.arrays[`${meta.id}.slow_steps`];
      return {
        id: meta.id,
        title: meta.title,
        color: rows[row] ? rows[row].color : "#000000",
        dash: rows[row] && rows[row].dash ? rows[row].dash : "solid",
        row,
        n,
        x,
        y,
        cost,
        gap,
        height,
        steps: ramp(n),
        lr,
        lrSteps: ramp(lr.length),
        divergedAt: meta.diverged_at,
        legendName: legendName(meta.title, meta.diverged_at),
        slow: slowSteps ? slowPoints(slowSteps, x, y) : null,
        stability: meta.stability
          ? { meta: meta.stability, curvature: run.arrays[`${meta.id}.curvature`], kinds: run.arrays[`${meta.id}.stability`] }
          : null,
      };
    });
  }

  /* The points of a run at `steps` (Lookahead's slow weights). */
  function slowPoints(steps, x, y) {
    const m = steps.length;
    const sx = new Float32Array(m);
    const sy = new Float32Array(m);
    for (let j = 0; j < m; j++) {
      sx[j] = x[steps[j]];
      sy[j] = y[steps[j]];
    }
    return { steps, x: sx, y: sy };
  }

  /* How many of the slow points are reached by step k (steps ascending). */
  function slowCount(slow, k) {
    let m = 0;
    while (m < slow.steps.length && slow.steps[m] <= k) m += 1;
    return Math.max(m, 1);
  }

  /* Positive finite extent of `key` over every run, as a padded log10 range. */
  function logRange(runs, key) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const r of runs) {
      for (const v of r[key]) {
        if (v > 0 && Number.isFinite(v)) {
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
      }
    }
    if (!Number.isFinite(lo)) return [-1, 1];
    const a = Math.log10(lo);
    const b = Math.log10(hi);
    const pad = Math.max(0.1, (b - a) * 0.04);
    return [a - pad, b + pad];
  }

  /* The colour level at (x, y), bilinear on the full grid (the start's height). */
  function levelAt(landscape, x, y) {
    const { xs, ys, level: z } = landscape.arrays;
    const n = xs.length;
    const u = ((x - xs[0]) / (xs[n - 1] - xs[0])) * (n - 1);
    const v = ((y - ys[0]) / (ys[ys.length - 1] - ys[0])) * (ys.length - 1);
    const j = Math.max(0, Math.min(n - 2, Math.floor(u)));
    const i = Math.max(0, Math.min(ys.length - 2, Math.floor(v)));
    const a = Math.max(0, Math.min(1, u - j));
    const b = Math.max(0, Math.min(1, v - i));
    const at = (r, c) => z[r * n + c];
    return (1 - b) * ((1 - a) * at(i, j) + a * at(i, j + 1)) + b * ((1 - a) * at(i + 1, j) + a * at(i + 1, j + 1));
  }

  /* J at (x, y) from the landscape's level grid: 10^level − offset + J*. */
  function costAt(landscape, x, y) {
    const value = levelAt(landscape, x, y);
    return Math.pow(10, value) - landscape.meta.log_offset + landscape.meta.min_value;
  }

  LossViz.labRuns = { prepare, logRange, legendName, levelAt, costAt, slowCount };
})();
