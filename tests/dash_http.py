"""Drive Dash callbacks over HTTP exactly as the browser does (POST /_dash-update-component)."""

from __future__ import annotations

import json
from typing import Any


def callback_specs(client) -> list[dict[str, Any]]:
    response = client.get("/_dash-dependencies")
    assert response.status_code == 200
    return response.get_json()


def find_callback(client, output_contains: str) -> dict[str, Any]:
    """The callback whose output string contains `output_contains` (e.g. 'lab-result.data')."""
    matches = [spec for spec in callback_specs(client) if output_contains in spec["output"]]
    assert len(matches) == 1, f"{len(matches)} callbacks output {output_contains!r}"
    return matches[0]


def post_callback(
    client,
    spec: dict[str, Any],
    values: dict[str, Any],
    changed: list[str] | None = None,
):
    """POST one callback call. `values` maps 'id.prop' to the value for inputs and states."""

    def fill(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            {
                "id": item["id"],
                "property": item["property"],
                "value": values.get(f"{item['id']}.{item['property']}"),
            }
            for item in items
        ]

    outputs = _parse_outputs(spec["output"])
    body = {
        "output": spec["output"],
        "outputs": outputs if len(outputs) > 1 or spec["output"].startswith("..") else outputs[0],
        "inputs": fill(spec["inputs"]),
        "state": fill(spec.get("state", [])),
        "changedPropIds": changed or [],
    }
    return client.post(
        "/_dash-update-component", data=json.dumps(body), content_type="application/json"
    )


def _parse_outputs(output: str) -> list[dict[str, str]]:
    parts = output.strip(".").split("...") if output.startswith("..") else [output]
    parsed = []
    for part in parts:
        component_id, _, prop = part.rpartition(".")
        parsed.append({"id": component_id, "property": prop})
    return parsed
