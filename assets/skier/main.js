/*
 * The skier page (pages/skier.py) in the browser.
 *
 * The page's callback answers with {key, fetch: [ride URL]} in the "sk-ride" store; loadRide
 * GETs it (LossViz.fetchData: an immutable LVZ1 container, components/skier_payload.py),
 * draws both charts with the vendored Plotly and hands the steps to the shared player
 * (assets/core/player.js, wall-clock pace: "normal" is 0.25 steps per 60 Hz tick, 100 steps in
 * ~7 s). Playing, stepping and scrubbing never send a request. A click on the curve chart
 * moves the start there (the start box's value, so the page's callback validates it).
 *
 * Dash clientside functions: window.dash_clientside.lossvizSkier.{loadRide, urlSearch}. For
 * tests and the console: LossViz.skier.state ({ride, frame}).
 */
(function () {
  "use strict";
  const LossViz = (window.LossViz = window.LossViz || {});
  const sk = (LossViz.skier = LossViz.skier || {});
  const noUpdate = () => window.dash_clientside.no_update;

  const PLAYER = "skier";
  const CURVE = "sk-curve";
  const LOSS = "sk-loss";
  const state = (sk.state = { ride: null, frame: 0, token: 0 });
  let Plotly = null;

  const { notice, plotArea: area, sentences, swatch, texSpan } = LossViz.page;

  function writeReadout(k) {
    if (state.ride) sentences("sk-readout", sk.readout(state.ride, k));
  }

  /* The curve's formula and note, and each skier's update rule, as the lab shows them. */
  function writeAbout() {
    const el = document.getElementById("sk-about");
    if (!el || !state.ride) return;
    const curve = state.ride.meta.curve;
    const formula = document.createElement("p");
    formula.append(`${curve.title}: `, texSpan(curve.latex));
    const note = document.createElement("p");
    note.textContent = curve.note;
    const rules = state.ride.meta.skiers.map((skier) => {
      const p = document.createElement("p");
      p.append(swatch(skier.color), `${skier.title} (η = ${skier.lr}): `, texSpan(skier.latex.join(",\\quad ")));
      return p;
    });
    el.replaceChildren(formula, note, ...rules);
    if (LossViz.tex) LossViz.tex.render(el);
  }

  function render(k) {
    state.frame = k;
    if (!state.ride || !Plotly) return;
    const curve = sk.curveFigure(state.ride, k);
    const loss = sk.lossFigure(state.ride, k);
    const config = LossViz.labTheme.PLOT_CONFIG;
    Plotly.react(area(CURVE), curve.data, curve.layout, config);
    Plotly.react(area(LOSS), loss.data, loss.layout, config);
    writeReadout(k);
  }

  function listenForClicks() {
    const gd = area(CURVE);
    if (!gd || gd.dataset.skierClicks) return;
    gd.dataset.skierClicks = "1";
    gd.on("plotly_click", (event) => {
      const point = event && event.points && event.points[0];
      if (!point || !Number.isFinite(point.x)) return;
      window.dash_clientside.set_props("sk-w0", { value: String(Number(point.x.toFixed(3))) });
    });
  }

  function show(ride) {
    state.ride = ride;
    const steps = Math.max(...ride.meta.skiers.map((s) => s.points), 1);
    writeAbout();
    if (LossViz.pg && LossViz.pg.playback) LossViz.pg.playback.ensureScrub(PLAYER);
    LossViz.player(PLAYER).load({ frames: steps, render, label: (k) => `Step ${k} / ${steps - 1}` });
    render(0);
    listenForClicks();
  }

  function loadRide(store) {
    if (!store || !Array.isArray(store.fetch) || !store.fetch.length) return noUpdate();
    const token = ++state.token;
    const onWait = (sentence) => {
      if (token === state.token) notice("sk-fetch-error", sentence, true);
    };
    const stop = LossViz.page.busy(CURVE, Plotly ? "computing…" : "preparing…");
    Promise.all([LossViz.vendor.plotly(), LossViz.fetchData(store.fetch[0], { onWait })])
      .then(([plotly, ride]) => {
        Plotly = plotly;
        if (token !== state.token) return;
        notice("sk-fetch-error", "");
        show(ride);
      })
      .catch((error) => {
        if (token === state.token) notice("sk-fetch-error", `The ride could not be loaded: ${error && error.message ? error.message : error}`);
        console.warn("skier:", error);
      })
      .finally(stop);
    return store.key;
  }

  document.addEventListener("lossviz:presentation", () => render(state.frame));
  if (/\/skier\/?$/.test(window.location.pathname) && LossViz.vendor) {
    LossViz.vendor.plotly().catch(() => {});
  }

  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.lossvizSkier = { loadRide, urlSearch: (store) => LossViz.page.search(store) };
})();
