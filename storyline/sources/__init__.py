"""Readers: turn files, folders, globs and feed URLs into ``RawDocument | Rejected``.

    read_sources(paths)         everything below, for a list of user-given paths
      discover(paths)           paths -> files and URLs, in a stable order
      read_path(path)           one file or URL, whatever its format
        read_text_file          .txt           one document
        read_html_file          .html          one document
        read_jsonl / read_json  .jsonl, .json  one document per record
        read_csv                .csv, .tsv     one document per row
        read_feed_file / _url   RSS, Atom      one document per entry
        read_warc               .warc(.gz)     one document per HTML/text response

Each reader is a generator that yields one item per document or rejection, so a caller
can count progress, and never raises for bad input: it yields ``Rejected(origin, reason)``
and goes on. All take ``(path, *, fields=None, limits=Limits())`` (``READERS`` maps a
format to its reader). The format comes from the file name, else from the content
(``detect_format``). Containers may be gzipped (``dump.jsonl.gz``).
"""

from __future__ import annotations

import logging
from typing import Callable, Iterable, Iterator

from ..types import RawDocument, Rejected
from .common import MB, Limits, is_url, os_error_reason, read_head
from .decode import NotText, decode_bytes
from .feeds import read_feed_file, read_feed_url
from .fields import FieldMapping
from .files import discover, read_html_file, read_text_file
from .jsondoc import read_json
from .records import read_csv, read_jsonl
from .sniff import GZIP_MAGIC, binary_kind, format_from_name, gunzip_head, sniff_format
from .warc import read_warc

__all__ = [
    "READERS", "FieldMapping", "Limits", "detect_format", "discover", "read_csv", "read_feed_file",
    "read_feed_url", "read_html_file", "read_json", "read_jsonl", "read_path", "read_sources",
    "read_text_file", "read_warc",
]

logger = logging.getLogger(__name__)

_HEAD_BYTES = 65536
#: The reader of each format; all take ``(path, *, fields=None, limits=Limits())``.
READERS: dict[str, Callable[..., Iterator[RawDocument | Rejected]]] = {
    "text": read_text_file,
    "html": read_html_file,
    "jsonl": read_jsonl,
    "json": read_json,
    "csv": read_csv,
    "feed": read_feed_file,
    "warc": read_warc,
}


def read_sources(paths: Iterable[str], *, fields: FieldMapping | None = None,
                 max_document_bytes: int = 20 * MB,
                 max_file_bytes: int = 4096 * MB) -> Iterator[RawDocument | Rejected]:
    """Every document in ``paths`` (files, folders, globs, feed URLs), in a stable order."""
    if isinstance(paths, str):  # a lone path would otherwise be read character by character
        paths = [paths]
    limits = Limits(max_document_bytes=max_document_bytes, max_file_bytes=max_file_bytes)
    for item in discover(paths):
        if isinstance(item, Rejected):
            yield item
        else:
            yield from read_path(item, fields=fields, limits=limits)


def read_path(path: str, *, fields: FieldMapping | None = None,
              limits: Limits = Limits()) -> Iterator[RawDocument | Rejected]:
    """The documents of one file or http(s) feed URL."""
    if is_url(path):
        yield from _guarded(read_feed_url(path, limits=limits), path)
        return
    found = detect_format(path)
    if isinstance(found, Rejected):
        yield found
        return
    yield from _guarded(READERS[found](path, fields=fields, limits=limits), path)


def detect_format(path: str) -> str | Rejected:
    """One of ``sniff.FORMATS`` for a file, from its name, else from its first bytes."""
    try:
        head = read_head(path, _HEAD_BYTES)
    except OSError as exc:
        return Rejected(path, os_error_reason(exc))
    if not head:
        return Rejected(path, "empty file")
    by_name = format_from_name(path)
    if by_name == "json":  # many .json files are really JSON Lines
        return "jsonl" if _sniff_content(path, head) == "jsonl" else "json"
    return by_name or _sniff_content(path, head)


def _sniff_content(path: str, head: bytes) -> str | Rejected:
    gzipped = head.startswith(GZIP_MAGIC)
    if gzipped:
        head = gunzip_head(head, _HEAD_BYTES)
        if head.startswith((b"WARC/", b"filedesc://")):
            return "warc"
    elif binary_kind(head):
        return Rejected(path, f"binary file (looks like {binary_kind(head)}), not text")
    decoded = decode_bytes(head, complete=len(head) < _HEAD_BYTES)
    if isinstance(decoded, NotText):
        return Rejected(path, decoded.reason)
    found = sniff_format(decoded.text)
    if gzipped and found not in ("jsonl", "json", "feed", "warc"):
        return Rejected(path, "binary file (looks like gzip archive), not text; decompress it first")
    return found


def _guarded(items: Iterator[RawDocument | Rejected], origin: str) -> Iterator[RawDocument | Rejected]:
    """A safety net: a bug in a reader costs the rest of one input, never the batch."""
    try:
        yield from items
    except Exception as exc:
        logger.exception("reader failed on %s", origin)
        yield Rejected(origin, f"unexpected error while reading ({type(exc).__name__}: {exc}); "
                               "please report it")
