"""Reading ``Story`` records: members in publication order, copies grouped by their links."""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from typing import Iterable, Sequence

from ..types import Story
from .batching import chunks, marks
from .story_write import MEMBERS_WITH_ARTICLES


def duplicate_groups(members: Sequence[str],
                     links: Iterable[tuple[str, str]]) -> tuple[tuple[str, ...], ...]:
    """Connected components (of two or more) of ``links`` among ``members``.

    ``members`` must already be in publication order: each group keeps that order, and the
    groups are listed by their first member.
    """
    links = list(links)
    if not links:  # most stories: no copies
        return ()
    parent = {article_id: article_id for article_id in members}

    def root(article_id: str) -> str:
        while parent[article_id] != article_id:
            parent[article_id] = parent[parent[article_id]]  # path halving
            article_id = parent[article_id]
        return article_id

    for a, b in links:
        if a in parent and b in parent:
            parent[root(a)] = root(b)
    groups: dict[str, list[str]] = defaultdict(list)
    for article_id in members:  # dicts keep insertion order: groups by first member
        groups[root(article_id)].append(article_id)
    return tuple(tuple(group) for group in groups.values() if len(group) >= 2)


def load_stories(conn: sqlite3.Connection, story_ids: Sequence[str]) -> list[Story]:
    """The stories with these ids, in that order; unknown ids are left out."""
    heads = _story_heads(conn, story_ids)
    members = _members(conn, heads)
    links = links_within(conn, heads)
    stories = []
    for story_id in story_ids:
        if story_id not in heads:
            continue
        first_seen, last_seen, languages, outlets = heads[story_id]
        article_ids = members[story_id]
        stories.append(Story(
            story_id=story_id, article_ids=tuple(article_ids), first_seen=first_seen,
            last_seen=last_seen, languages=tuple(json.loads(languages)),
            outlets=tuple(json.loads(outlets)),
            duplicate_groups=duplicate_groups(article_ids, links[story_id])))
    return stories


def _story_heads(conn: sqlite3.Connection, story_ids: Sequence[str]) -> dict[str, tuple]:
    heads: dict[str, tuple] = {}
    for chunk in chunks(dict.fromkeys(story_ids)):
        for row in conn.execute(
                "SELECT story_id, first_seen, last_seen, languages, outlets FROM stories "
                f"WHERE story_id IN ({marks(chunk)})", chunk):
            heads[row[0]] = tuple(row[1:])
    return heads


def _members(conn: sqlite3.Connection, story_ids: Iterable[str]) -> dict[str, list[str]]:
    """Each story's article ids: first published first, undated last, ties by id."""
    members: dict[str, list[str]] = {story_id: [] for story_id in story_ids}
    for chunk in chunks(members):
        for story_id, article_id in conn.execute(
                f"SELECT m.story_id, m.article_id FROM {MEMBERS_WITH_ARTICLES} "
                f"WHERE m.story_id IN ({marks(chunk)}) ORDER BY m.story_id, "
                "COALESCE(a.published, '') = '', a.published, m.article_id", chunk):
            members[story_id].append(article_id)
    return members


def links_within(conn: sqlite3.Connection,
                  story_ids: Iterable[str]) -> dict[str, list[tuple[str, str]]]:
    """Each story's duplicate links whose two ends are both in it."""
    links: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for chunk in chunks(story_ids):
        # A link inside a story has its first end in it too, so one probe per member finds
        # them all. CROSS JOIN keeps this order: SQLite's planner, with no statistics,
        # would otherwise start from the second members table and pair every member with
        # every other.
        for story_id, a, b in conn.execute(
                "SELECT m.story_id, l.article_a, l.article_b FROM story_members AS m "
                "CROSS JOIN duplicate_links AS l ON l.article_a = m.article_id "
                "CROSS JOIN story_members AS other ON other.article_id = l.article_b "
                f"WHERE m.story_id IN ({marks(chunk)}) AND other.story_id = m.story_id",
                chunk):
            links[story_id].append((a, b))
    return links
