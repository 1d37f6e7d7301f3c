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
 *   LossViz.plotlyAdapter.colorbarArea(gd)            {left, top, width, height} in gd pixels of
 *                                                      the colour bar's gradient (null if none)
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

  function colorbarArea(gd) {
    const fill = gd ? gd.querySelector(".colorbar rect.cbfill") : null;
    if (!fill) return null;
    const box = fill.getBoundingClientRect();
    const origin = gd.getBoundingClientRect();
    return { left: box.left - origin.left, top: box.top - origin.top, width: box.width, height: box.height };
  }

  LossViz.plotlyAdapter = { isDrawn, plotArea, axis, traceElements, linePath, markerPaths, dragSurface, colorbarArea };
})();

/*
 * Appended for the optimizer lab's 3-D playback (assets/lab/surface.js):
 *
 *   LossViz.plotlyAdapter.updateGl3dTraces(gd, indices, {x, y, z})
 *       gives scatter3d traces `indices` new coordinates (x[k], y[k], z[k] for indices[k]) and
 *       redraws the scene once, without Plotly's full replot (which updates every trace of
 *       the scene, the surface included: ~100 ms a frame). Plotly's own data stays as it was,
 *       so the caller restyles once, exactly, when it stops (as the 2-D playback does).
 *       Returns false, touching nothing, when the scene is not as expected (then restyle).
 */
(function () {
  "use strict";
  const adapter = window.LossViz && window.LossViz.plotlyAdapter;
  if (!adapter) return;

  function updateGl3dTraces(gd, indices, coordinates) {
    try {
      const fullData = gd && gd._fullData;
      if (!fullData || !gd._fullLayout) return false;
      const targets = [];
      for (const index of indices) {
        const full = fullData[index];
        if (!full || full.type !== "scatter3d" || full.visible !== true) return false;
        const scene = gd._fullLayout[full.scene] && gd._fullLayout[full.scene]._scene;
        const object = scene && scene.traces && scene.traces[full.uid];
        if (!object || typeof object.update !== "function" || !scene.glplot) return false;
        targets.push({ full, scene, object });
      }
      const scenes = new Set();
      targets.forEach(({ full, scene, object }, k) => {
        const data = Object.assign(Object.create(Object.getPrototypeOf(full)), full);
        data.x = coordinates.x[k];
        data.y = coordinates.y[k];
        data.z = coordinates.z[k];
        data._length = data.x.length;
        object.update(data);
        scenes.add(scene);
      });
      for (const scene of scenes) scene.glplot.redraw();
      return true;
    } catch (error) {
      return false;
    }
  }

  adapter.updateGl3dTraces = updateGl3dTraces;
})();

/*
 * Appended for the network playground (assets/playground/):
 *   LossViz.plotlyAdapter.linePaths(gd, index)   every SVG <path class="js-line"> of a scatter
 *                                                trace (Plotly draws one per run of points
 *                                                between nulls)
 */
(function () {
  "use strict";
  const adapter = window.LossViz.plotlyAdapter;

  function linePaths(gd, index) {
    const group = adapter.traceElements(gd).get(index);
    return group ? Array.from(group.querySelectorAll("path.js-line")) : [];
  }

  adapter.linePaths = linePaths;
})();

/*
 * Appended for the lab's start dot (assets/lab/plane_input.js, which drags it itself):
 *   LossViz.plotlyAdapter.shapeElement(gd, index)   the SVG element Plotly drew for layout shape
 *                                                    `index` (null if none); Plotly replaces it
 *                                                    on every redraw, so ask again each time
 */
(function () {
  "use strict";
  const adapter = window.LossViz.plotlyAdapter;

  function shapeElement(gd, index) {
    return gd ? gd.querySelector(`.shapelayer [data-index="${Number(index)}"]`) : null;
  }

  adapter.shapeElement = shapeElement;
})();
