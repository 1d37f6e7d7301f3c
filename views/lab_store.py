"""The optimizer lab's store and input side: what `lab-data` holds for given settings, and the
settings a control change or a row button asks for (a click on the plane writes the start
boxes in the browser: assets/lab/plane_input.js).

Pure functions of plain values (no callbacks): pages/optimizer_lab.py wires them.

    {"query": <canonical settings query>, "landscape", "view", "steps", "start", "start_text",
     "rows": [{"id", "rule", "title", "color", "dash", "enabled", "schedule"}, ...],
     "fetch": [<landscape grid URL>, <run URL>]}
"""

from __future__ import annotations

import functools
from typing import Any

from components.palette import row_color, row_dash
from serving.api import data_url
from serving.api.lab import settings_query
from settings.fields import format_float
from settings.optimizer_lab import LabSettings, from_query


def lab_data(settings: LabSettings) -> dict[str, Any]:
    """The `lab-data` store: what to draw and the two URLs its numbers come from."""
    return {
        "query": settings.to_query(),
        "landscape": settings.landscape,
        "view": settings.view,
        "steps": settings.steps,
        "start": [settings.start[0], settings.start[1]],
        # What the w₁, w₂ boxes show (assets/lab/page.js writes them when they differ).
        "start_text": [format_float(v) for v in settings.start],
        "rows": [
            {
                "id": row.id,
                "rule": row.rule,
                "title": row.label,
                "color": row_color(row.rule, row.number),
                "dash": row_dash(row.number),
                "enabled": row.enabled,
                "schedule": row.schedule,
            }
            for row in settings.optimizers
        ],
        "fetch": [
            data_url(f"landscape/{settings.landscape}.bin"),
            data_url("lab/run.bin", settings_query(settings)),
        ],
    }


def previous_settings(data: Any) -> LabSettings:
    """The settings the page shows now, read back from its `lab-data` store's query."""
    query = data.get("query") if isinstance(data, dict) else None
    return _settings_of_query(query if isinstance(query, str) else "")


@functools.lru_cache(maxsize=512)
def _settings_of_query(query: str) -> LabSettings:
    """`from_query`'s settings, parsed once per distinct query (bounded: 512 of ~3 KB; every
    callback reads the page's current query back)."""
    settings, _, _ = from_query(query)
    return settings


def controls_of(store: Any) -> tuple[dict[str, Any], list[str]]:
    """The controls' values by key and the keys whose change fired the callback, from the
    `lab-controls` store (assets/core/fields.js). Anything malformed reads as nothing."""
    if not isinstance(store, dict):
        return {}, []
    values, changed = store.get("values"), store.get("changed")
    values = (
        {k: v for k, v in values.items() if isinstance(k, str)} if isinstance(values, dict) else {}
    )
    changed = [k for k in changed if isinstance(k, str)] if isinstance(changed, list) else []
    return values, changed


def raw_from_controls(by_key: dict[str, Any], previous: LabSettings) -> dict[str, Any]:
    """Control values keyed by the settings vocabulary (only the chosen schedule's parameters;
    only rows the table has: a control of a row just removed adds nothing back)."""
    raw: dict[str, Any] = {}
    previous_flat = previous.to_flat()
    rows = {o.id for o in previous.optimizers}
    for key, value in by_key.items():
        if key == "rows" or ("." in key and key.partition(".")[0] not in rows):
            continue  # rows change through the row buttons only
        if key == "view":
            raw[key] = "surface" if isinstance(value, list) and "surface" in value else "contour"
        elif key.endswith(".on"):
            raw[key] = "1" if isinstance(value, list) and "on" in value else "0"
        elif key.count(".") == 2:
            optimizer_id, schedule_id, name = key.split(".")
            chosen = by_key.get(
                f"{optimizer_id}.schedule", previous_flat.get(f"{optimizer_id}.schedule")
            )
            if schedule_id == chosen:
                raw[f"{optimizer_id}.{name}"] = value
        else:
            raw[key] = value
    return raw


def apply_row_op(settings: LabSettings, op: Any) -> tuple[LabSettings, str | None]:
    """`settings` after a row button's request (duplicate / remove / add); a message when the
    request cannot be done. Anything malformed changes nothing."""
    if not isinstance(op, dict):
        return settings, None
    kind, row, rule = op.get("op"), op.get("row"), op.get("rule")
    if kind == "duplicate" and isinstance(row, str):
        return settings.with_copy_of(row)
    if kind == "remove" and isinstance(row, str):
        return settings.without_row(row), None
    if kind == "add" and isinstance(rule, str):
        return settings.with_row_of(rule)
    return settings, None
