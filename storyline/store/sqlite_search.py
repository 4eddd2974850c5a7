"""Full-text search (SQLite FTS5) and the change counter, for the web UI and HTTP API.

The indexes and the counter are kept by the triggers of migration ``m004_search``; this
module only reads them. A user's query never reaches FTS5's own query syntax: it is cut
into words and quoted phrases, each passed as a quoted string, so that no input can make
a query fail or mean something else.
"""

from __future__ import annotations

import json
import re
import sqlite3
from contextlib import AbstractContextManager
from typing import Callable

from .filters import ArticleFilter, StoryFilter, check_page
from .pages import ArticleHead, ArticleHit, Changes, SearchResults, Snippet, StoryHit
from .sqlite_pages import HEADLINE_ONLY

#: Marks FTS5 puts around matches (STX, ETX), removed again by ``split_marked``.
_OPEN, _CLOSE = "\x02", "\x03"
_TERMS = re.compile(r'"([^"]*)"?|(\S+)')
# What unicode61 keeps as token characters: letters and digits (not "_", not punctuation).
_TOKEN = re.compile(r"[^\W_]+")
MAX_TERMS = 16

_ARTICLE_HITS = f"""
SELECT a.article_id, a.title, a.subtitle, a.outlet, a.language, a.published, a.url,
       a.wire_agencies, m.story_id,
       {HEADLINE_ONLY} AS headline_only,
       highlight(articles_fts, 0, char(2), char(3)) AS marked_title,
       snippet(articles_fts, 2, char(2), char(3), '…', 24) AS marked_text
FROM articles_fts JOIN articles AS a ON a.rowid = articles_fts.rowid
LEFT JOIN story_members AS m ON m.article_id = a.article_id
WHERE articles_fts MATCH ? {{filters}}
ORDER BY articles_fts.rank LIMIT ? OFFSET ?
"""
_COUNT_HITS = """
SELECT COUNT(*) FROM (SELECT 1 FROM articles_fts JOIN articles AS a
ON a.rowid = articles_fts.rowid WHERE articles_fts MATCH ? {filters} LIMIT ?)
"""
_STORY_HITS = """
SELECT story_id, snippet(stories_fts, 1, char(2), char(3), '…', 20) FROM stories_fts
WHERE stories_fts MATCH ? {filters} ORDER BY rank LIMIT ?
"""


def match_expression(query: str) -> str | None:
    """An FTS5 query for ``query``: every word and "quoted phrase" must occur; a word
    ending in ``*`` matches as a prefix. ``None`` when the query holds no word."""
    parts = []
    for phrase, word in _TERMS.findall(query or ""):
        tokens = _TOKEN.findall(phrase or word)
        if tokens:
            prefix = "*" if word.endswith("*") and len(tokens) == 1 else ""
            parts.append('"' + " ".join(tokens) + '"' + prefix)
    return " AND ".join(parts[:MAX_TERMS]) or None


def split_marked(marked: str | None) -> Snippet:
    """Plain text and match offsets from a string FTS5 marked with STX/ETX."""
    text, matches, start = [], [], None
    length = 0
    for piece in re.split(f"([{_OPEN}{_CLOSE}])", marked or ""):
        if piece == _OPEN:
            start = length
        elif piece == _CLOSE:
            if start is not None and length > start:
                matches.append((start, length))
            start = None
        else:
            text.append(piece)
            length += len(piece)
    return Snippet("".join(text), tuple(matches))


def _and(where: str) -> str:
    """A filter's ``WHERE a AND b`` as ``AND a AND b`` to follow a MATCH."""
    return " AND " + where.removeprefix("WHERE ") if where else ""


class SQLiteSearchMixin:
    """Search and change reads of ``SQLiteStore``."""

    # Supplied by SQLiteStore.
    conn: sqlite3.Connection
    _transaction: Callable[..., AbstractContextManager[sqlite3.Connection]]
    _snapshot: Callable[[], AbstractContextManager[sqlite3.Connection]]

    def search(self, query: str, *, since: str | None = None, until: str | None = None,
               outlet: str | None = None, language: str | None = None, limit: int = 20,
               offset: int = 0, stories: int = 5, cap: int = 1000) -> SearchResults:
        """Articles matching ``query`` (best first, with a highlighted title and snippet),
        and on the first page up to ``stories`` stories whose titles match."""
        check_page(limit, offset)
        match = match_expression(query)
        if match is None:
            return SearchResults(query=query, cap=cap)
        where, params = ArticleFilter(since, until, outlet, language).where()
        with self._snapshot() as conn:
            rows = conn.execute(_ARTICLE_HITS.format(filters=_and(where)),
                                (match, *params, limit, offset)).fetchall()
            total = conn.execute(_COUNT_HITS.format(filters=_and(where)),
                                 (match, *params, cap + 1)).fetchone()[0]
            story_hits = (self._story_hits(conn, match, since, until, outlet, language, stories)
                          if offset == 0 and stories else [])
        return SearchResults(query=query, articles=[_article_hit(row) for row in rows],
                             stories=story_hits, total=min(total, cap), more=total > cap,
                             cap=cap)

    @staticmethod
    def _story_hits(conn: sqlite3.Connection, match: str, since: str | None,
                    until: str | None, outlet: str | None, language: str | None,
                    limit: int) -> list[StoryHit]:
        filters, params = "", []
        if since or until or outlet or language:
            where, params = StoryFilter(since, until, language, outlet).where()
            filters = f"AND story_id IN (SELECT story_id FROM stories {where})"
        rows = conn.execute(_STORY_HITS.format(filters=filters), (match, *params, limit))
        return [StoryHit(story_id, split_marked(marked)) for story_id, marked in rows]

    def data_version(self) -> int:
        """A number that differs from the last one this store returned whenever another
        connection (another thread, another process) has committed anything since: a
        cheap "did anything change" for caches (SQLite's ``PRAGMA data_version``)."""
        return self.conn.execute("PRAGMA data_version").fetchone()[0]

    def change_seq(self) -> int:
        """The latest change number (0 before any story exists)."""
        with self._snapshot() as conn:
            return conn.execute("SELECT COALESCE(MAX(seq), 0) FROM story_changes").fetchone()[0]

    def changes(self, since: int = 0, limit: int = 100) -> Changes:
        """What changed after change number ``since`` (0: everything)."""
        check_page(limit, 0)
        with self._snapshot() as conn:
            seq = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM story_changes").fetchone()[0]
            count = conn.execute("SELECT COUNT(*) FROM story_changes WHERE seq > ?",
                                 (since,)).fetchone()[0]
            rows = conn.execute("SELECT story_id, deleted FROM story_changes WHERE seq > ? "
                                "ORDER BY seq DESC LIMIT ?", (since, limit)).fetchall()
        return Changes(since=since, seq=seq, count=count,
                       story_ids=tuple(row[0] for row in rows if not row[1]),
                       deleted=tuple(row[0] for row in rows if row[1]))

    def rebuild_search(self) -> None:
        """Rebuild both full-text indexes from the tables (after a VACUUM renumbered rows)."""
        with self._transaction() as conn:
            conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('rebuild')")
            conn.execute("DELETE FROM stories_fts")
            # Setting size to itself fires the trigger that indexes each story's titles.
            conn.execute("UPDATE stories SET size = size")


def _article_hit(row: sqlite3.Row) -> ArticleHit:
    head = ArticleHead(article_id=row["article_id"], title=row["title"],
                       subtitle=row["subtitle"], outlet=row["outlet"],
                       language=row["language"], published=row["published"], url=row["url"],
                       wire_agencies=tuple(json.loads(row["wire_agencies"])),
                       story_id=row["story_id"], headline_only=bool(row["headline_only"]))
    return ArticleHit(head=head, title=split_marked(row["marked_title"]),
                      snippet=split_marked(row["marked_text"]))
