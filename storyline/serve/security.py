"""Request limits, response headers and the write token.

- Request bodies over ``max_request_mb`` are refused with 413 before any route parses them
  (by their Content-Length, or while a chunked body streams in).
- Every response says how long the server took (``Server-Timing``) and carries a
  Content-Security-Policy that allows only the app's own scripts
  and styles, so even markup that slipped into a page could not run a script.
- Write endpoints need ``Authorization: Bearer <api_token>``; with no token configured,
  writing over HTTP is off.
"""

from __future__ import annotations

import hmac
import json
import logging
import time
from typing import Any, Awaitable, Callable

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

logger = logging.getLogger(__name__)

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
]


class Guard:
    """ASGI middleware: the body size limit and the security headers."""

    def __init__(self, app: Callable, max_body_bytes: int):
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        send = _with_headers(send, time.perf_counter())
        declared = _content_length(scope)
        if declared is not None and declared > self.max_body_bytes:
            await _too_large(send, self.max_body_bytes)
            return
        body = await _read_body(receive, self.max_body_bytes)
        if body is None:
            await _too_large(send, self.max_body_bytes)
            return
        await self.app(scope, _replay(body, receive), send)


def _with_headers(send: Send, started: float) -> Send:
    """Add the security headers, and the server's own time (``Server-Timing: app;dur=ms``,
    what the page-time benchmark reads)."""
    async def sending(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            present = {name.lower() for name, _ in message.get("headers", [])}
            elapsed = f"app;dur={(time.perf_counter() - started) * 1000:.1f}".encode()
            message["headers"] = list(message.get("headers", [])) + [
                header for header in SECURITY_HEADERS if header[0] not in present] + [
                (b"server-timing", elapsed)]
        await send(message)
    return sending


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    """The whole request body, or ``None`` once it grows past ``limit``."""
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks)  # the client went away; the route will see no body
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replaying() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()
    return replaying


async def _too_large(send: Send, limit: int) -> None:
    reason = (f"request body over {limit // 2**20} MB; send fewer articles per request "
              "(or raise the max_request_mb setting)")
    payload = json.dumps({"status": 413, "error": "Content Too Large", "reason": reason}).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(payload)).encode())]})
    await send({"type": "http.response.body", "body": payload})


bearer = HTTPBearer(auto_error=False,
                    description="The server's api_token (storyline serve --token).")


def require_token(request: Request,
                  credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> None:
    """401 without the right bearer token; 403 when the server has no token at all."""
    expected = request.app.state.settings["api_token"]
    if not expected:
        raise HTTPException(403, "writing over HTTP is off: start the server with --token "
                                 "(or set the api_token setting)")
    given = credentials.credentials if credentials else ""
    if not hmac.compare_digest(given.encode(), expected.encode()):
        reason = "wrong bearer token" if given else "missing bearer token"
        raise HTTPException(401, f"{reason}: send 'Authorization: Bearer <token>' with the "
                                 "server's api_token", headers={"WWW-Authenticate": "Bearer"})
