/*
 * Names and numbers as the playground shows them: x₁ x₂ for the inputs, h₁,₃ for neuron 3 of
 * hidden layer 1, ŷ for the output; "W₂ h₁→h₂" for a weight matrix; values to 4 decimals or in
 * exponent form outside [10⁻³, 10⁴).
 */
(function () {
  "use strict";
  const LossViz = (window.LossViz = window.LossViz || {});
  const pg = (LossViz.pg = LossViz.pg || {});
  const SUB = "₀₁₂₃₄₅₆₇₈₉";

  function sub(n) {
    return String(n).replace(/[0-9]/g, (d) => SUB[Number(d)]);
  }

  /* labels[layer][i] for every node; layer 0 = inputs, the last layer = output. */
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

  /* "W₁ x→h₁" … "W₃ h₂→ŷ" for the weight matrices. */
  function layerNames(layers) {
    const count = layers.length - 1;
    const names = [];
    for (let layer = 1; layer <= count; layer++) {
      const source = layer === 1 ? "x" : `h${sub(layer - 1)}`;
      const target = layer === count ? "ŷ" : `h${sub(layer)}`;
      names.push(`W${sub(layer)} ${source}→${target}`);
    }
    return names;
  }

  /* Column titles of the network drawing (HTML for Plotly annotations). */
  function layerTitles(layers) {
    const last = layers.length - 1;
    return layers.map((size, layer) => {
      if (layer === 0) return "Input<br><span style='font-size:0.85em'>x₁, x₂</span>";
      if (layer === last) return "Output<br><span style='font-size:0.85em'>sigmoid</span>";
      const noun = size === 1 ? "neuron" : "neurons";
      return `Hidden ${layer}<br><span style='font-size:0.85em'>${size} ${noun}</span>`;
    });
  }

  const finite = (value) => value !== null && value !== undefined && Number.isFinite(value);

  function fmt(value, digits = 4) {
    if (!finite(value)) return value === undefined || value === null ? "–" : "not finite";
    if (value === 0) return "0";
    const a = Math.abs(value);
    if (a >= 1e-3 && a < 1e4) return value.toFixed(digits);
    return value.toExponential(3);
  }

  function short(value) {
    if (!finite(value)) return "–";
    const a = Math.abs(value);
    if (a !== 0 && (a < 1e-3 || a >= 1e5)) return value.toExponential(2);
    return String(Number(value.toPrecision(4)));
  }

  // A narrow no-break space before % (as typeset), so "99.5 %" fits a tile and never breaks.
  function pct(value) {
    return finite(value) ? `${(100 * value).toFixed(1)}\u202f%` : "–";
  }

  // The tiles' loss: four significant digits (0.01234, 1628, 1.23e-5, 7.7e4), never wider than a tile.
  function loss(value) {
    if (!finite(value)) return "–";
    return Math.abs(value) >= 1e4 ? value.toExponential(1).replace("e+", "e") : short(value);
  }

  pg.labels = { sub, nodeLabels, layerNames, layerTitles, fmt, short, pct, loss, finite };
})();
