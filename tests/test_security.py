"""A public class server: limits, headers, /readyz's details, bounded log lines (issue 11)."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from serving.config import ServerConfig
from serving.log_safety import FIELD_CHARS, OneLineFilter, clip
from serving.security import (
    MAX_BODY_BYTES,
    MAX_QUERY_BYTES,
    content_security_policy,
    security_headers,
)

PAGES = ["/", "/optimizers", "/playground"]


# ---- headers ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [*PAGES, "/_dash-layout", "/healthz", "/api/landscape/bowl.bin"])
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "'unsafe-eval'" not in csp
    assert "frame-ancestors 'self'" in csp
    assert "object-src 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "X-Lossviz-Instance" not in response.headers


def _script_src(csp: str) -> list[str]:
    directive = next(d for d in csp.split("; ") if d.startswith("script-src "))
    return directive.split()[1:]


@pytest.mark.parametrize("path", PAGES)
def test_csp_allows_exactly_the_inline_scripts_of_the_page(client, path):
    """Every executable inline <script> of the page is allowed by its hash, nothing else is
    allowed inline ('unsafe-inline' absent), and no script is fetched from another origin."""
    response = client.get(path)
    html = response.get_data(as_text=True)
    allowed = _script_src(response.headers["Content-Security-Policy"])
    assert "'unsafe-inline'" not in allowed
    visible = re.sub(r"<!--.*?-->", "", html, flags=re.S)  # IE conditional comment: not run
    inline = [
        body
        for attributes, body in re.findall(r"<script([^>]*)>(.*?)</script>", visible, flags=re.S)
        if "src=" not in attributes and "application/json" not in attributes
    ]
    assert inline, "Dash's renderer start-up is inline: the test must see it"
    for body in inline:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in allowed, body[:80]
    for src in re.findall(r'<script[^>]*src="([^"]+)"', html):
        assert src.startswith("/"), src


def test_frame_ancestors_setting_names_other_origins():
    headers = security_headers([], "'self' https://moodle.example.edu")
    assert "frame-ancestors 'self' https://moodle.example.edu" in headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in headers  # it cannot name another origin
    assert security_headers([], "'none'")["X-Frame-Options"] == "DENY"
    assert "'sha256-x'" in content_security_policy(["'sha256-x'"], "'self'")


@pytest.mark.parametrize("value", ["'self'; script-src *", "a,b", 'x"y', "a\x00b"])
def test_frame_ancestors_refuses_what_would_break_the_header(value):
    with pytest.raises(ValueError, match="LOSSVIZ_FRAME_ANCESTORS"):
        ServerConfig.from_env({"LOSSVIZ_FRAME_ANCESTORS": value})


def test_instance_header_only_when_asked():
    assert ServerConfig.from_env({}).instance_header is False
    assert ServerConfig.from_env({"LOSSVIZ_INSTANCE_HEADER": "1"}).instance_header is True


# ---- limits -------------------------------------------------------------------------------


def test_a_body_over_one_megabyte_is_refused_before_parsing(client):
    body = b'{"output": "' + b"x" * MAX_BODY_BYTES + b'"}'
    response = client.post("/_dash-update-component", data=body, content_type="application/json")
    assert response.status_code == 413
    assert b"Traceback" not in response.data


def test_a_huge_query_string_is_refused(client):
    response = client.get("/optimizers?steps=" + "9" * (MAX_QUERY_BYTES + 1))
    assert response.status_code == 414
    ok = client.get("/optimizers?steps=" + "9" * 10)
    assert ok.status_code == 200


def test_the_longest_lab_link_fits_the_query_bound():
    """14 rows (8 rules and 6 copies), every value changed: far below the bound."""
    from settings import optimizer_lab

    settings = optimizer_lab.LabSettings.default()
    for _ in range(6):
        settings, _message = settings.with_copy_of("adam")
    flat = settings.to_flat()
    query = "&".join(
        f"{key}={'0.0123456789' if value.replace('.', '', 1).isdigit() else value}"
        for key, value in flat.items()
    )
    parsed, _messages, _ = optimizer_lab.from_query(query)
    assert len(query.encode()) < MAX_QUERY_BYTES / 3
    assert len(parsed.to_query().encode()) < MAX_QUERY_BYTES / 3


@pytest.mark.parametrize(
    "path",
    [
        "/_dash-component-suites/nope/x.js",
        "/_dash-component-suites/dash/nope.js",
        "/_dash-component-suites/dash/..%2F..%2Fapp.py",
    ],
)
def test_unknown_component_suite_paths_are_404(client, path, caplog):
    with caplog.at_level(logging.WARNING, logger="lossviz"):
        response = client.get(path)
    assert response.status_code == 404
    lines = [r.getMessage() for r in caplog.records if r.name == "lossviz"]
    assert len(lines) == 1 and "\n" not in lines[0] and len(lines[0]) < 3 * FIELD_CHARS


# ---- /readyz ------------------------------------------------------------------------------


def test_readyz_details_only_to_this_machine(client):
    local = client.get("/readyz").get_json()
    assert {"instance", "pid", "cache", "compiles"} <= set(local)
    through_nginx = client.get("/readyz", headers={"X-Forwarded-For": "127.0.0.1"}).get_json()
    assert "pid" in through_nginx
    for remote in (
        {"environ_overrides": {"REMOTE_ADDR": "10.1.2.3"}},
        {"headers": {"X-Forwarded-For": "10.1.2.3"}},
        {"headers": {"X-Forwarded-For": "127.0.0.1, 10.1.2.3"}},  # a forged first hop
        {"headers": {"X-Forwarded-For": "not an address"}},
    ):
        response = client.get("/readyz", **remote)
        assert set(response.get_json()) == {"ready"}, remote
        assert response.status_code in (200, 503)


# ---- log lines ----------------------------------------------------------------------------


@given(st.text(max_size=3 * FIELD_CHARS))
def test_clip_is_one_bounded_printable_line(text):
    line = clip(text)
    assert "\n" not in line and "\r" not in line and "\u2028" not in line
    assert len(line) <= FIELD_CHARS + 30
    if len(text) <= FIELD_CHARS and text.isprintable():
        assert line == text


def test_filter_bounds_a_whole_record():
    record = logging.LogRecord(
        "lossviz", logging.WARNING, __file__, 1, "x%s", ("a\n" * 5000,), None
    )
    OneLineFilter().filter(record)
    assert "\n" not in record.getMessage() and len(record.getMessage()) < 2100


def test_forged_log_line_and_huge_output_stay_one_short_line(client, caplog):
    """A newline in the pathname and a 600 KB output id: one line each, bounded, no traceback."""
    body = {
        "output": "x" * 600_000 + "\nFAKE 2026-01-01 lossviz admin logged in",
        "outputs": {"id": "nope", "property": "children"},
        "inputs": [],
        "changedPropIds": [],
    }
    with caplog.at_level(logging.DEBUG):
        response = client.post(
            "/_dash-update-component",
            data=json.dumps(body),
            content_type="application/json",
        )
        client.get("/_dash-component-suites/x%0AFAKE%20line/y.js")
    assert response.status_code in (400, 204, 200)
    for record in caplog.records:
        message = record.getMessage()
        assert len(message) < 1000, message[:200]
        assert "\nFAKE" not in message
        assert record.exc_info is None or record.levelno <= logging.DEBUG
