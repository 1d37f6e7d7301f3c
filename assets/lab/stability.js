/*
 * The stability indicator beside gradient descent's and momentum's learning rates: at the step
 * on screen, η·λmax against the rule's limit and what the step does (serving/api/lab.py sends
 * λmax of the Hessian along each path, `<id>.curvature`, and each step's kind, `<id>.stability`,
 * from optimizers/stability.py; nothing is decided here).
 *
 *   LossViz.labStability.show(runs, k)   writes every `.stability[data-opt]` span for step k
 *   LossViz.labStability.text(run, k)    'step 12: η·λmax = 1.98 < 2: oscillates'
 *   LossViz.labStability.limitRates(run) the largest stable learning rate at each update,
 *                                        limit / λmax(θ_t): the mark on the learning-rate chart
 */
(function () {
  "use strict";
  const LossViz = (window.LossViz = window.LossViz || {});

  function text(run, k) {
    const s = run.stability;
    if (!s) return "";
    if (k <= 0) return s.meta.start;
    const i = Math.min(k, run.n - 1);
    const lam = s.curvature[i];
    const kind = s.meta.kinds[s.kinds[i]] || "";
    if (kind === "flat") return `step ${i}: λmax = ${fmt(lam)} ≤ 0: no bowl here`;
    const eta = run.lr.length ? run.lr[Math.min(i, run.lr.length - 1)] : 0;
    const etaLambda = eta * lam;
    return `step ${i}: η·λmax = ${fmt(etaLambda)} ${etaLambda < s.meta.limit ? "<" : "≥"} ${fmt(s.meta.limit)}: ${kind}`;
  }

  function fmt(value) {
    return Number(Number(value).toPrecision(3)).toString();
  }

  /* limit / λmax(θ_t) for each update t (GD: 2/λmax, momentum: 2(1 + α)/λmax): where the
   * learning rate η_t runs above it, that step does not converge. NaN (a gap) where
   * λmax ≤ 0: no bowl there, no limit. Null for a rule without a limit. */
  function limitRates(run) {
    const s = run.stability;
    if (!s) return null;
    const n = Math.max(run.n - 1, 0);
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const lam = s.curvature[i];
      out[i] = lam > 0 ? s.meta.limit / lam : NaN;
    }
    return out;
  }

  function show(runs, k) {
    const byId = new Map((runs || []).filter((r) => r.stability).map((r) => [r.id, r]));
    document.querySelectorAll(".lab .stability[data-opt]").forEach((el) => {
      const run = byId.get(el.dataset.opt);
      const kind = run ? run.stability.meta.kinds[run.stability.kinds[Math.max(0, Math.min(k, run.n - 1))]] : "";
      const line = run ? text(run, k) : "";
      if (el.textContent !== line) el.textContent = line;
      if (el.dataset.kind !== kind) el.dataset.kind = kind;
    });
  }

  LossViz.labStability = { show, text, limitRates };
})();
