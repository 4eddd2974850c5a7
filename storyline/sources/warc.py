"""WARC (and ARC) crawl archives: one document per successful HTML or plain-text response.

Other records (requests, metadata, images, redirects, errors) are skipped without a
rejection each, since a crawl holds many of them; a file that yields no document at all
gets one rejection that says how many records it looked at. A damaged file yields what
was read before the damage and then one rejection: warcio does not always raise on a
truncated file, so each record is also checked for a short body and each gzip member for
its end marker.
"""

from __future__ import annotations

import logging
import os
from typing import Iterator

from warcio.archiveiterator import ArchiveIterator

from ..types import RawDocument, Rejected
from .common import Limits, container_too_large, document_too_large, os_error_reason, read_head
from .decode import NotText, charset_in_content_type, charset_in_html, decode_bytes
from .fields import FieldMapping
from .sniff import GZIP_MAGIC, gunzip_head

logger = logging.getLogger(__name__)

_ACCEPTED_TYPES = {"text/html": "html", "application/xhtml+xml": "html", "text/plain": "text"}
_READ_CHUNK = 1 << 16
_SIGNATURES = (b"WARC/", b"filedesc://")


class _Damaged(Exception):
    """A record whose body ends before its declared length."""


class _CheckedIterator(ArchiveIterator):
    """Records, and whether the last gzip member ended properly: warcio stops silently
    at a gzip member that was cut off."""

    cut_off = False

    def close(self):
        decompressor = getattr(self.reader, "decompressor", None)
        if decompressor is not None and hasattr(decompressor, "eof") and not decompressor.eof:
            self.cut_off = True
        super().close()


def read_warc(path: str, *, fields: FieldMapping | None = None,
              limits: Limits = Limits()) -> Iterator[RawDocument | Rejected]:
    """One document per 2xx HTML or text response (the field mapping does not apply)."""
    try:
        size = os.path.getsize(path)
        if size == 0:
            yield Rejected(path, "empty file")
            return
        if size > limits.max_file_bytes:
            yield Rejected(path, container_too_large(size, limits.max_file_bytes))
            return
        head = read_head(path, 4096)
        stream = open(path, "rb")
    except OSError as exc:
        yield Rejected(path, os_error_reason(exc))
        return
    compressed = head.startswith(GZIP_MAGIC)
    signature = (gunzip_head(head) if compressed else head).lstrip(b"\r\n")
    if not signature.startswith(_SIGNATURES):
        stream.close()
        yield Rejected(path, _not_an_archive(signature))
        return
    with stream:
        yield from _records(path, stream, size, compressed, limits)


def _not_an_archive(signature: bytes) -> str:
    if any(known.startswith(signature.strip()) for known in (*_SIGNATURES, GZIP_MAGIC)):
        return "truncated or corrupt before the first complete record: the file is cut off"
    first_line = signature.strip().split(b"\n", 1)[0][:40].decode("utf-8", "replace").strip()
    return f"not a WARC or ARC file: it starts with {first_line!r}, not 'WARC/'"


def _records(path: str, stream, size: int, compressed: bool,
             limits: Limits) -> Iterator[RawDocument | Rejected]:
    complete = documents = 0
    end = 0  # where the last complete record ends in the file
    iterator = _CheckedIterator(stream, arc2warc=True)
    while True:
        try:  # any error from warcio here means the file is damaged at this point
            record = next(iterator)
            item = _record_to_document(record, f"{path}#record {complete + 1}", limits)
            _drain(record)
            end = iterator.get_record_offset() + iterator.get_record_length()
        except StopIteration:
            break
        except Exception as exc:
            logger.debug("%s: damaged after record %d", path, complete, exc_info=True)
            yield Rejected(path, _damage_reason(complete, exc))
            return
        complete += 1
        if item is not None:
            documents += 1
            yield item
    problem = "a gzip member is cut off" if iterator.cut_off else _tail_problem(stream, end, size, compressed)
    if problem:
        yield Rejected(path, _damage_reason(complete, problem))
    elif not documents:
        yield Rejected(path, f"no HTML or text responses with a 2xx status among {complete} records")


def _tail_problem(stream, end: int, size: int, compressed: bool) -> str | None:
    """What is wrong after the last complete record, if anything. warcio ends quietly when
    a record's headers are cut off, so the end of the file is checked here."""
    if not compressed and size - end < 2:  # each record is closed by blank lines
        return "the last record is not closed by a blank line; the file is cut off"
    stream.seek(end)
    tail = stream.read(64)
    if size - end > len(tail) or tail.strip():
        return f"the last {size - end} bytes are not a complete record"
    return None


def _damage_reason(complete: int, problem: Exception | str) -> str:
    if isinstance(problem, (str, _Damaged)):
        detail = str(problem)
    else:  # warcio's own words, whatever broke inside it
        detail = f"unreadable record ({type(problem).__name__}: {' '.join(str(problem).split())})"
    if complete == 0:
        return f"truncated or corrupt before the first complete record: {detail}"
    return f"truncated or corrupt after record {complete}: {detail}"


def _drain(record) -> None:
    """Read what is left of the record and check that it was all there."""
    declared_length = record.rec_headers.get_header("Content-Length") or ""
    if record.format.startswith("warc") and not declared_length.strip().isdigit():
        raise _Damaged("a record's headers are cut off")
    raw = record.raw_stream
    while raw.read(_READ_CHUNK):
        pass
    missing = getattr(raw, "limit", 0)
    if missing > 0:
        raise _Damaged(f"the record's body is {missing} bytes short of its declared length")


def _record_to_document(record, origin: str, limits: Limits) -> RawDocument | Rejected | None:
    kind, content_type = _wanted(record)
    if kind is None:
        return None
    body = record.content_stream().read(limits.max_document_bytes + 1)
    if len(body) > limits.max_document_bytes:
        return Rejected(origin, document_too_large(None, limits.max_document_bytes, "response"))
    if not body.strip():
        return Rejected(origin, "empty response body")
    declared = charset_in_content_type(content_type)
    if kind == "html":
        declared = declared or charset_in_html(body)
    decoded = decode_bytes(body, declared=declared)
    if isinstance(decoded, NotText):
        return Rejected(origin, decoded.reason)
    hints = {"url": record.rec_headers.get_header("WARC-Target-URI"),
             # the crawl time, not the publication date: extract ranks it below the page's own
             "fetched": record.rec_headers.get_header("WARC-Date")}
    return RawDocument(origin=origin, body=decoded.text, kind=kind, encoding=decoded.encoding,
                       hints={key: value for key, value in hints.items() if value})


def _wanted(record) -> tuple[str | None, str | None]:
    """("html" | "text", content type) for a record to read; (None, None) to skip it."""
    if record.rec_type == "response" and record.http_headers is not None:
        status = record.http_headers.get_statuscode() or ""
        content_type = record.http_headers.get_header("Content-Type")
        if not status.startswith("2"):
            return None, None
    elif record.rec_type == "resource":
        content_type = record.rec_headers.get_header("Content-Type")
    else:
        return None, None
    media_type = (content_type or "").split(";")[0].strip().lower()
    return _ACCEPTED_TYPES.get(media_type), content_type
