/*
 * The big numbers over the decision boundary: train/test loss and accuracy and the learning
 * rate after the shown frame's epoch (the server's float64 per-epoch values, as sent), and
 * under them what early stopping does (the restored epoch's numbers once it has stopped).
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

  /* What early stopping does in this run, said for frame k ("" without early stopping). */
  function earlyStopSentence(run, k) {
    const stop = run.earlyStop;
    if (!stop) return "";
    const { loss } = pg.labels;
    const patience = `patience ${stop.patience}`;
    if (stop.stoppedEpoch === null) {
      return `Early stopping (${patience}): the held-out loss never went ${stop.patience} epochs without improving, so training runs to the end.`;
    }
    const kept = `epoch ${stop.bestEpoch}'s weights (held-out loss ${loss(stop.bestLoss)})`;
    if (run.stoppedAt(k)) {
      return `Stopped at epoch ${stop.stoppedEpoch}, ${stop.patience} epochs without a better held-out loss; the network now has ${kept}. The curves after the stop (greyed) show what training on would have done.`;
    }
    return `Early stopping (${patience}) will stop at epoch ${stop.stoppedEpoch} and keep ${kept}.`;
  }

  function render(run, k, root = document) {
    const shown = values(run, k);
    for (const el of root.querySelectorAll("#pg-stats [data-stat]")) {
      const text = shown[el.dataset.stat] ?? "–";
      if (el.textContent !== text) el.textContent = text;
    }
    const note = root.querySelector("#pg-early-stop");
    if (note) {
      const text = earlyStopSentence(run, k);
      if (note.textContent !== text) note.textContent = text;
      note.hidden = !text;
      note.dataset.stopped = run.stoppedAt(k) ? "1" : "0";
    }
  }

  pg.stats = { render, values, earlyStopSentence };
})();
