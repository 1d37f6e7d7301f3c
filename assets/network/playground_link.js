/*
 * The playground's "Loss landscape of this network" link (a[data-carry-query], see
 * components/playground_layout.py) carries the playground's current settings to /network:
 * the playground keeps its whole state in the address bar, so when the link is followed (or
 * hovered, so the status bar tells the truth) its query is the address bar's, without the
 * playground's own view keys (view, test, tab, neuron), which the landscape page does not take.
 */
(function () {
  "use strict";
  const VIEW_KEYS = ["view", "test", "tab", "neuron", "hide"];

  function carry(link) {
    const target = new URL(link.getAttribute("href"), window.location.href);
    const params = new URLSearchParams(window.location.search);
    for (const key of VIEW_KEYS) params.delete(key);
    const text = params.toString().replace(/%2C/gi, ",");
    link.setAttribute("href", `${target.pathname}${text ? `?${text}` : ""}`);
  }

  function onEvent(event) {
    const link = event.target && event.target.closest ? event.target.closest("a[data-carry-query]") : null;
    if (link) carry(link);
  }

  for (const type of ["mouseover", "focusin", "mousedown", "touchstart", "click"]) {
    document.addEventListener(type, onEvent, { capture: true, passive: true });
  }
})();
