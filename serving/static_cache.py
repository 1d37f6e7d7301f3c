"""Browser caching of the app's static files: fingerprinted URLs are cached for a year.

| request                                                     | Cache-Control          |
| ----------------------------------------------------------- | ---------------------- |
| /assets/<file>?m=<mtime>  (the URLs Dash puts in the page)  | IMMUTABLE              |
| /assets/vendor/<plotly or katex file named by its hash>     | IMMUTABLE              |
| /_dash-component-suites/<pkg>/<name>.v<version>m<hash>.<ext> | IMMUTABLE (Dash sends  |
|                                                             | only max-age)          |
| any other /assets/ or /_dash-component-suites/ file         | no-cache (revalidated  |
|                                                             | with ETag / Last-Modified) |

A new version of a file gets a new URL (new mtime, new Dash version, new content hash), so an
immutable response never goes stale. assets/vendor/manifest.json, which names the hashed
vendor files, is revalidated. assets/vendor/build/ (package files, the build script and, on a
developer's machine, node_modules/) is not served at all.
"""

from __future__ import annotations

import re

from dash.fingerprint import check_fingerprint
from flask import Flask, Response, abort, request

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"

# Names written by assets/vendor/build/build.mjs: esbuild's `[name]-[hash]` (8 characters,
# A-Z and digits) for plotly.js, `<name>-<12 hex of sha256>.<ext>` for KaTeX.
_HASHED_VENDOR_FILE = re.compile(
    r"^vendor/(?:plotly|katex)/(?:[\w-]+/)*[\w.-]+-(?:[A-Z0-9]{8}|[0-9a-f]{12})\.[\w.]+$"
)
_VENDOR_BUILD = "vendor/build/"
_CACHED_STATUSES = (200, 206, 304)


def _asset_filename() -> str | None:
    """The file under assets/ this request asks for, or None if it is not an asset request."""
    blueprint = request.blueprint or ""
    if not (blueprint.endswith("dash_assets") and request.view_args):
        return None
    return request.view_args.get("filename")


def _component_suite_path() -> str | None:
    """The fingerprinted path of a /_dash-component-suites/ request, or None."""
    if not request.view_args or "package_name" not in request.view_args:
        return None
    return request.view_args.get("fingerprinted_path")


def is_immutable_asset(filename: str, fingerprinted: bool) -> bool:
    """Whether an /assets/ file may be cached for a year: Dash's `?m=` or a hashed vendor name."""
    return fingerprinted or bool(_HASHED_VENDOR_FILE.match(filename))


def init_static_cache(server: Flask) -> None:
    """Set Cache-Control on every static response (see the module docstring)."""

    @server.before_request
    def _hide_vendor_build() -> None:
        filename = _asset_filename()
        if filename is not None and filename.replace("\\", "/").startswith(_VENDOR_BUILD):
            abort(404)

    @server.after_request
    def _cache_static(response: Response) -> Response:
        if response.status_code not in _CACHED_STATUSES:
            return response
        filename = _asset_filename()
        if filename is not None:
            immutable = is_immutable_asset(filename, "m" in request.args)
        else:
            suite_path = _component_suite_path()
            if suite_path is None:
                return response
            immutable = check_fingerprint(suite_path)[1]
        response.headers["Cache-Control"] = IMMUTABLE if immutable else REVALIDATE
        return response
