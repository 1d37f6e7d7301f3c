/*
 * Live session, the reveal: the class's answers, drawn in the browser from the counts the
 * server sends. Votes: a bar per option in the session bar (HTML bars; the vendored Plotly
 * has no bar trace). Predictions: a 2-D histogram (a heatmap trace, empty cells transparent)
 * over the lab's landscape and its real paths, plus a student's own prediction (a marker).
 * Both are extra traces at the end of the overlay: the lab's Plotly.react drops them, so they
 * are added again after a redraw ("plotly_afterplot", and a check every second).
 */
(function () {
  "use strict";
  const LossViz = (window.LossViz = window.LossViz || {});
  const live = (LossViz.live = LossViz.live || {});
  const META = "live-session";

  const drawn = { heat: null, mine: null }; // the traces to keep on the landscape

  const $ = (id) => document.getElementById(id);

  function landscape() {
    return document.querySelector("#lab-landscape .js-plotly-plot");
  }

  function heatTrace(question, reveal) {
    const [[x0, x1], [y0, y1]] = question.domain;
    const n = reveal.bins;
    const xs = Array.from({ length: n }, (_, i) => x0 + ((i + 0.5) * (x1 - x0)) / n);
    const ys = Array.from({ length: n }, (_, i) => y0 + ((i + 0.5) * (y1 - y0)) / n);
    const z = ys.map((_, iy) => xs.map((_, ix) => reveal.counts[iy * n + ix] || null));
    return {
      type: "heatmap",
      x: xs,
      y: ys,
      z,
      zmin: 0,
      colorscale: [
        [0, "rgba(230, 97, 1, 0.35)"],
        [1, "rgba(178, 24, 43, 0.85)"],
      ],
      showscale: false,
      zsmooth: false,
      hovertemplate: "%{z} predictions<extra></extra>",
      showlegend: false,
      meta: META,
      name: "class predictions",
    };
  }

  function mineTrace(point) {
    return {
      type: "scatter",
      mode: "markers",
      x: [point[0]],
      y: [point[1]],
      marker: { symbol: "x", size: 14, color: "#111", line: { width: 2, color: "#fff" } },
      hovertemplate: "your prediction<extra></extra>",
      showlegend: false,
      meta: META,
      name: "your prediction",
    };
  }

  /* Put our traces on the overlay (removing old ones); re-entered from plotly_afterplot. */
  function paint() {
    const gd = landscape();
    if (!gd || !gd.data || !window.Plotly || gd._lossvizLivePainting) return;
    if (!gd._lossvizLiveHooked) {
      gd._lossvizLiveHooked = true;
      gd.on("plotly_afterplot", () => window.setTimeout(sync, 0));
    }
    const wanted = [drawn.heat, drawn.mine].filter(Boolean);
    const ours = gd.data.map((t, i) => (t.meta === META ? i : -1)).filter((i) => i >= 0);
    gd._lossvizLivePainting = true;
    let work = Promise.resolve();
    if (ours.length) work = work.then(() => window.Plotly.deleteTraces(gd, ours));
    if (wanted.length) work = work.then(() => window.Plotly.addTraces(gd, wanted));
    work.finally(() => {
      gd._lossvizLivePainting = false;
      window.setTimeout(sync, 0); // a redraw while painting may have dropped them again
    });
  }

  /* After a redraw: paint again only if our traces are missing or differ. */
  function sync() {
    const gd = landscape();
    if (!gd || !gd.data || gd._lossvizLivePainting) return;
    const wanted = [drawn.heat, drawn.mine].filter(Boolean);
    const present = gd.data.filter((t) => t.meta === META).length;
    if (present !== wanted.length || gd._lossvizLiveDirty) {
      gd._lossvizLiveDirty = false;
      paint();
    }
  }

  function drawMine(point) {
    drawn.mine = point ? mineTrace(point) : null;
    const gd = landscape();
    if (gd) gd._lossvizLiveDirty = true;
    sync();
  }

  function bars(question, reveal) {
    const box = $("live-reveal");
    const total = Math.max(1, reveal.total);
    const top = Math.max(1, ...reveal.counts);
    const title = document.createElement("div");
    title.className = "live-prompt";
    title.textContent = `${question.prompt} — ${reveal.total} answers`;
    const rows = question.options.map((label, i) => {
      const row = document.createElement("div");
      row.className = "live-bar-row";
      row.dataset.count = String(reveal.counts[i]);
      const name = document.createElement("span");
      name.className = "live-bar-label";
      name.textContent = label;
      const track = document.createElement("span");
      track.className = "live-bar-track";
      const fill = document.createElement("span");
      fill.className = "live-bar-fill";
      fill.style.width = `${(100 * reveal.counts[i]) / top}%`;
      track.appendChild(fill);
      const value = document.createElement("span");
      value.className = "live-bar-value";
      value.textContent = `${reveal.counts[i]} (${Math.round((100 * reveal.counts[i]) / total)} %)`;
      row.append(name, track, value);
      return row;
    });
    box.replaceChildren(title, ...rows);
  }

  let shown = null;

  function update(session, data) {
    const question = data && data.question;
    const reveal = data && data.reveal;
    const box = $("live-reveal");
    const key = question && reveal && reveal.qid === question.id ? reveal.qid : null;
    if (key === shown) return;
    shown = key;
    drawn.heat = null;
    if (box) box.hidden = !key;
    if (key && question.kind === "choice") bars(question, reveal);
    if (key && question.kind === "point") {
      drawn.heat = heatTrace(question, reveal);
      const text = document.createElement("div");
      text.className = "live-prompt";
      text.textContent = `${question.prompt} — ${reveal.total} predictions, shown on the landscape`;
      if (box) box.replaceChildren(text);
    }
    if (!key && box) box.replaceChildren();
    const gd = landscape();
    if (gd) gd._lossvizLiveDirty = true;
    sync();
  }

  // The lab may draw its landscape after the answers arrived (a follower just navigated
  // there) or redraw it while ours were being added: look again every second while shown.
  window.setInterval(() => {
    if (drawn.heat || drawn.mine) sync();
  }, 1000);

  live.reveal = { update, drawMine, heatTrace };
})();
