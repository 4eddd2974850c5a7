"""Whole responses kept in memory until the database changes.

A page is a function of the URL and the stored data, so a rendered page stays right until
something is written. SQLite tells cheaply whether anything was committed by another
connection since the last look (``Engine.data_version``): one watching connection, in the
event-loop thread, asks on every request, and the kept responses are dropped as soon as
the answer changes (an ingest, a re-cluster, a card built, by this process or another).
Relative times on pages ("3 hours ago") age with the clock, so nothing is kept longer than
``MAX_AGE_S`` either.

Only this app's own GET pages and API reads are kept, never static files or feeds (which
answer conditional requests), never anything but a complete 200 response.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from typing import Any, Callable, Mapping

from ..engine import Engine

logger = logging.getLogger(__name__)

MAX_AGE_S = 60.0
MAX_BYTES = 64 * 2**20
CACHED_PREFIXES = ("/stories/", "/articles/", "/search", "/entities/", "/api/v1/")
CACHED_PATHS = ("/", "/api")
NOT_CACHED = ("/api/v1/changes",)  # polled to learn of changes: must see them at once


def cacheable(path: str) -> bool:
    return (path in CACHED_PATHS or path.startswith(CACHED_PREFIXES)) and \
        not path.startswith(NOT_CACHED)


class ResponseCache:
    """ASGI middleware keeping complete 200 responses to GET requests, per data version."""

    def __init__(self, app: Callable, settings: Mapping[str, Any]):
        self.app = app
        self.settings = dict(settings)
        # The watching engine belongs to the thread that opened it (the event loop's; a
        # test client may run each request in another thread, which then opens its own).
        self._local = threading.local()
        self._version: tuple[int, int] | None = None
        self._kept: OrderedDict[tuple, tuple[float, dict, list[bytes]]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or not cacheable(scope["path"]):
            await self.app(scope, receive, send)
            return
        # The version is in the key: a page that was being rendered while something was
        # written is kept under the version it started with, which no later request asks.
        version = self._current_version()
        key = (version, _header(scope, b"host"), _header(scope, b"origin"), scope["path"],
               scope.get("query_string", b""))
        kept = self._get(key)
        if kept is not None:
            start, body = kept
            # A copy: the layers outside add their headers to the message they are sent.
            await send({**start, "headers": list(start.get("headers", []))})
            for chunk in body[:-1]:
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": body[-1] if body else b""})
            return
        await self.app(scope, receive, self._recording(key, send))

    def _current_version(self) -> tuple[int, int]:
        """The data version now; what was kept for an older one is dropped. Versions of
        two connections do not compare, so the watching connection is part of it."""
        watcher = getattr(self._local, "engine", None)
        if watcher is None:
            watcher = self._local.engine = Engine(**self.settings)
        version = (id(watcher), watcher.data_version())
        if version != self._version:
            with self._lock:
                self._kept.clear()
                self._bytes = 0
            self._version = version
        return version

    def _get(self, key: tuple) -> tuple[dict, list[bytes]] | None:
        with self._lock:
            found = self._kept.get(key)
            if found is None:
                return None
            if time.monotonic() - found[0] > MAX_AGE_S:
                self._drop(key)
                return None
            self._kept.move_to_end(key)
            return found[1], found[2]

    def _recording(self, key: tuple, send: Callable) -> Callable:
        start: dict[str, Any] = {}
        body: list[bytes] = []

        async def recording(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                body.append(message.get("body", b""))
                if not message.get("more_body", False) and start.get("status") == 200:
                    self._put(key, start, body)
            await send(message)
        return recording

    def _put(self, key: tuple, start: dict, body: list[bytes]) -> None:
        size = sum(len(chunk) for chunk in body)
        if size > MAX_BYTES // 16:
            return
        with self._lock:
            if key in self._kept:
                self._drop(key)
            self._kept[key] = (time.monotonic(), {**start, "headers": list(start["headers"])},
                               list(body))
            self._bytes += size
            while self._bytes > MAX_BYTES and self._kept:
                self._drop(next(iter(self._kept)))

    def _drop(self, key: tuple) -> None:
        _, _, body = self._kept.pop(key)
        self._bytes -= sum(len(chunk) for chunk in body)


def _header(scope: dict, name: bytes) -> bytes:
    for key, value in scope.get("headers", []):
        if key == name:
            return value
    return b""
