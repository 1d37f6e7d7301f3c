"""What every page about the playground's own network shares: its URL is the playground's.

A page that looks inside the playground's network (its loss landscape, its learning-rate range
test) names the network with the playground's own keys (data=…, hidden=…, lr=…, seed=…;
`settings.playground`, without its view keys) and adds a few keys of its own table. These
helpers split such a query into the two and read the network; each page keeps its own
`Field` table for its own keys.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple
from urllib.parse import urlencode

from settings import playground as network_settings
from settings.playground import VIEW_KEYS, PlaygroundSettings
from settings.query import split_query


def network_keys() -> set[str]:
    """The playground keys that name a network (its view keys left out)."""
    return network_settings.known_keys() - set(VIEW_KEYS)


class SplitQuery(NamedTuple):
    network: PlaygroundSettings
    own: dict[str, str]  # the page's own keys, raw text
    passthrough: dict[str, str]  # classroom keys (hide, present)
    messages: list[str]  # the link's and the network's sentences


def split_network_query(query: Any, own_keys: Iterable[str]) -> SplitQuery:
    """The network and the page's own raw values of a URL query. A query that cannot be a
    link (not text, too long) gives the default network, no own values and the sentence why."""
    own_keys = set(own_keys)
    raw, passthrough, messages = split_query(query, network_keys() | own_keys)
    if raw is None:
        return SplitQuery(PlaygroundSettings(), {}, {}, messages)
    own = {k: v for k, v in raw.items() if k in own_keys}
    network = network_settings.parse_flat(
        {k: v for k, v in raw.items() if k not in own_keys}, PlaygroundSettings()
    )
    return SplitQuery(network.settings, own, passthrough, messages + network.messages)


def query_of_layout_kwargs(query: Mapping[str, Any]) -> str:
    """The query string of the parameters Dash passes to `layout(**query)` (lists repeat)."""
    pairs: list[tuple[str, str]] = []
    for key, value in query.items():
        for item in value if isinstance(value, list) else [value]:
            pairs.append((str(key), str(item)))
    return urlencode(pairs)
