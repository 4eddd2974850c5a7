"""Polling a feed URL politely: conditional GET, timeout, size cap, and entry ids.

A server that supports it answers ``304 Not Modified`` to a request carrying the
``ETag``/``Last-Modified`` of the previous answer, so an unchanged feed costs one small
round trip. Entries are keyed by their id (``<guid>``, ``<id>``, else their link), so that
a feed listing the same entries again reads none of them, and an entry edited under the
same id is read again.
"""

from __future__ import annotations

import hashlib
import http.client
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass, field

import feedparser

from ..sources.common import Limits
from ..sources.decode import canonical_encoding
from ..sources.feeds import (FETCH_TIMEOUT_SECONDS, USER_AGENT, entry_to_document, parse_feed,
                             read_capped)
from ..types import RawDocument, Rejected

logger = logging.getLogger(__name__)

_ACCEPT = "application/atom+xml, application/rss+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"


@dataclass(frozen=True)
class FeedAnswer:
    """A server's answer: ``body`` is ``None`` when it said 304 Not Modified."""

    body: bytes | None
    etag: str | None = None
    last_modified: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


def fetch_if_changed(url: str, *, etag: str | None, last_modified: str | None,
                     max_bytes: int, timeout: float = FETCH_TIMEOUT_SECONDS) -> FeedAnswer | Rejected:
    """GET ``url`` unless it is unchanged since the answer that carried these validators."""
    headers = {"User-Agent": USER_AGENT, "Accept": _ACCEPT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers),
                                    timeout=timeout) as response:
            got = {name.lower(): value for name, value in response.headers.items()}
            got["content-location"] = response.geturl()  # base for relative links
            body = read_capped(response, max_bytes)
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return FeedAnswer(None, etag, last_modified)
        return Rejected(url, f"could not fetch: HTTP {exc.code} {exc.reason}")
    except urllib.error.URLError as exc:
        return Rejected(url, f"could not fetch: {_network_reason(exc.reason, timeout)}")
    except (OSError, ValueError, http.client.HTTPException) as exc:
        return Rejected(url, f"could not fetch: {_network_reason(exc, timeout)}")
    if isinstance(body, str):
        return Rejected(url, body)
    return FeedAnswer(body, got.get("etag"), got.get("last-modified"), got)


def _network_reason(reason: object, timeout: float) -> str:
    if isinstance(reason, TimeoutError):
        return f"no answer within {timeout:g} s"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    return str(getattr(reason, "strerror", None) or reason) or type(reason).__name__


def feed_entries(answer: FeedAnswer, url: str,
                 limits: Limits) -> list[tuple[str, RawDocument | Rejected]] | Rejected:
    """``(entry_id, document)`` for every entry, or why the answer is not a usable feed."""
    parsed = feedparser.parse(answer.body, response_headers=answer.headers,
                              sanitize_html=False)  # as sources.feeds: extract sees the markup
    if not parsed.entries:  # let the ingest reader say why, in its words
        reasons = [item for item in parse_feed(answer.body or b"", url, limits, answer.headers)
                   if isinstance(item, Rejected)]
        return reasons[0] if reasons else Rejected(url, "feed has no entries")
    encoding = canonical_encoding(parsed.get("encoding")) or "utf-8"
    entries = []
    for number, entry in enumerate(parsed.entries, 1):
        document = entry_to_document(entry, parsed.feed, f"{url}#entry {number}", limits, encoding)
        entries.append((entry_id(entry), document))
    return entries


def entry_id(entry) -> str:
    """The entry's own id, else its link, else a hash of its title and summary."""
    for key in ("id", "link"):
        value = (entry.get(key) or "").strip()
        if value:
            return value
    text = f"{entry.get('title', '')}\n{entry.get('summary', '')}"
    return "sha256:" + hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()[:32]


def fingerprint(document: RawDocument | Rejected) -> str:
    """What tells an entry's versions apart: its document key, or the reason it was rejected."""
    if isinstance(document, RawDocument):
        return document.content_hash
    return "rejected:" + hashlib.sha256(document.reason.encode("utf-8", "replace")).hexdigest()[:24]
