/*
 * Links keep the playback position and speed: `frame=<k>` and `speed=<x>` in the address.
 *
 * The first run a page loads after it opens starts where the link says (the frame, paused;
 * the speed if the page's speed menu offers it). From then on every seek, pause and speed
 * change a person makes is written back with history.replaceState once the player is still
 * (Dash is not told, so no callback fires), so "Copy link", a bookmark or a reload shows the
 * same moment. The frame a run opens at (the start, or the end where the page opens there)
 * and the page's own speed are left out of the address. The server keeps both keys through
 * its canonical queries and drops values that are not numbers, with a message
 * (settings/query.py: PASSTHROUGH_KEYS).
 */
(function () {
  "use strict";
  const LossViz = (window.LossViz = window.LossViz || {});

  // The page (pathname) whose first run has taken the link's position, and its own speed.
  let settled = null;
  let pageSpeed = null;
  let usualFrame = 0; // where the page put the player when it loaded its latest run

  function linkState() {
    const query = new URLSearchParams(window.location.search);
    const frame = query.get("frame");
    const speed = query.get("speed");
    return {
      frame: frame !== null && /^[0-9]{1,7}$/.test(frame) ? Number(frame) : null,
      speed: speed !== null && Number(speed) > 0 ? Number(speed) : null,
    };
  }

  /* The speeds the player's menu offers and the one it shows when the page opens. */
  function menuSpeeds(name) {
    const holder = document.querySelector(`[data-player="${name}"][data-role="speed"]`);
    const el = holder && (holder.matches("select") ? holder : holder.querySelector("select"));
    if (!el || !el.options.length) return null;
    const usual = Array.from(el.options).find((o) => o.defaultSelected) || el.options[0];
    return { usual: Number(usual.value), offered: Array.from(el.options, (o) => Number(o.value)) };
  }

  /* The address with this player state written in (the usual frame and speed left out). */
  function addressOf({ frame, speed }) {
    const url = new URL(window.location.href);
    if (frame !== usualFrame) url.searchParams.set("frame", String(frame));
    else url.searchParams.delete("frame");
    if (pageSpeed !== null && speed !== pageSpeed) url.searchParams.set("speed", String(speed));
    else url.searchParams.delete("speed");
    url.search = url.searchParams.toString().replace(/%2C/gi, ",");
    return url.toString();
  }
  LossViz.playbackAddress = addressOf;

  function takeLink(player) {
    const menu = menuSpeeds(player.name);
    pageSpeed = menu ? menu.usual : player.speed;
    const wanted = linkState();
    const state = { speed: pageSpeed };
    if (wanted.speed !== null && menu && menu.offered.includes(wanted.speed)) state.speed = wanted.speed;
    if (wanted.frame !== null) {
      state.frame = Math.min(wanted.frame, player.frames - 1);
      state.playing = false;
    }
    settled = window.location.pathname;
    player.apply(state);
  }

  // Following a link inside the app opens a page afresh: its first run takes that link.
  const reopen = () => (settled = null);
  window.addEventListener("popstate", reopen);
  window.addEventListener("_dashprivate_pushstate", reopen);

  document.addEventListener("lossviz:player", (event) => {
    const detail = event.detail;
    const player = LossViz.player(detail.name);
    if (detail.change === "load") usualFrame = detail.frame;
    if (settled !== window.location.pathname) {
      // Until the page's first run is loaded, the address still holds the link's position.
      if (detail.change === "load") takeLink(player);
      return;
    }
    writeSoon(player);
  });

  /* Write the address once the player has been still for WRITE_AFTER_MS: a scrub is one write,
   * and nothing is written while it plays (a changed address makes the browser fetch the
   * favicon again: playback must not reach the server). */
  const WRITE_AFTER_MS = 300;
  let writeTimer = 0;
  function writeSoon(player) {
    window.clearTimeout(writeTimer);
    writeTimer = window.setTimeout(() => {
      if (player.playing || settled !== window.location.pathname) return; // written when it pauses
      const next = addressOf(player.state());
      if (next !== window.location.href) window.history.replaceState(window.history.state, "", next);
    }, WRITE_AFTER_MS);
  }
})();
