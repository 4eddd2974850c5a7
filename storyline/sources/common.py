"""Size limits and the small helpers every reader shares."""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from typing import Any, BinaryIO, Mapping

from .sniff import GZIP_MAGIC

MB = 2**20


@dataclass(frozen=True)
class Limits:
    """How much one reader may take in.

    ``max_document_bytes`` caps one document: a whole .txt/.html file, or one record of a
    container. ``max_file_bytes`` caps a container (JSONL, JSON, CSV, WARC, feed), which is
    streamed, so it only guards against feeding a reader something absurd by mistake.
    """

    max_document_bytes: int = 20 * MB
    max_file_bytes: int = 4096 * MB

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> "Limits":
        return cls(
            max_document_bytes=int(settings.get("max_document_mb", 20) * MB),
            max_file_bytes=int(settings.get("max_file_mb", 4096) * MB),
        )


def format_size(size: int) -> str:
    """``"200 MB"``, ``"1.5 MB"``, ``"12 KB"``: precise enough to compare with a limit."""
    if size >= 10 * MB:
        return f"{size / MB:.0f} MB"
    if size >= MB:
        return f"{size / MB:.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} bytes"


def document_too_large(size: int | None, limit: int, what: str = "file") -> str:
    """The reason for a document over ``max_document_bytes``; ``size=None`` when unknown."""
    measured = f"is {format_size(size)}, larger than" if size is not None else "is larger than"
    return (f"{what} {measured} the {format_size(limit)} limit for one document; "
            "raise max_document_mb or split it")


def container_too_large(size: int, limit: int) -> str:
    return (f"file is {format_size(size)}, larger than the {format_size(limit)} limit for one "
            "container file; raise max_file_mb or split it")


def os_error_reason(exc: OSError) -> str:
    """A one-line reason for an OSError, without the path (the origin already names it)."""
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, IsADirectoryError):
        return "is a folder, not a file"
    if isinstance(exc, FileNotFoundError):
        return "no such file or folder"
    return f"cannot read: {exc.strerror or exc}"


def is_url(path: str) -> bool:
    return path.lower().startswith(("http://", "https://"))


def open_container(path: str) -> BinaryIO:
    """Open a container for reading bytes, decompressing it on the fly when it is gzipped
    (``dump.jsonl.gz``), whatever its name says."""
    with open(path, "rb") as probe:
        gzipped = probe.read(2) == GZIP_MAGIC
    return gzip.open(path, "rb") if gzipped else open(path, "rb")


def read_head(path: str, size: int = 65536) -> bytes:
    """The first ``size`` bytes of a file as stored (still compressed if it is gzipped)."""
    with open(path, "rb") as stream:
        return stream.read(size)
