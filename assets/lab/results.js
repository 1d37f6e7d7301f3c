/*
 * "Where they ended": the run's results table (serving/api/lab.py writes its cells, with the
 * float64 numbers printed as a student reads them), as a plain HTML table.
 *
 *   LossViz.labResults.draw(element, run, rows)
 */
(function () {
  "use strict";
  const LossViz = (window.LossViz = window.LossViz || {});

  function cell(tag, text, className) {
    const el = document.createElement(tag);
    el.textContent = text;
    if (className) el.className = className;
    return el;
  }

  function draw(element, run, rows) {
    if (!element) return;
    const table = run.meta.table;
    const colours = new Map(rows.map((row) => [row.id, row.color]));
    if (!table.rows.length) {
      element.replaceChildren(cell("p", "Enable an optimizer in the table below to see where it ends.", "muted"));
      return;
    }
    const head = document.createElement("tr");
    table.columns.forEach((title, i) => head.appendChild(cell("th", title, i === 1 ? "num" : "")));
    const body = document.createElement("tbody");
    for (const row of table.rows) {
      const tr = document.createElement("tr");
      tr.dataset.opt = row.id;
      const [title, cost, point] = row.cells;
      const name = cell("td", "");
      const swatch = cell("span", "", "swatch");
      swatch.style.backgroundColor = colours.get(row.id) || "#000000";
      name.append(swatch, title);
      tr.append(name, cell("td", cost, "num mono"), cell("td", point, "mono"));
      tr.appendChild(cell("td", row.outcome.text, row.outcome.kind));
      body.appendChild(tr);
    }
    const thead = document.createElement("thead");
    thead.appendChild(head);
    const el = document.createElement("table");
    el.append(thead, body);
    element.replaceChildren(el);
  }

  LossViz.labResults = { draw };
})();
