"""Syndication groups: the copies of one text, joined through any chain of duplicate links."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Iterable, Mapping

from .dates import instant

_NEVER = datetime.max.replace(tzinfo=timezone.utc)  # undated copies sort after dated ones


def syndication_groups(links: Iterable[tuple[str, str]],
                       published: Mapping[str, str | None]) -> list[tuple[str, ...]]:
    """Connected components of the duplicate links, each listed from its first copy.

    Inside a group, copies are ordered by publication instant (UTC, see ``dates.instant``);
    copies without a usable date come last; ties are broken by article id. Groups are
    ordered by their first copy the same way. The result depends only on the set of links
    and the dates, never on the order of the links. A link from an id to itself is
    ignored; ids that appear in no link are in no group.
    """
    parent: dict[str, str] = {}
    for a, b in links:
        if a != b:
            _union(parent, a, b)
    members: dict[str, list[str]] = {}
    for article_id in parent:
        members.setdefault(_root(parent, article_id), []).append(article_id)

    def order(article_id: str) -> tuple[datetime, str]:
        return instant(published.get(article_id)) or _NEVER, article_id

    groups = [tuple(sorted(group, key=order)) for group in members.values()]
    return sorted(groups, key=lambda group: order(group[0]))


def _root(parent: dict[str, str], node: str) -> str:
    root = node
    while parent[root] != root:
        root = parent[root]
    while parent[node] != root:  # path compression keeps later lookups short
        parent[node], node = root, parent[node]
    return root


def _union(parent: dict[str, str], a: str, b: str) -> None:
    parent.setdefault(a, a)
    parent.setdefault(b, b)
    root_a, root_b = _root(parent, a), _root(parent, b)
    if root_a != root_b:
        parent[max(root_a, root_b)] = min(root_a, root_b)
