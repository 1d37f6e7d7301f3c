"""Live-session endpoints under /api/session (serving/live/ keeps the records).

    POST   /api/session                     start one: 201 {code, token, join, qr}
    GET    /api/session/<code>              its state; ETag / If-None-Match -> 304;
                                            {"ended": true} for a while once it has ended
    PUT    /api/session/<code>/state        the instructor's view       (X-Live-Token)
    POST   /api/session/<code>/question     open a question             (X-Live-Token)
    DELETE /api/session/<code>/question     take it off the screens     (X-Live-Token)
    POST   /api/session/<code>/reveal       count and show the answers  (X-Live-Token)
    DELETE /api/session/<code>              end the session             (X-Live-Token)
    POST   /api/session/<code>/vote         {qid, voter, choice | point}: one anonymous answer
    GET    /api/session/<code>/answered     how many have answered the open question
    GET    /api/session/<code>/qr.svg       the join link as a QR code (serving/api/session_qr.py)

Every answer is `Cache-Control: no-store` (nginx and browsers keep nothing; a follower sends
its last ETag itself) and says the server's clock in `X-Live-Now` (ms), so a follower can
place the instructor's playback in time. Bad input is a 4xx with {"error": sentence}:
a malformed code 400, no such session 404, someone else's token 403, a closed question 409,
a body over `MAX_BODY` bytes 413, the store unreachable 503; never a 500.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from flask import Response, jsonify, request

from serving.api import api, bad_request
from serving.live import backend, codes, store, validate

MAX_BODY = 8192  # bytes: a view is ~2 KB at most
TOKEN_HEADER = "X-Live-Token"
NOW_HEADER = "X-Live-Now"

Answer = Response | tuple[Response, int]


def _finish(response: Response, status: int = 200) -> tuple[Response, int]:
    response.headers["Cache-Control"] = "no-store"
    response.headers[NOW_HEADER] = str(int(time.time() * 1000))
    return response, status


def _error(status: int, message: str) -> tuple[Response, int]:
    return _finish(jsonify({"error": message}), status)


def _guarded(work: Callable[[], Answer]) -> Answer:
    """Run `work`, turning the store's refusals and outages into 4xx/503 sentences."""
    try:
        return work()
    except store.Refused as refused:
        return _error(refused.status, str(refused))
    except backend.Unavailable as down:
        return _error(503, str(down))


def _code(raw: str) -> str | None:
    return codes.normal_code(raw)


def _body() -> tuple[Any, Answer | None]:
    """The request's JSON body, or the 4xx answer saying why it is not one."""
    if (request.content_length or 0) > MAX_BODY:
        return None, _error(413, f"A session request is at most {MAX_BODY} bytes.")
    raw = request.get_data(cache=False)
    if len(raw) > MAX_BODY:
        return None, _error(413, f"A session request is at most {MAX_BODY} bytes.")
    try:
        return json.loads(raw or b"null"), None
    except (ValueError, UnicodeDecodeError):
        return None, _finish(*bad_request("The request body is not valid JSON."))


def _bad_code() -> tuple[Response, int]:
    return _finish(*bad_request("A session code is five letters, like KTRWM."))


def _relative(path: str) -> str:
    import dash

    return dash.get_relative_path(path)


def _join_url(code: str) -> str:
    return _relative("/join") + f"?code={code}"


@api.route("/session", methods=["POST"])
def session_create() -> Answer:
    def work() -> Answer:
        code, token = store.create()
        body = {
            "code": code,
            "token": token,
            "join": _join_url(code),
            "qr": _relative(f"/api/session/{code}/qr.svg"),
        }
        return _finish(jsonify(body), 201)

    return _guarded(work)


@api.route("/session/<raw>", methods=["GET"])
def session_state(raw: str) -> Answer:
    code = _code(raw)
    if code is None:
        return _bad_code()

    def work() -> Answer:
        record = store.read(code, ended_too=True)
        tag = store.etag(record)
        if tag in request.headers.get("If-None-Match", ""):
            response = Response(status=304)
        else:
            response = Response(record["body"], status=200, mimetype="application/json")
        response.headers["ETag"] = tag
        return _finish(response, response.status_code)

    return _guarded(work)


def _instructor(raw: str, change: Callable[[str, str | None, Any], Any], read: Any) -> Answer:
    """An instructor's change: code, token header, body read by `read` (None: no body)."""
    code = _code(raw)
    if code is None:
        return _bad_code()
    value = None
    if read is not None:
        body, refusal = _body()
        if refusal is not None:
            return refusal
        value, problem = read(body)
        if problem:
            return _finish(*bad_request(problem))
    token = request.headers.get(TOKEN_HEADER)
    return _guarded(lambda: _finish(jsonify(change(code, token, value) or {"ok": True})))


@api.route("/session/<raw>/state", methods=["PUT", "POST"])
def session_publish(raw: str) -> Answer:
    return _instructor(raw, lambda c, t, v: {"v": store.publish(c, t, v)}, validate.view)


@api.route("/session/<raw>/question", methods=["POST"])
def session_ask(raw: str) -> Answer:
    return _instructor(raw, store.ask, validate.question)


@api.route("/session/<raw>/question", methods=["DELETE"])
def session_close(raw: str) -> Answer:
    return _instructor(raw, lambda c, t, _v: store.close(c, t), None)


@api.route("/session/<raw>/reveal", methods=["POST"])
def session_reveal(raw: str) -> Answer:
    return _instructor(raw, lambda c, t, _v: store.reveal(c, t), None)


@api.route("/session/<raw>", methods=["DELETE"])
def session_end(raw: str) -> Answer:
    return _instructor(raw, lambda c, t, _v: store.end(c, t), None)


@api.route("/session/<raw>/vote", methods=["POST"])
def session_vote(raw: str) -> Answer:
    code = _code(raw)
    if code is None:
        return _bad_code()
    body, refusal = _body()
    if refusal is not None:
        return refusal
    voter = codes.voter_key(body.get("voter")) if isinstance(body, dict) else None
    if voter is None:
        return _finish(*bad_request("A vote needs this browser's random voter token."))
    answer_of = store.check_answer(body)
    return _guarded(lambda: _finish(jsonify({"answered": store.vote(code, voter, answer_of)})))


@api.route("/session/<raw>/answered", methods=["GET"])
def session_answered(raw: str) -> Answer:
    code = _code(raw)
    if code is None:
        return _bad_code()
    return _guarded(lambda: _finish(jsonify(store.answered(code))))


def init_session_api(server: Any) -> None:
    """Give this process what the session store needs (its counter lock)."""
    backend.init_backend(server)
    import serving.api.session_qr  # noqa: F401  (registers the QR route)
