"""Drive the optimizer lab over HTTP exactly as the browser does (tests, benchmarks): open the
page through Dash's router, call its callback, GET the data URLs its `lab-data` store names."""

from __future__ import annotations

import gzip
import json
from typing import Any

FIELD = "lab-field"
# The lab callback's fixed outputs, in the order pages/optimizer_lab.py declares them; the
# equations panel's parts follow (`lab_outputs`).
LAB_OUTPUTS = [
    {"id": "lab-data", "property": "data"},
    {"id": "lab-messages", "property": "children"},
    {"id": "lab-invalid", "property": "data"},
    {"id": "lab-formula", "property": "children"},
    {"id": "lab-note", "property": "children"},
    {"id": "lab-table", "property": "children"},
]


def lab_outputs() -> list[dict[str, Any]]:
    """Every output of the lab callback, as the browser lists them."""
    from pages.optimizer_lab import EQUATION_OUTPUTS  # the page declares them

    return LAB_OUTPUTS + [
        {"id": o.component_id, "property": o.component_property} for o in EQUATION_OUTPUTS
    ]


def lab_field_keys() -> list[str]:
    """Every control key on the page, in layout order (as the browser lists them)."""
    from settings.optimizer_lab import LabSettings
    from views.lab_panels import control_values

    keys = ["landscape", "view", "w1", "w2", "steps", "noise", "seed"]
    for key in control_values(LabSettings.default()):
        if key not in keys and key.count(".") in (1, 2):
            keys.append(key)
    return keys


def default_field_values() -> dict[str, Any]:
    """What the controls hold on a freshly opened page."""
    from settings.optimizer_lab import LabSettings
    from views.lab_panels import control_values

    values: dict[str, Any] = dict(control_values(LabSettings.default()))
    values["view"] = []
    for key in list(values):
        if key.endswith(".on"):
            values[key] = ["on"] if values[key] == "1" else []
    return values


def _field(key: str) -> dict[str, str]:
    return {"key": key, "type": FIELD}


def _find(node: Any, component_id: str) -> dict[str, Any] | None:
    """The props of component `component_id` in a Dash layout tree."""
    if isinstance(node, list):
        for child in node:
            found = _find(child, component_id)
            if found is not None:
                return found
        return None
    if not isinstance(node, dict):
        return None
    props = node.get("props", {})
    if props.get("id") == component_id:
        return props
    return _find(props.get("children"), component_id)


def open_lab(client: Any, search: str = "") -> dict[str, Any]:
    """The lab page's layout as the router sends it for `/optimizers{search}`; returns the
    props of its components by id for the ones tests read (lab-data, lab-messages, …)."""
    from dash_http import find_callback, post_callback

    router = find_callback(client, "_pages_content.children")
    response = post_callback(
        client,
        router,
        {"_pages_location.pathname": "/optimizers", "_pages_location.search": search},
        ["_pages_location.pathname", "_pages_location.search"],
    )
    assert response.status_code == 200, response.data[:300]
    content = response.get_json()["response"]["_pages_content"]["children"]
    return {
        ident: _find(content, ident)
        for ident in (
            "lab-data",
            "lab-messages",
            "lab-equations",
            "lab-formula",
            "lab-note",
            "lab-table",
        )
    }


def lab_request_body(
    values: dict[str, Any],
    data: dict[str, Any] | None,
    changed_key: str | None,
    invalid: list[str] | None = None,
) -> dict[str, Any]:
    """The lab callback's request: the `lab-controls` store as assets/core/fields.js fills it
    (every control's value, the changed key); as state the `lab-data` store and the keys the
    page outlines as rejected (`lab-invalid`, [] on a clean page)."""
    outputs = lab_outputs()
    fields = lab_field_keys()
    output_text = ".." + "...".join(_output_string(o) for o in outputs) + ".."
    controls = {
        # The default page's fields, then any others given (a copy's: "gd-2.lr").
        "values": {k: values.get(k) for k in fields}
        | {k: values[k] for k in values.keys() - fields},
        "changed": [changed_key] if changed_key else [],
    }
    return {
        "output": output_text,
        "outputs": outputs,
        "inputs": [
            {"id": "lab-controls", "property": "data", "value": controls},
            {"id": "lab-row-op", "property": "data", "value": None},
        ],
        "state": [
            {"id": "lab-data", "property": "data", "value": data},
            {"id": "lab-invalid", "property": "data", "value": [] if invalid is None else invalid},
        ],
        "changedPropIds": ["lab-controls.data"],
    }


def row_op_body(
    op: dict[str, Any], data: dict[str, Any] | None, invalid: list[str] | None = None
) -> dict[str, Any]:
    """The lab callback's request when a row button (assets/lab/rows.js) writes `lab-row-op`."""
    body = lab_request_body({}, data, None, invalid)
    body["inputs"][0]["value"] = None
    body["inputs"][1]["value"] = op
    body["changedPropIds"] = ["lab-row-op.data"]
    return body


def _output_string(output: Any) -> str:
    ident = output["id"]
    if isinstance(ident, dict):
        ident = json.dumps(ident, separators=(",", ":"), sort_keys=True)
    return f"{ident}.{output['property']}"


def post(client: Any, body: dict[str, Any]) -> Any:
    return client.post(
        "/_dash-update-component", data=json.dumps(body), content_type="application/json"
    )


def get_data(client: Any, url: str) -> tuple[Any, dict[str, Any], dict[str, Any]]:
    """GET a data URL as the browser does (gzip accepted): (response, meta, arrays)."""
    from components.encoding import unpack

    response = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200, (url, response.data[:300])
    body = response.data
    if response.headers.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    meta, arrays = unpack(body)
    return response, meta, arrays
