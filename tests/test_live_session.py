"""The live-session store and its endpoints (serving/live/, serving/api/session.py): codes,
the instructor's token, ETag polling, bounds on every input, anonymous one-per-browser votes,
the reveal's counts, expiry, and bad input answered with a 4xx sentence, never a 500."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from serving.cache import BoundedMemoryCache
from serving.live import backend, codes, store, validate

CHOICE = {"kind": "choice", "prompt": "Which initialization wins?",
          "options": ["Zero", "Too small", "Appropriate", "Too large"]}  # fmt: skip
POINT = {"kind": "point", "prompt": "Where will each optimizer end?", "domain": [[-2, 2], [-1, 3]]}
VIEW = {
    "path": "/optimizers",
    "search": "?landscape=rosenbrock&gd.lr=0.001",
    "player": {"name": "lab", "frame": 12, "frames": 301, "playing": True, "speed": 1},
}
FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _create(client) -> tuple[str, str]:
    response = client.post("/api/session")
    assert response.status_code == 201, response.data
    body = response.get_json()
    assert codes.normal_code(body["code"]) == body["code"]
    assert body["join"] == f"/join?code={body['code']}"
    return body["code"], body["token"]


def _voter(i: int) -> str:
    return f"test-voter-{i:012d}"


def test_codes_are_unambiguous_and_tokens_hashed():
    for _ in range(200):
        code = codes.new_code()
        assert codes.normal_code(code.lower() + " ") == code
        assert not set(code) & set("0O1IL2Z5S6G8B")
    token = codes.new_token()
    assert codes.token_matches(token, codes.token_hash(token))
    assert not codes.token_matches(token + "x", codes.token_hash(token))
    assert not codes.token_matches(None, codes.token_hash(token))
    assert codes.voter_key("short") is None and codes.voter_key(_voter(1))


def test_poll_is_304_until_the_instructor_publishes(client):
    code, token = _create(client)
    first = client.get(f"/api/session/{code}")
    assert first.status_code == 200 and first.headers["Cache-Control"] == "no-store"
    assert int(first.headers["X-Live-Now"]) > 0
    tag = first.headers["ETag"]
    assert client.get(f"/api/session/{code}", headers={"If-None-Match": tag}).status_code == 304
    published = client.put(f"/api/session/{code}/state", json=VIEW, headers={"X-Live-Token": token})
    assert published.status_code == 200
    again = client.get(f"/api/session/{code}", headers={"If-None-Match": tag})
    assert again.status_code == 200 and again.headers["ETag"] != tag
    state = again.get_json()["state"]
    assert state["path"] == "/optimizers" and state["search"] == "landscape=rosenbrock&gd.lr=0.001"
    assert state["player"] == {**VIEW["player"], "speed": 1.0} and state["at"] > 0


def test_only_the_instructor_changes_a_session(client):
    code, token = _create(client)
    for headers in ({}, {"X-Live-Token": "guess"}, {"X-Live-Token": token[:-1]}):
        for method, path, body in (
            ("PUT", "/state", VIEW),
            ("POST", "/question", CHOICE),
            ("POST", "/reveal", None),
            ("DELETE", "/question", None),
            ("DELETE", "", None),
        ):
            response = client.open(
                f"/api/session/{code}{path}", method=method, json=body, headers=headers
            )
            assert response.status_code == 403, (method, path, response.data)
            assert "instructor" in response.get_json()["error"]
    assert client.delete(f"/api/session/{code}", headers={"X-Live-Token": token}).status_code == 200
    assert client.get(f"/api/session/{code}").get_json() == {"code": code, "v": 2, "ended": True}
    assert (
        client.put(
            f"/api/session/{code}/state", json=VIEW, headers={"X-Live-Token": token}
        ).status_code
        == 404
    )
    assert client.get(f"/api/session/{code}/answered").status_code == 404


def test_one_vote_per_browser_changeable_until_the_reveal(client):
    code, token = _create(client)
    asked = client.post(
        f"/api/session/{code}/question", json=CHOICE, headers={"X-Live-Token": token}
    )
    qid = asked.get_json()["id"]
    for i, choice in enumerate([2, 2, 3, 0, 2]):
        response = client.post(
            f"/api/session/{code}/vote", json={"qid": qid, "voter": _voter(i), "choice": choice}
        )
        assert response.status_code == 200
    # Voter 0 changes their mind; still five answers.
    client.post(f"/api/session/{code}/vote", json={"qid": qid, "voter": _voter(0), "choice": 1})
    assert client.get(f"/api/session/{code}/answered").get_json() == {"qid": qid, "answered": 5}
    reveal = client.post(f"/api/session/{code}/reveal", headers={"X-Live-Token": token}).get_json()
    assert reveal["counts"] == [1, 1, 2, 1] and reveal["total"] == 5
    assert client.get(f"/api/session/{code}").get_json()["reveal"]["counts"] == [1, 1, 2, 1]
    late = client.post(
        f"/api/session/{code}/vote", json={"qid": qid, "voter": _voter(9), "choice": 0}
    )
    assert late.status_code == 409


def test_point_predictions_are_counted_on_a_grid(client):
    code, token = _create(client)
    qid = client.post(
        f"/api/session/{code}/question", json=POINT, headers={"X-Live-Token": token}
    ).get_json()["id"]
    points = [[1.9, 2.9], [1.95, 2.95], [-2, -1], [0.0, 1.0]]
    for i, point in enumerate(points):
        assert (
            client.post(
                f"/api/session/{code}/vote", json={"qid": qid, "voter": _voter(i), "point": point}
            ).status_code
            == 200
        )
    outside = client.post(
        f"/api/session/{code}/vote", json={"qid": qid, "voter": _voter(8), "point": [5, 0]}
    )
    assert outside.status_code == 400 and "outside" in outside.get_json()["error"]
    counts = client.post(f"/api/session/{code}/reveal", headers={"X-Live-Token": token}).get_json()[
        "counts"
    ]
    bins = store.BINS
    assert len(counts) == bins * bins and sum(counts) == 4
    assert (
        counts[bins * bins - 1] == 2
        and counts[0] == 1
        and counts[(bins // 2) * bins + bins // 2] == 1
    )


def test_votes_per_question_are_bounded(client, monkeypatch):
    monkeypatch.setattr(store, "MAX_VOTERS", 3)
    code, token = _create(client)
    qid = client.post(
        f"/api/session/{code}/question", json=CHOICE, headers={"X-Live-Token": token}
    ).get_json()["id"]
    statuses = [
        client.post(
            f"/api/session/{code}/vote", json={"qid": qid, "voter": _voter(i), "choice": 0}
        ).status_code
        for i in range(6)
    ]
    assert statuses == [200, 200, 200, 409, 409, 409]
    assert (
        client.post(f"/api/session/{code}/reveal", headers={"X-Live-Token": token}).get_json()[
            "total"
        ]
        == 3
    )


def test_bad_requests_get_a_sentence(client):
    code, token = _create(client)
    auth = {"X-Live-Token": token}
    cases = [
        (client.get("/api/session/abc"), 400),
        (client.get("/api/session/KKKKK"), 404),
        (client.put(f"/api/session/{code}/state", data=b"{not json", headers=auth), 400),
        (client.put(f"/api/session/{code}/state", data=b"x" * 9000, headers=auth), 413),
        (
            client.put(f"/api/session/{code}/state", json={"path": "https://evil"}, headers=auth),
            400,
        ),
        (
            client.put(
                f"/api/session/{code}/state", json={**VIEW, "search": "a" * 5000}, headers=auth
            ),
            400,
        ),
        (
            client.put(
                f"/api/session/{code}/state",
                json={
                    **VIEW,
                    "player": {"name": "lab", "frame": 9, "frames": 5, "playing": True, "speed": 1},
                },
                headers=auth,
            ),
            400,
        ),
        (
            client.post(
                f"/api/session/{code}/question",
                json={"kind": "choice", "prompt": "?", "options": ["a"] * 9},
                headers=auth,
            ),
            400,
        ),
        (
            client.post(
                f"/api/session/{code}/question",
                json={"kind": "point", "prompt": "?", "domain": [[1, 0], [0, 1]]},
                headers=auth,
            ),
            400,
        ),
        (
            client.post(
                f"/api/session/{code}/vote",
                json={"qid": "00000000", "voter": _voter(1), "choice": 0},
            ),
            409,
        ),
        (client.post(f"/api/session/{code}/vote", json={"voter": "x"}), 400),
        (client.post(f"/api/session/{code}/reveal", headers=auth), 409),
        (client.get("/api/session/KKKKK/qr.svg?x=1"), 200),
        (client.get("/api/session/bad/qr.svg"), 400),
    ]
    for response, status in cases:
        assert response.status_code == status, (response.request.path, response.data[:200])
        if status >= 400:
            assert response.get_json()["error"].endswith((".", "!")), response.data


def test_qr_code_is_a_cacheable_svg_of_the_join_address(client):
    response = client.get("/api/session/KTRWM/qr.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert response.data.startswith(b"<svg") and "max-age" in response.headers["Cache-Control"]
    again = client.get(
        "/api/session/KTRWM/qr.svg", headers={"If-None-Match": response.headers["ETag"]}
    )
    assert again.status_code == 304


@FUZZ
@given(body=st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["path", "search", "player", "kind", "prompt", "options", "domain",
                         "qid", "voter", "choice", "point", "name", "frame", "frames",
                         "playing", "speed"]), inner, max_size=6),
    max_leaves=12,
))  # fmt: skip
def test_any_json_body_is_answered_without_a_500(client, body):
    code, token = _create(client)
    auth = {"X-Live-Token": token}
    client.post(f"/api/session/{code}/question", json=CHOICE, headers=auth)
    for method, path in (("PUT", "/state"), ("POST", "/question"), ("POST", "/vote")):
        response = client.open(
            f"/api/session/{code}{path}", method=method, data=json.dumps(body), headers=auth
        )
        assert response.status_code in (200, 400, 409), (path, body, response.data)


@FUZZ
@given(raw=st.text(max_size=12))
def test_any_code_is_answered_without_a_500(client, raw):
    from urllib.parse import quote

    response = client.get(f"/api/session/{quote(raw, safe='')}")
    assert response.status_code in (400, 404, 405), response.data


def test_validated_view_is_bounded():
    value, problem = validate.view({**VIEW, "extra": "x" * 10_000})
    assert problem == "" and set(value) == {"path", "search", "player"}
    assert len(json.dumps(value)) < validate.MAX_SEARCH + 300


def test_sessions_and_votes_expire(dash_app, monkeypatch):
    now = [1000.0]
    memory = BoundedMemoryCache(max_bytes=1 << 20, clock=lambda: now[0])
    monkeypatch.setattr(backend, "cache", SimpleNamespace(cache=memory))
    with dash_app.server.app_context():
        code, token = store.create()
        store.ask(code, token, validate.question(CHOICE)[0])
        qid = store.read(code)["question"]["id"]
        store.vote(code, codes.voter_key(_voter(1)), store.check_answer({"qid": qid, "choice": 1}))
        now[0] += store.SESSION_TTL - 60
        assert store.read(code)["question"]["id"] == qid
        now[0] += 120
        with pytest.raises(store.Refused) as gone:
            store.read(code)
        assert gone.value.status == 404
        assert memory.stats()["entries"] == 0  # the votes went too
