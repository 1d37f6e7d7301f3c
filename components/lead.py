"""A page's lead sentence, said only about the controls the student can see: a classroom link
(`hide=`) that hides the landscape picker must not tell the student to pick a landscape."""

from __future__ import annotations

from collections.abc import Collection, Sequence

# What the lead says once a classroom link has hidden some of the controls it names.
PREPARED = "Your instructor chose the rest."
# ... and once it has hidden all of them.
PREPARED_ALL = "Your instructor prepared this view."


def spoken_list(words: Sequence[str], last: str = "and") -> str:
    """ "a", "a and b", "a, b and c" (with `last` as the final joiner)."""
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {last} {words[-1]}"


def visible(items: Sequence[tuple[str, str]], hidden: Collection[str]) -> list[str]:
    """The texts of (text, control group) items whose group is not hidden."""
    return [text for text, group in items if group not in hidden]


def sentence(text: str) -> str:
    """`text` with a capital first letter and a full stop ("" stays "")."""
    return f"{text[:1].upper()}{text[1:]}." if text else ""
