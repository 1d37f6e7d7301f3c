/*
 * The optimizer lab's look, shared by its views: colours, fonts, margins, log-axis ticks (the
 * playground's too) and the sizes that change in presentation mode (body.presentation, set by
 * assets/classroom.js). The lab's plot containers carry data-present-style="self": classroom.js leaves them alone and the lab redraws
 * with `LossViz.labTheme.sizes()` when presentation mode changes ("lossviz:presentation").
 */
(function () {
  "use strict";
  const LossViz = (window.LossViz = window.LossViz || {});

  // Light = low cost, as on the slides; muted so the optimizers' colours stand out.
  const LANDSCAPE_SCALE = [
    [0.0, "#ffffff"],
    [0.25, "#e8eef5"],
    [0.55, "#bccadb"],
    [0.8, "#8ea3bd"],
    [1.0, "#5d7594"],
  ];
  // High contrast (`map=contrast`, for a washed-out projector): the same light = low cost, but
  // neutral greys from white to a dark grey with the lightness spread evenly over the levels,
  // so neighbouring levels still differ when the projector lifts the blacks and flattens the
  // mid-tones; darker iso-lines. Without a hue of its own the map lets the paths' Okabe–Ito
  // colours, the yellow stars and the red start stand out (a blue map hid the blue paths).
  const CONTRAST_SCALE = [
    [0.0, "#ffffff"],
    [0.2, "#e0e0e0"],
    [0.4, "#bdbdbd"],
    [0.6, "#999999"],
    [0.8, "#777777"],
    [1.0, "#575757"],
  ];
  const LINES = { default: "rgba(60,80,110,0.35)", contrast: "rgba(0,0,0,0.6)" };
  let map = "default"; // the page's colour map (set by main.js from the settings' query)

  function setMap(name) {
    map = name === "contrast" ? "contrast" : "default";
  }

  function landscapeScale() {
    return map === "contrast" ? CONTRAST_SCALE : LANDSCAPE_SCALE;
  }

  function contourLine() {
    return LINES[map];
  }
  const FONT_FAMILY = "system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif";

  function presenting() {
    return document.body.classList.contains("presentation");
  }

  /* Every size that differs between the normal page and a projector. */
  function sizes() {
    if (presenting()) {
      return {
        present: true,
        font: 22, // the classroom's figure font (assets/classroom.js FIGURE_FONT)
        tick: 20,
        legend: 18,
        line: 5,
        head: 18,
        star: 24,
        saddle: 14,
        dot: 0.022, // the start dot's radius, as a fraction of the domain's span
        plane: { l: 78, r: 165, t: 18, b: 80, autoexpand: false }, // t: room for the top tick label
        chart: { l: 92, r: 14, t: 10, b: 72 },
        surface: { l: 0, r: 150, t: 0, b: 0, autoexpand: false },
        marker3d: 9,
        line3d: 9,
      };
    }
    return {
      present: false,
      font: 13,
      tick: 13,
      legend: 13,
      line: 2.5,
      head: 12,
      star: 15,
      saddle: 10,
      dot: 0.016,
      plane: { l: 55, r: 95, t: 10, b: 56, autoexpand: false },
      chart: { l: 60, r: 10, t: 10, b: 40 },
      surface: { l: 0, r: 95, t: 0, b: 0, autoexpand: false },
      marker3d: 6,
      line3d: 6,
    };
  }

  function font(size) {
    return { family: FONT_FAMILY, size, color: presenting() ? "#000000" : "#1f2937" };
  }

  /* ---- log axes (shared with the playground: pg.style.logAxis) ----
   * Plotly labels every decade of a log axis (ten decades: ten labels piled on each other) and,
   * below a decade, the bare digits 2…9. Here the ticks are chosen from the range: at most
   * MAX_LOG_LABELS, every k-th decade (k a whole number), written 10ⁿ, or over less than two
   * decades 1-2-5 steps written as numbers. */
  const MAX_LOG_LABELS = 6;
  const DECADE_STEPS = [1, 2, 3, 4, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000];
  const SUPERSCRIPT = { "-": "⁻", 0: "⁰", 1: "¹", 2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶", 7: "⁷", 8: "⁸", 9: "⁹" };

  function power(n) {
    if (n === 0) return "1";
    if (n === 1) return "10";
    return `10${[...String(n)].map((c) => SUPERSCRIPT[c]).join("")}`;
  }

  /* m·10ⁿ between decades, as a student reads it: plain from 0.001 to 9999, else m×10ⁿ. */
  function logLabel(m, n) {
    if (n >= -3 && n <= 3) return String(Number((m * Math.pow(10, n)).toFixed(Math.max(0, -n))));
    return m === 1 ? power(n) : `${m}×${power(n)}`;
  }

  function multiplesIn(a, b, k) {
    const out = [];
    for (let n = Math.ceil(a / k - 1e-9) * k; n <= b + 1e-9; n += k) out.push(n);
    return out;
  }

  /* Ticks for a log axis showing log10 range [a, b]: {tickmode, tickvals, ticktext}. */
  function logTicks([a, b]) {
    if (!(Number.isFinite(a) && Number.isFinite(b) && b > a)) return { nticks: MAX_LOG_LABELS };
    const picked = { vals: [], text: [] };
    if (b - a >= 2) {
      const k = DECADE_STEPS.find((step) => multiplesIn(a, b, step).length <= MAX_LOG_LABELS) || Math.ceil((b - a) / (MAX_LOG_LABELS - 1));
      for (const n of multiplesIn(a, b, k)) {
        picked.vals.push(Math.pow(10, n));
        picked.text.push(power(n));
      }
    } else {
      // The densest of 1-2-5, 1-3 and 1 per decade that fits; too narrow for two: Plotly's own.
      for (const mantissas of [[1, 2, 5], [1, 3], [1]]) {
        const vals = [];
        const text = [];
        for (let n = Math.floor(a); n <= Math.ceil(b); n++) {
          for (const m of mantissas) {
            const at = Math.log10(m) + n;
            if (at >= a - 1e-9 && at <= b + 1e-9) {
              vals.push(m * Math.pow(10, n));
              text.push(logLabel(m, n));
            }
          }
        }
        if (vals.length <= MAX_LOG_LABELS) {
          picked.vals = vals;
          picked.text = text;
          break;
        }
      }
      if (picked.vals.length < 2) return { nticks: MAX_LOG_LABELS, exponentformat: "power" };
    }
    return { tickmode: "array", tickvals: picked.vals, ticktext: picked.text };
  }

  LossViz.labTheme = {
    LANDSCAPE_SCALE,
    CONTRAST_SCALE,
    setMap,
    map: () => map,
    landscapeScale,
    contourLine,
    FONT_FAMILY,
    START_COLOR: "#E0002A",
    MINIMUM_COLOR: "#F0E442",
    SADDLE_COLOR: "#4b5563",
    GRID_COLOR: "#eef1f5",
    CONTOUR_LINE: "rgba(60,80,110,0.35)",
    LOSS_FLOOR: 1e-12, // J − J* below this is drawn at the floor of the log axis
    PLOT_CONFIG: { displaylogo: false, responsive: true },
    MAX_LOG_LABELS,
    presenting,
    sizes,
    font,
    logTicks,
  };
})();
