/*
 * Live session, every member's poll and a follower's page: fetch the session's state about
 * every `POLL_MS` with its last ETag (mostly a 304, nothing sent), hand a new state to the
 * session (LossViz.live.onState), and — while following — show the instructor's view:
 *
 *   - another page or other settings: history.pushState + "_dashprivate_pushstate" (what
 *     dcc.Link does), so Dash's router renders that page with that query, no reload;
 *   - the playback: the instructor's frame extrapolated to now on the server's clock while it
 *     plays (frame + elapsed × speed × 60 / s), re-applied when the page's player (re)loads
 *     and whenever this player has drifted more than `DRIFT_S` from it.
 */
(function () {
  "use strict";
  const LossViz = (window.LossViz = window.LossViz || {});
  const live = (LossViz.live = LossViz.live || {});

  const POLL_MS = 800; // the wait alone keeps a change ≤ 0.8 s from a follower's screen
  const HIDDEN_POLL_MS = 5000; // a tab in the background asks rarely
  const DRIFT_S = 0.25;

  const poll = { code: null, etag: null, timer: null, running: false };
  let lastTarget = null; // the instructor's address this follower last went to
  let latestState = null;

  async function tick() {
    const code = poll.code;
    if (!poll.running || !code) return;
    const r = await live.api.call("GET", `/api/session/${code}`, { etag: poll.etag });
    if (!poll.running || poll.code !== code) return;
    if (r.status === 200 && r.data && r.data.ended) {
      if (live.ended) live.ended("The session has ended.");
      return;
    } else if (r.status === 200 && r.data) {
      poll.etag = r.etag;
      if (live.onState) live.onState(r.data);
    } else if (r.status === 304) {
      if (live.onSame) live.onSame();
    } else if (r.status === 404) {
      if (live.ended) live.ended("The session has ended.");
      return;
    }
    poll.timer = window.setTimeout(tick, document.hidden ? HIDDEN_POLL_MS : POLL_MS);
  }

  function start(code) {
    stop();
    Object.assign(poll, { code, etag: null, running: true });
    lastTarget = null;
    tick();
  }

  function stop() {
    poll.running = false;
    if (poll.timer) window.clearTimeout(poll.timer);
    poll.timer = null;
  }

  function addressOf(state) {
    return state.path + (state.search ? `?${state.search}` : "");
  }

  function navigate(target) {
    window.history.pushState({}, "", target);
    window.dispatchEvent(new CustomEvent("_dashprivate_pushstate"));
  }

  /* Show the instructor's view `state`; `force` (on Follow) goes there even if this follower
   * went there before and then changed something. */
  function apply(state, force = false) {
    latestState = state;
    if (!state) return;
    const target = addressOf(state);
    const here = live.sync.here();
    const there = here.path === state.path && here.search === live.sync.sharedSearch(state.search);
    if (!there && (force || target !== lastTarget)) {
      lastTarget = target;
      navigate(target);
      return; // the page's player loads its run, then takes the position (below)
    }
    lastTarget = target;
    if (there) applyPlayer(state);
  }

  function applyPlayer(state) {
    const wanted = state && state.player;
    if (!wanted) return;
    const player = LossViz.player(wanted.name);
    const onScreen = document.querySelector(`[data-player="${wanted.name}"]`);
    if (!onScreen || !player.render || player.frames !== wanted.frames) return; // not loaded yet
    if (player.speed !== wanted.speed) player.setSpeed(wanted.speed);
    const frame = live.sync.frameAt(wanted, state.at, live.api.serverNow());
    if (!wanted.playing || frame >= wanted.frames - 1) {
      const last = wanted.playing ? wanted.frames - 1 : wanted.frame;
      if (player.playing || player.frame !== last) player.apply({ frame: last, playing: false });
      return;
    }
    const tolerance = Math.max(1, wanted.speed * live.sync.TICKS_PER_SECOND * DRIFT_S);
    const now = player.playing ? player.position : player.frame;
    if (!player.playing || Math.abs(now - frame) > tolerance) {
      player.apply({ frame: Math.floor(frame), playing: true });
    }
  }

  /* A player (re)loaded a run (this page, new settings): give it the instructor's moment. */
  document.addEventListener("lossviz:player", (event) => {
    if (!event.detail || event.detail.change !== "load" || !live.following || !live.following()) return;
    if (!latestState || !latestState.player || latestState.player.name !== event.detail.name) return;
    const state = latestState;
    window.setTimeout(() => applyPlayer(state), 0); // after the page's own shared-link handling
  });

  live.follower = { start, stop, apply, applyPlayer, POLL_MS };
})();
