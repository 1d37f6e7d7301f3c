"""Shared fixtures: the app, its Flask test client, a live server thread and a headless browser."""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("LOSSVIZ_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def dash_app():
    # The module-level app is the one gunicorn serves; Dash pages register globally, so one
    # app per process.
    from app import app

    return app


@pytest.fixture()
def client(dash_app):
    return dash_app.server.test_client()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(dash_app) -> Iterator[str]:
    """The app served by a werkzeug thread on loopback; yields its base URL."""
    port = _free_port()
    server = make_server("127.0.0.1", port, dash_app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright. Missing Chromium fails, never skips."""
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} not found: install it (apt-get install -y chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


class PageWatch:
    """Records console errors, page errors, failed requests and Dash callback requests."""

    def __init__(self, page) -> None:
        self.page = page
        self.console_errors: list[str] = []
        self.callback_requests: list[str] = []
        # (the callback's "output" string, HTTP status) of every answered callback request
        self.callback_responses: list[tuple[str, int]] = []
        self.external_requests: list[str] = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.console_errors.append(f"pageerror: {error}"))
        page.on("request", self._on_request)
        page.on("response", self._on_response)

    def _on_console(self, message) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)

    def _on_response(self, response) -> None:
        if "/_dash-update-component" not in response.url:
            return
        try:
            output = str((response.request.post_data_json or {}).get("output", ""))
        except ValueError:
            output = ""
        self.callback_responses.append((output, response.status))

    def _on_request(self, request) -> None:
        url = request.url
        if "/_dash-update-component" in url:
            self.callback_requests.append(url)
        if not url.startswith(("http://127.0.0.1", "data:", "blob:", "about:")):
            self.external_requests.append(url)


@pytest.fixture()
def page(browser):
    """A fresh browser page (1400×900). Yields (page, watch); fails on console errors."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    watch = PageWatch(page)
    page.watch = watch  # type: ignore[attr-defined]
    try:
        yield page
    finally:
        context.close()
    assert not watch.console_errors, f"browser console errors: {watch.console_errors}"
    assert not watch.external_requests, f"page fetched from the internet: {watch.external_requests}"
