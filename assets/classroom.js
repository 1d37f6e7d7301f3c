/*
 * Classroom tools, all in the browser (no server round-trip):
 *
 *  - "Copy link" copies the current URL (navigator.clipboard; on a plain-HTTP class server,
 *    where that API does not exist, a select-and-copy fallback) and says "Copied!".
 *  - `hide=<group>,<group>` in the URL hides every element with `data-group="<group>"`. The
 *    rule is a <style> element built from the URL, so it survives Dash re-rendering the page.
 *  - "Classroom link…" lists the current page's groups with checkboxes and builds such a link.
 *  - Presentation mode (`present=1` in the URL, the "Present" button, or key P): body class
 *    `presentation` (assets/presentation.css) and every Plotly figure restyled with larger
 *    fonts, lines and markers, re-applied whenever Dash or Plotly redraws a figure. Figures
 *    inside `data-present-style="self"` are left alone: their page draws its own presentation
 *    look and redraws on the document event "lossviz:presentation" ({detail: {present}}),
 *    sent whenever the mode changes.
 *  - Keyboard shortcuts drive `LossViz.activePlayer()` (assets/player.js); ignored while
 *    typing in a field. The list lives in components/classroom.py (SHORTCUTS).
 */
(function () {
  "use strict";
  const LossViz = (window.LossViz = window.LossViz || {});

  const PRESENT_CLASS = "presentation";
  const HIDE_STYLE_ID = "lossviz-hide-groups";
  const FIGURE_FONT = 22; // px, presentation mode
  const GROUP_NAME = /^[A-Za-z0-9_-]{1,40}$/;

  const state = { hide: [], present: false, path: null };

  // ---- URL ----------------------------------------------------------------------------------
  function params() {
    return new URLSearchParams(window.location.search);
  }

  function parseHide(raw) {
    if (!raw) return [];
    const names = raw.split(",").map((s) => s.trim()).filter((s) => GROUP_NAME.test(s));
    return Array.from(new Set(names));
  }

  function truthy(raw) {
    return raw !== null && ["1", "true", "on", "yes"].includes(String(raw).toLowerCase());
  }

  /* A URL for this page with the given classroom keys (others kept as they are). */
  function classroomUrl({ hide, present }) {
    const url = new URL(window.location.href);
    const query = url.searchParams;
    if (hide && hide.length) query.set("hide", hide.join(","));
    else query.delete("hide");
    if (present) query.set("present", "1");
    else query.delete("present");
    url.search = query.toString().replace(/%2C/gi, ",");
    return url.toString();
  }
  LossViz.classroomUrl = classroomUrl;

  /* Keep the classroom keys in the address bar without telling Dash (no callback fires). */
  function writeUrl() {
    const next = classroomUrl({ hide: state.hide, present: state.present });
    if (next !== window.location.href) window.history.replaceState(window.history.state, "", next);
  }

  /* Read hide/present from the URL. A page's own URL sync may rewrite the query without the
   * classroom keys: within one page the last known state is kept and written back. */
  function syncFromUrl() {
    const query = params();
    const pathChanged = state.path !== null && state.path !== window.location.pathname;
    state.path = window.location.pathname;
    if (query.has("hide")) state.hide = parseHide(query.get("hide"));
    else if (pathChanged) state.hide = [];
    if (query.has("present")) state.present = truthy(query.get("present"));
    applyHide();
    applyPresent();
    if ((state.hide.length && !query.has("hide")) || (state.present && !query.has("present"))) {
      writeUrl();
    }
  }

  // Dash's dcc.Location and the pages' URL sync use pushState/replaceState: watch them.
  for (const method of ["pushState", "replaceState"]) {
    const original = window.history[method];
    window.history[method] = function (...args) {
      const result = original.apply(this, args);
      window.setTimeout(syncFromUrl, 0);
      return result;
    };
  }
  window.addEventListener("popstate", () => window.setTimeout(syncFromUrl, 0));

  // ---- hide= --------------------------------------------------------------------------------
  function applyHide() {
    let style = document.getElementById(HIDE_STYLE_ID);
    if (!style) {
      style = document.createElement("style");
      style.id = HIDE_STYLE_ID;
      document.head.appendChild(style);
    }
    style.textContent = state.hide.length
      ? state.hide.map((g) => `[data-group="${g}"]`).join(",\n") + " { display: none !important; }"
      : "";
    document.documentElement.dataset.hiddenGroups = state.hide.join(",");
  }

  /* The current page's control groups, in page order: [{name, label}]. */
  function pageGroups() {
    const seen = new Map();
    for (const el of document.querySelectorAll("main [data-group]")) {
      const name = el.dataset.group;
      if (!GROUP_NAME.test(name) || seen.has(name)) continue;
      seen.set(name, el.dataset.groupLabel || name.replace(/[-_]/g, " "));
    }
    return Array.from(seen, ([name, label]) => ({ name, label }));
  }
  LossViz.pageGroups = pageGroups;

  // ---- clipboard ----------------------------------------------------------------------------
  function fallbackCopy(text) {
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.top = "-1000px";
    document.body.appendChild(area);
    area.select();
    area.setSelectionRange(0, text.length);
    let ok = false;
    try {
      ok = document.execCommand("copy");
    } catch (error) {
      ok = false;
    }
    area.remove();
    return ok;
  }

  async function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      try {
        await navigator.clipboard.writeText(text);
        return "clipboard";
      } catch (error) {
        /* permission refused: fall back */
      }
    }
    return fallbackCopy(text) ? "fallback" : null;
  }
  LossViz.copyText = copyText;

  function flash(button, text) {
    if (!button.dataset.label) button.dataset.label = button.textContent;
    button.textContent = text;
    window.clearTimeout(button._lossvizFlash);
    button._lossvizFlash = window.setTimeout(() => {
      button.textContent = button.dataset.label;
    }, 1600);
  }

  async function copyWithFeedback(button, text) {
    const how = await copyText(text);
    button.dataset.copiedVia = how || "none";
    if (how) {
      flash(button, "Copied!");
    } else {
      // Last resort: show the link selected so Ctrl+C works.
      window.prompt("Copy this link:", text);
    }
  }

  // ---- classroom link panel -----------------------------------------------------------------
  function panel() {
    return document.getElementById("classroom-panel");
  }

  function panelHide() {
    const list = document.getElementById("classroom-groups");
    if (!list) return [];
    return Array.from(list.querySelectorAll("input[type=checkbox]:checked")).map((i) => i.value);
  }

  function refreshPanelUrl() {
    const present = document.getElementById("classroom-present");
    const url = classroomUrl({ hide: panelHide(), present: present && present.checked });
    const box = document.getElementById("classroom-url");
    if (box) box.value = url;
    const preview = document.getElementById("classroom-preview");
    if (preview) preview.href = url;
  }

  function fillPanel() {
    const list = document.getElementById("classroom-groups");
    if (!list) return;
    list.textContent = "";
    const groups = pageGroups();
    if (!groups.length) {
      const none = document.createElement("p");
      none.className = "small muted";
      none.textContent = "This page has no controls to hide.";
      list.appendChild(none);
    }
    for (const group of groups) {
      const label = document.createElement("label");
      label.className = "classroom-option";
      const box = document.createElement("input");
      box.type = "checkbox";
      box.value = group.name;
      box.checked = state.hide.includes(group.name);
      label.append(box, " hide ", Object.assign(document.createElement("b"), { textContent: group.label }));
      label.title = `hide=${group.name}`;
      list.appendChild(label);
    }
    const form = document.getElementById("classroom-form");
    if (form && !document.getElementById("classroom-present")) {
      const option = document.createElement("label");
      option.className = "classroom-option";
      const present = document.createElement("input");
      present.type = "checkbox";
      present.id = "classroom-present";
      option.append(present, " open in presentation mode");
      const url = document.createElement("input");
      url.type = "text";
      url.id = "classroom-url";
      url.readOnly = true;
      url.className = "classroom-url";
      url.setAttribute("aria-label", "Classroom link");
      url.addEventListener("focus", () => url.select());
      form.append(option, url);
    }
    const present = document.getElementById("classroom-present");
    if (present) present.checked = state.present;
    refreshPanelUrl();
  }

  function togglePanel(open) {
    const el = panel();
    if (!el) return;
    const show = open === undefined ? el.hidden : open;
    if (show) fillPanel();
    el.hidden = !show;
    const toggle = document.getElementById("classroom-link-toggle");
    if (toggle) toggle.setAttribute("aria-expanded", show ? "true" : "false");
  }

  // ---- presentation mode --------------------------------------------------------------------
  function setPresent(on, { updateUrl = true } = {}) {
    state.present = Boolean(on);
    applyPresent();
    if (updateUrl) writeUrl();
  }
  LossViz.setPresentation = setPresent;

  let announced = false; // the presentation state last announced to self-styled figures

  function applyPresent() {
    document.body.classList.toggle(PRESENT_CLASS, state.present);
    const toggle = document.getElementById("present-toggle");
    if (toggle) toggle.setAttribute("aria-pressed", state.present ? "true" : "false");
    for (const gd of document.querySelectorAll(".js-plotly-plot")) styleFigure(gd);
    if (state.present !== announced) {
      announced = state.present;
      // Pages that style their own figures (data-present-style="self") redraw on this event.
      document.dispatchEvent(new CustomEvent("lossviz:presentation", { detail: { present: state.present } }));
    }
  }

  /* A figure inside data-present-style="self" draws its own presentation look (the lab). */
  function selfStyled(gd) {
    return Boolean(gd.closest && gd.closest('[data-present-style="self"]'));
  }

  function isStyled(gd) {
    return Boolean(gd.layout && gd.layout.font && gd.layout.font.size === FIGURE_FONT);
  }

  /* Presentation look for one Plotly figure; restores the figure's own look when off. */
  function styleFigure(gd) {
    if (!window.Plotly || !gd.data || !gd.layout || gd._lossvizStyling || selfStyled(gd)) return;
    const styled = isStyled(gd);
    if (state.present === styled) return;
    gd._lossvizStyling = true;
    let work;
    if (state.present) {
      const original = {
        font: gd.layout.font ? { ...gd.layout.font } : {},
        traces: gd.data.map((t) => ({
          line: t.line && t.line.width,
          marker: t.marker && typeof t.marker.size === "number" ? t.marker.size : undefined,
        })),
      };
      gd._lossvizOriginal = original;
      const indices = [];
      const lineWidths = [];
      const markerSizes = [];
      // A figure whose line widths carry meaning (the network's |w| levels) opts out with
      // data-present-lines="keep" on a container; its fonts still grow.
      const keepLines = Boolean(gd.closest('[data-present-lines="keep"]'));
      gd.data.forEach((trace, i) => {
        if (keepLines) return;
        if (!["scatter", "scattergl", "scatter3d"].includes(trace.type || "scatter")) return;
        indices.push(i);
        const width = original.traces[i].line;
        lineWidths.push(Math.max(4, (typeof width === "number" ? width : 2) * 2));
        const size = original.traces[i].marker;
        markerSizes.push(typeof size === "number" ? Math.max(10, size * 1.5) : 10);
      });
      const bigger = {
        "font.size": FIGURE_FONT,
        "font.color": "#000000",
        "legend.font.size": FIGURE_FONT - 2,
      };
      // Every axis, subplots included (xaxis, xaxis2, yaxis3, ...).
      for (const name of Object.keys(gd._fullLayout || gd.layout)) {
        if (/^[xy]axis\d*$/.test(name)) bigger[`${name}.tickfont.size`] = FIGURE_FONT - 2;
      }
      work = window.Plotly.relayout(gd, bigger);
      if (indices.length) {
        work = work.then(() =>
          window.Plotly.restyle(gd, { "line.width": lineWidths, "marker.size": markerSizes }, indices)
        );
      }
    } else {
      const original = gd._lossvizOriginal || { font: {}, traces: [] };
      work = window.Plotly.relayout(gd, {
        "font.size": original.font.size === undefined ? null : original.font.size,
        "font.color": original.font.color === undefined ? null : original.font.color,
        "xaxis.tickfont.size": null,
        "yaxis.tickfont.size": null,
        "legend.font.size": null,
      });
      const indices = [];
      const lineWidths = [];
      const markerSizes = [];
      original.traces.forEach((t, i) => {
        if (i >= gd.data.length) return;
        indices.push(i);
        lineWidths.push(t.line === undefined ? null : t.line);
        markerSizes.push(t.marker === undefined ? null : t.marker);
      });
      if (indices.length) {
        work = work.then(() =>
          window.Plotly.restyle(gd, { "line.width": lineWidths, "marker.size": markerSizes }, indices)
        );
      }
    }
    Promise.resolve(work)
      .catch(() => {})
      .finally(() => {
        gd._lossvizStyling = false;
      });
  }
  LossViz.styleFigure = styleFigure;

  /* Dash replaces figures with Plotly.react: re-apply the look after every full redraw. */
  function watchFigure(gd) {
    if (gd._lossvizWatched || typeof gd.on !== "function" || selfStyled(gd)) return;
    gd._lossvizWatched = true;
    gd.on("plotly_afterplot", () => {
      if (state.present !== isStyled(gd)) window.setTimeout(() => styleFigure(gd), 0);
    });
    styleFigure(gd);
  }

  const observer = new MutationObserver(() => {
    for (const gd of document.querySelectorAll(".js-plotly-plot")) watchFigure(gd);
  });

  // ---- fullscreen -----------------------------------------------------------------------------
  function fullscreenTarget() {
    const marked = Array.from(document.querySelectorAll("[data-fullscreen-target]"));
    const visible = marked.find((el) => el.offsetParent !== null) || marked[0];
    if (visible) return visible;
    const plot = document.querySelector("main .js-plotly-plot");
    return plot ? plot.closest(".dash-graph") || plot : null;
  }

  function toggleFullscreen() {
    if (document.fullscreenElement) {
      document.exitFullscreen().catch(() => {});
      return;
    }
    const target = fullscreenTarget();
    if (target && target.requestFullscreen) target.requestFullscreen().catch(() => {});
  }
  LossViz.toggleFullscreen = toggleFullscreen;

  /* A figure drawn at a fixed size (the playground's boundary: layout.height 440) stays that
   * small on a full screen, "a small plot on a blank page": in full screen it takes the
   * screen's size, and its own size back afterwards. The lab sizes its own frame (lab/fit.js). */
  function fillScreen(gd, target) {
    if (!gd._lossvizOwnSize) gd._lossvizOwnSize = { width: gd.layout.width, height: gd.layout.height };
    const style = window.getComputedStyle(target); // its padding (presentation.css)
    const padX = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
    const padY = parseFloat(style.paddingTop) + parseFloat(style.paddingBottom);
    return window.Plotly.relayout(gd, {
      width: Math.max(200, Math.floor(target.clientWidth - padX)),
      height: Math.max(200, Math.floor(target.clientHeight - padY)),
    });
  }

  function ownSize(gd) {
    const own = gd._lossvizOwnSize;
    delete gd._lossvizOwnSize;
    return window.Plotly.relayout(gd, {
      width: own.width === undefined ? null : own.width,
      height: own.height === undefined ? null : own.height,
    });
  }

  document.addEventListener("fullscreenchange", () => {
    const target = document.fullscreenElement;
    document.body.classList.toggle("has-fullscreen", Boolean(target));
    window.setTimeout(() => {
      for (const gd of document.querySelectorAll(".js-plotly-plot")) {
        if (!window.Plotly || !gd.data || !gd.layout) continue;
        if (target && target.contains(gd) && !selfStyled(gd)) fillScreen(gd, target);
        else if (gd._lossvizOwnSize) ownSize(gd);
        else window.Plotly.Plots.resize(gd);
      }
    }, 50);
  });

  // ---- cheat sheet ----------------------------------------------------------------------------
  function toggleSheet(open) {
    const sheet = document.getElementById("shortcut-sheet");
    if (!sheet) return;
    sheet.hidden = open === undefined ? !sheet.hidden : !open;
  }
  LossViz.toggleShortcuts = toggleSheet;

  // ---- keyboard -------------------------------------------------------------------------------
  /* Keys typed into a text field, a list or a menu are theirs; everywhere else (a checkbox,
   * a radio pill, a range slider or a button just clicked) Space and the arrows drive playback. */
  const OWN_KEYS = ["checkbox", "radio", "range", "button", "submit", "reset", "color", "file"];

  function typing(target) {
    if (!target || !target.closest) return false;
    if (target.isContentEditable) return true;
    const input = target.closest("input");
    if (input) return !OWN_KEYS.includes((input.type || "text").toLowerCase());
    return Boolean(target.closest("textarea, select, [contenteditable], [role=textbox], [role=combobox]"));
  }

  const ACTIONS = {
    " ": (p) => p && p.toggle(),
    ArrowRight: (p) => p && p.step(1),
    ArrowLeft: (p) => p && p.step(-1),
    r: (p) => p && p.reset(),
    e: (p) => p && p.end(),
    f: () => toggleFullscreen(),
    p: () => setPresent(!state.present),
    "?": () => toggleSheet(),
  };

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "Escape") {
      toggleSheet(false);
      togglePanel(false);
      return;
    }
    if (typing(event.target)) return;
    const key = event.key.length === 1 && event.key !== " " ? event.key.toLowerCase() : event.key;
    const action = ACTIONS[key === "/" && event.shiftKey ? "?" : key];
    if (!action) return;
    event.preventDefault();
    // Space on a focused button would also click it on keyup: take the focus away first.
    const focused = document.activeElement;
    if (focused && focused !== document.body && focused.closest("button, a, [role=button], input, [role=radio]")) {
      focused.blur();
    }
    const player = LossViz.activePlayer ? LossViz.activePlayer() : null;
    action(player);
  });

  // ---- clicks (delegated: the nav is static but pages re-render) -----------------------------
  document.addEventListener("click", (event) => {
    const tool = event.target.closest("[data-classroom]");
    if (!tool) {
      const el = panel();
      if (el && !el.hidden && !event.target.closest(".classroom-link")) togglePanel(false);
      const sheet = document.getElementById("shortcut-sheet");
      if (sheet && !sheet.hidden && event.target === sheet) toggleSheet(false);
      return;
    }
    const kind = tool.dataset.classroom;
    if (kind === "copy-link") copyWithFeedback(tool, window.location.href);
    else if (kind === "panel-toggle") togglePanel();
    else if (kind === "copy-classroom-link") {
      refreshPanelUrl();
      copyWithFeedback(tool, document.getElementById("classroom-url").value);
    } else if (kind === "present-toggle") setPresent(!state.present);
    else if (kind === "shortcuts-toggle") toggleSheet();
  });

  document.addEventListener("change", (event) => {
    if (event.target.closest("#classroom-panel")) refreshPanelUrl();
  });

  // ---- start ----------------------------------------------------------------------------------
  function start() {
    syncFromUrl();
    observer.observe(document.body, { childList: true, subtree: true });
    for (const gd of document.querySelectorAll(".js-plotly-plot")) watchFigure(gd);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
