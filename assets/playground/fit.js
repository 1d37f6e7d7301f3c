/*
 * Fit the playground's two main figures, the network and the decision boundary, to the window
 * (issue 10: projector-grade pages): each ends above the window's bottom (and above the fixed
 * shortcut footer of presentation mode), so at 1280×720 the boundary is in view without
 * scrolling. Never below MIN_HEIGHT (a shorter picture teaches nothing: the page scrolls) and
 * never above the figure's usual height; on a stacked, phone-width page the usual height (it
 * scrolls anyway).
 *
 *   pg.fit.height(id, usual)   the height for the figure in container `id`
 *   pg.fit.refit()             resize both figures to the window now (not while playing, not
 *                              in full screen)
 */
(function () {
  "use strict";
  const LossViz = (window.LossViz = window.LossViz || {});
  const pg = (LossViz.pg = LossViz.pg || {});

  const MIN_HEIGHT = 240;
  const BOTTOM_GAP = 12; // px between the panel's bottom edge and the window's (or the footer's)
  const STACKED_WIDTH = 900; // px: below it the page is one column (assets/playground.css)
  const USUAL = { "pg-network": 470, "pg-boundary": 440 };

  function footerHeight() {
    const footer = document.querySelector(".shortcut-footer");
    return footer ? footer.getBoundingClientRect().height : 0;
  }

  /* The height of the caption lines right after the figure (they belong with it); the next
   * figure (the boundary's loss curves) may be below the fold. The panel's own bottom is no
   * measure: the grid stretches it to its neighbour's height. */
  function below(el) {
    let total = 0;
    for (let next = el.nextElementSibling; next && !next.matches(".pg-graph"); next = next.nextElementSibling) {
      total += next.getBoundingClientRect().height;
    }
    return total;
  }

  function height(id, usual = USUAL[id]) {
    const el = document.getElementById(id);
    if (!el || window.innerWidth < STACKED_WIDTH) return usual;
    const top = el.getBoundingClientRect().top + window.scrollY;
    const room = window.innerHeight - top - below(el) - BOTTOM_GAP - footerHeight();
    return Math.round(Math.max(MIN_HEIGHT, Math.min(usual, room)));
  }

  function refit() {
    const Plotly = window.Plotly;
    const player = LossViz.player ? LossViz.player("playground") : null;
    if (!Plotly || (player && player.playing)) return;
    for (const id of Object.keys(USUAL)) {
      const gd = document.querySelector(`#${id} > .plot-area.js-plotly-plot`);
      if (!gd || gd.offsetParent === null || !gd.layout) continue;
      if (document.fullscreenElement) continue; // full screen sizes it (assets/classroom.js)
      const wanted = height(id);
      if (Math.abs((gd.layout.height || 0) - wanted) > 1) Plotly.relayout(gd, { height: wanted });
    }
  }

  let pending = 0;
  function scheduleRefit() {
    window.cancelAnimationFrame(pending);
    pending = window.requestAnimationFrame(refit);
  }
  window.addEventListener("resize", scheduleRefit);
  document.addEventListener("lossviz:presentation", () => window.setTimeout(scheduleRefit, 80));

  pg.fit = { height, refit, USUAL };
})();
