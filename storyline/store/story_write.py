"""Writing stories: membership, deletion, and the derived columns kept true to the members.

Every write that touches a story's members recomputes its size, dates, languages and
outlets from ``story_members`` joined with ``articles``, in the same transaction, so that
listings read only ``stories`` and ``story_facets``.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from dataclasses import dataclass, field
from typing import Iterable, Iterator, Mapping, Sequence

from ..errors import StoreError
from .base import Membership
from .batching import chunks, marks
from .rows import StoryRow

logger = logging.getLogger(__name__)

MEMBERS_WITH_ARTICLES = ("story_members AS m JOIN articles AS a INDEXED BY "
                         "articles_story_fields ON a.article_id = m.article_id")
# One pass over the members: SQLite groups them by (story, language, outlet), and Python
# folds the groups into each story's size, dates and most-frequent-first lists. Outlets
# that differ only in case are one outlet (see codec.outlet_key), shown in one of their
# spellings as stats() does.
_MEMBER_GROUPS = (
    "SELECT m.story_id, a.language, a.outlet_key, MIN(a.outlet), COUNT(*), "
    "MIN(NULLIF(a.published, '')), MAX(NULLIF(a.published, '')) "
    f"FROM {MEMBERS_WITH_ARTICLES} WHERE {{scope}} "
    "GROUP BY m.story_id, a.language, a.outlet_key"
)
_UPDATE_DERIVED = ("UPDATE stories SET size = ?, first_seen = ?, last_seen = ?, languages = ?, "
                   "outlets = ?, updated_at = ? WHERE story_id = ?")
_UPSERT_MEMBER = (
    "INSERT INTO story_members (article_id, story_id, score) VALUES (?, ?, ?) "
    "ON CONFLICT (article_id) DO UPDATE SET story_id = excluded.story_id, "
    "score = excluded.score"
)
_INSERT_FACET = ("INSERT INTO story_facets (kind, value, story_id, label, articles) "
                 "VALUES (?, ?, ?, ?, ?)")


@dataclass
class _Derived:
    """What a story shows of its members, folded from their groups."""

    size: int = 0
    first_seen: str | None = None
    last_seen: str | None = None
    # kind -> value -> [articles, label]
    facets: dict[str, dict[str, list]] = field(
        default_factory=lambda: {"language": {}, "outlet": {}})

    def add(self, language: str | None, outlet_key: str | None, outlet: str | None,
            articles: int, first: str | None, last: str | None) -> None:
        self.size += articles
        if first is not None and (self.first_seen is None or first < self.first_seen):
            self.first_seen = first
        if last is not None and (self.last_seen is None or last > self.last_seen):
            self.last_seen = last
        for kind, value, label in (("language", language, language),
                                   ("outlet", outlet_key, outlet)):
            if value:
                counted = self.facets[kind].setdefault(value, [0, label])
                counted[0] += articles
                counted[1] = min(counted[1], label)

    def labels(self, kind: str) -> str:
        """The JSON list of ``kind``: most articles first, ties by label."""
        ranked = sorted(self.facets[kind].values(), key=lambda c: (-c[0], c[1]))
        return json.dumps([label for _, label in ranked], ensure_ascii=False)

    def facet_rows(self, story_id: str) -> Iterator[tuple[str, str, str, str, int]]:
        for kind, values in self.facets.items():
            for value, (articles, label) in values.items():
                yield kind, value, story_id, label, articles


def refresh_stories(conn: sqlite3.Connection, story_ids: Iterable[str] | None,
                    now: str) -> dict[str, int]:
    """Recompute the derived columns of these stories (of every story with ``None``).

    Returns each refreshed story's size.
    """
    if story_ids is None:
        return _refresh(conn, None, now)
    sizes: dict[str, int] = {}
    for chunk in chunks(dict.fromkeys(story_ids)):
        sizes.update(_refresh(conn, chunk, now))
    return sizes


def _refresh(conn: sqlite3.Connection, chunk: list[str] | None, now: str) -> dict[str, int]:
    def scope(column: str) -> str:
        return "1" if chunk is None else f"{column} IN ({marks(chunk)})"

    ids = chunk or []
    story_ids = chunk if chunk is not None else [
        row[0] for row in conn.execute("SELECT story_id FROM stories")]
    derived = {story_id: _Derived() for story_id in story_ids}
    for story_id, *group in conn.execute(_MEMBER_GROUPS.format(scope=scope("m.story_id")),
                                         ids):
        derived[story_id].add(*group)
    conn.execute(f"DELETE FROM story_facets WHERE {scope('story_id')}", ids)
    conn.executemany(_INSERT_FACET, (row for story_id, found in derived.items()
                                     for row in found.facet_rows(story_id)))
    conn.executemany(_UPDATE_DERIVED, (
        (found.size, found.first_seen, found.last_seen, found.labels("language"),
         found.labels("outlet"), now, story_id) for story_id, found in derived.items()))
    return {story_id: found.size for story_id, found in derived.items()}


def upsert_members(conn: sqlite3.Connection, members: Sequence[Membership]) -> None:
    """Put each article into its story (moving it out of any other)."""
    try:
        conn.executemany(_UPSERT_MEMBER, members)
    except sqlite3.IntegrityError as exc:
        if "FOREIGN KEY" in str(exc):  # say which article or story is unknown
            _check_articles_stored(conn, (article_id for article_id, _, _ in members))
            _check_stories_stored(conn, (story_id for _, story_id, _ in members))
        raise


def _missing(conn: sqlite3.Connection, table: str, column: str, ids: Iterable[str]) -> list[str]:
    """The ids, in order, that ``table`` has no row for (table and column are ours, not input)."""
    wanted = list(dict.fromkeys(ids))
    known: set[str] = set()
    for chunk in chunks(wanted):
        known.update(row[0] for row in conn.execute(
            f"SELECT {column} FROM {table} WHERE {column} IN ({marks(chunk)})", chunk))
    return [value for value in wanted if value not in known]


def _check_articles_stored(conn: sqlite3.Connection, article_ids: Iterable[str]) -> None:
    """``StoreError`` unless every article is stored: a story lists stored articles only."""
    missing = _missing(conn, "articles", "article_id", article_ids)
    if missing:
        raise StoreError(f"cannot put {len(missing)} articles into stories: they are not "
                         f"stored (first: {missing[0]}); store the articles first")


def _check_stories_stored(conn: sqlite3.Connection, story_ids: Iterable[str]) -> None:
    """``StoreError`` unless every story id is stored (or upserted in this call)."""
    missing = _missing(conn, "stories", "story_id", story_ids)
    if missing:
        raise StoreError(f"cannot put articles into {len(missing)} unknown stories (first: "
                         f"{missing[0]}); pass their StoryRow in the same call")


def delete_empty_stories(conn: sqlite3.Connection, story_ids: Sequence[str]) -> None:
    """Delete these stories; ``StoreError`` if one still has members (they would be lost)."""
    for chunk in chunks(dict.fromkeys(story_ids)):
        left = conn.execute(
            f"SELECT story_id, COUNT(*) FROM story_members WHERE story_id IN ({marks(chunk)}) "
            "GROUP BY story_id ORDER BY story_id LIMIT 1", chunk).fetchone()
        if left:
            raise StoreError(f"cannot delete story {left[0]}: {left[1]} articles are still "
                             "in it; move them to another story in the same call")
        conn.execute(f"DELETE FROM stories WHERE story_id IN ({marks(chunk)})", chunk)


def warn_on_size_mismatch(sizes: Mapping[str, int], stories: Sequence[StoryRow]) -> None:
    """Log when the clusterer's sizes disagree with the members stored: a bug upstream."""
    wrong = [(story.story_id, sizes[story.story_id], story.size) for story in stories
             if story.story_id in sizes and sizes[story.story_id] != story.size]
    if wrong:
        story_id, stored, given = wrong[0]
        logger.warning("%d stories have a size other than their stored members (first: %s "
                       "has %d members, its StoryRow says %d); stored sizes count members",
                       len(wrong), story_id, stored, given)
