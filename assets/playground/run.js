/*
 * One fetched run (GET /api/playground/run.bin, unpacked by LossViz.unpack) as the figures
 * read it, with what the browser computes from it per frame, remembered for the frames that
 * come back (scrubbing, replay, toggling views):
 *
 *   const run = pg.run.fromContainer(container)        a training run
 *   const runs = pg.run.fromComparison(container)      one per scheme of the comparison
 *   run.S, run.frameEpochs[k], run.theta (S × P float32), run.trainLoss[e] … (per epoch e)
 *   run.metric(name, k)      a per-epoch series at frame k's epoch
 *   run.matrix(k, l, view)   W_l or ∂L/∂W_l at frame k: flat n_in × n_out (row-major)
 *   run.bias(k, l)           b_l at frame k
 *   run.gradient(k)          ∂L/∂θ of the full-batch training data loss (pg.mlp), float64
 *   run.probabilities(k)     P(class 1) on the gridSize² grid, row i = gy[i], column j = gx[j]
 *   run.unitMap(k, l, i, n)  neuron i of layer l over an n × n grid of the box
 *
 * Caches are bounded by entries (each a few KB … 20 KB at the largest network).
 */
(function () {
  "use strict";
  const LossViz = (window.LossViz = window.LossViz || {});
  const pg = (LossViz.pg = LossViz.pg || {});

  const CACHED_FRAMES = 96;

  class Lru {
    constructor(limit) {
      this.limit = limit;
      this.map = new Map();
    }

    get(key, make) {
      if (this.map.has(key)) {
        const value = this.map.get(key);
        this.map.delete(key);
        this.map.set(key, value);
        return value;
      }
      const value = make();
      this.map.set(key, value);
      if (this.map.size > this.limit) this.map.delete(this.map.keys().next().value);
      return value;
    }
  }

  /* n evenly spaced values over [low, high] (as numpy's linspace). */
  function linspace(low, high, n) {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = n === 1 ? low : low + ((high - low) * i) / (n - 1);
    return out;
  }

  /* (x, y) pairs of the grid, row-major: point i * n + j = (xs[j], ys[i]). */
  function gridPoints(xs, ys) {
    const points = new Float64Array(xs.length * ys.length * 2);
    let q = 0;
    for (let i = 0; i < ys.length; i++) {
      for (let j = 0; j < xs.length; j++) {
        points[q++] = xs[j];
        points[q++] = ys[i];
      }
    }
    return points;
  }

  class RunData {
    constructor(meta, series, data) {
      this.meta = meta;
      this.key = meta.key;
      this.layers = meta.layers;
      this.L = meta.layers.length - 1;
      this.P = meta.parameterCount;
      this.offsets = meta.parameterOffsets;
      this.box = meta.box;
      this.plannedEpochs = meta.plannedEpochs;
      // Early stopping read off the held-out loss (playground/early_stopping.py), or null.
      this.earlyStop = meta.earlyStop || null;
      this.lastEpoch = series.lastEpoch;
      this.divergedAt = series.divergedAt;
      this.frameEpochs = series.frameEpochs;
      this.S = series.frameEpochs.length;
      this.theta = series.theta;
      Object.assign(this, series.metrics);
      this.xTrain = data.xTrain;
      this.yTrain = data.yTrain;
      this.xTest = data.xTest || null;
      this.yTest = data.yTest || null;
      this.net = new pg.mlp.Network(meta);
      const G = meta.gridSize;
      this.G = G;
      this.gx = linspace(meta.box[0][0], meta.box[0][1], G);
      this.gy = linspace(meta.box[1][0], meta.box[1][1], G);
      this._grid = gridPoints(this.gx, this.gy);
      this._unitGrids = new Map();
      this._probabilities = new Lru(CACHED_FRAMES);
      this._gradients = new Lru(CACHED_FRAMES);
      this._maps = new Lru(CACHED_FRAMES);
    }

    get nTrain() {
      return this.yTrain.length;
    }

    /* Whether early stopping has stopped by frame k (training would have ended there). */
    stoppedAt(k) {
      const stop = this.earlyStop;
      return Boolean(stop && stop.stoppedFrame !== null && k >= stop.stoppedFrame);
    }

    /* The frame whose weights the network has at frame k: the best epoch's once early
     * stopping has stopped and restored them, else k itself. */
    weightFrame(k) {
      return this.stoppedAt(k) && this.earlyStop.bestFrame !== null ? this.earlyStop.bestFrame : k;
    }

    /* The value of the per-epoch series `name` after frame k's epoch (the restored epoch's
     * once early stopping has stopped). */
    metric(name, k) {
      const values = this[name];
      return values ? values[this.frameEpochs[Math.min(this.weightFrame(k), this.S - 1)]] : undefined;
    }

    matrix(k, l, view = "weights") {
      const [w0, b0] = this.offsets[l];
      if (view === "gradients") return this.gradient(k).subarray(w0, b0);
      const j = this.weightFrame(k);
      return this.theta.subarray(j * this.P + w0, j * this.P + b0);
    }

    bias(k, l) {
      const [, b0, end] = this.offsets[l];
      const j = this.weightFrame(k);
      return this.theta.subarray(j * this.P + b0, j * this.P + end);
    }

    gradient(k) {
      const j = this.weightFrame(k);
      return this._gradients.get(j, () => this.net.gradient(this.theta, j * this.P, this.xTrain, this.yTrain, this.nTrain));
    }

    probabilities(k) {
      k = this.weightFrame(k);
      return this._probabilities.get(k, () => {
        const logits = this.net.logits(this.theta, k * this.P, this._grid, this.G * this.G);
        const out = new Float32Array(logits.length);
        for (let q = 0; q < logits.length; q++) out[q] = pg.mlp.sigmoid(logits[q]);
        return out;
      });
    }

    unitMap(k, layer, index, n) {
      k = this.weightFrame(k);
      return this._maps.get(`${k}:${layer}:${index}:${n}`, () => {
        if (!this._unitGrids.has(n)) {
          const xs = linspace(this.box[0][0], this.box[0][1], n);
          const ys = linspace(this.box[1][0], this.box[1][1], n);
          this._unitGrids.set(n, gridPoints(xs, ys));
        }
        return this.net.unit(this.theta, k * this.P, this._unitGrids.get(n), n * n, layer, index);
      });
    }
  }

  function fromContainer({ meta, arrays }) {
    const series = {
      lastEpoch: meta.lastEpoch,
      divergedAt: meta.divergedAt,
      frameEpochs: arrays.frameEpochs,
      theta: arrays.theta,
      metrics: {
        trainLoss: arrays.trainLoss,
        testLoss: arrays.testLoss,
        trainAccuracy: arrays.trainAccuracy,
        testAccuracy: arrays.testAccuracy,
        learningRate: arrays.learningRate,
        weightNorms: arrays.weightNorms,
        gradNorms: arrays.gradNorms,
      },
    };
    const data = { xTrain: arrays.xTrain, yTrain: arrays.yTrain, xTest: arrays.xTest, yTest: arrays.yTest };
    return new RunData(meta, series, data);
  }

  function fromComparison({ meta, arrays }) {
    const data = { xTrain: arrays.xTrain, yTrain: arrays.yTrain };
    return meta.schemes.map((scheme, index) => {
      const at = (name) => arrays[`s${index}.${name}`];
      const series = {
        lastEpoch: scheme.lastEpoch,
        divergedAt: scheme.divergedAt,
        frameEpochs: at("frameEpochs"),
        theta: at("theta"),
        metrics: {
          trainLoss: at("trainLoss"),
          trainAccuracy: at("trainAccuracy"),
          testAccuracy: at("testAccuracy"),
          firstGradNorm: at("firstGradNorm"),
        },
      };
      const run = new RunData(meta, series, data);
      run.scheme = scheme;
      return run;
    });
  }

  pg.run = { fromContainer, fromComparison, linspace, Lru };
})();
