/*
 * What the small pages' glue modules share (assets/lr_range/, assets/skier/, assets/regression/).
 *
 *   LossViz.keepBrowserKeys(params)       a canonical query's params with the address bar's
 *                                         hide / present / frame / speed (every page)
 *   LossViz.page.search(store)            the address bar's search for a {query} store
 *                                         ("?" + query, or "" for the defaults; the link's
 *                                         browser keys kept), or Dash's no_update when it
 *                                         already shows it
 *   LossViz.page.notice(id, text, waiting) show `text` in element `id` (hidden when empty);
 *                                         `waiting` styles it as a status, not an error
 *   LossViz.page.plotArea(id)             the .plot-area inside container `id` (Plotly's div)
 *   LossViz.page.sentences(id, items)     element `id` holds one <p> per {color, text}, each
 *                                         with a dot of its colour
 *   LossViz.page.texSpan(source)          a <span class="tex"> that assets/core/tex.js typesets
 *   LossViz.page.canvas()                 the small pages' figure basics: the theme's font at
 *                                         the current size (presentation mode too), white paper
 *   LossViz.page.busy(id, text)           after ~150 ms, `text` ("preparing…") over container
 *                                         `id` (its data-busy attribute); returns stop()
 */
(function () {
  "use strict";
  const LossViz = (window.LossViz = window.LossViz || {});

  // The keys the browser owns, kept as the link had them: the classroom's (hidden groups,
  // presentation mode) and the player's (settings/query.py PASSTHROUGH_KEYS).
  const BROWSER_KEYS = ["hide", "present", "frame", "speed"];

  /* `params` (URLSearchParams of a canonical query) with the address bar's browser keys. */
  function keepBrowserKeys(params) {
    const current = new URLSearchParams(window.location.search);
    for (const key of BROWSER_KEYS) if (current.has(key)) params.set(key, current.get(key));
    return params;
  }
  LossViz.keepBrowserKeys = keepBrowserKeys;

  function search(store) {
    const noUpdate = window.dash_clientside.no_update;
    const query = store && store.query;
    if (typeof query !== "string") return noUpdate;
    const params = keepBrowserKeys(new URLSearchParams(query));
    const text = params.toString().replace(/%2C/gi, ",");
    const wanted = text ? `?${text}` : "";
    return wanted === window.location.search ? noUpdate : wanted;
  }

  function notice(id, text, waiting) {
    const el = document.getElementById(id);
    if (!el) return;
    el.hidden = !text;
    el.textContent = text || "";
    el.classList.toggle("lr-waiting", Boolean(waiting));
  }

  function plotArea(id) {
    const el = document.getElementById(id);
    return el ? el.querySelector(".plot-area") || el : null;
  }

  function swatch(color) {
    const dot = document.createElement("span");
    dot.className = "sk-swatch";
    dot.style.background = color;
    return dot;
  }

  function sentences(id, items) {
    const el = document.getElementById(id);
    if (!el) return;
    el.replaceChildren(
      ...items.map(({ color, text }) => {
        const p = document.createElement("p");
        if (color) p.append(swatch(color));
        p.append(text);
        return p;
      }),
    );
  }

  function texSpan(source) {
    const span = document.createElement("span");
    span.className = "tex";
    span.textContent = source;
    return span;
  }

  function busy(id, text) {
    const el = document.getElementById(id);
    if (!el) return () => {};
    const timer = setTimeout(() => el.setAttribute("data-busy", text), 150);
    return () => {
      clearTimeout(timer);
      el.removeAttribute("data-busy");
    };
  }

  function canvas() {
    const theme = LossViz.labTheme;
    return { font: theme.font(theme.sizes().font), paper_bgcolor: "#ffffff", plot_bgcolor: "#ffffff" };
  }

  LossViz.page = { search, notice, plotArea, sentences, swatch, texSpan, busy, canvas };
})();
