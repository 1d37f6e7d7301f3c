/*
 * Live session, the controller: who this tab is in a session and what it does.
 *
 * sessionStorage "lossviz.live" = {code, role: "instructor" | "follower", token (instructor),
 * following (follower)}: a reload, or a page change, keeps the tab in its session; another
 * tab starts afresh. An instructor publishes (instructor.js) and polls like everyone (to show
 * the questions and answers); a follower polls and, while following, shows the instructor's
 * view (follower.js). `?live=CODE` on any page, or /join?code=CODE, joins.
 *
 *   LossViz.live.start() / join(code) / detach() / follow() / leave() / end()
 *   LossViz.live.current() -> the session or null; latest() -> its last state
 */
(function () {
  "use strict";
  const LossViz = (window.LossViz = window.LossViz || {});
  const live = (LossViz.live = LossViz.live || {});
  const KEY = "lossviz.live";
  const CODE = /^[A-Z]{5}$/;

  let session = null;
  let latest = null;

  function load() {
    try {
      const stored = JSON.parse(window.sessionStorage.getItem(KEY) || "null");
      return stored && CODE.test(stored.code) ? stored : null;
    } catch (error) {
      return null;
    }
  }

  function save() {
    try {
      if (session) window.sessionStorage.setItem(KEY, JSON.stringify(session));
      else window.sessionStorage.removeItem(KEY);
    } catch (error) {
      /* private mode: the session lasts as long as the page */
    }
  }

  function render() {
    if (live.bar) live.bar.render(session, latest);
  }

  function run() {
    latest = null;
    if (session.role === "instructor") live.instructor.start(session);
    live.follower.start(session.code);
    render();
  }

  async function start() {
    live.bar.status("Starting a session…", true);
    const r = await live.api.call("POST", "/api/session");
    if (r.status !== 201 || !r.data) {
      live.bar.status((r.data && r.data.error) || "The session could not start.", true);
      return;
    }
    session = { code: r.data.code, token: r.data.token, role: "instructor", open: true };
    save();
    run();
  }

  /* Join `code`; resolves to "" or the sentence why not. */
  async function join(raw) {
    const code = String(raw || "").trim().toUpperCase();
    if (!CODE.test(code)) return "A session code is five letters, like KTRWM.";
    if (session && session.code === code) return "";
    const r = await live.api.call("GET", `/api/session/${code}`);
    if (r.status !== 200) return (r.data && r.data.error) || "That session cannot be reached.";
    if (r.data && r.data.ended) return "That session has ended.";
    if (session && session.role === "instructor") live.instructor.stop();
    session = { code, role: "follower", following: true, open: true };
    save();
    run();
    return "";
  }

  function detach() {
    if (!session || session.role !== "follower") return;
    session.following = false;
    save();
    render();
  }

  function follow() {
    if (!session || session.role !== "follower") return;
    session.following = true;
    save();
    render();
    if (latest) live.follower.apply(latest.state, true);
  }

  function stopAll() {
    live.instructor.stop();
    live.follower.stop();
    session = null;
    latest = null;
    save();
    if (live.reveal) live.reveal.update(null, null);
  }

  function leave() {
    stopAll();
    render();
  }

  async function end() {
    if (!session || session.role !== "instructor") return;
    const { code, token } = session;
    await live.instructor.send(() => live.api.call("DELETE", `/api/session/${code}`, { token }));
    stopAll();
    render();
  }

  function ended(message) {
    stopAll();
    render();
    live.bar.status(message, true);
  }

  function onState(data) {
    latest = data;
    render();
    if (live.questions) live.questions.update(session, data);
    if (live.reveal) live.reveal.update(session, data);
    if (session && session.role === "follower" && session.following) live.follower.apply(data.state);
  }

  function onSame() {
    if (session && session.role === "follower" && session.following && latest) {
      live.follower.apply(latest.state);
    }
  }

  function toggle() {
    if (!session) return start();
    session.open = !session.open;
    save();
    render();
  }

  Object.assign(live, {
    start,
    join,
    detach,
    follow,
    leave,
    end,
    ended,
    onState,
    onSame,
    toggle,
    current: () => session,
    latest: () => latest,
    following: () => Boolean(session && session.role === "follower" && session.following),
    instructing: () => Boolean(session && session.role === "instructor"),
  });

  // ---- the join page and ?live= ---------------------------------------------------------------
  function joinMessage(text) {
    const el = document.getElementById("live-join-message");
    if (el) el.textContent = text;
  }

  async function joinFromAddress() {
    const query = new URLSearchParams(window.location.search);
    const onJoinPage = /\/join$/.test(window.location.pathname);
    const code = query.get("live") || (onJoinPage ? query.get("code") : null);
    if (!code) return false;
    if (onJoinPage) joinMessage("Joining…");
    const problem = await join(code);
    if (problem) {
      if (onJoinPage) joinMessage(problem);
      else live.bar.status(problem, true);
    }
    return true;
  }

  document.addEventListener("submit", (event) => {
    if (!event.target.closest || !event.target.closest("#live-join-form")) return;
    event.preventDefault();
    const box = document.getElementById("live-join-code");
    joinMessage("Joining…");
    join(box ? box.value : "").then((problem) => joinMessage(problem));
  });

  // The join page may be opened inside the app (no full load): look again on each navigation.
  window.addEventListener("_dashprivate_pushstate", () => window.setTimeout(joinFromAddress, 0));
  window.addEventListener("popstate", () => window.setTimeout(joinFromAddress, 0));

  async function boot() {
    session = load();
    if (await joinFromAddress()) return;
    if (session) run();
    else render();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
  else boot();
})();
