"""RSS and Atom feeds, from a file or an http(s) URL: one document per entry."""

from __future__ import annotations

import gzip
import html
import http.client
import logging
import re
import time
import urllib.error
import urllib.request
import zlib
from typing import Any, Iterator
from xml.etree import ElementTree

import feedparser

from ..types import RawDocument, Rejected
from .common import Limits, container_too_large, document_too_large, format_size
from .containers import GZIP_ERRORS, open_checked
from .decode import canonical_encoding
from .fields import FieldMapping
from .sniff import has_markup, looks_like_html

logger = logging.getLogger(__name__)

FETCH_TIMEOUT_SECONDS = 10  # per connection attempt and per read
FETCH_DEADLINE_SECONDS = 60  # for the whole download, so a trickling server cannot hang a batch
USER_AGENT = "storyline/0.1 (feed reader)"
_ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"
_ROOT = re.compile(rb"<([A-Za-z][\w.:-]*)")
_FEED_LINK = re.compile(r"<link\b[^>]*type=[\"']application/(?:rss|atom)\+xml[\"'][^>]*>", re.I)
_HREF = re.compile(r"href=[\"']([^\"']+)[\"']", re.I)
_TAGS = re.compile(r"<[^>]+>")


def read_feed_file(path: str, *, fields: FieldMapping | None = None,
                   limits: Limits = Limits()) -> Iterator[RawDocument | Rejected]:
    """One document per feed entry (the field mapping does not apply to feeds)."""
    opened = open_checked(path, limits)
    if isinstance(opened, Rejected):
        yield opened
        return
    stream, _ = opened  # feedparser reads the encoding from the XML declaration itself
    with stream:
        try:
            data = stream.read(limits.max_file_bytes + 1)
        except GZIP_ERRORS as exc:
            yield Rejected(path, f"truncated or corrupt gzip: {exc}")
            return
    if len(data) > limits.max_file_bytes:
        yield Rejected(path, container_too_large(len(data), limits.max_file_bytes))
        return
    yield from parse_feed(data, path, limits)


def read_feed_url(url: str, *, fields: FieldMapping | None = None,
                  limits: Limits = Limits()) -> Iterator[RawDocument | Rejected]:
    """Fetch a feed (10 s timeout, at most max_file_bytes) and read its entries."""
    fetched = fetch(url, limits.max_file_bytes)
    if isinstance(fetched, Rejected):
        yield fetched
        return
    data, headers = fetched
    yield from parse_feed(data, url, limits, headers)


def fetch(url: str, max_bytes: int) -> tuple[bytes, dict[str, str]] | Rejected:
    """GET ``url`` with a timeout and a size cap: the body and the response headers."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": _ACCEPT})
    try:
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT_SECONDS) as response:
            headers = {name.lower(): value for name, value in response.headers.items()}
            headers["content-location"] = response.geturl()  # base for relative links
            body = read_capped(response, max_bytes)
    except urllib.error.HTTPError as exc:
        return Rejected(url, f"could not fetch: HTTP {exc.code} {exc.reason}")
    except urllib.error.URLError as exc:
        return Rejected(url, f"could not fetch: {_describe_network_error(exc.reason)}")
    except (TimeoutError, OSError, ValueError, http.client.HTTPException) as exc:
        return Rejected(url, f"could not fetch: {_describe_network_error(exc)}")
    if isinstance(body, str):
        return Rejected(url, body)
    return body, headers


def read_capped(response, max_bytes: int) -> bytes | str:
    """The response body (gzip content encoding undone), or why it was not read: larger
    than ``max_bytes`` (declared or counted), slower than the download deadline, or a
    corrupt gzip encoding. Shared with ``storyline watch``."""
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        return container_too_large(int(declared), max_bytes)
    deadline = time.monotonic() + FETCH_DEADLINE_SECONDS
    chunks, size = [], 0
    while chunk := response.read(65536):
        chunks.append(chunk)
        size += len(chunk)
        if size > max_bytes:
            return f"response is larger than the {format_size(max_bytes)} limit; raise max_file_mb"
        if time.monotonic() > deadline:
            return f"download took longer than {FETCH_DEADLINE_SECONDS} s; stopped"
    body = b"".join(chunks)
    if (response.headers.get("Content-Encoding") or "").lower() == "gzip":  # sent unasked
        try:
            return gzip.decompress(body)
        except (OSError, EOFError, zlib.error) as exc:
            return f"could not fetch: the gzip-encoded response is corrupt ({exc})"
    return body


def _describe_network_error(reason: Any) -> str:
    if isinstance(reason, TimeoutError):
        return f"no answer within {FETCH_TIMEOUT_SECONDS} s"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    return str(getattr(reason, "strerror", None) or reason) or type(reason).__name__


# --------------------------------------------------------------------------- parsing

def parse_feed(data: bytes, origin: str, limits: Limits,
               headers: dict[str, str] | None = None) -> Iterator[RawDocument | Rejected]:
    """Documents from the bytes of a feed; ``origin`` names the file or URL."""
    # sanitize_html=False: the extract stage should see the markup the feed carried.
    parsed = feedparser.parse(data, response_headers=headers or {}, sanitize_html=False)
    if not parsed.entries:
        yield Rejected(origin, _no_entries_reason(parsed, data, headers))
        return
    if parsed.bozo:
        logger.warning("%s: feed is not well-formed (%s); read %d entries anyway",
                       origin, _describe_bozo(parsed.bozo_exception), len(parsed.entries))
    encoding = canonical_encoding(parsed.get("encoding")) or "utf-8"
    for number, entry in enumerate(parsed.entries, 1):
        yield entry_to_document(entry, parsed.feed, f"{origin}#entry {number}", limits, encoding)


def _no_entries_reason(parsed, data: bytes, headers: dict[str, str] | None) -> str:
    content_type = (headers or {}).get("content-type", "")
    if "html" in content_type and "xml" not in content_type:
        page = data[:262_144].decode("utf-8", "replace")
        link = _FEED_LINK.search(page)
        href = _HREF.search(link.group(0)) if link else None
        where = f"; the page links to a feed at {href.group(1)}" if href else ""
        return f"not an RSS or Atom feed: the server sent an HTML page{where}"
    if not _starts_like_xml(data):
        return "not an RSS or Atom feed: the content is not XML (it does not start with '<')"
    problem = _xml_error(data) or (_describe_bozo(parsed.bozo_exception) if parsed.bozo else None)
    if parsed.version:
        return f"feed has no entries and is not well-formed: {problem}" if problem else "feed has no entries"
    if problem:
        return f"not an RSS or Atom feed: {problem}"
    root = _ROOT.search(data[:4096])
    found = f"<{root.group(1).decode('ascii', 'replace')}>" if root else "no element"
    return f"not an RSS or Atom feed: the XML root is {found}, not <rss>, <feed> or <rdf:RDF>"


def _starts_like_xml(data: bytes) -> bool:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16: leave the verdict to the parser
        return True
    return data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")


def _xml_error(data: bytes) -> str | None:
    """The XML syntax error in ``data``, placed in the original text (feedparser reports it
    in its own re-encoded copy, whose first line differs)."""
    parser = ElementTree.XMLParser()
    try:
        parser.feed(data)
        parser.close()
    except ElementTree.ParseError as exc:
        return str(exc)
    return None


def _describe_bozo(exc: Exception) -> str:
    if hasattr(exc, "getMessage") and hasattr(exc, "getLineNumber"):  # xml.sax errors
        return f"{exc.getMessage()} at line {exc.getLineNumber()}, column {exc.getColumnNumber()}"
    return str(exc) or type(exc).__name__


def entry_to_document(entry, feed, origin: str, limits: Limits, encoding: str) -> RawDocument | Rejected:
    """One feed entry as a document: the full content when the entry carries it, else the
    summary; the entry's title, date, link and author and the feed's title and language
    as hints."""
    body, detail = _entry_body(entry)
    if not body.strip() and not (_plain(entry.get("title_detail")) or entry.get("title") or "").strip():
        return Rejected(origin, "entry has no title, content or summary")
    # with a title and nothing else, the extract stage may keep the entry as a headline-only
    # article (``extract.finish``), or reject it when the title is too short to stand for it
    size = len(body.encode("utf-8"))
    if size > limits.max_document_bytes:
        return Rejected(origin, document_too_large(size, limits.max_document_bytes, "entry"))
    is_html_type = "html" in (detail.get("type") or "")
    kind = "html" if looks_like_html(body) or (is_html_type and has_markup(body)) else "text"
    hints = {
        "title": _plain(entry.get("title_detail")) or entry.get("title"),
        "date": _entry_date(entry),
        "url": entry.get("link"),
        "outlet": _plain(feed.get("title_detail")) or feed.get("title"),
        "lang": detail.get("language") or feed.get("language"),
        "author": entry.get("author"),
    }
    return RawDocument(origin=origin, body=body, kind=kind, encoding=encoding,
                       hints={key: value.strip() for key, value in hints.items() if value and value.strip()})


def _entry_body(entry) -> tuple[str, dict]:
    """The longest content block (some feeds carry an excerpt and the full text), else the
    summary."""
    contents = [c for c in entry.get("content") or [] if (c.get("value") or "").strip()]
    if contents:
        best = max(contents, key=lambda c: len(c["value"]))
        return best["value"], best
    detail = entry.get("summary_detail") or {}
    return entry.get("summary") or "", detail


def _entry_date(entry) -> str | None:
    for key in ("published", "updated", "created"):
        if entry.get(key):  # as written, so the publisher's UTC offset is kept
            return entry[key]
        parsed = entry.get(f"{key}_parsed")
        if parsed:  # feedparser normalises to UTC
            return time.strftime("%Y-%m-%dT%H:%M:%SZ", parsed)
    return None


def _plain(detail) -> str | None:
    """A title as plain text: markup removed when the feed says it is HTML."""
    if not detail or not detail.get("value"):
        return None
    value = detail["value"]
    if "html" in (detail.get("type") or ""):
        value = html.unescape(_TAGS.sub("", value))
    return " ".join(value.split()) or None
