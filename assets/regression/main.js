/*
 * The SGD-vs-minibatch page (pages/regression.py) in the browser.
 *
 * The page's callback answers with {key, fetch: [run URL]} in the "rg-run" store; loadRun GETs
 * it (LossViz.fetchData: an immutable LVZ1 container, components/regression_payload.py), draws
 * the plane, the data and the loss with the vendored Plotly and hands the frames (one per SGD
 * update) to the shared player; playing never sends a request. A click on the plane moves
 * the start there (the start boxes' values, so the page's callback validates them).
 *
 * Dash clientside functions: window.dash_clientside.lossvizRegression.{loadRun, urlSearch}.
 * For tests and the console: LossViz.regression.state ({run, grid, frame}).
 */
(function () {
  "use strict";
  const LossViz = (window.LossViz = window.LossViz || {});
  const rg = (LossViz.regression = LossViz.regression || {});
  const noUpdate = () => window.dash_clientside.no_update;
  const { notice, plotArea, sentences } = LossViz.page;

  const PLAYER = "sgd";
  const NOTICE = "rg-fetch-error";
  const state = (rg.state = { run: null, grid: null, frame: 0, token: 0 });
  let Plotly = null;

  function render(k) {
    state.frame = k;
    if (!state.run || !Plotly) return;
    const config = LossViz.labTheme.PLOT_CONFIG;
    const plane = rg.planeFigure(state.run, state.grid, k);
    const data = rg.dataFigure(state.run, k);
    const loss = rg.lossFigure(state.run, k);
    Plotly.react(plotArea("rg-plane"), plane.data, plane.layout, config);
    Plotly.react(plotArea("rg-data"), data.data, data.layout, config);
    Plotly.react(plotArea("rg-loss"), loss.data, loss.layout, config);
    sentences("rg-readout", rg.readout(state.run, k));
  }

  function listenForClicks() {
    const gd = plotArea("rg-plane");
    if (!gd || gd.dataset.startClicks) return;
    gd.dataset.startClicks = "1";
    gd.on("plotly_click", (event) => {
      const point = event && event.points && event.points[0];
      if (!point || !Number.isFinite(point.x) || !Number.isFinite(point.y)) return;
      const round = (v) => String(Number(v.toFixed(2)));
      window.dash_clientside.set_props("rg-w0", { value: round(point.x) });
      window.dash_clientside.set_props("rg-b0", { value: round(point.y) });
    });
  }

  function show(run) {
    state.run = run;
    state.grid = rg.view(run);
    const sgd = run.meta.methods[0];
    if (LossViz.pg && LossViz.pg.playback) LossViz.pg.playback.ensureScrub(PLAYER);
    const label = (k) => `Epoch ${(k / sgd.perEpoch).toFixed(2)} · SGD update ${k}`;
    LossViz.player(PLAYER).load({ frames: sgd.updates + 1, render, label });
    render(0);
    listenForClicks();
  }

  function loadRun(store) {
    if (!store || !Array.isArray(store.fetch) || !store.fetch.length) return noUpdate();
    const token = ++state.token;
    const onWait = (sentence) => {
      if (token === state.token) notice(NOTICE, sentence, true);
    };
    const stop = LossViz.page.busy("rg-plane", Plotly ? "computing…" : "preparing…");
    Promise.all([LossViz.vendor.plotly(), LossViz.fetchData(store.fetch[0], { onWait })])
      .then(([plotly, run]) => {
        Plotly = plotly;
        if (token !== state.token) return;
        notice(NOTICE, "");
        show(run);
      })
      .catch((error) => {
        if (token === state.token) notice(NOTICE, `The runs could not be loaded: ${error && error.message ? error.message : error}`);
        console.warn("sgd page:", error);
      })
      .finally(stop);
    return store.key;
  }

  document.addEventListener("lossviz:presentation", () => render(state.frame));
  if (/\/sgd\/?$/.test(window.location.pathname) && LossViz.vendor) {
    LossViz.vendor.plotly().catch(() => {});
  }

  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.lossvizRegression = { loadRun, urlSearch: (store) => LossViz.page.search(store) };
})();
