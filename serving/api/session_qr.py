"""GET /api/session/<code>/qr.svg: the session's join link as a QR code, an SVG made by segno.

The picture depends only on the code and the address students reach the server at, so it is
cacheable (the session's lifetime) and made without looking the session up. Drawn black on
white with a quiet zone, at a size that reads from the back of a room (the page scales it).
"""

from __future__ import annotations

import hashlib
import io

from flask import Response, request

from serving.api import api, bad_request
from serving.live import codes, store


def join_address(code: str) -> str:
    """The absolute join URL students' phones open (https when nginx says TLS ended there)."""
    import dash

    scheme = "https" if request.headers.get("X-Forwarded-Proto") == "https" else request.scheme
    return f"{scheme}://{request.host}{dash.get_relative_path('/join')}?code={code}"


def qr_svg(text: str) -> bytes:
    """`text` as an SVG QR code (error correction M: a smudged projector still reads)."""
    import segno

    out = io.BytesIO()
    segno.make(text, error="m", micro=False).save(
        out, kind="svg", scale=8, border=2, xmldecl=False, dark="#000", light="#fff"
    )
    return out.getvalue()


@api.route("/session/<raw>/qr.svg", methods=["GET"])
def session_qr(raw: str) -> Response | tuple[Response, int]:
    code = codes.normal_code(raw)
    if code is None:
        return bad_request("A session code is five letters, like KTRWM.")
    body = qr_svg(join_address(code))
    tag = f'"{hashlib.sha256(body).hexdigest()[:24]}"'
    if tag in request.headers.get("If-None-Match", ""):
        response = Response(status=304)
    else:
        response = Response(body, status=200, mimetype="image/svg+xml")
    response.headers["ETag"] = tag
    response.headers["Cache-Control"] = f"public, max-age={store.SESSION_TTL}"
    response.headers["Vary"] = "Host"
    return response
