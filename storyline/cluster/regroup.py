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
from .linkage import RARE, Group, Weights, follow_home, rare_signal, stray_home
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
    """Average linkage over all pairs of ``articles`` (groups of one), as lists of indices;
    headline-only groups then follow (``batch.cluster_groups``, step 5)."""
    totals = pair_signals(articles, weights)  # signal x article x article, summed per group
    # each pair's own sums, for the headline-only articles that follow at the end
    pairs = totals.copy() if any(a.headline_only for a in articles) else totals
    # Groups keep the index of their first article; a merged group's row and column are
    # emptied (-inf), so the live ones keep their order and the first maximum is the pair
    # it would be with the merged rows taken out. A merge changes only the row and column
    # of the group that grew, so only those are scored again.
    count = len(articles)
    groups: list[list[int] | None] = [[i] for i in range(count)]
    owner = list(range(count))  # article -> the index of its group
    sizes = np.ones(count)
    first = np.array([np.nan if a.first is None else a.first for a in articles])
    last = first.copy()
    position = {a.key: i for i, a in enumerate(articles)}
    for i, a in enumerate(articles):  # duplicates first, whatever their score
        for j in sorted(position[b] for b in links.get(a.key, ()) if b in position):
            if owner[i] != owner[j]:
                _merge(groups, owner, totals, sizes, first, last, *sorted((owner[i], owner[j])))
    dead = np.array([g is None for g in groups])
    headline = np.array([g is not None and all(articles[i].headline_only for i in g) for g in groups])
    live = np.flatnonzero(~dead)
    means = np.full((count, count), -np.inf)
    means[np.ix_(live, live)] = weights.scores(signals_from_means(totals[:, live][:, :, live] / np.outer(
        sizes[live], sizes[live])))
    apart = np.maximum(np.subtract.outer(first, last), np.subtract.outer(last, first).T)
    means[apart > weights.window_days] = -np.inf  # (NaN, undated: never out of window)
    means[headline, :] = means[:, headline] = -np.inf  # they follow at the end
    np.fill_diagonal(means, -np.inf)
    remaining = len(live) - int(headline.sum())
    while remaining > 1:
        a, b = divmod(int(np.argmax(means)), count)  # the first maximum: stable
        if means[a, b] < weights.threshold:
            break
        a, b = min(a, b), max(a, b)
        _merge(groups, owner, totals, sizes, first, last, a, b)
        dead[b] = True
        remaining -= 1
        means[b, :] = means[:, b] = -np.inf
        # the row and the column of the grown group, scored in one call
        values = np.concatenate([totals[:, a, :], totals[:, :, a]], axis=1)
        values /= np.concatenate([sizes[a] * sizes, sizes * sizes[a]])
        scores = weights.scores(signals_from_means(values))
        row, column = scores[:count], scores[count:]
        row[np.maximum(first[a] - last, last - first[a]) > weights.window_days] = -np.inf
        column[np.maximum(first - last[a], last[a] - first) > weights.window_days] = -np.inf
        row[dead | headline] = column[dead | headline] = -np.inf
        means[a, :] = row
        means[:, a] = column
        means[a, a] = -np.inf
    _adopt_strays(groups, means, weights)
    _follow(groups, np.flatnonzero(headline), pairs, articles, weights)
    return [sorted(g) for g in groups if g is not None]


def _follow(groups: list[list[int] | None], followers: np.ndarray, pairs: np.ndarray,
            articles: Sequence[Group], weights: Weights) -> None:
    """Each headline-only group joins the group ``linkage.follow_home`` names for it among
    the others (``pairs``: the signal sums of every two articles), scored by the headline
    model (``Weights.for_headlines``), all decided first."""
    if not len(followers):
        return
    following = set(followers.tolist())
    leaders = [i for i, g in enumerate(groups) if g is not None and i not in following]
    if not leaders:
        return
    days = [[a.first for a in (articles[j] for j in groups[i]) if a.first is not None] for i in leaders]
    moves = {}
    for f in followers.tolist():
        mine = groups[f]
        values = np.stack([pairs[:, mine][:, :, groups[i]].sum(axis=(1, 2)) / (len(mine) * len(groups[i]))
                           for i in leaders], axis=1)
        scores = weights.for_headlines.scores(signals_from_means(values))
        own = [a.first for a in (articles[j] for j in mine) if a.first is not None]
        for k, spread in enumerate(days):  # out of the window: out of reach
            if own and spread and max(min(own) - max(spread), min(spread) - max(own)) > weights.window_days:
                scores[k] = -np.inf
        home = follow_home(scores, weights.for_headlines)
        if home is not None:
            moves[f] = leaders[home]
    for f, home in moves.items():
        groups[home] += groups[f]
        groups[f] = None


def _adopt_strays(groups: list[list[int] | None], means: np.ndarray, weights: Weights) -> None:
    """As batch clustering ends (``batch._adopt_strays``): each group joins the group
    ``linkage.stray_home`` names for it among the others, all decided before any moves."""
    sizes = [len(g) if g is not None else 0 for g in groups]
    # each row holds the current groups' scores, -inf for the dead and out of window
    moves = {i: home for i, group in enumerate(groups) if group is not None
             and (home := stray_home(means[i], sizes, weights, len(group))) is not None}
    for i in sorted(moves, key=lambda i: (sizes[i], i)):
        best = moves[i]
        while best in moves:  # its home is a stray too: follow it (no cycle, see batch)
            best = moves[best]
        groups[best] += groups[i]
        groups[i] = None


def signals_from_means(means: np.ndarray) -> np.ndarray:
    """The signals from their means over member pairs (``linkage.averages``): all are
    those means but ``rare``, a function of its mean (changed in place)."""
    means[RARE] = rare_signal(means[RARE])
    return means


def pair_signals(articles: Sequence[Group], weights: Weights) -> np.ndarray:
    """What the signals (``linkage.signals``) of every two articles are means of, one
    matrix per signal: the signals themselves, but the number of rare names shared."""
    dense = np.stack([a.dense for a in articles]).astype(np.float64)
    similarity = dense @ dense.T
    codes: dict[str, int] = {}
    language = np.array([codes.setdefault(next(iter(a.languages), "?"), len(codes)) for a in articles])
    same = np.equal.outer(language, language)
    has_language = np.array([bool(a.by_language) for a in articles])
    cross = np.where(~same & np.outer(has_language, has_language), similarity, 0.0)
    days = np.array([np.nan if a.first is None else a.first for a in articles])
    apart = np.abs(np.subtract.outer(days, days))
    dated = ~np.isnan(apart)
    apart = np.where(dated, apart, 0.0)
    near = np.where(dated, np.exp(-apart / weights.time_scale_days), 0.0)
    gap = np.where(dated, np.log1p(apart), 0.0)
    recalls = np.zeros_like(similarity)
    dated_on: dict[float, list[int]] = {}
    for i, a in enumerate(articles):
        if a.first is not None:
            dated_on.setdefault(a.first, []).append(i)
    for i, a in enumerate(articles):
        for day in a.recalled:
            for j in dated_on.get(day, ()):
                recalls[i, j] += 1.0
                recalls[j, i] += 1.0
    signals = (similarity, _gram([a.lexical for a in articles]), cross,
               _gram([a.names for a in articles]), _gram([a.numbers for a in articles]),
               near, gap, dated.astype(float), same.astype(float), _gram([a.rare for a in articles]),
               recalls)
    return np.stack(signals)


def _gram(vectors: Sequence[SparseSum]) -> np.ndarray:
    """Dot products of every two of a few sparse vectors (the diagonal is left out: only
    pairs matter), through a small dense matrix over the terms that two or more share."""
    ids = np.concatenate([v.ids for v in vectors] + [np.empty(0, np.int32)])
    weights = np.concatenate([v.weights for v in vectors] + [np.empty(0, np.float32)])
    owner = np.repeat(np.arange(len(vectors)), [len(v) for v in vectors])
    _, column, counts = np.unique(ids, return_inverse=True, return_counts=True)
    kept = counts > 1
    shared = kept[column]
    renumbered = np.cumsum(kept) - 1  # a shared term's column among the shared terms only
    rows = np.zeros((len(vectors), max(int(kept.sum()), 1)))
    rows[owner[shared], renumbered[column[shared]]] = weights[shared]
    products = rows @ rows.T
    np.fill_diagonal(products, 0.0)
    return products


def _merge(groups: list[list[int] | None], owner: list[int], totals: np.ndarray, sizes: np.ndarray,
           first: np.ndarray, last: np.ndarray, a: int, b: int) -> None:
    """Fold group ``b`` into group ``a`` (a < b), in place: the signal totals, sizes and date
    spans of ``a`` grow, ``b`` is left empty."""
    for i in groups[b]:
        owner[i] = a
    groups[a] += groups[b]
    groups[b] = None
    totals[:, a, :] += totals[:, b, :]
    totals[:, :, a] += totals[:, :, b]
    sizes[a] += sizes[b]
    first[a], last[a] = np.fmin(first[a], first[b]), np.fmax(last[a], last[b])
