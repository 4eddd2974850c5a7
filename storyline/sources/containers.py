"""Opening containers (JSONL, JSON, CSV, feeds) and reading them line by line.

Memory stays bounded: a line longer than the limit is skipped without being held, and a
line that does not decode is reported rather than stopping the file, so that one bad line
in a crawl dump costs that line only.
"""

from __future__ import annotations

import gzip
import io
import os
import zlib
from dataclasses import dataclass
from typing import BinaryIO, Iterator

from ..types import Rejected
from .common import Limits, container_too_large, open_container, os_error_reason, read_head
from .decode import Decoded, NotText, decode_bytes
from .sniff import GZIP_MAGIC, binary_kind, gunzip_head

#: What a damaged gzip stream raises part-way through.
GZIP_ERRORS = (EOFError, zlib.error, gzip.BadGzipFile)
_HEAD_BYTES = 65536
_SKIP_CHUNK = 1 << 20


def open_checked(path: str, limits: Limits) -> tuple[BinaryIO, str] | Rejected:
    """Open a container after the checks every container gets: size, emptiness, binary
    content, encoding. Returns the open stream and the encoding of its text."""
    try:
        size = os.stat(path).st_size
        if size == 0:
            return Rejected(path, "empty file")
        if size > limits.max_file_bytes:
            return Rejected(path, container_too_large(size, limits.max_file_bytes))
        head = read_head(path, _HEAD_BYTES)
        if head.startswith(GZIP_MAGIC):  # decompress without raising if it is cut short
            head = gunzip_head(head, _HEAD_BYTES)
            if not head:
                return Rejected(path, "gzip file that decompresses to nothing (empty or corrupt)")
        stream = open_container(path)
    except OSError as exc:
        return Rejected(path, os_error_reason(exc))
    if not head.strip():
        stream.close()
        return Rejected(path, "empty file" if not head else "file has only whitespace")
    encoding = container_encoding(head)
    if isinstance(encoding, NotText):
        stream.close()
        return Rejected(path, encoding.reason)
    return stream, encoding


@dataclass(frozen=True)
class Line:
    number: int  # 1-based
    text: str | None  # None when the line was longer than the limit and skipped
    problem: str | None = None  # why the text is approximate (it did not decode)


def container_encoding(head: bytes) -> str | NotText:
    """The encoding of a container, judged from its first bytes.

    A UTF-8 dump with a few damaged lines stays UTF-8 (those lines are rejected one by one
    later) instead of being read as a legacy encoding, or refused, as a whole.
    """
    decoded = decode_bytes(head, complete=False)
    if isinstance(decoded, Decoded) and decoded.encoding.startswith("utf"):
        return decoded.encoding
    if b"\x00" not in head and binary_kind(head) is None and _mostly_utf8(head):
        return "utf-8"
    return decoded if isinstance(decoded, NotText) else decoded.encoding


def _mostly_utf8(head: bytes) -> bool:
    """Most complete non-ASCII lines of ``head`` are valid UTF-8 (legacy-encoded text with
    accented letters almost never is)."""
    lines = [line for line in head.split(b"\n")[:-1] if not line.isascii()]
    valid = 0
    for line in lines:
        try:
            line.decode("utf-8")
            valid += 1
        except UnicodeDecodeError:
            pass
    return bool(lines) and 2 * valid >= len(lines)


def read_lines(stream: BinaryIO, encoding: str, max_line_bytes: int) -> Iterator[Line]:
    """The lines of ``stream`` decoded with ``encoding``, each with its line ending."""
    if encoding.startswith(("utf-16", "utf-32")):
        yield from _wide_lines(stream, encoding, max_line_bytes)
        return
    number = 0
    while True:
        raw = stream.readline(max_line_bytes + 1)
        if not raw:
            return
        number += 1
        if len(raw) > max_line_bytes and not raw.endswith(b"\n"):
            _skip_rest_of_line(stream)
            yield Line(number, None)
            continue
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        yield _decode_line(number, raw, encoding)


def _decode_line(number: int, raw: bytes, encoding: str) -> Line:
    try:
        return Line(number, raw.decode(encoding))
    except UnicodeDecodeError as exc:
        problem = (f"not valid {encoding.upper()} text ({exc.reason}: byte 0x{raw[exc.start]:02x} "
                   f"at column {exc.start + 1})")
        return Line(number, raw.decode(encoding, errors="replace"), problem)


def _skip_rest_of_line(stream: BinaryIO) -> None:
    while True:
        chunk = stream.readline(_SKIP_CHUNK)
        if not chunk or chunk.endswith(b"\n"):
            return


def _wide_lines(stream: BinaryIO, encoding: str, max_line_bytes: int) -> Iterator[Line]:
    """UTF-16/32 text cannot be split at newline bytes: let a text wrapper do it."""
    family = "utf-16" if encoding.startswith("utf-16") else "utf-32"  # the BOM picks the order
    text = io.TextIOWrapper(stream, encoding=family, errors="replace", newline="")
    max_chars = max_line_bytes // 2
    number = 0
    while True:
        line = text.readline(max_chars + 1)
        if not line:
            return
        number += 1
        if len(line) > max_chars and not line.endswith("\n"):
            while (rest := text.readline(_SKIP_CHUNK)) and not rest.endswith("\n"):
                pass
            yield Line(number, None)
            continue
        yield Line(number, line.lstrip("\ufeff") if number == 1 else line)
