/*
 * Small DOM helpers shared by the page modules.
 *
 *   LossViz.dom.child(parent, tag, className)   parent's direct child <tag class=className>,
 *                                                made and appended on first use (a plot's
 *                                                container, a canvas or label layer over it)
 */
(function () {
  "use strict";
  const LossViz = (window.LossViz = window.LossViz || {});

  function child(parent, tag, className) {
    const selector = `:scope > ${tag}.${className.split(" ").join(".")}`;
    let element = parent.querySelector(selector);
    if (!element) {
      element = document.createElement(tag);
      element.className = className;
      parent.appendChild(element);
    }
    return element;
  }

  LossViz.dom = { child };
})();
