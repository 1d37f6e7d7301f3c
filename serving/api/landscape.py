"""`GET /api/landscape/<id>.bin?v=…`: a landscape's grid and markers, for contour and 3-D views."""

from __future__ import annotations

from components.encoding import pack
from components.lab_payload import landscape_arrays, landscape_meta
from landscapes import LANDSCAPES, evaluate_grid, get_landscape
from serving.api import api, bad_request, binary_response

GRID_POINTS = 180  # 180² float32: 130 KB before gzip, fine enough for a 1400 px wide plot


@api.get("/landscape/<landscape_id>.bin")
def landscape_grid(landscape_id: str):  # type: ignore[no-untyped-def]
    if landscape_id not in LANDSCAPES:
        return bad_request("Unknown landscape.")

    def build() -> bytes:
        landscape = get_landscape(landscape_id)
        xs, ys, z = evaluate_grid(landscape_id, GRID_POINTS)
        return pack(landscape_meta(landscape, z), landscape_arrays(landscape, xs, ys, z))

    return binary_response(f"landscape:{landscape_id}:{GRID_POINTS}", build)
