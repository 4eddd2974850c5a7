"""Running the app: bind the address first (so a busy port is a clear error), then serve."""

from __future__ import annotations

import errno
import ipaddress
import logging
import socket
from typing import Any, Callable, Mapping

from ..errors import UserError
from ..settings import load_settings

logger = logging.getLogger(__name__)


def listen(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port`` (port 0: any free port)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # The protocol must be named: asyncio sets TCP_NODELAY on accepted connections only when
    # the listening socket says IPPROTO_TCP, and without it a keep-alive client waits ~40 ms
    # per response (Nagle's algorithm meeting delayed acknowledgements).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise UserError(f"port {port} on {host} is in use; pick another with --port") from None
        raise UserError(f"cannot listen on {host}:{port}: {exc.strerror}; check --host") from None
    sock.listen(128)
    return sock


def address(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    shown = "127.0.0.1" if host == "0.0.0.0" else "[::1]" if host == "::" else (
        f"[{host}]" if ":" in host else host)
    return f"http://{shown}:{port}/"


def serve(overrides: Mapping[str, Any], announce: Callable[[str], None]) -> None:
    """Serve the web UI and API until interrupted; ``announce`` gets the address lines."""
    import uvicorn

    from .app import create_app

    settings = load_settings({k: v for k, v in overrides.items() if v is not None})
    app = create_app(settings)
    sock = listen(settings["host"], settings["port"])
    announce(f"Storyline is serving {settings['db']} at {address(sock)}")
    if not _is_loopback(settings["host"]):
        announce("  listening on every network interface: anyone who can reach this machine "
                 "can read the stories")
    writes = "on (token required)" if settings["api_token"] else "off (start with --token)"
    announce(f"  API: {address(sock)}api   ingestion over HTTP: {writes}   stop: Ctrl+C")
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on")
    uvicorn.Server(config).run(sockets=[sock])


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"
