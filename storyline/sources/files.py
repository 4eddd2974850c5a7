"""Finding input files, and reading the single-document formats (.txt and .html)."""

from __future__ import annotations

import glob
import html
import logging
import os
import re
import stat
from typing import Iterable, Iterator

from ..types import RawDocument, Rejected
from .common import Limits, document_too_large, is_url, os_error_reason
from .decode import NotText, charset_in_html, decode_bytes
from .fields import FieldMapping

logger = logging.getLogger(__name__)

_HEAD_TAG = re.compile(r"<(link|meta)\b([^<>]*)>", re.I)
_ATTRIBUTE = re.compile(r"""([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+)""")


# --------------------------------------------------------------------------- discovery

def discover(paths: Iterable[str]) -> Iterator[str | Rejected]:
    """Expand what the user named into the inputs to read, in a stable order.

    Files pass as given; folders are walked recursively in name order, skipping hidden
    files and folders; glob patterns (``news/**/*.html``) are expanded and sorted; http(s)
    URLs pass through. Symbolic links to files are read, links to folders are not followed
    (so a walk can neither loop nor leave the folder). Each input is yielded once.
    """
    seen: set[str] = set()
    for given in paths:
        for item in _expand(given):
            if isinstance(item, Rejected):
                yield item
                continue
            key = item if is_url(item) else os.path.realpath(item)
            if key in seen:
                logger.debug("skipping %s: already read", item)
                continue
            seen.add(key)
            yield item


def _expand(given: str) -> Iterator[str | Rejected]:
    if is_url(given):
        yield given
        return
    path = os.path.expanduser(given)
    if os.path.lexists(path):
        yield from _expand_existing(path)
    elif glob.has_magic(path):
        matches = sorted(glob.glob(path, recursive=True))
        if not matches:
            yield Rejected(given, "no file or folder matches this pattern")
        for match in matches:
            yield from _expand_existing(match)
    else:
        yield Rejected(given, "no such file or folder")


def _expand_existing(path: str) -> Iterator[str | Rejected]:
    if os.path.isdir(path):
        yield from _walk_folder(path)
    else:
        yield from _file_entry(path)


def _file_entry(path: str) -> Iterator[str | Rejected]:
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        yield Rejected(path, "broken symbolic link" if os.path.islink(path) else "no such file or folder")
        return
    except OSError as exc:
        yield Rejected(path, os_error_reason(exc))
        return
    if stat.S_ISREG(mode):
        yield path
    else:  # a FIFO or device would block or never end
        yield Rejected(path, "not a regular file (a pipe, socket or device)")


def _walk_folder(folder: str) -> Iterator[str | Rejected]:
    files = 0
    for item in _walk(folder):
        files += isinstance(item, str)
        yield item
    if not files:
        yield Rejected(folder, "folder has no readable files (hidden files and folders are skipped)")


def _walk(folder: str) -> Iterator[str | Rejected]:
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError as exc:
        yield Rejected(folder, f"cannot list this folder: {os_error_reason(exc)}")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = os.path.join(folder, entry.name)
        if entry.is_symlink() and entry.is_dir():
            yield Rejected(path, "symbolic link to a folder, not followed; name its target to read it")
        elif entry.is_dir(follow_symlinks=False):
            yield from _walk(path)
        else:
            yield from _file_entry(path)


# --------------------------------------------------------------------------- documents

def read_document_bytes(path: str, limits: Limits) -> bytes | Rejected:
    """The whole file, after checking its size so that a huge file is never loaded."""
    try:
        size = os.stat(path).st_size
        if size == 0:
            return Rejected(path, "empty file")
        if size > limits.max_document_bytes:
            return Rejected(path, document_too_large(size, limits.max_document_bytes))
        with open(path, "rb") as stream:
            data = stream.read(limits.max_document_bytes + 1)
    except OSError as exc:
        return Rejected(path, os_error_reason(exc))
    if len(data) > limits.max_document_bytes:  # it grew since stat
        return Rejected(path, document_too_large(None, limits.max_document_bytes))
    return data


def read_text_file(path: str, *, fields: FieldMapping | None = None,
                   limits: Limits = Limits()) -> Iterator[RawDocument | Rejected]:
    """One plain-text document per file; the body is the decoded text exactly as stored."""
    data = read_document_bytes(path, limits)
    if isinstance(data, Rejected):
        yield data
        return
    decoded = decode_bytes(data)
    if isinstance(decoded, NotText):
        yield Rejected(path, decoded.reason)
    elif not decoded.text.strip():
        yield Rejected(path, "file has only whitespace")
    else:
        yield RawDocument(origin=path, body=decoded.text, kind="text", encoding=decoded.encoding)


def read_html_file(path: str, *, fields: FieldMapping | None = None,
                   limits: Limits = Limits()) -> Iterator[RawDocument | Rejected]:
    """One HTML document per file, decoded with the charset the page declares if it fits.

    A page is yielded even if it has no article: the extract stage decides that.
    """
    data = read_document_bytes(path, limits)
    if isinstance(data, Rejected):
        yield data
        return
    decoded = decode_bytes(data, declared=charset_in_html(data))
    if isinstance(decoded, NotText):
        yield Rejected(path, decoded.reason)
    elif not decoded.text.strip():
        yield Rejected(path, "file has only whitespace")
    else:
        url = canonical_url(decoded.text)
        yield RawDocument(origin=path, body=decoded.text, kind="html",
                          hints={"url": url} if url else {}, encoding=decoded.encoding)


def canonical_url(page: str) -> str | None:
    """The page's own absolute URL from ``<link rel=canonical>``, else ``og:url``."""
    og_url = None
    for match in _HEAD_TAG.finditer(page, 0, 262_144):
        attrs = {name.lower(): html.unescape(value.strip("\"'")).strip()
                 for name, value in _ATTRIBUTE.findall(match.group(2))}
        if match.group(1).lower() == "link" and "canonical" in attrs.get("rel", "").lower().split():
            if is_url(attrs.get("href", "")):
                return attrs["href"]
        elif attrs.get("property", attrs.get("name", "")).lower() == "og:url" and og_url is None:
            og_url = attrs.get("content") if is_url(attrs.get("content", "")) else None
    return og_url
