"""What ``storyline watch`` remembers between polls and restarts, in SQLite (m005_watch).

Files: the size, modification time and content hash of every file read under a watched
source, so that only new and changed files are read again. Feeds: the HTTP validators
(ETag, Last-Modified) for conditional requests, consecutive failures, and the ids of the
entries already read. Also the reads that feeds of stories need: the stories updated most
recently, and how many stories changed since a time.
"""

from __future__ import annotations

import logging
import sqlite3
from contextlib import AbstractContextManager
from typing import Callable, Iterable, NamedTuple, Sequence

from ..types import Story
from . import codec
from .batching import chunks, marks
from .story_read import load_stories

logger = logging.getLogger(__name__)


class WatchedFile(NamedTuple):
    """A file as it was when watch last read it."""

    path: str
    size: int
    mtime_ns: int
    content_hash: str


class FeedState(NamedTuple):
    """What watch knows of a feed URL between polls."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    failures: int = 0
    last_error: str | None = None


class StoryUpdate(NamedTuple):
    """A story with the time it last changed and its lead article's title."""

    story: Story
    updated_at: str
    lead_title: str | None


_UPSERT_FILE = (
    "INSERT INTO watch_files (source, path, size, mtime_ns, content_hash, read_at) "
    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (source, path) DO UPDATE SET size = excluded.size, "
    "mtime_ns = excluded.mtime_ns, content_hash = excluded.content_hash, "
    "read_at = excluded.read_at"
)
_UPSERT_ENTRY = (
    "INSERT INTO watch_entries (url, entry_id, content_hash, seen_at) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (url, entry_id) DO UPDATE SET content_hash = excluded.content_hash, "
    "seen_at = excluded.seen_at"
)


class SQLiteWatchMixin:
    """The watch half of ``SQLiteStore``."""

    # Supplied by SQLiteStore.
    _transaction: Callable[..., AbstractContextManager[sqlite3.Connection]]
    _snapshot: Callable[[], AbstractContextManager[sqlite3.Connection]]

    # -- files --------------------------------------------------------------------------

    def watched_files(self, source: str) -> dict[str, WatchedFile]:
        """``path -> WatchedFile`` for every file read under ``source``."""
        with self._snapshot() as conn:
            rows = conn.execute("SELECT path, size, mtime_ns, content_hash FROM watch_files "
                                "WHERE source = ?", (source,))
            return {row[0]: WatchedFile(*row) for row in rows}

    def record_files(self, source: str, files: Sequence[WatchedFile]) -> None:
        """Remember these files as read (replacing what was known of them)."""
        now = codec.now_iso()
        with self._transaction() as conn:
            conn.executemany(_UPSERT_FILE, ((source, codec.storable(f.path), f.size, f.mtime_ns,
                                             f.content_hash, now) for f in files))

    def forget_files(self, source: str, paths: Iterable[str]) -> None:
        """Forget files that vanished; their articles stay stored."""
        with self._transaction() as conn:
            for chunk in chunks(paths):
                conn.execute(f"DELETE FROM watch_files WHERE source = ? AND path IN "
                             f"({marks(chunk)})", (source, *chunk))

    # -- feeds --------------------------------------------------------------------------

    def feed_state(self, url: str) -> FeedState:
        with self._snapshot() as conn:
            row = conn.execute("SELECT url, etag, last_modified, failures, last_error "
                               "FROM watch_feeds WHERE url = ?", (url,)).fetchone()
        return FeedState(*row) if row else FeedState(url)

    def record_feed_check(self, state: FeedState, *, changed: bool) -> None:
        """Store ``state`` after a check; ``changed`` when the server sent content."""
        now = codec.now_iso()
        with self._transaction() as conn:
            conn.execute(
                "INSERT INTO watch_feeds (url, etag, last_modified, checked_at, changed_at, "
                "failures, last_error) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (url) DO UPDATE "
                "SET etag = excluded.etag, last_modified = excluded.last_modified, "
                "checked_at = excluded.checked_at, "
                "changed_at = COALESCE(excluded.changed_at, watch_feeds.changed_at), "
                "failures = excluded.failures, last_error = excluded.last_error",
                (state.url, state.etag, state.last_modified, now, now if changed else None,
                 state.failures, state.last_error))

    def seen_entries(self, url: str, entry_ids: Iterable[str]) -> dict[str, str]:
        """``entry_id -> content_hash`` for the entries of ``url`` already read."""
        found: dict[str, str] = {}
        with self._snapshot() as conn:
            for chunk in chunks(dict.fromkeys(entry_ids)):
                found.update(conn.execute(
                    "SELECT entry_id, content_hash FROM watch_entries WHERE url = ? AND "
                    f"entry_id IN ({marks(chunk)})", (url, *chunk)).fetchall())
        return found

    def record_entries(self, url: str, entries: Sequence[tuple[str, str]]) -> None:
        """Remember ``(entry_id, content_hash)`` pairs of ``url`` as read."""
        now = codec.now_iso()
        with self._transaction() as conn:
            conn.executemany(_UPSERT_ENTRY, ((url, codec.storable(entry_id), content_hash, now)
                                             for entry_id, content_hash in entries))

    # -- stories by update time -----------------------------------------------------------

    def count_stories_updated_since(self, since: str) -> int:
        """Stories created or changed at or after ``since`` (an ISO time from the store)."""
        with self._snapshot() as conn:
            return conn.execute("SELECT COUNT(*) FROM stories WHERE updated_at >= ?",
                                (since,)).fetchone()[0]

    def story_updates(self, *, limit: int = 50, story_ids: Sequence[str] | None = None
                      ) -> list[StoryUpdate]:
        """The most recently updated stories (among ``story_ids`` when given), newest first."""
        with self._snapshot() as conn:
            if story_ids is None:
                heads = conn.execute("SELECT story_id, updated_at FROM stories "
                                     "ORDER BY updated_at DESC, story_id LIMIT ?",
                                     (limit,)).fetchall()
            else:
                heads = _updated_among(conn, story_ids, limit)
            stories = load_stories(conn, [row[0] for row in heads])
            titles = _titles(conn, [story.article_ids[0] for story in stories if story.article_ids])
        updated = dict(heads)
        return [StoryUpdate(story, updated[story.story_id],
                            titles.get(story.article_ids[0]) if story.article_ids else None)
                for story in stories]


def _updated_among(conn: sqlite3.Connection, story_ids: Sequence[str],
                   limit: int) -> list[tuple[str, str]]:
    heads: list[tuple[str, str]] = []
    for chunk in chunks(dict.fromkeys(story_ids)):
        heads.extend(conn.execute(f"SELECT story_id, updated_at FROM stories WHERE story_id "
                                  f"IN ({marks(chunk)})", chunk).fetchall())
    heads.sort(key=lambda head: head[0])  # ties by id, as the listing without ids
    heads.sort(key=lambda head: head[1], reverse=True)
    return [tuple(head) for head in heads[:limit]]


def _titles(conn: sqlite3.Connection, article_ids: Sequence[str]) -> dict[str, str | None]:
    titles: dict[str, str | None] = {}
    for chunk in chunks(article_ids):
        titles.update(conn.execute(f"SELECT article_id, title FROM articles WHERE article_id "
                                   f"IN ({marks(chunk)})", chunk).fetchall())
    return titles
