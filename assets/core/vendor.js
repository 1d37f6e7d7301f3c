/*
 * Loads the vendored libraries in assets/vendor/ on demand, each once (Dash does not include
 * them: app.py ignores that folder). The file names carry content hashes, so they are served
 * immutably; assets/vendor/manifest.json, written by assets/vendor/build/build.mjs, names them.
 *
 *   LossViz.vendor.plotly()    Promise of the Plotly object with the 2-D traces (scatter,
 *                              contour, heatmap, and shapes, images, annotations, colorbars,
 *                              hover, log axes)
 *   LossViz.vendor.plotly3d()  the same Plotly object, once surface and scatter3d are
 *                              registered into it (the 3-D entry shares the 2-D core chunk)
 *   LossViz.vendor.katex()     Promise of katex, its stylesheet applied (fonts: woff2, loaded
 *                              by the browser when a glyph needs them)
 *   LossViz.vendor.url(file)   absolute URL of a file under assets/vendor/
 *
 * URLs are derived from this script's own URL, so an app mounted under a path prefix works.
 *
 * Dash's own plotly.js: a page that still has a dcc.Graph makes Dash load its full
 * plotly.min.js (the same plotly.js version, every trace type) as window.Plotly. If that is
 * already there when plotly() is first called, plotly() and plotly3d() resolve to it and load
 * nothing: one Plotly per page. Otherwise the vendored bundle is loaded and, if window.Plotly
 * is still unset, exposed as window.Plotly for the code that reads it (assets/classroom.js);
 * a dcc.Graph mounted later then draws with it too (2-D traces until plotly3d() is called).
 */
(function () {
  "use strict";
  const LossViz = (window.LossViz = window.LossViz || {});

  /* assets/vendor/: named by the client bundle's preamble (serving/script_bundle.py), else
   * next to this script (assets/core/vendor.js), else from Dash's config. */
  const CONFIG = window.LossVizConfig || {};
  function vendorBase() {
    if (CONFIG.vendorBase) return new URL(CONFIG.vendorBase, window.location.href).href;
    const script = document.currentScript;
    if (script && script.src) return new URL("../vendor/", script.src).href;
    const config = document.getElementById("_dash-config");
    const prefix = config ? JSON.parse(config.textContent).requests_pathname_prefix || "/" : "/";
    return new URL(`${prefix}assets/vendor/`, window.location.href).href;
  }
  const BASE = vendorBase();

  function url(file) {
    return new URL(file, BASE).href;
  }

  /* A promise made once; a failure is not cached, so the next call tries again. */
  function once(load) {
    let promise = null;
    return () => {
      if (!promise) {
        promise = load().catch((error) => {
          promise = null;
          throw error;
        });
      }
      return promise;
    };
  }

  // Inlined by the client bundle; otherwise revalidated on every page load (a new build
  // renames every file it lists).
  const manifest = once(async () => {
    if (CONFIG.vendorManifest) return CONFIG.vendorManifest;
    const response = await fetch(url("manifest.json"), { cache: "no-cache" });
    if (!response.ok) throw new Error(`vendor manifest: HTTP ${response.status}`);
    return response.json();
  });

  /* Import an ES-module entry, preloading the chunks it imports so they download in parallel. */
  async function importEntry(entry) {
    for (const file of entry.preload) {
      const href = url(file);
      if (document.querySelector(`link[rel="modulepreload"][href="${href}"]`)) continue;
      const link = document.createElement("link");
      link.rel = "modulepreload";
      link.href = href;
      document.head.appendChild(link);
    }
    const module = await import(url(entry.file));
    return module.default;
  }

  let vendored = null; // the Plotly object of our own bundle, once loaded

  function isDashPlotly(candidate, version) {
    return Boolean(
      candidate && candidate !== vendored && typeof candidate.react === "function" && candidate.version === version
    );
  }

  const plotly = once(async () => {
    const { plotly: spec } = await manifest();
    if (isDashPlotly(window.Plotly, spec.version)) return window.Plotly;
    const Plotly = await importEntry(spec.entries["2d"]);
    vendored = Plotly;
    if (!window.Plotly) window.Plotly = Plotly;
    return Plotly;
  });

  const plotly3d = once(async () => {
    const Plotly = await plotly();
    if (Plotly !== vendored) return Plotly; // Dash's full bundle has the 3-D traces already
    const { plotly: spec } = await manifest();
    const registered = await importEntry(spec.entries["3d"]);
    if (registered !== Plotly) throw new Error("plotly 3-D entry did not load into the 2-D Plotly");
    return Plotly;
  });

  function loadScript(src) {
    return new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = src;
      script.onload = resolve;
      script.onerror = () => reject(new Error(`could not load ${src}`));
      document.head.appendChild(script);
    });
  }

  function loadStyle(href) {
    return new Promise((resolve, reject) => {
      const link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = href;
      link.onload = resolve;
      link.onerror = () => reject(new Error(`could not load ${href}`));
      document.head.appendChild(link);
    });
  }

  const katex = once(async () => {
    const { katex: spec } = await manifest();
    await Promise.all([window.katex ? null : loadScript(url(spec.js)), loadStyle(url(spec.css))]);
    return window.katex;
  });

  LossViz.vendor = { plotly, plotly3d, katex, url, manifest };
})();
