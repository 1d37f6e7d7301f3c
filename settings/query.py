"""Splitting a URL query string into known settings, classroom keys and readable complaints.

Every page parses links the same way: the query is read defensively (any text, any length),
known keys are kept (a repeated key: the first one counts), the keys the browser owns pass
through (the classroom's `hide` and `present`; the playback position `frame` and `speed`,
which assets/core/playback_link.js reads and writes), and unknown keys are reported, never
fatal. A playback key that is not a number is dropped with a message.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl

# URL keys owned by the browser, kept as they are: the classroom tools' (hidden controls,
# presentation mode) and the player's (the frame shown, the playback speed).
PASSTHROUGH_KEYS = ("hide", "present", "frame", "speed")
# What a playback key must look like to be kept, and the sentence when it does not.
PLAYBACK_FORMATS = {
    "frame": (
        re.compile(r"[0-9]{1,7}"),
        "The link's playback position {value!r} is not a frame number; starting at the beginning.",
    ),
    "speed": (
        re.compile(r"(?:[0-9]{1,3})(?:\.[0-9]{1,4})?"),
        "The link's playback speed {value!r} is not a positive number; playing at the usual speed.",
    ),
}
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
    complaints: list[str] = []
    for key, value in parse_qsl(query.removeprefix("?"), keep_blank_values=True):
        if key in PASSTHROUGH_KEYS:
            if key in PLAYBACK_FORMATS and key not in passthrough:
                usable = _playback_value(key, value)
                if value and not usable:
                    complaints.append(PLAYBACK_FORMATS[key][1].format(value=value[:20]))
                passthrough[key] = value if usable else ""  # the first one counts
            else:
                passthrough.setdefault(key, value)
        elif key in known_keys:
            raw.setdefault(key, value)
        else:
            unknown.append(key)
    passthrough = {k: v for k, v in passthrough.items() if v or k not in PLAYBACK_FORMATS}
    messages = []
    if unknown:
        shown = ", ".join(repr(k[:30]) for k in unknown[:5])
        messages.append(
            f"The link has settings this page does not know ({shown}); they were ignored."
        )
    return raw, passthrough, messages + complaints


def _playback_value(key: str, value: str) -> bool:
    """Whether `value` is a usable `frame` (a whole number) or `speed` (a positive number)."""
    if not PLAYBACK_FORMATS[key][0].fullmatch(value):
        return False
    return key != "speed" or float(value) > 0


# A group name in `hide=` (assets/classroom.js reads it the same way).
GROUP_NAME = re.compile(r"[A-Za-z0-9_-]{1,40}")


def hidden_groups(passthrough: dict[str, str]) -> frozenset[str]:
    """The control groups a classroom link hides (`hide=a,b`): what the page's lead may not
    ask the student to use."""
    names = (n.strip() for n in passthrough.get("hide", "").split(","))
    return frozenset(n for n in names if GROUP_NAME.fullmatch(n))
