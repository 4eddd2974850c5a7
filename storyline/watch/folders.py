"""Which files under a watched folder, file or glob are new or changed since the last read.

A file is looked at again only when its size or modification time changed; then its
content hash decides (a file touched or copied over with the same bytes is not read again).
A file modified within the last ``settle_seconds`` may still be being written: it waits for
the next poll. A file that cannot be read (permissions, a pipe, a broken link) is not
remembered, so it is tried again at every poll until it can be read.
"""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass, field
from typing import Mapping

from ..sources import discover
from ..sources.common import os_error_reason
from ..store.sqlite_watch import WatchedFile
from ..types import Rejected

logger = logging.getLogger(__name__)

_HASH_CHUNK = 1 << 20


@dataclass
class FileScan:
    """The files a source holds now, and what stops it from being read."""

    files: dict[str, os.stat_result] = field(default_factory=dict)
    rejected: list[Rejected] = field(default_factory=list)  # unreadable entries inside it
    problem: str | None = None  # the source itself cannot be read


@dataclass
class FileChanges:
    """How the files of a scan compare with what was read before."""

    to_read: list[WatchedFile] = field(default_factory=list)
    new: int = 0
    changed: int = 0
    touched: list[WatchedFile] = field(default_factory=list)  # same bytes, new size/mtime
    gone: list[str] = field(default_factory=list)
    waiting: int = 0
    rejected: list[Rejected] = field(default_factory=list)  # tried again next poll


def scan_files(source: str) -> FileScan:
    """Stat every file ``source`` names (as ``storyline ingest`` would find them)."""
    scan = FileScan()
    for item in discover([source]):
        if isinstance(item, Rejected):
            _note_rejected(scan, source, item)
            continue
        try:
            scan.files[item] = os.stat(item)
        except OSError as exc:  # vanished between listing and stat, or unreadable
            if not isinstance(exc, FileNotFoundError):
                scan.rejected.append(Rejected(item, os_error_reason(exc)))
    return scan


def _note_rejected(scan: FileScan, source: str, item: Rejected) -> None:
    if item.origin != source:
        scan.rejected.append(item)
    elif not os.path.isdir(os.path.expanduser(source)):
        scan.problem = item.reason
    # else: a folder with no files yet, which is normal for a folder being watched


def compare(scan: FileScan, known: Mapping[str, WatchedFile], *, now: float,
            settle_seconds: float) -> FileChanges:
    """Sort the scanned files into new, changed, touched, waiting and gone."""
    changes = FileChanges(gone=sorted(set(known) - set(scan.files)),
                          rejected=list(scan.rejected))
    for path, stat in sorted(scan.files.items()):
        before = known.get(path)
        if before and (before.size, before.mtime_ns) == (stat.st_size, stat.st_mtime_ns):
            continue
        if now - stat.st_mtime_ns / 1e9 < settle_seconds:
            changes.waiting += 1
            continue
        digest = content_hash(path)
        if isinstance(digest, Rejected):
            changes.rejected.append(digest)
            continue
        current = WatchedFile(path, stat.st_size, stat.st_mtime_ns, digest)
        if before and before.content_hash == digest:
            changes.touched.append(current)
        else:
            changes.to_read.append(current)
            changes.changed += before is not None
            changes.new += before is None
    return changes


def content_hash(path: str) -> str | Rejected:
    """sha256 of the file's bytes, read in chunks so that a large file costs no memory."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as stream:
            while chunk := stream.read(_HASH_CHUNK):
                digest.update(chunk)
    except OSError as exc:
        return Rejected(path, os_error_reason(exc))
    return digest.hexdigest()
