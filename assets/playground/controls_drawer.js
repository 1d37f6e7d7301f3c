/*
 * The playground's controls as a drawer where the column gives way to the plots (presentation
 * mode on a short screen: assets/playground.css). "☰ Controls" opens and closes it; Esc closes
 * it. The state is `data-controls="open"` on .pg-layout (CSS shows the drawer) and the button's
 * aria-expanded; elsewhere the button is hidden and the attribute changes nothing.
 */
(function () {
  "use strict";

  function layoutOf(button) {
    const page = button.closest(".pg-page");
    return page && page.querySelector(".pg-layout");
  }

  function setOpen(button, open) {
    const layout = layoutOf(button);
    if (!layout) return;
    if (open) layout.dataset.controls = "open";
    else delete layout.dataset.controls;
    button.setAttribute("aria-expanded", open ? "true" : "false");
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest && event.target.closest(".pg-controls-toggle");
    if (!button) return;
    setOpen(button, button.getAttribute("aria-expanded") !== "true");
  });

  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    const button = document.querySelector(".pg-controls-toggle[aria-expanded='true']");
    if (button) setOpen(button, false);
  });
})();
