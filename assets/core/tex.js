/*
 * LaTeX typeset in the browser by KaTeX (loaded on first use by assets/core/vendor.js).
 *
 * Markup (components/tex.py makes it): an element with class `tex` whose only content is the
 * LaTeX source; `data-display="block"` for display mode:
 *     <span class="tex">\eta_t = \eta_0</span>
 *
 *   LossViz.tex.render(root)  Promise: typesets every `.tex` element under root (root
 *                             included) that is not typeset yet.
 *
 * A MutationObserver calls render(document.body) whenever nodes are added, so elements that
 * Dash adds, or whose text a callback replaces (React then sets textContent, which removes the
 * typeset output), are typeset again (when the browser is idle: the page's plots first); every
 * element is typeset once per source text.
 * LaTeX that KaTeX cannot parse is shown as its source, styled `.tex-error`, with a
 * console.warn (never console.error). Until typeset, the source is kept invisible.
 */
(function () {
  "use strict";
  const LossViz = (window.LossViz = window.LossViz || {});

  const STYLE_ID = "lossviz-tex-style";
  const STYLE = `
.tex { visibility: hidden; }
.tex > .tex-out, .tex > .tex-error { visibility: visible; }
.tex[data-display="block"] > .tex-out, .tex[data-display="block"] > .tex-error { display: block; }
.tex-error { font-family: ui-monospace, monospace; font-size: 0.9em; color: #b3261e;
  white-space: pre-wrap; border-bottom: 1px dotted currentColor; }
`;

  // element -> the node this file put in it; gone from the element = Dash replaced the text.
  const output = new WeakMap();

  function isTypeset(element) {
    const node = output.get(element);
    return Boolean(node && node.parentNode === element);
  }

  function pending(root) {
    const found = [];
    if (root.nodeType === Node.ELEMENT_NODE && root.classList.contains("tex")) found.push(root);
    if (root.getElementsByClassName) found.push(...root.getElementsByClassName("tex"));
    return found.filter((element) => !isTypeset(element));
  }

  function showSource(element, source, reason) {
    const node = document.createElement("span");
    node.className = "tex-error";
    node.textContent = source;
    node.title = reason;
    element.replaceChildren(node);
    output.set(element, node);
    console.warn(`LaTeX shown as source (${reason}): ${source}`);
  }

  function typeset(element, katex) {
    const source = element.textContent;
    const node = document.createElement("span");
    node.className = "tex-out";
    try {
      katex.render(source, node, {
        displayMode: element.dataset.display === "block",
        throwOnError: true,
      });
    } catch (error) {
      showSource(element, source, error && error.message ? error.message : String(error));
      return;
    }
    element.replaceChildren(node);
    output.set(element, node);
  }

  async function render(root = document.body) {
    if (!root || !pending(root).length) return;
    let katex;
    try {
      katex = await LossViz.vendor.katex();
    } catch (error) {
      for (const element of pending(root)) showSource(element, element.textContent, `KaTeX not loaded: ${error.message}`);
      return;
    }
    // Checked again: another call, or Dash, may have changed an element while KaTeX loaded.
    for (const element of pending(root)) {
      if (element.isConnected) typeset(element, katex);
    }
  }

  // Typesetting a page's formulas takes 80–200 ms of main thread: done when the browser is idle
  // (at most TYPESET_DEADLINE_MS later), so the plots a page draws on opening come first.
  const TYPESET_DEADLINE_MS = 400;
  let scheduled = false;
  function schedule() {
    if (scheduled) return;
    scheduled = true;
    const run = () => {
      scheduled = false;
      render(document.body);
    };
    if (window.requestIdleCallback) window.requestIdleCallback(run, { timeout: TYPESET_DEADLINE_MS });
    else window.setTimeout(run, 0);
  }

  const observer = new MutationObserver((records) => {
    if (records.some((record) => record.addedNodes.length)) schedule();
  });

  function start() {
    observer.observe(document.body, { childList: true, subtree: true });
    schedule();
  }

  // Before Dash renders the layout: the source must never flash.
  if (!document.getElementById(STYLE_ID)) {
    const style = document.createElement("style");
    style.id = STYLE_ID;
    style.textContent = STYLE;
    document.head.appendChild(style);
  }
  LossViz.tex = { render };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
