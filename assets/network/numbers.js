/*
 * The numbers a student reads off the network landscape page (#nl-numbers), from the
 * container's float64 metadata: the train and test loss at θ* (the trained network) and at
 * θ₀ (its initialization), the network's parameter count and, with PCA directions, how much
 * of the training path's variance the plane holds.
 *
 *   LossViz.network.numbers.show(element, landscape)
 */
(function () {
  "use strict";
  const LossViz = (window.LossViz = window.LossViz || {});
  const network = (LossViz.network = LossViz.network || {});

  function row(label, value) {
    const tr = document.createElement("tr");
    const th = document.createElement("th");
    th.textContent = label;
    const td = document.createElement("td");
    td.textContent = value;
    tr.append(th, td);
    return tr;
  }

  function show(element, landscape) {
    if (!element) return;
    const { meta, arrays } = landscape;
    const loss = network.scales.loss;
    const table = document.createElement("table");
    table.className = "nl-number-table";
    table.append(
      row("Loss at θ* (train / test)", `${loss(meta.centerTrainLoss)} / ${loss(meta.centerTestLoss)}`),
      row("Loss at θ₀ (train / test)", `${loss(meta.startTrainLoss)} / ${loss(meta.startTestLoss)}`),
      row("Parameters", String(meta.parameterCount)),
    );
    if (arrays.explainedVariance) {
      const ev = arrays.explainedVariance;
      table.append(row("Path variance in the plane", `${(100 * (ev[0] + ev[1])).toFixed(1)} %`));
    }
    element.replaceChildren(table);
  }

  network.numbers = { show };
})();
