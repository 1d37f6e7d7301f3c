/*
 * Canvases laid over (or under) a plot's area, for what changes every frame while playing:
 * drawing a few hundred lines or cells on a canvas costs a fraction of rewriting and
 * re-rasterizing Plotly's SVG. Once playback rests the page redraws the figure itself
 * exactly (hover texts, hover values) and clears the canvas.
 *
 *   const layer = pg.overlay.layer(gd, name, {below})   {canvas, ctx, width, height, x(v), y(v)}
 *                                                      sized to the plot area (device pixels),
 *                                                      x / y: data → canvas px for the axes
 *                                                      {xaxis, yaxis} (default the first)
 *   pg.overlay.clear(gd, name)
 *
 * `below`: under the plot (the figure's backgrounds must be transparent there), so Plotly's
 * markers stay on top; otherwise above it, with pointer events passing through.
 */
(function () {
  "use strict";
  const LossViz = (window.LossViz = window.LossViz || {});
  const pg = (LossViz.pg = LossViz.pg || {});

  function layer(gd, name, { below = false, xaxis = "xaxis", yaxis = "yaxis", area = null } = {}) {
    const adapter = LossViz.plotlyAdapter;
    const box = area || adapter.plotArea(gd);
    const xa = adapter.axis(gd, xaxis);
    const ya = adapter.axis(gd, yaxis);
    const host = gd && gd.parentElement;
    if (!box || !xa || !ya || !host) return null;
    let canvas = host.querySelector(`:scope > canvas[data-overlay="${name}"]`);
    if (!canvas) {
      canvas = document.createElement("canvas");
      canvas.dataset.overlay = name;
      canvas.className = below ? "pg-overlay pg-overlay-below" : "pg-overlay";
      host.insertBefore(canvas, below ? gd : null);
    }
    const ratio = window.devicePixelRatio || 1;
    const width = Math.round(box.width * ratio);
    const height = Math.round(box.height * ratio);
    if (canvas.width !== width || canvas.height !== height) {
      canvas.width = width;
      canvas.height = height;
    }
    const left = `${gd.offsetLeft + box.left}px`;
    const top = `${gd.offsetTop + box.top}px`;
    if (canvas.style.left !== left) canvas.style.left = left;
    if (canvas.style.top !== top) canvas.style.top = top;
    canvas.style.width = `${box.width}px`;
    canvas.style.height = `${box.height}px`;
    canvas.hidden = false;
    const ctx = canvas.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    return {
      canvas,
      ctx,
      width: box.width,
      height: box.height,
      x: (v) => xa.toPixel(v) - box.left,
      y: (v) => ya.toPixel(v) - box.top,
    };
  }

  function clear(gd, name) {
    const host = gd && gd.parentElement;
    const canvas = host && host.querySelector(`:scope > canvas[data-overlay="${name}"]`);
    if (!canvas || canvas.hidden) return;
    canvas.getContext("2d").clearRect(0, 0, canvas.width, canvas.height);
    canvas.hidden = true;
  }

  pg.overlay = { layer, clear };
})();
