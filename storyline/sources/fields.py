"""Which JSON/CSV field holds the body, the title, the date...: the field mapping.

Candidates are tried in order and the first present, non-empty one wins. Names match
ignoring case and the separators ``_``, ``-`` and space, so ``publishedAt`` finds
``published_at``. A candidate with a dot (``source.name``) also reaches into nested
objects.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Any, Iterable, Mapping

from ..errors import SettingsError
from ..settings import SETTINGS
from ..types import RawDocument, Rejected
from .common import document_too_large
from .sniff import looks_like_html

FIELD_NAMES = ("title", "text", "date", "url", "outlet", "lang", "subtitle")
_HINT_FIELDS = ("title", "subtitle", "date", "url", "outlet", "lang")
_SEPARATORS = re.compile(r"[_\-\s]+")
_EPOCH = re.compile(r"^\d{9,13}(\.\d+)?$")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# Where a nested object keeps its printable value ({"source": {"id": 3, "name": "BBC"}}).
_NESTED_VALUE_KEYS = ("name", "title", "value", "text", "#text")


def split_candidates(value: str) -> tuple[str, ...]:
    return tuple(name.strip() for name in str(value).split(",") if name.strip())


def _default(name: str):
    wanted = f"field_{name}"
    value = next(s.default for s in SETTINGS if s.name == wanted)
    return field(default=split_candidates(value))


@dataclass(frozen=True)
class FieldMapping:
    """Candidate field names per piece of metadata, tried in order."""

    title: tuple[str, ...] = _default("title")
    text: tuple[str, ...] = _default("text")
    date: tuple[str, ...] = _default("date")
    url: tuple[str, ...] = _default("url")
    outlet: tuple[str, ...] = _default("outlet")
    lang: tuple[str, ...] = _default("lang")
    subtitle: tuple[str, ...] = _default("subtitle")

    def __post_init__(self):
        if not self.text:
            raise SettingsError("the field mapping names no text field; set field_text, "
                                "e.g. field_text = \"text,body\" or --field text=NAME")

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> "FieldMapping":
        """From the ``field_title``, ``field_text``, ... settings (comma-separated names)."""
        given = {name: split_candidates(settings[f"field_{name}"])
                 for name in FIELD_NAMES if f"field_{name}" in settings}
        return cls(**given)

    def override(self, spec: str) -> "FieldMapping":
        """Apply a ``--field`` flag: ``"text=body_html"`` or ``"date=pub_date,created"``.

        The named fields replace the candidates for that piece (they are what the user
        says the data uses), rather than being added to them.
        """
        name, sep, value = spec.partition("=")
        name = name.strip().lower()
        candidates = split_candidates(value)
        if not sep or name not in FIELD_NAMES or not candidates:
            raise SettingsError(f"--field expects NAME=COLUMN[,COLUMN...] with NAME one of "
                                f"{', '.join(FIELD_NAMES)}; got {spec!r} (e.g. --field text=body_html)")
        return replace(self, **{name: candidates})

    def with_overrides(self, specs: Iterable[str]) -> "FieldMapping":
        mapping = self
        for spec in specs:
            mapping = mapping.override(spec)
        return mapping


def _normal(name: str) -> str:
    return _SEPARATORS.sub("", name).lower()


class Record:
    """A JSON object or CSV row with field lookup by candidate name."""

    def __init__(self, values: Mapping[str, Any]):
        self.values = values
        self.index: dict[str, str] = {}
        for key in values:
            self.index.setdefault(_normal(str(key)), key)

    def lookup(self, candidate: str) -> tuple[str, Any] | None:
        key = self.index.get(_normal(candidate))
        if key is not None:
            return key, self.values[key]
        if "." in candidate:
            return self._lookup_path(candidate)
        return None

    def _lookup_path(self, dotted: str) -> tuple[str, Any] | None:
        value: Any = self.values
        for part in dotted.split("."):
            if not isinstance(value, Mapping):
                return None
            found = Record(value).lookup(part)
            if found is None:
                return None
            value = found[1]
        return dotted, value

    def has_any(self, candidates: tuple[str, ...]) -> bool:
        return any(self.lookup(candidate) is not None for candidate in candidates)

    def first(self, candidates: tuple[str, ...], skip: str | None = None) -> tuple[str, str] | None:
        """The first candidate that is present with a non-empty value: (field, text)."""
        for candidate in candidates:
            found = self.lookup(candidate)
            if found is None or found[0] == skip:
                continue
            text = value_as_text(found[1])
            if text and text.strip():
                return found[0], text
        return None


def value_as_text(value: Any) -> str | None:
    """A field value as text: strings as they are, numbers printed, lists of strings joined
    as paragraphs, nested objects by their name/title/value."""
    if isinstance(value, str):  # JSON may escape lone surrogates, which no store can encode
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, list):
        parts = [text for text in map(value_as_text, value) if text and text.strip()]
        return "\n\n".join(parts) or None
    if isinstance(value, Mapping):
        for key in _NESTED_VALUE_KEYS:
            if key in value:
                return value_as_text(value[key])
    return None


def date_hint(text: str) -> str:
    """Unix timestamps (seconds or milliseconds) become ISO 8601 UTC; anything else is kept."""
    text = text.strip()
    if not _EPOCH.match(text):
        return text
    seconds = float(text)
    if seconds > 1e11:
        seconds /= 1000
    if not 631152000 <= seconds <= 4102444800:  # 1990 .. 2100: otherwise not a timestamp
        return text
    return datetime.fromtimestamp(seconds, tz=timezone.utc).isoformat().replace("+00:00", "Z")


def record_to_document(values: Mapping[str, Any], origin: str, mapping: FieldMapping,
                       max_document_bytes: int, encoding: str = "utf-8") -> RawDocument | Rejected:
    """Map one JSON object or CSV row to a document, or say why it cannot be one."""
    record = Record(values)
    found = record.first(mapping.text)
    if found is None and not (record.has_any(mapping.text) and record.first(mapping.title)):
        return Rejected(origin, _no_text_reason(record, mapping))
    # a text field that is there but empty, under a title: the extract stage may keep the
    # record as a headline-only article (``extract.finish``)
    text_field, body = found or (None, "")
    size = len(body.encode("utf-8", "surrogatepass"))
    if size > max_document_bytes:
        return Rejected(origin, document_too_large(size, max_document_bytes, f"text field {text_field!r}"))
    hints = {}
    for name in _HINT_FIELDS:
        hit = record.first(getattr(mapping, name), skip=text_field)
        if hit:
            hints[name] = hit[1].strip()
    if "date" in hints:
        hints["date"] = date_hint(hints["date"])
    kind = "html" if looks_like_html(body) else "text"
    return RawDocument(origin=origin, body=body, kind=kind, hints=hints, encoding=encoding)


def _no_text_reason(record: Record, mapping: FieldMapping) -> str:
    present = [found[0] for found in map(record.lookup, mapping.text) if found is not None]
    if present:
        others = f" (so are {', '.join(map(repr, present[1:]))})" if len(present) > 1 else ""
        return f"the text field {present[0]!r} is empty{others}"
    return missing_text_reason([str(key) for key in record.values], mapping, "field")


def missing_text_reason(names: list[str], mapping: FieldMapping, noun: str) -> str:
    """Why no body was found among ``names`` (record fields or CSV columns), and the fix."""
    shown = ", ".join(_shorten(name) for name in names[:20])
    if len(names) > 20:
        shown += f", ... ({len(names)} {noun}s)"
    has = f"has {noun}s {shown}" if names else f"has no {noun}s"
    return (f"no text {noun}: the {'header' if noun == 'column' else 'record'} {has}; tried "
            f"{', '.join(mapping.text)}; name the text {noun} with --field text=NAME")


def _shorten(name: str, width: int = 40) -> str:
    name = " ".join(name.split())
    return name if len(name) <= width else name[: width - 3] + "..."
