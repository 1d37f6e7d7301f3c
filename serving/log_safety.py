"""Log lines a client cannot forge or inflate.

Anything a client sends (a path, an output id, an exception message that quotes them) reaches
the log through `clip`: one line, control characters escaped (a `\\n` in a pathname cannot start
a fake log line), at most `FIELD_CHARS` characters (a 3 MB `output` string writes 200). The
`OneLineFilter` on the process's handlers bounds every record as a last line of defence.
"""

from __future__ import annotations

import logging
import re

FIELD_CHARS = 200
RECORD_CHARS = 2000
# C0 and C1 controls, DEL, and the Unicode line/paragraph separators some viewers break on.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def clip(value: object, limit: int = FIELD_CHARS) -> str:
    """`value` as one printable line of at most `limit` characters (plus a note of the rest)."""
    text = str(value)
    line = _UNPRINTABLE.sub(_escape, text[:limit])
    if len(text) <= limit and len(line) <= limit:
        return line
    return f"{line[:limit]}…({len(text)} chars in all)"


class OneLineFilter(logging.Filter):
    """Handler filter: the record's message becomes `clip(message, RECORD_CHARS)`.

    A traceback (`exc_info`) is left alone: it comes from the server's own code, and it is
    only logged for the server's own faults (client errors log one line, see app.py).
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clipped = clip(message, RECORD_CHARS)
        if clipped != message:
            record.msg, record.args = clipped, None
        return True


def install_log_filter(root: logging.Logger | None = None) -> None:
    """Put one `OneLineFilter` on every handler of `root` (the root logger by default)."""
    for handler in (root or logging.getLogger()).handlers:
        if not any(isinstance(f, OneLineFilter) for f in handler.filters):
            handler.addFilter(OneLineFilter())
