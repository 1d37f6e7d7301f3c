/*
 * Live session, the instructor's side: publish this page's view — {path, search (the
 * canonical settings), player state} — whenever it changes, at most once a second, always the
 * latest (a change inside the second waits for its end; the newest view then goes out).
 * While a run plays, followers extrapolate the position, so the view is only re-sent every
 * `HEARTBEAT_MS` to correct drift. Requests go out one at a time (`LossViz.live.instructor.send`
 * queues the question buttons' requests behind publishing), so no change overtakes another.
 */
(function () {
  "use strict";
  const LossViz = (window.LossViz = window.LossViz || {});
  const live = (LossViz.live = LossViz.live || {});

  const MIN_INTERVAL_MS = 1000;
  const HEARTBEAT_MS = 5000;
  const WATCH_MS = 250; // how often the address is compared (pages rewrite it with replaceState)

  let session = null; // {code, token}
  let lastSent = 0;
  let lastKey = "";
  let timer = null;
  let watcher = null;
  let queue = Promise.resolve();

  function playerState() {
    const player = LossViz.activePlayer ? LossViz.activePlayer() : null;
    return player && player.render && player.frames > 0 ? player.state() : null;
  }

  function view() {
    return { ...live.sync.here(), player: playerState() };
  }

  /* What, if it changed, must go out now (a playing player's frame moves by itself). */
  function keyOf(v) {
    const p = v.player;
    const still = p ? `${p.name}|${p.frames}|${p.playing}|${p.speed}|${p.playing ? "" : p.frame}` : "";
    return `${v.path}?${v.search}#${still}`;
  }

  /* Run `work()` after every request already queued; returns its promise. */
  function send(work) {
    const next = queue.then(work, work);
    queue = next.catch(() => null);
    return next;
  }

  function publishNow() {
    timer = null;
    if (!session) return;
    lastSent = Date.now();
    const v = view();
    lastKey = keyOf(v);
    const { code, token } = session;
    send(() => live.api.call("PUT", `/api/session/${code}/state`, { token, body: v })).then((r) => {
      if (r && r.status === 404 && live.ended) live.ended("The session has ended.");
      else if (r && r.status >= 400 && live.bar) live.bar.status((r.data && r.data.error) || "Not published.");
    });
  }

  /* A change: publish at once if the last one went out a second ago, else at that second. */
  function changed() {
    if (!session || timer) return;
    timer = window.setTimeout(publishNow, Math.max(0, lastSent + MIN_INTERVAL_MS - Date.now()));
  }

  function watch() {
    if (!session) return;
    const v = view();
    if (keyOf(v) !== lastKey) changed();
    else if (v.player && v.player.playing && Date.now() - lastSent > HEARTBEAT_MS) changed();
  }

  function start(current) {
    stop();
    session = current;
    lastKey = "";
    changed();
    watcher = window.setInterval(watch, WATCH_MS);
  }

  function stop() {
    session = null;
    if (timer) window.clearTimeout(timer);
    if (watcher) window.clearInterval(watcher);
    timer = watcher = null;
  }

  document.addEventListener("lossviz:player", (event) => {
    if (session && event.detail && event.detail.change !== "load") changed();
    else if (session) window.setTimeout(watch, 0);
  });

  live.instructor = { start, stop, send, view };
})();
