/*
 * The optimizer table's row buttons (components/lab_controls.py): duplicate (Copy) and remove (×)
 * a row, and "+ Add" a row of the rule picked beside it. A click writes the request into the
 * `lab-row-op` store, {op, row | rule, n}; the page's server callback answers with the new
 * table and run (pages/optimizer_lab.py `apply_row_op`). One delegated listener: the table is
 * re-rendered when rows change, and its buttons are plain elements, not Dash inputs.
 */
(function () {
  "use strict";
  let requests = 0;

  function request(button) {
    const op = button.dataset.rowOp;
    const message = { op, n: ++requests };
    if (op === "add") {
      const picker = button.closest(".add-row").querySelector('[data-role="add-rule"]');
      if (!picker) return null;
      message.rule = picker.value;
    } else {
      message.row = button.dataset.row;
    }
    return message;
  }

  document.addEventListener("click", (event) => {
    const button = event.target instanceof Element && event.target.closest(".lab [data-row-op]");
    if (!button || button.disabled || !window.dash_clientside || !window.dash_clientside.set_props) return;
    const message = request(button);
    if (message) window.dash_clientside.set_props("lab-row-op", { data: message });
  });
})();
