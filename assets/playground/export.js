/*
 * What the playground exports (assets/core/export.js): the decision boundary as drawn (at
 * the shown frame) as a picture, and the training curves as CSV, one row per epoch: train
 * and test loss and accuracy (the server's float64 values) and the learning rate.
 */
(function () {
  "use strict";
  const LossViz = (window.LossViz = window.LossViz || {});
  LossViz.exporters = LossViz.exporters || {};

  function run() {
    return LossViz.playground && LossViz.playground.state && LossViz.playground.state.run;
  }

  function csv() {
    const r = run();
    if (!r || !r.trainLoss) return null;
    const value = (series, i) => (series && i < series.length ? series[i] : "");
    const rows = [];
    for (let epoch = 0; epoch < r.trainLoss.length; epoch++) {
      rows.push([
        epoch,
        value(r.trainLoss, epoch),
        value(r.testLoss, epoch),
        value(r.trainAccuracy, epoch),
        value(r.testAccuracy, epoch),
        r.learningRate && epoch < r.learningRate.length ? Number(r.learningRate[epoch].toPrecision(7)) : "",
      ]);
    }
    return { columns: ["epoch", "train_loss", "test_loss", "train_accuracy", "test_accuracy", "learning_rate"], rows };
  }

  LossViz.exporters.playground = {
    frame: () => document.getElementById("pg-boundary"),
    name: () => "playground",
    csv,
  };
})();
