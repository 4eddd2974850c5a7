"""Whole JSON documents: an array of records, one record, or records one after another.

The file is parsed incrementally, so a large array of articles never sits in memory at
once. A wrapper object (``{"status": "ok", "articles": [...]}``) yields the records of its
list, as in JSON Lines.
Unlike JSON Lines, a syntax error ends the file: after it, where the next record starts
cannot be known.
"""

from __future__ import annotations

import codecs
import json
import logging
from typing import Any, BinaryIO, Iterator

from ..types import RawDocument, Rejected
from .common import Limits, document_too_large
from .containers import GZIP_ERRORS, open_checked
from .fields import FieldMapping
from .records import object_to_documents

logger = logging.getLogger(__name__)

_CHUNK_CHARS = 1 << 16
_WHITESPACE = " \t\r\n"


class _Problem(str):
    """A reason the rest of the document cannot be read, yielded in place of a value."""


def read_json(path: str, *, fields: FieldMapping | None = None,
              limits: Limits = Limits()) -> Iterator[RawDocument | Rejected]:
    """One document per record of a .json file; origins name the line a record starts on."""
    opened = open_checked(path, limits)
    if isinstance(opened, Rejected):
        yield opened
        return
    stream, encoding = opened
    mapping = fields or FieldMapping()
    documents = 0
    with stream:
        try:
            for line, value in _values(stream, encoding, limits):
                origin = f"{path}:{line}"
                if isinstance(value, _Problem):
                    yield Rejected(origin, value)
                    return
                for item in object_to_documents(value, origin, mapping, limits, encoding):
                    documents += 1
                    yield item
        except GZIP_ERRORS as exc:
            yield Rejected(path, f"truncated or corrupt gzip: {exc}")
            return
        except UnicodeDecodeError as exc:
            yield Rejected(path, f"not valid {encoding.upper()} text ({exc.reason}) after {documents} "
                                 "records; the rest of the file was skipped")
            return
    if not documents:
        yield Rejected(path, "no JSON records: the array is empty")


def _values(stream: BinaryIO, encoding: str, limits: Limits) -> Iterator[tuple[int, Any]]:
    """(line, value) for each item of a top-level array, or each top-level value."""
    text = _TextBuffer(stream, encoding)
    text.skip_whitespace()
    in_array = text.peek() == "["
    if in_array:
        text.advance(1)
    # A wrapper object may hold every record, so a top-level value may be as large as a file.
    limit = limits.max_document_bytes if in_array else limits.max_file_bytes
    while True:
        text.skip_whitespace()
        if in_array and text.peek() == ",":
            text.advance(1)
            continue
        if text.peek() == "" or (in_array and text.peek() == "]"):
            return
        line = text.line
        yield line, text.next_value(limit, limits)


class _TextBuffer:
    """Decoded text read in growing chunks, with the current position and line number."""

    def __init__(self, stream: BinaryIO, encoding: str):
        self.stream = stream
        self.decoder = codecs.getincrementaldecoder(encoding)("strict")
        self.buffer = ""
        self.position = 0
        self.line = 1
        self.at_end = False

    def fill(self, at_least: int = _CHUNK_CHARS) -> None:
        if self.position > _CHUNK_CHARS:  # drop what was consumed
            self.buffer, self.position = self.buffer[self.position:], 0
        raw = self.stream.read(max(at_least, _CHUNK_CHARS))
        self.buffer += self.decoder.decode(raw, final=not raw)
        self.at_end = not raw

    def peek(self) -> str:
        while self.position >= len(self.buffer) and not self.at_end:
            self.fill()
        return self.buffer[self.position:self.position + 1]

    def advance(self, count: int) -> None:
        self.line += self.buffer.count("\n", self.position, self.position + count)
        self.position += count

    def skip_whitespace(self) -> None:
        while self.peek() and self.peek() in _WHITESPACE:
            start = self.position
            while self.position < len(self.buffer) and self.buffer[self.position] in _WHITESPACE:
                self.position += 1
            self.line += self.buffer.count("\n", start, self.position)

    def _where(self, position: int) -> str:
        line = self.line + self.buffer.count("\n", self.position, position)
        column = position - (self.buffer.rfind("\n", 0, position) + 1) + 1
        return f"line {line}, column {column}"

    def next_value(self, limit: int, limits: Limits) -> Any:
        """Parse the value at the current position, reading more text until it is complete.

        Each retry reads as much again as is pending, so a large value costs a few parses.
        """
        decoder = json.JSONDecoder()
        while True:
            try:
                value, end = decoder.raw_decode(self.buffer, self.position)
                if end < len(self.buffer) or self.at_end or isinstance(value, (dict, list, str)):
                    self.advance(end - self.position)
                    return value
            except json.JSONDecodeError as exc:
                if self.at_end:
                    return _Problem(f"not valid JSON ({exc.msg} at {self._where(exc.pos)}); "
                                    "the rest of the file was skipped")
            pending = len(self.buffer) - self.position
            if pending > limit:
                return _Problem(document_too_large(None, limits.max_document_bytes, "record")
                                + "; the rest of the file was skipped")
            self.fill(at_least=pending)
