"""The never-raising entry points a small page's settings module shares (the skier, the SGD
page, the range test): each module writes its own `parse(raw, previous)` over its `Field`
table, and these turn it into `from_controls`, `from_query` and `from_layout_kwargs`."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, NamedTuple

from settings.network_view import query_of_layout_kwargs
from settings.query import UNREADABLE, split_query

CONTROL_UNREADABLE = "That change could not be read; nothing was changed."


class TableResult(NamedTuple):
    settings: Any
    messages: list[str]
    invalid: dict[str, str]  # key → its sentence (the page shows it beside that box)


Parse = Callable[[Mapping[str, Any], Any], TableResult]


def guarded_controls(
    parse: Parse, raw: Mapping[str, Any], previous: Any, default: Any
) -> TableResult:
    """`parse(raw, previous or default)`; a failure keeps `previous` and says so."""
    try:
        return parse(raw, previous)
    except Exception:  # last line of defence: a control can never break the page
        return TableResult(previous or default, [CONTROL_UNREADABLE], {})


def guarded_query(
    query: Any, keys: Iterable[str], parse: Parse, default: Any
) -> tuple[Any, list[str], dict[str, str]]:
    """(settings, messages, passthrough) of a URL query read with `split_query` and `parse`."""
    try:
        raw, passthrough, messages = split_query(query, set(keys))
        if raw is None:
            return default, messages, {}
        result = parse(raw, None)
        return result.settings, messages + result.messages, passthrough
    except Exception:  # last line of defence: a link can never break the page
        return default, [UNREADABLE], {}


def guarded_layout_kwargs(
    query: Mapping[str, Any], from_query: Callable[[str], tuple[Any, list[str], dict]], default: Any
) -> tuple[Any, list[str], dict[str, str]]:
    """Settings from the query parameters Dash passes to `layout(**query)`."""
    try:
        return from_query(query_of_layout_kwargs(query))
    except Exception:
        return default, [UNREADABLE], {}
