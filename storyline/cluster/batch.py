"""Batch clustering: global average linkage over a candidate graph, independent of order.

1. Duplicate links join their articles first (a reprint is the same story by definition).
2. Candidate pairs: each article's nearest neighbours by dense similarity and by TF-IDF
   similarity, only among articles whose dates fall within the window (exact search, in
   date blocks so the cost does not grow with the square of the archive). Either kind
   alone misses pairs: on gva the dense top 20 hold 62% of the same-story pairs, the
   TF-IDF top 20 90%.
3. Agglomeration: repeatedly merge the two linked groups with the highest average
   linkage (``linkage.link``) while it reaches the threshold. Ties are broken by group key,
   and groups are built in key order, so the result does not depend on input order.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from typing import Iterable, Sequence

import faiss
import numpy as np

from .linkage import Group, Weights, links
from .sparse import stack

_NEIGHBOURS = 20


def cluster_groups(groups: Sequence[Group], weights: Weights, *,
                   duplicate_links: Iterable[tuple[str, str]] = (),
                   neighbours: int = _NEIGHBOURS) -> list[list[str]]:
    """Partition the keys of ``groups`` (one per article) into stories, each sorted."""
    ordered = sorted(groups, key=lambda g: g.key)
    members = {g.key: [g.key] for g in ordered}
    live = {g.key: g.copy() for g in ordered}
    parent = _join_duplicates(live, members, duplicate_links)
    edges = candidate_pairs(ordered, weights, neighbours)
    adjacency: dict[str, set[str]] = defaultdict(set)
    for a, b in edges:
        a, b = parent(a), parent(b)
        if a != b:
            adjacency[a].add(b)
            adjacency[b].add(a)
    _agglomerate(live, members, adjacency, weights)
    return sorted(sorted(keys) for keys in members.values())


def _join_duplicates(live, members, links):
    """Merge duplicate-linked articles up front; returns a finder for a key's group."""
    owner = {key: key for key in live}

    def find(key: str) -> str:
        while owner[key] != key:
            owner[key] = owner[owner[key]]
            key = owner[key]
        return key

    for a, b in sorted(tuple(sorted(pair)) for pair in links):
        if a not in owner or b not in owner:
            continue
        ra, rb = sorted((find(a), find(b)))
        if ra != rb:
            live[ra].absorb(live.pop(rb))
            members[ra].extend(members.pop(rb))
            owner[rb] = ra
    return find


def candidate_pairs(groups: Sequence[Group], weights: Weights, k: int) -> set[tuple[str, str]]:
    """Nearest neighbours by dense and by lexical similarity, searched within date blocks."""
    pairs: set[tuple[str, str]] = set()
    for queries, pool in _blocks(groups, weights.window_days):
        for rows in (_dense_neighbours(queries, pool, k), _lexical_neighbours(queries, pool, k)):
            for group, row in zip(queries, rows):
                pairs.update(tuple(sorted((group.key, pool[j].key))) for j in row
                             if j >= 0 and pool[j].key != group.key)
    return pairs


def _dense_neighbours(queries: Sequence[Group], pool: Sequence[Group], k: int) -> np.ndarray:
    matrix = np.stack([g.centroid for g in pool]).astype("float32")
    index = faiss.IndexFlatIP(matrix.shape[1])
    index.add(matrix)
    query = np.stack([g.centroid for g in queries]).astype("float32")
    return index.search(query, min(k + 1, len(pool)))[1]


def _lexical_neighbours(queries: Sequence[Group], pool: Sequence[Group], k: int) -> np.ndarray:
    """Top ``k + 1`` of the pool by TF-IDF dot product (-1 where fewer share a term)."""
    found = np.full((len(queries), min(k + 1, len(pool))), -1, dtype=np.int64)
    both = stack([g.lexical for g in (*queries, *pool)])
    query_rows, pool_columns = both[:len(queries)], both[len(queries):].T.tocsc()
    step = max(1, 20_000_000 // len(pool))  # a dense block of about 160 MB at most
    for start in range(0, len(queries), step):
        scores = (query_rows[start:start + step] @ pool_columns).toarray()
        top = np.argpartition(-scores, found.shape[1] - 1, axis=1)[:, :found.shape[1]]
        hit = np.take_along_axis(scores, top, axis=1) > 0
        found[start:start + step] = np.where(hit, top, -1)
    return found


def _blocks(groups: Sequence[Group], window: float):
    """(queries, pool) pairs: each dated article searches the articles of its own and the
    neighbouring date buckets; undated articles search everything."""
    dated = [g for g in groups if g.first is not None]
    undated = [g for g in groups if g.first is None]
    buckets: dict[int, list[Group]] = defaultdict(list)
    for g in dated:
        buckets[int(g.first // max(window, 1.0))].append(g)
    for bucket in sorted(buckets):
        pool = [g for b in (bucket - 1, bucket, bucket + 1) for g in buckets.get(b, [])] + undated
        yield buckets[bucket], pool
    if undated:
        yield undated, list(groups)


def _agglomerate(live, members, adjacency, weights: Weights) -> None:
    version = {key: 0 for key in live}
    heap: list[tuple[float, str, str, int, int]] = []

    def push(a: str, others: Iterable[str]) -> None:
        """Queue the links of ``a`` with each of ``others`` that may join. Scored together
        (``linkage.links``: one term look-up for all of them), the same numbers as one by
        one; the heap orders its entries the same whatever order they came in."""
        others = sorted(others)
        for b, result in zip(others, links([live[b] for b in others], live[a], weights)):
            if result.within_window and result.score >= weights.threshold:
                x, y = sorted((a, b))
                heapq.heappush(heap, (-result.score, x, y, version[x], version[y]))

    for a in sorted(adjacency):
        push(a, (b for b in adjacency[a] if a < b))
    while heap:
        _, a, b, va, vb = heapq.heappop(heap)
        if a not in live or b not in live or version[a] != va or version[b] != vb:
            continue  # one side has changed since this entry was pushed
        live[a].absorb(live.pop(b))
        members[a].extend(members.pop(b))
        version[a] += 1
        neighbours = (adjacency.pop(b, set()) | adjacency[a]) - {a, b}
        adjacency[a] = neighbours
        for n in neighbours:
            adjacency[n].discard(b)
            adjacency[n].add(a)
        push(a, neighbours)
