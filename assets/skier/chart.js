/*
 * The skier's figures (pages/skier.py): the loss curve with every skier at step k, and the
 * loss of each skier against the step.
 *
 *   LossViz.skier.curveFigure(ride, k)   {data, layout}: the curve L(w), its minima (stars;
 *                                        open: local), each skier's trail up to k, the skier
 *                                        at w_k, its tangent (slope dL/dw there) and an arrow
 *                                        for its next step w_k → w_{k+1}
 *   LossViz.skier.lossFigure(ride, k)    {data, layout}: L(w_t) per skier, a line at step k
 *   LossViz.skier.readout(ride, k)       one sentence per skier: where it is, the sign of the
 *                                        derivative, and which way it steps
 *
 * `ride` is the unpacked LVZ1 container of components/skier_payload.py; a skier whose run
 * ended (diverged) stays at its last point.
 */
(function () {
  "use strict";
  const LossViz = (window.LossViz = window.LossViz || {});
  const sk = (LossViz.skier = LossViz.skier || {});

  const CURVE = "#334155";
  const STAR = "#b45309";

  const fmt = (v, digits = 3) => {
    if (!Number.isFinite(v)) return String(v);
    const a = Math.abs(v);
    return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(2) : v.toFixed(digits);
  };

  function at(skier, ride, k) {
    const n = skier.points;
    const i = Math.min(k, n - 1);
    const key = skier.key;
    return {
      i,
      w: ride.arrays[`${key}.w`][i],
      loss: ride.arrays[`${key}.loss`][i],
      slope: ride.arrays[`${key}.slope`][i],
      next: i + 1 < n ? ride.arrays[`${key}.w`][i + 1] : null,
    };
  }

  function curveFigure(ride, k) {
    const theme = LossViz.labTheme;
    const size = theme.sizes();
    const curve = ride.meta.curve;
    const [low, high] = curve.domain;
    const ws = Array.from(ride.arrays["curve.w"]);
    const ls = Array.from(ride.arrays["curve.loss"]);
    const data = [
      { type: "scatter", mode: "lines", name: "L(w)", x: ws, y: ls, line: { color: CURVE, width: size.line },
        hovertemplate: "w = %{x:.3f}<br>L = %{y:.4f}<extra></extra>" },
      { type: "scatter", mode: "markers", name: "minima", x: curve.minima.map((m) => m.w), y: curve.minima.map((m) => m.value),
        marker: { symbol: curve.minima.map((m) => (m.kind === "global" ? "star" : "star-open")), size: size.star, color: STAR },
        hovertemplate: "%{text}<extra></extra>",
        text: curve.minima.map((m) => `${m.kind} minimum: w = ${fmt(m.w)}, L = ${fmt(m.value)}`), showlegend: false },
    ]; // prettier-ignore
    const annotations = [];
    const lossSpan = Math.max(...ls) - Math.min(...ls);
    // Half the tangent's w-extent: the same length on screen whatever its slope (in units of
    // the axes' spans, ~7 % of the plot), so a steep tangent does not leave the chart.
    const run = (slope) => (0.07 * (high - low)) / Math.hypot(1, (slope * (high - low)) / lossSpan);
    for (const skier of ride.meta.skiers) {
      const now = at(skier, ride, k);
      const trail = ride.arrays[`${skier.key}.w`].slice(0, now.i + 1);
      const trailLoss = ride.arrays[`${skier.key}.loss`].slice(0, now.i + 1);
      data.push(
        { type: "scatter", mode: "lines+markers", x: Array.from(trail), y: Array.from(trailLoss), showlegend: false,
          line: { color: skier.color, width: 1 }, marker: { color: skier.color, size: 4 }, opacity: 0.45, hoverinfo: "skip" },
        { type: "scatter", mode: "lines", x: [now.w - run(now.slope), now.w + run(now.slope)],
          y: [now.loss - run(now.slope) * now.slope, now.loss + run(now.slope) * now.slope], showlegend: false,
          line: { color: skier.color, width: 2, dash: "dot" }, hoverinfo: "skip" },
        { type: "scatter", mode: "markers", name: skier.title, x: [now.w], y: [now.loss],
          marker: { color: skier.color, size: size.present ? 20 : 14, line: { color: "#ffffff", width: 2 } },
          hovertemplate: `${skier.title}<br>w = %{x:.4f}<br>L = %{y:.4f}<br>dL/dw = ${fmt(now.slope)}<extra></extra>` },
      ); // prettier-ignore
      if (now.next !== null && Math.abs(now.next - now.w) > 1e-9 * (high - low)) {
        const lift = now.loss + 0.06 * lossSpan;
        annotations.push({ x: now.next, y: lift, ax: now.w, ay: lift, xref: "x", yref: "y", axref: "x", ayref: "y",
          showarrow: true, arrowhead: 3, arrowsize: 1.2, arrowwidth: 2.5, arrowcolor: skier.color, text: "" }); // prettier-ignore
      }
    }
    const top = Math.max(...ls);
    const bottom = Math.min(...ls);
    const layout = {
      margin: { ...size.chart, t: 8 },
      ...LossViz.page.canvas(),
      showlegend: true,
      legend: { orientation: "h", x: 0, y: 1.02, yanchor: "bottom", font: theme.font(size.legend) },
      xaxis: { title: { text: "w (the single parameter)" }, range: [low, high], gridcolor: theme.GRID_COLOR, zeroline: false },
      yaxis: { title: { text: "loss L(w)" }, range: [bottom - 0.06 * lossSpan, top + 0.1 * lossSpan],
               gridcolor: theme.GRID_COLOR, zeroline: false, automargin: true },
      annotations,
      hovermode: "closest",
      dragmode: false,
    }; // prettier-ignore
    return { data, layout };
  }

  function lossFigure(ride, k) {
    const theme = LossViz.labTheme;
    const size = theme.sizes();
    const data = ride.meta.skiers.map((skier) => {
      const loss = Array.from(ride.arrays[`${skier.key}.loss`]);
      return { type: "scatter", mode: "lines", name: skier.title, x: loss.map((_, t) => t), y: loss,
               line: { color: skier.color, width: 2 }, hovertemplate: "step %{x}: L = %{y:.4f}<extra></extra>" }; // prettier-ignore
    });
    const layout = {
      margin: { ...size.chart, t: 6 },
      ...LossViz.page.canvas(),
      showlegend: false,
      xaxis: { title: { text: "step t" }, gridcolor: theme.GRID_COLOR, zeroline: false },
      yaxis: { title: { text: "L(w_t)" }, gridcolor: theme.GRID_COLOR, zeroline: false, automargin: true },
      shapes: [{ type: "line", xref: "x", yref: "paper", x0: k, x1: k, y0: 0, y1: 1, line: { color: "#94a3b8", width: 1.5 } }],
    }; // prettier-ignore
    return { data, layout };
  }

  function readout(ride, k) {
    return ride.meta.skiers.map((skier) => {
      const now = at(skier, ride, k);
      const sign = now.slope > 0 ? "> 0" : now.slope < 0 ? "< 0" : "= 0";
      let move = "it is at rest";
      if (now.next !== null) {
        const step = now.next - now.w;
        move = step > 0 ? `it steps right by ${fmt(step)}` : step < 0 ? `it steps left by ${fmt(-step)}` : "it stays";
      } else if (skier.divergedAt !== null) {
        move = `it left the curve at step ${skier.divergedAt} (η too large)`;
      }
      return { color: skier.color, text: `${skier.title}: w = ${fmt(now.w)}, dL/dw = ${fmt(now.slope)} ${sign}, so ${move}.` };
    });
  }

  sk.curveFigure = curveFigure;
  sk.lossFigure = lossFigure;
  sk.readout = readout;
  sk.format = fmt;
})();
