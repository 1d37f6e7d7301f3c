/*
 * The navigation's "☰ Pages" menu (app.py _navigation; shown where the row of links does not
 * fit): it closes once a page is chosen (the nav outlives the page, so it would stay open),
 * on a click outside it and on Escape.
 */
(function () {
  "use strict";

  const openMenu = () => document.querySelector(".top-nav .nav-pages[open]");

  document.addEventListener("click", (event) => {
    const menu = openMenu();
    if (!menu) return;
    const inside = menu.contains(event.target);
    if (!inside || event.target.closest(".nav-link")) menu.open = false;
  });

  document.addEventListener("keydown", (event) => {
    const menu = openMenu();
    if (menu && event.key === "Escape") {
      menu.open = false;
      menu.querySelector("summary").focus();
    }
  });
})();
