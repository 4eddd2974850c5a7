"""Record containers: JSON Lines and CSV/TSV, one document per record.

Origins are ``"dump.jsonl:12"``: the line where the record starts, which is also the row
number a spreadsheet shows for a CSV file without line breaks inside cells. An object
without a text field that wraps a list of records, as news APIs return them
(``{"status": "ok", "articles": [...]}``), yields the records of that list, with origins
such as ``"page.jsonl:3#articles 2"``.
"""

from __future__ import annotations

import csv
import json
import logging
from typing import BinaryIO, Iterator

from ..types import RawDocument, Rejected
from .common import Limits, document_too_large, format_size
from .containers import GZIP_ERRORS, Line, open_checked, read_lines
from .fields import FieldMapping, Record, missing_text_reason, record_to_document

logger = logging.getLogger(__name__)

_DELIMITERS = (",", ";", "\t", "|")


# --------------------------------------------------------------------------- JSON Lines

def read_jsonl(path: str, *, fields: FieldMapping | None = None,
               limits: Limits = Limits()) -> Iterator[RawDocument | Rejected]:
    """One document per line holding a JSON object. A bad line is rejected on its own and
    the rest of the file is still read."""
    opened = open_checked(path, limits)
    if isinstance(opened, Rejected):
        yield opened
        return
    stream, encoding = opened
    mapping = fields or FieldMapping()
    records = 0
    with stream:
        try:
            for line in read_lines(stream, encoding, limits.max_document_bytes):
                for item in _jsonl_line(path, line, mapping, limits, encoding):
                    records += 1
                    yield item
        except GZIP_ERRORS as exc:
            yield Rejected(path, f"truncated or corrupt gzip after {records} records: {exc}")
            return
    if not records:
        yield Rejected(path, "no JSON records: the file has only blank lines")


def _jsonl_line(path: str, line: Line, mapping: FieldMapping, limits: Limits,
                encoding: str) -> Iterator[RawDocument | Rejected]:
    origin = f"{path}:{line.number}"
    if line.text is None:
        yield Rejected(origin, document_too_large(None, limits.max_document_bytes, "line"))
    elif line.problem:
        yield Rejected(origin, line.problem)
    elif line.text.strip():
        try:
            value = json.loads(line.text)
        except json.JSONDecodeError as exc:
            yield Rejected(origin, f"not valid JSON ({exc.msg} at column {exc.colno})")
            return
        yield from object_to_documents(value, origin, mapping, limits, encoding)


def object_to_documents(value, origin: str, mapping: FieldMapping, limits: Limits,
                        encoding: str) -> Iterator[RawDocument | Rejected]:
    """A parsed JSON value as documents: one record, or the records a wrapper holds."""
    if not isinstance(value, dict):
        yield Rejected(origin, f"a JSON {_json_type(value)}, not an object with named fields")
        return
    embedded = None if Record(value).has_any(mapping.text) else _embedded_records(value)
    if embedded is None:
        yield record_to_document(value, origin, mapping, limits.max_document_bytes, encoding)
        return
    key, records = embedded
    for number, record in enumerate(records, 1):
        yield record_to_document(record, f"{origin}#{key} {number}", mapping,
                                 limits.max_document_bytes, encoding)


def _embedded_records(value: dict) -> tuple[str, list[dict]] | None:
    """The first non-empty list of objects inside a wrapper object: ``("articles", [...])``."""
    for key, item in value.items():
        if isinstance(item, list) and item and all(isinstance(x, dict) for x in item):
            return key, item
    return None


def _json_type(value) -> str:
    names = {list: "array", str: "string", bool: "true/false", type(None): "null"}
    return names.get(type(value), "number")


# --------------------------------------------------------------------------- CSV / TSV

def read_csv(path: str, *, fields: FieldMapping | None = None,
             limits: Limits = Limits()) -> Iterator[RawDocument | Rejected]:
    """One document per row of a CSV or TSV file with a header row. The delimiter is the
    one the header uses most (tab for .tsv)."""
    opened = open_checked(path, limits)
    if isinstance(opened, Rejected):
        yield opened
        return
    stream, encoding = opened
    with stream:
        try:
            yield from _csv_rows(path, stream, encoding, fields or FieldMapping(), limits)
        except GZIP_ERRORS as exc:
            yield Rejected(path, f"truncated or corrupt gzip: {exc}")


class _LineFeed:
    """Feeds decoded lines to ``csv.reader`` and remembers what went wrong on the way."""

    def __init__(self, lines: Iterator[Line]):
        self.lines = lines
        self.problem: str | None = None  # a line of the current row did not decode
        self.overlong_at: int | None = None

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = next(self.lines)
        if line.text is None:
            self.overlong_at = line.number
            raise StopIteration
        self.problem = self.problem or line.problem
        return line.text


def _csv_rows(path: str, stream: BinaryIO, encoding: str, mapping: FieldMapping,
              limits: Limits) -> Iterator[RawDocument | Rejected]:
    feed = _LineFeed(read_lines(stream, encoding, limits.max_document_bytes))
    first = next(feed, None)
    if first is None:
        yield Rejected(path, _runaway_field(limits, "line") if feed.overlong_at else "no header row")
        return
    delimiter = "\t" if path.lower().removesuffix(".gz").endswith(".tsv") else _guess_delimiter(first)
    # Process-wide, in characters: a runaway quoted field stops at the document limit.
    csv.field_size_limit(limits.max_document_bytes)
    reader = csv.reader(_chain(first, feed), delimiter=delimiter)
    try:
        header = [name.strip() for name in next(reader)]
    except (csv.Error, StopIteration) as exc:
        yield Rejected(f"{path}:1", f"cannot read the header row ({exc or 'it never ends'})")
        return
    if not Record(dict.fromkeys(header)).has_any(mapping.text):
        yield Rejected(path, missing_text_reason([h for h in header if h], mapping, "column"))
        return
    yield from _csv_records(path, reader, feed, header, mapping, limits, encoding)


def _csv_records(path, reader, feed: _LineFeed, header: list[str], mapping: FieldMapping,
                 limits: Limits, encoding: str) -> Iterator[RawDocument | Rejected]:
    rows = 0
    while True:
        start = reader.line_num + 1
        origin = f"{path}:{start}"
        feed.problem = None
        try:
            row = next(reader)
        except StopIteration:
            if feed.overlong_at is not None:
                yield Rejected(f"{path}:{feed.overlong_at}", _runaway_field(limits, "line"))
                return
            break
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                yield Rejected(origin, _runaway_field(limits))
                return
            yield Rejected(origin, f"not valid CSV ({exc})")
            continue
        if feed.overlong_at is not None:
            yield Rejected(f"{path}:{feed.overlong_at}", _runaway_field(limits, "line"))
            return
        if not any(cell.strip() for cell in row):
            continue
        rows += 1
        yield _csv_record(origin, row, feed.problem, header, mapping, limits, encoding)
    if not rows:
        yield Rejected(path, "no rows after the header")


def _csv_record(origin: str, row: list[str], problem: str | None, header: list[str],
                mapping: FieldMapping, limits: Limits, encoding: str) -> RawDocument | Rejected:
    if problem:
        return Rejected(origin, problem)
    extra = [cell for cell in row[len(header):] if cell.strip()]
    if extra:
        return Rejected(origin, f"has {len(row)} cells but the header names {len(header)}; "
                                "check the quoting or the delimiter")
    values: dict[str, str] = {}
    for name, cell in zip(header, row):
        if name and name not in values:
            values[name] = cell
    return record_to_document(values, origin, mapping, limits.max_document_bytes, encoding)


def _runaway_field(limits: Limits, what: str = "field") -> str:
    return (f"a {what} is larger than the {format_size(limits.max_document_bytes)} limit for one "
            "document, often because a quote is never closed; the rest of the file was "
            "skipped (raise max_document_mb if the field is real)")


def _chain(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest


def _guess_delimiter(header_line: str) -> str:
    """The delimiter the header line uses most. Headers rarely contain quotes or commas,
    so this is more reliable than ``csv.Sniffer`` on rows full of prose."""
    counts = {d: header_line.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","
