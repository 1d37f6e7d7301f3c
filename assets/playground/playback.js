/*
 * Playback pace, visibility and "busy" marks of the playground.
 *
 * Pace: 1× shows every frame, one per animation frame (TensorFlow Playground's pace: a run of
 * 500 epochs plays its 501 frames in ~8 s at 60 Hz, and a slow machine slows the playback
 * down instead of skipping epochs); 2×, 4×, 8× advance that many frames per animation frame,
 * ½× and ¼× hold each frame for 2 or 4. The shared player (assets/core/player.js) keeps
 * play / pause / step / scrub / keyboard and the controls in sync; its own advance is
 * time-based (frames per 60 Hz tick), so it is parked here (speed Number.MIN_VALUE: it never
 * reaches the next frame by itself, and still pauses at the end) and this loop seeks frame by
 * frame through its public API. The pace select is data-role="pace", not the shared "speed".
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

  const PARKED = Number.MIN_VALUE;
  const BUSY_DELAY_MS = 150;
  const paces = new Map(); // player name -> frames per animation frame
  const loops = new Map(); // player name -> rAF id

  function paceOf(name) {
    if (!paces.has(name)) {
      const select = document.querySelector(`[data-player="${name}"][data-role="pace"]`);
      const value = select ? Number(select.value) : 1;
      paces.set(name, Number.isFinite(value) && value > 0 ? value : 1);
    }
    return paces.get(name);
  }

  function onPaceChange(event) {
    const holder = event.target.closest && event.target.closest('[data-player][data-role="pace"]');
    if (!holder) return;
    const value = Number(holder.value);
    if (Number.isFinite(value) && value > 0) paces.set(holder.dataset.player, value);
  }
  document.addEventListener("change", onPaceChange);
  document.addEventListener("input", onPaceChange);

  function startLoop(name) {
    const player = LossViz.player(name);
    if (loops.has(name)) window.cancelAnimationFrame(loops.get(name));
    let carried = 0;
    const step = () => {
      if (!player.playing) {
        loops.delete(name);
        return;
      }
      carried += paceOf(name);
      const advance = Math.floor(carried);
      carried -= advance;
      if (advance > 0) player.seek(Math.min(player.frames - 1, player.frame + advance));
      loops.set(name, window.requestAnimationFrame(step));
    };
    loops.set(name, window.requestAnimationFrame(step));
  }

  function load(name, { frames, render, label, autoplay = false, atEnd = false }) {
    const player = LossViz.player(name);
    ensureScrub(name);
    player.load({ frames, render, label, atEnd, onPlay: () => startLoop(name) });
    player.setSpeed(PARKED);
    if (autoplay) player.play();
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

  pg.playback = { load, ensureScrub, paceOf };
  pg.visibility = { watch, onScreen };
  pg.busy = { start };
})();
