/*
 * What the skier page exports (assets/core/export.js): its curve with the skiers as a
 * picture, and every skier's ride as CSV, one row per
 * skier and step: w, L(w), dL/dw (float64, as computed) and the learning rate of the step
 * that leaves w.
 */
(function () {
  "use strict";
  const LossViz = (window.LossViz = window.LossViz || {});
  LossViz.exporters = LossViz.exporters || {};

  function ride() {
    return LossViz.skier && LossViz.skier.state && LossViz.skier.state.ride;
  }

  function csv() {
    const r = ride();
    if (!r) return null;
    const rows = [];
    for (const skier of r.meta.skiers) {
      const w = r.arrays[`${skier.key}.w`];
      const loss = r.arrays[`${skier.key}.loss`];
      const slope = r.arrays[`${skier.key}.slope`];
      const lr = r.arrays[`${skier.key}.lr`];
      for (let i = 0; i < w.length; i++) {
        const rate = lr && i < lr.length ? Number(lr[i].toPrecision(7)) : "";
        rows.push([skier.title, i, w[i], loss[i], slope[i], rate]);
      }
    }
    return { columns: ["skier", "step", "w", "L", "dL_dw", "learning_rate"], rows };
  }

  function name() {
    const r = ride();
    return `skier-${(r && r.meta.curve && r.meta.curve.id) || "curve"}`;
  }

  LossViz.exporters.skier = { frame: () => document.getElementById("sk-curve"), name, csv };
})();
