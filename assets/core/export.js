/*
 * Exports, all in the browser (nothing asks the server): a picture of a page's main view at
 * projector resolution (PNG, or SVG), its numbers as CSV, and (where the page's exporter has
 * `offline()`) a web page that plays the view with no server (assets/core/offline_page.js).
 *
 * A page registers what it can export:
 *     LossViz.exporters.lab = {frame: () => element, name: () => "himmelblau", csv: () => ({columns, rows}),
 *                              offline: async () => spec of LossViz.offlinePage.html (optional)};
 * and its layout marks the buttons: <button data-export="png|svg|csv|html" data-exporter="lab">.
 *
 * A view may be several layers (the lab: a Plotly figure, its iso-lines on a canvas, the paths
 * in a second figure over them): the picture draws every Plotly figure and free canvas inside
 * `frame()` in page order, each at its place, scaled so the picture is PICTURE_WIDTH px wide
 * (Plotly.toImage at the figure's own layout and a `scale`, so it is the same picture, sharper).
 * In SVG the figures stay vectors; a canvas layer goes in as an embedded PNG image.
 */
(function () {
  "use strict";
  const LossViz = (window.LossViz = window.LossViz || {});
  LossViz.exporters = LossViz.exporters || {};

  const PICTURE_WIDTH = 1920; // px: a projector's width

  function download(filename, blob) {
    const url = URL.createObjectURL(blob);
    const link = document.createElement("a");
    link.href = url;
    link.download = filename;
    document.body.appendChild(link);
    link.click();
    link.remove();
    window.setTimeout(() => URL.revokeObjectURL(url), 1000);
  }
  LossViz.download = download;

  /* RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled. */
  function csvField(value) {
    if (value === null || value === undefined) return "";
    if (typeof value === "number") return Number.isFinite(value) ? String(value) : String(value);
    const text = String(value);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  }

  function csvText(columns, rows) {
    const lines = [columns.map(csvField).join(",")];
    for (const row of rows) lines.push(row.map(csvField).join(","));
    return lines.join("\r\n") + "\r\n";
  }
  LossViz.csvText = csvText;

  /* The layers of a view, bottom first: Plotly figures and canvases outside any figure. */
  function layers(frame) {
    const found = frame.querySelectorAll(".js-plotly-plot, canvas");
    return Array.from(found).filter((el) => {
      if (el.tagName === "CANVAS" && el.closest(".js-plotly-plot")) return false;
      const style = window.getComputedStyle(el);
      return !el.hidden && style.display !== "none" && style.visibility !== "hidden" && el.getBoundingClientRect().width > 0;
    });
  }

  function loadImage(src) {
    return new Promise((resolve, reject) => {
      const image = new Image();
      image.onload = () => resolve(image);
      image.onerror = () => reject(new Error("the picture could not be drawn"));
      image.src = src;
    });
  }

  /* The view in `frame` as one picture (a Blob). options: {width} in px (PICTURE_WIDTH),
   * {type, quality} of a raster picture ("image/png"; "image/jpeg" is a tenth of the bytes),
   * {figure(el)} what to draw for a Plotly figure (default the figure itself; a {data, layout}
   * leaves parts out, e.g. the paths an offline page draws itself), {cropWidth} the frame's
   * px to keep from its left edge (default all: e.g. without an empty legend column). */
  async function picture(frame, format, options = {}) {
    const Plotly = window.Plotly;
    const box = frame.getBoundingClientRect();
    const kept = Math.max(1, Math.min(box.width, options.cropWidth || box.width));
    const scale = (options.width || PICTURE_WIDTH) / kept;
    const figureOf = options.figure || ((el) => el);
    const width = Math.round(kept * scale);
    const height = Math.round(box.height * scale);
    const parts = [];
    for (const el of layers(frame)) {
      const r = el.getBoundingClientRect();
      const place = { x: (r.left - box.left) * scale, y: (r.top - box.top) * scale, w: r.width * scale, h: r.height * scale };
      if (el.tagName === "CANVAS") {
        parts.push({ kind: "canvas", place, src: el.toDataURL("image/png") });
      } else if (Plotly && el.layout) {
        const size = { format, width: r.width, height: r.height, scale: format === "svg" ? 1 : scale };
        parts.push({ kind: "figure", place, src: await Plotly.toImage(figureOf(el), size) });
      }
    }
    if (format === "svg") return new Blob([svgOf(parts, width, height, scale)], { type: "image/svg+xml" });
    const canvas = document.createElement("canvas");
    canvas.width = width;
    canvas.height = height;
    const ctx = canvas.getContext("2d");
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, width, height);
    for (const part of parts) {
      const image = await loadImage(part.src);
      ctx.drawImage(image, part.place.x, part.place.y, part.place.w, part.place.h);
    }
    return new Promise((resolve) => canvas.toBlob(resolve, options.type || "image/png", options.quality));
  }

  /* One SVG: each figure's own SVG nested at its place (scaled), each canvas as an image. */
  function svgOf(parts, width, height, scale) {
    const body = parts.map(({ kind, place, src }) => {
      const at = `x="${place.x}" y="${place.y}" width="${place.w}" height="${place.h}"`;
      if (kind === "canvas") return `<image ${at} href="${src}"/>`;
      const svg = decodeURIComponent(src.slice(src.indexOf(",") + 1));
      const inner = svg.replace(/^<svg\b/, `<svg ${at} viewBox="0 0 ${place.w / scale} ${place.h / scale}"`);
      return inner.replace(/<\?xml[^>]*>/, "");
    });
    return (
      `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
      `<rect width="100%" height="100%" fill="#ffffff"/>${body.join("")}</svg>`
    );
  }

  /* Export what button `button` asks for; says on the button when it is done or failed. */
  async function exportFrom(button) {
    const exporter = LossViz.exporters[button.dataset.exporter];
    const kind = button.dataset.export;
    if (!exporter) return;
    const name = (exporter.name && exporter.name()) || button.dataset.exporter;
    const label = button.textContent;
    button.disabled = true;
    try {
      if (kind === "html") {
        if (!exporter.offline) throw new Error("this view has no offline page");
        const page = LossViz.offlinePage.html(await exporter.offline());
        download(`${name}.html`, new Blob([page], { type: "text/html" }));
      } else if (kind === "csv") {
        const table = exporter.csv && exporter.csv();
        if (!table) throw new Error("nothing to export yet");
        download(`${name}.csv`, new Blob([csvText(table.columns, table.rows)], { type: "text/csv" }));
      } else {
        const frame = exporter.frame && exporter.frame();
        if (!frame) throw new Error("nothing to export yet");
        download(`${name}.${kind}`, await picture(frame, kind));
      }
      button.textContent = "Saved ✓";
    } catch (error) {
      button.textContent = "Could not export";
      button.title = String((error && error.message) || error);
    } finally {
      button.disabled = false;
      window.setTimeout(() => (button.textContent = label), 1500);
    }
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest && event.target.closest("[data-export][data-exporter]");
    if (!button) return;
    exportFrom(button);
    const menu = button.closest("details");
    if (menu) menu.open = false; // chosen: the menu closes, the button says when it is saved
  });

  LossViz.exportPicture = picture;
})();
