"""Session codes (what students type), the instructor's secret and voter tokens.

A code is 5 letters from an alphabet without look-alikes (no 0/O, 1/I/L, 2/Z, 5/S, 6/G, 8/B),
easy to read off a projector: 18^5 ≈ 1.9 million codes. The instructor's token is a 192-bit
secret; only its SHA-256 is stored, so reading the cache never lets anyone publish.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

ALPHABET = "ACDEFHJKMNPQRTUVWXY"
CODE_LENGTH = 5
_CODE = re.compile(f"^[{ALPHABET}]{{{CODE_LENGTH}}}$")
# A voter's token: made by the browser (crypto.randomUUID or random hex), kept in localStorage.
_VOTER = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def new_code() -> str:
    """A random session code."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normal_code(raw: str) -> str | None:
    """The code a student typed, upper-cased and trimmed, or None if it cannot be a code."""
    code = (raw or "").strip().upper()[: CODE_LENGTH + 1]
    return code if _CODE.match(code) else None


def new_token() -> str:
    """The instructor's secret (kept in that tab's sessionStorage)."""
    return secrets.token_urlsafe(24)


def token_hash(token: str) -> str:
    """What the session record keeps of the instructor's token."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def token_matches(token: str | None, stored_hash: str) -> bool:
    """Constant-time check of a presented token against the stored hash."""
    if not token or len(token) > 100:
        return False
    return hmac.compare_digest(token_hash(token), stored_hash)


def voter_key(token: str) -> str | None:
    """An anonymous voter's key (a hash of the browser's random token), or None if malformed."""
    if not isinstance(token, str) or not _VOTER.match(token):
        return None
    return hashlib.sha256(token.encode()).hexdigest()[:24]
