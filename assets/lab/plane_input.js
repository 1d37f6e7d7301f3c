/*
 * Pointer input on the 2-D landscape (the overlay, #lab-landscape):
 *   - a click on an empty spot starts the run there: `lab-click` store = {x, y, at};
 *   - dragging the red dot (layout shape 0, Plotly's shapePosition edit) reports the overlay's
 *     relayout data to the `lab-drag` store;
 *   - startOf(trigger, click, drag) reads the new start from either store (the dot's anchor, or
 *     its corners' centre), and startText(v) writes it as the w₁, w₂ boxes show it: rounded to
 *     three decimals ("1.25", "-2.5", "0"): a click is as precise as a pointer. The page's
 *     clientside callback writes both boxes at once, so a click costs one server callback.
 *   - moving the pointer shows w₁, w₂ and J there (J from the landscape's level grid).
 * Plotly reports clicks only on traces, so the plot area's drag surface is listened to directly
 * and pixels are converted to (w₁, w₂) (assets/core/plotly_adapter.js).
 *
 *   LossViz.labPlaneInput.attach(gd, landscapeOf)   once per overlay; landscapeOf() -> the
 *                                                   landscape on screen (or null)
 */
(function () {
  "use strict";
  const LossViz = (window.LossViz = window.LossViz || {});

  function setProps(id, props) {
    if (window.dash_clientside && window.dash_clientside.set_props) window.dash_clientside.set_props(id, props);
  }

  /* (w₁, w₂) under the pointer, or null outside the plot area. */
  function planePoint(gd, event) {
    const adapter = LossViz.plotlyAdapter;
    const area = adapter.plotArea(gd);
    const xa = adapter.axis(gd, "xaxis");
    const ya = adapter.axis(gd, "yaxis");
    if (!area || !xa || !ya) return null;
    const box = gd.getBoundingClientRect();
    const px = event.clientX - box.left;
    const py = event.clientY - box.top;
    if (px < area.left || py < area.top || px > area.left + area.width || py > area.top + area.height) return null;
    return { x: xa.fromPixel(px), y: ya.fromPixel(py) };
  }

  function formatCost(value) {
    if (!Number.isFinite(value)) return "";
    const abs = Math.abs(value);
    return abs !== 0 && (abs < 1e-3 || abs >= 1e5) ? value.toExponential(3) : Number(value.toPrecision(4)).toString();
  }

  function attach(gd, landscapeOf) {
    if (!gd || gd._lossvizPlaneInput) return;
    gd._lossvizPlaneInput = true;
    gd.addEventListener("click", (event) => {
      const surface = LossViz.plotlyAdapter.dragSurface(gd);
      if (!surface || event.target !== surface) return; // a trace, the legend or the dot
      const point = planePoint(gd, event);
      // A live session's open prediction takes the click (assets/live/questions.js).
      if (point && LossViz.live && LossViz.live.claimPlaneClick && LossViz.live.claimPlaneClick(point)) return;
      if (point) setProps("lab-click", { data: { x: point.x, y: point.y, at: Date.now() } });
    });
    gd.addEventListener("mousemove", (event) => {
      const readout = document.getElementById("lab-cursor");
      if (!readout) return;
      const point = planePoint(gd, event);
      const landscape = landscapeOf();
      if (!point || !landscape) {
        readout.textContent = "";
        return;
      }
      const cost = formatCost(LossViz.labRuns.costAt(landscape, point.x, point.y));
      readout.textContent =
        `cursor: w₁ = ${point.x.toFixed(3)}, w₂ = ${point.y.toFixed(3)}` +
        (cost ? `,  J ≈ ${cost}` : "") +
        "  (click to start here)";
      readout.dataset.cost = cost;
    });
    gd.addEventListener("mouseleave", () => {
      const readout = document.getElementById("lab-cursor");
      if (readout) readout.textContent = "";
    });
    gd.on("plotly_relayout", (update) => {
      if (!update || !Object.keys(update).some((key) => key.startsWith("shapes[0]"))) return;
      setProps("lab-drag", { data: { ...update, at: Date.now() } });
    });
  }

  function finitePoint(x, y) {
    const point = [Number(x), Number(y)];
    const numeric = [x, y].every((v) => typeof v === "number" || (typeof v === "string" && v.trim() !== ""));
    return numeric && point.every(Number.isFinite) ? point : null;
  }

  /* The new start [w₁, w₂] a click or a drag of the dot asks for, or null (a zoom, autosize, junk). */
  function startOf(trigger, click, drag) {
    if (trigger === "lab-click.data" && click && "x" in click && "y" in click) return finitePoint(click.x, click.y);
    if (trigger !== "lab-drag.data" || !drag) return null;
    if ("shapes[0].xanchor" in drag && "shapes[0].yanchor" in drag) {
      return finitePoint(drag["shapes[0].xanchor"], drag["shapes[0].yanchor"]); // a dot of fixed pixel size
    }
    const corners = ["shapes[0].x0", "shapes[0].x1", "shapes[0].y0", "shapes[0].y1"];
    if (!corners.every((key) => key in drag)) return null;
    const [x0, x1, y0, y1] = corners.map((key) => finitePoint(drag[key], 0));
    return x0 && x1 && y0 && y1 ? [(x0[0] + x1[0]) / 2, (y0[0] + y1[0]) / 2] : null;
  }

  /* A start as its box shows it: three decimals, shortest text, never "-0". */
  function startText(value) {
    const rounded = Math.round(value * 1000) / 1000;
    return String(rounded === 0 ? 0 : rounded);
  }

  LossViz.labPlaneInput = { attach, planePoint, formatCost, startOf, startText };
})();
