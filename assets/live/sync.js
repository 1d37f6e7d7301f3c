/*
 * Live session, the arithmetic (no DOM, no network): what of an address is shared, and where
 * the instructor's playback is now.
 *
 *   LossViz.live.sync.sharedSearch(search)    the query a follower gets: the page's canonical
 *                                             settings without the viewer's own keys
 *   LossViz.live.sync.here()                  {path, search} of this page, shared form
 *   LossViz.live.sync.frameAt(player, at, now)  the instructor's frame at server time `now`
 *                                             (ms), from its published player state of `at`
 */
(function () {
  "use strict";
  const LossViz = (window.LossViz = window.LossViz || {});
  const live = (LossViz.live = LossViz.live || {});

  // A viewer's own keys: presentation mode, the join code, a shared link's playback position
  // (the player state travels separately, and moves while playing).
  const OWN_KEYS = ["present", "live", "frame", "speed"];
  // The player's pace: `speed` frames per 60 Hz tick (assets/core/player.js).
  const TICKS_PER_SECOND = 60;

  function sharedSearch(search) {
    const query = new URLSearchParams(search || "");
    for (const key of OWN_KEYS) query.delete(key);
    return query.toString().replace(/%2C/gi, ",");
  }

  function here() {
    return { path: window.location.pathname, search: sharedSearch(window.location.search) };
  }

  function frameAt(player, at, now) {
    if (!player) return null;
    if (!player.playing) return player.frame;
    const ahead = (Math.max(0, now - at) / 1000) * player.speed * TICKS_PER_SECOND;
    return Math.min(player.frames - 1, player.frame + ahead);
  }

  live.sync = { sharedSearch, here, frameAt, TICKS_PER_SECOND };
})();
