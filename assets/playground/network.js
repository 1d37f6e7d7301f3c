/*
 * The network drawn as nodes and links (Plotly scatter traces).
 *
 * Nodes sit in columns (input, hidden layers, output), coloured by type; links are bucketed
 * every frame by sign × |value| level with the rule and styles of
 * components/playground_network.py (spec.links), one line trace per style. While playing, a
 * frame draws the links on a canvas under the plot (pg.overlay; the SVG link paths are
 * emptied: re-rasterizing 1425 SVG segments per frame is what a large network cannot
 * afford), or, without a canvas, rewrites each link trace's SVG path through
 * LossViz.plotlyAdapter; `exact` (playback at rest) clears the canvas and redraws the figure
 * from gd.data, with the hover texts of every link and node.
 *
 * Trace order: link styles 0 … S − 1 (each starting with a segment parked outside the axes,
 * so Plotly always draws its path), link-midpoint hover markers, nodes (customdata = [layer,
 * index], 0-based), the ring around the pinned neuron.
 *
 *   pg.network.geometry(layers)      {pos[layer][i] = [x, y], links: [[x0, y0, x1, y1]]}
 *   pg.network.figure(run, spec, k, view, height)   pg.network.draw(Plotly, gd, run, spec, k, view, exact)
 *   pg.network.ring(Plotly, gd, run, pinned)     pg.network.bucket(value, levels)
 */
(function () {
  "use strict";
  const LossViz = (window.LossViz = window.LossViz || {});
  const pg = (LossViz.pg = LossViz.pg || {});

  const NODE_SIZE = 30;

  function geometry(layers) {
    const pos = layers.map((size, layer) => {
      const top = (size - 1) / 2;
      const column = [];
      for (let i = 0; i < size; i++) column.push([layer, top - i]);
      return column;
    });
    const links = [];
    for (let l = 0; l + 1 < layers.length; l++) {
      for (const [ax, ay] of pos[l]) for (const [bx, by] of pos[l + 1]) links.push([ax, ay, bx, by]);
    }
    return { pos, links };
  }

  /* Index into spec.links.styles of a link with this value (see the module docstring). */
  function bucket(value, levels) {
    const magnitude = Number.isFinite(value) ? Math.abs(value) : Infinity;
    let level = 0;
    while (level < levels.length && levels[level] <= magnitude) level++;
    if (level === 0) return 0;
    return value < 0 ? level : levels.length + level;
  }

  function nodeKind(layer, run, spec) {
    if (layer === 0) return ["input", "input"];
    if (layer === run.L) return [spec.outputType, "sigmoid output"];
    return [run.meta.activation, run.meta.activationTitle];
  }

  function figure(run, spec, k, view, height = 470) {
    const { pos } = run.geometry;
    const labels = run.labels;
    const styles = spec.links.styles;
    const park = spec.links.park;
    const data = styles.map((style) => ({
      type: "scatter",
      x: [park, park, null],
      y: [park, park, null],
      mode: "lines",
      line: { color: style.color, width: style.width },
      hoverinfo: "skip",
      showlegend: false,
    }));
    const mx = run.geometry.links.map(([x0, , x1]) => (x0 + x1) / 2);
    const my = run.geometry.links.map(([, y0, , y1]) => (y0 + y1) / 2);
    data.push({
      type: "scatter",
      x: mx,
      y: my,
      mode: "markers",
      marker: { size: 14, color: "rgba(0,0,0,0)" },
      hovertext: [],
      hoverinfo: "text",
      showlegend: false,
      name: "links",
    });
    const node = { x: [], y: [], color: [], text: [], custom: [], hover: [] };
    pos.forEach((column, layer) => {
      const [kind] = nodeKind(layer, run, spec);
      column.forEach(([x, y], i) => {
        node.x.push(x);
        node.y.push(y);
        node.color.push(spec.nodeColors[kind] || spec.nodeColors.linear);
        node.text.push(layer === 0 || layer === run.L ? labels[layer][i] : "");
        node.custom.push([layer, i]);
        node.hover.push("");
      });
    });
    data.push({
      type: "scatter",
      x: node.x,
      y: node.y,
      mode: "markers+text",
      marker: { size: NODE_SIZE, color: node.color, line: { color: "#ffffff", width: 2 } },
      text: node.text,
      textfont: { color: "#ffffff", size: 14 },
      textposition: "middle center",
      customdata: node.custom,
      hovertext: node.hover,
      hoverinfo: "text",
      showlegend: false,
      name: "nodes",
    });
    data.push({
      type: "scatter",
      x: [],
      y: [],
      mode: "markers",
      marker: { size: NODE_SIZE + 14, color: "rgba(0,0,0,0)", line: { color: pg.style.INK, width: 3 } },
      hoverinfo: "skip",
      showlegend: false,
      name: "selected",
    });
    const top = Math.max(...run.layers.map((s) => (s - 1) / 2));
    const span = Math.max(top, 1);
    const titles = layerTitles(run.layers, plotWidth());
    const layout = {
      height,
      margin: { l: 10, r: 10, t: titles.margin, b: 10 },
      font: { family: pg.style.FONT.family },
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "rgba(0,0,0,0)",
      hovermode: "closest",
      hoverlabel: { font: { size: 15 } },
      dragmode: false,
      showlegend: false,
      annotations: titles.annotations,
      meta: { layers: run.layers.slice() }, // what refitTitles() reads
      xaxis: { visible: false, range: [-0.45, run.L + 0.45], fixedrange: true },
      yaxis: { visible: false, range: [-span - 0.7, span + 0.7], fixedrange: true },
    };
    const traces = { links: styles.length, hover: styles.length, nodes: styles.length + 1, ring: styles.length + 2 };
    const links = linkData(run, spec, k, view);
    links.xs.forEach((x, b) => {
      data[b].x = x;
      data[b].y = links.ys[b];
    });
    const { texts, nodes } = hoverTexts(run, spec, k, view);
    data[traces.hover].hovertext = texts;
    data[traces.nodes].hovertext = nodes;
    return { data, layout, traces };
  }

  /* ---- layer titles ------------------------------------------------------------------------
   * One title per column over the network. With many layers on a narrow panel (four hidden
   * layers of 8 at 1280 px: columns ~70 px apart) "Hidden 1 / 8 neurons" ran into its
   * neighbours: the longest wording whose lines fit the column is used, then a smaller font
   * (never below TITLE_MIN px). Refitted when the window or presentation mode changes. */
  const TITLE_SIZE = { normal: 15, present: 20 };
  const TITLE_MIN = 11;
  const TITLE_GAP = 6; // px between neighbouring titles
  const X_PAD = 0.45; // the x range's margin each side of the outer columns (layout.xaxis)

  function presenting() {
    return document.body.classList.contains("presentation");
  }

  function plotWidth(gd) {
    const el = gd || document.querySelector("#pg-network .plot-area");
    return el ? el.clientWidth - 20 : 0; // layout.margin l + r
  }

  /* [title, subtitle] per column, from the longest wording to the shortest. */
  function titleWordings(layers) {
    const last = layers.length - 1;
    const sub = pg.labels.sub;
    const hidden = (layer, size, long) =>
      long === 2
        ? [`Hidden ${layer}`, `${size} ${size === 1 ? "neuron" : "neurons"}`]
        : long === 1
          ? [`Hidden ${layer}`, `${size}`]
          : [`h${sub(layer)}`, `${size}`];
    return [2, 1, 0].map((long) =>
      layers.map((size, layer) => {
        if (layer === 0) return long ? ["Input", "x₁, x₂"] : ["x", "2"];
        if (layer === last) return long ? ["Output", "sigmoid"] : ["ŷ", "σ"];
        return hidden(layer, size, long);
      })
    );
  }

  let measureCtx = null;
  function textWidth(text, size, bold = false) {
    measureCtx = measureCtx || document.createElement("canvas").getContext("2d");
    measureCtx.font = `${bold ? "600 " : ""}${size}px ${pg.style.FONT.family}`;
    return measureCtx.measureText(text).width;
  }

  const SUB_SCALE = 0.85; // the subtitle's size relative to the title's

  function widest(wording, size) {
    let most = 0;
    for (const [title, subtitle] of wording) {
      most = Math.max(most, textWidth(title, size), textWidth(subtitle, size * SUB_SCALE));
    }
    return most;
  }

  /* The wording and font size of the titles for columns `column` px apart. */
  function chooseTitles(layers, column) {
    const wordings = titleWordings(layers);
    let size = presenting() ? TITLE_SIZE.present : TITLE_SIZE.normal;
    if (!(column > 0)) return { wording: wordings[0], size };
    for (const wording of wordings) if (widest(wording, size) + TITLE_GAP <= column) return { wording, size };
    const tightest = wordings[wordings.length - 1];
    while (size > TITLE_MIN && widest(tightest, size) + TITLE_GAP > column) size -= 1;
    return { wording: tightest, size };
  }

  /* The titles sit in the top margin, anchored to the paper, and the margin is as tall as
   * their two lines: in data units above the nodes (as before) they ran into the legend above
   * the figure when presentation mode made them 20 px and the fitted figure short. */
  function titleMargin(size) {
    return Math.ceil(size * (1 + SUB_SCALE) * 1.3) + 8;
  }

  /* Annotations (one title per column) and the top margin that holds them. */
  function layerTitles(layers, width) {
    const L = layers.length - 1;
    const column = width > 0 ? width / (L + 2 * X_PAD) : 0; // px between column centres
    const { wording, size } = chooseTitles(layers, column);
    const annotations = wording.map(([title, subtitle], layer) => ({
      x: layer,
      xref: "x",
      y: 1,
      yref: "paper",
      yanchor: "bottom",
      yshift: 2,
      text: `${title}<br><span style='font-size:${SUB_SCALE}em'>${subtitle}</span>`,
      showarrow: false,
      font: { size, color: pg.style.INK },
    }));
    return { annotations, margin: titleMargin(size) };
  }

  /* The titles again for the figure's current width (after a resize or a change of mode). */
  function refitTitles(gd) {
    const Plotly = window.Plotly;
    const meta = gd && gd.layout && gd.layout.meta;
    if (!Plotly || !meta || !meta.layers) return;
    const { annotations, margin } = layerTitles(meta.layers, plotWidth(gd));
    const now = (gd.layout.annotations || []).map((a) => `${a.text}|${a.font && a.font.size}`).join();
    if (now !== annotations.map((a) => `${a.text}|${a.font.size}`).join()) {
      Plotly.relayout(gd, { annotations, "margin.t": margin });
    }
  }

  let pendingTitles = 0;
  function scheduleRefit() {
    window.cancelAnimationFrame(pendingTitles);
    pendingTitles = window.requestAnimationFrame(() => {
      const gd = document.querySelector("#pg-network .js-plotly-plot");
      if (gd) refitTitles(gd);
    });
  }
  window.addEventListener("resize", scheduleRefit);
  document.addEventListener("lossviz:presentation", () => window.setTimeout(scheduleRefit, 50));

  /* Per link style: x and y of its segments at frame k (the parked one first). */
  function linkData(run, spec, k, view) {
    const styles = spec.links.styles;
    const levels = spec.links.levels[view];
    const park = spec.links.park;
    const xs = styles.map(() => [park, park, null]);
    const ys = styles.map(() => [park, park, null]);
    let link = 0;
    for (let l = 0; l < run.L; l++) {
      const M = run.matrix(k, l, view);
      for (let q = 0; q < M.length; q++, link++) {
        const b = bucket(M[q], levels);
        const [x0, y0, x1, y1] = run.geometry.links[link];
        xs[b].push(x0, x1, null);
        ys[b].push(y0, y1, null);
      }
    }
    return { xs, ys };
  }

  function hoverTexts(run, spec, k, view) {
    const symbol = view === "weights" ? "w" : "∂L/∂w";
    const texts = [];
    for (let l = 0; l < run.L; l++) {
      const M = run.matrix(k, l, view);
      const nin = run.layers[l];
      const nout = run.layers[l + 1];
      for (let i = 0; i < nin; i++) {
        for (let j = 0; j < nout; j++) {
          texts.push(`${symbol}  ${run.labels[l][i]} → ${run.labels[l + 1][j]}<br><b>${pg.labels.fmt(M[i * nout + j])}</b>`);
        }
      }
    }
    const nodes = [];
    for (let l = 0; l <= run.L; l++) {
      const [, kindTitle] = nodeKind(l, run, spec);
      const biases = l > 0 ? run.bias(k, l - 1) : null;
      for (let i = 0; i < run.layers[l]; i++) {
        const head = `<b>${run.labels[l][i]}</b> (${kindTitle})`;
        if (l === 0) nodes.push(`${head}<br><i>hover: its value over the plane</i>`);
        else nodes.push(`${head}<br>bias b = ${pg.labels.fmt(biases[i])}<br><i>click to pin its activation map</i>`);
      }
    }
    return { texts, nodes };
  }

  let revision = 0;
  /* A full redraw from gd.data (changed in place: datarevision tells Plotly.react so). */
  function redraw(Plotly, gd) {
    revision += 1;
    return Plotly.react(gd, gd.data, { ...gd.layout, datarevision: revision });
  }

  /* Frame k's links; `exact`: hover texts and a Plotly redraw too. */
  function draw(Plotly, gd, run, spec, k, view, exact) {
    const traces = run.traces;
    const styles = spec.links.styles;
    const { xs, ys } = linkData(run, spec, k, view);
    for (let b = 0; b < styles.length; b++) {
      gd.data[b].x = xs[b];
      gd.data[b].y = ys[b];
    }
    const adapter = LossViz.plotlyAdapter;
    const paths = styles.map((_, b) => adapter.linePaths(gd, b));
    const canvas = exact ? null : pg.overlay.layer(gd, "links", { below: true });
    if (canvas && paths.every((list) => list.length)) {
      // Plotly's links (one SVG path per segment) stay empty while the canvas plays.
      for (const list of paths) for (const path of list) if (path.getAttribute("d")) path.setAttribute("d", "");
      const { ctx, x, y } = canvas;
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      ctx.lineCap = "butt";
      styles.forEach((style, b) => {
        const sx = xs[b];
        const sy = ys[b];
        if (sx.length <= 3) return;
        ctx.beginPath();
        for (let i = 3; i + 1 < sx.length; i += 3) {
          ctx.moveTo(x(sx[i]), y(sy[i]));
          ctx.lineTo(x(sx[i + 1]), y(sy[i + 1]));
        }
        ctx.strokeStyle = style.color;
        ctx.lineWidth = style.width;
        ctx.stroke();
      });
      return Promise.resolve();
    }
    pg.overlay.clear(gd, "links");
    const { texts, nodes } = hoverTexts(run, spec, k, view);
    gd.data[traces.hover].hovertext = texts;
    gd.data[traces.nodes].hovertext = nodes;
    return redraw(Plotly, gd);
  }

  function ring(Plotly, gd, run, pinned) {
    const trace = gd.data[run.traces.ring];
    const at = pinned ? run.geometry.pos[pinned[0]][pinned[1]] : null;
    trace.x = at ? [at[0]] : [];
    trace.y = at ? [at[1]] : [];
    return redraw(Plotly, gd); // from gd.data: the links drawn in place stay as they are
  }

  /* Page pixel (clientX, clientY) of a node (tests and the benchmark click nodes with it). */
  function nodePixel(gd, run, layer, index) {
    const adapter = LossViz.plotlyAdapter;
    const [x, y] = run.geometry.pos[layer][index];
    const rect = gd.getBoundingClientRect();
    return [rect.left + adapter.axis(gd, "xaxis").toPixel(x), rect.top + adapter.axis(gd, "yaxis").toPixel(y)];
  }

  pg.network = { geometry, bucket, figure, draw, ring, nodePixel, redraw, refitTitles, layerTitles };
})();
