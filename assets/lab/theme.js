/*
 * The optimizer lab's look, shared by its views: colours, fonts, margins and the sizes that
 * change in presentation mode (body.presentation, set by assets/classroom.js). The lab's plot
 * containers carry data-present-style="self": classroom.js leaves them alone and the lab redraws
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

  LossViz.labTheme = {
    LANDSCAPE_SCALE,
    FONT_FAMILY,
    START_COLOR: "#E0002A",
    MINIMUM_COLOR: "#F0E442",
    SADDLE_COLOR: "#4b5563",
    GRID_COLOR: "#eef1f5",
    CONTOUR_LINE: "rgba(60,80,110,0.35)",
    LOSS_FLOOR: 1e-12, // J − J* below this is drawn at the floor of the log axis
    PLOT_CONFIG: { displaylogo: false, responsive: true },
    presenting,
    sizes,
    font,
  };
})();
