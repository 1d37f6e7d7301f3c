/*
 * Client-side playback shared by every page: the server computes a whole run once, the browser
 * plays it. Play, pause, step, scrub and reset never send a request.
 *
 * A page registers a player with a frame count and a render(frame) function:
 *     LossViz.player("lab").load({frames: 501, render: (k) => ..., labels: (k) => "step 12"});
 * and marks its controls in the layout with data attributes:
 *     <button data-player="lab" data-action="play|step|back|reset|end">
 *     <input type="range" data-player="lab" data-role="scrub">
 *     <select data-player="lab" data-role="speed">   (e.g. 0.25, 0.5, 1, 2, 5)
 *     <span data-player="lab" data-role="counter">
 * Keyboard shortcuts and presentation mode drive `LossViz.activePlayer()`.
 *
 * Every change a person (or a page) makes — load, seek, play, pause, speed — is announced as
 * the document event "lossviz:player" with `detail = player.state()` plus `change` (its kind);
 * frames advanced by playback itself are not announced (read `player.frame`). `apply(state)`
 * puts a player into a state such an event described (used by shared links and live sessions).
 *
 * Pace. By default `speed` is frames per 60 Hz tick, measured in wall time: the lab's 500 steps
 * take ~8 s at 1× whatever the display's refresh rate. With `frameLocked: true` it is frames
 * per animation frame (TensorFlow Playground's pace): 1× shows every frame, one per repaint, and
 * a slow machine slows the playback down instead of skipping frames; 2× advances two frames
 * per repaint, ½× holds each frame for two.
 */
(function () {
  "use strict";
  const LossViz = (window.LossViz = window.LossViz || {});
  const players = new Map();
  let active = null;

  class Player {
    constructor(name) {
      this.name = name;
      this.frames = 0;
      this.frame = 0;
      this.position = 0; // fractional frame position while playing
      this.speed = 1;
      this.frameLocked = false;
      this.playing = false;
      this.render = null;
      this.label = (k) => String(k);
      this._raf = null;
      this._lastTick = 0;
    }

    load({
      frames,
      render,
      label,
      onPlay = null,
      onPause = null,
      keepFrame = false,
      atEnd = false,
      autoplay = false,
      frameLocked = false,
    }) {
      this.pause();
      this._readSpeedControl(); // the page's menu, not this object, holds the speed shown
      this.frames = Math.max(1, frames | 0);
      this.render = render;
      this.frameLocked = frameLocked;
      // Optional hooks: a page may draw frames a cheaper way while playing and redraw
      // exactly once playback stops.
      this.onPlay = onPlay;
      this.onPause = onPause;
      if (label) this.label = label;
      let frame = keepFrame ? Math.min(this.frame, this.frames - 1) : 0;
      if (atEnd) frame = this.frames - 1;
      active = this;
      this.seek(frame);
      if (autoplay) this.play();
      this._announce("load");
    }

    /* What another page needs to show the same moment: {name, frame, frames, playing, speed}. */
    state() {
      const { name, frame, frames, playing, speed } = this;
      return { name, frame, frames, playing, speed };
    }

    /* Go to a described state: any of {frame, playing, speed}; unknown or bad values ignored. */
    apply({ frame, playing, speed } = {}) {
      if (speed !== undefined) this.setSpeed(speed);
      if (Number.isFinite(Number(frame)) && frame !== null && frame !== "") this.seek(Number(frame));
      if (playing === true) this.play();
      else if (playing === false) this.pause();
    }

    _announce(change) {
      const detail = Object.assign(this.state(), { change });
      document.dispatchEvent(new CustomEvent("lossviz:player", { detail }));
    }

    seek(frame) {
      if (!this.render) return;
      const clamped = Math.max(0, Math.min(this.frames - 1, Math.round(frame)));
      this.frame = clamped;
      this.position = clamped;
      this.render(clamped);
      this._syncControls();
      this._announce("seek");
    }

    play() {
      if (!this.render || this.playing) return;
      if (this.frame >= this.frames - 1) this.seek(0);
      this._readSpeedControl(); // Dash may have re-rendered the select with a value from the URL
      this.playing = true;
      if (this.onPlay) this.onPlay(this.frame);
      active = this;
      this._lastTick = 0;
      const tick = (now) => {
        if (!this.playing) return;
        this.position = Math.min(this.frames - 1, this.position + this._advance(now));
        const next = Math.floor(this.position);
        if (next !== this.frame) {
          this.frame = next;
          this.render(next);
          this._syncControls();
        }
        if (this.frame >= this.frames - 1) {
          this.pause();
          return;
        }
        this._raf = window.requestAnimationFrame(tick);
      };
      this._raf = window.requestAnimationFrame(tick);
      this._syncControls();
      this._announce("play");
    }

    /* Frames to advance on this animation frame: `speed` per repaint when frame-locked, else
     * `speed` per 60 Hz tick of wall time (a stalled tab resumes at most 100 ms later). */
    _advance(now) {
      if (this.frameLocked) return this.speed;
      const elapsed = this._lastTick ? Math.min(now - this._lastTick, 100) : 1000 / 60;
      this._lastTick = now;
      return (this.speed * elapsed * 60) / 1000;
    }

    _readSpeedControl() {
      for (const holder of this._controls("speed")) {
        const el = holder.matches("select, input") ? holder : holder.querySelector("select, input");
        if (el) this.setSpeed(el.value);
      }
    }

    pause() {
      const wasPlaying = this.playing;
      this.playing = false;
      if (this._raf) window.cancelAnimationFrame(this._raf);
      this._raf = null;
      if (wasPlaying && this.onPause) this.onPause(this.frame);
      this._syncControls();
      if (wasPlaying) this._announce("pause");
    }

    toggle() {
      if (this.playing) this.pause();
      else this.play();
    }

    step(delta = 1) {
      this.pause();
      this.seek(this.frame + delta);
    }

    reset() {
      this.pause();
      this.seek(0);
    }

    end() {
      this.pause();
      this.seek(this.frames - 1);
    }

    setSpeed(speed) {
      const value = Number(speed);
      if (!(Number.isFinite(value) && value > 0) || value === this.speed) return;
      this.speed = value;
      for (const holder of this._controls("speed")) {
        // The menu shows it too when the speed came from elsewhere (a link, a live session).
        const el = holder.matches("select") ? holder : holder.querySelector("select");
        const option = el && Array.from(el.options).find((o) => Number(o.value) === value);
        if (option && el.value !== option.value) el.value = option.value;
      }
      this._announce("speed");
    }

    _controls(role) {
      return document.querySelectorAll(`[data-player="${this.name}"][data-role="${role}"]`);
    }

    _syncControls() {
      for (const el of this._controls("counter")) el.textContent = this.label(this.frame);
      for (const holder of this._controls("scrub")) {
        const el = holder.matches("input") ? holder : holder.querySelector("input");
        if (!el) continue;
        el.max = String(this.frames - 1);
        if (document.activeElement !== el) el.value = String(this.frame);
      }
      for (const el of document.querySelectorAll(`[data-player="${this.name}"][data-action="play"]`)) {
        el.textContent = this.playing ? "❚❚ Pause" : "▶ Play";
        el.setAttribute("aria-pressed", this.playing ? "true" : "false");
      }
    }
  }

  LossViz.player = function (name) {
    if (!players.has(name)) players.set(name, new Player(name));
    return players.get(name);
  };

  LossViz.activePlayer = function () {
    // The active player is the last one used whose page is still on screen.
    if (active && document.querySelector(`[data-player="${active.name}"]`)) return active;
    for (const player of players.values()) {
      if (document.querySelector(`[data-player="${player.name}"]`)) return player;
    }
    return null;
  };

  // One delegated listener for every page's controls: Dash may re-render them at any time.
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-player][data-action]");
    if (!button) return;
    const player = LossViz.player(button.dataset.player);
    const action = button.dataset.action;
    if (action === "play") player.toggle();
    else if (action === "step") player.step(1);
    else if (action === "back") player.step(-1);
    else if (action === "reset") player.reset();
    else if (action === "end") player.end();
  });

  // A control is the element with data-player/data-role or an input inside it
  // (Dash's dcc.Input takes no data attributes, so pages wrap it).
  function roleOf(target) {
    const holder = target.closest ? target.closest("[data-player][data-role]") : null;
    return holder ? { player: LossViz.player(holder.dataset.player), role: holder.dataset.role } : null;
  }

  document.addEventListener("input", (event) => {
    const found = roleOf(event.target);
    if (!found) return;
    if (found.role === "scrub") {
      const frame = Number(event.target.value); // read before pause() re-syncs the scrubber
      found.player.pause();
      found.player.seek(frame);
    } else if (found.role === "speed") {
      found.player.setSpeed(event.target.value);
    }
  });

  document.addEventListener("change", (event) => {
    const found = roleOf(event.target);
    if (found && found.role === "speed") found.player.setSpeed(event.target.value);
  });
})();
