"""Light reads for pages: ranked story listings, article heads, filter choices.

Each read is a few indexed queries over the ids on one page, never a query per member,
and never reads the long article texts (see ``pages``).
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from contextlib import AbstractContextManager
from typing import Any, Callable, Iterable, Sequence

from ..errors import UserError
from .batching import chunks, marks
from .filters import ArticleFilter, StoryFilter, check_page
from .pages import ArticleHead, StoryListing
from .sqlite_stories import STORY_ORDER_BY
from .story_read import load_stories

#: Listing orders: the story store's, and ``rank`` (recency plus coverage, see m004_search).
LISTING_ORDER_BY = {"rank": "rank DESC, story_id", **STORY_ORDER_BY}

_HEAD_COLUMNS = ("a.article_id, a.title, a.subtitle, a.outlet, a.language, a.published, "
                 "a.url, a.wire_agencies, m.story_id")
# The headline is the story card's when there is one, else the title of the story's first
# published article with a title (its lead).
_LEADS = """
SELECT s.story_id, s.size, s.first_seen, s.last_seen, s.languages, s.outlets, s.rank,
  (SELECT a.article_id FROM story_members AS m JOIN articles AS a ON a.article_id = m.article_id
   WHERE m.story_id = s.story_id
   ORDER BY a.title IS NULL, COALESCE(a.published, '') = '', a.published, a.article_id
   LIMIT 1) AS lead_id,
  (SELECT json_extract(c.card, '$.headline') FROM story_cards AS c
   WHERE c.story_id = s.story_id AND c.card IS NOT NULL) AS card_headline
FROM stories AS s WHERE s.story_id IN ({marks})
"""
_DAYS = """
SELECT m.story_id, substr(a.published, 1, 10) AS day, COUNT(*) FROM {members}
WHERE m.story_id IN ({marks}) AND a.published IS NOT NULL GROUP BY m.story_id, day
"""
_MEMBERS = ("story_members AS m JOIN articles AS a INDEXED BY articles_story_fields "
            "ON a.article_id = m.article_id")


class SQLitePagesMixin:
    """Page reads of ``SQLiteStore``."""

    # Supplied by SQLiteStore.
    _snapshot: Callable[[], AbstractContextManager[sqlite3.Connection]]

    def story_listings(self, *, since: str | None = None, until: str | None = None,
                       language: str | None = None, outlet: str | None = None,
                       min_size: int = 1, story_ids: Sequence[str] | None = None,
                       order: str = "rank", limit: int = 30,
                       offset: int = 0) -> list[StoryListing]:
        """One page of stories, filtered as ``stories()`` does; ``story_ids`` narrows the
        choice to those stories (an entity's, a search's)."""
        check_page(limit, offset)
        if order not in LISTING_ORDER_BY:
            raise UserError(f"order must be one of {', '.join(LISTING_ORDER_BY)}, "
                            f"got {order!r}")
        where, params = StoryFilter(since, until, language, outlet, min_size).where()
        with self._snapshot() as conn:
            if story_ids is not None:
                ids = self._ordered_subset(conn, story_ids, where, params, order)[
                    offset:offset + limit]
            else:
                ids = [row[0] for row in conn.execute(
                    f"SELECT story_id FROM stories {where} ORDER BY {LISTING_ORDER_BY[order]} "
                    "LIMIT ? OFFSET ?", (*params, limit, offset))]
            return self.listings_for(conn, ids)

    @staticmethod
    def _ordered_subset(conn: sqlite3.Connection, story_ids: Sequence[str], where: str,
                        params: list[Any], order: str) -> list[str]:
        """Those of ``story_ids`` that pass the filters, in the listing order."""
        column = {"rank": "rank", "recent": "last_seen", "size": "size"}[order]
        found: list[tuple] = []
        for chunk in chunks(dict.fromkeys(story_ids)):
            found.extend(conn.execute(
                f"SELECT story_id, {column} FROM stories {where} "
                f"AND story_id IN ({marks(chunk)})", (*params, *chunk)))
        # As the SQL orders: the column descending with NULL last, then the id ascending
        # (Python's sort is stable, also in reverse).
        found.sort(key=lambda row: row[0])
        found.sort(key=lambda row: (row[1] is not None, row[1] or 0), reverse=True)
        return [row[0] for row in found]

    def listings_for(self, conn: sqlite3.Connection, story_ids: Sequence[str]) -> list[StoryListing]:
        """The listings of these stories, in this order; unknown ids are left out."""
        rows = {}
        for chunk in chunks(dict.fromkeys(story_ids)):
            rows.update({row["story_id"]: row for row in
                         conn.execute(_LEADS.format(marks=marks(chunk)), chunk)})
        leads = {row["lead_id"]: row["story_id"] for row in rows.values() if row["lead_id"]}
        titles = {head.article_id: head.title for head in _heads(conn, leads)}
        independent = {s.story_id: s.independent_reports
                       for s in load_stories(conn, list(rows))}
        days = _days(conn, list(rows))
        return [StoryListing(
            story_id=story_id, headline=row["card_headline"] or titles.get(row["lead_id"]),
            lead_article_id=row["lead_id"],
            size=row["size"], independent_reports=independent.get(story_id, row["size"]),
            first_seen=row["first_seen"], last_seen=row["last_seen"],
            languages=tuple(json.loads(row["languages"])), outlets=tuple(json.loads(row["outlets"])),
            rank=row["rank"], days=days.get(story_id, ()))
            for story_id in story_ids if (row := rows.get(story_id)) is not None]

    def story_listing_page(self, story_ids: Sequence[str]) -> list[StoryListing]:
        """``listings_for`` in its own read (for ids found elsewhere: a search)."""
        with self._snapshot() as conn:
            return self.listings_for(conn, story_ids)

    def article_heads(self, article_ids: Iterable[str]) -> list[ArticleHead]:
        """The heads of these articles, in this order; unknown ids are left out."""
        ids = list(dict.fromkeys(article_ids))
        with self._snapshot() as conn:
            found = {head.article_id: head for head in _heads(conn, ids)}
        return [found[article_id] for article_id in ids if article_id in found]

    def article_head_page(self, *, since: str | None = None, until: str | None = None,
                          outlet: str | None = None, language: str | None = None,
                          limit: int = 50, offset: int = 0) -> list[ArticleHead]:
        """One page of article heads, newest first, filtered as ``articles()`` does."""
        check_page(limit, offset)
        where, params = ArticleFilter(since, until, outlet, language).where()
        with self._snapshot() as conn:
            ids = [row[0] for row in conn.execute(
                f"SELECT article_id FROM articles {where} ORDER BY published DESC NULLS LAST, "
                "article_id DESC LIMIT ? OFFSET ?", (*params, limit, offset))]
            found = {head.article_id: head for head in _heads(conn, ids)}
        return [found[article_id] for article_id in ids]

    def facet_counts(self, top_outlets: int = 200) -> dict[str, list[tuple[str, int]]]:
        """Languages and the most frequent outlets, with their article counts: the choices
        of the filter menus."""
        with self._snapshot() as conn:
            languages = conn.execute(
                "SELECT language, COUNT(*) AS n FROM articles WHERE language IS NOT NULL "
                "GROUP BY language ORDER BY n DESC, language").fetchall()
            outlets = conn.execute(
                "SELECT MIN(outlet), COUNT(*) AS n FROM articles WHERE outlet_key IS NOT NULL "
                "GROUP BY outlet_key ORDER BY n DESC, MIN(outlet) LIMIT ?",
                (top_outlets,)).fetchall()
        return {"languages": [tuple(row) for row in languages],
                "outlets": [tuple(row) for row in outlets]}


def _heads(conn: sqlite3.Connection, article_ids: Iterable[str]) -> list[ArticleHead]:
    heads = []
    for chunk in chunks(list(article_ids)):
        for row in conn.execute(
                f"SELECT {_HEAD_COLUMNS} FROM articles AS a LEFT JOIN story_members AS m "
                f"ON m.article_id = a.article_id WHERE a.article_id IN ({marks(chunk)})", chunk):
            heads.append(ArticleHead(*row[:7], wire_agencies=tuple(json.loads(row[7])),
                                     story_id=row[8]))
    return heads


def _days(conn: sqlite3.Connection, story_ids: list[str]) -> dict[str, tuple]:
    found: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for chunk in chunks(story_ids):
        for story_id, day, count in conn.execute(
                _DAYS.format(members=_MEMBERS, marks=marks(chunk)), chunk):
            found[story_id].append((day, count))
    return {story_id: tuple(sorted(days)) for story_id, days in found.items()}

