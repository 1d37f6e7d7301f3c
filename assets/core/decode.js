/*
 * Decoding what the server sends (components/encoding.py is the other half):
 *   LossViz.unpack(arrayBuffer)            an "LVZ1" binary container -> {meta, arrays}
 *   LossViz.fetchData(url, {signal})       GET + unpack, remembered by URL (the URLs are
 *                                          immutable: they carry the settings and a code version)
 * Raw arrays are views on the response's buffer (no copy); "delta8" arrays (per-epoch network
 * parameters) are reconstructed exactly as the encoder does, bit for bit:
 *   w_t = f32(w_{t-1} + f32(s_t * q_t)).
 */
(function () {
  "use strict";
  const LossViz = (window.LossViz = window.LossViz || {});

  const KINDS = {
    f4: Float32Array,
    f8: Float64Array,
    i1: Int8Array,
    u1: Uint8Array,
    i2: Int16Array,
    u2: Uint16Array,
    i4: Int32Array,
    u4: Uint32Array,
  };
  const ALIGN = 8;
  const aligned = (n) => Math.ceil(n / ALIGN) * ALIGN;

  function decodeDelta8(buffer, spec) {
    const [count, width] = spec.shape;
    const segments = spec.segments;
    let offset = spec.offset;
    const first = new Float32Array(buffer, offset, width);
    offset += aligned(width * 4);
    const scales = new Float32Array(buffer, offset, (count - 1) * segments.length);
    offset += aligned((count - 1) * segments.length * 4);
    const steps = new Int8Array(buffer, offset, (count - 1) * width);
    const columnSegment = new Int32Array(width);
    segments.forEach(([start, stop], index) => columnSegment.fill(index, start, stop));
    const out = new Float32Array(count * width);
    out.set(first);
    for (let t = 1; t < count; t++) {
      const row = t * width;
      const previous = row - width;
      const scaleRow = (t - 1) * segments.length;
      const stepRow = (t - 1) * width;
      for (let p = 0; p < width; p++) {
        const increment = Math.fround(scales[scaleRow + columnSegment[p]] * steps[stepRow + p]);
        out[row + p] = out[previous + p] + increment; // the Float32Array store rounds to f32
      }
    }
    return out;
  }

  /* {meta, arrays} of an LVZ1 container; arrays[name] is a flat typed array, and
   * arrays[name].shape its shape (row-major). */
  LossViz.unpack = function (buffer) {
    const bytes = new Uint8Array(buffer, 0, 8);
    const magic = String.fromCharCode(bytes[0], bytes[1], bytes[2], bytes[3]);
    if (magic !== "LVZ1") throw new Error("not an LVZ1 container");
    const length = new DataView(buffer).getUint32(4, true);
    const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 8, length)));
    const arrays = {};
    for (const [name, spec] of Object.entries(header.arrays)) {
      let array;
      if (spec.codec === "delta8") array = decodeDelta8(buffer, spec);
      else {
        const Kind = KINDS[spec.dtype];
        if (!Kind) throw new Error(`${name}: unknown dtype ${spec.dtype}`);
        array = new Kind(buffer, spec.offset, spec.nbytes / Kind.BYTES_PER_ELEMENT);
      }
      array.shape = spec.shape;
      arrays[name] = array;
    }
    return { meta: header.meta, arrays };
  };

  // Decoded responses by URL, least recently used first, bounded in bytes.
  const MAX_REMEMBERED_BYTES = 48 * 1024 * 1024;
  const remembered = new Map(); // url -> {bytes, value}
  const pending = new Map(); // url -> Promise
  let rememberedBytes = 0;

  function remember(url, value, bytes) {
    remembered.set(url, { value, bytes });
    rememberedBytes += bytes;
    for (const [key, entry] of remembered) {
      if (rememberedBytes <= MAX_REMEMBERED_BYTES || key === url) break;
      remembered.delete(key);
      rememberedBytes -= entry.bytes;
    }
  }

  // A heavy run trains in the server's training lane (serving/training_lane.py): the server
  // answers 202 (training) or 503 (its queue is full) with Retry-After, and the page asks
  // again after that many seconds, for at most MAX_WAIT_MS in all.
  const MAX_WAIT_MS = 10 * 60 * 1000;

  function sleep(ms, signal) {
    return new Promise((resolve, reject) => {
      const timer = window.setTimeout(resolve, ms);
      if (signal) {
        signal.addEventListener("abort", () => {
          window.clearTimeout(timer);
          reject(new DOMException("aborted", "AbortError"));
        }, { once: true });
      }
    });
  }

  async function bodySentence(response) {
    try {
      const body = await response.json();
      if (body && typeof body.error === "string") return body.error;
      if (body && typeof body.message === "string") return body.message;
    } catch (error) {
      // not JSON: keep the status sentence
    }
    return `the server answered ${response.status}`;
  }

  // url -> Set of onWait callbacks: every caller of a pending URL hears that it waits (a late
  // caller at once, with the last sentence the server sent).
  const waiters = new Map();
  const lastWait = new Map(); // url -> [sentence, seconds]

  async function fetchWaiting(url, signal) {
    const started = Date.now();
    for (;;) {
      const response = await fetch(url, { signal, credentials: "same-origin" });
      const retry = Number(response.headers.get("Retry-After"));
      const waits = (response.status === 202 || response.status === 503) && retry > 0;
      if (response.ok && response.status !== 202) return response.arrayBuffer();
      const sentence = await bodySentence(response);
      if (!waits || Date.now() - started > MAX_WAIT_MS) throw new Error(sentence);
      lastWait.set(url, [sentence, retry]);
      for (const onWait of waiters.get(url) || []) onWait(sentence, retry);
      await sleep(retry * 1000, signal);
    }
  }

  /* GET `url` and unpack it. Errors reject with an Error whose message is the server's
   * sentence when it sent one (JSON {"error": "..."}). While the server trains it (202) or is
   * busy (503 + Retry-After), `onWait(sentence, seconds)` says so and the request is repeated. */
  LossViz.fetchData = function (url, { signal, onWait } = {}) {
    const known = remembered.get(url);
    if (known) {
      remembered.delete(url); // most recently used goes last
      remembered.set(url, known);
      return Promise.resolve(known.value);
    }
    if (onWait) {
      if (!waiters.has(url)) waiters.set(url, new Set());
      waiters.get(url).add(onWait);
      if (lastWait.has(url)) onWait(...lastWait.get(url));
    }
    if (pending.has(url)) return pending.get(url);
    const request = fetchWaiting(url, signal)
      .then((buffer) => {
        const value = LossViz.unpack(buffer);
        remember(url, value, buffer.byteLength);
        return value;
      })
      .finally(() => {
        pending.delete(url);
        waiters.delete(url);
        lastWait.delete(url);
      });
    pending.set(url, request);
    return request;
  };
})();
