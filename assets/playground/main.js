/*
 * The network playground page (pages/playground.py) in the browser: glue between the Dash
 * stores and the figure modules of this folder.
 *
 * The training callback answers with small JSON, {key, fetch: [run URL], layers, …} in the
 * "pg-run" store; loadRun GETs the URL (LossViz.fetchData: an immutable LVZ1 container, see
 * components/playground_payload.py), builds every figure with the vendored Plotly
 * (LossViz.vendor.plotly()) and hands the frames to the player. Play, pause, step, scrub, the
 * weights/gradients toggle, test points and neuron maps never send a request. While a fetch
 * takes longer than ~150 ms, "training…" shows over the last good picture.
 *
 * Per frame only the graphs on screen are drawn (pg.visibility); a graph scrolled into view
 * catches up. While playing, the network links and the W / ∂L/∂W cells are painted on
 * canvases and the boundary moves its picture and line only; 250 ms after playback rests
 * they are redrawn exactly by Plotly (hover texts, hover values).
 *
 * Dash clientside functions: window.dash_clientside.lossvizPlayground.{loadRun, loadFirstRun,
 * loadCompare,
 * setView, setShowTest, setTab, showRuleParams, urlSearch}. For tests, benchmarks and the
 * console: LossViz.playground (state, drawnFrame, neuronMap, probabilities, isoLine,
 * gradient, nodePixel).
 */
(function () {
  "use strict";
  const LossViz = (window.LossViz = window.LossViz || {});
  const pg = (LossViz.pg = LossViz.pg || {});

  const PLAYER = "playground";
  const COMPARE_PLAYER = "playground-compare";
  const RUN_GRAPHS = {
    network: "pg-network",
    boundary: "pg-boundary",
    curves: "pg-curves",
    norms: "pg-norms",
    layers: "pg-layers",
    activation: "pg-activation",
  };
  const COMPARE_GRAPHS = { boundaries: "pg-cmp-boundaries", curves: "pg-cmp-curves" };
  const SETTLE_MS = 250;

  const state = {
    spec: null,
    run: null,
    runUrl: null, // the URL the shown run came from
    cmp: null, // the comparison's runs, one per scheme
    view: "weights",
    showTest: false,
    tab: "train",
    pinned: null, // [layer, index], layer 0 = inputs, the last = output
    hovered: null,
    runToken: 0,
    cmpToken: 0,
    runLoaded: false,
    cmpLoaded: false,
    frame: 0,
    cmpFrame: 0,
    openedOnCompare: undefined,
    timing: {}, // ms of the last draw of each graph, and of the whole frame
  };
  const drawnFrame = {}; // graph id -> the frame it shows
  let Plotly = null;

  function noUpdate() {
    return window.dash_clientside ? window.dash_clientside.no_update : undefined;
  }

  /* The div Plotly draws into, inside the page's container `id` (components/plot.py). */
  function plotDiv(id) {
    const el = document.getElementById(id);
    return el ? el.querySelector(":scope > .plot-area") : null;
  }

  function drawn(id) {
    return LossViz.plotlyAdapter.isDrawn(plotDiv(id));
  }

  function playing(name) {
    return LossViz.player(name).playing;
  }

  function report(error, where) {
    const el = document.getElementById(where);
    if (el) {
      el.hidden = false;
      el.classList.remove("pg-waiting");
      el.textContent = `The run could not be loaded: ${error && error.message ? error.message : error}`;
    }
    console.warn("playground:", error);
  }

  /* A sentence instead of the picture (e.g. a comparison over the server's compute budget). */
  function showNotice(where, sentence) {
    const el = document.getElementById(where);
    if (!el) return;
    el.hidden = false;
    el.classList.remove("pg-waiting");
    el.textContent = sentence;
  }

  /* The server is training this run in its training lane: say so until it arrives. */
  function showWaiting(where, sentence) {
    const el = document.getElementById(where);
    if (!el) return;
    el.hidden = false;
    el.classList.add("pg-waiting");
    el.setAttribute("role", "status");
    el.textContent = sentence;
  }

  function clearReport(where) {
    const el = document.getElementById(where);
    if (el) {
      el.classList.remove("pg-waiting");
      el.setAttribute("role", "alert");
      el.hidden = true;
      el.textContent = "";
    }
  }

  // ---- the training run ---------------------------------------------------------------------

  const RUN_RENDERERS = {
    [RUN_GRAPHS.network]: (k, exact) => pg.network.draw(Plotly, plotDiv(RUN_GRAPHS.network), state.run, state.spec, k, state.view, exact),
    [RUN_GRAPHS.boundary]: (k, exact) => pg.boundary.draw(Plotly, plotDiv(RUN_GRAPHS.boundary), state.run, state.spec, k, exact),
    [RUN_GRAPHS.curves]: (k) => {
      const run = state.run;
      const spec = state.spec;
      pg.charts.cursor(document.getElementById(RUN_GRAPHS.curves), plotDiv(RUN_GRAPHS.curves), run.frameEpochs[k], ["xaxis2"], [
        { axis: "yaxis", value: run.metric("trainLoss", k), color: spec.trainColor },
        { axis: "yaxis", value: run.metric("testLoss", k), color: spec.testColor },
        { axis: "yaxis2", value: run.metric("trainAccuracy", k), color: spec.trainColor },
        { axis: "yaxis2", value: run.metric("testAccuracy", k), color: spec.testColor },
      ]);
    },
    [RUN_GRAPHS.norms]: (k) =>
      pg.charts.cursor(document.getElementById(RUN_GRAPHS.norms), plotDiv(RUN_GRAPHS.norms), state.run.frameEpochs[k], ["xaxis", "xaxis2"]),
    [RUN_GRAPHS.layers]: (k, exact) => pg.heatmaps.draw(Plotly, plotDiv(RUN_GRAPHS.layers), state.run, state.spec, k, exact),
    [RUN_GRAPHS.activation]: (k) =>
      pg.neuronMaps.draw(Plotly, plotDiv(RUN_GRAPHS.activation), state.run, state.spec, k, state.hovered || state.pinned, state.pinned),
  };

  /* Draw graph `id` at frame k (`exact`: playback at rest). A frame a graph already shows
   * exactly is not drawn again unless `force` (the view, the neuron or the data changed). */
  const exactFrame = {}; // graph id -> frame it shows exactly
  const plottedRun = {}; // graph id -> the run its figure was built for
  const settledFrame = {}; // graph id -> the frame Plotly has finished drawing exactly
  function drawGraph(id, k, exact, force = false) {
    if (!state.run || !drawn(id) || plottedRun[id] !== state.run) return;
    if (exact && !force && exactFrame[id] === k) return;
    const start = performance.now();
    const work = Promise.resolve(RUN_RENDERERS[id](k, exact));
    drawnFrame[id] = k;
    delete settledFrame[id];
    if (exact) exactFrame[id] = k;
    else delete exactFrame[id];
    work.then(
      () => {
        if (exact && exactFrame[id] === k) settledFrame[id] = k;
      },
      (error) => console.warn("playground:", id, error)
    );
    state.timing[id] = performance.now() - start;
  }

  const settleTimers = new Map(); // player name -> timer
  function settle(player, graphs, frameOf, draw) {
    window.clearTimeout(settleTimers.get(player));
    settleTimers.set(player, window.setTimeout(() => {
      const k = frameOf();
      if (LossViz.player(player).playing || LossViz.player(player).frame !== k) return;
      for (const id of graphs) if (pg.visibility.onScreen.has(id)) draw(id, k, true);
    }, SETTLE_MS));
  }

  function renderRun(k, { all = false } = {}) {
    if (!state.run) return;
    const start = performance.now();
    state.frame = k;
    const exact = !playing(PLAYER);
    for (const id of Object.keys(RUN_RENDERERS)) {
      if (all || pg.visibility.onScreen.has(id)) drawGraph(id, k, exact);
    }
    pg.stats.render(state.run, k);
    if (!exact) settle(PLAYER, [RUN_GRAPHS.network, RUN_GRAPHS.boundary, RUN_GRAPHS.layers], () => state.frame, drawGraph);
    state.timing.frame = performance.now() - start;
  }

  function epochLabel(run, k) {
    let text = `Epoch ${run.frameEpochs[k]} / ${run.plannedEpochs}`;
    if (run.divergedAt !== null && k === run.S - 1) text += ` · diverged at ${run.divergedAt}`;
    return text;
  }

  function showDiverged(run) {
    const el = document.getElementById("pg-diverged");
    if (!el) return;
    if (run.divergedAt === null) {
      el.hidden = true;
      el.textContent = "";
      return;
    }
    el.hidden = false;
    el.textContent =
      `Diverged at epoch ${run.divergedAt}: the loss, a gradient or a weight became infinite or NaN, ` +
      `so training stopped. The playback ends at epoch ${run.lastEpoch}, the last finite state. ` +
      "Try a smaller learning rate or a smaller initialization.";
  }

  function currentFrame() {
    return LossViz.player(PLAYER).frame || 0;
  }

  function setPinned(neuron, { sync = true } = {}) {
    state.pinned = neuron;
    if (state.run && drawn(RUN_GRAPHS.network)) pg.network.ring(Plotly, plotDiv(RUN_GRAPHS.network), state.run, neuron);
    if (state.run) drawGraph(RUN_GRAPHS.activation, currentFrame(), true, true);
    if (sync && window.dash_clientside && window.dash_clientside.set_props) {
      const text = neuron && neuron[0] > 0 ? `${neuron[0]}-${neuron[1] + 1}` : "";
      window.dash_clientside.set_props("pg-neuron", { data: text });
    }
  }

  function parseNeuron(text, layers) {
    const match = /^(\d+)-(\d+)$/.exec(text || "");
    if (!match) return null;
    const layer = Number(match[1]);
    const index = Number(match[2]) - 1;
    if (layer < 1 || layer >= layers.length || index < 0 || index >= layers[layer]) return null;
    return [layer, index];
  }

  function urlNeuron() {
    // The pinned neuron of the link the page was opened with (pages/playground.py writes it).
    const el = document.getElementById("pg-body");
    return el ? el.dataset.neuron || "" : "";
  }

  function bindNetworkEvents(gd) {
    if (gd._pgBound) return;
    gd._pgBound = true;
    const nodeOf = (event) => {
      const run = state.run;
      const point = event && event.points && event.points[0];
      if (!run || !point || point.curveNumber !== run.traces.nodes) return null;
      const custom = point.customdata;
      return Array.isArray(custom) ? [custom[0], custom[1]] : null;
    };
    gd.on("plotly_click", (event) => {
      const node = nodeOf(event);
      if (!node || node[0] === 0) return;
      const same = state.pinned && state.pinned[0] === node[0] && state.pinned[1] === node[1];
      setPinned(same ? null : node);
    });
    gd.on("plotly_hover", (event) => {
      const node = nodeOf(event);
      if (!node) return;
      state.hovered = node;
      drawGraph(RUN_GRAPHS.activation, currentFrame(), true, true);
    });
    gd.on("plotly_unhover", () => {
      if (!state.hovered) return;
      state.hovered = null;
      drawGraph(RUN_GRAPHS.activation, currentFrame(), true, true);
    });
  }

  function react(id, figure) {
    return Plotly.react(plotDiv(id), figure.data, figure.layout, pg.style.PLOT_CONFIG);
  }

  // Plotted first (what a student looks at: the network and its decision boundary), then the
  // rest (curves and neuron maps sit below them) in a task of its own once the browser has
  // painted the first picture.
  const FIRST_GRAPHS = [RUN_GRAPHS.network, RUN_GRAPHS.boundary];

  async function showRun(container, token) {
    LossViz.player(PLAYER).pause(); // the old run stops drawing into the new figures
    const run = pg.run.fromContainer(container);
    run.labels = pg.labels.nodeLabels(run.layers);
    run.geometry = pg.network.geometry(run.layers);
    const spec = state.spec;
    const first = !state.runLoaded;
    const k0 = first ? run.S - 1 : 0;
    const builders = {
      [RUN_GRAPHS.network]: () => {
        const network = pg.network.figure(run, spec, k0, state.view, pg.fit.height(RUN_GRAPHS.network));
        run.traces = network.traces;
        return network;
      },
      [RUN_GRAPHS.boundary]: () => pg.boundary.figure(run, spec, k0, state.showTest, pg.fit.height(RUN_GRAPHS.boundary)),
      [RUN_GRAPHS.curves]: () => pg.charts.curves(run, spec),
      [RUN_GRAPHS.norms]: () => pg.charts.norms(run, spec),
      [RUN_GRAPHS.layers]: () => pg.heatmaps.figure(run, spec, k0),
      [RUN_GRAPHS.activation]: () => pg.neuronMaps.figure(run, spec),
    };
    const plot = async (ids) => {
      for (const id of ids) {
        if (token !== state.runToken) return;
        const t = performance.now();
        await react(id, builders[id]());
        plottedRun[id] = run;
        delete drawnFrame[id];
        delete exactFrame[id];
        if (id === RUN_GRAPHS.network || id === RUN_GRAPHS.boundary || id === RUN_GRAPHS.layers) {
          exactFrame[id] = k0; // these figures are built showing frame k0 exactly
          drawnFrame[id] = k0;
          settledFrame[id] = k0;
        }
        state.timing[`plot:${id}`] = performance.now() - t;
      }
    };
    const start = performance.now();
    await plot(FIRST_GRAPHS);
    if (token !== state.runToken) return;
    state.run = run;
    state.hovered = null;
    pg.visibility.watch(Object.values(RUN_GRAPHS), (id) => {
      if (state.run && RUN_RENDERERS[id] && drawnFrame[id] !== state.frame) drawGraph(id, state.frame, !playing(PLAYER));
    });
    const fits = (n) => n && n[0] > 0 && n[0] < run.layers.length && n[1] < run.layers[n[0]];
    if (first) state.pinned = parseNeuron(urlNeuron(), run.layers);
    else if (state.pinned && !fits(state.pinned)) setPinned(null);
    bindNetworkEvents(plotDiv(RUN_GRAPHS.network));
    showDiverged(run);
    state.runLoaded = true;
    pg.playback.load(PLAYER, {
      frames: run.S,
      render: renderRun,
      label: (k) => epochLabel(run, k),
      autoplay: !first,
      atEnd: first, // a fresh page shows the trained network; nothing plays by itself
    });
    if (state.pinned) setPinned(state.pinned, { sync: false });
    state.timing.firstPicture = performance.now() - start;
    // The rest after the browser has painted the first picture.
    await new Promise((resolve) => window.requestAnimationFrame(() => window.setTimeout(resolve, 0)));
    const rest = Object.values(RUN_GRAPHS).filter((id) => !FIRST_GRAPHS.includes(id));
    await plot(rest);
    if (token !== state.runToken) return;
    for (const id of rest) if (pg.visibility.onScreen.has(id)) drawGraph(id, state.frame, !playing(PLAYER));
  }

  function loadRun(store, spec) {
    if (!store || store.kind !== "run" || !Array.isArray(store.fetch) || !store.fetch.length) return noUpdate();
    state.spec = spec;
    const token = ++state.runToken;
    const stopBusy = pg.busy.start("pg-train-panel", Plotly ? "training…" : "preparing…");
    const onWait = (sentence) => {
      if (token === state.runToken) showWaiting("pg-fetch-error", sentence);
    };
    Promise.all([LossViz.vendor.plotly(), LossViz.fetchData(store.fetch[0], { onWait })])
      .then(([plotly, container]) => {
        Plotly = plotly;
        if (token !== state.runToken) return null;
        clearReport("pg-fetch-error");
        state.runUrl = store.fetch[0];
        return showRun(container, token);
      })
      .catch((error) => {
        if (token === state.runToken) report(error, "pg-fetch-error");
      })
      .finally(stopBusy);
    return store.key;
  }

  function loadFirstRun(spec, store) {
    return loadRun(store, spec);
  }

  // ---- the comparison ---------------------------------------------------------------------------

  const CMP_RENDERERS = {
    [COMPARE_GRAPHS.boundaries]: (k, exact) => pg.compare.drawBoundaries(Plotly, plotDiv(COMPARE_GRAPHS.boundaries), state.cmp, state.spec, k, exact),
    [COMPARE_GRAPHS.curves]: (k) => {
      const runs = state.cmp;
      const longest = runs.reduce((a, b) => (b.S > a.S ? b : a));
      const epoch = longest.frameEpochs[Math.min(k, longest.S - 1)];
      pg.charts.cursor(document.getElementById(COMPARE_GRAPHS.curves), plotDiv(COMPARE_GRAPHS.curves), epoch, ["xaxis", "xaxis2"]);
    },
  };

  function drawCompareGraph(id, k, exact) {
    if (!state.cmp || !drawn(id)) return;
    const work = Promise.resolve(CMP_RENDERERS[id](k, exact));
    drawnFrame[id] = k;
    delete settledFrame[id];
    work.then(
      () => {
        if (exact && drawnFrame[id] === k) settledFrame[id] = k;
      },
      (error) => console.warn("playground:", id, error)
    );
  }

  function renderCompare(k, { all = false } = {}) {
    if (!state.cmp) return;
    state.cmpFrame = k;
    const exact = !playing(COMPARE_PLAYER);
    for (const id of Object.keys(CMP_RENDERERS)) {
      if (all || pg.visibility.onScreen.has(id)) drawCompareGraph(id, k, exact);
    }
    if (!exact) settle(COMPARE_PLAYER, [COMPARE_GRAPHS.boundaries], () => state.cmpFrame, drawCompareGraph);
  }

  async function showCompare(container, token) {
    LossViz.player(COMPARE_PLAYER).pause();
    state.cmp = null; // nothing draws into the figures until they hold the new runs
    const runs = pg.run.fromComparison(container);
    const frames = Math.max(...runs.map((r) => r.S));
    const longest = runs.find((r) => r.S === frames);
    // A link opened on this tab shows the end state; later runs play themselves.
    const still = !state.cmpLoaded && state.openedOnCompare;
    const k0 = still ? frames - 1 : 0;
    const figures = {
      [COMPARE_GRAPHS.boundaries]: pg.compare.boundaries(runs, state.spec, k0),
      [COMPARE_GRAPHS.curves]: pg.charts.compareCurves(runs, state.spec),
    };
    await Promise.all(Object.entries(figures).map(([id, figure]) => react(id, figure)));
    if (token !== state.cmpToken) return;
    state.cmp = runs;
    for (const id of Object.values(COMPARE_GRAPHS)) {
      delete drawnFrame[id];
      delete settledFrame[id];
    }
    pg.visibility.watch(Object.values(COMPARE_GRAPHS), (id) => {
      if (state.cmp && drawnFrame[id] !== state.cmpFrame) drawCompareGraph(id, state.cmpFrame, !playing(COMPARE_PLAYER));
    });
    state.cmpLoaded = true;
    pg.playback.load(COMPARE_PLAYER, {
      frames,
      render: renderCompare,
      label: (k) => `Epoch ${longest.frameEpochs[k]} / ${longest.plannedEpochs}`,
      autoplay: !still,
      atEnd: still,
    });
  }

  function loadCompare(store, spec) {
    if (!store || store.kind !== "compare" || !Array.isArray(store.fetch)) return noUpdate();
    state.spec = spec;
    const token = ++state.cmpToken;
    if (!store.fetch.length) {
      // Over the server's compute budget: the tab says what to change instead of training.
      LossViz.player(COMPARE_PLAYER).pause();
      showNotice("pg-cmp-fetch-error", store.notice);
      return store.key;
    }
    const stopBusy = pg.busy.start("pg-compare-panel", "training…");
    const onWait = (sentence) => {
      if (token === state.cmpToken) showWaiting("pg-cmp-fetch-error", sentence);
    };
    Promise.all([LossViz.vendor.plotly(), LossViz.fetchData(store.fetch[0], { onWait })])
      .then(([plotly, container]) => {
        Plotly = plotly;
        if (token !== state.cmpToken) return null;
        clearReport("pg-cmp-fetch-error");
        return showCompare(container, token);
      })
      .catch((error) => {
        if (token === state.cmpToken) report(error, "pg-cmp-fetch-error");
      })
      .finally(stopBusy);
    return store.key;
  }

  // ---- toggles (clientside callbacks) -----------------------------------------------------------

  function setView(view) {
    state.view = view === "gradients" ? "gradients" : "weights";
    if (state.run) drawGraph(RUN_GRAPHS.network, currentFrame(), !playing(PLAYER), true);
    return state.view;
  }

  function applyShowTest() {
    const gd = plotDiv(RUN_GRAPHS.boundary);
    if (Plotly && LossViz.plotlyAdapter.isDrawn(gd) && gd.data.length > 3) Plotly.restyle(gd, { visible: [state.showTest] }, [3]);
  }

  function setShowTest(value) {
    state.showTest = Array.isArray(value) && value.includes("on");
    applyShowTest();
    return state.showTest ? "on" : "off";
  }

  function resizeVisible() {
    if (!Plotly) return;
    for (const gd of document.querySelectorAll("#pg-body .plot-area.js-plotly-plot")) {
      if (gd.offsetParent !== null) Plotly.Plots.resize(gd);
    }
  }

  function setTab(tab) {
    if (state.openedOnCompare === undefined) state.openedOnCompare = tab === "compare";
    state.tab = tab === "compare" ? "compare" : "train";
    // The panel becomes visible once Dash has written data-tab: size its plots then.
    window.setTimeout(resizeVisible, 30);
    return state.tab;
  }

  function showRuleParams(optimizer, schedule) {
    for (const [containerId, selected] of [
      ["pg-optimizer-params", optimizer],
      ["pg-schedule-params", schedule],
    ]) {
      const container = document.getElementById(containerId);
      if (!container) continue;
      for (const el of container.querySelectorAll(":scope > [data-rule]")) {
        el.hidden = el.dataset.rule !== selected || el.children.length === 0;
      }
    }
    return noUpdate();
  }

  /* The page's URL: the server's canonical settings query, then the view (same keys and order
   * as settings/playground.py's to_query), then the classroom keys kept as they are. */
  function urlSearch(stored, view, test, tab, neuron) {
    if (!stored || typeof stored.train !== "string") return noUpdate();
    const params = new URLSearchParams(stored.train);
    if (view && view !== "weights") params.set("view", view);
    if (Array.isArray(test) && test.includes("on")) params.set("test", "1");
    if (tab && tab !== "train") params.set("tab", tab);
    if (neuron) params.set("neuron", neuron);
    LossViz.keepBrowserKeys(params);
    const text = params.toString().replace(/%2C/gi, ",");
    return text ? `?${text}` : "";
  }

  // ---- for tests, benchmarks and the console ---------------------------------------------------

  function nested(flat, rows, columns) {
    const out = [];
    for (let i = 0; i < rows; i++) out.push(Array.from(flat.subarray(i * columns, (i + 1) * columns)));
    return out;
  }

  function runOf(scheme) {
    return scheme === undefined || scheme === null ? state.run : state.cmp && state.cmp[scheme];
  }

  LossViz.playground = {
    state,
    drawnFrame, // graph id -> the frame it shows
    settledFrame, // graph id -> the frame Plotly shows exactly (hover texts and values)
    neuronMap: (k, layer, index) => (state.run ? pg.neuronMaps.rows(state.run, state.spec, k, layer, index) : null),
    probabilities: (k, scheme) => {
      const run = runOf(scheme);
      return run ? { gx: Array.from(run.gx), gy: Array.from(run.gy), p: nested(run.probabilities(k), run.G, run.G) } : null;
    },
    isoLine: (k, scheme) => {
      const run = runOf(scheme);
      return run ? pg.boundary.isoSegments(run.gx, run.gy, run.probabilities(k)) : null;
    },
    gradient: (k) => {
      const run = state.run;
      if (!run) return null;
      const grad = run.gradient(k);
      return run.offsets.map(([w0, b0, end], l) => ({
        W: nested(grad.subarray(w0, b0), run.layers[l], run.layers[l + 1]),
        b: Array.from(grad.subarray(b0, end)),
      }));
    },
    theta: (k) => (state.run ? Array.from(state.run.theta.subarray(k * state.run.P, (k + 1) * state.run.P)) : null),
    nodePixel: (layer, index) => pg.network.nodePixel(plotDiv(RUN_GRAPHS.network), state.run, layer, index),
  };

  // Opened on the playground: start loading Plotly while Dash is still loading the page.
  if (/\/playground\/?$/.test(window.location.pathname) && LossViz.vendor) {
    LossViz.vendor.plotly().catch(() => {}); // loadRun asks again and reports a failure
  }

  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.lossvizPlayground = { loadRun, loadFirstRun, loadCompare, setView, setShowTest, setTab, showRuleParams, urlSearch };
})();
