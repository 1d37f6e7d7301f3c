/*
 * Log-scale sliders for rates (components/log_slider.py): dragging one writes 10^position
 * into its typed box, throttled to one value per THROTTLE_MS (the box's first and last values
 * always sent; LossViz.throttle, core/throttle.js), so the page follows the hand while a
 * lecture hall's worth of drags stays within the server's budget; typing in the box moves the
 * slider.
 *
 *   <span data-log-for="<the box's Dash id>"> … <input type="range"> … </span>
 *
 * The value is written with dash_clientside.set_props, as if typed: the page's own callback
 * validates it, so nothing bypasses the settings table.
 */
(function () {
  "use strict";
  const LossViz = (window.LossViz = window.LossViz || {});
  const THROTTLE_MS = 200;

  /* 10^position with three significant digits, as a person would type it (0.0126, 2.51, 1e-05). */
  function rateText(position) {
    const value = Number(Math.pow(10, Number(position)).toPrecision(3));
    if (value !== 0 && (value < 1e-4 || value >= 1e6)) return value.toExponential().replace("e+", "e");
    return String(value);
  }
  LossViz.rateText = rateText;

  function holderOf(slider) {
    return slider.closest("[data-log-for]");
  }

  function targetId(slider) {
    const holder = holderOf(slider);
    const raw = (holder && holder.dataset.logFor) || "";
    if (!raw.startsWith("{")) return raw;
    try {
      return JSON.parse(raw);
    } catch (error) {
      return null;
    }
  }

  function boxOf(slider) {
    const holder = holderOf(slider);
    const id = holder && holder.dataset.logFor;
    return id ? document.getElementById(id) : null;
  }

  const throttles = new WeakMap(); // slider -> its LossViz.throttle (core/throttle.js)

  function send(slider) {
    const id = targetId(slider);
    const box = boxOf(slider);
    const text = rateText(slider.value);
    if (id === null || !window.dash_clientside || !window.dash_clientside.set_props) return;
    if (box && box.value === text) return;
    window.dash_clientside.set_props(id, { value: text });
  }

  function throttled(slider) {
    if (!throttles.has(slider)) throttles.set(slider, LossViz.throttle(() => send(slider), THROTTLE_MS));
    throttles.get(slider).call();
  }

  document.addEventListener("input", (event) => {
    const slider = event.target;
    if (slider && slider.matches && slider.matches("[data-log-for] input[type='range']")) {
      throttled(slider);
    }
  });

  // Typed in the box: the slider follows (a value outside its scale pins it to the end).
  function follow(box) {
    if (!box || !box.id) return;
    const holder = document.querySelector(`[data-log-for="${CSS.escape(box.id)}"]`);
    const slider = holder && holder.querySelector("input[type='range']");
    const value = Number(box.value);
    if (!slider || !(value > 0) || !Number.isFinite(value)) return;
    if (document.activeElement === slider) return;
    slider.value = String(Math.log10(value));
  }
  document.addEventListener("change", (event) => follow(event.target));
  document.addEventListener("keyup", (event) => {
    if (event.key === "Enter") follow(event.target);
  });
})();
