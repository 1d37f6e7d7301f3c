/*
 * The lab page's clientside callbacks (dash.ClientsideFunction("lossvizLab", name) in
 * pages/optimizer_lab.py):
 *   load(data)                   a new `lab-data` store: the address bar follows the settings
 *                                (no reload; the classroom keys hide= and present= stay), then
 *                                fetch and draw (assets/lab/main.js); the w₁, w₂ boxes show the start the
 *                                server settled on (a new landscape's own; "1.50" as "1.5"),
 *                                except while the start dot is held (lab/plane_input.js).
 *                                One callback, not three: every clientside callback costs
 *                                Dash a pass over its callback graph.
 *   moveStart(click, drag)       a click on the plane or a drag of the red dot writes the new
 *                                start into both w₁, w₂ boxes at once (one change of the
 *                                controls, so one server callback); anything else changes nothing
 *   markInvalid(keys)            outline the boxes whose values were rejected and put each
 *                                message beside its box (label[data-field-message])
 * load and markInvalid return no_update for their dummy outputs.
 */
(function () {
  "use strict";
  const clientside = (window.dash_clientside = window.dash_clientside || {});
  const noUpdate = () => window.dash_clientside.no_update;

  function load(data) {
    if (window.LossViz && window.LossViz.lab) window.LossViz.lab.load(data);
    syncUrl(data);
    if (data && Array.isArray(data.start_text) && !heldByHand(data)) showStart(data.start_text);
    return noUpdate();
  }

  /* The start dot is being dragged (or was just let go): its newest position is already in
   * the boxes, and a run asked for earlier must not write an older one back. */
  function heldByHand(data) {
    const lab = window.LossViz && window.LossViz.lab;
    const overlay = lab && document.getElementById("lab-landscape") ? lab.graph("lab-landscape") : null;
    return Boolean(overlay && LossViz.labPlaneInput.heldStart(overlay, data.start));
  }

  /* Writes a start box only when its text differs: through Dash (set_props), so the controls
   * store sees it too; the server then finds nothing changed. */
  function showStart(texts) {
    ["w1", "w2"].forEach((key, i) => {
      const id = { key, type: "lab-field" };
      const input = document.getElementById(JSON.stringify(id));
      if (input && typeof texts[i] === "string" && input.value !== texts[i]) {
        window.dash_clientside.set_props(id, { value: texts[i] });
      }
    });
  }

  function syncUrl(data) {
    if (!data || typeof data.query !== "string") return;
    const next = LossViz.keepBrowserKeys(new URLSearchParams(data.query));
    const text = next.toString().replace(/%2C/gi, ",");
    const target = window.location.pathname + (text ? `?${text}` : "");
    if (target !== window.location.pathname + window.location.search) window.history.replaceState(window.history.state, "", target);
  }

  function markInvalid(keys) {
    document.querySelectorAll(".lab .invalid").forEach((el) => el.classList.remove("invalid"));
    for (const key of keys || []) {
      const input = document.getElementById(JSON.stringify({ key, type: "lab-field" }));
      const box = input && (input.closest(".dash-input-container") || input);
      if (box) box.classList.add("invalid");
    }
    // The same answer replaced the message list: once React has drawn it, each message goes
    // beside its field too (the list at the top can be far from the box the student typed in).
    window.requestAnimationFrame(showMessagesBesideFields);
    return noUpdate();
  }

  function showMessagesBesideFields() {
    for (const el of document.querySelectorAll(".lab [data-field-message]")) {
      el.removeAttribute("data-field-message");
    }
    for (const item of document.querySelectorAll("#lab-messages [data-for]")) {
      const input = document.getElementById(JSON.stringify({ key: item.dataset.for, type: "lab-field" }));
      const holder = input && input.closest("label, .opt-row, .control-row");
      if (holder) holder.setAttribute("data-field-message", item.textContent);
    }
  }

  function moveStart(click, drag) {
    const context = window.dash_clientside.callback_context;
    const trigger = context && context.triggered && context.triggered[0] ? context.triggered[0].prop_id : "";
    const input = LossViz.labPlaneInput;
    const point = input.startOf(trigger, click, drag);
    if (!point) throw window.dash_clientside.PreventUpdate;
    return point.map(input.startText);
  }

  clientside.lossvizLab = { load, markInvalid, moveStart };
})();
