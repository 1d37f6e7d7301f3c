/*
 * Fit the lab's landscape to the screen (issue 10: projector-grade pages).
 *
 * Height: the frame ends where the play bar still shows, so at 1280×720 and 1920×1080, in
 * normal and presentation mode, plot and play bar are in view without scrolling (never below
 * MIN_HEIGHT, never above MAX_HEIGHT). Width, in the 2-D view: one unit of w₁ is as long as one
 * unit of w₂ (equal aspect, so a circle is round), plus the colour bar and, where the panel
 * has room, the legend beside the plot instead of over the data (`data-legend="outside"`).
 *
 *   LossViz.labFit.fit(frame, domain)   size `frame` for a landscape's [[x0, x1], [y0, y1]]
 *   LossViz.labFit.margin(gd, s)        the plane's margins for a figure in that frame
 *   LossViz.labFit.size(gd)             {width, height} of a figure in that frame (for its layout)
 *   LossViz.labFit.refit()              fit again now; redraw if the size changed
 */
(function () {
  "use strict";
  const LossViz = (window.LossViz = window.LossViz || {});
  const MIN_HEIGHT = 300;
  const MAX_HEIGHT = 900;
  const BOTTOM_GAP = 10; // px between the panel's bottom edge and the window's (or the footer's)

  /* The fixed shortcut footer of presentation mode covers the window's bottom: keep above it. */
  function footerHeight() {
    const footer = document.querySelector(".shortcut-footer");
    return footer ? footer.getBoundingClientRect().height : 0; // 0 while it is not displayed
  }

  function theme() {
    return LossViz.labTheme;
  }

  /* The legend beside the plot needs at least this much room to the right of the colour bar;
   * where the panel has more to spare (a plot limited by the window's height), it gets up to
   * LEGEND_EXTRA px more, so long names ("Gradient descent — diverged at step 12") are not cut
   * at the figure's edge. */
  function legendRoom(s) {
    return s.present ? 290 : 200;
  }
  const LEGEND_EXTRA = 220;

  function frameOf(gd) {
    return gd && gd.closest ? gd.closest(".landscape-frame") : null;
  }

  /* Whether the frame holding figure gd has room for the legend beside the plot. */
  function legendOutside(gd) {
    const frame = frameOf(gd);
    return Boolean(frame && frame.dataset.legend === "outside");
  }

  function margin(gd, s) {
    if (!legendOutside(gd)) return s.plane;
    const room = Number(frameOf(gd).dataset.legendRoom) || legendRoom(s);
    return { ...s.plane, r: s.plane.r + room };
  }

  /* A figure's size in the frame, given to Plotly explicitly: Plotly.react keeps the size an
   * autosized figure was first drawn at, so after a refit the old, taller picture would hang
   * out of the frame over the cursor read-out below it. */
  function size(gd) {
    const width = gd ? gd.clientWidth : 0;
    const height = gd ? gd.clientHeight : 0;
    return width > 0 && height > 0 ? { width, height } : {};
  }

  /* Where the legend goes when it is beside the plot: right of the colour bar, at the top. */
  function outsideLegend(gd, s) {
    const { l, r } = margin(gd, s);
    const plotWidth = Math.max(100, gd.clientWidth - l - r);
    return { x: 1 + (s.plane.r + 8) / plotWidth, xanchor: "left", y: 1, yanchor: "top" };
  }

  /* The panel's content above and below the frame moves it (a formula typeset late, a wrapped
   * line): watch the panel and fit again when its height changes. */
  const watched = new WeakSet();
  let pendingRefit = 0;

  function watch(panel) {
    if (watched.has(panel) || !window.ResizeObserver) return;
    watched.add(panel);
    new ResizeObserver(() => {
      window.cancelAnimationFrame(pendingRefit);
      pendingRefit = window.requestAnimationFrame(refit);
    }).observe(panel);
  }

  function fit(frame, domain) {
    if (!frame) return false;
    const panel = frame.closest(".panel") || frame.parentElement;
    watch(panel);
    const s = theme().sizes();
    const state = () => `${frame.style.width}|${frame.style.height}|${frame.dataset.legend || ""}|${frame.dataset.legendRoom || ""}`;
    const before = state();
    frame.style.width = "";
    const panelWidth = frame.getBoundingClientRect().width;
    const frameTop = frame.getBoundingClientRect().top + window.scrollY;
    const below = panel.getBoundingClientRect().bottom - frame.getBoundingClientRect().bottom;
    let height = window.innerHeight - frameTop - below - BOTTOM_GAP - footerHeight();
    height = Math.max(MIN_HEIGHT, Math.min(MAX_HEIGHT, height));
    let width = panelWidth;
    const flat = frame.dataset.view !== "surface" && domain;
    if (flat) {
      const [[x0, x1], [y0, y1]] = domain;
      const ratio = Math.abs(x1 - x0) / Math.abs(y1 - y0 || 1);
      const { l, r, t, b } = s.plane;
      // The plot's height that fits both the window and the panel with `right` px beside it.
      const fitting = (right) => Math.min(height - t - b, (panelWidth - l - right) / ratio);
      // Beside the plot when that costs it at most 30 % of its size; else in a corner.
      const outside = fitting(r + legendRoom(s)) >= 0.7 * fitting(r);
      const right = r + (outside ? legendRoom(s) : 0);
      const plotHeight = Math.max(80, fitting(right));
      height = plotHeight + t + b; // equal aspect wins over MIN_HEIGHT on a narrow panel
      const spare = outside ? Math.max(0, panelWidth - (l + right + plotHeight * ratio)) : 0;
      const room = Math.round(legendRoom(s) + Math.min(LEGEND_EXTRA, spare));
      width = Math.min(panelWidth, l + (outside ? r + room : r) + plotHeight * ratio);
      frame.dataset.legend = outside ? "outside" : "inside";
      frame.dataset.legendRoom = outside ? String(Math.round(room)) : "";
    } else {
      frame.dataset.legend = "inside";
    }
    frame.style.height = `${Math.round(height)}px`;
    frame.style.width = flat ? `${Math.round(width)}px` : "";
    return before !== state();
  }

  /* Fit again with the page as it is now (fonts, the counter's text, the footer all settled)
   * and, when the size changed, draw the frame's figures again at the new size. Not while a
   * run plays (a redraw would stop it): the next draw fits. */
  function refit() {
    const player = LossViz.player ? LossViz.player("lab") : null;
    if (player && player.playing) return;
    const frame = document.querySelector(".landscape-frame");
    const base = frame && frame.querySelector("#lab-contour .plot-area");
    const landscape = base && base._lossvizLandscape;
    if (!frame || !fit(frame, landscape ? landscape.meta.domain : null)) return;
    if (LossViz.lab && LossViz.lab.redraw) LossViz.lab.redraw();
  }

  const scheduleRefit = () => {
    window.cancelAnimationFrame(pendingRefit);
    pendingRefit = window.requestAnimationFrame(refit);
  };
  window.addEventListener("resize", scheduleRefit);

  LossViz.labFit = { fit, refit, margin, size, legendOutside, outsideLegend };
})();
