"""Render deploy/nginx.conf (the nginx site for a class server) with real addresses and paths.

    python -m serving.nginx --upstream 127.0.0.1:8050 --server-name lab.example.edu \
        --cert /etc/ssl/lab.pem --key /etc/ssl/lab.key > /etc/nginx/conf.d/lossviz.conf

`main_config()` wraps a rendered site in a complete nginx.conf that runs without root (pid,
logs and temp files in one folder): the cluster test uses it, and so can a laptop demo.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parent.parent / "deploy" / "nginx.conf"


def render_site(
    upstreams: Sequence[str],
    *,
    server_name: str = "_",
    cert: str,
    key: str,
    http_listen: str = "80",
    https_listen: str = "443",
    static_cache_dir: str = "/var/cache/nginx/lossviz",
    static_cache_max_size: str = "1g",
    limit_exempt: Sequence[str] = (),
    template: Path = TEMPLATE,
) -> str:
    """The site config with every ${PLACEHOLDER} filled; raises KeyError if one is missing.

    `static_cache_max_size` bounds nginx's cache of immutable GETs on disk (nginx size syntax:
    "512m", "1g"); a class's working set (bundles ~6 MB, one landscape or run 10 KB – 1.5 MB
    compressed) fits in well under 1 GB. `limit_exempt` lists addresses or CIDR ranges the
    per-client rate and connection limits skip (a campus NAT; the load benchmarks' loopback).
    """
    for source in limit_exempt:
        if not re.fullmatch(r"[0-9A-Fa-f:.]+(/[0-9]{1,3})?", source):
            raise ValueError(f"--limit-exempt wants an address or CIDR range, got {source!r}")
    if not re.fullmatch(r"[1-9][0-9]*[kKmMgG]?", static_cache_max_size):
        raise ValueError(
            f"static cache size must look like 512m or 1g, got {static_cache_max_size!r}"
        )
    if not upstreams:
        raise ValueError("at least one --upstream host:port is needed")
    https_port = https_listen.rsplit(":", 1)[-1]
    origin = "https://$host" if https_port == "443" else f"https://$host:{https_port}"
    servers = "\n".join(f"    server {u} max_fails=3 fail_timeout=5s;" for u in upstreams)
    # nginx's own $variables must survive: only ${NAME} placeholders are substituted.
    values = {
        "UPSTREAM_SERVERS": servers,
        "SERVER_NAME": server_name,
        "TLS_CERT": cert,
        "TLS_KEY": key,
        "HTTP_LISTEN": http_listen,
        "HTTPS_LISTEN": https_listen,
        "HTTPS_ORIGIN": origin,
        "STATIC_CACHE_DIR": static_cache_dir,
        "STATIC_CACHE_MAX_SIZE": static_cache_max_size,
        "LIMIT_EXEMPT": "\n".join(f"    {source} 0;" for source in limit_exempt),
    }
    return re.sub(r"\$\{([A-Z_]+)\}", lambda match: values[match.group(1)], template.read_text())


def main_config(site_path: str, prefix: str, *, run_as_root: bool | None = None) -> str:
    """A complete nginx.conf that includes `site_path` and keeps its files under `prefix`."""
    root = os.geteuid() == 0 if run_as_root is None else run_as_root
    # As root nginx would drop its workers to 'nobody', who cannot read a private temp dir.
    user = "user root;\n" if root else ""
    return f"""{user}daemon off;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    default_type application/octet-stream;
    types {{
        text/html html; text/css css; application/javascript js; application/json json;
    }}
    access_log {prefix}/access.log;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    include {site_path};
}}
"""


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upstream", action="append", required=True, help="host:port (repeat)")
    parser.add_argument("--server-name", default="_")
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--http-listen", default="80")
    parser.add_argument("--https-listen", default="443")
    parser.add_argument("--static-cache-dir", default="/var/cache/nginx/lossviz")
    parser.add_argument(
        "--static-cache-max-size", default="1g", help="bound of nginx's cache (512m, 1g, ...)"
    )
    parser.add_argument(
        "--limit-exempt",
        action="append",
        default=[],
        help="address or CIDR range the per-client limits skip (repeat)",
    )
    args = parser.parse_args(argv)
    sys.stdout.write(
        render_site(
            args.upstream,
            server_name=args.server_name,
            cert=args.cert,
            key=args.key,
            http_listen=args.http_listen,
            https_listen=args.https_listen,
            static_cache_dir=args.static_cache_dir,
            static_cache_max_size=args.static_cache_max_size,
            limit_exempt=args.limit_exempt,
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
