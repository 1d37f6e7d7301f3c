/*
 * One throttle for every input that reruns something on the server while a hand moves it
 * (the log-scale rate sliders, core/log_slider.js; the lab's start dot, lab/plane_input.js):
 * at most one call per `ms`, the first at once and the latest always last (a call inside the
 * interval waits for its end and then runs with the newest arguments), so the page follows
 * the hand while a lecture hall's worth of drags stays within the server's budget.
 *
 *   const t = LossViz.throttle(fn, ms)
 *   t.call(...args)   fn(...args) now, or with the newest arguments once `ms` has passed
 *   t.flush()         run the waiting call now (a release: the hand's last value, at once)
 *   t.cancel()        drop the waiting call
 */
(function () {
  "use strict";
  const LossViz = (window.LossViz = window.LossViz || {});

  LossViz.throttle = function throttle(fn, ms) {
    let timer = 0;
    let last = -Infinity;
    let waiting = null; // the newest arguments not yet passed to fn

    function run() {
      window.clearTimeout(timer);
      timer = 0;
      const args = waiting;
      waiting = null;
      last = performance.now();
      if (args) fn(...args);
    }

    function call(...args) {
      waiting = args;
      const wait = last + ms - performance.now();
      if (wait <= 0) run();
      else if (!timer) timer = window.setTimeout(run, wait);
    }

    function flush() {
      if (waiting) run();
    }

    function cancel() {
      window.clearTimeout(timer);
      timer = 0;
      waiting = null;
    }

    return { call, flush, cancel };
  };
})();
