"""Regrouping a neighbourhood: batch agglomeration over the members of a few stories.

The online clusterer calls this after an assignment so that a greedy early choice can be
undone by what came after. A neighbourhood is small (tens of articles), so every signal
of every pair is computed at once as matrices, and average linkage runs on their sums: the
mean of a signal over the pairs between two groups is exactly what ``linkage.link``
computes from their running sums, and the pair model turns those means into the same
score, so this agrees with ``cluster_groups`` on the same articles.

Stories keep their ids where they keep their members: each group of the result takes the
id of the old story most of its members come from (larger groups choose first; on a tie,
the story one of its members opened), and a group that takes no old id is named after its
earliest member whose name is free.
"""

from __future__ import annotations

import itertools

from typing import Container, Mapping, Sequence

import numpy as np
from .linkage import Group, Weights
from .sparse import SparseSum


def regroup(members: Mapping[str, list[Group]], weights: Weights, links: Mapping[str, set[str]],
            taken: Container[str] = frozenset()) -> dict[str, list[Group]]:
    """New stories (id -> member articles, sorted by key) for the articles of ``members``
    (story id -> member articles); duplicate ``links`` always stay together; ids in
    ``taken`` (other live stories) are not given out."""
    from .online import story_id_for  # the naming rule lives with the online clusterer

    articles = sorted((a for group in members.values() for a in group), key=lambda a: a.key)
    parts = agglomerate(articles, weights, links)
    home = {a.key: story for story, group in members.items() for a in group}
    result: dict[str, list[Group]] = {}
    for part in sorted(parts, key=lambda part: (-len(part), part)):
        votes: dict[str, int] = {}
        for i in part:
            votes[home[articles[i].key]] = votes.get(home[articles[i].key], 0) + 1
        named = {story_id_for(articles[i].key) for i in part}  # the stories their members opened
        free = [s for s in sorted(votes, key=lambda s: (-votes[s], s not in named, s)) if s not in result]
        if not free:  # named after its earliest member whose name is not in use
            by_age = sorted((articles[i] for i in part),
                            key=lambda a: (a.first is None, a.first or 0.0, a.key))
            numbered = (f"s{by_age[0].key}-{n}" for n in itertools.count())  # all taken
            free = [next(n for n in itertools.chain(map(story_id_for, (a.key for a in by_age)), numbered)
                         if n not in result and n not in members and n not in taken)]
        result[free[0]] = [articles[i] for i in part]
    return result


def agglomerate(articles: Sequence[Group], weights: Weights,
                links: Mapping[str, set[str]]) -> list[list[int]]:
    """Average linkage over all pairs of ``articles`` (groups of one), as lists of indices."""
    totals = pair_signals(articles, weights)  # signal x article x article, summed per group
    groups = [[i] for i in range(len(articles))]
    first = np.array([np.nan if a.first is None else a.first for a in articles])
    last = first.copy()
    position = {a.key: i for i, a in enumerate(articles)}
    for i, a in enumerate(articles):  # duplicates first, whatever their score
        for j in sorted(position[b] for b in links.get(a.key, ()) if b in position):
            gi, gj = (next(k for k, g in enumerate(groups) if m in g) for m in (i, j))
            if gi != gj:
                totals, first, last = _merge(groups, totals, first, last, min(gi, gj), max(gi, gj))
    while len(groups) > 1:
        sizes = np.array([len(g) for g in groups], dtype=float)
        means = weights.score(tuple(totals / np.outer(sizes, sizes)))
        np.fill_diagonal(means, -np.inf)
        apart = np.maximum(np.subtract.outer(first, last), np.subtract.outer(last, first).T)
        means[apart > weights.window_days] = -np.inf  # (NaN, undated: never out of window)
        best = np.unravel_index(int(np.argmax(means)), means.shape)  # first maximum: stable
        if means[best] < weights.threshold:
            break
        totals, first, last = _merge(groups, totals, first, last, min(best), max(best))
    return [sorted(g) for g in groups]


def pair_signals(articles: Sequence[Group], weights: Weights) -> np.ndarray:
    """The signals (``linkage.signals``) of every two articles: one matrix per signal."""
    dense = np.stack([a.dense for a in articles]).astype(np.float64)
    similarity = dense @ dense.T
    language = [next(iter(a.languages), "?") for a in articles]
    same = np.equal.outer(np.array(language, dtype=object), np.array(language, dtype=object))
    has_language = np.array([bool(a.by_language) for a in articles])
    cross = np.where(~same & np.outer(has_language, has_language), similarity, 0.0)
    days = np.array([np.nan if a.first is None else a.first for a in articles])
    apart = np.abs(np.subtract.outer(days, days))
    dated = ~np.isnan(apart)
    apart = np.where(dated, apart, 0.0)
    near = np.where(dated, np.exp(-apart / weights.time_scale_days), 0.0)
    gap = np.where(dated, np.log1p(apart), 0.0)
    signals = (similarity, _gram([a.lexical for a in articles]), cross,
               _gram([a.names for a in articles]), _gram([a.numbers for a in articles]),
               near, gap, dated.astype(float), same.astype(float))
    return np.stack(signals)


def _gram(vectors: Sequence[SparseSum]) -> np.ndarray:
    """Dot products of every two of a few sparse vectors (the diagonal is left out: only
    pairs matter), through a small dense matrix over the terms that two or more share."""
    ids = np.concatenate([v.ids for v in vectors] + [np.empty(0, np.int32)])
    weights = np.concatenate([v.weights for v in vectors] + [np.empty(0, np.float32)])
    owner = np.repeat(np.arange(len(vectors)), [len(v) for v in vectors])
    _, column, counts = np.unique(ids, return_inverse=True, return_counts=True)
    shared = counts[column] > 1
    kept_columns, column = np.unique(column[shared], return_inverse=True)
    rows = np.zeros((len(vectors), max(len(kept_columns), 1)))
    rows[owner[shared], column] = weights[shared]
    products = rows @ rows.T
    np.fill_diagonal(products, 0.0)
    return products


def _merge(groups: list[list[int]], totals: np.ndarray, first: np.ndarray, last: np.ndarray,
           a: int, b: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fold group ``b`` into group ``a`` (a < b); the signal totals and date spans shrink."""
    groups[a] += groups.pop(b)
    totals = totals.copy()
    totals[:, a, :] += totals[:, b, :]
    totals[:, :, a] += totals[:, :, b]
    first, last = first.copy(), last.copy()
    first[a], last[a] = np.fmin(first[a], first[b]), np.fmax(last[a], last[b])
    keep = np.arange(len(groups) + 1) != b
    return totals[:, keep][:, :, keep], first[keep], last[keep]
