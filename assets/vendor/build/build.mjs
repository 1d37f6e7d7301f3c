// Builds the vendored browser libraries from the pinned npm packages (see README.md here):
//
//   ../plotly/  plotly-2d-<hash>.js, plotly-3d-<hash>.js and their shared chunks: ES modules
//               made by esbuild with code splitting, so the 3-D entry registers its traces into
//               the Plotly object of the 2-D entry (one core module, one registry)
//   ../katex/   katex-<hash>.min.js, katex-<hash>.min.css (woff2 fonts only),
//               auto-render-<hash>.min.js, fonts/KaTeX_*-<hash>.woff2
//   ../manifest.json  versions, entry files and what each preloads, every file's size
//               (raw and gzip) and sha256
//
// Every output name carries a hash of its content, so the app serves them immutably.
// The build is deterministic: the same lock file gives byte-identical outputs.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

import { build } from "esbuild";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const VENDOR = path.resolve(HERE, "..");
const PLOTLY_OUT = path.join(VENDOR, "plotly");
const KATEX_OUT = path.join(VENDOR, "katex");
const MANIFEST = path.join(VENDOR, "manifest.json");
// nginx (deploy/nginx.conf) compresses JS and CSS at level 5 and sends woff2 as it is.
const GZIP_LEVEL = 5;
const GZIPPED = new Set([".js", ".css"]);

const PLOTLY_ENTRIES = {
  "2d": { source: "src/plotly-2d.mjs", traces: ["scatter", "contour", "heatmap"] },
  "3d": { source: "src/plotly-3d.mjs", traces: ["surface", "scatter3d"] },
};

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, "utf8"));
}

/* The installed version of a package, checked against the exact pin in package.json. */
function pinnedVersion(name) {
  const pin = readJson(path.join(HERE, "package.json")).devDependencies[name];
  const installed = readJson(path.join(HERE, "node_modules", name, "package.json")).version;
  if (installed !== pin) {
    throw new Error(`${name} ${installed} is installed but package.json pins ${pin}: run npm ci`);
  }
  return installed;
}

function sha256(data) {
  return createHash("sha256").update(data).digest("hex");
}

/* `name.ext` -> `name-<12 hex of sha256>.ext` (the extension may have several parts). */
function hashedName(name, data) {
  const dot = name.indexOf(".");
  return `${name.slice(0, dot)}-${sha256(data).slice(0, 12)}${name.slice(dot)}`;
}

function emptyDir(dir) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
}

/* plotly.js's registry imports maplibre's CSS for `map` subplots, which these bundles never
 * register; plotly's own build inlines it, here it resolves to an empty module. */
const noMaplibreCss = {
  name: "no-maplibre-css",
  setup(builder) {
    builder.onResolve({ filter: /^maplibre-gl\/dist\/maplibre-gl\.css$/ }, (args) => ({
      path: args.path,
      namespace: "empty-css",
    }));
    builder.onLoad({ filter: /.*/, namespace: "empty-css" }, () => ({ contents: "", loader: "js" }));
  },
};

async function buildPlotly(version) {
  emptyDir(PLOTLY_OUT);
  const entryPoints = Object.fromEntries(
    Object.keys(PLOTLY_ENTRIES).map((key) => [`plotly-${key}`, PLOTLY_ENTRIES[key].source])
  );
  const result = await build({
    absWorkingDir: HERE,
    entryPoints,
    outdir: PLOTLY_OUT,
    bundle: true,
    splitting: true,
    format: "esm",
    minify: true,
    target: "es2020",
    charset: "utf8",
    legalComments: "eof",
    entryNames: "[name]-[hash]",
    chunkNames: "plotly-shared-[hash]",
    // The same settings as plotly.js's own esbuild-config.js.
    define: { global: "window", "define.amd": "false", "process.env.NODE_DEBUG": "false" },
    alias: { regl: "@plotly/regl" },
    plugins: [noMaplibreCss],
    metafile: true,
    logLevel: "warning",
  });
  const outputs = result.metafile.outputs;
  const relative = (file) => path.relative(VENDOR, path.resolve(HERE, file)).split(path.sep).join("/");
  // Every chunk an entry imports statically, transitively: the loader preloads them all.
  const staticImports = (file, seen = new Set()) => {
    for (const dependency of outputs[file].imports) {
      if (dependency.kind !== "import-statement" || seen.has(dependency.path)) continue;
      seen.add(dependency.path);
      staticImports(dependency.path, seen);
    }
    return seen;
  };
  const entries = {};
  for (const [file, output] of Object.entries(outputs)) {
    if (!output.entryPoint) continue;
    const key = Object.keys(PLOTLY_ENTRIES).find(
      (k) => path.resolve(HERE, PLOTLY_ENTRIES[k].source) === path.resolve(HERE, output.entryPoint)
    );
    entries[key] = {
      file: relative(file),
      preload: [...staticImports(file)].map(relative).sort(),
      traces: PLOTLY_ENTRIES[key].traces,
    };
  }
  // The version string plotly.js reports (src/version.js) must be in the shared core.
  const core = Object.keys(outputs).map((file) => fs.readFileSync(path.resolve(HERE, file), "utf8"));
  if (!core.some((text) => text.includes(`version="${version}"`))) {
    throw new Error(`plotly.js version string ${version} not found in the bundle`);
  }
  fs.copyFileSync(path.join(HERE, "node_modules/plotly.js/LICENSE"), path.join(PLOTLY_OUT, "LICENSE.txt"));
  return { version, entries };
}

/* KaTeX's stylesheet offers woff2, woff and ttf for every face; keep the woff2 file only
 * (every browser the app supports reads it), renamed with its hash. */
function woff2Only(css, fontNames) {
  return css.replace(/src:([^;}]+)/g, (_declaration, sources) => {
    const woff2 = sources.match(/url\((fonts\/[^)]+\.woff2)\)\s*format\("woff2"\)/);
    if (!woff2) throw new Error(`no woff2 font in: src:${sources}`);
    const renamed = fontNames.get(woff2[1]);
    if (!renamed) throw new Error(`font ${woff2[1]} is not in the katex package`);
    return `src:url(${renamed}) format("woff2")`;
  });
}

function buildKatex(version) {
  emptyDir(KATEX_OUT);
  fs.mkdirSync(path.join(KATEX_OUT, "fonts"));
  const dist = path.join(HERE, "node_modules/katex/dist");
  const write = (name, data) => {
    fs.writeFileSync(path.join(KATEX_OUT, name), data);
    return `katex/${name}`;
  };

  const js = fs.readFileSync(path.join(dist, "katex.min.js"));
  if (!js.toString("utf8").includes(`version:"${version}"`)) {
    throw new Error(`katex version string ${version} not found in katex.min.js`);
  }
  const autoRender = fs.readFileSync(path.join(dist, "contrib/auto-render.min.js"));

  const fontNames = new Map();
  const fonts = [];
  for (const font of fs.readdirSync(path.join(dist, "fonts")).sort()) {
    if (!font.endsWith(".woff2")) continue;
    const data = fs.readFileSync(path.join(dist, "fonts", font));
    const renamed = `fonts/${hashedName(font, data)}`;
    fontNames.set(`fonts/${font}`, renamed);
    fonts.push(write(renamed, data));
  }
  const css = woff2Only(fs.readFileSync(path.join(dist, "katex.min.css"), "utf8"), fontNames);
  for (const [, url] of css.matchAll(/url\(([^)]+)\)/g)) {
    if (!fs.existsSync(path.join(KATEX_OUT, url))) throw new Error(`katex CSS refers to missing ${url}`);
  }
  const manifest = {
    version,
    js: write(hashedName("katex.min.js", js), js),
    css: write(hashedName("katex.min.css", css), css),
    autoRender: write(hashedName("auto-render.min.js", autoRender), autoRender),
    fonts,
  };
  fs.copyFileSync(path.join(HERE, "node_modules/katex/LICENSE"), path.join(KATEX_OUT, "LICENSE.txt"));
  return manifest;
}

/* Size (raw and as nginx sends it) and sha256 of every file under plotly/ and katex/. */
function describeFiles() {
  const files = {};
  for (const dir of [PLOTLY_OUT, KATEX_OUT]) {
    for (const entry of fs.readdirSync(dir, { recursive: true }).sort()) {
      const file = path.join(dir, entry);
      if (!fs.statSync(file).isFile()) continue;
      const data = fs.readFileSync(file);
      const name = path.relative(VENDOR, file).split(path.sep).join("/");
      const gzipped = GZIPPED.has(path.extname(file));
      files[name] = {
        bytes: data.length,
        gzipBytes: gzipped ? gzipSync(data, { level: GZIP_LEVEL }).length : data.length,
        sha256: sha256(data),
      };
    }
  }
  return files;
}

async function main() {
  const packages = Object.fromEntries(
    ["plotly.js", "katex", "esbuild"].map((name) => [name, pinnedVersion(name)])
  );
  const manifest = {
    about: "Written by assets/vendor/build/build.mjs from the pinned npm packages; do not edit.",
    packages,
    plotly: await buildPlotly(packages["plotly.js"]),
    katex: buildKatex(packages.katex),
    gzip: `gzipBytes: as nginx sends the file (gzip level ${GZIP_LEVEL} for .js and .css; fonts as they are)`,
    files: describeFiles(),
  };
  fs.writeFileSync(MANIFEST, `${JSON.stringify(manifest, null, 2)}\n`);
  for (const [name, file] of Object.entries(manifest.files)) {
    if (name.includes("/fonts/")) continue;
    console.log(`${name.padEnd(44)} ${String(file.bytes).padStart(9)} B  gzip ${String(file.gzipBytes).padStart(8)} B`);
  }
  const fontBytes = manifest.katex.fonts.reduce((sum, name) => sum + manifest.files[name].bytes, 0);
  console.log(`katex/fonts/*.woff2 (${manifest.katex.fonts.length} files)`.padEnd(44), String(fontBytes).padStart(9), "B");
}

await main();
