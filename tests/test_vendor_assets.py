"""The vendored plotly.js and KaTeX (assets/vendor/), their loader, caching and LaTeX helpers.

Files: the manifest matches what is on disk and what the app serves (immutably); versions are
the pinned ones. Browser: `LossViz.vendor.plotly()` draws contour and heatmap,
`LossViz.vendor.plotly3d()` then draws surface + scatter3d with the same Plotly object;
`.tex` elements are typeset by KaTeX, bad LaTeX shows its source with a warning; every LaTeX
string the pages show parses; the loader works under a path prefix and reuses Dash's own
plotly.js when a page already has it. The byte costs are printed (and held to the budget).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.tex import math_inline, math_paragraphs, tex
from serving.static_cache import IMMUTABLE, REVALIDATE

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "assets" / "vendor"
BUILD = VENDOR / "build"
MANIFEST = json.loads((VENDOR / "manifest.json").read_text())
GZIP_LEVEL = 5  # as nginx serves JS and CSS (deploy/nginx.conf gzip_comp_level)
FIRST_OPEN_BUDGET = {"raw": 4_000_000, "gzip": 2_000_000}


def _hashed_files() -> list[str]:
    return [name for name in MANIFEST["files"] if not name.endswith("LICENSE.txt")]


def _cost(names: list[str]) -> dict[str, int]:
    files = [MANIFEST["files"][name] for name in names]
    return {"raw": sum(f["bytes"] for f in files), "gzip": sum(f["gzipBytes"] for f in files)}


def _plotly_2d_files() -> list[str]:
    entry = MANIFEST["plotly"]["entries"]["2d"]
    return [entry["file"], *entry["preload"]]


def _katex_files() -> list[str]:
    return [MANIFEST["katex"]["js"], MANIFEST["katex"]["css"]]


# ---- the files ---------------------------------------------------------------------------------
def test_manifest_lists_exactly_the_files_on_disk_with_their_sizes_and_hashes():
    on_disk = {
        path.relative_to(VENDOR).as_posix()
        for folder in ("plotly", "katex")
        for path in (VENDOR / folder).rglob("*")
        if path.is_file()
    }
    assert on_disk == set(MANIFEST["files"])
    for name, described in MANIFEST["files"].items():
        data = (VENDOR / name).read_bytes()
        assert described["bytes"] == len(data), name
        assert described["sha256"] == hashlib.sha256(data).hexdigest(), name
        if name.endswith((".js", ".css")):
            # Node's zlib (the build) and the system zlib (Python, nginx) differ by a few bytes.
            system_zlib = len(gzip.compress(data, GZIP_LEVEL, mtime=0))
            assert abs(described["gzipBytes"] - system_zlib) <= 0.01 * system_zlib + 64, name
    entries = MANIFEST["plotly"]["entries"]
    assert set(entries) == {"2d", "3d"}
    for entry in entries.values():
        for name in [entry["file"], *entry["preload"]]:
            assert name in MANIFEST["files"]
    # KaTeX names carry their own sha256 prefix (plotly's carry esbuild's content hash).
    for name in [MANIFEST["katex"][key] for key in ("js", "css", "autoRender")]:
        digest = MANIFEST["files"][name]["sha256"]
        assert f"-{digest[:12]}." in name


def test_versions_are_pinned_exactly_and_are_the_ones_bundled():
    package = json.loads((BUILD / "package.json").read_text())
    lock = json.loads((BUILD / "package-lock.json").read_text())
    for name, pin in package["devDependencies"].items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", pin), f"{name} is not pinned exactly: {pin}"
        assert lock["packages"][f"node_modules/{name}"]["version"] == pin
        assert lock["packages"][f"node_modules/{name}"]["integrity"].startswith("sha512-")
        assert MANIFEST["packages"][name] == pin
    from plotly.offline import get_plotlyjs_version

    # The same plotly.js as Dash's full bundle (the plotly Python package), so figures match.
    assert MANIFEST["plotly"]["version"] == "4.1.1" == get_plotlyjs_version()
    shared = "".join((VENDOR / name).read_text() for name in _plotly_2d_files())
    assert 'version="4.1.1"' in shared
    katex_version = package["devDependencies"]["katex"]
    assert MANIFEST["katex"]["version"] == katex_version
    assert f'version:"{katex_version}"' in (VENDOR / MANIFEST["katex"]["js"]).read_text()


def test_katex_css_refers_only_to_woff2_fonts_that_exist():
    css = (VENDOR / MANIFEST["katex"]["css"]).read_text()
    urls = re.findall(r"url\(([^)]+)\)", css)
    assert len(urls) == len(MANIFEST["katex"]["fonts"]) == 20
    for url in urls:
        assert url.endswith(".woff2") and (VENDOR / "katex" / url).is_file(), url
    assert not list((VENDOR / "katex").rglob("*.woff")) and not list(
        (VENDOR / "katex").rglob("*.ttf")
    )


def test_node_modules_is_git_ignored():
    assert "node_modules/" in (ROOT / ".gitignore").read_text().splitlines()


# ---- serving and caching ---------------------------------------------------------------------------
def test_vendor_files_are_served_immutably_and_build_inputs_not_at_all(client):
    for name in _hashed_files():
        response = client.get(f"/assets/vendor/{name}")
        assert response.status_code == 200, name
        assert response.headers["Cache-Control"] == IMMUTABLE, name
        assert response.data == (VENDOR / name).read_bytes()
    for name in _plotly_2d_files():
        assert "javascript" in client.get(f"/assets/vendor/{name}").content_type
    manifest = client.get("/assets/vendor/manifest.json")
    assert manifest.status_code == 200 and manifest.headers["Cache-Control"] == REVALIDATE
    revalidated = client.get(
        "/assets/vendor/manifest.json", headers={"If-None-Match": manifest.headers["ETag"]}
    )
    assert revalidated.status_code == 304
    license_file = client.get("/assets/vendor/plotly/LICENSE.txt")
    assert license_file.headers["Cache-Control"] == REVALIDATE
    for name in ("package.json", "package-lock.json", "build.mjs", "src/plotly-2d.mjs"):
        assert client.get(f"/assets/vendor/build/{name}").status_code == 404, name


def test_page_links_fingerprinted_bundles_immutable_and_never_the_vendor_files(client):
    html = client.get("/").get_data(as_text=True)
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert not [url for url in urls if "/assets/vendor/" in url]  # loaded on demand only
    assets = [url for url in urls if url.startswith("/assets/")]
    suites = [url for url in urls if url.startswith("/_dash-component-suites/")]
    # The loader and the typesetter reach the page inside the one client script.
    (client_script,) = [url for url in urls if url.startswith("/_lossviz/client-")]
    body = client.get(client_script).get_data(as_text=True)
    assert "/* ---- assets/core/vendor.js ---- */" in body
    assert "/* ---- assets/core/tex.js ---- */" in body
    assert suites
    for url in [client_script, *assets, *suites]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == IMMUTABLE, url
    # Without Dash's fingerprint the same files are revalidated (ETag / Last-Modified).
    assert client.get("/assets/core/vendor.js").headers["Cache-Control"] == REVALIDATE
    plotly_js = client.get("/_dash-component-suites/plotly/package_data/plotly.min.js")
    assert plotly_js.headers["Cache-Control"] == REVALIDATE
    assert client.get("/assets/no-such-file.js?m=1").status_code == 404


# ---- the Python helpers ------------------------------------------------------------------------
def test_tex_makes_a_span_the_browser_typesets():
    inline = tex(r"\eta_t").to_plotly_json()["props"]
    assert inline == {"children": r"\eta_t", "className": "tex"}
    block = tex(r"\frac{a}{b}", display=True, id="f").to_plotly_json()["props"]
    assert block == {
        "children": r"\frac{a}{b}",
        "className": "tex",
        "data-display": "block",
        "id": "f",
    }


def test_math_paragraphs_reads_the_pages_markdown_with_dollars():
    text = (
        "**Adam**, with $g_t = \\nabla R(\\theta_t)$ on each minibatch:\n\n"
        "$$m_t = a$$\n$$v_t = b$$\n\nCosts \\$5."
    )
    first, second, third = math_paragraphs(text, class_name="eq")
    assert first.className == "eq"
    bold, comma, formula, rest = first.children
    assert bold.children == "Adam" and comma == ", with " and rest == " on each minibatch:"
    assert formula.children == "g_t = \\nabla R(\\theta_t)" and formula.className == "tex"
    assert [c.children for c in second.children if not isinstance(c, str)] == ["m_t = a", "v_t = b"]
    assert all(getattr(c, "data-display", "block") == "block" for c in second.children)
    assert third.children == ["Costs $5."]


def _source(children) -> str:
    """The text a list of math_inline children was made from (the inverse, for the property)."""
    parts = []
    for child in children:
        if isinstance(child, str):
            parts.append(child.replace("$", "\\$"))
        elif getattr(child, "className", None) == "tex":
            fence = "$$" if getattr(child, "data-display", None) == "block" else "$"
            parts.append(f"{fence}{child.children}{fence}")
        else:
            parts.append(f"**{child.children}**")
    return "".join(parts)


_WORDS = st.text(alphabet=st.sampled_from("abc xyz,.:()=+-\\"), min_size=1, max_size=12).filter(
    lambda s: not s.endswith("\\")
)
_LATEX = (
    st.text(alphabet=st.sampled_from("abcxyz_^{}()+-=\\ 0123"), min_size=1, max_size=12)
    .map(str.strip)
    .filter(lambda s: s and not s.endswith("\\"))
)
_SEGMENT = st.one_of(
    _WORDS.map(lambda s: ("text", s)),
    _LATEX.map(lambda s: ("inline", s)),
    _LATEX.map(lambda s: ("display", s)),
    st.text(alphabet="abcxyz ", min_size=1, max_size=8)
    .filter(str.strip)
    .map(lambda s: ("bold", s)),
)


@given(st.lists(_SEGMENT, min_size=1, max_size=8))
def test_math_inline_keeps_every_segment_in_order(segments):
    text = ""
    for kind, value in segments:
        if kind == "text":
            text += value.replace("$", "\\$")
        elif kind == "inline":
            text += f"${value}$"
        elif kind == "display":
            text += f"$${value}$$"
        else:
            text += f"**{value}**"
    assert _source(math_inline(text)) == text


# ---- in the browser ------------------------------------------------------------------------------
DRAW_2D = """async () => {
    const Plotly = await LossViz.vendor.plotly();
    const div = (id) => {
        const el = document.createElement("div");
        el.id = id; el.style.width = "480px"; el.style.height = "360px";
        document.body.appendChild(el);
        return el;
    };
    const z = [[1, 2, 3, 4], [2, 3, 4, 5], [3, 4, 5, 6]];
    const pixel = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
    await Plotly.newPlot(div("c"), [
        {type: "contour", x: [1, 10, 100, 1000], z, ncontours: 8, colorbar: {title: {text: "J"}}},
        {type: "scatter", mode: "lines+markers", x: [1, 100], y: [0, 2]},
    ], {
        xaxis: {type: "log"},
        shapes: [{type: "circle", x0: 0.5, x1: 1.5, y0: 0.5, y1: 1.5, xref: "x", yref: "y"}],
        annotations: [{text: "minimum", x: 1, y: 1}],
        images: [{source: pixel, xref: "x", yref: "y", x: 0, y: 2, sizex: 1, sizey: 1, layer: "below"}],
    });
    await Plotly.newPlot(div("h"), [{type: "heatmap", z, colorbar: {}}]);
    const c = document.getElementById("c");
    Plotly.Fx.hover(c, {xval: 10, yval: 1}, "xy");
    return {
        version: Plotly.version,
        global: window.Plotly === Plotly,
        contourPaths: c.querySelectorAll(".contourlayer path").length,
        scatter: c.querySelectorAll(".scatterlayer .trace").length,
        shapes: c.querySelectorAll(".shapelayer path").length,
        annotations: c.querySelectorAll(".annotation").length,
        images: c.querySelectorAll("image").length,  // the layout image (contours are paths)
        colorbars: document.querySelectorAll(".colorbar").length,
        logAxis: c._fullLayout.xaxis.type,
        heatmapImage: document.querySelectorAll("#h .heatmaplayer image").length,
    };
}"""

DRAW_3D = """async () => {
    const Plotly2d = await LossViz.vendor.plotly();
    const Plotly = await LossViz.vendor.plotly3d();
    const el = document.createElement("div");
    el.id = "s"; el.style.width = "480px"; el.style.height = "400px";
    document.body.appendChild(el);
    const z = [[1, 2, 3, 4], [2, 3, 4, 5], [3, 4, 5, 6]];
    await Plotly2d.newPlot(el, [
        {type: "surface", z},
        {type: "scatter3d", mode: "lines+markers", x: [0, 1, 2], y: [0, 1, 2], z: [1, 3, 5]},
    ]);
    // What WebGL drew, read back through Plotly (700 x 450 px): count strongly coloured
    // pixels left of the colorbar (the colorbar is SVG; the surface and markers are WebGL).
    const png = await Plotly2d.toImage(el, {format: "png", width: 700, height: 450});
    const image = new Image();
    await new Promise((resolve) => { image.onload = resolve; image.src = png; });
    const canvas = document.createElement("canvas");
    canvas.width = 700; canvas.height = 450;
    const context = canvas.getContext("2d", {willReadFrequently: true});
    context.drawImage(image, 0, 0);
    const pixels = context.getImageData(0, 0, 560, 450).data;
    let painted = 0;
    for (let i = 0; i < pixels.length; i += 4) {
        const rgb = [pixels[i], pixels[i + 1], pixels[i + 2]];
        if (Math.max(...rgb) - Math.min(...rgb) > 80) painted += 1;
    }
    return {
        same: Plotly === Plotly2d,
        types: el._fullData.map((t) => `${t.type}:${t.visible}`),
        canvases: el.querySelectorAll(".gl-container canvas").length,
        painted,
    };
}"""


def _vendor_requests(page) -> list[str]:
    return [url for url in page.watch.requested if "/assets/vendor/" in url]


@pytest.fixture()
def vendor_page(page):
    page.watch.requested = []
    page.on("request", lambda request: page.watch.requested.append(request.url))
    page.watch.warnings = []
    page.on("console", lambda m: m.type == "warning" and page.watch.warnings.append(m.text))
    return page


@pytest.mark.browser
def test_plotly_2d_then_3d_draw_with_one_shared_plotly(vendor_page, live_server):
    page = vendor_page
    page.goto(live_server + "/")
    page.wait_for_function("() => window.LossViz && LossViz.vendor")
    assert page.evaluate("() => window.Plotly === undefined")  # "/" has no dcc.Graph
    drawn = page.evaluate(DRAW_2D)
    assert drawn["version"] == "4.1.1" and drawn["global"]
    assert drawn["contourPaths"] > 4 and drawn["scatter"] == 1 and drawn["heatmapImage"] == 1
    assert drawn["shapes"] == 1 and drawn["annotations"] == 1 and drawn["images"] == 1
    assert drawn["colorbars"] == 2 and drawn["logAxis"] == "log"
    loaded = {url.split("/assets/vendor/")[1] for url in _vendor_requests(page)}
    assert loaded == set(_plotly_2d_files())  # no 3-D code, no manifest round trip

    drawn_3d = page.evaluate(DRAW_3D)
    assert drawn_3d["same"]
    assert drawn_3d["types"] == ["surface:true", "scatter3d:true"]
    assert drawn_3d["canvases"] >= 1 and drawn_3d["painted"] > 4000  # markers alone: ~1400
    entry_3d = MANIFEST["plotly"]["entries"]["3d"]["file"]
    assert any(url.endswith(entry_3d) for url in _vendor_requests(page))
    # Served bytes are the built bytes (the browser's own count of what it received).
    sizes = page.evaluate(
        """() => Object.fromEntries(performance.getEntriesByType("resource")
            .filter((e) => e.name.includes("/assets/vendor/plotly/"))
            .map((e) => [e.name.split("/assets/vendor/")[1], e.decodedBodySize]))"""
    )
    for name, size in sizes.items():
        assert size == MANIFEST["files"][name]["bytes"], name


@pytest.mark.browser
def test_tex_elements_are_typeset_once_and_bad_latex_shows_its_source(vendor_page, live_server):
    page = vendor_page
    page.goto(live_server + "/")
    page.wait_for_function("() => window.LossViz && LossViz.tex && LossViz.vendor")
    page.wait_for_selector("main")  # Dash has rendered the layout
    page.evaluate(
        r"""() => {
        const box = document.createElement("div");
        box.id = "tex-box";
        box.innerHTML = '<span class="tex" id="t1">\\frac{\\eta_0}{1 + k\\, t}</span>'
            + '<span class="tex" id="t2" data-display="block">\\sum_i x_i^2</span>'
            + '<span class="tex" id="bad">\\frac{a}{</span>';
        document.querySelector("main").appendChild(box);
    }"""
    )
    page.wait_for_selector("#t1 .katex")
    assert page.locator("#t2 .katex-display").count() == 1
    assert page.locator("#t1 .katex-display").count() == 0
    bad = page.locator("#bad .tex-error")
    bad.wait_for()
    assert bad.text_content() == r"\frac{a}{"
    assert bad.is_visible() and page.locator("#t1 .katex").is_visible()
    assert any(r"\frac{a}{" in text for text in page.watch.warnings)
    css = MANIFEST["katex"]["css"]
    assert page.evaluate(f"() => !!document.querySelector('link[href$=\"{css}\"]')")

    # Dash replacing the text (React sets textContent) gets typeset again; nothing else does.
    page.evaluate(
        """() => {
        window.texCalls = 0;
        const render = window.katex.render;
        window.katex.render = (...args) => { window.texCalls += 1; return render(...args); };
        document.getElementById("t1").textContent = "x^{3}";
        for (let i = 0; i < 5; i++) document.querySelector("main").appendChild(document.createElement("div"));
    }"""
    )
    page.wait_for_function("() => document.querySelector('#t1 .katex') && window.texCalls >= 1")
    page.evaluate("() => LossViz.tex.render(document.body)")
    assert page.evaluate("() => window.texCalls") == 1
    assert "x3" in page.locator("#t1 .katex-html").text_content().replace(" ", "")
    loaded = {url.split("/assets/vendor/")[1] for url in _vendor_requests(page)}
    assert set(_katex_files()) <= loaded and "manifest.json" not in loaded
    assert not [name for name in loaded if name.startswith("plotly/")]  # no plotly for tex

    # The same through Dash and React: a callback's new children replace the typeset output.
    page.wait_for_function("() => window.dash_clientside && dash_clientside.set_props")
    page.evaluate(
        """() => dash_clientside.set_props("global-error",
            {className: "tex", children: "a^{2}", hidden: false})"""
    )
    page.wait_for_selector("#global-error .katex")
    page.evaluate("""() => dash_clientside.set_props("global-error", {children: "b^{3}"})""")
    page.wait_for_function(
        """() => (document.querySelector("#global-error .katex-html") || {}).textContent
            === "b3" """
    )
    assert page.locator("#global-error .katex").count() == 1


def _app_latex() -> list[str]:
    """Every LaTeX string the pages typeset (specs of landscapes, optimizers, schedules, inits)."""
    from landscapes import LANDSCAPES
    from optimizers import GRADIENT_LATEX, NOISY_GRADIENT_LATEX, OPTIMIZERS, SCHEDULES
    from playground import ACTIVATIONS, BIAS_INIT_LATEX, INIT_SCHEMES, init_latex

    strings = [GRADIENT_LATEX, NOISY_GRADIENT_LATEX, BIAS_INIT_LATEX]
    strings += [landscape.latex for landscape in LANDSCAPES.values()]
    for spec in OPTIMIZERS.values():
        strings += [*spec.latex, *(h.latex for h in spec.hyperparameters)]
    for schedule in SCHEDULES.values():
        strings += [schedule.latex, *(p.latex for p in schedule.parameters)]
    strings += [activation.latex for activation in ACTIVATIONS.values()]
    strings += [init_latex(scheme_id) for scheme_id in INIT_SCHEMES]
    strings.append(r"\hat y = \sigma(z) = \frac{1}{1 + e^{-z}}")  # pages/playground.py
    return sorted(set(strings))


@pytest.mark.browser
def test_every_formula_the_pages_show_parses_in_katex(vendor_page, live_server):
    page = vendor_page
    strings = _app_latex()
    assert len(strings) > 20
    page.goto(live_server + "/")
    page.wait_for_function("() => window.LossViz && LossViz.tex && LossViz.vendor")
    failed = page.evaluate(
        """async (strings) => {
        const box = document.createElement("div");
        for (const s of strings) {
            const el = document.createElement("span");
            el.className = "tex"; el.dataset.display = "block"; el.textContent = s;
            box.appendChild(el);
        }
        document.body.appendChild(box);
        await LossViz.tex.render(box);
        return Array.from(box.querySelectorAll(".tex-error"), (el) => el.textContent);
    }""",
        strings,
    )
    assert failed == []
    assert not page.watch.warnings  # KaTeX's strict mode warns about dubious input too


@pytest.mark.browser
def test_loader_derives_urls_from_its_own_script_under_a_path_prefix(vendor_page, live_server):
    """Mounted at /course/lab/: every vendor URL comes from where vendor.js itself was loaded."""
    page = vendor_page
    prefix = live_server + "/course/lab/"

    def mounted(route):
        if route.request.url == prefix:
            route.fulfill(
                content_type="text/html",
                body="<!doctype html><html><head></head><body><main></main>"
                '<script src="/course/lab/assets/core/vendor.js?m=1"></script>'
                '<script src="/course/lab/assets/core/tex.js?m=1"></script></body></html>',
            )
        else:
            route.fulfill(response=route.fetch(url=route.request.url.replace("/course/lab/", "/")))

    page.route(prefix + "**", mounted)
    page.route(prefix, mounted)
    page.goto(prefix)
    result = page.evaluate(
        """async () => {
        const Plotly = await LossViz.vendor.plotly();
        const el = document.createElement("div");
        document.body.appendChild(el);
        await Plotly.newPlot(el, [{type: "heatmap", z: [[1, 2], [3, 4]]}]);
        const span = document.createElement("span");
        span.className = "tex"; span.textContent = "a^2";
        document.querySelector("main").appendChild(span);
        await LossViz.tex.render(document.body);
        return {heatmap: el.querySelectorAll(".heatmaplayer image").length,
                katex: span.querySelectorAll(".katex").length};
    }"""
    )
    assert result == {"heatmap": 1, "katex": 1}
    requested = _vendor_requests(page)
    assert requested and all(url.startswith(prefix + "assets/vendor/") for url in requested)


@pytest.mark.browser
def test_dash_full_plotly_already_on_the_page_is_reused(vendor_page, live_server):
    """A page that still has a dcc.Graph brings Dash's plotly.min.js: then nothing more loads."""
    page = vendor_page
    page.goto(live_server + "/")
    page.wait_for_function("() => window.LossViz && LossViz.vendor")
    page.add_script_tag(url="/_dash-component-suites/plotly/package_data/plotly.min.js")
    result = page.evaluate(
        """async () => {
        const dash = window.Plotly;
        const Plotly = await LossViz.vendor.plotly();
        const Plotly3d = await LossViz.vendor.plotly3d();
        const el = document.createElement("div");
        el.style.width = "300px"; el.style.height = "300px";
        document.body.appendChild(el);
        await Plotly.newPlot(el, [{type: "surface", z: [[1, 2], [3, 4]]}]);
        return {reused: Plotly === dash && Plotly3d === dash, global: window.Plotly === dash,
                canvases: el.querySelectorAll(".gl-container canvas").length};
    }"""
    )
    assert result == {"reused": True, "global": True, "canvases": result["canvases"]}
    assert result["canvases"] >= 1
    loaded = {url.split("/assets/vendor/")[1] for url in _vendor_requests(page)}
    assert loaded == set()  # Dash's own Plotly is reused: nothing vendored is fetched


@pytest.mark.browser
def test_first_open_with_plotly_and_katex_fits_the_budget(browser, live_server, capsys):
    """What a fresh browser downloads for "/" (as served, and gzip as nginx sends it), plus the
    2-D plotly and KaTeX a page with figures and formulas adds: printed, and held to budget."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    bodies: dict[str, bytes] = {}
    page.on("response", lambda response: bodies.setdefault(response.url, response.body()))
    try:
        page.goto(live_server + "/", wait_until="networkidle")
        page.wait_for_selector(".top-nav")
    finally:
        context.close()
    home = {
        "raw": sum(len(body) for body in bodies.values()),
        "gzip": sum(len(gzip.compress(body, GZIP_LEVEL)) for body in bodies.values()),
    }
    plotly_2d, plotly_3d = (
        _cost(_plotly_2d_files()),
        _cost([MANIFEST["plotly"]["entries"]["3d"]["file"]]),
    )
    katex = _cost(_katex_files())
    fonts = _cost(MANIFEST["katex"]["fonts"])
    page_with_figures = {key: home[key] + plotly_2d[key] + katex[key] + fonts[key] for key in home}
    line = {
        "home_first_open": home,
        "home_responses": len(bodies),
        "plotly_2d": plotly_2d,
        "plotly_3d_extra": plotly_3d,
        "katex_js_css": katex,
        "katex_all_fonts": fonts,
        "first_open_with_plotly_2d_and_katex": page_with_figures,
    }
    with capsys.disabled():
        print("\nvendor bytes:", json.dumps(line))
    assert not [url for url in bodies if "plotly.min.js" in url or "mathjax" in url]
    for key, budget in FIRST_OPEN_BUDGET.items():
        assert page_with_figures[key] <= budget, (key, page_with_figures[key])
