"""What the dedup and embed stages keep between runs, in SQLite.

Features, MinHash signatures and their LSH band keys, duplicate links and token document
frequencies. The blobs are opaque here: the stages that wrote them read them back.
"""

from __future__ import annotations

import logging
import sqlite3
from contextlib import AbstractContextManager
from typing import Callable, Iterable, Iterator, Mapping, Sequence

from ..errors import UserError
from .base import DuplicateLink
from .batching import chunks, marks
from .rows import FeatureRow

logger = logging.getLogger(__name__)

_FEATURE_SELECT = ("SELECT article_id, day, dense, lexical, names, language, numbers, rare, headline_only, "
                   "recalled FROM features")
_UPSERT_FEATURES = (
    "INSERT INTO features (article_id, day, dense, lexical, names, language, numbers, rare, headline_only, "
    "recalled) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (article_id) DO UPDATE SET day = excluded.day, dense = excluded.dense, "
    "lexical = excluded.lexical, names = excluded.names, language = excluded.language, "
    "numbers = excluded.numbers, rare = excluded.rare, headline_only = excluded.headline_only, "
    "recalled = excluded.recalled"
)
_UPSERT_SIGNATURE = (
    "INSERT INTO dedup_signatures (article_id, exact_key, signature) VALUES (?, ?, ?) "
    "ON CONFLICT (article_id) DO UPDATE SET exact_key = excluded.exact_key, "
    "signature = excluded.signature"
)
_UPSERT_LINK = (
    "INSERT INTO duplicate_links (article_a, article_b, kind, score, why) "
    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (article_a, article_b) DO UPDATE SET "
    "kind = excluded.kind, score = excluded.score, why = excluded.why"
)
_LINK_SELECT = "SELECT article_a, article_b, kind, score, why FROM duplicate_links"
_DOCUMENTS = "df_documents"  # the counters row holding how many documents DF counted
_DF_CHUNK = 5000  # tokens per IN list (a batch needs tens of thousands; SQLite takes 32,766)


def _feature(row: sqlite3.Row) -> FeatureRow:
    return FeatureRow(row[0], row[1], bytes(row[2]), bytes(row[3]), bytes(row[4]), row[5],
                      bytes(row[6]), None if row[7] is None else bytes(row[7]), bool(row[8]),
                      None if row[9] is None else bytes(row[9]))


def _ordered_link(link: DuplicateLink) -> DuplicateLink:
    """The link with its two ids in the stored order (smaller first)."""
    a, b, kind, score, why = link
    if a == b:
        raise ValueError(f"a duplicate link needs two articles, got {a!r} twice")
    return (a, b, kind, score, why) if a < b else (b, a, kind, score, why)


class SQLiteFeaturesMixin:
    """The dedup/embed half of the story-engine API of ``SQLiteStore``."""

    # Supplied by SQLiteStore.
    _transaction: Callable[..., AbstractContextManager[sqlite3.Connection]]
    _snapshot: Callable[[], AbstractContextManager[sqlite3.Connection]]

    # -- features -----------------------------------------------------------------------

    def save_features(self, rows: Sequence[FeatureRow]) -> None:
        # A NaN day is stored by SQLite as NULL, so it reads back as None (undated).
        with self._transaction() as conn:
            conn.executemany(_UPSERT_FEATURES, ((r.article_id, r.day, r.dense, r.lexical,
                                                 r.names, r.language, r.numbers, r.rare,
                                                 int(r.headline_only), r.recalled) for r in rows))

    def features(self, article_ids: Iterable[str]) -> dict[str, FeatureRow]:
        found: dict[str, FeatureRow] = {}
        with self._snapshot() as conn:
            for chunk in chunks(dict.fromkeys(article_ids)):
                for row in conn.execute(
                        f"{_FEATURE_SELECT} WHERE article_id IN ({marks(chunk)})", chunk):
                    found[row[0]] = _feature(row)
        return found

    def iter_features(self, batch: int = 1000) -> Iterator[FeatureRow]:
        if batch < 1:
            raise UserError(f"batch must be 1 or more, got {batch}")
        last = ""
        while True:
            # Keyset paging, one short read per batch (as iter_articles).
            with self._snapshot() as conn:
                rows = [_feature(row) for row in conn.execute(
                    f"{_FEATURE_SELECT} WHERE article_id > ? ORDER BY article_id LIMIT ?",
                    (last, batch))]
            yield from rows
            if len(rows) < batch:
                return
            last = rows[-1].article_id

    def featured_between(self, first_day: float, last_day: float) -> list[str]:
        # infinite bounds: SQLite compares a REAL infinity with any number as expected
        with self._snapshot() as conn:
            return [row[0] for row in conn.execute(
                "SELECT article_id FROM features WHERE day >= ? AND day <= ? ORDER BY article_id",
                (first_day, last_day))]

    def has_features(self) -> bool:
        with self._snapshot() as conn:
            return conn.execute("SELECT 1 FROM features LIMIT 1").fetchone() is not None

    # -- dedup --------------------------------------------------------------------------

    def save_dedup(self, rows: Sequence[tuple[str, str, bytes, Sequence[str]]]) -> None:
        rows = list(rows)
        with self._transaction() as conn:
            conn.executemany(_UPSERT_SIGNATURE, ((article_id, exact_key, signature)
                                                 for article_id, exact_key, signature, _ in rows))
            # Saving an article again replaces its band keys rather than adding to them.
            conn.executemany("DELETE FROM dedup_bands WHERE article_id = ?",
                             ((article_id,) for article_id, *_ in rows))
            conn.executemany(
                "INSERT OR IGNORE INTO dedup_bands (band_key, article_id) VALUES (?, ?)",
                ((band, article_id) for article_id, _, _, bands in rows for band in bands))

    def dedup_candidates(self, exact_key: str, band_keys: Sequence[str]) -> set[str]:
        with self._snapshot() as conn:
            return _candidates(conn, exact_key, band_keys)

    def dedup_candidates_each(self, queries: Sequence[tuple[str, Sequence[str]]]) -> list[set[str]]:
        with self._snapshot() as conn:
            return [_candidates(conn, key, bands) for key, bands in queries]

    def signatures(self, article_ids: Iterable[str]) -> dict[str, tuple[str, bytes]]:
        found: dict[str, tuple[str, bytes]] = {}
        with self._snapshot() as conn:
            for chunk in chunks(dict.fromkeys(article_ids)):
                for article_id, exact_key, signature in conn.execute(
                        "SELECT article_id, exact_key, signature FROM dedup_signatures "
                        f"WHERE article_id IN ({marks(chunk)})", chunk):
                    found[article_id] = (exact_key, bytes(signature))
        return found

    def add_duplicate_links(self, links: Sequence[DuplicateLink]) -> None:
        ordered = [_ordered_link(link) for link in links]  # fail before writing anything
        with self._transaction() as conn:
            conn.executemany(_UPSERT_LINK, ordered)

    def duplicate_links(self, article_ids: Iterable[str] | None = None) -> list[DuplicateLink]:
        with self._snapshot() as conn:
            if article_ids is None:
                rows = conn.execute(f"{_LINK_SELECT} ORDER BY article_a, article_b")
                return [tuple(row) for row in rows]
            return sorted(_links_touching(conn, article_ids))

    # -- document frequencies -----------------------------------------------------------

    def df_update(self, counts: Mapping[int, int], documents: int) -> None:
        with self._transaction() as conn:
            conn.executemany(
                "INSERT INTO token_df (token, df) VALUES (?, ?) "
                "ON CONFLICT (token) DO UPDATE SET df = df + excluded.df", counts.items())
            conn.execute(
                "INSERT INTO counters (name, value) VALUES (?, ?) "
                "ON CONFLICT (name) DO UPDATE SET value = value + excluded.value",
                (_DOCUMENTS, documents))

    def df_load(self, tokens: Iterable[int] | None = None) -> tuple[dict[int, int], int]:
        with self._snapshot() as conn:
            if tokens is None:
                counts = dict(conn.execute("SELECT token, df FROM token_df").fetchall())
            else:
                counts = {}
                for chunk in chunks(dict.fromkeys(tokens), _DF_CHUNK):
                    counts.update(conn.execute(
                        f"SELECT token, df FROM token_df WHERE token IN ({marks(chunk)})",
                        chunk).fetchall())
            row = conn.execute("SELECT value FROM counters WHERE name = ?",
                               (_DOCUMENTS,)).fetchone()
        return counts, (row[0] if row else 0)


def _candidates(conn: sqlite3.Connection, exact_key: str, band_keys: Sequence[str]) -> set[str]:
    found = {row[0] for row in conn.execute(
        "SELECT article_id FROM dedup_signatures WHERE exact_key = ?", (exact_key,))}
    for chunk in chunks(dict.fromkeys(band_keys)):
        found.update(row[0] for row in conn.execute(
            f"SELECT article_id FROM dedup_bands WHERE band_key IN ({marks(chunk)})", chunk))
    return found


def _links_touching(conn: sqlite3.Connection, article_ids: Iterable[str]) -> set[DuplicateLink]:
    """Every stored link with at least one end in ``article_ids``."""
    found: set[DuplicateLink] = set()
    for chunk in chunks(dict.fromkeys(article_ids)):
        for column in ("article_a", "article_b"):  # each side through its own index
            found.update(tuple(row) for row in conn.execute(
                f"{_LINK_SELECT} WHERE {column} IN ({marks(chunk)})", chunk))
    return found
