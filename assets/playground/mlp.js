/*
 * The playground's MLP in the browser, float64: the forward pass (decision boundary, neuron
 * activation maps) and the backward pass of the full-batch data loss (the gradient view of
 * the links and the ∂L/∂W heatmaps), from one frame's parameters θ. The equations are the
 * engine's (playground/model.py) in evaluation mode, checked against it and against
 * reference/mlp_numpy.py by tests/test_playground_browser.py:
 *
 *   h_0 = x,  z_l = h_{l-1} W_l + b_l,  h_l = f(z_l) · p  (hidden l = 1 … D; p = keep prob.)
 *   logit = h_D W_{D+1} + b_{D+1},  ŷ = σ(logit),  L = (1/n) Σ softplus(logit) − y · logit
 *   δ_{D+1} = (σ(logit) − y) / n,  ∂L/∂W_l = h_{l-1}ᵀ δ_l,  ∂L/∂b_l = Σ_rows δ_l,
 *   δ_{l-1} = (δ_l W_lᵀ) · p ⊙ f'(z_{l-1})
 *
 * θ of a frame is flat, per layer W_l (n_in × n_out, row-major) then b_l, at the offsets the
 * server sends (meta.parameterOffsets); gradients come back in the same layout. Scratch
 * buffers are kept per batch size, so a frame allocates nothing while playing.
 *
 *   const net = new pg.mlp.Network(meta)
 *   net.logits(theta, base, points, n)            Float64Array(n): the logits (points: x, y pairs)
 *   net.unit(theta, base, points, n, layer, i)    Float64Array(n): x_i (layer 0), f(z) of a
 *                                                 hidden neuron, σ(logit) (the output layer)
 *   net.gradient(theta, base, x, y, n)            Float64Array(P): ∂L/∂θ of the data loss
 */
(function () {
  "use strict";
  const LossViz = (window.LossViz = window.LossViz || {});
  const pg = (LossViz.pg = LossViz.pg || {});

  function sigmoid(z) {
    return 1 / (1 + Math.exp(-z));
  }

  /* f and f' of the hidden activation (playground/activations.py; f'(0) as JAX: relu 0). */
  function activation(id, constants = {}) {
    const slope = constants.leakySlope;
    const alpha = constants.eluAlpha;
    const table = {
      relu: [(z) => (z > 0 ? z : 0), (z) => (z > 0 ? 1 : 0)],
      tanh: [
        Math.tanh,
        (z) => {
          const t = Math.tanh(z);
          return 1 - t * t;
        },
      ],
      sigmoid: [
        sigmoid,
        (z) => {
          const s = sigmoid(z);
          return s * (1 - s);
        },
      ],
      leaky_relu: [(z) => (z > 0 ? z : slope * z), (z) => (z > 0 ? 1 : slope)],
      elu: [(z) => (z > 0 ? z : alpha * Math.expm1(Math.min(z, 0))), (z) => (z > 0 ? 1 : alpha * Math.exp(Math.min(z, 0)))],
      linear: [(z) => z, () => 1],
    };
    const pair = table[id];
    if (!pair) throw new Error(`unknown activation ${id}`);
    if ((id === "leaky_relu" && !Number.isFinite(slope)) || (id === "elu" && !Number.isFinite(alpha))) {
      throw new Error(`activation ${id} needs its constant`);
    }
    return { f: pair[0], df: pair[1] };
  }

  class Network {
    constructor(meta) {
      this.layers = meta.layers.slice();
      this.L = this.layers.length - 1; // weight matrices
      this.offsets = meta.parameterOffsets.map((o) => o.slice());
      this.P = meta.parameterCount;
      this.keep = meta.keepProb;
      const fn = activation(meta.activation, meta.activationParams);
      this.f = fn.f;
      this.df = fn.df;
      this._scratch = new Map(); // batch size -> {z: [...], h: [...], delta: [...]}
    }

    _buffers(n) {
      let buffers = this._scratch.get(n);
      if (!buffers) {
        const widths = this.layers.slice(1);
        buffers = {
          z: widths.map((w) => new Float64Array(n * w)),
          h: widths.map((w) => new Float64Array(n * w)),
          delta: [new Float64Array(n * Math.max(...this.layers)), new Float64Array(n * Math.max(...this.layers))],
        };
        if (this._scratch.size > 4) this._scratch.clear(); // a few batch sizes per run at most
        this._scratch.set(n, buffers);
      }
      return buffers;
    }

    /* One frame's θ as float64 (reads in the inner loops stay in one number format). */
    _frame(theta, base) {
      if (!this._theta) this._theta = new Float64Array(this.P);
      const frame = this._theta;
      for (let p = 0; p < this.P; p++) frame[p] = theta[base + p];
      return frame;
    }

    /* z_l and h_l of every layer for n points (h of the last layer = the logits). */
    _forward(thetaAll, baseAll, points, n, upTo = this.L) {
      const theta = this._frame(thetaAll, baseAll);
      const base = 0;
      const { z, h } = this._buffers(n);
      let input = points;
      let nin = 2;
      for (let l = 0; l < upTo; l++) {
        const nout = this.layers[l + 1];
        const [w0, b0] = this.offsets[l];
        const out = z[l];
        for (let r = 0; r < n; r++) {
          const ro = r * nout;
          const ri = r * nin;
          for (let j = 0; j < nout; j++) {
            let sum = theta[base + b0 + j];
            for (let i = 0, w = base + w0 + j; i < nin; i++, w += nout) sum += input[ri + i] * theta[w];
            out[ro + j] = sum;
          }
        }
        const hidden = h[l];
        if (l < this.L - 1) {
          const f = this.f;
          const keep = this.keep;
          for (let q = 0; q < n * nout; q++) hidden[q] = f(out[q]) * keep;
        } else {
          hidden.set(out);
        }
        input = hidden;
        nin = nout;
      }
      return { z, h };
    }

    logits(theta, base, points, n) {
      return this._forward(theta, base, points, n).h[this.L - 1].subarray(0, n);
    }

    /* Neuron `index` of `layer` (0 = inputs, L = output) at every point: a copy. */
    unit(theta, base, points, n, layer, index) {
      const out = new Float64Array(n);
      if (layer === 0) {
        for (let r = 0; r < n; r++) out[r] = points[2 * r + index];
        return out;
      }
      const { z } = this._forward(theta, base, points, n, layer);
      const width = this.layers[layer];
      const values = z[layer - 1];
      const map = layer === this.L ? sigmoid : this.f; // hidden: f(z), before the ×p scaling
      for (let r = 0; r < n; r++) out[r] = map(values[r * width + index]);
      return out;
    }

    /* ∂L/∂θ of L = mean BCE over the n examples (x: pairs, y: 0/1), evaluation mode. */
    gradient(thetaAll, baseAll, x, y, n) {
      const { z, h } = this._forward(thetaAll, baseAll, x, n);
      const theta = this._theta; // frame baseAll as float64 (set by _forward)
      const base = 0;
      const { delta } = this._buffers(n);
      const grad = new Float64Array(this.P);
      const logits = h[this.L - 1];
      let current = delta[0];
      let next = delta[1];
      for (let r = 0; r < n; r++) current[r] = (sigmoid(logits[r]) - y[r]) / n;
      for (let l = this.L - 1; l >= 0; l--) {
        const nin = this.layers[l];
        const nout = this.layers[l + 1];
        const [w0, b0] = this.offsets[l];
        const input = l === 0 ? x : h[l - 1];
        for (let r = 0; r < n; r++) {
          const ro = r * nout;
          const ri = r * nin;
          for (let j = 0; j < nout; j++) grad[b0 + j] += current[ro + j];
          for (let i = 0; i < nin; i++) {
            const value = input[ri + i];
            const row = w0 + i * nout;
            for (let j = 0; j < nout; j++) grad[row + j] += value * current[ro + j];
          }
        }
        if (l === 0) break;
        const zPrev = z[l - 1];
        const keep = this.keep;
        const df = this.df;
        for (let r = 0; r < n; r++) {
          const ro = r * nout;
          const ri = r * nin;
          for (let i = 0; i < nin; i++) {
            const row = base + w0 + i * nout;
            let e = 0;
            for (let j = 0; j < nout; j++) e += current[ro + j] * theta[row + j];
            next[ri + i] = e * keep * df(zPrev[ri + i]);
          }
        }
        const swap = current;
        current = next;
        next = swap;
      }
      return grad;
    }
  }

  pg.mlp = { Network, activation, sigmoid };
})();
