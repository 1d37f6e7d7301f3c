/*
 * What the lab exports (assets/core/export.js): the landscape view as drawn (contour,
 * iso-lines, paths, the start; or the 3-D view) and every drawn path as CSV, one row per
 * optimizer and step: w₁, w₂ (float32, as drawn: 7 significant digits), J (float64) and the
 * learning rate used for the step that leaves that point.
 */
(function () {
  "use strict";
  const LossViz = (window.LossViz = window.LossViz || {});
  LossViz.exporters = LossViz.exporters || {};

  const float32 = (v) => Number(v.toPrecision(7));

  function name() {
    const lab = LossViz.lab && LossViz.lab.state;
    const id = lab && lab.landscape && lab.landscape.meta && lab.landscape.meta.id;
    return `lab-${id || "landscape"}`;
  }

  function csv() {
    const lab = LossViz.lab && LossViz.lab.state;
    if (!lab || !lab.runs || !lab.runs.length) return null;
    const rows = [];
    for (const run of lab.runs) {
      for (let i = 0; i < run.n; i++) {
        const lr = i < run.lr.length ? float32(run.lr[i]) : "";
        rows.push([run.title, i, float32(run.x[i]), float32(run.y[i]), run.cost[i], lr]);
      }
    }
    return { columns: ["optimizer", "step", "w1", "w2", "J", "learning_rate"], rows };
  }

  LossViz.exporters.lab = { frame: () => document.querySelector(".landscape-frame"), name, csv };
})();
