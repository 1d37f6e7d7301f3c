/*
 * Live session, predict then reveal: the questions a page offers the instructor, and a
 * student's answer. A multiple-choice question is answered with the bar's buttons; a point
 * question ("where will each optimizer end?") with a click on the lab's landscape: while one
 * is open, assets/lab/plane_input.js hands its clicks to `LossViz.live.claimPlaneClick` first
 * (dragging the start dot still works). A student may change an answer until the reveal.
 */
(function () {
  "use strict";
  const LossViz = (window.LossViz = window.LossViz || {});
  const live = (LossViz.live = LossViz.live || {});

  const QUESTIONS = {
    "/optimizers": [{ kind: "point", prompt: "Where will each optimizer end?" }],
    "/playground": [
      {
        kind: "choice",
        prompt: "Which initialization wins?",
        options: ["Zero", "Too small", "Appropriate", "Too large"],
      },
    ],
  };
  const ANY_PAGE = [{ kind: "choice", prompt: "Will it converge?", options: ["Yes", "No", "Not sure"] }];
  const COUNT_MS = 2000;

  let open = null; // the open question, as the last state said
  let mine = { qid: null, choice: null, point: null };
  let counter = null;

  const $ = (id) => document.getElementById(id);

  function forPage(path) {
    return QUESTIONS[path] || ANY_PAGE;
  }

  function landscape() {
    return document.querySelector("#lab-landscape .js-plotly-plot");
  }

  /* The plane on screen, [[x0, x1], [y0, y1]], from the lab overlay's axes. */
  function plane() {
    const gd = landscape();
    const xa = gd && gd.layout && gd.layout.xaxis;
    const ya = gd && gd.layout && gd.layout.yaxis;
    if (!xa || !ya || !Array.isArray(xa.range) || !Array.isArray(ya.range)) return null;
    const sorted = (r) => [Math.min(r[0], r[1]), Math.max(r[0], r[1])].map(Number);
    return [sorted(xa.range), sorted(ya.range)];
  }

  function instructorCall(method, path, body) {
    const session = live.current();
    if (!session || session.role !== "instructor") return Promise.resolve(null);
    const { code, token } = session;
    return live.instructor.send(() => live.api.call(method, `/api/session/${code}${path}`, { token, body }));
  }

  function refresh() {
    // The next poll brings the change; ask now rather than wait for it.
    const session = live.current();
    if (session) live.follower.start(session.code);
  }

  async function ask(index) {
    const question = { ...forPage(window.location.pathname)[index] };
    if (!question.prompt) return;
    if (question.kind === "point") {
      question.domain = plane();
      if (!question.domain) return live.bar.status("The landscape is not drawn yet.");
    }
    const r = await instructorCall("POST", "/question", question);
    if (r && r.status !== 200) live.bar.status((r.data && r.data.error) || "Not asked.");
    refresh();
  }

  async function reveal() {
    const r = await instructorCall("POST", "/reveal");
    if (r && r.status !== 200) live.bar.status((r.data && r.data.error) || "Not revealed.");
    refresh();
  }

  async function close() {
    await instructorCall("DELETE", "/question");
    refresh();
  }

  async function vote(answer) {
    const session = live.current();
    if (!session || !open) return;
    const body = { qid: open.id, voter: live.api.voter(), ...answer };
    const r = await live.api.call("POST", `/api/session/${session.code}/vote`, { body });
    const note = $("live-question-note");
    if (note) note.textContent = r.status === 200 ? "Your answer is in (you can change it until the reveal)." : (r.data && r.data.error) || "Not sent.";
  }

  function choose(choice) {
    mine = { qid: open && open.id, choice, point: null };
    render();
    vote({ choice });
  }

  /* A click on the lab's plane while a point question is open is a prediction. */
  live.claimPlaneClick = function (point) {
    const session = live.current();
    if (!session || session.role !== "follower" || !open || open.kind !== "point" || !point) return false;
    mine = { qid: open.id, choice: null, point: [point.x, point.y] };
    if (live.reveal) live.reveal.drawMine(mine.point);
    vote({ point: [point.x, point.y] });
    return true;
  };

  function render() {
    const box = $("live-question");
    if (!box) return;
    box.hidden = !open;
    if (!open) return box.replaceChildren();
    const session = live.current();
    const prompt = document.createElement("div");
    prompt.className = "live-prompt";
    prompt.textContent = open.prompt;
    const parts = [prompt];
    if (session && session.role === "instructor") {
      const count = document.createElement("div");
      count.id = "live-answered";
      count.className = "small";
      count.textContent = box.dataset.answered || "0 answered";
      parts.push(count);
    } else if (open.kind === "choice") {
      const row = document.createElement("div");
      row.className = "live-choices";
      open.options.forEach((label, i) => {
        const b = document.createElement("button");
        b.type = "button";
        b.textContent = label;
        b.dataset.live = "choice";
        b.dataset.choice = String(i);
        b.setAttribute("aria-pressed", mine.qid === open.id && mine.choice === i ? "true" : "false");
        row.appendChild(b);
      });
      parts.push(row);
    } else {
      const hint = document.createElement("div");
      hint.className = "small";
      hint.textContent = landscape()
        ? "Click the landscape where you predict they end."
        : "Open the optimizer lab to answer.";
      parts.push(hint);
    }
    const note = document.createElement("div");
    note.id = "live-question-note";
    note.className = "small muted";
    parts.push(note);
    box.replaceChildren(...parts);
  }

  async function count() {
    const session = live.current();
    if (!session || session.role !== "instructor" || !open) return;
    const r = await live.api.call("GET", `/api/session/${session.code}/answered`);
    const box = $("live-question");
    if (r.status === 200 && r.data && box) {
      box.dataset.answered = `${r.data.answered} answered`;
      const el = $("live-answered");
      if (el) el.textContent = box.dataset.answered;
    }
  }

  function update(session, data) {
    const question = data && data.question;
    const revealed = Boolean(question && data.reveal && data.reveal.qid === question.id);
    const next = question && !revealed ? question : null;
    const changed = (next && next.id) !== (open && open.id);
    open = next;
    if (changed) {
      const box = $("live-question");
      if (box) delete box.dataset.answered;
      if (open && mine.qid !== open.id) {
        mine = { qid: null, choice: null, point: null };
        if (live.reveal) live.reveal.drawMine(null);
      }
      render();
    }
    window.clearInterval(counter);
    counter = session && session.role === "instructor" && open ? window.setInterval(count, COUNT_MS) : null;
  }

  live.questions = { forPage, ask, reveal, close, choose, update, plane };
})();
