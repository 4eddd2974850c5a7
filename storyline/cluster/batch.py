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
   Each link's pair sums (``linkage.SUMS``) are kept: a merged group's sums with a
   neighbour are its parts' added, so a merge costs additions, not a new look at every
   neighbour's vectors (on the pooled gold stream: 17 s -> 7 s, the same stories).
4. Strays: a story (often an article left alone) joins its best linked story when that
   story is at least twice its size and leads every other by far (``linkage.stray_home``).
   Each is judged against the stories agglomeration left, before any stray moves, so the
   result still does not depend on order.
5. Headline-only articles (``Group.headline_only``) take no part in 3 and 4: each then
   joins the linked story ``linkage.follow_home`` names, scored by the headline model
   (``Weights.judging``), or stays alone. They follow and never lead, so no story grows
   on a headline's weak evidence.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from typing import Iterable, Sequence

import faiss
import numpy as np

from .linkage import (SUMS, Group, Weights, averages, follow_home, links, pair_sums, recall_sum, stray_home,
                      sums_with, within_window)
from ..types import Progress, Stage, no_progress, no_stage
from .sparse import stack

_NEIGHBOURS = 20
#: queries searched at once: faiss's own block (``distance_compute_blas_query_bs``), so the
#: neighbours found are the same as when all are searched at once
_QUERY_BLOCK = 4096

def cluster_groups(groups: Sequence[Group], weights: Weights, *,
                   duplicate_links: Iterable[tuple[str, str]] = (),
                   neighbours: int = _NEIGHBOURS, stage: Stage = no_stage) -> list[list[str]]:
    """Partition the keys of ``groups`` (one per article) into stories, each sorted.
    ``stage`` hears of the long stages: the neighbour search, the scoring of the links
    found and the merging."""
    ordered = sorted(groups, key=lambda g: g.key)
    members = {g.key: [g.key] for g in ordered}
    live = {g.key: g.copy() for g in ordered}
    parent = _join_duplicates(live, members, duplicate_links)
    # headline-only articles take no neighbour's place: articles search among articles,
    # and headlines search among articles for the stories they may follow
    articles = [g for g in ordered if not g.headline_only]
    headlines = [g for g in ordered if g.headline_only]
    edges: set[tuple[str, str]] = set()
    followed: dict[str, set[str]] = defaultdict(set)  # a headline-only group -> linked articles
    searched = stage("finding candidate links", 2 * len(ordered))  # by meaning, and by words
    for a, b in (*candidate_pairs(articles, weights, neighbours, progress=searched),
                 *candidate_pairs(headlines, weights, neighbours, pool=articles, progress=searched)):
        a, b = parent(a), parent(b)
        if a == b:
            continue
        if live[a].headline_only or live[b].headline_only:
            for x, y in ((a, b), (b, a)):
                if live[x].headline_only and not live[y].headline_only:
                    followed[x].add(y)
        else:
            edges.add(_edge(a, b))
    links = sorted(edges)
    del edges
    _agglomerate(live, members, links, weights, stage)
    _follow(live, members, followed, weights)
    return sorted(sorted(keys) for keys in members.values())


def _follow(live, members, followed, weights: Weights) -> None:
    """Move each headline-only group into the story ``linkage.follow_home`` names for it
    among the stories its candidate links reach, all decided before any moves."""
    story_of = {key: story for story, keys in members.items() for key in keys}
    moves = {}
    for a in sorted(followed):
        stories = sorted({story_of[n] for n in followed[a]})
        judge = weights.judging(live[a])
        found = links([live[s] for s in stories], live[a], judge)
        scores = np.array([r.score if r.within_window else -np.inf for r in found])
        home = follow_home(scores, judge)
        if home is not None:
            moves[a] = stories[home]
    for a, story in moves.items():
        live[story].absorb(live.pop(a))
        members[story].extend(members.pop(a))


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


def candidate_pairs(groups: Sequence[Group], weights: Weights, k: int,
                    pool: Sequence[Group] | None = None, progress: Progress = no_progress) -> set[tuple[str, str]]:
    """Nearest neighbours by dense and by lexical similarity, searched within date blocks:
    of ``groups`` among themselves, or among ``pool`` when it is given. ``progress`` hears
    of each query searched, once by each kind."""
    pairs: set[tuple[str, str]] = set()
    if not groups or (pool is not None and not pool):
        return pairs
    for queries, pool in _blocks(groups, weights.window_days, pool):
        if not queries or not pool:
            continue
        for rows in (_dense_neighbours(queries, pool, k, progress),
                     _lexical_neighbours(queries, pool, k, progress)):
            for group, row in zip(queries, rows):
                pairs.update(tuple(sorted((group.key, pool[j].key))) for j in row
                             if j >= 0 and pool[j].key != group.key)
    return pairs


def _dense_neighbours(queries: Sequence[Group], pool: Sequence[Group], k: int,
                      progress: Progress = no_progress) -> np.ndarray:
    index = faiss.IndexFlatIP(len(pool[0].dense))
    index.add(np.stack([g.centroid for g in pool]).astype("float32"))  # the index keeps a copy
    # queries a block at a time, so the vectors are not held three times over (100,000
    # articles: 200 MB each); blocks of faiss's own query block size give the same results
    found = []
    for start in range(0, len(queries), _QUERY_BLOCK):
        block = np.stack([g.centroid for g in queries[start:start + _QUERY_BLOCK]]).astype("float32")
        found.append(index.search(block, min(k + 1, len(pool)))[1])
        progress(len(block))
    return np.concatenate(found)


def _lexical_neighbours(queries: Sequence[Group], pool: Sequence[Group], k: int,
                        progress: Progress = no_progress) -> np.ndarray:
    """Top ``k + 1`` of the pool by TF-IDF dot product (-1 where fewer share a term)."""
    found = np.full((len(queries), min(k + 1, len(pool))), -1, dtype=np.int64)
    both = stack([g.lexical for g in (*queries, *pool)])
    query_rows, pool_columns = both[:len(queries)], both[len(queries):].T.tocsr()
    # blocks of about 8 million scores: the sparse product, its dense copy and the ranks
    # take some 250 MB together (blocks of 20 million took 700 MB, no faster)
    step = max(1, 8_000_000 // len(pool))
    for start in range(0, len(queries), step):
        scores = (query_rows[start:start + step] @ pool_columns).toarray()
        np.negative(scores, out=scores)  # in place: the top are the most negative
        top = np.argpartition(scores, found.shape[1] - 1, axis=1)[:, :found.shape[1]]
        hit = np.take_along_axis(scores, top, axis=1) < 0
        found[start:start + step] = np.where(hit, top, -1)
        progress(len(top))
    return found


def _blocks(groups: Sequence[Group], window: float, searched: Sequence[Group] | None = None):
    """(queries, pool) pairs: each dated article searches the articles (of ``searched``,
    else of ``groups``) of its own and the neighbouring date buckets; undated articles
    search everything."""
    searched = groups if searched is None else searched

    def by_bucket(found: Sequence[Group]) -> dict[int, list[Group]]:
        buckets: dict[int, list[Group]] = defaultdict(list)
        for g in found:
            if g.first is not None:
                buckets[int(g.first // max(window, 1.0))].append(g)
        return buckets

    queries, pools = by_bucket(groups), by_bucket(searched)
    undated = [g for g in searched if g.first is None]
    for bucket in sorted(queries):
        pool = [g for b in (bucket - 1, bucket, bucket + 1) for g in pools.get(b, [])] + undated
        yield queries[bucket], pool
    if any(g.first is None for g in groups):
        yield [g for g in groups if g.first is None], list(searched)


class _PairSums:
    """The pair sums (``linkage.SUMS``) of linked groups, one float64 row each, in blocks of
    one table. Rows are named by number, so a link costs a table row and a number in each
    of its groups' neighbour maps: with 100,000 articles (some 2.3 million links) a small
    array, a tuple key and a set entry per link took 930 MB."""

    _BITS = 16

    def __init__(self, width: int):
        self.width = width
        self.blocks: list[np.ndarray] = []
        self.size = 0

    def extend(self, rows: np.ndarray) -> range:
        """Append ``rows`` (one per link); returns their numbers."""
        first, block = self.size, 1 << self._BITS
        while len(rows):
            if self.size >> self._BITS == len(self.blocks):
                self.blocks.append(np.empty((block, self.width)))
            at = self.size & (block - 1)
            taken = min(len(rows), block - at)
            self.blocks[-1][at:at + taken] = rows[:taken]
            self.size += taken
            rows = rows[taken:]
        return range(first, self.size)

    def row(self, number: int) -> np.ndarray:
        """The row itself (a view: adding into it changes the table)."""
        return self.blocks[number >> self._BITS][number & ((1 << self._BITS) - 1)]

    def columns(self, numbers: Sequence[int]) -> np.ndarray:
        """The rows ``numbers`` as the columns of one array, as ``linkage.averages`` takes them."""
        return np.stack([self.row(n) for n in numbers], axis=1)


def _agglomerate(live, members, edges: list[tuple[str, str]], weights: Weights,
                 stage: Stage = no_stage) -> None:
    """Merge linked groups by average linkage (see the module's docstring); ``edges``, the
    candidate links, are used up (the list is emptied). ``stage`` hears of the scoring of
    the links and of each merge."""
    # The pair sums of every two linked groups: when two groups merge, the merged group's
    # sums with a neighbour are the sums of its parts', so each link is scored from a few
    # additions instead of from the groups' vectors again. ``neighbours[a][b]`` is the
    # number of the row of ``sums`` that a and b share.
    sums = _PairSums(len(SUMS))
    neighbours: dict[str, dict[str, int]] = defaultdict(dict)
    scored = stage("scoring candidate links", len(edges))
    for (a, b), number in zip(edges, _edge_sums(live, edges, weights, sums)):
        neighbours[a][b] = neighbours[b][a] = number
    scored(len(edges))
    edges.clear()  # the caller's list: its tuples are not needed any more
    progress = stage("merging", None)
    version = {key: 0 for key in live}
    heap: list[tuple[float, str, str, int, int]] = []

    def push(a: str, others: Sequence[str]) -> None:
        """Queue the links of ``a`` with each of ``others`` that may join."""
        if not others:
            return
        found = sums.columns([neighbours[a][b] for b in others])
        scores = weights.scores(np.array(averages(found))).tolist()
        for b, score in zip(others, scores):
            if score >= weights.threshold and within_window(live[a], live[b], weights.window_days):
                x, y = sorted((a, b))
                heapq.heappush(heap, (-score, x, y, version[x], version[y]))

    for a in sorted(neighbours):
        push(a, sorted(b for b in neighbours[a] if a < b))
    while heap:
        _, a, b, va, vb = heapq.heappop(heap)
        if a not in live or b not in live or version[a] != va or version[b] != vb:
            continue  # one side has changed since this entry was pushed
        of_a, of_b = neighbours[a], neighbours.pop(b, {})
        del of_a[b]
        of_b.pop(a, None)
        around = sorted(of_a.keys() | of_b.keys())
        _fill(sums, neighbours, live, a, around, weights)
        _fill(sums, {b: of_b}, live, b, around, weights)
        for n in around:
            row = sums.row(of_a[n])
            row += sums.row(of_b[n])
            neighbours[n].pop(b, None)
        live[a].absorb(live.pop(b))
        members[a].extend(members.pop(b))
        version[a] += 1
        push(a, around)
        progress(1)
    _adopt_strays(live, members, neighbours, sums, weights)


def _adopt_strays(live, members, neighbours, sums: _PairSums, weights: Weights) -> None:
    """Move each story into the linked story ``linkage.stray_home`` names for it."""
    moves = {}
    for a in sorted(key for key in live if neighbours.get(key)):
        others = sorted(n for n in neighbours[a] if within_window(live[a], live[n], weights.window_days))
        if not others:
            continue
        scores = weights.scores(np.array(averages(sums.columns([neighbours[a][n] for n in others]))))
        home = stray_home(scores, [len(members[n]) for n in others], weights, len(members[a]))
        if home is not None:
            moves[a] = others[home]
    # decided first, moved after: no stray sees another's move. A stray whose home is
    # itself a stray follows it to its home (homes are at least twice the size: no cycle)
    for a in sorted(moves, key=lambda key: (len(members[key]), key)):
        best = moves[a]
        while best in moves:
            best = moves[best]
        live[best].absorb(live.pop(a))
        members[best].extend(members.pop(a))


def _edge(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def _fill(sums: _PairSums, neighbours, live, a: str, others: Sequence[str], weights: Weights) -> None:
    """Rows of pair sums of ``a`` with those of ``others`` it has none with yet (it was not
    linked to them), scored together (``linkage.sums_with``); each is entered in both
    groups' neighbour maps (of those ``neighbours`` holds)."""
    mine = neighbours[a]
    missing = [n for n in others if n not in mine]
    if not missing:
        return
    numbers = sums.extend(np.array(sums_with([live[n] for n in missing], live[a], weights), dtype=np.float64))
    for n, number in zip(missing, numbers):
        mine[n] = number
        if n in neighbours:
            neighbours[n][a] = number


def _edge_sums(live, edges: list[tuple[str, str]], weights: Weights, sums: _PairSums) -> list[int]:
    """The pair sums of the candidate links, entered in ``sums``; returns each link's row
    number. At once for links between single-day, single-language groups (nearly all of
    them: groups are articles, or a few copies of one), one by one for the rest."""
    keys = sorted(live)
    row = {key: i for i, key in enumerate(keys)}
    groups = [live[key] for key in keys]
    simple = np.array([len(g.languages) == 1 and len(g.by_language) == 1 and len(g.days) <= 1
                       for g in groups])
    first = np.array([row[a] for a, _ in edges], dtype=np.int64)
    second = np.array([row[b] for _, b in edges], dtype=np.int64)
    fast = simple[first] & simple[second]
    numbers = np.empty(len(edges), dtype=np.int64)
    if fast.any():
        table = _simple_sums(groups, first[fast], second[fast], weights.time_scale_days)
        numbers[fast] = np.asarray(sums.extend(table.T))
    slow = np.flatnonzero(~fast)
    if len(slow):
        found = [pair_sums(groups[x], groups[y], weights.time_scale_days)
                 for x, y in zip(first[slow].tolist(), second[slow].tolist())]
        numbers[slow] = np.asarray(sums.extend(np.array(found, dtype=np.float64)))
    return numbers.tolist()


def _simple_sums(groups: Sequence[Group], i: np.ndarray, j: np.ndarray, scale: float) -> np.ndarray:
    """``linkage.pair_sums`` of the groups ``i[k]`` and ``j[k]``, each of one language and at
    most one day, as one column per pair."""
    size = np.array([g.size for g in groups], dtype=np.float64)
    codes: dict[str, int] = {}
    language = np.array([codes.setdefault(next(iter(g.languages)), len(codes)) for g in groups])
    day = np.array([next(iter(g.days)) if g.days else np.nan for g in groups])
    count = np.array([sum(g.days.values()) for g in groups], dtype=np.float64)
    dense = np.stack([g.dense for g in groups]).astype(np.float32)
    product = np.concatenate([np.einsum("ij,ij->i", dense[i[s:s + 8192]], dense[j[s:s + 8192]],
                                        dtype=np.float64) for s in range(0, len(i), 8192)])
    same = language[i] == language[j]
    apart = np.abs(day[i] - day[j])
    dated = ~np.isnan(apart)
    both = np.where(dated, count[i] * count[j], 0.0)
    apart = np.where(dated, apart, 0.0)
    sparse_dots = [_row_dots(stack([getattr(g, name) for g in groups]), i, j)
                   for name in ("lexical", "names", "numbers", "rare")]
    recalls = np.zeros(len(i))
    recalling = np.array([bool(g.recalled) for g in groups])
    for k in np.flatnonzero(recalling[i] | recalling[j]):  # the few that name a past day
        recalls[k] = recall_sum(groups[i[k]], groups[j[k]])
    return np.stack([size[i] * size[j], product, np.where(same, product, 0.0), *sparse_dots[:3],
                     both * np.exp(-apart / scale), both * np.log1p(apart), both,
                     np.where(same, size[i] * size[j], 0.0), sparse_dots[3], recalls])


def _row_dots(matrix, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """The dot products of rows ``i[k]`` and ``j[k]`` of a sparse matrix."""
    return np.concatenate([np.asarray(matrix[i[s:s + 8192]].multiply(matrix[j[s:s + 8192]]).sum(axis=1)).ravel()
                           for s in range(0, len(i), 8192)] or [np.zeros(0)])
