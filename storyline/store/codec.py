"""Records <-> database rows, shared by every backend.

Rows are plain tuples in the column order declared here and read back through any mapping
keyed by column name (``sqlite3.Row``, a psycopg dict row), so a backend only writes SQL.
Lists inside a record (paragraph languages, credits, hints) are stored as JSON text.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime, timezone
from typing import Any, Iterable, Mapping, Sequence

from ..types import Article, RawDocument, Rejected, Removal

# Columns a filter or an ORDER BY reads come first, the long texts last: SQLite then reads
# the small columns of a row without walking the overflow pages of its body.
ARTICLE_COLUMNS = (
    "article_id", "origin", "published", "date_source", "outlet", "outlet_key",
    "outlet_source", "url", "language", "kind", "encoding", "cleaned_at", "ingested_at",
    "title", "subtitle", "paragraph_languages", "wire_agencies", "credits", "text", "extracted",
)

#: What re-cleaning may change: everything but identity, provenance and ingest time.
CLEANED_COLUMNS = (
    "published", "date_source", "outlet", "outlet_key", "outlet_source", "url", "language",
    "cleaned_at", "title", "subtitle", "paragraph_languages", "wire_agencies", "credits",
    "text", "extracted",
)

RAW_COLUMNS = ("raw_id", "origin", "kind", "encoding", "hints", "body", "received_at")

REMOVAL_COLUMNS = ("article_id", "seq", "start", "end", "reason", "text")

REJECTION_COLUMNS = (
    "rejection_id", "origin", "reason", "stage", "first_seen", "last_seen", "times",
)

# A lone surrogate (left by decoding with errors="surrogateescape") is not valid UTF-8 and
# makes the database driver fail the whole batch. It is swapped for U+FFFD one character
# for one, so removal offsets into the text stay right.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def now_iso() -> str:
    """The current UTC time; always with microseconds so that strings sort like times."""
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def storable(text: str | None) -> str | None:
    """``text`` made safe for a UTF-8 database (see ``_LONE_SURROGATE``)."""
    if text is None or not _LONE_SURROGATE.search(text):
        return text
    return _LONE_SURROGATE.sub("\ufffd", text)


def outlet_key(outlet: str | None) -> str | None:
    """What outlet filters compare: ``"EL PAÍS"`` and ``"El País"`` are the same outlet."""
    return outlet.strip().casefold() if outlet else None


def _json_list(items: Iterable[str]) -> str:
    return json.dumps([storable(item) for item in items], ensure_ascii=False)


def _tuple(json_text: str | None) -> tuple[str, ...]:
    return tuple(json.loads(json_text)) if json_text else ()


def article_row(article: Article, cleaned_at: str, ingested_at: str) -> tuple[Any, ...]:
    """The ``articles`` row for ``article`` in ``ARTICLE_COLUMNS`` order."""
    values = _article_values(article, cleaned_at)
    values.update(
        article_id=article.article_id,
        origin=storable(article.origin),
        kind=article.kind,
        encoding=article.encoding,
        ingested_at=ingested_at,
    )
    return tuple(values[name] for name in ARTICLE_COLUMNS)


def cleaned_values(article: Article, cleaned_at: str) -> tuple[Any, ...]:
    """The re-cleanable fields of ``article`` in ``CLEANED_COLUMNS`` order."""
    values = _article_values(article, cleaned_at)
    return tuple(values[name] for name in CLEANED_COLUMNS)


def _article_values(article: Article, cleaned_at: str) -> dict[str, Any]:
    return {
        "published": storable(article.published),
        "date_source": article.date_source,
        "outlet": storable(article.outlet),
        "outlet_key": storable(outlet_key(article.outlet)),
        "outlet_source": article.outlet_source,
        "url": storable(article.url),
        "language": article.language,
        "cleaned_at": cleaned_at,
        "title": storable(article.title),
        "subtitle": storable(article.subtitle),
        "paragraph_languages": _json_list(article.paragraph_languages),
        "wire_agencies": _json_list(article.wire_agencies),
        "credits": _json_list(article.credits),
        "text": storable(article.text),
        "extracted": storable(article.extracted),
    }


def removal_rows(article: Article) -> list[tuple[Any, ...]]:
    """``removals`` rows for ``article``; ``seq`` keeps them in their original order."""
    return [
        (article.article_id, seq, removal.start, removal.end, removal.reason,
         storable(removal.text))
        for seq, removal in enumerate(article.removals)
    ]


def raw_row(raw: RawDocument, raw_id: str, received_at: str) -> tuple[Any, ...]:
    hints = {storable(k): storable(v) for k, v in raw.hints.items()}
    return (raw_id, storable(raw.origin), raw.kind, raw.encoding,
            json.dumps(hints, ensure_ascii=False, sort_keys=True),
            storable(raw.body), received_at)


def row_to_article(row: Mapping[str, Any], removals: Sequence[Removal]) -> Article:
    return Article(
        article_id=row["article_id"],
        origin=row["origin"],
        text=row["text"],
        extracted=row["extracted"],
        title=row["title"],
        subtitle=row["subtitle"],
        published=row["published"],
        date_source=row["date_source"],
        outlet=row["outlet"],
        outlet_source=row["outlet_source"],
        url=row["url"],
        language=row["language"],
        paragraph_languages=_tuple(row["paragraph_languages"]),
        wire_agencies=_tuple(row["wire_agencies"]),
        credits=_tuple(row["credits"]),
        removals=tuple(removals),
        kind=row["kind"],
        encoding=row["encoding"],
    )


def row_to_removal(row: Mapping[str, Any]) -> Removal:
    return Removal(start=row["start"], end=row["end"], reason=row["reason"], text=row["text"])


def row_to_raw(row: Mapping[str, Any]) -> RawDocument:
    return RawDocument(
        origin=row["origin"],
        body=row["body"],
        kind=row["kind"],
        hints=json.loads(row["hints"]) if row["hints"] else {},
        encoding=row["encoding"],
    )


def rejection_id(origin: str, reason: str) -> str:
    """Key of a rejection: the same input failing for the same reason is one row."""
    blob = json.dumps([origin, reason], ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def rejection_row(rejected: Rejected, seen_at: str) -> tuple[Any, ...]:
    """A ``rejections`` row in ``REJECTION_COLUMNS`` order, seen once at ``seen_at``."""
    return (rejection_id(rejected.origin, rejected.reason), storable(rejected.origin),
            storable(rejected.reason), rejected.stage, seen_at, seen_at, 1)
