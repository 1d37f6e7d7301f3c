"""What the app itself enforces on every request for a public class server.

* **Limits**: a request body of at most `MAX_BODY_BYTES` (Flask's MAX_CONTENT_LENGTH: 413
  before anything parses it), a query string of at most `MAX_QUERY_BYTES` and a path of at most
  `MAX_PATH_BYTES` (414). The longest link the lab writes (14 rows, every value changed) is
  ~2.5 KB; gunicorn's request-line bound (gunicorn.conf.py) is the same 8 KB.
* **Headers** on every response: a Content-Security-Policy with no inline script except the
  ones Dash itself writes, each allowed by its hash (`Dash.csp_hashes()`: the renderer's
  one-line start-up), no `eval`; everything (scripts, styles, fonts, data) from this origin;
  `frame-ancestors` (LOSSVIZ_FRAME_ANCESTORS, default 'self': a course site on another origin
  may be named there to embed the pages) with the matching X-Frame-Options; nosniff; a
  same-origin Referrer-Policy; no camera, microphone or location.
  Styles keep 'unsafe-inline': React's style attributes and Plotly's own <style> need it.
  HSTS belongs to the TLS terminator (deploy/nginx.conf), not to a plain-HTTP app.

Hand-written rather than flask-talisman: six fixed headers, and talisman's defaults (an HTTPS
redirect and HSTS from the app) fight TLS ending at nginx.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

from flask import Flask, abort, request

MAX_BODY_BYTES = 1 << 20
MAX_QUERY_BYTES = 8 << 10
MAX_PATH_BYTES = 2 << 10


def content_security_policy(script_hashes: Sequence[str], frame_ancestors: str) -> str:
    """The CSP header value: this origin only, Dash's inline scripts by hash, no eval."""
    directives = {
        "default-src": "'self'",
        "script-src": " ".join(["'self'", *script_hashes]),
        "style-src": "'self' 'unsafe-inline'",
        "img-src": "'self' data: blob:",
        "font-src": "'self' data:",
        "connect-src": "'self'",
        "worker-src": "'self' blob:",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": frame_ancestors,
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def security_headers(script_hashes: Sequence[str], frame_ancestors: str) -> dict[str, str]:
    """Every header `init_security` adds to a response."""
    headers = {
        "Content-Security-Policy": content_security_policy(script_hashes, frame_ancestors),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    # X-Frame-Options can only say "same origin" or "nowhere"; CSP's frame-ancestors wins in
    # every current browser, so with other origins named the older header is left out.
    if frame_ancestors == "'self'":
        headers["X-Frame-Options"] = "SAMEORIGIN"
    elif frame_ancestors == "'none'":
        headers["X-Frame-Options"] = "DENY"
    return headers


def init_security(
    server: Flask, script_hashes: Callable[[], Sequence[str]], frame_ancestors: str
) -> None:
    """Bound request sizes and add the security headers to every response.

    `script_hashes` is asked once, at the first response: Dash registers the pages' inline
    (clientside) scripts when it sets itself up on the first request, not at import.
    """
    server.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES

    @functools.cache
    def headers() -> dict[str, str]:
        return security_headers(script_hashes(), frame_ancestors)

    @server.before_request
    def _bounded_request() -> None:
        if len(request.query_string) > MAX_QUERY_BYTES or len(request.path) > MAX_PATH_BYTES:
            abort(414)
        if (request.content_length or 0) > MAX_BODY_BYTES:
            abort(413)

    @server.after_request
    def _security_headers(response):  # type: ignore[no-untyped-def]
        response.headers.update(headers())
        return response
