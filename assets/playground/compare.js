/*
 * The comparison tab: the four demo initializations trained side by side on the same data
 * (GET /api/playground/compare.bin), each scheme's decision boundary as a small multiple
 * (its own forward pass per frame, pg.run) and the loss and first-layer gradient norm per
 * scheme. All schemes play in step (frame k of each; a diverged scheme stays at its last
 * finite state).
 *
 * Boundaries figure: per scheme s traces 3s heatmap (hover), 3s + 1 the p = 0.5 line, 3s + 2 the
 * training points; layout images[s] (picture). Per frame as pg.boundary: live canvases while
 * playing, Plotly's exact pictures, lines and hover values once playback rests. The titles
 * ("Zero / loss 0.692 · acc 52.0 %") are HTML over each subplot (.pg-cmp-title), placed with
 * LossViz.plotlyAdapter: a Plotly annotation relayout costs ~150 ms a frame.
 *
 *   pg.compare.boundaries(runs, spec, k, height)  pg.compare.drawBoundaries(Plotly, gd, runs, spec, k, exact)
 *   pg.compare.titles(gd, runs, k)   the HTML titles at frame k
 *   pg.compare.frameOf(run, k)   the frame of `run` shown at the comparison's frame k
 */
(function () {
  "use strict";
  const LossViz = (window.LossViz = window.LossViz || {});
  const pg = (LossViz.pg = LossViz.pg || {});

  function frameOf(run, k) {
    return Math.min(k, run.S - 1);
  }

  /* The second line of a scheme's title at the comparison's frame k. */
  function statsOf(run, k) {
    const s = frameOf(run, k);
    if (run.divergedAt !== null && k >= run.S - 1) return `diverged at epoch ${run.divergedAt}`;
    return `loss ${pg.labels.fmt(run.metric("trainLoss", s), 3)} · acc ${pg.labels.pct(run.metric("trainAccuracy", s))}`;
  }

  function titles(gd, runs, k) {
    const adapter = LossViz.plotlyAdapter;
    const host = gd.parentElement;
    const layer = LossViz.dom.child(host, "div", "pg-cmp-titles");
    gd._pgTitles = [runs, k];
    if (!gd._pgTitlesWatched && typeof gd.on === "function") {
      gd._pgTitlesWatched = true;
      gd.on("plotly_afterplot", () => window.requestAnimationFrame(() => titles(gd, ...gd._pgTitles)));
    }
    while (layer.children.length < runs.length) {
      const title = document.createElement("div");
      title.className = "pg-cmp-title";
      title.append(document.createElement("b"), document.createElement("br"), document.createElement("span"));
      layer.appendChild(title);
    }
    while (layer.children.length > runs.length) layer.lastChild.remove();
    runs.forEach((run, s) => {
      const suffix = s === 0 ? "" : String(s + 1);
      const xa = adapter.axis(gd, `xaxis${suffix}`);
      const ya = adapter.axis(gd, `yaxis${suffix}`);
      const el = layer.children[s];
      if (xa && ya) {
        el.style.left = `${gd.offsetLeft + xa.offset + xa.length / 2}px`;
        el.style.top = `${gd.offsetTop + ya.offset}px`;
      }
      const [name, , stats] = el.children;
      if (name.textContent !== run.scheme.title) name.textContent = run.scheme.title;
      const text = statsOf(run, k);
      if (stats.textContent !== text) stats.textContent = text;
    });
  }

  function boundaries(runs, spec, k, height = 320) {
    const columns = pg.style.domains(runs.length, 0.03);
    const [[x0, x1], [y0, y1]] = runs[0].box;
    const layout = pg.style.baseLayout(height, {
      margin: { l: 6, r: 6, t: 58, b: 6 }, // the top margin holds the HTML titles
      hovermode: "closest",
      plot_bgcolor: "rgba(0,0,0,0)", // live frames draw under the plot (pg.boundary.drawLive)
      images: [],
    });
    const data = [];
    runs.forEach((run, s) => {
      const suffix = s === 0 ? "" : String(s + 1);
      const axes = { xaxis: `x${suffix}`, yaxis: `y${suffix}` };
      const values = run.probabilities(frameOf(run, k));
      const line = pg.boundary.isoSegments(run.gx, run.gy, values);
      data.push(pg.boundary.heatmap(run, values, spec, { hovertemplate: `${run.scheme.title}<br>P(class 1) = %{z:.3f}<extra></extra>`, ...axes }));
      data.push(pg.boundary.lineTrace(line, { line: { color: pg.style.INK, width: 2 }, ...axes }));
      const points = pg.boundary.points(run.xTrain, run.yTrain, "train", "#ffffff", spec, { hoverinfo: "skip", ...axes });
      points.marker.size = 5;
      points.marker.line.width = 0.8;
      delete points.hovertemplate;
      data.push(points);
      layout[`xaxis${suffix}`] = { domain: columns[s], range: [x0, x1], visible: false, fixedrange: true, constrain: "domain", anchor: `y${suffix}` };
      layout[`yaxis${suffix}`] = {
        range: [y0, y1],
        visible: false,
        fixedrange: true,
        scaleanchor: `x${suffix}`,
        constrain: "domain",
        constraintoward: "top",
        anchor: `x${suffix}`,
      };
      layout.images.push(pg.boundary.imageItem(run.gx, run.gy, pg.boundary.picture(values, run.G, spec.boundaryScale), suffix));
    });
    return { data, layout };
  }

  function drawBoundaries(Plotly, gd, runs, spec, k, exact) {
    const token = pg.boundary.nextToken(gd);
    const values = runs.map((run) => run.probabilities(frameOf(run, k)));
    const lines = runs.map((run, s) => pg.boundary.isoSegments(run.gx, run.gy, values[s]));
    titles(gd, runs, k);
    if (!exact) {
      const live = runs.map((run, s) => pg.boundary.drawLive(Plotly, gd, run, spec, values[s], lines[s], s, 2));
      if (live.every(Boolean)) return Promise.resolve();
    }
    const update = {};
    runs.forEach((run, s) => {
      update[`images[${s}].source`] = pg.boundary.picture(values[s], run.G, spec.boundaryScale);
      update[`images[${s}].visible`] = true;
    });
    const data = lines.map((line) => pg.boundary.lineData(line));
    const zs = runs.map((run, s) => pg.boundary.rows(values[s], run.G));
    return pg.boundary.chain(gd, token, [
      () => Plotly.relayout(gd, update),
      () => Plotly.restyle(gd, { x: data.map((d) => d.x), y: data.map((d) => d.y) }, lines.map((_, s) => 3 * s + 1)),
      () => Plotly.restyle(gd, { z: zs }, zs.map((_, s) => 3 * s)),
      () => runs.forEach((_, s) => pg.boundary.endLive(gd, s)),
    ]);
  }

  pg.compare = { boundaries, drawBoundaries, titles, frameOf, statsOf };
})();
