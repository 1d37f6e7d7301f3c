"""Request bodies of the session API -> checked, bounded values, or the sentence a 400 says.

Each reader returns `(value, "")` or `(None, sentence)`; nothing here touches the cache.
What a follower may be sent is whitelisted field by field, so a session record stays small
(`MAX_SEARCH` characters of query, a handful of numbers) whatever a client posts.
"""

from __future__ import annotations

import math
import re
from typing import Any

MAX_SEARCH = 4000  # characters of the page's canonical query (a lab link is ~1-2 KB)
MAX_PROMPT = 160
MAX_OPTIONS = 8
MAX_OPTION = 40
MAX_FRAMES = 1_000_000
MAX_COORD = 1e6
_PATH = re.compile(r"^/[A-Za-z0-9_/-]{0,100}$")
_SEARCH = re.compile(r"^[!$-~]*$")  # printable ASCII without space, '"' and '#'
_NAME = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
_QID = re.compile(r"^[0-9a-f]{8}$")

Checked = tuple[Any, str]


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _text(value: Any, limit: int) -> str | None:
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    return text if 0 < len(text) <= limit else None


def player(raw: Any) -> Checked:
    """{name, frame, frames, playing, speed} of the instructor's player, or None for none."""
    if raw is None:
        return None, ""
    if not isinstance(raw, dict):
        return None, "The player state must be an object."
    name = raw.get("name")
    frames = _number(raw.get("frames"))
    frame = _number(raw.get("frame"))
    speed = _number(raw.get("speed"))
    if not isinstance(name, str) or not _NAME.match(name):
        return None, "The player's name must be 1-40 letters, digits, '-' or '_'."
    if frames is None or not 1 <= frames <= MAX_FRAMES or frames != int(frames):
        return None, f"The player's frame count must be a whole number from 1 to {MAX_FRAMES}."
    if frame is None or not 0 <= frame < frames:
        return None, "The player's frame must be a number from 0 to its frame count − 1."
    if speed is None or not 0 < speed <= 1000:
        return None, "The player's speed must be a number above 0 and at most 1000."
    if not isinstance(raw.get("playing"), bool):
        return None, "The player's 'playing' must be true or false."
    return {
        "name": name,
        "frame": int(frame),
        "frames": int(frames),
        "playing": raw["playing"],
        "speed": speed,
    }, ""


def view(raw: Any) -> Checked:
    """The instructor's view: {path, search, player}, bounded."""
    if not isinstance(raw, dict):
        return None, "Send a JSON object with the page's path, search and player state."
    path = raw.get("path")
    if not isinstance(path, str) or not _PATH.match(path):
        return None, "The path must be a page of this app, like /optimizers."
    search = raw.get("search", "")
    if not isinstance(search, str):
        return None, "The search must be the page's query string."
    search = search[1:] if search.startswith("?") else search
    if len(search) > MAX_SEARCH or not _SEARCH.match(search):
        return None, f"The query must be at most {MAX_SEARCH} URL-encoded characters."
    state, problem = player(raw.get("player"))
    if problem:
        return None, problem
    return {"path": path, "search": search, "player": state}, ""


def question(raw: Any) -> Checked:
    """A question: {kind: "choice", prompt, options} or {kind: "point", prompt, domain}."""
    if not isinstance(raw, dict):
        return None, "Send a JSON object describing the question."
    prompt = _text(raw.get("prompt"), MAX_PROMPT)
    if prompt is None:
        return None, f"The question needs a prompt of 1-{MAX_PROMPT} characters."
    kind = raw.get("kind")
    if kind == "choice":
        options = raw.get("options")
        if not isinstance(options, list) or not 2 <= len(options) <= MAX_OPTIONS:
            return None, f"A multiple-choice question needs 2-{MAX_OPTIONS} options."
        texts = [_text(option, MAX_OPTION) for option in options]
        if any(text is None for text in texts):
            return None, f"Each option must be text of 1-{MAX_OPTION} characters."
        return {"kind": kind, "prompt": prompt, "options": texts}, ""
    if kind == "point":
        domain = raw.get("domain")
        ok = isinstance(domain, list) and len(domain) == 2
        ranges = [pair if isinstance(pair, list) else [] for pair in domain] if ok else []
        bounds = [[_number(v) for v in pair] for pair in ranges if len(pair) == 2]
        if len(bounds) != 2 or any(
            lo is None or hi is None or not -MAX_COORD <= lo < hi <= MAX_COORD for lo, hi in bounds
        ):
            return None, "A point question needs its plane: [[x_min, x_max], [y_min, y_max]]."
        return {"kind": kind, "prompt": prompt, "domain": bounds}, ""
    return None, "A question's kind is 'choice' or 'point'."


def vote(raw: Any, asked: dict[str, Any], bins: int) -> Checked:
    """The answer (an option index, or the bin index of a point) to the open question."""
    if not isinstance(raw, dict):
        return None, "Send a JSON object with the question id and your answer."
    if raw.get("qid") != asked["id"] or not _QID.match(str(raw.get("qid"))):
        return None, "That question is no longer open."
    if asked["kind"] == "choice":
        choice = raw.get("choice")
        if isinstance(choice, bool) or not isinstance(choice, int):
            return None, "Choose one of the options (its number, from 0)."
        if not 0 <= choice < len(asked["options"]):
            return None, "There is no such option."
        return choice, ""
    point = raw.get("point")
    xy = [_number(v) for v in point] if isinstance(point, list) and len(point) == 2 else None
    if xy is None or None in xy:
        return None, "A prediction is a point [w1, w2] on the plane."
    (x0, x1), (y0, y1) = asked["domain"]
    x, y = xy
    if not (x0 <= x <= x1 and y0 <= y <= y1):
        return None, "That point is outside the landscape."
    ix = min(bins - 1, int((x - x0) / (x1 - x0) * bins))
    iy = min(bins - 1, int((y - y0) / (y1 - y0) * bins))
    return iy * bins + ix, ""
