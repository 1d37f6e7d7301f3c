/*
 * The learning-rate range test page (pages/lr_range.py) in the browser.
 *
 * The page's callback answers with small JSON in the "lr-test" store, {key, fetch: [URL],
 * playground: path}; loadTest GETs the URL (LossViz.fetchData: an immutable LVZ1 container,
 * components/lr_range_payload.py), draws the chart (LossViz.lrRange.figure) with the vendored
 * Plotly and writes what the test found, with the links that train the playground network at
 * a suggested rate. While a fetch takes longer than ~150 ms the chart says "running the test…".
 *
 * Dash clientside functions: window.dash_clientside.lossvizLrRange.{loadTest, urlSearch}.
 * For tests and the console: LossViz.lrRange.state (the drawn container).
 */
(function () {
  "use strict";
  const LossViz = (window.LossViz = window.LossViz || {});
  const lr = (LossViz.lrRange = LossViz.lrRange || {});
  const noUpdate = () => window.dash_clientside.no_update;

  const CHART = "lr-chart";
  const FOUND = "lr-found";
  const NOTICE = "lr-fetch-error";
  const state = (lr.state = { test: null, token: 0, playground: "/playground" });
  let Plotly = null;

  const notice = (text, waiting) => LossViz.page.notice(NOTICE, text, waiting);

  function link(text, query) {
    const a = document.createElement("a");
    a.className = "lr-train-link";
    const params = new URLSearchParams(query || "");
    const present = new URLSearchParams(window.location.search).get("present");
    if (present) params.set("present", present); // a projected page stays projected
    const search = params.toString().replace(/%2C/gi, ",");
    a.href = `${state.playground}${search ? `?${search}` : ""}`;
    a.textContent = text;
    return a;
  }

  function line(parts) {
    const p = document.createElement("p");
    for (const part of parts) p.append(part);
    return p;
  }

  /* What the test found, in sentences, and the links that use it. */
  function writeFound(meta) {
    const el = document.getElementById(FOUND);
    if (!el) return;
    const f = lr.format;
    const items = [];
    const steps = `${meta.stoppedAt + 1} of ${meta.steps} steps`;
    items.push(
      line([
        meta.diverged
          ? `Stopped after ${steps}: the smoothed loss passed 4 × its best (${f(meta.bestLoss)}).`
          : `Ran all ${steps}; the smoothed loss never passed 4 × its best (${f(meta.bestLoss)}).`,
      ]),
    );
    if (meta.steepest) {
      items.push(
        line([
          `Steepest descent at η = ${f(meta.steepest.rate)}. `,
          link(`Train with η = ${f(meta.steepest.rate)} →`, meta.links.steepest),
          " ",
          link(`One-cycle up to η = ${f(meta.steepest.rate)} →`, meta.links.oneCycle),
        ]),
      );
    }
    if (meta.minimum) {
      items.push(
        line([
          `Lowest smoothed loss at η = ${f(meta.minimum.rate)}; a tenth of it: η = ${f(meta.minimumTenth)}. `,
          link(`Train with η = ${f(meta.minimumTenth)} →`, meta.links.minimumTenth),
        ]),
      );
    }
    if (!meta.steepest && !meta.minimum) {
      items.push(line(["Too few steps were recorded to suggest a rate; start lower or use more steps."]));
    }
    el.replaceChildren(...items);
  }

  function draw() {
    const el = document.getElementById(CHART);
    if (!el || !state.test || !Plotly) return;
    const { data, layout } = lr.figure(state.test);
    Plotly.react(LossViz.page.plotArea(CHART), data, layout, LossViz.labTheme.PLOT_CONFIG);
  }

  function loadTest(store) {
    if (!store || !Array.isArray(store.fetch)) return noUpdate();
    if (store.playground) state.playground = store.playground;
    const token = ++state.token;
    if (!store.fetch.length) return store.key;
    const stop = LossViz.page.busy(CHART, Plotly ? "running the test…" : "preparing…");
    const onWait = (sentence) => {
      if (token === state.token) notice(sentence, true);
    };
    Promise.all([LossViz.vendor.plotly(), LossViz.fetchData(store.fetch[0], { onWait })])
      .then(([plotly, container]) => {
        Plotly = plotly;
        if (token !== state.token) return;
        notice("");
        state.test = container;
        draw();
        writeFound(container.meta);
      })
      .catch((error) => {
        if (token === state.token) notice(`The test could not be loaded: ${error && error.message ? error.message : error}`);
        console.warn("lr range test:", error);
      })
      .finally(stop);
    return store.key;
  }

  document.addEventListener("lossviz:presentation", draw);
  if (/\/lr-range\/?$/.test(window.location.pathname) && LossViz.vendor) {
    LossViz.vendor.plotly().catch(() => {}); // loadTest asks again and reports a failure
  }

  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.lossvizLrRange = { loadTest, urlSearch: (store) => LossViz.page.search(store) };
})();
