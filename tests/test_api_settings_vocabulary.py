"""Data URLs take only their page's settings: an unknown key is refused with one clear sentence.

A page's own link ignores an unknown key and says so; a data URL is written by the page, so an
unknown key there means a stale or hand-edited URL, and the answer must not claim it was ignored.
"""

from __future__ import annotations

import pytest

from serving.api import VERSION_KEY
from settings.playground import from_query


@pytest.fixture()
def version(dash_app) -> str:
    return dash_app.server.config[VERSION_KEY]


@pytest.mark.parametrize(
    ("path", "what"),
    [
        ("lab/run.bin", "lab run"),
        ("playground/run.bin", "playground run"),
        ("playground/compare.bin", "playground run"),
    ],
)
def test_unknown_keys_are_named_in_a_400(client, version, path, what):
    response = client.get(f"/api/{path}?bogus=1&zz%3Cb%3E=2&v={version}")
    assert response.status_code == 400
    assert response.get_json() == {
        "error": f"A {what} URL takes only the page's settings; unknown: 'bogus', 'zz<b>'."
    }


@pytest.mark.parametrize("path", ["lab/run.bin", "playground/run.bin"])
def test_classroom_keys_are_not_settings_of_a_run(client, version, path):
    response = client.get(f"/api/{path}?hide=optimizers&v={version}")
    assert response.status_code == 400
    assert "unknown: 'hide'" in response.get_json()["error"]


def test_comparison_url_and_key_ignore_the_chosen_scheme():
    chosen = [from_query(f"init={scheme}&data=xor")[0] for scheme in ("zero", "too_large")]
    assert chosen[0].cache_key() != chosen[1].cache_key()
    assert chosen[0].compare_cache_key() == chosen[1].compare_cache_key()
    assert chosen[0].for_comparison() == chosen[1].for_comparison()
    query = chosen[1].for_comparison().to_query(view=False)
    assert "init=" not in query and "data=xor" in query
