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
from .pages import ArticleHead, ListingCache, StoryListing
from .sqlite_stories import STORY_ORDER_BY
from .story_read import links_within, duplicate_groups

#: Listing orders: the story store's, and ``rank`` (recency plus coverage, see m004_search).
LISTING_ORDER_BY = {"rank": "rank DESC, story_id", **STORY_ORDER_BY}

#: Whether article ``a`` is headline-only, read from its features (the text is a long read).
HEADLINE_ONLY = "(SELECT f.headline_only FROM features AS f WHERE f.article_id = a.article_id)"
_HEAD_COLUMNS = ("a.article_id, a.title, a.subtitle, a.outlet, a.language, a.published, "
                 f"a.url, a.wire_agencies, m.story_id, {HEADLINE_ONLY}")
# The headline is the story card's when there is one, else the title of the story's first
# published article (its lead; the order the members index answers without reading rows).
_LEADS = """
SELECT s.story_id, s.size, s.first_seen, s.last_seen, s.languages, s.outlets, s.rank,
  (SELECT a.article_id FROM {members} WHERE m.story_id = s.story_id
   ORDER BY COALESCE(a.published, '') = '', a.published, a.article_id LIMIT 1) AS lead_id,
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
                       order: str = "rank", limit: int = 30, offset: int = 0,
                       cache: ListingCache | None = None) -> list[StoryListing]:
        """One page of stories, filtered as ``stories()`` does; ``story_ids`` narrows the
        choice to those stories (an entity's, a search's). See ``listings_for``."""
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
            return self.listings_for(conn, ids, cache)

    def count_stories_among(self, story_ids: Sequence[str], *, since: str | None = None,
                            until: str | None = None, language: str | None = None,
                            outlet: str | None = None, min_size: int = 1) -> int:
        """How many of ``story_ids`` pass the filters (what ``story_listings`` pages)."""
        where, params = StoryFilter(since, until, language, outlet, min_size).where()
        with self._snapshot() as conn:
            return len(self._ordered_subset(conn, story_ids, where, params, "size"))

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

    def listings_for(self, conn: sqlite3.Connection, story_ids: Sequence[str],
                     cache: ListingCache | None = None) -> list[StoryListing]:
        """The listings of these stories, in this order; unknown ids are left out.

        With a ``cache``, a story's listing is built once per version of the story (its
        ``updated_at`` and its card's ``built_at``), which a large story makes worth it.
        """
        ids = list(dict.fromkeys(story_ids))
        versions = _versions(conn, ids) if cache is not None else {}
        found: dict[str, StoryListing] = {}
        for story_id in ids:
            hit = cache.get((story_id, versions[story_id])) if story_id in versions else None
            if hit is not None:
                found[story_id] = hit
        built = _build_listings(conn, [i for i in ids if i not in found])
        for listing in built:
            found[listing.story_id] = listing
            if cache is not None and listing.story_id in versions:
                cache.put((listing.story_id, versions[listing.story_id]), listing)
        return [found[story_id] for story_id in ids if story_id in found]

    def story_listing_page(self, story_ids: Sequence[str],
                           cache: ListingCache | None = None) -> list[StoryListing]:
        """``listings_for`` in its own read (for ids found elsewhere: a search)."""
        with self._snapshot() as conn:
            return self.listings_for(conn, story_ids, cache)

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
            # Counted on the outlet index alone; then one spelling of each outlet (reading
            # the spelling of every article would read every article row).
            keys = conn.execute(
                "SELECT outlet_key, COUNT(*) AS n FROM articles WHERE outlet_key IS NOT NULL "
                "GROUP BY outlet_key ORDER BY n DESC, outlet_key LIMIT ?",
                (top_outlets,)).fetchall()
            outlets = [(conn.execute("SELECT outlet FROM articles WHERE outlet_key = ? LIMIT 1",
                                     (key,)).fetchone()[0], n) for key, n in keys]
        return {"languages": [tuple(row) for row in languages], "outlets": outlets}


def _versions(conn: sqlite3.Connection, story_ids: list[str]) -> dict[str, str]:
    """What a cached listing is valid for: the story's update time and its card's build."""
    found: dict[str, str] = {}
    for chunk in chunks(story_ids):
        for story_id, updated, built in conn.execute(
                "SELECT s.story_id, s.updated_at, c.built_at FROM stories AS s LEFT JOIN "
                "story_cards AS c ON c.story_id = s.story_id "
                f"WHERE s.story_id IN ({marks(chunk)})", chunk):
            found[story_id] = f"{updated}|{built or ''}"
    return found


def _build_listings(conn: sqlite3.Connection, story_ids: list[str]) -> list[StoryListing]:
    rows = {}
    for chunk in chunks(story_ids):
        rows.update({row["story_id"]: row for row in
                     conn.execute(_LEADS.format(members=_MEMBERS, marks=marks(chunk)), chunk)})
    titles = {head.article_id: head.title
              for head in _heads(conn, [row["lead_id"] for row in rows.values() if row["lead_id"]])}
    copies = _copies(conn, list(rows))
    days = _days(conn, list(rows))
    return [StoryListing(
        story_id=story_id, headline=row["card_headline"] or titles.get(row["lead_id"]),
        lead_article_id=row["lead_id"], size=row["size"],
        independent_reports=row["size"] - copies.get(story_id, 0),
        first_seen=row["first_seen"], last_seen=row["last_seen"],
        languages=tuple(json.loads(row["languages"])), outlets=tuple(json.loads(row["outlets"])),
        rank=row["rank"], days=days.get(story_id, ()))
        for story_id in story_ids if (row := rows.get(story_id)) is not None]


def _copies(conn: sqlite3.Connection, story_ids: list[str]) -> dict[str, int]:
    """Each story's articles that are copies of another of its articles (a group of n
    copies of one text counts n - 1), from its duplicate links alone."""
    return {story_id: sum(len(group) - 1 for group in duplicate_groups(
                sorted({end for link in found for end in link}), found))
            for story_id, found in links_within(conn, story_ids).items()}


def _heads(conn: sqlite3.Connection, article_ids: Iterable[str]) -> list[ArticleHead]:
    heads = []
    for chunk in chunks(list(article_ids)):
        for row in conn.execute(
                f"SELECT {_HEAD_COLUMNS} FROM articles AS a LEFT JOIN story_members AS m "
                f"ON m.article_id = a.article_id WHERE a.article_id IN ({marks(chunk)})", chunk):
            heads.append(ArticleHead(*row[:7], wire_agencies=tuple(json.loads(row[7])),
                                     story_id=row[8], headline_only=bool(row[9])))
    return heads


def _days(conn: sqlite3.Connection, story_ids: list[str]) -> dict[str, tuple]:
    found: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for chunk in chunks(story_ids):
        for story_id, day, count in conn.execute(
                _DAYS.format(members=_MEMBERS, marks=marks(chunk)), chunk):
            found[story_id].append((day, count))
    return {story_id: tuple(sorted(days)) for story_id, days in found.items()}

