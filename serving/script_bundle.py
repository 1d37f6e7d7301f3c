"""One script for the whole client: every assets/**/*.js, in Dash's order, served immutably.

The browser code lives in small modules with one job each (assets/core/, assets/lab/,
assets/playground/, ...). Dash would include each as its own <script>: about 30 requests on
a first open, each a round trip through the server. Instead the app concatenates them once at
start-up, in the order Dash would have used (folders and files sorted), and serves the result
at `/_lossviz/client-<sha256[:16]>.js` with `Cache-Control: public, max-age=31536000,
immutable` (gzip-compressed once, sent compressed to every client that accepts it).

A short preamble tells assets/core/vendor.js where the vendored libraries are and what the
vendor manifest says, so Plotly starts loading the moment the script runs, with no manifest
round trip. The individual files are still served under /assets/ (for debugging); Dash is
told not to include them (`JS_IGNORE`).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, Response

from serving.api import IMMUTABLE, gzipped_response

# Dash's assets_ignore (file names): every .js file goes into the bundle instead.
JS_IGNORE = r".*\.js$"
ROUTE = "/_lossviz/client-<digest>.js"
_SKIPPED_FOLDERS = ("vendor",)  # loaded on demand by assets/core/vendor.js


@dataclass(frozen=True)
class ScriptBundle:
    """The concatenated client script, its digest and its gzip form."""

    body: bytes
    compressed: bytes
    digest: str
    files: tuple[str, ...]

    def path(self, prefix: str = "/") -> str:
        return f"{prefix}_lossviz/client-{self.digest}.js"


def client_files(assets_folder: Path) -> list[Path]:
    """assets/**/*.js except vendor/, ordered as Dash includes assets (sorted walk, sorted files)."""
    files: list[Path] = []
    for current, folders, names in sorted(os.walk(assets_folder)):
        relative = Path(current).relative_to(assets_folder)
        if relative.parts and relative.parts[0] in _SKIPPED_FOLDERS:
            folders[:] = []
            continue
        files += [Path(current) / name for name in sorted(names) if name.endswith(".js")]
    return files


def build_bundle(assets_folder: Path, requests_prefix: str) -> ScriptBundle:
    """Concatenate the client files after a preamble naming the vendor folder and manifest."""
    manifest_path = assets_folder / "vendor" / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else None
    config = {"vendorBase": f"{requests_prefix}assets/vendor/", "vendorManifest": manifest}
    parts = [
        "// Loss Landscape Lab client: every assets/ script, concatenated by serving/script_bundle.py",
        f"window.LossVizConfig = {json.dumps(config, separators=(',', ':'))};",
    ]
    files = client_files(assets_folder)
    for path in files:
        name = path.relative_to(assets_folder).as_posix()
        parts.append(f"/* ---- assets/{name} ---- */\n{path.read_text(encoding='utf-8')}\n;")
    body = "\n".join(parts).encode("utf-8")
    return ScriptBundle(
        body=body,
        compressed=gzip.compress(body, 9, mtime=0),
        digest=hashlib.sha256(body).hexdigest()[:16],
        files=tuple(path.relative_to(assets_folder).as_posix() for path in files),
    )


def init_script_bundle(server: Flask, bundle: ScriptBundle, routes_prefix: str = "/") -> None:
    """Serve `bundle` at its immutable URL (any other digest is a 404: an old page after a
    deploy reloads the new one)."""

    @server.get(routes_prefix.rstrip("/") + ROUTE)
    def _client_script(digest: str):  # type: ignore[no-untyped-def]
        if digest != bundle.digest:
            return Response("Unknown client version; reload the page.", 404, mimetype="text/plain")
        response = gzipped_response(bundle.compressed, "text/javascript", plain=bundle.body)
        response.headers["Cache-Control"] = IMMUTABLE
        response.headers["ETag"] = f'"{bundle.digest}"'
        return response
