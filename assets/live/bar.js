/*
 * Live session, the bar (components/live_session.py renders its empty elements in the app
 * shell): the instructor's code, QR code, join address and buttons; a follower's Follow /
 * Detach. Buttons carry `data-live="<action>"` and are handled by one delegated listener.
 * The buttons are rebuilt only when what they offer changes (not on every poll), so a click
 * never lands on a button that was just replaced.
 */
(function () {
  "use strict";
  const LossViz = (window.LossViz = window.LossViz || {});
  const live = (LossViz.live = LossViz.live || {});

  let shownActions = "";
  let statusTimer = null;

  const $ = (id) => document.getElementById(id);

  function button(label, action, extra = {}) {
    const el = document.createElement("button");
    el.type = "button";
    el.textContent = label;
    el.dataset.live = action;
    for (const [key, value] of Object.entries(extra)) el.dataset[key] = value;
    return el;
  }

  /* A sentence in the bar (sticky: until the next one), shown even without a session. */
  function status(text, sticky = false) {
    const bar = $("live-bar");
    const el = $("live-status");
    if (!bar || !el) return;
    el.textContent = text || "";
    if (text) bar.hidden = false;
    window.clearTimeout(statusTimer);
    if (!sticky && text) statusTimer = window.setTimeout(() => render(live.current(), live.latest()), 4000);
  }

  function joinAddress(code) {
    return `${window.location.origin}${live.api.url("/join")}?code=${code}`;
  }

  function instructorActions(session, latest) {
    const question = latest && latest.question;
    const revealed = Boolean(latest && latest.reveal && question && latest.reveal.qid === question.id);
    const items = [];
    if (!question) {
      live.questions.forPage(window.location.pathname).forEach((q, i) => {
        items.push(button(`Ask: ${q.prompt}`, "ask", { index: String(i) }));
      });
    } else if (!revealed) {
      items.push(button("Reveal", "reveal", { primary: "1" }), button("Cancel question", "close"));
    } else {
      items.push(button("Hide answers", "close"));
    }
    items.push(button(session.open ? "Hide code" : "Show code", "share"), button("End session", "end"));
    return items;
  }

  function followerActions(session) {
    return [
      session.following ? button("Detach", "detach") : button("Follow", "follow", { primary: "1" }),
      button("Leave", "leave"),
    ];
  }

  function render(session, latest) {
    const bar = $("live-bar");
    const toggle = $("live-toggle");
    if (!bar) return;
    if (toggle) {
      toggle.textContent = session ? `Live: ${session.code}` : "Live session";
      toggle.setAttribute("aria-expanded", session && session.open ? "true" : "false");
    }
    bar.hidden = !session;
    bar.dataset.role = session ? session.role : "";
    bar.classList.toggle("live-open", Boolean(session && session.open));
    if (!session) {
      shownActions = "";
      return;
    }
    $("live-code").textContent = session.code;
    const instructor = session.role === "instructor";
    const share = $("live-share");
    share.hidden = !(instructor && session.open);
    if (instructor && session.open) {
      const src = live.api.url(`/api/session/${session.code}/qr.svg`);
      const qr = $("live-qr");
      if (qr.getAttribute("src") !== src) qr.setAttribute("src", src);
      $("live-join").textContent = joinAddress(session.code);
    }
    const noView = latest && !latest.state;
    $("live-status").textContent = instructor
      ? "students: open the address or scan the code"
      : noView
        ? "waiting for the instructor's page…"
        : session.following
          ? "following the instructor"
          : "exploring on your own";
    const question = latest && latest.question;
    const signature = JSON.stringify([
      session.role,
      session.following,
      session.open,
      window.location.pathname,
      question && question.id,
      latest && latest.reveal && latest.reveal.qid,
    ]);
    if (signature !== shownActions) {
      shownActions = signature;
      $("live-actions").replaceChildren(...(instructor ? instructorActions(session, latest) : followerActions(session)));
    }
  }

  const ACTIONS = {
    toggle: () => live.toggle(),
    detach: () => live.detach(),
    follow: () => live.follow(),
    leave: () => live.leave(),
    end: () => live.end(),
    share: () => live.toggle(),
    ask: (el) => live.questions.ask(Number(el.dataset.index)),
    reveal: () => live.questions.reveal(),
    close: () => live.questions.close(),
    choice: (el) => live.questions.choose(Number(el.dataset.choice)),
  };

  document.addEventListener("click", (event) => {
    const el = event.target.closest && event.target.closest("[data-live]");
    if (!el || !ACTIONS[el.dataset.live]) return;
    event.preventDefault();
    ACTIONS[el.dataset.live](el);
  });

  // A page change (the instructor's own navigation) changes which questions the bar offers.
  window.addEventListener("_dashprivate_pushstate", () => window.setTimeout(() => render(live.current(), live.latest()), 0));

  live.bar = { render, status };
})();
