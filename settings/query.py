"""Splitting a URL query string into known settings, classroom keys and readable complaints.

Both pages parse links the same way: the query is read defensively (any text, any length),
known keys are kept (a repeated key: the first one counts), the classroom keys (`hide`,
`present`) pass through untouched, and unknown keys are reported, never fatal.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl

# URL keys owned by the classroom tools (hidden controls, presentation mode), kept as they are.
PASSTHROUGH_KEYS = ("hide", "present")
# Longest query string considered; anything longer is treated as hostile and ignored.
MAX_QUERY_LENGTH = 8000
UNREADABLE = "The link's settings could not be read; showing defaults."
TOO_LONG = "The link is too long to be a settings link; showing defaults."


def split_query(
    query: Any, known: Iterable[str]
) -> tuple[dict[str, str] | None, dict[str, str], list[str]]:
    """(known key -> raw text, or None if the link is unusable; passthrough; messages)."""
    if query is None:
        query = ""
    if not isinstance(query, str):
        return None, {}, [UNREADABLE]
    if len(query) > MAX_QUERY_LENGTH:
        return None, {}, [TOO_LONG]
    known_keys = set(known)
    raw: dict[str, str] = {}
    passthrough: dict[str, str] = {}
    unknown: list[str] = []
    for key, value in parse_qsl(query.removeprefix("?"), keep_blank_values=True):
        if key in PASSTHROUGH_KEYS:
            passthrough.setdefault(key, value)
        elif key in known_keys:
            raw.setdefault(key, value)
        else:
            unknown.append(key)
    messages = []
    if unknown:
        shown = ", ".join(repr(k[:30]) for k in unknown[:5])
        messages.append(
            f"The link has settings this page does not know ({shown}); they were ignored."
        )
    return raw, passthrough, messages
