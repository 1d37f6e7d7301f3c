/*
 * The optimizer lab in the browser: on every new `lab-data` store (pages/optimizer_lab.py) fetch
 * the landscape and the run it names (in parallel; both URLs are immutable, and decoded
 * responses are remembered by LossViz.fetchData, so a landscape is fetched once) and draw:
 * the 2-D view (assets/lab/contour.js) or the 3-D view (surface.js), the cost and learning-rate
 * charts (charts.js), the results table (results.js), then hand the run to playback.js.
 *
 * While a fetch is pending for more than SHOW_BUSY_AFTER_MS the plot says "computing…" (a new
 * run) or "preparing…" (a new landscape, or Plotly still loading) over the last good picture;
 * a failed fetch shows the server's sentence there and keeps the picture.
 *
 *   LossViz.lab.load(data)   called by the clientside callback on `lab-data` (assets/lab/page.js)
 *   LossViz.lab.state        what is on screen (tests read it)
 */
(function () {
  "use strict";
  const LossViz = (window.LossViz = window.LossViz || {});
  const SHOW_BUSY_AFTER_MS = 150;

  const state = {
    generation: 0,
    data: null,
    landscape: null,
    landscapeUrl: null,
    runs: [],
    run: null,
    Plotly: null,
    baseDrawn: null, // landscape URL + presentation flag the contour was drawn for
    scheduleStale: true,
  };

  /* The div Plotly draws into, inside the page's container `id` (made on first use). */
  function graph(id) {
    const outer = document.getElementById(id);
    if (!outer) return null;
    return LossViz.dom.child(outer, "div", "plot-area"); // components/plot.py
  }

  // ---- the status over the plot ---------------------------------------------------------------
  let statusTimer = null;

  function showStatus(text, kind) {
    const el = document.getElementById("lab-status");
    if (!el) return;
    el.textContent = text;
    el.dataset.kind = kind;
    el.hidden = false;
  }

  function pending(text) {
    window.clearTimeout(statusTimer);
    if (!state.runs.length && !state.data) {
      showStatus(text, "busy"); // nothing drawn yet: say so at once
      return;
    }
    statusTimer = window.setTimeout(() => showStatus(text, "busy"), SHOW_BUSY_AFTER_MS);
  }

  function settled() {
    window.clearTimeout(statusTimer);
    const el = document.getElementById("lab-status");
    if (el) el.hidden = true;
  }

  function failed(message) {
    window.clearTimeout(statusTimer);
    showStatus(message, "error");
  }

  // ---- drawing --------------------------------------------------------------------------------
  function scheduleDetails() {
    const outer = document.getElementById("lab-schedule");
    return outer ? outer.closest("details") : null;
  }

  function drawSchedule() {
    const details = scheduleDetails();
    if (!state.data || !details || !details.open) {
      state.scheduleStale = true; // drawn when its panel opens (a hidden plot has no size)
      return;
    }
    LossViz.labCharts.drawSchedule(state.Plotly, graph("lab-schedule"), {
      rows: state.data.rows,
      runs: state.runs,
      steps: state.data.steps,
    });
    state.scheduleStale = false;
  }

  function watchSchedule() {
    const details = scheduleDetails();
    if (!details || details._lossvizToggle) return;
    details._lossvizToggle = true;
    details.addEventListener("toggle", () => {
      if (details.open && state.scheduleStale) drawSchedule();
    });
  }

  /* Draw everything for the current data at `frame` (default: the last step). */
  function draw(frame) {
    const { data, landscape, runs, Plotly } = state;
    const shown = frame === undefined ? data.steps : Math.min(frame, data.steps);
    LossViz.labPlayback.stopQuietly();
    const holder = document.querySelector(".landscape-frame");
    if (holder) holder.dataset.view = data.view;
    // The colour map is a drawing choice in the canonical query (map=contrast), no data.
    LossViz.labTheme.setMap(new URLSearchParams(data.query || "").get("map"));
    if (holder) holder.dataset.map = LossViz.labTheme.map();
    const look = `${LossViz.labTheme.presenting()}|${LossViz.labTheme.map()}`;
    // Fit the frame to the window (and to the landscape's aspect): a new size redraws the base.
    if (holder && LossViz.labFit.fit(holder, landscape.meta.domain)) {
      state.baseDrawn = null;
      state.surfaceDrawn = null;
    }
    const graphs = { overlay: graph("lab-landscape"), surface: graph("lab-surface-paths"), cost: graph("lab-loss") };
    // A run drawn while the start dot is dragged keeps the dot under the hand (lab/plane_input.js).
    const held = LossViz.labPlaneInput.heldStart(graphs.overlay, data.start);
    const scene = { landscape, rows: data.rows, runs, start: held || data.start, frame: shown };
    if (data.view === "surface") {
      const base = graph("lab-surface");
      const key = `${state.landscapeUrl}|${look}`;
      // The surface below changes only with the landscape (or the look).
      const baseToo = state.surfaceDrawn !== key || !LossViz.plotlyAdapter.isDrawn(base);
      LossViz.labSurface.draw(Plotly, { base, paths: graphs.surface }, scene, { baseToo });
      state.surfaceDrawn = key;
    } else {
      const base = `${state.landscapeUrl}|${look}`;
      const contour = graph("lab-contour");
      // A page visit makes new containers: draw the contour again there too.
      if (state.baseDrawn !== base || !LossViz.plotlyAdapter.isDrawn(contour)) {
        LossViz.labContour.drawBase(Plotly, contour, landscape);
        state.baseDrawn = base;
      }
      LossViz.labContour.drawOverlay(Plotly, graphs.overlay, scene);
      LossViz.labPlaneInput.attach(graphs.overlay, () => state.landscape, Plotly);
    }
    LossViz.labPlayback.load({ Plotly, runs, view: data.view, steps: data.steps, landscape, graphs, drawnFrame: shown });
    // The charts and the table once the new paths are on screen (a task of their own, after
    // the next paint): the trajectories are what a student watches for.
    const generation = state.generation;
    const run = state.run;
    window.requestAnimationFrame(() =>
      window.setTimeout(() => {
        if (generation !== state.generation) return; // a newer run draws them
        LossViz.labCharts.drawCost(Plotly, graphs.cost, { rows: data.rows, runs, steps: data.steps, frame: shown });
        drawSchedule();
        watchSchedule();
        LossViz.labResults.draw(document.getElementById("lab-results"), run, data.rows);
        state.drawnAt = performance.now();
        typesetLater();
        LossViz.labFit.refit(); // the page below the plot has settled: its size may differ
      }, 0)
    );
  }

  /* The equations panel's formulas, typeset after the first picture (components/lab_equations.py
   * tex_later): they are below the plot. */
  function typesetLater() {
    const later = document.querySelectorAll(".lab-tex-later");
    if (!later.length || !LossViz.tex) return;
    later.forEach((el) => {
      el.classList.remove("lab-tex-later");
      el.classList.add("tex");
    });
    LossViz.tex.render(document.getElementById("lab-equations") || document.body);
  }

  async function load(data) {
    if (!data || !Array.isArray(data.fetch) || data.fetch.length < 2) return;
    const generation = ++state.generation;
    const [landscapeUrl, runUrl] = data.fetch;
    const plotly = data.view === "surface" ? LossViz.vendor.plotly3d() : LossViz.vendor.plotly();
    pending(landscapeUrl !== state.landscapeUrl || !state.Plotly ? "preparing…" : "computing…");
    try {
      const [Plotly, landscape, run] = await Promise.all([
        plotly,
        LossViz.fetchData(landscapeUrl),
        LossViz.fetchData(runUrl),
      ]);
      if (generation !== state.generation) return; // a newer change is already on its way
      Object.assign(state, { Plotly, data, landscape, landscapeUrl, run });
      state.runs = LossViz.labRuns.prepare(run, landscape, data.rows);
      draw();
      settled();
    } catch (error) {
      if (generation !== state.generation) return;
      failed(error && error.message ? error.message : String(error));
      typesetLater();
    }
  }

  /* A landscape's grid is fetched while the pointer rests on its option in the dropdown (the
   * grid URL differs from the one on screen by the landscape's id only); picking it then waits
   * only for the callback and the run. */
  document.addEventListener("pointerover", (event) => {
    const option = event.target.closest && event.target.closest("[role=option]");
    const picker = option && option.closest(".landscape-picker");
    if (!picker || !state.landscapeUrl || !state.landscape) return;
    let ids;
    try {
      ids = JSON.parse(picker.dataset.landscapes || "{}");
    } catch (error) {
      return;
    }
    const id = ids[option.textContent.trim()];
    if (!id || id === state.landscape.meta.id) return;
    const url = state.landscapeUrl.replace(`/landscape/${state.landscape.meta.id}.bin`, `/landscape/${id}.bin`);
    LossViz.fetchData(url).catch(() => {}); // a real pick reports its own failure
  });

  /* Everything again at the frame on screen (a new look or a new size). */
  function redraw() {
    if (!state.data || !document.getElementById("lab-landscape")) return;
    state.baseDrawn = null;
    state.surfaceDrawn = null;
    draw(LossViz.labPlayback.currentFrame());
  }

  /* Presentation mode changed: the same frame again, in the other look. */
  document.addEventListener("lossviz:presentation", redraw);

  // Opened on the lab itself: fetch Plotly now, while Dash loads and renders the page, instead of
  // once the page's first store arrives (the 1.1 MB bundle is the longest wait of a first open).
  if (/\/optimizers\/?$/.test(window.location.pathname) && LossViz.vendor) {
    const surface = new URLSearchParams(window.location.search).get("view") === "surface";
    (surface ? LossViz.vendor.plotly3d() : LossViz.vendor.plotly()).catch(() => {}); // load() reports
  }

  LossViz.lab = { load, draw, redraw, state, graph };
})();
