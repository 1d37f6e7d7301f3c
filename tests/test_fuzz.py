"""Fuzz every server callback (read from /_dash-dependencies) and every URL key of every page.

A public class server meets any request: values of the wrong type, NaN, −0, huge numbers,
unknown names, nested junk. Whatever arrives, the server answers below 500 and no callback
raises (app.py's last-resort handler logs "callback failed": it must never be needed).
Each test also proves the fuzz reaches the code: a share of its requests must be answered
by the callback itself (200/204), not refused at Dash's door.
"""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from settings import optimizer_lab, playground

pytestmark = pytest.mark.slow

LAB_KEYS = sorted(optimizer_lab.known_keys())
PLAYGROUND_KEYS = sorted(playground.known_keys())
WORDS = sorted(
    {
        *playground.DATASETS,
        *playground.ACTIVATIONS,
        *playground.INIT_SCHEMES,
        *playground.OPTIMIZERS,
        *playground.SCHEDULES,
        *playground.TABS,
        "rosenbrock",
        "himmelblau",
        "bowl",
        "surface",
        "contour",
        "gd-2",
        "adam-7",
    }
)
TRICKY_TEXT = ["", " ", "-0", "-0.0", "nan", "NaN", "inf", "-inf", "1e309", "1e-320", "0x10",
               "1,2", "8,4,2", "0,0", "99999999999999999999", "-1", "0.5", "abc", "é", "\u2028",
               "\n", "%00", "{}", "[]", "null", "true", "2/3"]  # fmt: skip

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(TRICKY_TEXT + WORDS),
    st.text(max_size=20),
)
junk = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(LAB_KEYS + PLAYGROUND_KEYS) | st.text(max_size=6), inner, max_size=5
        )
    ),
    max_leaves=12,
)
field_text = st.one_of(st.sampled_from(TRICKY_TEXT + WORDS), st.text(max_size=12), scalars)


def _query(keys: list[str]) -> st.SearchStrategy[str]:
    pairs = st.lists(st.tuples(st.sampled_from(keys) | st.text(max_size=6), field_text), max_size=8)
    return pairs.map(lambda items: "&".join(f"{quote(str(k))}={quote(str(v))}" for k, v in items))


def _prop(text: str) -> dict[str, Any]:
    """'{"key":"w1","type":"lab-field"}.value' -> {"id": {...}, "property": "value"}."""
    ident, _, prop = text.rpartition(".")
    return {"id": json.loads(ident) if ident.startswith("{") else ident, "property": prop}


def _outputs(output: str) -> list[dict[str, Any]] | dict[str, Any]:
    if output.startswith(".."):
        return [_prop(part) for part in output.strip(".").split("...")]
    return _prop(output)


def _server_callbacks(client) -> list[dict[str, Any]]:
    client.get("/")  # Dash registers the pages' callbacks on its first request
    deps = client.get("/_dash-dependencies").get_json()
    return [d for d in deps if not d.get("clientside_function")]


def _value_strategy(spec: dict[str, Any]) -> st.SearchStrategy[Any]:
    ident, prop = spec["id"], spec["property"]
    if ident == "_pages_location" and prop == "search":
        return _query(LAB_KEYS + PLAYGROUND_KEYS).map(lambda q: "?" + q) | junk
    if ident == "_pages_location" and prop == "pathname":
        return st.sampled_from(["/", "/optimizers", "/playground", "/nope", "//", ""]) | junk
    if ident == "lab-controls":
        return st.dictionaries(st.sampled_from(LAB_KEYS), field_text, max_size=12) | junk
    if ident == "lab-row-op":
        return (
            st.fixed_dictionaries(
                {
                    "op": st.sampled_from(["copy", "remove", "add", "nope"]) | junk,
                    "row": st.sampled_from(["gd", "adam", "gd-2", "lookahead"]) | junk,
                    "n": st.integers(0, 10**6) | junk,
                }
            )
            | junk
        )
    return field_text | junk


def _body(callback: dict[str, Any], draw) -> dict[str, Any]:
    def entries(specs: list[dict[str, Any]]) -> list[dict[str, Any]]:
        out = []
        for spec in specs:
            ident = json.loads(spec["id"]) if spec["id"].startswith("{") else spec["id"]
            item = {"id": ident, "property": spec["property"]}
            out.append({**item, "value": draw(_value_strategy(item))})
        return out

    inputs = entries(callback["inputs"])
    changed = draw(st.sampled_from(inputs)) if inputs else None
    return {
        "output": callback["output"],
        "outputs": _outputs(callback["output"]),
        "inputs": inputs,
        "state": entries(callback["state"]),
        "changedPropIds": [
            f"{json.dumps(changed['id']) if isinstance(changed['id'], dict) else changed['id']}"
            f".{changed['property']}"
        ]
        if changed
        else [],
    }


class _Tally:
    def __init__(self) -> None:
        self.answered = self.total = 0


def _no_unhandled(caplog) -> None:
    failures = [
        r.getMessage()
        for r in caplog.records
        if "callback failed" in r.getMessage() or (r.exc_info and r.levelno >= logging.WARNING)
    ]
    assert not failures, failures[:3]


@pytest.fixture(scope="module")
def callbacks(dash_app):
    found = _server_callbacks(dash_app.server.test_client())
    assert len(found) >= 4, [c["output"] for c in found]
    return found


def test_every_server_callback_survives_fuzzed_inputs(client, callbacks, caplog):
    tally = _Tally()

    @settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(st.data())
    def fuzz(data):
        callback = data.draw(st.sampled_from(callbacks))
        body = _body(callback, data.draw)
        caplog.clear()
        with caplog.at_level(logging.WARNING):
            response = client.post("/_dash-update-component", json=body)
        assert response.status_code < 500, (response.status_code, body)
        _no_unhandled(caplog)
        tally.total += 1
        tally.answered += response.status_code in (200, 204)

    for _ in range(len(callbacks)):  # every callback gets its own run of examples
        fuzz()
    assert tally.answered >= tally.total / 2, (tally.answered, tally.total)


@pytest.mark.parametrize(
    ("path", "keys"),
    [
        ("/api/lab/run.bin", LAB_KEYS),
        ("/api/playground/run.bin", PLAYGROUND_KEYS),
        ("/api/playground/compare.bin", PLAYGROUND_KEYS),
    ],
)
def test_every_url_key_of_the_data_endpoints_survives_fuzz(client, caplog, path, keys):
    tally = _Tally()

    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(_query([k for k in keys if k not in ("epochs", "n")]))
    def fuzz(query):
        caplog.clear()
        with caplog.at_level(logging.WARNING):
            response = client.get(f"{path}?{query}")
        assert response.status_code < 500, (response.status_code, query)
        assert response.status_code in (200, 400), (response.status_code, query)
        _no_unhandled(caplog)
        tally.total += 1
        tally.answered += response.status_code == 200

    fuzz()
    assert tally.total and tally.answered, "no fuzzed query was ever served"


@pytest.mark.parametrize("page", ["/", "/optimizers", "/playground"])
def test_every_url_key_of_every_page_survives_fuzz(client, caplog, page):
    """The page's own URL (what a shared link carries) through the router callback."""
    callbacks = _server_callbacks(client)
    router = next(c for c in callbacks if "_pages_content" in c["output"])

    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(_query(LAB_KEYS + PLAYGROUND_KEYS))
    def fuzz(query):
        body = {
            "output": router["output"],
            "outputs": _outputs(router["output"]),
            "inputs": [
                {"id": "_pages_location", "property": "pathname", "value": page},
                {"id": "_pages_location", "property": "search", "value": "?" + query},
            ],
            "state": [],
            "changedPropIds": ["_pages_location.search"],
        }
        caplog.clear()
        with caplog.at_level(logging.WARNING):
            response = client.post("/_dash-update-component", json=body)
        assert response.status_code == 200, (response.status_code, query)
        _no_unhandled(caplog)

    fuzz()
