"""The one client script: every assets/ module in Dash's order, immutable, nothing left out."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

from serving.api import IMMUTABLE
from serving.script_bundle import build_bundle, client_files

ASSETS = Path(__file__).resolve().parent.parent / "assets"


def test_every_module_is_in_the_bundle_once_in_dashs_order(dash_app):
    files = [p.relative_to(ASSETS).as_posix() for p in client_files(ASSETS)]
    assert files, "no client modules found"
    assert not [f for f in files if f.startswith("vendor/")]
    # Dash's own order: folders sorted, top-level files first.
    assert files.index("classroom.js") < files.index("core/decode.js") < files.index("lab/main.js")
    body = build_bundle(ASSETS, "/").body.decode()
    positions = [body.index(f"/* ---- assets/{name} ---- */") for name in files]
    assert positions == sorted(positions)
    for name in files:
        assert body.count(f"/* ---- assets/{name} ---- */") == 1
        assert (ASSETS / name).read_text(encoding="utf-8") in body


def test_page_links_only_the_bundle_and_no_single_module(client):
    html = client.get("/optimizers").get_data(as_text=True)
    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert [s for s in scripts if s.startswith("/_lossviz/client-")]
    assert not [s for s in scripts if s.startswith("/assets/")]


def test_bundle_is_immutable_gzipped_and_other_versions_are_404(client, dash_app):
    (url,) = dash_app.config.external_scripts
    zipped = client.get(url, headers={"Accept-Encoding": "gzip"})
    plain = client.get(url)
    assert zipped.status_code == plain.status_code == 200
    assert zipped.headers["Cache-Control"] == IMMUTABLE
    assert zipped.headers["Content-Encoding"] == "gzip" and "Content-Encoding" not in plain.headers
    assert gzip.decompress(zipped.data) == plain.data
    assert plain.mimetype == "text/javascript"
    assert client.get("/_lossviz/client-0000000000000000.js").status_code == 404


def test_preamble_names_the_vendor_folder_under_a_prefix():
    body = build_bundle(ASSETS, "/course/lab/").body.decode()
    assert '"vendorBase":"/course/lab/assets/vendor/"' in body
    assert '"vendorManifest":{' in body
