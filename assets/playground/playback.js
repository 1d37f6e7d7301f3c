/*
 * Playback, visibility and "busy" marks of the playground.
 *
 * Pace: the shared player (assets/core/player.js) in frame-locked mode, as TensorFlow
 * Playground: 1× shows every epoch, one per animation frame (a run of 500 epochs plays its 501
 * frames in ~8 s at 60 Hz, and a slow machine slows the playback down instead of skipping
 * epochs); 2×, 4×, 8× advance that many frames per animation frame, ½× and ¼× hold each frame
 * for 2 or 4. The player keeps play / pause / step / scrub / keyboard and the controls in sync.
 *
 *   pg.playback.load(name, {frames, render, label, autoplay, atEnd})
 *   pg.playback.ensureScrub(name)        the player's <input type=range> in its slot
 *   pg.visibility.watch(ids, onShown)    ids on screen now (± 200 px): pg.visibility.onScreen
 *   pg.busy.start(panelId, text)         after ~150 ms, "training…" over the panel's plots;
 *                                        returns stop()
 */
(function () {
  "use strict";
  const LossViz = (window.LossViz = window.LossViz || {});
  const pg = (LossViz.pg = LossViz.pg || {});

  const BUSY_DELAY_MS = 150;

  function load(name, { frames, render, label, autoplay = false, atEnd = false }) {
    const player = LossViz.player(name);
    ensureScrub(name);
    player.load({ frames, render, label, atEnd, autoplay, frameLocked: true });
    return player;
  }

  /* The scrubber of `name`: an <input type="range"> that assets/core/player.js drives
   * (dcc.Input takes no data-* attributes, so the layout leaves a slot for it). */
  function ensureScrub(name) {
    for (const slot of document.querySelectorAll(`[data-scrub-slot="${name}"]`)) {
      if (slot.querySelector("input")) continue;
      const input = document.createElement("input");
      input.type = "range";
      input.min = "0";
      input.max = "1";
      input.step = "1";
      input.value = "0";
      input.className = "scrub";
      input.dataset.player = name;
      input.dataset.role = "scrub";
      input.setAttribute("aria-label", "scrub through the epochs");
      slot.appendChild(input);
    }
  }

  // ---- what is on screen ----------------------------------------------------------------------
  const onScreen = new Set();
  const shownHandlers = new Map(); // element id -> callback when it comes into view
  const observed = new WeakSet();
  let observer = null;

  function watch(ids, onShown) {
    if (!observer && "IntersectionObserver" in window) {
      observer = new IntersectionObserver(
        (entries) => {
          for (const entry of entries) {
            const id = entry.target.id;
            if (entry.isIntersecting) onScreen.add(id);
            else onScreen.delete(id);
            if (entry.isIntersecting && shownHandlers.has(id)) shownHandlers.get(id)(id);
          }
        },
        { rootMargin: "200px 0px" }
      );
    }
    for (const id of ids) {
      shownHandlers.set(id, onShown);
      const el = document.getElementById(id);
      if (!el) continue;
      if (!observer) onScreen.add(id);
      else if (!observed.has(el)) {
        observed.add(el);
        observer.observe(el);
      }
    }
  }

  // ---- "training…" over the last good picture -------------------------------------------------
  let busyToken = 0;
  function start(panelId, text) {
    const token = String(++busyToken);
    const timer = window.setTimeout(() => {
      const panel = document.getElementById(panelId);
      if (!panel) return;
      panel.dataset.busyToken = token;
      for (const graph of panel.querySelectorAll(".pg-graph")) graph.dataset.busy = text;
    }, BUSY_DELAY_MS);
    return () => {
      window.clearTimeout(timer);
      const panel = document.getElementById(panelId);
      if (!panel || panel.dataset.busyToken !== token) return; // a later start owns the mark
      delete panel.dataset.busyToken;
      for (const graph of panel.querySelectorAll(".pg-graph")) delete graph.dataset.busy;
    };
  }

  pg.playback = { load, ensureScrub };
  pg.visibility = { watch, onScreen };
  pg.busy = { start };
})();
