/*
 * Network playground playback (pages/playground.py). The server sends one run once, in a
 * dcc.Store: figures for frame 0 (plotly.js figure dicts built by components/playground_*.py)
 * plus every snapshot's arrays (LossViz.decode: float32 W, b, dL/dW per layer; uint8
 * decision-boundary probabilities). This file draws the figures with Plotly.react on the
 * dcc.Graph divs and, per frame, restyles them: links re-bucketed by sign × |value| level
 * (the rule of components/playground_network.py, sent as `links`), the decision boundary, the
 * W / dL/dW heatmaps, the curve cursors, the numbers, and the activation map of the hovered or
 * pinned neuron (a forward pass over a grid, computed here from the snapshot's W and b).
 * Play, pause, step, scrub, the weights/gradients toggle, test points and neuron maps never send
 * a request. Players: LossViz.player("playground") and LossViz.player("playground-compare").
 */
(function () {
  "use strict";
  const LossViz = (window.LossViz = window.LossViz || {});

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
  const PLOT_CONFIG = { displayModeBar: false, responsive: true, scrollZoom: false, doubleClick: false };
  const SUB = "₀₁₂₃₄₅₆₇₈₉";
  const BOUNDARY_SCALE = [[0, "#F1CA73"], [0.5, "#F7F7F7"], [1, "#73B1D5"]];
  const DIVERGING = [[0, "#E69F00"], [0.5, "#F7F7F7"], [1, "#0072B2"]];

  const state = {
    run: null,
    cmp: null,
    view: "weights",
    showTest: false,
    tab: "train",
    pinned: null, // [layer, index], layer 0 = inputs, last = output
    hovered: null,
    runToken: 0,
    cmpToken: 0,
    runLoaded: false,
    cmpLoaded: false,
    frame: 0,
    cmpFrame: 0,
    timing: {}, // ms spent by the last frame's parts (for the browser test and the console)
  };

  function noUpdate() {
    return window.dash_clientside ? window.dash_clientside.no_update : undefined;
  }

  /* The div Plotly draws into, inside the page's container `id` (components' `graph`). */
  function plotDiv(id) {
    const el = document.getElementById(id);
    return el ? el.querySelector(".pg-plot") : null;
  }

  function plotted(gd) {
    return Boolean(gd && gd._fullLayout && gd.data);
  }

  /* Run fn once plotly.js is loaded (by the page's hidden dcc.Graph) and the containers exist. */
  function whenReady(ids, fn, tries = 0) {
    if (window.Plotly && ids.every((id) => plotDiv(id))) fn();
    else if (tries < 1200) window.requestAnimationFrame(() => whenReady(ids, fn, tries + 1));
  }

  function sub(n) {
    return String(n).replace(/[0-9]/g, (d) => SUB[Number(d)]);
  }

  function fmt(value, digits = 4) {
    if (value === null || value === undefined || !Number.isFinite(value)) return "–";
    if (value === 0) return "0";
    const a = Math.abs(value);
    if (a >= 1e-3 && a < 1e4) return value.toFixed(digits);
    return value.toExponential(3);
  }

  function short(value) {
    if (value === null || value === undefined || !Number.isFinite(value)) return "–";
    const a = Math.abs(value);
    if (a !== 0 && (a < 1e-3 || a >= 1e5)) return value.toExponential(2);
    return String(Number(value.toPrecision(4)));
  }

  function pct(value) {
    return value === null || value === undefined || !Number.isFinite(value) ? "–" : `${(100 * value).toFixed(1)} %`;
  }

  // ---- the run --------------------------------------------------------------------------------

  function nodeLabels(layers) {
    const last = layers.length - 1;
    return layers.map((size, layer) => {
      const out = [];
      for (let i = 0; i < size; i++) {
        if (layer === 0) out.push(`x${sub(i + 1)}`);
        else if (layer === last) out.push("ŷ");
        else out.push(`h${sub(layer)},${sub(i + 1)}`);
      }
      return out;
    });
  }

  function decodeRun(p) {
    const layers = p.layers;
    const L = layers.length - 1;
    const shapes = [];
    for (let l = 0; l < L; l++) shapes.push([layers[l], layers[l + 1]]);
    const styles = p.links.styles;
    const nodeTrace = p.figures.network.data[styles.length + 1];
    // Node positions from the server's figure (nodes listed layer by layer).
    const pos = [];
    let n = 0;
    for (let l = 0; l <= L; l++) {
      const column = [];
      for (let i = 0; i < layers[l]; i++, n++) column.push([nodeTrace.x[n], nodeTrace.y[n]]);
      pos.push(column);
    }
    const links = [];
    for (let l = 0; l < L; l++)
      for (let i = 0; i < layers[l]; i++)
        for (let j = 0; j < layers[l + 1]; j++) links.push([pos[l][i][0], pos[l][i][1], pos[l + 1][j][0], pos[l + 1][j][1]]);
    const G = p.grid.x.length;
    return {
      p,
      L,
      shapes,
      pos,
      links,
      labels: nodeLabels(layers),
      weights: p.weights.map(LossViz.decode),
      biases: p.biases.map(LossViz.decode),
      grads: p.grads.map(LossViz.decode),
      boundary: LossViz.decode(p.boundary),
      G,
      S: p.snapshotEpochs.length,
      linkTraces: styles.map((_, i) => i),
      hoverTrace: styles.length,
      nodeTrace: styles.length + 1,
      ringTrace: styles.length + 2,
      nodeTypes: nodeTrace.hovertext.map((t) => t.replace(/<br>.*$/, "")),
    };
  }

  function bucket(value, levels) {
    const magnitude = Number.isFinite(value) ? Math.abs(value) : Infinity;
    let level = 0;
    while (level < levels.length && levels[level] <= magnitude) level++;
    if (level === 0) return 0;
    return value < 0 ? level : levels.length + level;
  }

  function epochLabel(d, k) {
    const p = d.p;
    const epoch = p.snapshotEpochs[k];
    let text = `Epoch ${epoch} / ${p.plannedEpochs}`;
    if (p.divergedAt !== null && k === d.S - 1) text += ` · diverged at ${p.divergedAt}`;
    return text;
  }

  function renderNetwork(k) {
    const d = state.run;
    const gd = plotDiv(RUN_GRAPHS.network);
    if (!d || !plotted(gd)) return;
    const view = state.view === "gradients" ? "gradients" : "weights";
    const source = view === "weights" ? d.weights : d.grads;
    const levels = d.p.links.levels[view];
    const park = d.p.links.park;
    const xs = d.linkTraces.map(() => [park, park, null]);
    const ys = d.linkTraces.map(() => [park, park, null]);
    const texts = [];
    const symbol = view === "weights" ? "w" : "∂L/∂w";
    let link = 0;
    for (let l = 0; l < d.L; l++) {
      const [nin, nout] = d.shapes[l];
      const M = source[l];
      const base = k * nin * nout;
      for (let i = 0; i < nin; i++) {
        for (let j = 0; j < nout; j++, link++) {
          const v = M[base + i * nout + j];
          const b = bucket(v, levels);
          const [x0, y0, x1, y1] = d.links[link];
          xs[b].push(x0, x1, null);
          ys[b].push(y0, y1, null);
          texts.push(`${symbol}  ${d.labels[l][i]} → ${d.labels[l + 1][j]}<br><b>${fmt(v)}</b>`);
        }
      }
    }
    const nodeTexts = [];
    for (let l = 0; l <= d.L; l++) {
      for (let i = 0; i < d.p.layers[l]; i++) {
        const head = d.nodeTypes[nodeTexts.length];
        if (l === 0) nodeTexts.push(`${head}<br><i>hover: its value over the plane</i>`);
        else {
          const bias = d.biases[l - 1][k * d.p.layers[l] + i];
          nodeTexts.push(`${head}<br>bias b = ${fmt(bias)}<br><i>click to pin its activation map</i>`);
        }
      }
    }
    // The figure's data always holds the current frame; what is drawn follows either by moving
    // Plotly's own line paths (cheap, while playing) or by a full redraw once playback rests.
    for (const b of d.linkTraces) {
      gd.data[b].x = xs[b];
      gd.data[b].y = ys[b];
    }
    gd.data[d.hoverTrace].hovertext = texts;
    gd.data[d.nodeTrace].hovertext = nodeTexts;
    const paths = linkPaths(gd, d);
    const xa = gd._fullLayout && gd._fullLayout.xaxis;
    const ya = gd._fullLayout && gd._fullLayout.yaxis;
    if (paths && xa && ya && xa.c2p && ya.c2p) {
      d.linkTraces.forEach((b) => {
        const x = xs[b];
        const y = ys[b];
        let path = "";
        for (let i = 0; i + 1 < x.length; i += 3) {
          path += `M${xa.c2p(x[i])},${ya.c2p(y[i])}L${xa.c2p(x[i + 1])},${ya.c2p(y[i + 1])}`;
        }
        paths[b].setAttribute("d", path);
      });
      settleHover(gd, PLAYER, k, () => redraw(gd));
    } else {
      redraw(gd);
    }
  }

  /* Plotly's line path of every link trace (null if any is missing: then redraw instead). */
  function linkPaths(gd, d) {
    const paths = new Array(d.linkTraces.length).fill(null);
    for (const group of gd.querySelectorAll("g.trace.scatter")) {
      const cd = group.__data__;
      const trace = cd && cd[0] && cd[0].trace;
      if (!trace || trace.index >= paths.length) continue;
      paths[trace.index] = group.querySelector("path.js-line");
    }
    return paths.every(Boolean) ? paths : null;
  }

  let revision = 0;
  /* A full redraw from gd.data (changed in place: datarevision tells Plotly.react so). */
  function redraw(gd) {
    revision += 1;
    return window.Plotly.react(gd, gd.data, { ...gd.layout, datarevision: revision });
  }

  function renderRing() {
    const d = state.run;
    const gd = plotDiv(RUN_GRAPHS.network);
    if (!d || !plotted(gd)) return;
    const pin = state.pinned;
    gd.data[d.ringTrace].x = pin ? [d.pos[pin[0]][pin[1]][0]] : [];
    gd.data[d.ringTrace].y = pin ? [d.pos[pin[0]][pin[1]][1]] : [];
    redraw(gd); // from gd.data: the links drawn in place stay as they are
  }

  function boundaryRows(data, k, G) {
    const rows = new Array(G);
    const base = k * G * G;
    for (let i = 0; i < G; i++) {
      const row = new Array(G);
      for (let j = 0; j < G; j++) row[j] = data[base + i * G + j] / 255;
      rows[i] = row;
    }
    return rows;
  }

  /* The p = 0.5 line of rows[i][j] (at x = gx[j], y = gy[i]) by marching squares: 2-point
   * segments separated by null, exactly as components/playground_figures.py's iso_segments. */
  function isoSegments(gx, gy, rows, level = 0.5) {
    const xs = [];
    const ys = [];
    const n = gy.length;
    const m = gx.length;
    const cross = (x0, y0, a, x1, y1, b) => {
      const t = a / (a - b);
      return [x0 + t * (x1 - x0), y0 + t * (y1 - y0)];
    };
    for (let i = 0; i < n - 1; i++) {
      for (let j = 0; j < m - 1; j++) {
        const a = rows[i][j] - level;
        const b = rows[i][j + 1] - level;
        const c = rows[i + 1][j + 1] - level;
        const dd = rows[i + 1][j] - level;
        const pa = a > 0;
        if (pa === b > 0 && pa === c > 0 && pa === dd > 0) continue;
        const x0 = gx[j];
        const x1 = gx[j + 1];
        const y0 = gy[i];
        const y1 = gy[i + 1];
        let points = [];
        if (pa !== b > 0) points.push(cross(x0, y0, a, x1, y0, b));
        if (b > 0 !== c > 0) points.push(cross(x1, y0, b, x1, y1, c));
        if (c > 0 !== dd > 0) points.push(cross(x1, y1, c, x0, y1, dd));
        if (dd > 0 !== pa) points.push(cross(x0, y1, dd, x0, y0, a));
        if (points.length === 4 && (a + b + c + dd) / 4 > 0 !== pa) {
          points = [points[0], points[3], points[1], points[2]];
        }
        for (let q = 0; q + 1 < points.length; q += 2) {
          xs.push(points[q][0], points[q + 1][0], null);
          ys.push(points[q][1], points[q + 1][1], null);
        }
      }
    }
    return [xs, ys];
  }

  /* Probabilities → colours of the boundary scale (256 levels, linear between the stops). */
  const lutCache = new Map();
  function colorLut(scale) {
    const key = JSON.stringify(scale);
    if (lutCache.has(key)) return lutCache.get(key);
    const stops = scale.map(([t, hex]) => [t, [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16))]);
    const lut = new Uint8ClampedArray(256 * 3);
    for (let q = 0; q < 256; q++) {
      const t = q / 255;
      let s = 0;
      while (s < stops.length - 2 && t > stops[s + 1][0]) s++;
      const [t0, c0] = stops[s];
      const [t1, c1] = stops[s + 1];
      const f = t1 > t0 ? (t - t0) / (t1 - t0) : 0;
      for (let c = 0; c < 3; c++) lut[3 * q + c] = Math.round(c0[c] + f * (c1[c] - c0[c]));
    }
    lutCache.set(key, lut);
    return lut;
  }

  let canvas = null;
  /* Snapshot k of uint8 probabilities (G×G, row i = grid_y[i] from the bottom) as a PNG. */
  function probabilityImage(data, k, G, scale) {
    canvas = canvas || document.createElement("canvas");
    canvas.width = G;
    canvas.height = G;
    const ctx = canvas.getContext("2d");
    const image = ctx.createImageData(G, G);
    const lut = colorLut(scale);
    const base = k * G * G;
    for (let i = 0; i < G; i++) {
      const row = G - 1 - i;
      for (let j = 0; j < G; j++) {
        const q = data[base + i * G + j];
        const o = 4 * (row * G + j);
        image.data[o] = lut[3 * q];
        image.data[o + 1] = lut[3 * q + 1];
        image.data[o + 2] = lut[3 * q + 2];
        image.data[o + 3] = 255;
      }
    }
    ctx.putImageData(image, 0, 0);
    return canvas.toDataURL();
  }

  function imageItem(gx, gy, source, axis = "") {
    const n = gx.length;
    const dx = (gx[n - 1] - gx[0]) / (n - 1);
    const dy = (gy[gy.length - 1] - gy[0]) / (gy.length - 1);
    return {
      source,
      xref: `x${axis}`,
      yref: `y${axis}`,
      x: gx[0] - dx / 2,
      y: gy[gy.length - 1] + dy / 2,
      sizex: gx[n - 1] - gx[0] + dx,
      sizey: gy[gy.length - 1] - gy[0] + dy,
      sizing: "stretch",
      xanchor: "left",
      yanchor: "top",
      layer: "below",
    };
  }

  function pathItem(xs, ys, axis = "", width = 2.5) {
    let path = "";
    for (let i = 0; i + 1 < xs.length; i += 3) path += `M${xs[i]},${ys[i]}L${xs[i + 1]},${ys[i + 1]}`;
    return {
      type: "path",
      path: path || "M0,0",
      xref: `x${axis}`,
      yref: `y${axis}`,
      line: { color: "#1d2330", width },
      layer: "above",
    };
  }

  /* While playing only the image and the line move (a layout redraw, no trace); once the
   * playback rests, the transparent heatmap catches up so hovering shows exact values. */
  function settleHover(gd, player, k, update) {
    window.clearTimeout(gd._pgSettle);
    gd._pgSettle = window.setTimeout(() => {
      if (LossViz.player(player).playing || LossViz.player(player).frame !== k) return;
      update();
    }, 250);
  }

  function renderBoundary(k) {
    const d = state.run;
    const gd = plotDiv(RUN_GRAPHS.boundary);
    if (!d || !plotted(gd)) return;
    const gx = d.p.grid.x;
    const gy = d.p.grid.y;
    const z = boundaryRows(d.boundary, k, d.G);
    const [lx, ly] = isoSegments(gx, gy, z);
    window.Plotly.relayout(gd, {
      images: [imageItem(gx, gy, probabilityImage(d.boundary, k, d.G, d.p.boundaryScale))],
      shapes: [pathItem(lx, ly)],
    });
    settleHover(gd, PLAYER, k, () => window.Plotly.restyle(gd, { z: [z] }, [0]));
  }

  /* Epoch cursor lines (and value dots) as HTML over a plot: moving a div per frame costs no
   * Plotly redraw. `axes`: the x axes that get a line spanning the plot area's height; `dots`:
   * [{axis: "y", value, color}] drawn at the cursor on the given y axis. */
  function placeCursor(id, epoch, axes, dots = []) {
    const host = document.getElementById(id);
    const gd = plotDiv(id);
    if (!host || !plotted(gd) || !gd._fullLayout._size) return;
    host._pgCursor = [epoch, axes, dots];
    if (!gd._pgCursorWatched && typeof gd.on === "function") {
      gd._pgCursorWatched = true;
      gd.on("plotly_afterplot", () => {
        if (host._pgCursor) window.requestAnimationFrame(() => placeCursor(id, ...host._pgCursor));
      });
    }
    let layer = host.querySelector(":scope > .pg-cursors");
    if (!layer) {
      layer = document.createElement("div");
      layer.className = "pg-cursors";
      host.appendChild(layer);
    }
    const size = gd._fullLayout._size;
    const items = [];
    for (const name of axes) {
      const xa = gd._fullLayout[name];
      if (!xa || !xa.l2p) continue;
      items.push({ kind: "line", left: xa._offset + xa.l2p(epoch), top: size.t, height: size.h });
    }
    const xa = gd._fullLayout[axes[0]];
    for (const dot of dots) {
      const ya = gd._fullLayout[dot.axis];
      if (!xa || !ya || dot.value === null || !Number.isFinite(dot.value)) continue;
      items.push({ kind: "dot", left: xa._offset + xa.l2p(epoch), top: ya._offset + ya.l2p(dot.value), color: dot.color });
    }
    while (layer.children.length < items.length) layer.appendChild(document.createElement("div"));
    while (layer.children.length > items.length) layer.lastChild.remove();
    items.forEach((item, i) => {
      const el = layer.children[i];
      el.className = item.kind === "line" ? "pg-cursor" : "pg-cursor-dot";
      el.style.left = `${item.left}px`;
      el.style.top = `${item.top}px`;
      if (item.kind === "line") el.style.height = `${item.height}px`;
      else el.style.background = item.color;
    });
  }

  const TRAIN_COLOR = "#1d2330";
  const TEST_COLOR = "#D55E00";

  function renderCurves(k) {
    const d = state.run;
    if (!d) return;
    const snap = d.p.snap;
    placeCursor(RUN_GRAPHS.curves, d.p.snapshotEpochs[k], ["xaxis2"], [
      { axis: "yaxis", value: snap.trainLoss[k], color: TRAIN_COLOR },
      { axis: "yaxis", value: snap.testLoss[k], color: TEST_COLOR },
      { axis: "yaxis2", value: snap.trainAcc[k], color: TRAIN_COLOR },
      { axis: "yaxis2", value: snap.testAcc[k], color: TEST_COLOR },
    ]);
  }

  function renderNorms(k) {
    const d = state.run;
    if (!d) return;
    placeCursor(RUN_GRAPHS.norms, d.p.snapshotEpochs[k], ["xaxis", "xaxis2"]);
  }

  function heatValue(value, spec) {
    if (!Number.isFinite(value)) return 0;
    if (spec.kind === "linear") return Math.max(-spec.max, Math.min(spec.max, value));
    const magnitude = Math.abs(value);
    if (magnitude === 0) return 0;
    const level = Math.max(0, Math.min(1, (Math.log10(magnitude) - spec.low) / (spec.high - spec.low)));
    return Math.sign(value) * level;
  }

  function renderLayers(k) {
    const d = state.run;
    const gd = plotDiv(RUN_GRAPHS.layers);
    if (!d || !plotted(gd)) return;
    const zs = [];
    const custom = [];
    for (const [source, spec] of [
      [d.weights, d.p.heat.weights],
      [d.grads, d.p.heat.gradients],
    ]) {
      for (let l = 0; l < d.L; l++) {
        const [nin, nout] = d.shapes[l];
        const base = k * nin * nout;
        const z = [];
        const c = [];
        for (let i = 0; i < nin; i++) {
          const zr = new Array(nout);
          const cr = new Array(nout);
          for (let j = 0; j < nout; j++) {
            const v = source[l][base + i * nout + j];
            zr[j] = heatValue(v, spec);
            cr[j] = Number.isFinite(v) ? v : null;
          }
          z.push(zr);
          c.push(cr);
        }
        zs.push(z);
        custom.push(c);
      }
    }
    window.Plotly.restyle(gd, { z: zs, customdata: custom }, zs.map((_, i) => i));
  }

  // ---- activation maps (the network's forward pass, as playground/model.py) --------------------

  function activationFn(id, params) {
    const slope = params.leakySlope;
    const alpha = params.eluAlpha;
    return {
      relu: (z) => (z > 0 ? z : 0),
      tanh: Math.tanh,
      sigmoid: (z) => 1 / (1 + Math.exp(-z)),
      leaky_relu: (z) => (z > 0 ? z : slope * z),
      elu: (z) => (z > 0 ? z : alpha * Math.expm1(z)),
      linear: (z) => z,
    }[id];
  }

  /* Output of neuron (layer, index) over an n×n grid of the input box at snapshot k. */
  function neuronMap(d, k, layer, index) {
    const p = d.p;
    const n = p.activationGrid;
    const [[x0, x1], [y0, y1]] = p.box;
    const f = activationFn(p.activation, p.activationParams);
    if (!f) return null;
    const sigmoid = (z) => 1 / (1 + Math.exp(-z));
    const keep = p.keepProb;
    const rows = [];
    let h = new Float64Array(2);
    for (let r = 0; r < n; r++) {
      const row = new Array(n);
      const y = y0 + ((y1 - y0) * r) / (n - 1);
      for (let c = 0; c < n; c++) {
        const x = x0 + ((x1 - x0) * c) / (n - 1);
        h = Float64Array.of(x, y);
        let value = layer === 0 ? h[index] : 0;
        for (let m = 0; m < layer; m++) {
          const [nin, nout] = d.shapes[m];
          const W = d.weights[m];
          const b = d.biases[m];
          const wBase = k * nin * nout;
          const bBase = k * nout;
          if (m === layer - 1) {
            let z = b[bBase + index];
            for (let i = 0; i < nin; i++) z += h[i] * W[wBase + i * nout + index];
            value = m === d.L - 1 ? sigmoid(z) : f(z);
            break;
          }
          const next = new Float64Array(nout);
          for (let j = 0; j < nout; j++) {
            let z = b[bBase + j];
            for (let i = 0; i < nin; i++) z += h[i] * W[wBase + i * nout + j];
            next[j] = f(z) * keep; // dropout at evaluation: ×p
          }
          h = next;
        }
        row[c] = Number.isFinite(value) ? value : null;
      }
      rows.push(row);
    }
    return rows;
  }

  /* The "hover over a neuron" hint of the server's figure, kept to put back when nothing is shown. */
  function hint(gd) {
    if (!gd._pgHint) gd._pgHint = (state.run && state.run.p.figures.activation.layout.annotations) || [];
    return gd._pgHint;
  }

  function renderActivation(k) {
    const d = state.run;
    const gd = plotDiv(RUN_GRAPHS.activation);
    if (!d || !plotted(gd)) return;
    const neuron = state.hovered || state.pinned;
    if (!neuron) {
      if (gd.data[0] && gd.data[0].visible !== false) {
        window.Plotly.update(
          gd,
          { visible: [false] },
          { "title.text": "", "xaxis.visible": false, "yaxis.visible": false, annotations: hint(gd) },
          [0]
        );
      }
      return;
    }
    const [layer, index] = neuron;
    const rows = neuronMap(d, k, layer, index);
    const label = d.labels[layer][index];
    const epoch = d.p.snapshotEpochs[k];
    if (!rows) {
      window.Plotly.update(gd, { visible: [false] }, { "title.text": `${label}: map not available` }, [0]);
      return;
    }
    const output = layer === d.L;
    let peak = 0;
    for (const row of rows) for (const v of row) if (v !== null) peak = Math.max(peak, Math.abs(v));
    peak = peak > 1e-12 ? peak : 1;
    const kind = layer === 0 ? "input" : output ? "sigmoid output = P(class 1)" : d.p.activationTitle;
    const pinned = state.pinned && state.pinned[0] === layer && state.pinned[1] === index;
    window.Plotly.update(
      gd,
      {
        z: [rows],
        visible: [true],
        zmin: [output ? 0 : -peak],
        zmax: [output ? 1 : peak],
        colorscale: [output ? BOUNDARY_SCALE : DIVERGING],
      },
      {
        "title.text": `<b>${label}</b> (${kind}) after epoch ${epoch}${pinned ? " · pinned" : ""}`,
        "xaxis.visible": true,
        "yaxis.visible": true,
        annotations: [],
      },
      [0]
    );
  }

  function renderStats(k) {
    const d = state.run;
    const snap = d.p.snap;
    const loss = (v) => (Number.isFinite(v) && Math.abs(v) >= 1e4 ? v.toExponential(1) : fmt(v));
    const values = {
      trainLoss: loss(snap.trainLoss[k]),
      testLoss: loss(snap.testLoss[k]),
      trainAcc: pct(snap.trainAcc[k]),
      testAcc: pct(snap.testAcc[k]),
      lr: short(snap.lr[k]),
    };
    for (const el of document.querySelectorAll("#pg-stats [data-stat]")) {
      el.textContent = values[el.dataset.stat] ?? "–";
    }
  }

  const RUN_RENDERERS = {
    [RUN_GRAPHS.network]: renderNetwork,
    [RUN_GRAPHS.boundary]: renderBoundary,
    [RUN_GRAPHS.curves]: renderCurves,
    [RUN_GRAPHS.norms]: renderNorms,
    [RUN_GRAPHS.layers]: renderLayers,
    [RUN_GRAPHS.activation]: renderActivation,
  };

  /* Graphs scrolled out of view (or on the hidden tab) are skipped while playing and drawn
   * when they come into view: a frame costs only what the audience can see. */
  const onScreen = new Set();
  const drawnFrame = {};
  const observed = new WeakSet();
  let observer = null;

  function watchVisibility(ids) {
    if (!observer && "IntersectionObserver" in window) {
      observer = new IntersectionObserver((entries) => {
        for (const entry of entries) {
          const id = entry.target.id;
          if (entry.isIntersecting) onScreen.add(id);
          else onScreen.delete(id);
          if (entry.isIntersecting && state.run && RUN_RENDERERS[id] && drawnFrame[id] !== state.frame) {
            drawGraph(id, state.frame);
          }
          if (entry.isIntersecting && state.cmp && id in CMP_RENDERERS && drawnFrame[id] !== state.cmpFrame) {
            drawCompareGraph(id, state.cmpFrame);
          }
        }
      }, { rootMargin: "200px 0px" });
    }
    for (const id of ids) {
      const el = document.getElementById(id);
      if (!el) continue;
      if (!observer) onScreen.add(id);
      else if (!observed.has(el)) {
        observed.add(el);
        observer.observe(el);
      }
    }
  }

  function drawGraph(id, k) {
    const start = performance.now();
    RUN_RENDERERS[id](k);
    drawnFrame[id] = k;
    state.timing[id] = performance.now() - start;
  }

  function renderRun(k, { all = false } = {}) {
    if (!state.run) return;
    const start = performance.now();
    state.frame = k;
    for (const id of Object.keys(RUN_RENDERERS)) {
      if (all || onScreen.has(id)) drawGraph(id, k);
    }
    renderStats(k);
    state.timing.frame = performance.now() - start;
  }

  function currentFrame() {
    return LossViz.player(PLAYER).frame || 0;
  }

  function setPinned(neuron, { sync = true } = {}) {
    state.pinned = neuron;
    renderRing();
    if (state.run) renderActivation(currentFrame());
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

  function bindNetworkEvents(gd) {
    if (gd._pgBound) return;
    gd._pgBound = true;
    const nodeOf = (event) => {
      const d = state.run;
      const point = event && event.points && event.points[0];
      if (!d || !point || point.curveNumber !== d.nodeTrace) return null;
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
      renderActivation(currentFrame());
    });
    gd.on("plotly_unhover", () => {
      if (!state.hovered) return;
      state.hovered = null;
      renderActivation(currentFrame());
    });
  }

  function showDiverged(p) {
    const el = document.getElementById("pg-diverged");
    if (!el) return;
    if (p.divergedAt === null) {
      el.hidden = true;
      el.textContent = "";
      return;
    }
    el.hidden = false;
    el.textContent =
      `Diverged at epoch ${p.divergedAt}: the loss, a gradient or a weight became infinite or NaN, ` +
      `so training stopped. The playback ends at epoch ${p.lastEpoch}, the last finite state. ` +
      "Try a smaller learning rate or a smaller initialization.";
  }

  /* The scrubber of `player`: an <input type="range"> that assets/player.js drives. */
  function ensureScrub(player) {
    for (const slot of document.querySelectorAll(`[data-scrub-slot="${player}"]`)) {
      if (slot.querySelector("input")) continue;
      const input = document.createElement("input");
      input.type = "range";
      input.min = "0";
      input.max = "1";
      input.step = "1";
      input.value = "0";
      input.className = "scrub";
      input.dataset.player = player;
      input.dataset.role = "scrub";
      input.setAttribute("aria-label", "scrub through the epochs");
      slot.appendChild(input);
    }
  }

  function speedOf(player) {
    const select = document.querySelector(`[data-player="${player}"][data-role="speed"]`);
    return select ? Number(select.value) : 0.125;
  }

  /* Draw `figures` on the graphs (Plotly.react: a new plot the first time). */
  function react(ids, figures) {
    return Promise.all(
      Object.entries(ids).map(([name, id]) => {
        const figure = figures[name];
        return window.Plotly.react(plotDiv(id), figure.data, figure.layout, PLOT_CONFIG);
      })
    );
  }

  function loadRun(payload) {
    if (!payload || payload.kind !== "run") return noUpdate();
    const token = ++state.runToken;
    let decoded;
    try {
      decoded = decodeRun(payload);
    } catch (error) {
      console.warn("playground: could not read the run", error);
      return noUpdate();
    }
    whenReady(Object.values(RUN_GRAPHS), () => {
      if (token !== state.runToken) return;
      react(RUN_GRAPHS, payload.figures).then(() => {
        if (token !== state.runToken) return;
        state.run = decoded;
        state.hovered = null;
        for (const id of Object.values(RUN_GRAPHS)) delete drawnFrame[id];
        watchVisibility(Object.values(RUN_GRAPHS));
        const layers = payload.layers;
        const fits = (n) => n && n[0] < layers.length && n[1] < layers[n[0]] && n[0] > 0;
        if (!state.runLoaded) setPinned(parseNeuron(urlNeuron(), layers), { sync: false });
        else if (state.pinned && !fits(state.pinned)) setPinned(null);
        else setPinned(state.pinned, { sync: false });
        bindNetworkEvents(plotDiv(RUN_GRAPHS.network));
        applyShowTest();
        showDiverged(payload);
        ensureScrub(PLAYER);
        const player = LossViz.player(PLAYER);
        player.setSpeed(speedOf(PLAYER));
        const first = !state.runLoaded;
        state.runLoaded = true;
        player.load({
          frames: decoded.S,
          render: renderRun,
          label: (k) => epochLabel(decoded, k),
          autoplay: !first,
        });
        if (first) player.seek(decoded.S - 1);
      });
    });
    return payload.key;
  }

  function urlNeuron() {
    // The pinned neuron of the link the page was opened with (pages/playground.py writes it).
    const el = document.getElementById("pg-body");
    return el ? el.dataset.neuron || "" : "";
  }

  // ---- comparison -----------------------------------------------------------------------------

  function renderCompareBoundaries(k) {
    const c = state.cmp;
    const gd = plotDiv(COMPARE_GRAPHS.boundaries);
    if (!c || !plotted(gd)) return;
    const annotations = (gd.layout.annotations || []).slice();
    const images = [];
    const shapes = [];
    const zs = [];
    c.schemes.forEach((scheme, s) => {
      const idx = Math.min(k, scheme.S - 1);
      const axis = s === 0 ? "" : String(s + 1);
      const z = boundaryRows(scheme.boundary, idx, c.G);
      const [lx, ly] = isoSegments(c.p.gridX, c.p.gridY, z);
      zs.push(z);
      images.push(imageItem(c.p.gridX, c.p.gridY, probabilityImage(scheme.boundary, idx, c.G, c.p.boundaryScale), axis));
      shapes.push(pathItem(lx, ly, axis, 2));
      const ended = scheme.p.divergedAt !== null && k >= scheme.S - 1;
      const stats = `loss ${fmt(scheme.p.trainLoss[idx], 3)} · acc ${pct(scheme.p.trainAcc[idx])}`;
      if (annotations[s]) {
        annotations[s] = {
          ...annotations[s],
          text: `<b>${scheme.p.title}</b><br>` + (ended ? `diverged at epoch ${scheme.p.divergedAt}` : stats),
        };
      }
    });
    window.Plotly.relayout(gd, { images, shapes, annotations });
    settleHover(gd, COMPARE_PLAYER, k, () =>
      window.Plotly.restyle(gd, { z: zs }, zs.map((_, s) => 3 * s))
    );
  }

  function renderCompareCurves(k) {
    const c = state.cmp;
    if (!c) return;
    const epoch = c.p.snapshotEpochs[Math.min(k, c.p.snapshotEpochs.length - 1)];
    placeCursor(COMPARE_GRAPHS.curves, epoch, ["xaxis", "xaxis2"]);
  }

  const CMP_RENDERERS = {
    [COMPARE_GRAPHS.boundaries]: renderCompareBoundaries,
    [COMPARE_GRAPHS.curves]: renderCompareCurves,
  };

  function drawCompareGraph(id, k) {
    CMP_RENDERERS[id](k);
    drawnFrame[id] = k;
  }

  function renderCompare(k, { all = false } = {}) {
    if (!state.cmp) return;
    state.cmpFrame = k;
    for (const id of Object.keys(CMP_RENDERERS)) {
      if (all || onScreen.has(id)) drawCompareGraph(id, k);
    }
  }

  function loadCompare(payload) {
    if (!payload || payload.kind !== "compare") return noUpdate();
    const token = ++state.cmpToken;
    const decoded = {
      p: payload,
      G: payload.gridSize,
      schemes: payload.schemes.map((p) => ({ p, S: p.snapshotEpochs.length, boundary: LossViz.decode(p.boundary) })),
    };
    whenReady(Object.values(COMPARE_GRAPHS), () => {
      if (token !== state.cmpToken) return;
      react(COMPARE_GRAPHS, payload.figures).then(() => {
        if (token !== state.cmpToken) return;
        state.cmp = decoded;
        for (const id of Object.values(COMPARE_GRAPHS)) delete drawnFrame[id];
        watchVisibility(Object.values(COMPARE_GRAPHS));
        ensureScrub(COMPARE_PLAYER);
        const player = LossViz.player(COMPARE_PLAYER);
        player.setSpeed(speedOf(COMPARE_PLAYER));
        const frames = payload.snapshotEpochs.length;
        // A link opened on this tab shows the end state; later runs play themselves.
        const still = !state.cmpLoaded && state.openedOnCompare;
        state.cmpLoaded = true;
        player.load({
          frames,
          render: renderCompare,
          label: (k) => `Epoch ${payload.snapshotEpochs[k]} / ${payload.plannedEpochs}`,
          autoplay: !still,
        });
        if (still) player.seek(frames - 1);
      });
    });
    return payload.key;
  }

  // ---- toggles (clientside callbacks) -----------------------------------------------------------

  function setView(view) {
    state.view = view === "gradients" ? "gradients" : "weights";
    if (state.run) drawGraph(RUN_GRAPHS.network, currentFrame());
    return state.view;
  }

  function applyShowTest() {
    const gd = plotDiv(RUN_GRAPHS.boundary);
    if (plotted(gd) && gd.data.length > 3) window.Plotly.restyle(gd, { visible: [state.showTest] }, [3]);
  }

  function setShowTest(value) {
    state.showTest = Array.isArray(value) && value.includes("on");
    applyShowTest();
    return state.showTest ? "on" : "off";
  }

  function resizeVisible() {
    for (const gd of document.querySelectorAll("#pg-body .pg-plot.js-plotly-plot")) {
      if (gd.offsetParent !== null && window.Plotly) window.Plotly.Plots.resize(gd);
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
    const current = new URLSearchParams(window.location.search);
    for (const key of ["hide", "present"]) if (current.has(key)) params.set(key, current.get(key));
    const text = params.toString().replace(/%2C/gi, ",");
    return text ? `?${text}` : "";
  }

  LossViz.playground = {
    loadRun,
    loadCompare,
    setView,
    setShowTest,
    setTab,
    showRuleParams,
    urlSearch,
    // For tests and the console: the decoded state and the client-side forward pass.
    state,
    drawnFrame, // graph id -> the frame it shows (graphs off screen catch up when scrolled to)
    neuronMap: (k, layer, index) => (state.run ? neuronMap(state.run, k, layer, index) : null),
  };
})();
