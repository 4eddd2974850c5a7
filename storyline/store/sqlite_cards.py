"""Story cards in SQLite: per-article analyses, one JSON row per card, story entities.

The blobs are opaque here (``storyline.cards`` writes and reads them). A card row keeps
the ``stories.updated_at`` it was built against: every membership or cleaning change of
the story moves ``updated_at`` on, so an outdated card is found in the same single-row
read that fetches it, and ``cards_to_refresh`` finds them all with one join.
"""

from __future__ import annotations

import logging
import sqlite3
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence

from . import codec
from .batching import chunks, marks
from .filters import check_page

logger = logging.getLogger(__name__)

_UPSERT_ANALYSIS = (
    "INSERT INTO article_analyses (article_id, text_hash, analysis) VALUES (?, ?, ?) "
    "ON CONFLICT (article_id) DO UPDATE SET text_hash = excluded.text_hash, "
    "analysis = excluded.analysis")
_UPSERT_CARD = (
    "INSERT INTO story_cards (story_id, story_updated_at, built_at, stale, error, card) "
    "SELECT story_id, updated_at, ?, ?, ?, ? FROM stories WHERE story_id = ? "
    "ON CONFLICT (story_id) DO UPDATE SET story_updated_at = excluded.story_updated_at, "
    "built_at = excluded.built_at, stale = excluded.stale, error = excluded.error, "
    "card = COALESCE(excluded.card, story_cards.card)")
_INSERT_ENTITY = (
    "INSERT OR REPLACE INTO story_entities (story_id, entity_key, kind, name, salience, "
    "mentions, articles) VALUES (?, ?, ?, ?, ?, ?, ?)")


@dataclass(frozen=True)
class StoredCard:
    """A card row: ``current`` is False when the story changed since it was built."""

    story_id: str
    card: str | None
    current: bool
    stale: bool
    error: str | None


#: ``(entity_key, kind, name, salience, mentions, articles)``
EntityRow = tuple[str, str, str, float, int, int]


class SQLiteCardsMixin:
    """The story-card half of ``SQLiteStore``."""

    # Supplied by SQLiteStore.
    _transaction: Callable[..., AbstractContextManager[sqlite3.Connection]]
    _snapshot: Callable[[], AbstractContextManager[sqlite3.Connection]]

    # -- per-article analyses -----------------------------------------------------------

    def analyses(self, article_ids: Iterable[str]) -> dict[str, tuple[str, str]]:
        """``article_id -> (text_hash, analysis JSON)`` for the ids that have one."""
        found: dict[str, tuple[str, str]] = {}
        with self._snapshot() as conn:
            for chunk in chunks(dict.fromkeys(article_ids)):
                for row in conn.execute(
                        "SELECT article_id, text_hash, analysis FROM article_analyses "
                        f"WHERE article_id IN ({marks(chunk)})", chunk):
                    found[row[0]] = (row[1], row[2])
        return found

    def save_analyses(self, rows: Sequence[tuple[str, str, str]]) -> None:
        """Store ``(article_id, text_hash, analysis JSON)``; saving again replaces."""
        with self._transaction() as conn:
            conn.executemany(_UPSERT_ANALYSIS, rows)

    def outlet_names(self) -> list[str]:
        """Every outlet name in the archive, one spelling per outlet (the outlet index)."""
        with self._snapshot() as conn:
            return [row[0] for row in conn.execute(
                "SELECT MIN(outlet) FROM articles WHERE outlet_key IS NOT NULL GROUP BY outlet_key")]

    # -- cards ----------------------------------------------------------------------------

    def save_card(self, story_id: str, card: str, entities: Sequence[EntityRow]) -> bool:
        """Store a built card and its entities in one transaction; False when the story is
        gone (merged away while the card was being built)."""
        with self._transaction() as conn:
            stored = conn.execute(_UPSERT_CARD, (codec.now_iso(), 0, None, card, story_id)).rowcount
            if not stored:
                return False
            conn.execute("DELETE FROM story_entities WHERE story_id = ?", (story_id,))
            conn.executemany(_INSERT_ENTITY, ((story_id, *row) for row in entities))
        return True

    def mark_card_stale(self, story_id: str, error: str) -> None:
        """Record that building the card failed; the last good card (if any) is kept."""
        with self._transaction() as conn:
            conn.execute(_UPSERT_CARD, (codec.now_iso(), 1, error[:500], None, story_id))

    def stored_card(self, story_id: str) -> StoredCard | None:
        with self._snapshot() as conn:
            row = conn.execute(
                "SELECT c.story_id, c.card, c.story_updated_at = s.updated_at, c.stale, c.error "
                "FROM story_cards AS c JOIN stories AS s ON s.story_id = c.story_id "
                "WHERE c.story_id = ?", (story_id,)).fetchone()
        return StoredCard(row[0], row[1], bool(row[2]), bool(row[3]), row[4]) if row else None

    def iter_cards(self, batch: int = 200) -> Iterable[tuple[str, str]]:
        """``(story_id, card JSON)`` of every stored card, in story id order."""
        last = ""
        while True:
            with self._snapshot() as conn:
                rows = conn.execute(
                    "SELECT story_id, card FROM story_cards WHERE story_id > ? AND card IS NOT "
                    "NULL ORDER BY story_id LIMIT ?", (last, batch)).fetchall()
            yield from ((row[0], row[1]) for row in rows)
            if len(rows) < batch:
                return
            last = rows[-1][0]

    def cards_to_refresh(self) -> list[str]:
        """Stories without a card, with an outdated one, or whose last build failed."""
        with self._snapshot() as conn:
            return [row[0] for row in conn.execute(
                "SELECT s.story_id FROM stories AS s LEFT JOIN story_cards AS c "
                "ON c.story_id = s.story_id WHERE c.story_id IS NULL OR c.stale "
                "OR c.story_updated_at != s.updated_at ORDER BY s.story_id")]

    # -- entities -------------------------------------------------------------------------

    def entity_stories(self, entity_key: str, *, limit: int = 50,
                       offset: int = 0) -> list[dict[str, Any]]:
        """The stories naming an entity, the most salient first."""
        check_page(limit, offset)
        with self._snapshot() as conn:
            rows = conn.execute(
                "SELECT story_id, kind, name, salience, mentions, articles FROM story_entities "
                "WHERE entity_key = ? ORDER BY salience DESC, story_id LIMIT ? OFFSET ?",
                (entity_key, limit, offset))
            return [dict(row) for row in rows]

    def entities(self, *, kind: str | None = None, prefix: str | None = None,
                 limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
        """Entities across stories, those in most stories first."""
        check_page(limit, offset)
        where, params = [], []
        if kind:
            where.append("kind = ?")
            params.append(kind)
        if prefix:
            where.append("entity_key >= ? AND entity_key < ?")
            params += [prefix, prefix + "\uffff"]
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        with self._snapshot() as conn:
            rows = conn.execute(
                "SELECT entity_key AS key, kind, MIN(name) AS name, COUNT(*) AS stories, "
                f"MAX(salience) AS salience FROM story_entities {clause} "
                "GROUP BY entity_key, kind ORDER BY stories DESC, key LIMIT ? OFFSET ?",
                (*params, limit, offset))
            return [dict(row) for row in rows]

    def story_entity_rows(self, story_ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
        found: dict[str, list[dict[str, Any]]] = {story_id: [] for story_id in story_ids}
        with self._snapshot() as conn:
            for chunk in chunks(found):
                for row in conn.execute(
                        "SELECT story_id, entity_key, kind, name, salience FROM story_entities "
                        f"WHERE story_id IN ({marks(chunk)}) ORDER BY salience DESC", chunk):
                    found[row["story_id"]].append(dict(row))
        return found
