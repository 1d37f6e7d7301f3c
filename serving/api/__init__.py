"""GET endpoints for the data the browser draws: immutable, versioned, binary, shared-cached.

A callback validates a page's settings and answers with small JSON plus the URLs to fetch; the
heavy numbers (a landscape's grid, a run) come from these endpoints. Each URL carries the
canonical settings query and `v=<code version>`, so

* any worker on any host can answer it (nothing but the URL is needed),
* the answer never changes for that URL: `Cache-Control: public, max-age=31536000, immutable`,
  so browsers and nginx keep it (an old `v` after a deploy is still answered, without the
  long-lived header),
* the server computes it once per shared cache (`serving.cache.get_or_compute`), storing the
  gzip-compressed LVZ1 container (components/encoding.py), sent as is with
  `Content-Encoding: gzip` to every client that accepts it.

Bad requests get a 400 with `{"error": "<sentence>"}`, never a 500 or a trace.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Callable, Iterable
from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify, request

from serving.cache import get_or_compute, lookup, store

VERSION_KEY = "LOSSVIZ_DATA_VERSION"
IMMUTABLE = "public, max-age=31536000, immutable"
# Level 1: measured on the lab's and the playground's runs (2026-12-04), 1-4 % larger than
# level 6 at 65-75 % of its CPU (0.40 against 0.53 ms for the lab's default run, 1.2 against
# 1.8 ms for the playground's); a miss costs the class's server, the bytes mostly loopback.
GZIP_LEVEL = 1

api = Blueprint("lossviz_api", __name__, url_prefix="/api")


def init_api(server: Flask) -> None:
    """Register every data endpoint and fix the code version URLs carry."""
    import serving.api.lab  # the optimizer lab's runs (each module registers its routes)
    import serving.api.lr_range  # the playground network's learning-rate range test
    import serving.api.network  # the playground network's loss landscape
    import serving.api.playground  # the network playground's runs
    import serving.api.regression  # SGD vs minibatch vs full batch on a regression
    import serving.api.session  # live sessions (serving/live/ keeps their records)
    import serving.api.skier  # the skier on a 1-D loss curve
    import serving.api.thumbnails  # the home gallery's card pictures
    from serving.api import landscape  # noqa: F401  (each module registers its routes)
    from serving.response_cache import code_fingerprint

    server.config.setdefault(VERSION_KEY, code_fingerprint())
    serving.api.session.init_session_api(server)
    server.register_blueprint(api)


def data_version() -> str:
    """The code version in every data URL (a deploy changes it, so old caches never serve)."""
    return current_app.config[VERSION_KEY]


def data_url(path: str, query: str = "") -> str:
    """The browser's URL of endpoint `path` (e.g. "landscape/bowl.bin") for `query`.

    Relative to Dash's requests_pathname_prefix, so an app mounted under a prefix works.
    """
    import dash

    separator = "&" if query else ""
    return dash.get_relative_path(f"/api/{path}") + f"?{query}{separator}v={data_version()}"


@api.route("/", defaults={"unknown": ""}, methods=["GET", "POST", "PUT", "DELETE", "PATCH"])
@api.route("/<path:unknown>", methods=["GET", "POST", "PUT", "DELETE", "PATCH"])
def not_found(unknown: str) -> tuple[Response, int]:
    """Anything else under /api/ is a JSON 404 (not Dash's page shell)."""
    return jsonify({"error": "Unknown data endpoint."}), 404


def bad_request(message: str) -> tuple[Response, int]:
    """A 400 whose body is one sentence the page can show."""
    return jsonify({"error": message}), 400


def unknown_settings(keys: Iterable[str], known: Iterable[str], what: str) -> str:
    """The 400 sentence for a data URL with keys outside its page's vocabulary, or "".

    A page's link ignores unknown keys (and says so); a data URL is made by the page itself, so
    an unknown key means a hand-edited or stale URL and is refused rather than guessed at.
    """
    allowed = set(known)
    unknown = list(dict.fromkeys(key for key in keys if key not in allowed))
    if not unknown:
        return ""
    shown = ", ".join(repr(key[:30]) for key in unknown[:5])
    return f"A {what} URL takes only the page's settings; unknown: {shown}."


def settings_of_data_query(
    query: str,
    *,
    known: Iterable[str],
    what: str,
    parse: Callable[[str], tuple[Any, list[str], dict[str, str]]],
    refusal: str,
) -> tuple[Any | None, str]:
    """The settings of a data URL's query (its `v` dropped), or None and the sentence why not:
    too long, a key outside `known` (`unknown_settings`), or a value the page's `parse` (its
    `from_query`) has a sentence about, given as `refusal` + that first sentence."""
    from urllib.parse import parse_qsl, urlencode

    from settings.query import MAX_QUERY_LENGTH

    if len(query) > MAX_QUERY_LENGTH:
        return None, f"The settings in this address are too long to be a {what}."
    pairs = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k != "v"]
    problem = unknown_settings((k for k, _ in pairs), known, what)
    if problem:
        return None, problem
    settings, messages, _ = parse(urlencode(pairs))
    if messages:
        return None, f"{refusal} {messages[0]}"
    return settings, ""


def settings_get(
    endpoint: str,
    read: Callable[[str], tuple[Any | None, str]],
    answer: Callable[[Any], Response | tuple[Response, int]],
) -> Response | tuple[Response, int]:
    """One data GET: the remembered answer of this exact query (`remembered_response`), else
    `read` the query (a 400 with its sentence when refused) and `answer(settings)`."""
    remembered = remembered_response(endpoint)
    if remembered is not None:
        return remembered
    settings, problem = read(request.query_string.decode("utf-8", "replace"))
    return bad_request(problem) if settings is None else answer(settings)


def gzipped_response(compressed: bytes, mimetype: str, plain: bytes | None = None) -> Response:
    """A body compressed once: sent as is to a client that accepts gzip, else `plain` (or its
    decompression). `Vary: Accept-Encoding`, so shared caches keep the two apart."""
    accepts_gzip = "gzip" in request.headers.get("Accept-Encoding", "").lower()
    if accepts_gzip:
        body = compressed
    else:
        body = plain if plain is not None else gzip.decompress(compressed)
    response = Response(body, status=200, mimetype=mimetype)
    if accepts_gzip:
        response.headers["Content-Encoding"] = "gzip"
    response.headers["Vary"] = "Accept-Encoding"
    return response


def compressed_container(cache_key: str, build: Callable[[], bytes]) -> bytes:
    """The gzip-compressed container `build()` makes, computed once per shared cache."""
    return get_or_compute(
        container_cache_key(cache_key), lambda: gzip.compress(build(), GZIP_LEVEL, mtime=0)
    )


def container_cache_key(cache_key: str) -> str:
    """The shared-cache key of a data URL's compressed container (code version included)."""
    return f"bin:{data_version()}:{cache_key}"


def container_response(compressed: bytes) -> Response:
    """A stored container as the immutable answer of its versioned URL."""
    etag = hashlib.sha256(compressed).hexdigest()[:32]
    response = gzipped_response(compressed, "application/octet-stream")
    response.headers["ETag"] = f'"{etag}"'
    current = request.args.get("v") == data_version()
    response.headers["Cache-Control"] = IMMUTABLE if current else "no-cache"
    return response


def binary_response(cache_key: str, build: Callable[[], bytes]) -> Response:
    """The container `build()` makes for `cache_key`, compressed once and cached for everyone."""
    return container_response(compressed_container(cache_key, build))


def _query_key(endpoint: str) -> str:
    """The shared-cache key naming what this request's exact query string resolved to."""
    digest = hashlib.sha256(request.query_string).hexdigest()[:40]
    return f"query:{data_version()}:{endpoint}:{digest}"


def remembered_response(endpoint: str) -> Response | None:
    """The stored container a request with this exact query was answered with before, or None.

    A class asks for the same few URLs again and again; reading the settings out of a query
    (validation of every field) cost a lab run ~1 ms of its ~1.7 ms when the container was
    cached already. Only queries that were valid are remembered (`remember_query`), and the
    key holds the code version, so a deploy never reuses an old resolution.
    """
    cache_key = lookup(_query_key(endpoint), reported=False)
    if not isinstance(cache_key, str):
        return None
    compressed = lookup(container_cache_key(cache_key))
    return None if compressed is None else container_response(compressed)


def remember_query(endpoint: str, cache_key: str) -> None:
    """Note that this request's valid query resolves to the container under `cache_key`."""
    store(_query_key(endpoint), cache_key)
