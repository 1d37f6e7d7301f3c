"""Refuse callback requests whose browser-location values no browser would send.

Dash's own pages router (`dash/_pages.py`) reads `_pages_location.pathname` and `.search` as
strings, and a pathname not under the app's prefix; a hand-made request with a number, a list
or a relative path there would raise inside Dash, where no page code can check it. Any
`dcc.Location` property a callback reads (pathname, search, hash, href) is a string or null in
every real browser request, and a pathname starts with the prefix ("/"), so anything else is
answered with 400 and one log line before Dash sees it.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, abort, request

LOCATION_PROPERTIES = frozenset({"pathname", "search", "hash", "href"})
LOCATION_IDS = frozenset({"_pages_location", "pg-url", "nl-url"})


def bad_location_value(body: Any, prefix: str = "/") -> str | None:
    """The first `<id>.<property>` of a location input that is not text or null (or a
    pathname outside `prefix`), else None."""
    if not isinstance(body, dict):
        return None
    for group in ("inputs", "state"):
        for item in body.get(group) or ():
            if not isinstance(item, dict):
                continue
            if item.get("id") in LOCATION_IDS and item.get("property") in LOCATION_PROPERTIES:
                value = item.get("value")
                outside = item["property"] == "pathname" and not str(value).startswith(prefix)
                if value is not None and (not isinstance(value, str) or outside):
                    return f"{item['id']}.{item['property']}"
    return None


def init_request_guard(server: Flask, update_path: str, prefix: str = "/") -> None:
    """Check every request to Dash's callback endpoint `update_path` before Dash parses it;
    `prefix` is the app's requests_pathname_prefix."""

    @server.before_request
    def _location_values_are_text() -> None:
        if request.method == "POST" and request.path == update_path:
            where = bad_location_value(request.get_json(silent=True), prefix)
            if where:
                abort(400, description=f"{where} must be text")
