"""A minimal Dash client: what the browser's renderer does, as plain data.

It keeps every component's props from the layout and the callback responses, builds the exact
POST /_dash-update-component bodies (pattern-matching ALL ids included), and lists what the
renderer fires next (initial callbacks of new components, chained callbacks, through the app's
own clientside helpers it emulates: ``CLIENTSIDE``), and which
immutable URLs a response asks the browser to GET (stores whose data has a `"fetch": [url, ...]`
list, the app's convention for heavy data). Used by the warm-up (to open the gallery presets
in-process), the load benchmark and the cluster test.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

try:  # Dash uses orjson when present; so does the client (cheaper)
    import orjson

    def _dumps(value: Any) -> bytes:
        return orjson.dumps(value)
except ImportError:  # pragma: no cover

    def _dumps(value: Any) -> bytes:
        return json.dumps(value, separators=(",", ":")).encode()


CALLBACK_PATH = "/_dash-update-component"
ROUTER_OUTPUT = "_pages_content.children"


# ==== a minimal Dash client: layout, dependencies, request bodies, responses ================
def id_key(component_id: Any) -> str:
    """Dash's string form of a component id (dict ids: sorted compact JSON)."""
    if isinstance(component_id, dict):
        return json.dumps(component_id, sort_keys=True, separators=(",", ":"))
    return str(component_id)


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    """Every component (dict with 'props') in a layout tree."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            if "props" in item and "type" in item:
                yield item
                for value in item["props"].values():
                    if isinstance(value, list | dict):
                        stack.append(value)
            else:
                stack.extend(v for v in item.values() if isinstance(v, list | dict))


def layout_components(tree: Any) -> list[dict[str, Any]]:
    """Every component of a layout tree, in order (what `DashState.add_layout` indexes; a
    caller that opens the same parsed layout many times computes this once and passes it)."""
    return list(_walk(tree))


@functools.lru_cache(maxsize=1024)
def _pattern(raw: str) -> dict[str, Any]:
    """A pattern-matching id's dict, parsed once per spelling (read only: never mutate it)."""
    return json.loads(raw)


def _matches(pattern: dict[str, Any], component_id: dict[str, Any]) -> bool:
    if set(pattern) != set(component_id):
        return False
    for key, wanted in pattern.items():
        if isinstance(wanted, list):  # ["ALL"], ["MATCH"], ["ALLSMALLER"]: wildcards
            continue
        if component_id[key] != wanted:
            return False
    return True


@dataclass
class DashState:
    """What one browser tab knows: every component's props, and the app's callbacks."""

    dependencies: list[dict[str, Any]]
    props: dict[str, dict[str, Any]] = field(default_factory=dict)
    ids: dict[str, Any] = field(default_factory=dict)  # key -> id (str or dict), layout order
    baseline: dict[str, Any] = field(default_factory=dict)  # control values as the page opened
    hrefs: list[str] = field(default_factory=list)  # every link on the page, in order
    groups: dict[str, str] = field(default_factory=dict)  # data-group -> label, page order
    types: dict[str, str] = field(default_factory=dict)  # key -> component type ("Store", ...)
    # pattern id spelling -> the (key, id) it matches; cleared whenever a component is added
    _matching: dict[str, list[tuple[str, Any]]] = field(default_factory=dict, repr=False)

    def add_layout(
        self, tree: Any, components: Sequence[dict[str, Any]] | None = None
    ) -> list[str]:
        """Index a layout tree's components (`components`: its `layout_components`, when the
        caller has them); returns their keys. Props are copied: the tree may be shared."""
        added = []
        for component in layout_components(tree) if components is None else components:
            href = component["props"].get("href")
            if isinstance(href, str):
                self.hrefs.append(href)
            group = component["props"].get("data-group")
            if isinstance(group, str) and group not in self.groups:
                self.groups[group] = str(component["props"].get("data-group-label") or group)
            component_id = component["props"].get("id")
            if component_id is None:
                continue
            key = id_key(component_id)
            self.props[key] = dict(component["props"])
            self.ids[key] = component_id
            self.types[key] = str(component.get("type", ""))
            added.append(key)
        if added:
            self._matching.clear()
        return added

    def set_prop(self, component_id: Any, prop: str, value: Any) -> None:
        """What a user's input does: set one prop (adding the component if it is new)."""
        key = id_key(component_id)
        self.props.setdefault(key, {})[prop] = value
        if key not in self.ids:
            self.ids[key] = component_id
            self._matching.clear()

    def _matching_ids(self, raw: str, pattern: dict[str, Any]) -> list[tuple[str, Any]]:
        """(key, id) of the dict ids pattern `raw` matches, in layout order (memoized)."""
        hit = self._matching.get(raw)
        if hit is None:
            hit = self._matching[raw] = [
                (key, cid)
                for key, cid in self.ids.items()
                if isinstance(cid, dict) and _matches(pattern, cid)
            ]
        return hit

    def _expand(self, item: dict[str, Any]) -> Any:
        raw = item["id"]
        prop = item["property"]
        if raw.startswith("{"):
            pattern = _pattern(raw)
            wildcards = [v for v in pattern.values() if isinstance(v, list)]
            if any(v in (["MATCH"], ["ALLSMALLER"]) for v in wildcards):
                raise NotImplementedError(f"MATCH/ALLSMALLER wildcards are not simulated: {raw}")
            if not wildcards:  # a concrete dict id: one item, like a string id
                key = id_key(pattern)
                return {"id": pattern, "property": prop, "value": self.props.get(key, {}).get(prop)}
            return [
                {"id": cid, "property": prop, "value": self.props[key].get(prop)}
                for key, cid in self._matching_ids(raw, pattern)
            ]
        return {"id": raw, "property": prop, "value": self.props.get(raw, {}).get(prop)}

    def field(self, key: str) -> Any:
        """The id of the control bound to settings key `key` (pattern id with that "key")."""
        for component_id in self.ids.values():
            if isinstance(component_id, dict) and component_id.get("key") == key:
                return component_id
        raise KeyError(f"no control for {key!r} on this page")

    def _present(self, item: dict[str, Any]) -> bool:
        raw = item["id"]
        if raw.startswith("{"):
            return bool(self._matching_ids(raw, _pattern(raw)))
        return raw in self.props

    def server_callbacks(self) -> list[dict[str, Any]]:
        return [d for d in self.dependencies if not d.get("clientside_function")]

    def server_inputs(self) -> list[tuple[Any, str]]:
        """(id, prop) of every server callback input present on the page, dict ids expanded
        (the things a user or the page's JS can change to make the server work)."""
        found: list[tuple[Any, str]] = []
        for spec in self.server_callbacks():
            for item in spec["inputs"]:
                expanded = self._expand(item)
                for entry in expanded if isinstance(expanded, list) else [expanded]:
                    if id_key(entry["id"]) not in self.props:
                        continue
                    pair = (entry["id"], item["property"])
                    if pair not in found:
                        found.append(pair)
        return found

    @staticmethod
    def _hits(spec: dict[str, Any], changed: list[tuple[Any, str]]) -> bool:
        """Whether one of `changed` (id, prop) is among `spec`'s inputs."""
        for item in spec["inputs"]:
            for component_id, prop in changed:
                if item["property"] != prop:
                    continue
                raw = item["id"]
                if raw.startswith("{"):
                    if isinstance(component_id, dict) and _matches(_pattern(raw), component_id):
                        return True
                elif raw == component_id:
                    return True
        return False

    def _run_clientside(self, changed: list[tuple[Any, str]]) -> list[tuple[Any, str]]:
        """Run the emulated clientside callbacks `changed` fires (``CLIENTSIDE``), writing their
        outputs into the props; returns the (id, prop) they set."""
        written: list[tuple[Any, str]] = []
        for spec in self.dependencies:
            function = spec.get("clientside_function") or {}
            emulate = CLIENTSIDE.get((function.get("namespace"), function.get("function_name")))
            if emulate is None or not self._hits(spec, changed):
                continue
            raw, _, prop = spec["output"].rpartition(".")
            self.set_prop(raw, prop, emulate(self, spec, changed))
            written.append((raw, prop))
        return written

    def triggered_by(self, changed: list[tuple[Any, str]]) -> list[dict[str, Any]]:
        """Server callbacks with one of `changed` (id, prop) among their inputs, directly or
        through an emulated clientside callback (whose output then holds its new value)."""
        changed = changed + self._run_clientside(changed)
        return [spec for spec in self.server_callbacks() if self._hits(spec, changed)]

    def initial_callbacks(self, new_keys: list[str]) -> list[dict[str, Any]]:
        """Callbacks the renderer fires when `new_keys` components appear (not prevented)."""
        new = set(new_keys)
        found = []
        for spec in self.server_callbacks():
            if spec.get("prevent_initial_call") or spec["output"].startswith(".." + ROUTER_OUTPUT):
                continue
            if not all(self._present(i) for i in spec["inputs"]):
                continue
            touches_new = False
            for item in spec["inputs"]:
                expanded = self._expand(item)
                keys = [
                    id_key(e["id"])
                    for e in (expanded if isinstance(expanded, list) else [expanded])
                ]
                if any(k in new for k in keys):
                    touches_new = True
            if touches_new:
                found.append(spec)
        return found

    def body(self, spec: dict[str, Any], changed: list[tuple[Any, str]]) -> bytes:
        output = spec["output"]
        if output.startswith(".."):
            parts = output.strip(".").split("...")
            outputs: Any = [self._expand_output(p) for p in parts]
        else:
            outputs = self._expand_output(output)
        return _dumps(
            {
                "output": output,
                "outputs": outputs,
                "inputs": [self._expand(i) for i in spec["inputs"]],
                "state": [self._expand(s) for s in spec.get("state", [])],
                "changedPropIds": [f"{id_key(cid)}.{prop}" for cid, prop in changed],
            }
        )

    def _expand_output(self, part: str) -> Any:
        raw, _, prop = part.rpartition(".")
        expanded = self._expand({"id": raw, "property": prop})
        if isinstance(expanded, list):
            return [{"id": e["id"], "property": prop} for e in expanded]
        return {"id": expanded["id"], "property": prop}

    def apply(self, payload: Mapping[str, Any]) -> list[str]:
        """Write a callback response (and its `set_props` side updates) into the props;
        returns keys of components it added."""
        added: list[str] = []
        updates = [
            *(payload.get("response") or {}).items(),
            *(payload.get("sideUpdate") or {}).items(),
        ]
        for key, props in updates:
            if not isinstance(props, dict):
                continue
            target = self.props.get(key)
            for prop, value in props.items():
                if isinstance(value, dict) and "__dash_patch_update" in value:
                    continue  # figure patches: the browser merges them; nothing we read
                if target is not None:
                    target[prop] = value
                if prop == "children" and isinstance(value, list | dict):
                    added += self.add_layout(value)
        return added

    def follow_ups(
        self, payload: Mapping[str, Any], added: list[str], source: dict[str, Any] | None = None
    ) -> list[tuple[dict[str, Any], list[tuple[Any, str]]]]:
        """What the renderer fires after a response: the initial callbacks of the components
        it added, then every other server callback with an input the response changed (a
        callback is never re-fired by its own outputs)."""
        calls = [(spec, []) for spec in self.initial_callbacks(added)] if added else []
        fired = [spec for spec, _ in calls]
        new = set(added)
        changed = [
            (self.ids[key], prop)
            for key, props in (payload.get("response") or {}).items()
            if key in self.ids and key not in new
            for prop in props
        ]
        if changed:
            for spec in self.triggered_by(changed):
                if spec not in fired and spec is not source:
                    names = {(i["id"], i["property"]) for i in spec["inputs"]}
                    mine = [(c, p) for c, p in changed if (id_key(c), p) in names] or changed
                    calls.append((spec, mine))
        return calls

    def fetch_urls(self, payload: Mapping[str, Any], added: Sequence[str] = ()) -> list[str]:
        """URLs the browser GETs after this response: the `fetch` lists of every store value
        it sets (response and side updates) and of stores it added with initial data; each
        URL once, in order. Relative URLs without a leading "/" are left as they are."""
        values: list[Any] = []
        for section in ("response", "sideUpdate"):
            for props in (payload.get(section) or {}).values():
                if isinstance(props, dict):
                    values.append(props.get("data"))
        values += [self.props.get(key, {}).get("data") for key in added]
        urls: list[str] = []
        for value in values:
            if isinstance(value, dict) and isinstance(value.get("fetch"), list):
                urls += [u for u in value["fetch"] if isinstance(u, str) and u]
        return list(dict.fromkeys(urls))


def collect_fields(
    state: DashState, spec: dict[str, Any], changed: list[tuple[Any, str]]
) -> dict[str, Any]:
    """assets/core/fields.js `collect`: every field's value by key, and the changed keys."""
    (item,) = spec["inputs"]
    entries = state._expand(item)
    pattern = json.loads(item["id"])
    return {
        "values": {entry["id"]["key"]: entry["value"] for entry in entries},
        "changed": [
            component_id["key"]
            for component_id, prop in changed
            if isinstance(component_id, dict)
            and prop == item["property"]
            and _matches(pattern, component_id)
        ],
    }


CLIENTSIDE: dict[tuple[str, str], Callable[..., Any]] = {
    ("lossvizFields", "collect"): collect_fields,
}
"""Clientside functions the simulated browser runs (namespace, name) -> emulation."""


def side_errors(payload: Mapping[str, Any]) -> list[str]:
    """Errors a callback reported through the app's on_error handler (global-error shown)."""
    side = payload.get("sideUpdate") or {}
    shown = side.get("global-error") or {}
    return [str(shown.get("children"))] if shown.get("hidden") is False else []
