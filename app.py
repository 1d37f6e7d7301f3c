"""The Dash app: `create_app()` builds it, `server` is the WSGI entry (`gunicorn app:server`).

`python app.py` serves on http://127.0.0.1:8050 (LOSSVIZ_HOST / LOSSVIZ_PORT change it), never in
debug mode unless LOSSVIZ_DEBUG=1. Every page, script, style and font is served by the app
itself: nothing is fetched from the internet, so an offline lecture hall works.
"""

from __future__ import annotations

import logging
import traceback
from pathlib import Path

import dash
from dash import Dash, dcc, html
from dash.exceptions import DependencyException
from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

from components.classroom import (
    presentation_toggle,
    shortcut_footer,
    shortcut_sheet,
    shortcuts_button,
)
from components.live_session import live_session_bar, live_session_button
from components.share import classroom_panel, copy_link_button
from jax_config import configure_jax, run_on_request_threads
from serving.api import init_api
from serving.cache import init_cache
from serving.config import ServerConfig
from serving.log_safety import clip, install_log_filter
from serving.request_guard import init_request_guard
from serving.script_bundle import JS_IGNORE, build_bundle, init_script_bundle
from serving.security import init_security
from serving.static_cache import init_static_cache
from serving.timing import init_timing
from serving.training_lane import init_training_lane

HERE = Path(__file__).resolve().parent
log = logging.getLogger("lossviz")


def _report_callback_error(error: Exception) -> None:
    """Last line of defence: log the error, tell the user plainly, keep the page as it was.

    One bounded line (what failed, where in our code, on which input); the traceback only at
    DEBUG level, so a client probing with bad values cannot fill the log."""
    frames = traceback.extract_tb(error.__traceback__)
    ours = [f for f in frames if f.filename.startswith(str(HERE)) and "/.venv/" not in f.filename]
    last = (ours or frames)[-1] if frames else None
    where = f"{'/'.join(Path(last.filename).parts[-2:])}:{last.lineno}" if last else "?"
    triggered = [item.get("prop_id", "") for item in (dash.callback_context.triggered or [])]
    log.warning(
        "callback failed at %s (triggered by %s): %s: %s",
        where,
        clip(",".join(triggered)),
        type(error).__name__,
        clip(error),
    )
    log.debug("callback traceback", exc_info=error)
    dash.set_props(
        "global-error",
        {
            "children": "Something went wrong with that change; the page kept its last good "
            "state. Try another value, or reset.",
            "hidden": False,
        },
    )


def _navigation() -> html.Nav:
    # A page may give the bar a shorter label than its name (`nav_label=` in register_page).
    pages = [page for page in dash.page_registry.values() if page.get("nav", True)]

    def links() -> list[dcc.Link]:
        return [
            dcc.Link(
                page.get("nav_label", page["name"]),
                href=page["relative_path"],
                className="nav-link",
            )
            for page in pages
        ]

    return html.Nav(
        [
            dcc.Link("Loss Landscape Lab", href="/", className="brand"),
            html.Div(links(), className="nav-links"),
            # The same links as a menu, shown instead of the row where the row does not fit
            # (presentation mode up to 1500 px: 20 px text; assets/presentation.css).
            html.Details(
                [html.Summary("☰ Pages"), html.Div(links(), className="nav-pages-list")],
                className="nav-pages",
            ),
            html.Div(
                [
                    copy_link_button(),
                    classroom_panel(),
                    live_session_button(),
                    presentation_toggle(),
                    shortcuts_button(),
                ],
                id="nav-tools",
                className="nav-tools",
            ),
        ],
        className="top-nav",
    )


def _install_error_handler(server: Flask) -> None:
    """A malformed or hostile request gets a short 4xx, never a 500 or a stack trace, and
    one bounded log line.

    Errors inside callbacks are handled by `_report_callback_error`; what reaches Flask from
    the callback endpoint is a request Dash could not match (unknown output, wrong shape); from
    the component-suite route, a file Dash does not serve (DependencyException): 404.
    """

    @server.errorhandler(Exception)
    def _unexpected(error: Exception):  # type: ignore[no-untyped-def]
        if isinstance(error, HTTPException):
            return error
        log.warning(
            "rejected request to %s: %s: %s",
            clip(request.path),
            type(error).__name__,
            clip(error),
        )
        if isinstance(error, DependencyException):
            return "Not found.", 404
        if request.path.endswith("/_dash-update-component"):
            return jsonify({"error": "This request could not be processed."}), 400
        return "Something went wrong; please reload the page.", 500


def create_app(config: ServerConfig | None = None) -> Dash:
    """Build the Dash app with its pages, cache and health endpoint."""
    config = config or ServerConfig.from_env()
    configure_jax()
    if config.xla_single_thread and not run_on_request_threads():
        log.info("JAX started before the app: XLA keeps its own thread pool")
    app = Dash(
        __name__,
        use_pages=True,
        pages_folder=str(HERE / "pages"),
        assets_folder=str(HERE / "assets"),
        # assets/vendor/ (vendored libraries, their build) is loaded on demand by
        # assets/core/vendor.js, never included in the page; its files are still served.
        assets_path_ignore=["^vendor$"],
        # Every .js file reaches the page inside one concatenated script instead
        # (serving/script_bundle.py): one request instead of ~30.
        assets_ignore=JS_IGNORE,
        serve_locally=True,
        title="Loss Landscape Lab",
        update_title=None,
        suppress_callback_exceptions=True,
        health_endpoint="healthz",
        on_error=_report_callback_error,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    bundle = build_bundle(HERE / "assets", app.config.requests_pathname_prefix)
    init_script_bundle(app.server, bundle, app.config.routes_pathname_prefix)
    app.config.external_scripts = [bundle.path(app.config.requests_pathname_prefix)]
    init_cache(app.server, config)
    init_static_cache(app.server)
    init_timing(app.server)
    init_api(app.server)
    init_training_lane(app.server, config.lane_settings())
    _install_error_handler(app.server)
    app.layout = html.Div(
        [
            _navigation(),
            html.Div(id="global-error", className="global-error", hidden=True),
            html.Main(dash.page_container, className="page"),
            live_session_bar(),
            shortcut_sheet(),
            shortcut_footer(),
        ],
        id="app-shell",
    )
    init_security(app.server, app.csp_hashes, config.frame_ancestors)
    init_request_guard(
        app.server,
        f"{app.config.routes_pathname_prefix}_dash-update-component",
        app.config.requests_pathname_prefix,
    )
    return app


app = create_app()
server = app.server


def main() -> None:
    """Serve on LOSSVIZ_HOST:LOSSVIZ_PORT, warming up in the background; print the URL once."""
    import os

    config = ServerConfig.from_env()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    install_log_filter()
    # Dash and werkzeug each announce the address too (and werkzeug logs every request).
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    app.logger.setLevel(logging.WARNING)
    # With LOSSVIZ_DEBUG=1 werkzeug's reloader runs this twice: a watcher, then the server
    # (WERKZEUG_RUN_MAIN=true). The watcher prints the URL; only the server warms up.
    serving_process = not config.debug or os.environ.get("WERKZEUG_RUN_MAIN") == "true"
    if serving_process and config.warmup != "off":
        from serving.warmup import start

        start(server, blocking=False)
    if not (config.debug and serving_process):
        url = f"http://{config.host}:{config.port}/"
        print(f"Loss Landscape Lab is running at {url}  (Ctrl+C stops it)", flush=True)
    app.run(host=config.host, port=config.port, debug=config.debug)


if __name__ == "__main__":
    main()
