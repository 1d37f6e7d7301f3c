/*
 * What the lab exports (assets/core/export.js): the landscape view as drawn (contour,
 * iso-lines, paths, the start; or the 3-D view) and every drawn path as CSV, one row per
 * optimizer and step: w₁, w₂ (float32, as drawn: 7 significant digits), J (float64) and the
 * learning rate used for the step that leaves that point; and the 2-D view as a web page that
 * plays offline.
 */
(function () {
  "use strict";
  const LossViz = (window.LossViz = window.LossViz || {});
  LossViz.exporters = LossViz.exporters || {};

  const float32 = (v) => Number(v.toPrecision(7));

  function name() {
    const lab = LossViz.lab && LossViz.lab.state;
    const id = lab && lab.landscape && lab.landscape.meta && lab.landscape.meta.id;
    return `lab-${id || "landscape"}`;
  }

  function csv() {
    const lab = LossViz.lab && LossViz.lab.state;
    if (!lab || !lab.runs || !lab.runs.length) return null;
    const rows = [];
    for (const run of lab.runs) {
      for (let i = 0; i < run.n; i++) {
        const lr = i < run.lr.length ? float32(run.lr[i]) : "";
        rows.push([run.title, i, float32(run.x[i]), float32(run.y[i]), run.cost[i], lr]);
      }
    }
    return { columns: ["optimizer", "step", "w1", "w2", "J", "learning_rate"], rows };
  }

  const OFFLINE_WIDTH = 1600; // px: sharp on a projector, a JPEG of ~0.3 MB
  const CROP_MARGIN = 16; // frame px kept right of the colour bar

  const frameOf = () => document.querySelector(".landscape-frame");

  /* The overlay without what the offline page draws itself (paths, heads, slow weights, the
   * legend): its markers, the start dot and the axes stay in the picture. */
  function stillOverlay(gd) {
    const first = LossViz.labContour.FIRST_PATH_TRACE;
    const data = gd.data.map((trace, i) => (i < first ? trace : { ...trace, x: [], y: [], customdata: [] }));
    return { data, layout: { ...gd.layout, showlegend: false } };
  }

  /* The frame's px up to its colour bar's right edge: the picture leaves out the legend's
   * column (the offline page lists the paths itself). */
  function keptWidth(frame) {
    const box = frame.getBoundingClientRect();
    const rights = Array.from(frame.querySelectorAll(".colorbar"), (el) => el.getBoundingClientRect().right - box.left);
    const right = Math.max(0, ...rights.filter(Number.isFinite));
    return right > 0 ? Math.min(box.width, right + CROP_MARGIN) : box.width;
  }

  function dataUrl(blob) {
    return new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(reader.result);
      reader.onerror = () => reject(new Error("the picture could not be read"));
      reader.readAsDataURL(blob);
    });
  }

  /* The 2-D view as a page that plays offline (assets/core/offline_page.js): the landscape as
   * a still picture, every path's points moved to that picture's pixels. */
  async function offline() {
    const lab = LossViz.lab && LossViz.lab.state;
    const frame = frameOf();
    const gd = LossViz.lab && LossViz.lab.graph("lab-landscape");
    if (!lab || !lab.runs || !lab.runs.length || !frame || !gd) throw new Error("nothing to export yet");
    if (lab.data.view === "surface") throw new Error("the offline page plays the 2-D view: switch to it first");
    const adapter = LossViz.plotlyAdapter;
    const xa = adapter.axis(gd, "xaxis");
    const ya = adapter.axis(gd, "yaxis");
    const area = adapter.plotArea(gd);
    if (!xa || !ya || !area) throw new Error("the view is not drawn yet");
    const box = frame.getBoundingClientRect();
    const at = gd.getBoundingClientRect();
    const kept = keptWidth(frame);
    const scale = OFFLINE_WIDTH / Math.max(1, kept);
    const dx = at.left - box.left;
    const dy = at.top - box.top;
    // 0.1 px is finer than the picture; far outside it (a diverged run) the clip hides the line.
    const pixel = (value) => (Number.isFinite(value) ? Math.round(Math.max(-1e6, Math.min(1e6, value * scale)) * 10) / 10 : null);
    const blob = await LossViz.exportPicture(frame, "png", {
      width: OFFLINE_WIDTH,
      cropWidth: kept,
      type: "image/jpeg",
      quality: 0.88,
      figure: (el) => (el === gd ? stillOverlay(gd) : el),
    });
    const sizes = LossViz.labTheme.sizes();
    const meta = lab.landscape.meta;
    const steps = lab.data.steps;
    return {
      title: `${meta.title}: ${lab.runs.map((r) => r.title).join(", ")}`,
      subtitle: `${steps} steps from (${lab.data.start.map((v) => float32(v)).join(", ")}), saved from the optimizer lab`,
      link: window.location.href,
      picture: { src: await dataUrl(blob), width: Math.round(kept * scale), height: Math.round(box.height * scale) },
      clip: { left: (dx + area.left) * scale, top: (dy + area.top) * scale, width: area.width * scale, height: area.height * scale },
      steps,
      lineWidth: sizes.line * scale,
      headRadius: (sizes.head / 2) * scale,
      paths: lab.runs.map((r) => {
        const px = new Array(r.n);
        const py = new Array(r.n);
        for (let i = 0; i < r.n; i++) {
          const ok = Number.isFinite(r.x[i]) && Number.isFinite(r.y[i]);
          px[i] = ok ? pixel(dx + xa.toPixel(r.x[i])) : null;
          py[i] = ok ? pixel(dy + ya.toPixel(r.y[i])) : null;
        }
        const dash = LossViz.labContour.dashPattern(r.dash, sizes.line * scale); // as the lab draws it
        return { title: r.legendName, color: r.color, dash, px, py, cost: Array.from(r.cost, (v) => float32(v)) };
      }),
    };
  }

  LossViz.exporters.lab = { frame: frameOf, name, csv, offline };
})();
