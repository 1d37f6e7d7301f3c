"""Build the optimizer lab's callback request exactly as the browser sends it (tests, benchmarks)."""

from __future__ import annotations

import json
from typing import Any

FIELD = "lab-field"


def lab_field_keys() -> list[str]:
    """Every control key on the page, in layout order (as the browser lists them)."""
    from pages.optimizer_lab import control_values
    from settings.optimizer_lab import LabSettings

    keys = ["landscape", "view", "w1", "w2", "steps", "noise", "seed"]
    for key in control_values(LabSettings.default()):
        if key not in keys and key.count(".") in (1, 2):
            keys.append(key)
    return keys


def default_field_values() -> dict[str, Any]:
    """What the controls hold on a freshly opened page."""
    from pages.optimizer_lab import control_values
    from settings.optimizer_lab import LabSettings

    values: dict[str, Any] = dict(control_values(LabSettings.default()))
    values["view"] = []
    for key in list(values):
        if key.endswith(".on"):
            values[key] = ["on"] if values[key] == "1" else []
    return values


def _field(key: str) -> dict[str, str]:
    return {"key": key, "type": FIELD}


def lab_request_body(
    values: dict[str, Any],
    settings_flat: dict[str, str] | None,
    changed_key: str | None,
) -> dict[str, Any]:
    keys = lab_field_keys()
    outputs = [
        {"id": "lab-contour", "property": "figure"},
        {"id": "lab-landscape", "property": "figure"},
        {"id": "lab-loss", "property": "figure"},
        {"id": "lab-schedule", "property": "figure"},
        {"id": "lab-run", "property": "data"},
        {"id": "lab-settings", "property": "data"},
        {"id": "lab-query", "property": "data"},
        {"id": "lab-messages", "property": "children"},
        {"id": "lab-invalid", "property": "data"},
        {"id": _field("w1"), "property": "value"},
        {"id": _field("w2"), "property": "value"},
        {"id": "lab-equations", "property": "children"},
        {"id": "lab-results", "property": "children"},
        {"id": "lab-formula", "property": "children"},
        {"id": "lab-note", "property": "children"},
    ]
    output_text = ".." + "...".join(_output_string(o) for o in outputs) + ".."
    changed = []
    if changed_key:
        changed = [json.dumps(_field(changed_key), separators=(",", ":")) + ".value"]
    return {
        "output": output_text,
        "outputs": outputs,
        "inputs": [
            [{"id": _field(k), "property": "value", "value": values.get(k)} for k in keys],
        ],
        "state": [{"id": "lab-settings", "property": "data", "value": settings_flat}],
        "changedPropIds": changed,
    }


def _output_string(output: Any) -> str:
    ident = output["id"]
    if isinstance(ident, dict):
        ident = json.dumps(ident, separators=(",", ":"), sort_keys=True)
    return f"{ident}.{output['property']}"


def post(client: Any, body: dict[str, Any]) -> Any:
    return client.post(
        "/_dash-update-component", data=json.dumps(body), content_type="application/json"
    )


def move_start_body(
    client: Any, click: dict | None = None, relayout: dict | None = None
) -> dict[str, Any]:
    """The click/drag callback that writes a new start into the w₁, w₂ boxes."""
    specs = client.get("/_dash-dependencies").get_json()
    (spec,) = [d for d in specs if any(i["id"] == "lab-click" for i in d["inputs"])]
    changed = "lab-click.data" if click is not None else "lab-landscape.relayoutData"
    return {
        "output": spec["output"],
        "outputs": [
            {"id": _field("w1"), "property": "value"},
            {"id": _field("w2"), "property": "value"},
        ],
        "inputs": [
            {"id": "lab-click", "property": "data", "value": click},
            {"id": "lab-landscape", "property": "relayoutData", "value": relayout},
        ],
        "state": [],
        "changedPropIds": [changed],
    }
