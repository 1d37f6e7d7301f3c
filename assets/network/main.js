/*
 * The network loss landscape page (pages/network_landscape.py) in the browser: glue between
 * the Dash stores and the figure modules of this folder.
 *
 * The callback answers with small JSON, {key, fetch: [landscape URL], directions} in the
 * "nl-landscape-store" store; loadLandscape GETs the URL (LossViz.fetchData: an immutable LVZ1
 * container, components/network_payload.py) while "preparing…" (or the server's sentence
 * while it trains the network in its training lane) shows above the plot, and draws the
 * landscape (contour, or the 3-D surface when that toggle is on), the 1-D slice, the
 * interpolation θ₀ → θ* and the numbers with the vendored Plotly. The toggle and presentation
 * mode redraw from the numbers in hand, without a request.
 *
 * Dash clientside functions: window.dash_clientside.lossvizNetwork.{loadLandscape,
 * loadFirstLandscape, setPlot, urlSearch}. For tests and the console: LossViz.networkPage.state.
 */
(function () {
  "use strict";
  const LossViz = (window.LossViz = window.LossViz || {});
  const network = (LossViz.network = LossViz.network || {});

  const GRAPHS = { landscape: "nl-landscape", slice: "nl-slice", interp: "nl-interp" };
  const state = { landscape: null, url: null, plot: "contour", token: 0, drawn: {}, error: null };

  function noUpdate() {
    return window.dash_clientside ? window.dash_clientside.no_update : undefined;
  }

  function plotDiv(id) {
    const el = document.getElementById(id);
    return el ? el.querySelector(":scope > .plot-area") : null;
  }

  function status(text, kind) {
    const el = document.getElementById("nl-status");
    if (!el) return;
    el.hidden = !text;
    el.textContent = text || "";
    el.className = `nl-status${kind ? ` nl-status-${kind}` : ""}`;
    el.setAttribute("role", kind === "error" ? "alert" : "status");
  }

  async function drawLandscape(token) {
    const landscape = state.landscape;
    const gd = plotDiv(GRAPHS.landscape);
    if (!landscape || !gd) return;
    const surface = state.plot === "surface";
    const Plotly = surface ? await LossViz.vendor.plotly3d() : await LossViz.vendor.plotly();
    if (token !== state.token) return;
    const kind = surface ? "surface" : "contour";
    if (state.drawn[GRAPHS.landscape] && state.drawn[GRAPHS.landscape] !== kind) Plotly.purge(gd);
    await (surface ? network.surface : network.contour).draw(Plotly, gd, landscape);
    state.drawn[GRAPHS.landscape] = kind;
  }

  async function drawAll(token) {
    const landscape = state.landscape;
    const Plotly = await LossViz.vendor.plotly();
    if (token !== state.token || !landscape) return;
    const title = document.getElementById("nl-title");
    if (title) title.textContent = landscape.meta.directions === "pca" ? "Train loss on the PCA plane" : "Train loss around θ*";
    network.numbers.show(document.getElementById("nl-numbers"), landscape);
    await Promise.all([
      drawLandscape(token),
      network.curves.drawSlice(Plotly, plotDiv(GRAPHS.slice), landscape).then(() => (state.drawn[GRAPHS.slice] = true)),
      network.curves.drawInterpolation(Plotly, plotDiv(GRAPHS.interp), landscape).then(() => (state.drawn[GRAPHS.interp] = true)),
    ]);
  }

  function loadLandscape(store) {
    if (!store || store.kind !== "network-landscape" || !Array.isArray(store.fetch) || !store.fetch.length) return noUpdate();
    const url = store.fetch[0];
    const token = ++state.token;
    status("preparing…", "wait");
    const onWait = (sentence) => {
      if (token === state.token) status(sentence, "wait");
    };
    LossViz.fetchData(url, { onWait })
      .then((landscape) => {
        if (token !== state.token) return null;
        state.landscape = landscape;
        state.url = url;
        state.error = null;
        return drawAll(token).then(() => {
          if (token === state.token) status("");
        });
      })
      .catch((error) => {
        if (token !== state.token) return;
        state.error = error && error.message ? error.message : String(error);
        status(`The landscape could not be loaded: ${state.error}`, "error");
        console.warn("network landscape:", error);
      });
    return store.key;
  }

  function loadFirstLandscape(messages, store) {
    return loadLandscape(store);
  }

  function setPlot(value) {
    const plot = value === "surface" ? "surface" : "contour";
    if (plot === state.plot) return noUpdate();
    state.plot = plot;
    if (state.landscape) {
      const token = state.token;
      drawLandscape(token).catch((error) => status(`The plot could not be drawn: ${error.message || error}`, "error"));
    }
    return plot;
  }

  function urlSearch(stored, plot) {
    if (!stored || typeof stored.query !== "string") return noUpdate();
    const params = new URLSearchParams(stored.query);
    if (plot === "surface") params.set("plot", "surface"); // the view: never in the data URL
    LossViz.keepBrowserKeys(params);
    const text = params.toString().replace(/%2C/gi, ",");
    return text ? `?${text}` : "";
  }

  // The contour's margins fit its data's aspect to the figure's size: redraw on a resize.
  let resizeTimer = 0;
  window.addEventListener("resize", () => {
    window.clearTimeout(resizeTimer);
    resizeTimer = window.setTimeout(() => {
      if (state.landscape && state.plot === "contour" && document.getElementById(GRAPHS.landscape)) {
        drawLandscape(state.token).catch(() => {});
      }
    }, 150);
  });

  // Presentation mode changes the fonts and line widths: redraw from the numbers in hand.
  document.addEventListener("lossviz:presentation", () => {
    if (state.landscape && document.getElementById(GRAPHS.landscape)) drawAll(state.token).catch(() => {});
  });

  LossViz.networkPage = { state, GRAPHS, plotDiv };
  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.lossvizNetwork = { loadLandscape, loadFirstLandscape, setPlot, urlSearch };
})();
