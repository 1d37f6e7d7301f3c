/*
 * Pointer input on the 2-D landscape (the overlay, #lab-landscape):
 *   - a click on an empty spot starts the run there: `lab-click` store = {x, y, at};
 *   - dragging the red dot (layout shape 0) moves it under the pointer and, while it moves,
 *     writes its position to the `lab-drag` store (as relayout data, "shapes[0].xanchor" /
 *     "yanchor") at most once per DRAG_THROTTLE_MS (LossViz.throttle, core/throttle.js: the
 *     first position at once, the release exactly where the dot was let go), so the paths
 *     follow the hand at ≤ 5 server runs a second;
 *   - startOf(trigger, click, drag) reads the new start from either store (the dot's anchor, or
 *     its corners' centre), and startText(v) writes it as the w₁, w₂ boxes show it: rounded to
 *     three decimals ("1.25", "-2.5", "0"): a click is as precise as a pointer. The page's
 *     clientside callback writes both boxes at once, so a click costs one server callback.
 *   - moving the pointer shows w₁, w₂ and J there (J from the landscape's level grid).
 * Plotly reports clicks only on traces, so the plot area's drag surface is listened to directly
 * and pixels are converted to (w₁, w₂) (assets/core/plotly_adapter.js).
 *
 * The dot's drag is this module's, not Plotly's: Plotly's own shape drag (edits.shapePosition,
 * which still gives the dot its pointer events and "move" cursor) reports nothing until the
 * release (no plotly_relayouting for shapes in plotly.js 4.1.1), and every redraw of the
 * overlay (a new run arriving mid-drag) replaces the shape's element and so ends it. So a
 * pointerdown on the dot is taken in the capture phase (Plotly's mousedown never starts), the
 * pointer is followed on the window, the dot is moved with Plotly.relayout once per animation
 * frame, and heldStart() tells the overlay's redraws where the hand holds it.
 *
 *   LossViz.labPlaneInput.attach(gd, landscapeOf, Plotly)   once per overlay; landscapeOf() ->
 *                                                   the landscape on screen (or null)
 *   LossViz.labPlaneInput.heldStart(gd, start)      [w₁, w₂] where the hand holds the dot (while
 *                                                   dragging, then until a run from the release
 *                                                   point is drawn, at most RELEASE_HOLD_MS), or
 *                                                   null: draw `start`, the server's
 */
(function () {
  "use strict";
  const LossViz = (window.LossViz = window.LossViz || {});
  const DRAG_THROTTLE_MS = 200; // as the rate sliders (core/log_slider.js)
  const DRAG_SLOP_PX = 3; // a press that moves less is not a drag
  const RELEASE_HOLD_MS = 3000;
  const drags = new WeakMap(); // overlay gd -> {held, releasedText, releasedUntil, ...}

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

  function attach(gd, landscapeOf, Plotly) {
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
    attachDrag(gd, Plotly);
  }

  /* (w₁, w₂) of a pixel position inside gd, clamped to the plot area. */
  function clampedPoint(gd, px, py) {
    const adapter = LossViz.plotlyAdapter;
    const area = adapter.plotArea(gd);
    const xa = adapter.axis(gd, "xaxis");
    const ya = adapter.axis(gd, "yaxis");
    if (!area || !xa || !ya) return null;
    const x = Math.min(Math.max(px, area.left), area.left + area.width);
    const y = Math.min(Math.max(py, area.top), area.top + area.height);
    return [xa.fromPixel(x), ya.fromPixel(y)];
  }

  function sendDrag(point) {
    setProps("lab-drag", { data: { "shapes[0].xanchor": point[0], "shapes[0].yanchor": point[1], at: Date.now() } });
  }

  function attachDrag(gd, Plotly) {
    const state = { held: null, releasedText: null, releasedUntil: 0, sentText: null, frame: 0, drag: null };
    drags.set(gd, state);
    const throttle = LossViz.throttle((point) => {
      const text = point.map(startText).join(",");
      if (text === state.sentText) return; // the boxes show it already
      state.sentText = text;
      sendDrag(point);
    }, DRAG_THROTTLE_MS);

    function moveDot() {
      state.frame = 0;
      if (state.held && LossViz.plotlyAdapter.isDrawn(gd)) {
        Plotly.relayout(gd, { "shapes[0].xanchor": state.held[0], "shapes[0].yanchor": state.held[1] });
      }
    }

    function follow(event) {
      const drag = state.drag;
      if (!drag || event.pointerId !== drag.pointerId) return null;
      const dx = event.clientX - drag.clientX;
      const dy = event.clientY - drag.clientY;
      if (!drag.moved && Math.hypot(dx, dy) < DRAG_SLOP_PX) return null;
      drag.moved = true;
      const point = clampedPoint(gd, drag.px + dx, drag.py + dy);
      if (!point) return null;
      state.held = point;
      if (!state.frame) state.frame = window.requestAnimationFrame(moveDot);
      return point;
    }

    function onMove(event) {
      const point = follow(event);
      if (point) throttle.call(point);
    }

    function onUp(event) {
      const drag = state.drag;
      if (!drag || event.pointerId !== drag.pointerId) return;
      if (event.type === "pointerup") follow(event);
      stopListening();
      state.drag = null;
      if (!drag.moved || !state.held) return;
      const point = state.held;
      throttle.cancel();
      throttle.call(point); // the release, at once: exactly where the dot was let go
      throttle.flush();
      state.releasedText = point.map(startText);
      state.releasedUntil = performance.now() + RELEASE_HOLD_MS;
      window.cancelAnimationFrame(state.frame);
      moveDot();
    }

    function stopListening() {
      window.removeEventListener("pointermove", onMove, true);
      window.removeEventListener("pointerup", onUp, true);
      window.removeEventListener("pointercancel", onUp, true);
    }

    function onDotDown(event) {
      const adapter = LossViz.plotlyAdapter;
      const dot = adapter.shapeElement(gd, 0);
      if (!dot || !(event.target === dot || dot.contains(event.target))) return false;
      event.stopPropagation(); // Plotly's own shape drag never starts
      if (event.type !== "pointerdown") return true;
      event.preventDefault(); // no mousedown, no text selection
      if (event.button !== 0 || state.drag) return true;
      const shape = gd.layout && gd.layout.shapes && gd.layout.shapes[0];
      const xa = adapter.axis(gd, "xaxis");
      const ya = adapter.axis(gd, "yaxis");
      if (!shape || !xa || !ya) return true;
      state.drag = {
        pointerId: event.pointerId,
        clientX: event.clientX,
        clientY: event.clientY,
        px: xa.toPixel(Number(shape.xanchor)), // the dot's centre (the pointer may hold it off-centre)
        py: ya.toPixel(Number(shape.yanchor)),
        moved: false,
      };
      state.sentText = [shape.xanchor, shape.yanchor].map(Number).map(startText).join(",");
      window.addEventListener("pointermove", onMove, true);
      window.addEventListener("pointerup", onUp, true);
      window.addEventListener("pointercancel", onUp, true);
      return true;
    }

    gd.addEventListener("pointerdown", onDotDown, true);
    gd.addEventListener("mousedown", onDotDown, true);
    gd.addEventListener("touchstart", onDotDown, { capture: true, passive: true });
  }

  /* Where the hand holds the dot, or null (draw the server's `start`). */
  function heldStart(gd, start) {
    const state = gd ? drags.get(gd) : null;
    if (!state || !state.held) return null;
    if (state.drag) return state.held;
    const drawn = Array.isArray(start) ? start.map(Number).map(startText) : [];
    const done = state.releasedText && drawn.join(",") === state.releasedText.join(",");
    if (done || performance.now() > state.releasedUntil) {
      state.held = null;
      return null;
    }
    return state.held;
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

  LossViz.labPlaneInput = { attach, heldStart, planePoint, formatCost, startOf, startText, DRAG_THROTTLE_MS };
})();
