"""`GET /api/lab/run.bin?<canonical lab settings query>&v=…`: one optimizer-lab run, as numbers.

The page's callback only validates the controls and names this URL; the browser fetches it and
draws. The query is the lab's own URL vocabulary (settings/optimizer_lab.py), so the URL alone
determines the run: any worker answers it, from the shared cache, and browsers keep it.

The LVZ1 container (components/encoding.py) holds, for each enabled row `<id>` of the table
(the row's key: its rule's id, or a copy's such as `gd-2`):

    <id>.path  f4 [n+1, 2]   θ_0 … θ_n (cut at divergence: n + 1 = diverged_at)
    <id>.gap   f4 [n+1]      J(θ_k) − J*, computed in float64 before the cast (the cost chart is
                             log-scale: J itself in float32 would lose gaps below ~1e-7·|J*|)
    <id>.lr    f4 [n]        η_k of each update (absent when constant: `lr_constant` in meta)
    <id>.curvature   f4 [n+1]  for gradient descent and momentum (``optimizers.stability``):
                             λmax of the Hessian at each θ_k
    <id>.stability   i1 [n+1]  each step's kind (converges, oscillates, diverges, flat: the
                             meta's `stability.kinds`) from η_k·λmax(θ_k) and the rule's limit
    <id>.slow_steps  i4 [m]  for a rule with points of its own apart from θ (Lookahead's slow
                             weights φ_j = θ_{jk}): the steps where θ is one (the page draws them
                             as a second, thinner path from `<id>.path`)

and JSON meta with the float64 numbers a student reads: final J and w, where it diverged, the
nearest listed minimum, and the results table's cells as the page prints them.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

import numpy as np
from flask import request

from components.encoding import pack
from optimizers import stability
from optimizers.config import OptimizerConfig
from optimizers.engine import Trajectory, trajectories
from serving.api import (
    api,
    bad_request,
    binary_response,
    remember_query,
    remembered_response,
    unknown_settings,
)
from settings.optimizer_lab import LabSettings, from_query, known_keys
from settings.query import PASSTHROUGH_KEYS

F4_MAX = float(np.finfo(np.float32).max)
VERSION_PARAMETER = "v"


def engine_configs(settings: LabSettings) -> list[OptimizerConfig]:
    """The enabled rows of the table as the engine's configs (table order)."""
    return [
        OptimizerConfig(
            optimizer=row.rule,
            enabled=True,
            lr=row.lr,
            schedule=row.schedule,
            schedule_params=row.schedule_values,
            hyperparams=row.hyperparam_values,
        )
        for row in settings.enabled
    ]


def lab_trajectories(settings: LabSettings) -> list[Trajectory]:
    """What the page draws for `settings`: the engine's run of its enabled rows."""
    return trajectories(
        settings.landscape,
        settings.start,
        engine_configs(settings),
        settings.steps,
        noise_sigma=settings.noise,
        seed=settings.seed,
    )


def nearest_minimum(landscape: Any, point: np.ndarray) -> str | None:
    """'global (3, 2)' when `point` is within 2 % of the domain's span of a listed minimum."""
    (x_min, x_max), (y_min, y_max) = landscape.domain
    tolerance = 0.02 * max(x_max - x_min, y_max - y_min)
    for minimum in landscape.minima:
        if np.hypot(point[0] - minimum.x, point[1] - minimum.y) <= tolerance:
            return f"{minimum.kind} ({minimum.x:.3g}, {minimum.y:.3g})"
    return None


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def outcome(diverged_at: int | None, reached: str | None) -> dict[str, str]:
    """The table's last cell: text and its kind ('bad', 'good' or 'muted')."""
    if diverged_at is not None:
        return {"text": f"diverged at step {diverged_at}", "kind": "bad"}
    if reached:
        return {"text": f"reached {reached}", "kind": "good"}
    return {"text": "still on its way", "kind": "muted"}


def run_container(settings: LabSettings) -> bytes:
    """The whole run of `settings`, packed (see the module docstring)."""
    from landscapes import get_landscape

    landscape = get_landscape(settings.landscape)
    results = lab_trajectories(settings)
    j_star = float(landscape.min_value)
    arrays: dict[str, np.ndarray] = {}
    runs = []
    rows = []
    curvatures = path_curvatures(settings.landscape, results)
    for index, (row_settings, result) in enumerate(zip(settings.enabled, results, strict=True)):
        key, title = row_settings.id, row_settings.label
        gap = np.maximum(np.asarray(result.loss, dtype=np.float64) - j_star, 0.0)
        arrays[f"{key}.path"] = np.clip(result.path, -F4_MAX, F4_MAX).astype("<f4")
        arrays[f"{key}.gap"] = np.minimum(gap, F4_MAX).astype("<f4")
        rates = np.asarray(result.lr, dtype=np.float64)
        constant = len(rates) > 0 and bool(np.all(rates == rates[0]))
        if not constant:
            arrays[f"{key}.lr"] = rates.astype("<f4")
        if result.slow_steps is not None:
            arrays[f"{key}.slow_steps"] = result.slow_steps.astype("<i4")
        row_stability = None
        if index in curvatures:
            row_stability = stability_arrays(row_settings, result, rates, curvatures[index], arrays)
        final_point = result.path[-1]
        final_loss = float(result.loss[-1])
        reached = nearest_minimum(landscape, final_point)
        runs.append(
            {
                "id": key,
                "title": title,
                "points": len(result.loss),
                "diverged_at": result.diverged_at,
                "final_loss": _finite(final_loss),
                "final_point": [_finite(float(v)) for v in final_point],
                "nearest_minimum": reached,
                "lr_constant": float(rates[0]) if constant else None,
                "stability": row_stability,
            }
        )
        rows.append(
            {
                "id": key,
                "cells": [
                    title,
                    f"{final_loss:.6g}",
                    f"({final_point[0]:.4g}, {final_point[1]:.4g})",
                ],
                "outcome": outcome(result.diverged_at, reached),
            }
        )
    meta = {
        "landscape": settings.landscape,
        "steps": settings.steps,
        "min_value": j_star,
        "start": [float(v) for v in settings.start],
        "runs": runs,
        "table": {
            "columns": ["optimizer", f"J after {settings.steps} steps", "final w", "outcome"],
            "rows": rows,
        },
    }
    return pack(meta, arrays)


def path_curvatures(landscape_id: str, results: list[Trajectory]) -> dict[int, np.ndarray]:
    """λmax along the path of every row with a stability limit, by row index, in one call of
    the program (the paths end to end)."""
    rows = [i for i, r in enumerate(results) if stability.has_limit(r.optimizer)]
    if not rows:
        return {}
    paths = [results[i].path for i in rows]
    together = stability.lambda_max(landscape_id, np.concatenate(paths))
    ends = np.cumsum([len(p) for p in paths])[:-1]
    return dict(zip(rows, np.split(together, ends), strict=True))


def stability_arrays(
    row: Any,
    result: Trajectory,
    rates: np.ndarray,
    curvature: np.ndarray,
    arrays: dict[str, np.ndarray],
) -> dict[str, Any]:
    """λmax along the row's path and each step's kind into `arrays`; what the page prints."""
    values = row.hyperparam_values
    # η of the update leaving each point (the last point: the last update's, or η₀).
    eta = np.append(rates, rates[-1] if len(rates) else row.lr)
    kinds = stability.verdicts(result.optimizer, eta * curvature, curvature, values)
    arrays[f"{row.id}.curvature"] = curvature.astype("<f4")
    arrays[f"{row.id}.stability"] = kinds
    start = stability.stability(result.optimizer, float(eta[0]), float(curvature[0]), values)
    return {
        "limit": start.limit,
        "kinds": list(stability.KINDS),
        "start": start.text(),
        "start_kind": start.kind,
    }


def settings_query(settings: LabSettings) -> str:
    """The canonical query of what a run depends on (the view and the colour map are drawing
    only: every choice of them shares one URL)."""
    return replace(settings, view="contour", map="default").to_query()


@api.get("/lab/run.bin")
def lab_run():  # type: ignore[no-untyped-def]
    remembered = remembered_response("lab-run")
    if remembered is not None:
        return remembered
    items = [(k, v) for k, v in request.args.items(multi=True) if k != VERSION_PARAMETER]
    problem = unknown_settings(
        (k for k, _ in items), known_keys() - set(PASSTHROUGH_KEYS), "lab run"
    )
    if problem:
        return bad_request(problem)
    settings, messages, _ = from_query(urlencode(items))
    if messages:
        return bad_request(" ".join(messages))

    remember_query("lab-run", settings.cache_key())
    try:
        return binary_response(settings.cache_key(), lambda: run_container(settings))
    except (KeyError, ValueError) as error:  # validated settings never get here; be explicit
        return bad_request(f"These settings cannot be run: {error}")
