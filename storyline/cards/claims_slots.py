"""The common ground of disagreement detection: candidates linked when they fill one slot,
each connected set of links one slot, its values grouped by equality.

A slot with two or more values, each backed by a source the others do not share, is a
disagreement, unless every source of one value published on an earlier day than every
source of the next: then the figure changed over time ("2,300 ha" on Saturday, "2,800 ha"
on Sunday) and is reported as an update for the timeline rather than a conflict. The
aspects (``claims_conflict``, ``claims_when_where``) only say which candidates fill one
slot and with what value.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Callable, Sequence

import numpy as np

from ..embed.names import name_keys, names
from .claims_extract import ClaimCandidate, published_date

__all__ = ["Disagreement", "Node", "components", "disagreements_from", "independent",
           "related_pairs"]


@dataclass
class Disagreement:
    aspect: str  # quantity | date | attribution | place
    slot: str  # what the values are of, in words
    sides: list[tuple[str, list[ClaimCandidate]]]  # (value as shown, candidates stating it)
    why: str
    is_update: bool = False
    similarity: float = 0.0
    as_of: list[date | None] = field(default_factory=list)


# One node is one value stated by one candidate; edges join nodes that fill one slot.
Node = tuple[int, str]  # (candidate index, value key)


def related_pairs(candidates, similarity, articles, threshold):
    rows, cols = np.nonzero(np.triu(similarity >= threshold, k=1))
    for i, j in zip(rows.tolist(), cols.tolist()):
        if independent(candidates[i], candidates[j], articles):
            yield i, j, float(similarity[i, j])


def independent(a: ClaimCandidate, b: ClaimCandidate, articles) -> bool:
    """Different articles that are not copies of one wire text."""
    if a.article_id == b.article_id:
        return False
    art_a, art_b = articles.get(a.article_id), articles.get(b.article_id)
    if art_a is None or art_b is None:
        return True
    return art_a.independence_key != art_b.independence_key


def disagreements_from(edges, candidates, articles, aspect: str, labels: dict,
                        describe: Callable, updates: bool = True,
                        merge: Callable | None = None) -> list[Disagreement]:
    """Connected slots with two or more values become disagreements (or updates)."""
    found_components = components(edges)
    found = []
    for nodes, weakest in found_components:
        canonical = merge([v for _, v in nodes]) if merge else {v: v for _, v in nodes}
        by_value: dict[str, list[int]] = defaultdict(list)
        for index, value in sorted(nodes):
            if index not in by_value[canonical[value]]:
                by_value[canonical[value]].append(index)
        if len(by_value) < 2:
            continue
        sides = sorted(by_value.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        first_label = {canonical[v]: labels[(i, v)] for i, v in sorted(nodes, reverse=True)}
        shown = [(first_label[value], [candidates[i] for i in indices])
                 for value, indices in sides]
        if not _sides_independent(shown, articles):
            continue
        as_of = [_earliest(members, articles) for _, members in shown]
        is_update = updates and _ordered_in_time(shown, articles) and \
            not _attributed_apart(shown)
        slot = describe(next(iter(nodes)))
        found.append(Disagreement(aspect, slot, shown, _why(slot, shown, weakest, is_update),
                                  is_update, weakest, as_of))
    return found


def components(edges) -> list[tuple[set[Node], float]]:
    """The connected sets of nodes, each with its weakest link."""
    parent: dict[Node, Node] = {}

    def root(node):
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for a, b, _ in edges:
        parent[root(a)] = root(b)
    members: dict[Node, set[Node]] = defaultdict(set)
    weakest: dict[Node, float] = {}
    for a, b, score in edges:
        r = root(a)
        members[r] |= {a, b}
        weakest[r] = min(weakest.get(r, 1.0), score)
    return [(nodes, weakest[r]) for r, nodes in members.items()]


def _sides_independent(shown, articles) -> bool:
    """At least two values are each backed by a source the others do not share."""
    keys = [{_key(c, articles) for c in members} for _, members in shown]
    return sum(1 for i, k in enumerate(keys)
               if k - set().union(*(keys[:i] + keys[i + 1:]))) >= 2


def _key(candidate: ClaimCandidate, articles) -> str:
    article = articles.get(candidate.article_id)
    return article.independence_key if article else candidate.article_id


def _earliest(members: Sequence[ClaimCandidate], articles) -> date | None:
    days = [published_date(articles[c.article_id]) for c in members if c.article_id in articles]
    days = [d for d in days if d]
    return min(days) if days else None


def _ordered_in_time(shown, articles) -> bool:
    """Every dated source of each value published on a later day than every dated source of
    the value before it (values sorted by their first day); sources without a date are left
    out, but each value needs at least one dated source."""
    spans = []
    for _, members in shown:
        days = [published_date(articles[c.article_id]) for c in members
                if c.article_id in articles]
        days = [day for day in days if day]
        if not days:
            return False
        spans.append((min(days), max(days)))
    spans.sort()
    return all(earlier[1] < later[0] for earlier, later in zip(spans, spans[1:]))


def _attributed_apart(shown) -> bool:
    """Each value is credited to someone, and no one is credited with two of them (the
    ministry says 12, the governor 14): a conflict of sources, not a figure that grew."""
    credited = []
    for _, members in shown:
        keys = frozenset().union(*(name_keys(names(c.speaker)) for c in members if c.speaker))
        if not keys:
            return False
        credited.append(keys)
    return all(not (a & b) for i, a in enumerate(credited) for b in credited[i + 1:])


def _why(slot: str, shown, similarity: float, is_update: bool) -> str:
    counts = [len({c.article_id for c in members}) for _, members in shown]
    values = " vs ".join(f"{value} ({n} article{'s' if n > 1 else ''})"
                         for (value, _), n in zip(shown, counts))
    if is_update:
        return f"{slot} changed over time, each value published on a later day: {values}"
    return f"related sentences (similarity {similarity:.2f}) give {slot} differently: {values}"
