"""Stories in SQLite: the clusterer's rows, article membership, and story listings.

The clusterer's state is an opaque blob. What a reader sees (size, first and last seen,
languages, outlets) is derived from the member articles by ``story_write`` in the same
transaction as every membership change, so a listing never reads the members of stories
that are not on its page.
"""

from __future__ import annotations

import logging
import sqlite3
from contextlib import AbstractContextManager
from typing import Callable, Iterable, Sequence

from ..errors import UserError
from ..types import Story
from . import codec
from .base import MIN_ID_PREFIX, Membership, StoryOrder
from .batching import chunks, marks
from .filters import StoryFilter, check_page
from .rows import StoryRow
from .story_read import load_stories
from .story_write import (delete_empty_stories, refresh_stories, upsert_members,
                          warn_on_size_mismatch)

logger = logging.getLogger(__name__)

#: the counters row holding the corpus size of the last re-weighing (``save_reweighed``)
_REWEIGHED = "reweighed_documents"
_STORY_ROW_SELECT = "SELECT story_id, size, first_day, last_day, state FROM stories"
_UPSERT_STORY = (
    "INSERT INTO stories (story_id, first_day, last_day, state, updated_at) "
    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (story_id) DO UPDATE SET "
    "first_day = excluded.first_day, last_day = excluded.last_day, state = excluded.state, "
    "updated_at = excluded.updated_at"
)
# Ties by story id; SQLite puts NULL (undated stories) last in a descending order.
STORY_ORDER_BY = {
    "recent": "last_seen DESC, story_id",
    "size": "size DESC, story_id",
}


def _story_row(row: sqlite3.Row) -> StoryRow:
    return StoryRow(row[0], row[1], row[2], row[3], bytes(row[4]))


def _story_values(stories: Sequence[StoryRow], now: str) -> list[tuple]:
    return [(s.story_id, s.first_day, s.last_day, s.state, now) for s in stories]


class SQLiteStoriesMixin:
    """The story half of the story-engine API of ``SQLiteStore``."""

    # Supplied by SQLiteStore.
    _transaction: Callable[..., AbstractContextManager[sqlite3.Connection]]
    _snapshot: Callable[[], AbstractContextManager[sqlite3.Connection]]

    # -- writing ------------------------------------------------------------------------

    def save_story_updates(self, stories: Sequence[StoryRow], members: Sequence[Membership],
                           deleted: Sequence[str]) -> None:
        stories, members, deleted = list(stories), list(members), list(deleted)
        now = codec.now_iso()
        with self._transaction() as conn:
            conn.executemany(_UPSERT_STORY, _story_values(stories, now))
            # The stories the moved articles leave need their columns recomputed too.
            left = self._stories_of(conn, (article_id for article_id, _, _ in members))
            upsert_members(conn, members)
            delete_empty_stories(conn, deleted)
            touched = {s.story_id for s in stories} | {m[1] for m in members} | left
            sizes = refresh_stories(conn, sorted(touched - set(deleted)), now)
        warn_on_size_mismatch(sizes, stories)
        logger.debug("saved %d stories, %d memberships, deleted %d stories",
                     len(stories), len(members), len(deleted))

    def save_reweighed(self, features: Sequence[tuple[str, bytes, bytes, bytes]],
                       states: Sequence[tuple[str, bytes]], documents: int) -> None:
        with self._transaction() as conn:
            conn.executemany("UPDATE features SET lexical = ?, names = ?, rare = ? WHERE article_id = ?",
                             ((lexical, names, rare, article_id)
                              for article_id, lexical, names, rare in features))
            conn.executemany("UPDATE stories SET state = ? WHERE story_id = ?",
                             ((state, story_id) for story_id, state in states))
            conn.execute("INSERT INTO counters (name, value) VALUES (?, ?) "
                         "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                         (_REWEIGHED, documents))

    def reweighed_at(self) -> int:
        with self._snapshot() as conn:
            row = conn.execute("SELECT value FROM counters WHERE name = ?", (_REWEIGHED,)).fetchone()
        return row[0] if row else 0

    def replace_all_stories(self, stories: Sequence[StoryRow],
                            members: Sequence[Membership]) -> None:
        stories, members = list(stories), list(members)
        now = codec.now_iso()
        given: dict[str, set[str]] = {}
        for article_id, story_id, _ in members:
            given.setdefault(story_id, set()).add(article_id)
        with self._transaction() as conn:
            # Stories that come back whole are not rewritten as new: deleting and inserting
            # every story made each re-clustering rebuild every card (cards cascade with
            # their story and follow its updated_at), hours of work on a large archive.
            stored: dict[str, set[str]] = {}
            for article_id, story_id in conn.execute("SELECT article_id, story_id FROM story_members"):
                stored.setdefault(story_id, set()).add(article_id)
            stored.update({row[0]: set() for row in conn.execute(
                "SELECT story_id FROM stories WHERE story_id NOT IN (SELECT story_id FROM story_members)")})
            placed = {article_id for ids in given.values() for article_id in ids}
            left_out = [(a,) for ids in stored.values() for a in ids if a not in placed]
            conn.executemany("DELETE FROM story_members WHERE article_id = ?", left_out)  # in no story now
            same = {story_id for story_id, ids in given.items() if stored.get(story_id) == ids}
            changed = [s for s in stories if s.story_id not in same]
            conn.executemany("UPDATE stories SET first_day = ?, last_day = ?, state = ? WHERE story_id = ?",
                             ((s.first_day, s.last_day, s.state, s.story_id)
                              for s in stories if s.story_id in same))
            conn.executemany(_UPSERT_STORY, _story_values(changed, now))
            upsert_members(conn, members)
            delete_empty_stories(conn, sorted(set(stored) - set(given)))
            sizes = refresh_stories(conn, [s.story_id for s in changed], now)
        warn_on_size_mismatch(sizes, changed)
        logger.debug("replaced all stories: %d stories (%d unchanged), %d memberships",
                     len(stories), len(same), len(members))

    @staticmethod
    def _stories_of(conn: sqlite3.Connection, article_ids: Iterable[str]) -> set[str]:
        found: set[str] = set()
        for chunk in chunks(dict.fromkeys(article_ids)):
            found.update(row[0] for row in conn.execute(
                f"SELECT story_id FROM story_members WHERE article_id IN ({marks(chunk)})",
                chunk))
        return found

    # -- reading: the clusterer's rows --------------------------------------------------

    def story_states(self) -> dict[str, StoryRow]:
        with self._snapshot() as conn:
            return {row[0]: _story_row(row) for row in conn.execute(_STORY_ROW_SELECT)}

    def story_states_for(self, story_ids: Iterable[str]) -> dict[str, StoryRow]:
        found: dict[str, StoryRow] = {}
        with self._snapshot() as conn:
            for chunk in chunks(dict.fromkeys(story_ids)):
                for row in conn.execute(
                        f"{_STORY_ROW_SELECT} WHERE story_id IN ({marks(chunk)})", chunk):
                    found[row[0]] = _story_row(row)
        return found

    def story_of(self, article_ids: Iterable[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        with self._snapshot() as conn:
            for chunk in chunks(dict.fromkeys(article_ids)):
                found.update(conn.execute(
                    "SELECT article_id, story_id FROM story_members "
                    f"WHERE article_id IN ({marks(chunk)})", chunk).fetchall())
        return found

    def story_members(self, story_ids: Iterable[str]) -> dict[str, list[str]]:
        """The member article ids of each story (sorted), without building the stories."""
        found: dict[str, list[str]] = {}
        with self._snapshot() as conn:
            for chunk in chunks(dict.fromkeys(story_ids)):
                for article_id, story_id in conn.execute(
                        "SELECT article_id, story_id FROM story_members "
                        f"WHERE story_id IN ({marks(chunk)}) ORDER BY article_id", chunk):
                    found.setdefault(story_id, []).append(article_id)
        return found

    def unassigned_article_ids(self) -> list[str]:
        with self._snapshot() as conn:
            rows = conn.execute(
                "SELECT article_id FROM articles WHERE NOT EXISTS (SELECT 1 FROM story_members "
                "AS m WHERE m.article_id = articles.article_id) "
                "ORDER BY published IS NULL, published, article_id")
            return [row[0] for row in rows]

    # -- reading: stories ---------------------------------------------------------------

    def stories(self, *, since: str | None = None, until: str | None = None,
                language: str | None = None, outlet: str | None = None, min_size: int = 1,
                order: StoryOrder = "recent", limit: int = 50, offset: int = 0) -> list[Story]:
        check_page(limit, offset)
        if order not in STORY_ORDER_BY:
            raise UserError(f"order must be one of {', '.join(STORY_ORDER_BY)}, got {order!r}")
        where, params = StoryFilter(since, until, language, outlet, min_size).where()
        with self._snapshot() as conn:
            # Page through ids first (an index scan), then build only the stories on it.
            ids = [row[0] for row in conn.execute(
                f"SELECT story_id FROM stories {where} ORDER BY {STORY_ORDER_BY[order]} "
                "LIMIT ? OFFSET ?", (*params, limit, offset))]
            return load_stories(conn, ids)

    def count_stories(self, *, since: str | None = None, until: str | None = None,
                      language: str | None = None, outlet: str | None = None,
                      min_size: int = 1) -> int:
        where, params = StoryFilter(since, until, language, outlet, min_size).where()
        with self._snapshot() as conn:
            return conn.execute(f"SELECT COUNT(*) FROM stories {where}", params).fetchone()[0]

    def story(self, story_id: str) -> Story | None:
        with self._snapshot() as conn:
            full_id = self._resolve_story_id(conn, story_id)
            if full_id is None:
                return None
            return load_stories(conn, [full_id])[0]

    @staticmethod
    def _resolve_story_id(conn: sqlite3.Connection, story_id: str) -> str | None:
        """The full id for ``story_id`` or a unique prefix of it (as ``article``)."""
        if conn.execute("SELECT 1 FROM stories WHERE story_id = ?", (story_id,)).fetchone():
            return story_id
        story_id = story_id.strip()  # pasted from a terminal
        if len(story_id) < MIN_ID_PREFIX:
            return None
        # A range scan on the primary key, as SQLiteStore._resolve_id does.
        upper = story_id[:-1] + chr(ord(story_id[-1]) + 1)
        matches = [row[0] for row in conn.execute(
            "SELECT story_id FROM stories WHERE story_id >= ? AND story_id < ? "
            "ORDER BY story_id LIMIT 11", (story_id, upper))]
        if len(matches) > 1:
            shown = ", ".join(matches[:10]) + (", ..." if len(matches) > 10 else "")
            raise UserError(f"story id {story_id!r} is ambiguous: it starts {shown}; "
                            "give more characters")
        return matches[0] if matches else None
