"""A live session's records in the shared cache: create, read, publish, ask, vote, reveal, end.

One record per session, `live:<code>` = {sid, hash (of the instructor's token), v (bumped on
every change), state, question, reveal, body}; `body` is the JSON every follower's poll is
sent, made once per change (a poll is one cache read and, mostly, a 304). Votes are not in
the record (two students voting at once must not overwrite each other): each answer has its
own key, numbered by an atomic counter, and a voter's hashed token names the number it took,
so a student's second click replaces their first. `reveal` counts them once into the record.
Everything expires `SESSION_TTL` after the instructor's last change; at most `MAX_VOTERS`
answers per question.
"""

from __future__ import annotations

import json
import secrets
import time
from typing import Any

from serving.live import backend, codes, validate

SESSION_TTL = 3 * 3600  # seconds after the instructor's last change
ENDED_TTL = 600  # an ended session says so this long (followers stop polling), then is gone
MAX_VOTERS = 2000  # answers kept per question (a lecture hall, with room)
BINS = 24  # a point question's plane is counted on a BINS × BINS grid


class Refused(ValueError):
    """A request the session cannot take: `status` (403, 404, 409) and a sentence."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _key(code: str) -> str:
    return f"live:{code}"


def _now_ms() -> int:
    return int(time.time() * 1000)


def _public(code: str, record: dict[str, Any]) -> dict[str, Any]:
    question = record.get("question")
    shown = None
    if question is not None:
        shown = {
            k: question[k] for k in ("id", "kind", "prompt", "options", "domain") if k in question
        }
        shown["bins"] = BINS
    return {
        "code": code,
        "v": record["v"],
        "state": record.get("state"),
        "question": shown,
        "reveal": record.get("reveal"),
    }


def _save(code: str, record: dict[str, Any], *, new: bool = False) -> dict[str, Any]:
    record["body"] = json.dumps(_public(code, record), separators=(",", ":")).encode()
    if new:
        if not backend.add(_key(code), record, SESSION_TTL):
            raise Refused(409, "That code is taken.")
    else:
        backend.put(_key(code), record, SESSION_TTL)
    return record


def etag(record: dict[str, Any]) -> str:
    """The validator of a session's current state (changes with every publish)."""
    return f'"{record["sid"]}-{record["v"]}"'


def create() -> tuple[str, str]:
    """A new session: (code, the instructor's token)."""
    token = codes.new_token()
    for _ in range(8):
        code = codes.new_code()
        record = {
            "sid": secrets.token_hex(4),
            "hash": codes.token_hash(token),
            "v": 1,
            "created": _now_ms(),
            "state": None,
            "question": None,
            "reveal": None,
        }
        try:
            _save(code, record, new=True)
        except Refused:
            continue
        return code, token
    raise backend.Unavailable("No free session code was found; try again.")


def read(code: str, *, ended_too: bool = False) -> dict[str, Any]:
    """The session's record (404 Refused when there is none: never made, expired, or ended,
    unless `ended_too`: a follower's poll is told `{"ended": true}`, not an error)."""
    record = backend.get(_key(code))
    if not isinstance(record, dict) or (record.get("ended") and not ended_too):
        raise Refused(404, "No live session has this code; it may have ended.")
    return record


def _own(code: str, token: str | None) -> dict[str, Any]:
    record = read(code)
    if not codes.token_matches(token, record["hash"]):
        raise Refused(403, "Only the instructor who started this session can change it.")
    return record


def publish(code: str, token: str | None, view: dict[str, Any]) -> int:
    """The instructor's page, settings and player now; returns the new version."""
    record = _own(code, token)
    record["state"] = {**view, "at": _now_ms()}
    record["v"] += 1
    return _save(code, record)["v"]


def ask(code: str, token: str | None, question: dict[str, Any]) -> dict[str, Any]:
    """Open a question (replacing any open one and its reveal)."""
    record = _own(code, token)
    record["question"] = {**question, "id": secrets.token_hex(4)}
    record["reveal"] = None
    record["v"] += 1
    return _public(code, _save(code, record))["question"]


def close(code: str, token: str | None) -> None:
    """Take the question and its reveal off every screen."""
    record = _own(code, token)
    record["question"] = None
    record["reveal"] = None
    record["v"] += 1
    _save(code, record)


def _vote_key(code: str, record: dict[str, Any], suffix: str) -> str:
    return f"live:{code}:{record['sid']}:{record['question']['id']}:{suffix}"


def vote(code: str, voter: str, answer_of: Any) -> int:
    """Record one anonymous answer (`answer_of(question) -> (answer, problem)`); a voter's
    later answer replaces their earlier one. Returns how many have answered."""
    record = read(code)
    question = record.get("question")
    if question is None or record.get("reveal") is not None:
        raise Refused(409, "No question is open just now.")
    answer, problem = answer_of(question)
    if problem:
        raise Refused(409 if "no longer open" in problem else 400, problem)
    who = _vote_key(code, record, f"who:{voter}")
    slot = backend.get(who)
    if not isinstance(slot, int):
        count = backend.increment(_vote_key(code, record, "n"), SESSION_TTL)
        if count > MAX_VOTERS:
            raise Refused(409, f"This question has all the {MAX_VOTERS} answers it can take.")
        # The same browser twice at once: keep the number it took first.
        slot = count if backend.add(who, count, SESSION_TTL) else backend.get(who)
    backend.put(_vote_key(code, record, f"s:{slot}"), answer, SESSION_TTL)
    return min(int(backend.get(_vote_key(code, record, "n")) or 0), MAX_VOTERS)


def answered(code: str) -> dict[str, Any]:
    """How many have answered the open question (for the instructor's bar)."""
    record = read(code)
    if record.get("question") is None:
        return {"qid": None, "answered": 0}
    count = backend.get(_vote_key(code, record, "n"))
    return {"qid": record["question"]["id"], "answered": min(int(count or 0), MAX_VOTERS)}


def _counts(code: str, record: dict[str, Any]) -> tuple[list[int], int]:
    question = record["question"]
    size = len(question["options"]) if question["kind"] == "choice" else BINS * BINS
    n = min(int(backend.get(_vote_key(code, record, "n")) or 0), MAX_VOTERS)
    answers = backend.get_many([_vote_key(code, record, f"s:{i}") for i in range(1, n + 1)])
    counts = [0] * size
    for answer in answers:
        if isinstance(answer, int) and 0 <= answer < size:
            counts[answer] += 1
    return counts, sum(counts)


def reveal(code: str, token: str | None) -> dict[str, Any]:
    """Count the answers once and show them on every screen (the question closes)."""
    record = _own(code, token)
    question = record.get("question")
    if question is None:
        raise Refused(409, "Ask a question before revealing its answers.")
    counts, total = _counts(code, record)
    record["reveal"] = {"qid": question["id"], "counts": counts, "total": total, "bins": BINS}
    record["v"] += 1
    _save(code, record)
    return record["reveal"]


def end(code: str, token: str | None) -> None:
    """End the session: for `ENDED_TTL` s its polls say so; its votes expire on their own."""
    record = _own(code, token)
    ended = {"sid": record["sid"], "hash": record["hash"], "v": record["v"] + 1, "ended": True}
    ended["body"] = json.dumps({"code": code, "v": ended["v"], "ended": True}).encode()
    backend.put(_key(code), ended, ENDED_TTL)


def check_answer(raw: Any):  # type: ignore[no-untyped-def]
    """`answer_of` for `vote`: reads a vote body against the open question."""
    return lambda question: validate.vote(raw, question, BINS)
