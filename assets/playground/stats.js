/*
 * The big numbers over the decision boundary: train/test loss and accuracy and the learning
 * rate after the shown frame's epoch (the server's float64 per-epoch values, as sent).
 */
(function () {
  "use strict";
  const LossViz = (window.LossViz = window.LossViz || {});
  const pg = (LossViz.pg = LossViz.pg || {});

  function values(run, k) {
    const { loss, pct, short } = pg.labels;
    return {
      trainLoss: loss(run.metric("trainLoss", k)),
      testLoss: loss(run.metric("testLoss", k)),
      trainAcc: pct(run.metric("trainAccuracy", k)),
      testAcc: pct(run.metric("testAccuracy", k)),
      lr: short(run.metric("learningRate", k)),
    };
  }

  function render(run, k, root = document) {
    const shown = values(run, k);
    for (const el of root.querySelectorAll("#pg-stats [data-stat]")) {
      const text = shown[el.dataset.stat] ?? "–";
      if (el.textContent !== text) el.textContent = text;
    }
  }

  pg.stats = { render, values };
})();
