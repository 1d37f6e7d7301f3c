/*
 * The home gallery's card pictures (serving/api/thumbnails.py, components/thumbnail_payload.py):
 * one GET of every card's sketch (an immutable LVZ1 container), each drawn on its card's
 * canvas: a background of uint8 levels through a colour ramp (the lab's cost map, light = low
 * cost, or the playground's boundary map), then the lines, then the dots. The sketch's unit box
 * is fitted into the canvas at its own aspect (a plane keeps w₁ and w₂ at one scale), centred.
 *
 * The gallery (#scenario-gallery, data-thumbnails=<url>) appears whenever Dash renders the home
 * page: a MutationObserver draws it once per rendering. A canvas is redrawn at the device's
 * pixel ratio when its card changes size.
 */
(function () {
  "use strict";
  const LossViz = (window.LossViz = window.LossViz || {});

  const GALLERY = "#scenario-gallery[data-thumbnails]";
  const DRAWN = "thumbsDrawn";

  function rgb(hex) {
    const value = hex.replace("#", "");
    return [0, 2, 4].map((i) => parseInt(value.slice(i, i + 2), 16));
  }

  /* 256 RGB entries interpolated along a Plotly-style scale [[stop, "#rrggbb"], …]. */
  function rampTable(scale) {
    const table = new Uint8ClampedArray(256 * 3);
    const stops = scale.map(([at, color]) => [Number(at), rgb(color)]);
    for (let i = 0; i < 256; i++) {
      const t = i / 255;
      let k = 0;
      while (k < stops.length - 2 && t > stops[k + 1][0]) k++;
      const [a, ca] = stops[k];
      const [b, cb] = stops[Math.min(k + 1, stops.length - 1)];
      const f = b > a ? Math.min(1, Math.max(0, (t - a) / (b - a))) : 0;
      for (let c = 0; c < 3; c++) table[i * 3 + c] = ca[c] + (cb[c] - ca[c]) * f;
    }
    return table;
  }

  /* The background levels as a small canvas (one pixel per cell), scaled up when drawn. */
  function backgroundImage(levels, table) {
    const [h, w] = levels.shape;
    const image = new ImageData(w, h);
    for (let i = 0; i < w * h; i++) {
      const v = levels[i] * 3;
      image.data.set([table[v], table[v + 1], table[v + 2], 255], i * 4);
    }
    const cell = document.createElement("canvas");
    cell.width = w;
    cell.height = h;
    cell.getContext("2d").putImageData(image, 0, 0);
    return cell;
  }

  function star(ctx, x, y, r) {
    ctx.beginPath();
    for (let i = 0; i < 10; i++) {
      const radius = i % 2 ? r * 0.45 : r;
      const angle = -Math.PI / 2 + (i * Math.PI) / 5;
      ctx.lineTo(x + radius * Math.cos(angle), y + radius * Math.sin(angle));
    }
    ctx.closePath();
  }

  function draw(canvas, sketch, arrays, ramps) {
    const box = canvas.getBoundingClientRect();
    if (box.width < 2 || box.height < 2) return;
    const ratio = window.devicePixelRatio || 1;
    canvas.width = Math.round(box.width * ratio);
    canvas.height = Math.round(box.height * ratio);
    const ctx = canvas.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, box.width, box.height);
    const pad = 4;
    const room = { w: box.width - 2 * pad, h: box.height - 2 * pad };
    const w = Math.min(room.w, room.h * sketch.aspect);
    const h = w / sketch.aspect;
    const x0 = pad + (room.w - w) / 2;
    const y0 = pad + (room.h - h) / 2;
    const at = (u, v) => [x0 + u * w, y0 + v * h];

    const levels = arrays[`${sketch.id}.bg`];
    if (levels && sketch.ramp) {
      ctx.imageSmoothingEnabled = true;
      ctx.drawImage(backgroundImage(levels, ramps[sketch.ramp]), x0, y0, w, h);
    }
    ctx.save();
    ctx.beginPath();
    ctx.rect(x0, y0, w, h);
    ctx.clip();
    ctx.lineJoin = "round";
    ctx.lineCap = "round";
    sketch.lines.forEach((line, k) => {
      const points = arrays[`${sketch.id}.line${k}`];
      ctx.strokeStyle = line.color;
      ctx.lineWidth = line.width;
      ctx.setLineDash(line.dash ? [5, 4] : []);
      ctx.beginPath();
      let open = false;
      for (let i = 0; i + 1 < points.length; i += 2) {
        if (!Number.isFinite(points[i]) || !Number.isFinite(points[i + 1])) {
          open = false;
          continue;
        }
        const [x, y] = at(points[i], points[i + 1]);
        if (open) ctx.lineTo(x, y);
        else ctx.moveTo(x, y);
        open = true;
      }
      ctx.stroke();
    });
    ctx.setLineDash([]);
    for (const dot of sketch.dots) {
      const [x, y] = at(dot.x, dot.y);
      if (dot.shape === "star") star(ctx, x, y, dot.radius);
      else {
        ctx.beginPath();
        ctx.arc(x, y, dot.radius, 0, 2 * Math.PI);
      }
      ctx.fillStyle = dot.color;
      ctx.fill();
      ctx.lineWidth = dot.radius > 3 ? 1.2 : 0.6;
      ctx.strokeStyle = dot.shape === "star" ? "#1f2937" : "#ffffff";
      ctx.stroke();
    }
    ctx.restore();
    canvas.dataset.drawn = sketch.id;
  }

  async function drawGallery(gallery) {
    gallery.dataset[DRAWN] = "pending";
    let data;
    try {
      data = await LossViz.fetchData(gallery.dataset.thumbnails);
    } catch (error) {
      gallery.dataset[DRAWN] = "failed"; // the cards work without their pictures
      return;
    }
    const ramps = { cost: rampTable(LossViz.labTheme.landscapeScale()) };
    for (const [name, scale] of Object.entries(data.meta.ramps || {})) ramps[name] = rampTable(scale);
    const byId = new Map(data.meta.scenarios.map((s) => [s.id, s]));
    const resize = new ResizeObserver((entries) => {
      for (const entry of entries) {
        const sketch = byId.get(entry.target.dataset.thumb);
        if (sketch) draw(entry.target, sketch, data.arrays, ramps);
      }
    });
    for (const canvas of gallery.querySelectorAll("canvas[data-thumb]")) resize.observe(canvas);
    gallery.dataset[DRAWN] = "done";
  }

  function scan() {
    const gallery = document.getElementById("scenario-gallery");
    if (gallery && !gallery.matches(GALLERY)) return;
    if (gallery && !gallery.dataset[DRAWN]) drawGallery(gallery);
  }

  new MutationObserver(scan).observe(document.documentElement, { childList: true, subtree: true });
  document.addEventListener("DOMContentLoaded", scan);
  LossViz.galleryThumbnails = { draw, rampTable };
})();
