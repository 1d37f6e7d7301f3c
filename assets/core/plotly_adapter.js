/*
 * The one place that reads Plotly's private internals (gd._fullLayout, axis objects, the SVG
 * that Plotly draws). Playback draws 60 frames a second by moving SVG directly instead of
 * asking Plotly for a redraw, which needs to know where Plotly put things; everything else
 * goes through Plotly's public API. If a Plotly upgrade moves these internals, only this file
 * changes (tests/test_*_browser.py exercise every function here).
 *
 *   LossViz.plotlyAdapter.isDrawn(gd)                 Plotly has laid the figure out
 *   LossViz.plotlyAdapter.plotArea(gd)                {left, top, width, height} in gd pixels
 *   LossViz.plotlyAdapter.axis(gd, name)              {toPixel(v), fromPixel(px), offset, length}
 *                                                      for "xaxis", "yaxis2", … (linear or log:
 *                                                      values in data units, pixels from gd's
 *                                                      top-left corner)
 *   LossViz.plotlyAdapter.traceElements(gd)           Map trace index -> its SVG <g class="trace">
 *   LossViz.plotlyAdapter.linePath(gd, index)         the SVG <path> of a scatter trace's line
 *   LossViz.plotlyAdapter.markerPaths(gd, index)      the SVG <path class="point"> of its markers
 *   LossViz.plotlyAdapter.dragSurface(gd)             the element that receives pointer events
 *                                                      over the plot area (clicks on empty spots)
 */
(function () {
  "use strict";
  const LossViz = (window.LossViz = window.LossViz || {});

  function isDrawn(gd) {
    return Boolean(gd && gd._fullLayout && gd._fullLayout._size && gd.data);
  }

  function plotArea(gd) {
    if (!isDrawn(gd)) return null;
    const size = gd._fullLayout._size;
    return { left: size.l, top: size.t, width: size.w, height: size.h };
  }

  function axis(gd, name) {
    const ax = isDrawn(gd) ? gd._fullLayout[name] : null;
    if (!ax || typeof ax.c2p !== "function") return null;
    const horizontal = name.startsWith("x");
    return {
      offset: ax._offset,
      length: ax._length,
      // c2p/p2c take data values (log axes included) and give pixels inside the axis.
      toPixel: (value) => ax._offset + ax.c2p(value),
      fromPixel: (pixel) => ax.p2c(pixel - ax._offset),
      horizontal,
    };
  }

  function traceElements(gd) {
    const groups = new Map();
    if (!gd) return groups;
    for (const group of gd.querySelectorAll(".scatterlayer .trace")) {
      const datum = group.__data__;
      const trace = datum && datum[0] && datum[0].trace;
      if (trace) groups.set(trace.index, group);
    }
    return groups;
  }

  function linePath(gd, index) {
    const group = traceElements(gd).get(index);
    return group ? group.querySelector("path.js-line") : null;
  }

  function markerPaths(gd, index) {
    const group = traceElements(gd).get(index);
    return group ? Array.from(group.querySelectorAll("path.point")) : [];
  }

  function dragSurface(gd) {
    return gd ? gd.querySelector(".nsewdrag") : null;
  }

  LossViz.plotlyAdapter = { isDrawn, plotArea, axis, traceElements, linePath, markerPaths, dragSurface };
})();
