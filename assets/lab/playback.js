/*
 * The lab's playback on the shared player (assets/core/player.js): frame k of every path, head
 * and cost line; no request per frame.
 *
 * A Plotly restyle redraws a whole figure (~30 ms for the overlay), too slow for 50+ frames a
 * second. So while the 2-D view plays, every path and cost line is drawn whole once, measured,
 * and each frame only reveals a prefix of each SVG line (stroke-dasharray) and moves the heads
 * (assets/lab/contour.js). When playback stops, one exact restyle (sliced data, hover values)
 * replaces the trick. The 3-D view gives its path and head GL objects their points each frame
 * (assets/lab/surface.js playFrame) and restyles once on pause.
 *
 *   LossViz.labPlayback.load({Plotly, runs, view, steps, landscape, graphs, drawnFrame})
 *       graphs = {overlay, surface, cost}; `drawnFrame` is the frame the views just drew
 *       (the player starts there without drawing it again)
 *   LossViz.labPlayback.stopQuietly()   pause without the exact redraw (a new run replaces it)
 */
(function () {
  "use strict";
  const LossViz = (window.LossViz = window.LossViz || {});
  const PLAYER = "lab";

  const state = { runs: [], view: "contour", frames: 1, graphs: null, geometry: null, drawnFrame: null, quiet: false };

  const player = () => LossViz.player(PLAYER);

  function renderExact(k) {
    const { Plotly, runs, graphs, view } = state;
    if (!graphs || !runs.length) return;
    if (view === "surface") LossViz.labSurface.renderFrame(Plotly, graphs.surface, runs, k, state.landscape);
    else LossViz.labContour.renderFrame(Plotly, graphs.overlay, runs, k);
    LossViz.labCharts.renderCost(Plotly, graphs.cost, runs, k);
  }

  function render(k) {
    state.frame = k;
    LossViz.labStability.show(state.runs, k);
    if (state.drawnFrame === k) {
      state.drawnFrame = null; // the views drew exactly this frame already
      return;
    }
    state.drawnFrame = null;
    const g = state.geometry;
    if (player().playing && g) {
      if (state.view === "surface") LossViz.labSurface.playFrame(state.Plotly, state.graphs.surface, state.runs, k, state.landscape);
      else if (g.paths) LossViz.labContour.reveal(g.paths, state.runs, k);
      if (g.costs) LossViz.labCharts.revealCost(g.costs, state.runs, k);
      return;
    }
    renderExact(k);
  }

  function startPlaying() {
    if (!state.graphs || !state.runs.length) return;
    const last = state.frames - 1;
    const { Plotly, runs, graphs } = state;
    // Draw every line whole, measure it, then play by revealing prefixes.
    LossViz.labCharts.renderCost(Plotly, graphs.cost, runs, last);
    const geometry = { costs: LossViz.labCharts.measureCost(graphs.cost, runs) };
    if (state.view !== "surface") {
      LossViz.labContour.renderFrame(Plotly, graphs.overlay, runs, last);
      geometry.paths = LossViz.labContour.measure(graphs.overlay, runs);
    }
    state.geometry = geometry;
  }

  function clear() {
    const g = state.geometry;
    state.geometry = null;
    if (!g) return;
    LossViz.labContour.clearReveal(g.paths);
    LossViz.labContour.clearReveal(g.costs);
  }

  function stopPlaying(k) {
    clear();
    if (!state.quiet) renderExact(k);
  }

  function stopQuietly() {
    state.quiet = true;
    try {
      player().pause();
    } finally {
      state.quiet = false;
      clear();
    }
  }

  function load({ Plotly, runs, view, steps, landscape, graphs, drawnFrame }) {
    stopQuietly();
    Object.assign(state, { Plotly, runs, view, landscape, graphs, frames: steps + 1, drawnFrame });
    player().load({
      frames: state.frames,
      render,
      label: (k) => `step ${k} / ${steps}`,
      onPlay: startPlaying,
      onPause: stopPlaying,
      atEnd: drawnFrame === steps, // show where every optimizer ends; Play starts from step 0
      keepFrame: drawnFrame !== steps,
    });
  }

  /* The frame on screen (a redraw, e.g. for presentation mode, draws this one). */
  function currentFrame() {
    return Math.min(player().frame, state.frames - 1);
  }

  LossViz.labPlayback = { load, stopQuietly, currentFrame, state };
})();
