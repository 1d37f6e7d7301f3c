"""The /api/ data endpoints: versioned immutable GETs, gzip once, 400 with a sentence."""

from __future__ import annotations

import gzip

import numpy as np
import pytest

from components.encoding import unpack
from landscapes import LANDSCAPES, evaluate_grid, get_landscape
from serving.api import VERSION_KEY


@pytest.fixture()
def version(dash_app) -> str:
    return dash_app.server.config[VERSION_KEY]


def test_versioned_landscape_is_immutable_and_gzipped(client, version):
    response = client.get(
        f"/api/landscape/rosenbrock.bin?v={version}", headers={"Accept-Encoding": "gzip"}
    )
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.headers["Vary"] == "Accept-Encoding"
    meta, arrays = unpack(gzip.decompress(response.data))
    landscape = get_landscape("rosenbrock")
    assert meta["id"] == "rosenbrock" and meta["latex"] == landscape.latex
    assert meta["domain"] == [list(landscape.domain[0]), list(landscape.domain[1])]
    xs, ys, z = evaluate_grid("rosenbrock", 180)
    np.testing.assert_array_equal(arrays["xs"], xs.astype(np.float32))
    np.testing.assert_array_equal(arrays["ys"], ys.astype(np.float32))
    # J recovered from the colour level, as the browser's read-out does.
    recovered = 10.0 ** arrays["level"].astype(np.float64) - meta["log_offset"] + meta["min_value"]
    np.testing.assert_allclose(recovered, z, rtol=2e-5, atol=meta["log_offset"] * 1e-3)


def test_identity_encoding_and_old_versions(client, version):
    plain = client.get(f"/api/landscape/bowl.bin?v={version}")
    assert "Content-Encoding" not in plain.headers
    assert plain.data[:4] == b"LVZ1"
    stale = client.get("/api/landscape/bowl.bin?v=old-deploy", headers={"Accept-Encoding": "gzip"})
    assert stale.status_code == 200 and stale.headers["Cache-Control"] == "no-cache"
    assert gzip.decompress(stale.data) == plain.data
    assert stale.headers["ETag"] == plain.headers["ETag"]


def test_second_request_is_a_cache_hit(client, version):
    url = f"/api/landscape/beale.bin?v={version}"
    client.get(url)
    assert client.get(url).headers["X-Lossviz-Cache"] == "hit"


@pytest.mark.parametrize("path", ["/api/landscape/nope.bin", "/api/landscape/%00.bin"])
def test_unknown_landscape_is_a_400_with_a_sentence(client, path):
    response = client.get(path)
    assert response.status_code == 400
    assert response.get_json() == {"error": "Unknown landscape."}


@pytest.mark.parametrize("path", ["/api/landscape/..%2Fapp.bin", "/api/nothing", "/api/"])
def test_unknown_endpoints_are_json_404s(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.get_json() == {"error": "Unknown data endpoint."}


def test_every_landscape_is_served(client, version):
    for landscape_id in LANDSCAPES:
        assert client.get(f"/api/landscape/{landscape_id}.bin?v={version}").status_code == 200
