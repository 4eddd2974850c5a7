"""The cluster stage on synthetic groups: linkage algebra, batch order-independence, online."""

from __future__ import annotations

import random
from dataclasses import replace

import numpy as np
import pytest

from storyline.cluster import (SIGNALS, Group, OnlineClusterer, SparseSum, Weights, candidate_pairs,
                               cluster_groups, link, pack, unpack)
from storyline.cluster import state
from storyline.cluster.linkage import links
from storyline.cluster.regroup import agglomerate, pair_signals
from storyline.cluster.sparse import dots
from storyline.cluster.terms import TermIndex

WEIGHTS = Weights(dense=0.6, lexical=0.3, names=0.1, threshold=0.5, window_days=7)


def _unit(vector: np.ndarray) -> np.ndarray:
    return (vector / np.linalg.norm(vector)).astype("float32")


def _articles(seed: int = 0, stories: int = 12, per_story: int = 5, dim: int = 32) -> list[Group]:
    """Articles around story centres: close to their own centre, far from the others."""
    rng = np.random.default_rng(seed)
    centres = [_unit(rng.normal(size=dim)) for _ in range(stories)]
    groups = []
    for s, centre in enumerate(centres):
        for i in range(per_story):
            dense = _unit(centre + 0.1 * rng.normal(size=dim))
            lexical = {s * 100 + j: 1 / np.sqrt(3) for j in range(3)}
            names = {s: 1.0}
            day = 100.0 + s * 20 + i * 0.5
            groups.append(Group(f"a{s:02d}-{i}", 1, dense, lexical, names, day, day))
    return groups


def _truth(groups: list[Group]) -> list[list[str]]:
    by_story: dict[str, list[str]] = {}
    for g in groups:
        by_story.setdefault(g.key.split("-")[0], []).append(g.key)
    return sorted(sorted(keys) for keys in by_story.values())


def test_average_linkage_of_sums_equals_mean_of_pairs():
    groups = _articles(stories=2, per_story=3)
    a, b = groups[0], groups[3]
    story = Group("s", 0, np.zeros_like(a.dense))
    for g in groups[:3]:
        story.absorb(g)
    mean_pairwise = np.mean([link(m, b, WEIGHTS).score for m in groups[:3]])
    assert link(story, b, WEIGHTS).score == pytest.approx(mean_pairwise, abs=1e-6)
    assert link(a, a, WEIGHTS).dense == pytest.approx(1.0, abs=1e-5)


def test_batch_finds_the_stories_and_ignores_order():
    groups = _articles()
    expected = _truth(groups)
    for seed in range(3):
        shuffled = groups[:]
        random.Random(seed).shuffle(shuffled)
        assert cluster_groups(shuffled, WEIGHTS) == expected


def test_time_window_keeps_identical_texts_apart():
    groups = _articles(stories=1, per_story=2)
    far = Group("late", 1, groups[0].dense.copy(), groups[0].lexical, groups[0].names, 500.0, 500.0)
    clusters = cluster_groups(groups + [far], WEIGHTS)
    assert ["late"] in clusters


def test_duplicate_links_always_join():
    groups = _articles(stories=2, per_story=2)
    clusters = cluster_groups(groups, WEIGHTS, duplicate_links=[("a00-0", "a01-0")])
    assert any({"a00-0", "a01-0"} <= set(c) for c in clusters)


def test_online_matches_batch_on_separable_stories():
    groups = _articles(seed=4)
    assert _run_online(groups, WEIGHTS) == cluster_groups(groups, WEIGHTS)


def _run_online(groups: list[Group], weights: Weights) -> list[list[str]]:
    """Stories as member lists, as the clusterer has them after the last assignment."""
    online = OnlineClusterer(weights)
    for g in groups:
        online.assign(g)
    members: dict[str, list[str]] = {}
    for g in groups:
        members.setdefault(online.story_of(g.key), []).append(g.key)
    assert set(members) == set(online.stories)
    return sorted(sorted(m) for m in members.values())


def test_online_merges_two_stories_when_an_article_bridges_them():
    weights = Weights(dense=1.0, lexical=0.0, names=0.0, threshold=0.6, window_days=7)
    x, y = _unit(np.array([1.0, 0.0, 0.0])), _unit(np.array([0.55, 0.835, 0.0]))
    bridge = _unit(x + y)
    online = OnlineClusterer(weights)
    first = online.assign(Group("x", 1, x, first=1.0, last=1.0))
    second = online.assign(Group("y", 1, y, first=1.0, last=1.0))
    assert second.opened and first.story_id != second.story_id
    third = online.assign(Group("z", 1, bridge, first=1.0, last=1.0))
    assert third.merged and len(online.stories) == 1


def test_state_round_trips():
    group = _articles(stories=1, per_story=1)[0]
    group.absorb(Group.of_article("b", group.dense, {7: 1.0}, {8: 1.0}, {9: 1.0}, 101.0, "es", {5: 1.0}))
    back = unpack(group.key, pack(group))
    assert back.size == group.size and (back.first, back.last) == (group.first, group.last)
    assert np.allclose(back.dense, group.dense)
    assert (back.lexical, back.names, back.numbers, back.rare) == (group.lexical, group.names, group.numbers,
                                                                   group.rare)
    assert back.rare.dot(SparseSum.of({5: 1.0})) == 1.0
    assert back.days == group.days and back.languages == group.languages
    assert set(back.by_language) == set(group.by_language)
    assert back.recalled == {} and back.recalled is not state.MISSING_RECALLED
    group.absorb(Group.of_article("c", group.dense, {}, {}, {}, 140.0, "en", recalled=(99.0, 100.0)))
    assert unpack(group.key, pack(group)).recalled == {99.0: 1, 100.0: 1}
    group.recalled = state.MISSING_RECALLED  # a state packed before recalled days were kept
    assert unpack(group.key, pack(group)).recalled is state.MISSING_RECALLED


def test_the_recall_signal_counts_the_articles_that_name_the_others_day():
    """``recalls`` of two articles: how many of the two name a past day on which the other
    is dated (0, 1 or 2); of two stories, its mean over their member pairs."""
    dense = _unit(np.ones(8))
    report = Group.of_article("report", dense, {}, {}, {}, 100.0, "en")
    follow_up = Group.of_article("follow-up", dense, {}, {}, {}, 160.0, "en", recalled=(99.0, 100.0, 101.0))
    elsewhere = Group.of_article("elsewhere", dense, {}, {}, {}, 130.0, "en", recalled=(159.0, 160.0, 161.0))
    undated = Group.of_article("undated", dense, {}, {}, {}, None, "en")
    assert link(report, follow_up, FITTED).recalls == link(follow_up, report, FITTED).recalls == 1.0
    assert link(follow_up, elsewhere, FITTED).recalls == 1.0  # one way: elsewhere names 160
    assert link(report, elsewhere, FITTED).recalls == 0.0
    assert link(undated, follow_up, FITTED).recalls == 0.0
    both_ways = Group.of_article("both", dense, {}, {}, {}, 100.0, "en", recalled=(160.0,))
    assert link(both_ways, follow_up, FITTED).recalls == 2.0
    without = replace(FITTED, recalls=0.0)
    assert link(report, follow_up, FITTED).score - link(report, follow_up, without).score == pytest.approx(2.0)
    story = _story_of("story", [report, elsewhere])
    assert story.recalled == {159.0: 1, 160.0: 1, 161.0: 1} and report.recalled == {}
    assert link(story, follow_up, FITTED).recalls == pytest.approx((1.0 + 1.0) / 2)


def test_cross_language_signal_is_the_dense_similarity_between_languages_only():
    weights = Weights(dense=0.4, lexical=0.4, names=0.2, threshold=0.5, window_days=7,
                      cross_language=0.3)
    x = _unit(np.array([1.0, 0.2, 0.0]))
    y = _unit(np.array([1.0, 0.0, 0.3]))
    english = Group.of_article("en", x, {1: 1.0}, {}, {}, None, "en")
    spanish = Group.of_article("es", y, {2: 1.0}, {}, {}, None, "es")
    english_too = Group.of_article("en2", y, {3: 1.0}, {}, {}, None, "en")
    across, within = link(english, spanish, weights), link(english, english_too, weights)
    assert across.cross == pytest.approx(across.dense) and within.cross == 0.0
    assert across.same_language == 0.0 and within.same_language == 1.0
    assert across.score == pytest.approx((0.4 + 0.3) * across.dense)
    assert within.score == pytest.approx(0.4 * within.dense)  # same language, no shared words


def _mixed(seed: int, count: int = 9) -> list[Group]:
    """Articles with every signal set: random vectors, terms, names, numbers, days, languages."""
    rng = np.random.default_rng(seed)
    groups = []
    for i in range(count):
        terms = {int(t): float(rng.random()) for t in rng.choice(40, 6, replace=False)}
        day = None if i % 4 == 3 else float(rng.integers(100, 110))
        rare = dict.fromkeys(rng.choice(6, int(rng.integers(4)), replace=False).tolist(), 1.0)
        recalled = () if day is None else tuple(float(d) for d in rng.choice(np.arange(100, 110), 3, replace=False))
        groups.append(Group.of_article(f"m{i}", _unit(rng.normal(size=8)), terms,
                                       {int(rng.integers(5)): 1.0}, {int(rng.integers(3)): 1.0},
                                       day, ["en", "es", "de"][i % 3], rare, recalled=recalled))
    return groups


def _story_of(key: str, members: list[Group]) -> Group:
    story = Group(key, 0, np.zeros(8, "float32"))
    for member in members:
        story.absorb(member)
    return story


FITTED = Weights(dense=3.0, lexical=15.0, names=4.0, threshold=14.0, window_days=200,
                 cross_language=7.5, numbers=3.0, time=1.2, gap=-0.7, dated=1.5, same_language=6.4,
                 rare=2.5, recalls=2.0)
RARE = SIGNALS.index("rare")


def test_a_members_fit_is_its_link_with_the_rest_of_its_story():
    """``membership.member_fits`` scores each member against the rest exactly as clustering
    would link the two (a headline-only member by the headline model), and names the
    members it scores highest with, best first."""
    from storyline.cluster.membership import member_fits

    members = _mixed(5, 7)
    members[2] = replace(members[2], headlines=1)  # known by its headline alone
    weights = replace(FITTED, headline=replace(FITTED, dense=9.0, threshold=10.0))
    fits = member_fits(members, weights)
    assert [f.article_id for f in fits] == [m.key for m in members]
    for i, fit in enumerate(fits):
        judge = weights.judging(members[i])
        expected = link(members[i], _story_of("rest", members[:i] + members[i + 1:]), judge)
        assert fit.score == pytest.approx(expected.score, abs=1e-6)
        assert fit.threshold == judge.threshold
        assert tuple(fit.signals.values()) == pytest.approx(expected.signals, abs=1e-6)
        pairs = sorted(((link(members[i], other, judge).score, other.key) for other in members
                        if other is not members[i]), key=lambda p: -p[0])
        assert [key for key, _ in fit.closest] == [key for _, key in pairs[:3]]
        assert fit.probability == pytest.approx(1 / (1 + np.exp(judge.threshold - fit.score)))
    assert fits[2].threshold == 10.0 and fits[0].threshold == 14.0
    assert member_fits(members[:1], weights) == []  # a story of one has no rest to fit


def test_every_signal_averages_exactly_over_member_pairs():
    """Each signal of two groups is the mean of their member pairs' signals, but ``rare``:
    it is log(1 + the mean number of rare names shared)."""
    groups = _mixed(1)
    a, b = _story_of("A", groups[:4]), _story_of("B", groups[4:])
    pairs = [link(x, y, FITTED) for x in groups[:4] for y in groups[4:]]
    together = link(a, b, FITTED)
    means = np.mean([p.signals for p in pairs], axis=0)
    shared = np.mean([x.rare.dot(y.rare) for x in groups[:4] for y in groups[4:]])
    assert 0 < shared and [p.rare for p in pairs] == pytest.approx(
        [np.log1p(x.rare.dot(y.rare)) for x in groups[:4] for y in groups[4:]])
    means[RARE] = np.log1p(shared)
    assert together.signals == pytest.approx(tuple(means), abs=1e-6)
    assert together.recalls > 0  # the made-up articles name each other's days
    linear = replace(FITTED, rare=0.0)  # the score of a linear model is the mean pair score
    assert link(a, b, linear).score == pytest.approx(np.mean([link(x, y, linear).score for x in groups[:4]
                                                              for y in groups[4:]]), abs=1e-5)


#: The same with products of signals, as the shipped model has: a group's score is then
#: the model applied to the averaged signals, no longer the average of the pair scores.
WITH_PRODUCTS = replace(FITTED, interactions=(("dated*dense", 2.0), ("dense*dense", -3.0),
                                              ("time*cross", 4.0), ("same_language*names", -1.0)))


def test_a_model_with_signal_products_scores_the_averaged_signals():
    groups = _mixed(2)
    a, b = _story_of("A", groups[:4]), _story_of("B", groups[4:])
    together = link(a, b, WITH_PRODUCTS)
    linear = link(a, b, FITTED)
    assert together.signals == linear.signals
    dense, cross, names, time, dated, same = (together.signals[SIGNALS.index(n)] for n in (
        "dense", "cross", "names", "time", "dated", "same_language"))
    products = 2.0 * dated * dense - 3.0 * dense * dense + 4.0 * time * cross - same * names
    assert together.score == pytest.approx(linear.score + products, abs=1e-5)
    with pytest.raises(ValueError, match="unknown signal products"):
        replace(FITTED, interactions=(("dense*nonsense", 1.0),))


def test_regrouping_on_the_pair_matrix_agrees_with_batch_clustering():
    for seed, weights in zip(range(4), [replace(FITTED, threshold=4.0)] * 2
                             + [replace(WITH_PRODUCTS, threshold=4.0)] * 2):
        groups = _mixed(seed, count=12)
        matrices = pair_signals(groups, weights)  # the rare names shared, not their logarithm
        matrices[RARE] = np.log1p(matrices[RARE])
        assert tuple(matrices[:, 0, 1]) == pytest.approx(link(groups[0], groups[1], weights).signals, abs=1e-5)
        by_matrix = sorted(sorted(groups[i].key for i in part) for part in agglomerate(groups, weights, {}))
        assert by_matrix == cluster_groups(groups, weights, neighbours=len(groups))


def test_batch_adds_the_pair_sums_of_merged_groups_as_scoring_anew_would():
    """Batch keeps each link's pair sums and adds them when groups merge, scoring at once
    the links of articles of one language and day and one by one the rest: copies joined
    across languages and days take the second path. Both agree with the pair matrix."""
    for seed in range(8):
        groups = _mixed(seed, count=14)
        copies = [(groups[0].key, groups[1].key), (groups[1].key, groups[5].key), (groups[6].key, groups[9].key)]
        links: dict[str, set[str]] = {}
        for a, b in copies:
            links.setdefault(a, set()).add(b)
            links.setdefault(b, set()).add(a)
        for threshold, reach in ((2.0, 0.0), (4.0, 0.0), (8.0, 0.0), (8.0, 4.0)):  # and with strays
            weights = replace(WITH_PRODUCTS, threshold=threshold, stray_reach=reach, stray_lead=1.0)
            by_matrix = sorted(sorted(groups[i].key for i in part) for part in agglomerate(groups, weights, links))
            assert cluster_groups(groups, weights, duplicate_links=copies,
                                  neighbours=len(groups)) == by_matrix


def test_batch_gives_the_same_stories_whatever_the_size_of_its_pair_sum_blocks(monkeypatch):
    """The links' pair sums live in blocks of one table; links whose rows fall in different
    blocks (blocks of 2 rows here, of 65,536 in use) add up as any others do."""
    from storyline.cluster.batch import _PairSums

    for seed in range(4):
        groups = _mixed(seed, count=14)
        weights = replace(WITH_PRODUCTS, threshold=4.0, stray_reach=4.0, stray_lead=1.0)
        as_used = cluster_groups(groups, weights, neighbours=len(groups))
        monkeypatch.setattr(_PairSums, "_BITS", 1)
        assert cluster_groups(groups, weights, neighbours=len(groups)) == as_used
        monkeypatch.undo()
    assert any(len(story) > 1 for story in as_used)  # merges happened: sums were added


def test_a_copy_absorbs_others_without_changing_the_group_it_was_copied_from():
    """Copies share their arrays with the original (batch copies every article's group),
    which is safe only while absorbing never changes an array in place."""
    first, second, third = _mixed(5, count=3)
    before = (first.dense.copy(), {k: v.copy() for k, v in first.by_language.items()},
              first.lexical.weights.copy(), dict(first.days), dict(first.languages), dict(first.recalled))
    story = first.copy()
    story.absorb(second)
    story.absorb(third)
    assert story.size == 3 and len(story.languages) == 3
    assert np.array_equal(first.dense, before[0]) and first.size == 1
    assert first.by_language.keys() == before[1].keys()
    assert all(np.array_equal(first.by_language[k], v) for k, v in before[1].items())
    assert np.array_equal(first.lexical.weights, before[2])
    assert (first.days, first.languages, first.recalled) == before[3:]


def test_regrouping_never_names_a_story_after_a_live_one():
    from storyline.cluster.online import story_id_for
    from storyline.cluster.regroup import regroup

    # one story holding two unrelated articles splits in two; the part that loses the
    # story's name is named after its earliest member, unless that name (or a numbered
    # one) is another live story's: reusing it would overwrite that story
    first, second = _articles(seed=3, stories=2, per_story=1)
    split = replace(FITTED, threshold=1e6)  # nothing merges
    taken = {story_id_for(second.key), f"s{second.key}-0"}
    parts = regroup({"s-old": [first, second]}, split, {}, taken)
    assert len(parts) == 2 and not set(parts) & taken
    assert f"s{second.key}-1" in parts


def _agglomerate_naively(groups, weights, links):
    """Average linkage with every group pair scored again after each merge (what
    ``agglomerate`` computes, only slower): the same totals, scores and first maximum."""
    totals = pair_signals(groups, weights)
    parts = [[i] for i in range(len(groups))]
    first = np.array([np.nan if g.first is None else g.first for g in groups])
    last = first.copy()

    def merge(a, b):
        nonlocal totals, first, last
        parts[a] += parts.pop(b)
        totals = totals.copy()
        totals[:, a, :] += totals[:, b, :]
        totals[:, :, a] += totals[:, :, b]
        first[a], last[a] = np.fmin(first[a], first[b]), np.fmax(last[a], last[b])
        keep = np.arange(len(parts) + 1) != b
        totals, first, last = totals[:, keep][:, :, keep], first[keep], last[keep]

    position = {g.key: i for i, g in enumerate(groups)}
    for i, g in enumerate(groups):
        for j in sorted(position[k] for k in links.get(g.key, ()) if k in position):
            gi, gj = (next(n for n, part in enumerate(parts) if m in part) for m in (i, j))
            if gi != gj:
                merge(min(gi, gj), max(gi, gj))
    while len(parts) > 1:
        sizes = np.array([len(part) for part in parts], dtype=float)
        signals = totals / np.outer(sizes, sizes)
        signals[RARE] = np.log1p(signals[RARE])  # the rare names shared: a log of their mean
        means = weights.score(tuple(signals))
        np.fill_diagonal(means, -np.inf)
        apart = np.maximum(np.subtract.outer(first, last), np.subtract.outer(last, first).T)
        means[apart > weights.window_days] = -np.inf
        best = np.unravel_index(int(np.argmax(means)), means.shape)
        if means[best] < weights.threshold:
            break
        merge(min(best), max(best))
    if len(parts) > 1:  # strays: each group judged against the groups now, then moved
        sizes = np.array([len(part) for part in parts], dtype=float)
        signals = totals / np.outer(sizes, sizes)
        signals[RARE] = np.log1p(signals[RARE])
        means = weights.score(tuple(signals))
        np.fill_diagonal(means, -np.inf)
        apart = np.maximum(np.subtract.outer(first, last), np.subtract.outer(last, first).T)
        means[apart > weights.window_days] = -np.inf
        moves = {}
        for i, part in enumerate(parts):
            ranked = sorted(range(len(parts)), key=lambda j: (-means[i, j], j))
            best, runner_up = ranked[0], means[i, ranked[1]]  # (the diagonal is -inf)
            if (len(parts[best]) >= 2 * len(part) and weights.stray_reach > 0
                    and np.isfinite(means[i, best]) and np.isfinite(runner_up)
                    and means[i, best] >= weights.threshold - weights.stray_reach
                    and means[i, best] - runner_up >= weights.stray_lead):
                moves[i] = best
        for i in sorted(moves, key=lambda i: (len(parts[i]), i)):
            best = moves[i]
            while best in moves:  # a home that is a stray itself: follow it
                best = moves[best]
            parts[best] = parts[best] + parts[i]
        parts = [part for i, part in enumerate(parts) if i not in moves]
    return [sorted(part) for part in parts]


def test_regrouping_rescores_only_what_a_merge_changed():
    """``agglomerate`` scores again only the row and column of the group that grew: the
    result is the one of scoring every pair after every merge, exactly."""
    for seed in range(12):
        rng = np.random.default_rng(seed)
        groups = _mixed(seed, count=int(rng.integers(2, 30)))
        for g in groups[::5]:  # some dates far apart, outside the window of the others
            g.first = g.last = None if g.first is None else g.first + 300.0
            g.days = {} if g.first is None else {g.first: 1}
        links = {groups[0].key: {groups[-1].key}, groups[-1].key: {groups[0].key}}
        for threshold, reach in ((0.0, 0.0), (4.0, 0.0), (8.0, 0.0), (14.0, 0.0), (8.0, 4.0), (14.0, 6.0)):
            weights = replace(WITH_PRODUCTS, threshold=threshold, stray_reach=reach, stray_lead=1.0)
            assert agglomerate(groups, weights, links) == _agglomerate_naively(groups, weights, links)


def test_scores_of_many_pairs_at_once_are_the_scores_of_each():
    rng = np.random.default_rng(3)
    for shape in [(1,), (2,), (16,), (7, 7)]:
        values = rng.normal(size=(len(SIGNALS), *shape)) * 10.0
        at_once = WITH_PRODUCTS.scores(values)
        for index in np.ndindex(*shape):
            assert at_once[index] == WITH_PRODUCTS.score(tuple(values[(slice(None), *index)]))


def test_scoring_many_stories_against_one_article_gives_the_numbers_of_link():
    groups = _mixed(5, count=40)
    stories = [_story_of(f"S{i}", groups[i:i + size]) for i, size in
               zip(range(0, 36, 4), [1, 2, 3, 4, 4, 3, 2, 1, 4])]
    stories.append(Group("empty-terms", 1, groups[0].dense, first=None, last=None))
    for article in groups[36:]:
        for weights in (FITTED, WITH_PRODUCTS):
            assert links(stories, article, weights) == [link(s, article, weights) for s in stories]
    assert dots([s.lexical for s in stories], groups[36].lexical) == [
        s.lexical.dot(groups[36].lexical) for s in stories]
    assert dots([], groups[36].lexical) == [] and dots([stories[0].lexical], SparseSum.of({})) == [0.0]
    # name and number ids are 31-bit hashes: ids that share their low bits are told apart,
    # in the query (two query terms on one slot) and between query and vector
    high = 1 << 18
    vector = SparseSum.of({5: 1.0, 7: 2.0, 5 + high: 3.0, 9 + high: 4.0, 7 + 5 * high: 8.0})
    for query in ({5: 1.0, 7: 1.0}, {5: 1.0, 7: 1.0, 5 + high: 1.0}, {9: 1.0, 7 + high: 2.0, 5 + high: 0.5}):
        query = SparseSum.of(query)
        assert dots([vector, query], query) == [vector.dot(query), query.dot(query)]


def test_online_regrouping_undoes_an_early_greedy_choice():
    """b joins a's story first; later c and d show that b belongs with them, not with a."""
    weights = Weights(dense=1.0, lexical=0.0, names=0.0, threshold=0.7, window_days=7)
    e = [_unit(np.eye(4)[i]) for i in range(4)]
    a = Group("a", 1, e[0], first=1.0, last=1.0)
    b = Group("b", 1, _unit(0.75 * e[0] + 0.66 * e[1]), first=1.0, last=1.0)
    c = Group("c", 1, _unit(0.2 * e[0] + e[1]), first=1.0, last=1.0)
    d = Group("d", 1, _unit(0.25 * e[0] + e[1] + 0.1 * e[2]), first=1.0, last=1.0)
    online = OnlineClusterer(weights)
    online.assign(a)
    assert online.assign(b).story_id == online.story_of("a")
    online.assign(c)
    online.assign(d)
    assert online.story_of("b") == online.story_of("c") == online.story_of("d") != online.story_of("a")
    changed, deleted, moved = online.take_changes()
    assert moved["b"] == online.story_of("b") and not set(deleted) & set(online.stories)


def test_online_regroups_a_story_that_grew_as_one():
    """a1 and b1 (two events) pair up at once and every later article joins their one story,
    so no second story ever forms; batch joins a1-a2 and b1-b2 first and keeps them apart.
    Online must end as batch does: the story alone is regrouped as it grows."""
    gram = np.array([[1, .95, .75, .68], [.95, 1, .66, .62], [.75, .66, 1, .95], [.68, .62, .95, 1]])
    vectors = np.linalg.cholesky(gram).astype("float32")  # rows with exactly these cosines
    weights = Weights(dense=1.0, lexical=0.0, names=0.0, threshold=0.7, window_days=7)
    groups = [Group(key, 1, vectors[i], first=1.0, last=1.0)
              for i, key in enumerate(["a1", "a2", "b1", "b2"])]
    online = OnlineClusterer(weights)
    for key in ["a1", "b1", "a2", "b2"]:  # b1 right after a1: 0.75 joins
        online.assign(next(g for g in groups if g.key == key))
    by_online = sorted(sorted(k for k in ("a1", "a2", "b1", "b2") if online.story_of(k) == s)
                       for s in {online.story_of(k) for k in ("a1", "a2", "b1", "b2")})
    assert by_online == cluster_groups(groups, weights) == [["a1", "a2"], ["b1", "b2"]]


def test_a_story_that_grows_alone_is_regrouped_at_sizes_about_1_5_times_apart(monkeypatch):
    import storyline.cluster.online as online_module

    sizes = []
    regroup = online_module.regroup

    def counted(members, *args):
        sizes.append(sum(len(m) for m in members.values()))
        return regroup(members, *args)

    monkeypatch.setattr(online_module, "regroup", counted)
    weights = Weights(dense=1.0, lexical=0.0, names=0.0, threshold=0.7, window_days=7)
    online = OnlineClusterer(weights)
    centre = _unit(np.ones(8))
    rng = np.random.default_rng(0)
    for i in range(13):  # all close to one centre: one story, no other ever near
        online.assign(Group(f"a{i:02d}", 1, _unit(centre + 0.01 * rng.normal(size=8)), first=1.0, last=1.0))
    assert len(online.stories) == 1 and sizes == [3, 4, 6, 8, 12]


def test_term_index_finds_stories_that_share_heavy_terms():
    index = TermIndex(terms_per_story=3)
    index.put(0, SparseSum.of({1: 0.9, 2: 0.4, 3: 0.1}))
    index.put(1, SparseSum.of({4: 0.9, 5: 0.4}))
    index.put(2, SparseSum.of({1: 0.2, 6: 0.9}))
    query = SparseSum.of({1: 1.0, 2: 0.5})
    assert index.search(query, 2, lambda row: True) == [0, 2]
    assert index.search(query, 2, lambda row: row != 0) == [2]
    index.drop(0)
    assert index.search(query, 2, lambda row: True) == [2]


def test_candidates_include_lexical_neighbours_the_dense_search_misses():
    rng = np.random.default_rng(0)
    groups = [Group.of_article(f"g{i}", _unit(rng.normal(size=16)), {1000 + i: 1.0}, {}, {}, 5.0, "en")
              for i in range(30)]
    groups.append(Group.of_article("twin", _unit(rng.normal(size=16)), {1000: 1.0}, {}, {}, 5.0, "en"))
    pairs = candidate_pairs(groups, Weights(1, 1, 0, 0.5, 7), 2)
    assert ("g0", "twin") in pairs


def test_sparse_sums_add_and_dot():
    a, b = SparseSum.of({3: 1.0, 5: 2.0}), SparseSum.of({5: 1.0, 9: 4.0})
    assert a.plus(b).to_dict() == {3: 1.0, 5: 3.0, 9: 4.0}
    assert a.dot(b) == 2.0 and SparseSum.of({}).dot(a) == 0.0
    assert a.heaviest(1) == {5: pytest.approx(2.0 / np.sqrt(5.0))}


def test_the_bundled_pair_model_loads_and_a_broken_one_says_what_to_do(tmp_path):
    from storyline.cluster import pair_model
    from storyline.errors import SettingsError
    from storyline.storybuilder import weights_from

    model = pair_model.load()
    weights = pair_model.weights(model, window_days=200.0)
    assert weights.threshold == model["threshold"] and len(weights.interactions) > 0
    stricter = pair_model.weights(model, 200.0, threshold_offset=1.5)
    assert stricter.threshold == pytest.approx(model["threshold"] + 1.5)
    # the headline model ships beside it, and the offset moves its threshold too
    assert weights.headline is not None and weights.headline.threshold == model["headline"]["threshold"]
    assert stricter.headline.threshold == pytest.approx(model["headline"]["threshold"] + 1.5)
    headline = Group("h", 1, np.ones(3), headlines=1)
    assert weights.judging(headline) is weights.headline
    assert weights.judging(Group("a", 1, np.ones(3))) is weights
    without = {key: value for key, value in model.items() if key != "headline"}
    assert pair_model.weights(without, 200.0).judging(headline) == pair_model.weights(without, 200.0)
    settings = {"window_days": 200.0, "story_threshold_offset": 0.0}
    assert weights_from({**settings, "pair_model": ""}) == weights
    broken = tmp_path / "model.json"
    for text, reason in [('{"weights": {"nonsense": 1}, "threshold": 1, "time_scale_days": 3}',
                          "unknown features"),
                         ('{"weights": {}}', "missing"), ("not json", "cannot read"),
                         ('{"weights": {}, "threshold": 1, "time_scale_days": 3, "headline": {"weights": {}}}',
                          "missing.*headline model"),
                         ('{"weights": {}, "threshold": 1, "time_scale_days": 3, "headline": [1]}',
                          "object in its headline model")]:
        broken.write_text(text, encoding="utf-8")
        with pytest.raises(SettingsError, match=f"pair_model.*{reason}"):
            weights_from({**settings, "pair_model": str(broken)})


def test_a_lone_article_joins_a_story_that_leads_every_other_by_far():
    """Below the threshold but within ``stray_reach`` of it, a lone article joins its best
    story when that story leads the runner-up by ``stray_lead``; batch, regrouping and
    online (which opens a story for it on arrival, and regroups the neighbourhood) agree.
    With the runner-up close, or with no runner-up at all, it stays alone."""
    e = np.eye(5)
    x = [Group("x1", 1, e[0], first=1.0, last=1.0), Group("x2", 1, _unit(e[0] + 0.1 * e[3]), first=1.0, last=1.0)]
    y = [Group("y1", 1, e[1], first=1.0, last=1.0), Group("y2", 1, _unit(e[1] + 0.1 * e[4]), first=1.0, last=1.0)]
    weights = Weights(dense=1.0, lexical=0.0, names=0.0, threshold=0.7, window_days=7,
                      stray_reach=0.3, stray_lead=0.2)

    def stray(toward_y: float) -> Group:  # cosine 0.55 with the x story, toward_y with y's
        return Group("s", 1, 0.55 * e[0] + toward_y * e[1] + np.sqrt(1 - 0.55 ** 2 - toward_y ** 2) * e[2],
                     first=1.0, last=1.0)

    for toward_y, joins in ((0.2, True), (0.45, False)):
        articles = [*x, *y, stray(toward_y)]
        expected = [["s", "x1", "x2"], ["y1", "y2"]] if joins else [["s"], ["x1", "x2"], ["y1", "y2"]]
        assert cluster_groups(articles, weights, neighbours=len(articles)) == expected
        assert cluster_groups(articles, replace(weights, stray_reach=0.0),
                              neighbours=len(articles)) == [["s"], ["x1", "x2"], ["y1", "y2"]]
        by_matrix = sorted(sorted(articles[i].key for i in part) for part in agglomerate(articles, weights, {}))
        assert by_matrix == expected
        online = OnlineClusterer(weights)
        for article in articles:
            online.assign(article.copy())
        assert (online.story_of("s") == online.story_of("x1")) is joins
        # with no regrouping, a stray that came first is judged again once a story near it
        # has grown, against its own candidates; one that comes last is not adopted on arrival
        first, last = OnlineClusterer(weights, largest_regroup=2), OnlineClusterer(weights, largest_regroup=2)
        for article in [stray(toward_y), *y, *x]:
            first.assign(article.copy())
        for article in [*y, *x, stray(toward_y)]:
            last.assign(article.copy())
        assert (first.story_of("s") == first.story_of("x1")) is joins
        assert last.story_of("s") != last.story_of("x1")
    # no runner-up: the x story alone is no evidence that s belongs to it
    assert cluster_groups([*x, stray(0.2)], weights, neighbours=3) == [["s"], ["x1", "x2"]]


def test_a_small_story_joins_one_twice_its_size_that_leads_every_other_by_far():
    """A story of two (a report and its follow-up) below the threshold with the x story
    joins it as a stray when x has at least twice its members and leads the runner-up y by
    ``stray_lead``: in batch, regrouping and online, with and without regrouping. A story of
    three is no home for it, and with the runner-up close it stays apart."""
    e = np.eye(14)

    def story(name: str, axis: int, size: int) -> list[Group]:
        return [Group(f"{name}{i}", 1, _unit(e[axis] + 0.1 * e[4 + i]), first=1.0, last=1.0)
                for i in range(size)]

    def pair(toward_y: float) -> list[Group]:  # cosine 0.55 with x, toward_y with y, near 1 between
        rest = np.sqrt(1 - 0.55 ** 2 - toward_y ** 2)
        return [Group(f"p{i}", 1, _unit(0.55 * e[0] + toward_y * e[1] + rest * (e[2] + 0.05 * i * e[3])),
                      first=1.0, last=1.0) for i in (1, 2)]

    weights = Weights(dense=1.0, lexical=0.0, names=0.0, threshold=0.7, window_days=7,
                      stray_reach=0.3, stray_lead=0.2)
    for x_size, toward_y, joins in ((4, 0.2, True), (3, 0.2, False), (4, 0.45, False)):
        x, y = story("x", 0, x_size), story("y", 1, 4)
        articles = [*x, *y, *pair(toward_y)]
        keys = [sorted(g.key for g in part) for part in (x, y, pair(toward_y))]
        expected = sorted([sorted(keys[0] + keys[2]), keys[1]] if joins else keys)
        assert cluster_groups(articles, weights, neighbours=len(articles)) == expected
        by_matrix = sorted(sorted(articles[i].key for i in part) for part in agglomerate(articles, weights, {}))
        assert by_matrix == expected
        for online in (OnlineClusterer(weights), OnlineClusterer(weights, largest_regroup=2)):
            for article in [*pair(toward_y), *y, *x]:  # the pair first: judged once x has grown
                online.assign(article.copy())
            assert (online.story_of("p1") == online.story_of("x0")) is joins
            assert online.story_of("p1") == online.story_of("p2")


def test_a_stray_searches_its_candidates_among_the_rows_nearest_the_arrival():
    """Past ``_SHORTLIST`` stories, a stray's own candidates are searched among the rows
    nearest the arriving article: it finds its home and its runner-up there, as with few."""
    from storyline.cluster.online import _SHORTLIST

    e = np.eye(3 + 400)
    weights = Weights(dense=1.0, lexical=0.0, names=0.0, threshold=0.7, window_days=7,
                      stray_reach=0.3, stray_lead=0.2)
    rng = np.random.default_rng(3)
    # unrelated stories first (cosine 0 with the five below, near 0 with each other), enough
    # to need the shortlist
    filler = [Group(f"f{i:04d}", 1, _unit(np.concatenate([np.zeros(3), rng.normal(size=400)])),
                    first=1.0, last=1.0) for i in range(2 * _SHORTLIST)]

    def stray(toward_y: float) -> Group:
        return Group("s", 1, 0.55 * e[0] + toward_y * e[1] + np.sqrt(1 - 0.55 ** 2 - toward_y ** 2) * e[2],
                     first=1.0, last=1.0)

    for toward_y, joins in ((0.2, True), (0.45, False)):
        online = OnlineClusterer(weights, largest_regroup=2)
        for article in [*filler, stray(toward_y),
                        Group("y1", 1, e[1], first=1.0, last=1.0), Group("y2", 1, _unit(e[1] + 0.1 * e[2]), first=1.0, last=1.0),
                        Group("x1", 1, e[0], first=1.0, last=1.0), Group("x2", 1, _unit(e[0] + 0.1 * e[2]), first=1.0, last=1.0)]:
            online.assign(article.copy())
        assert len(online.stories) > _SHORTLIST
        assert (online.story_of("s") == online.story_of("x1")) is joins


def test_a_headline_only_article_follows_the_story_it_clearly_matches():
    """A headline-only article (``Group.headline_only``) joins the story that reaches the
    threshold with it and leads every other by ``stray_lead``, in batch, regrouping and
    online (arriving first or last); with the runner-up close it stays alone."""
    e = np.eye(6)
    x = [Group("x1", 1, e[0], first=1.0, last=1.0), Group("x2", 1, _unit(e[0] + 0.1 * e[3]), first=1.0, last=1.0)]
    y = [Group("y1", 1, e[1], first=1.0, last=1.0), Group("y2", 1, _unit(e[1] + 0.1 * e[4]), first=1.0, last=1.0)]
    weights = Weights(dense=1.0, lexical=0.0, names=0.0, threshold=0.7, window_days=7, stray_lead=0.2)

    def headline(toward_x: float, toward_y: float) -> Group:
        rest = np.sqrt(1 - toward_x ** 2 - toward_y ** 2)
        return Group("h", 1, toward_x * e[0] + toward_y * e[1] + rest * e[2], first=1.0, last=1.0, headlines=1)

    for h, joins in ((headline(0.8, 0.3), True), (headline(0.72, 0.65), False)):
        assert h.headline_only
        articles = [*x, *y, h]
        expected = [["h", "x1", "x2"], ["y1", "y2"]] if joins else [["h"], ["x1", "x2"], ["y1", "y2"]]
        assert cluster_groups(articles, weights, neighbours=len(articles)) == expected
        by_matrix = sorted(sorted(articles[i].key for i in part) for part in agglomerate(articles, weights, {}))
        assert by_matrix == expected
        assert _run_online([*x, *y, h.copy()], weights) == expected
        assert _run_online([*y, *x, h.copy()], weights) == expected
    # arriving first, it stands alone and follows once the story it matches has grown
    assert _run_online([headline(0.8, 0.3), *y, *x], weights) == [["h", "x1", "x2"], ["y1", "y2"]]
    # a story of headlines alone keeps its flag in the stored state
    assert unpack("s", pack(headline(0.8, 0.3))).headline_only


def test_a_headline_only_article_is_scored_by_the_headline_model():
    """``Weights.headline`` scores a headline-only article against stories (a title against
    whole articles: each signal says more than between two articles): a headline the article
    pairs' model leaves alone (0.6 < 0.7) follows the story the headline model places it in
    (0.9, 0.45 for the runner-up), in batch, regrouping and online, arriving first or last."""
    e = np.eye(6)
    x = [Group("x1", 1, e[0], first=1.0, last=1.0), Group("x2", 1, _unit(e[0] + 0.1 * e[3]), first=1.0, last=1.0)]
    y = [Group("y1", 1, e[1], first=1.0, last=1.0), Group("y2", 1, _unit(e[1] + 0.1 * e[4]), first=1.0, last=1.0)]
    h = Group("h", 1, 0.6 * e[0] + 0.3 * e[1] + np.sqrt(1 - 0.6 ** 2 - 0.3 ** 2) * e[2],
              first=1.0, last=1.0, headlines=1)
    articles_only = Weights(dense=1.0, lexical=0.0, names=0.0, threshold=0.7, window_days=7, stray_lead=0.2)
    with_headline_model = replace(articles_only, headline=replace(articles_only, dense=1.5))
    for weights, expected in ((articles_only, [["h"], ["x1", "x2"], ["y1", "y2"]]),
                              (with_headline_model, [["h", "x1", "x2"], ["y1", "y2"]])):
        groups = [*x, *y, h]
        assert cluster_groups(groups, weights, neighbours=len(groups)) == expected
        assert sorted(sorted(groups[i].key for i in part) for part in agglomerate(groups, weights, {})) == expected
        assert _run_online([*x, *y, h.copy()], weights) == expected
        assert _run_online([h.copy(), *y, *x], weights) == expected


def test_a_headline_only_article_never_ties_two_stories_together():
    """Two reports 0.6 apart each score 0.85 with a headline: as an article it would pull
    them into one story (average 0.725 >= 0.7), as a headline it follows neither (no lead)
    and leads nothing, in batch, regrouping and online whatever the order."""
    e = np.eye(3)
    first = Group("f1", 1, e[0], first=1.0, last=1.0)
    second = Group("f2", 1, 0.6 * e[0] + 0.8 * e[1], first=1.0, last=1.0)
    dense = 0.85 * e[0] + 0.425 * e[1] + np.sqrt(1 - 0.85 ** 2 - 0.425 ** 2) * e[2]
    weights = Weights(dense=1.0, lexical=0.0, names=0.0, threshold=0.7, window_days=7, stray_lead=0.2)
    as_article = Group("h", 1, dense, first=1.0, last=1.0)
    assert cluster_groups([first, second, as_article], weights) == [["f1", "f2", "h"]]
    as_headline = replace(as_article, headlines=1)
    articles = [first, second, as_headline]
    alone = [["f1"], ["f2"], ["h"]]
    assert cluster_groups(articles, weights) == alone
    assert sorted(sorted(articles[i].key for i in part) for part in agglomerate(articles, weights, {})) == alone
    for order in ([first, second, as_headline], [as_headline, first, second], [first, as_headline, second]):
        assert _run_online([g.copy() for g in order], weights) == alone


def test_a_translation_regroups_the_story_of_look_alikes_that_holds_its_original():
    """Two look-alike English reports join (a and b); a's Spanish translation scores high
    with a alone, but on average the story is out of its reach. Batch joins each report with
    its translation first and keeps the two stories apart; online does too, because a story
    with no member in the article's language that holds a member the article would join on
    its own is regrouped with the article's story."""
    e = np.eye(4)
    a_en, b_en = e[0], 0.72 * e[0] + np.sqrt(1 - 0.72 ** 2) * e[1]
    a_es, b_es = _unit(0.95 * a_en + 0.312 * e[2]), _unit(0.95 * b_en + 0.312 * e[3])
    weights = Weights(dense=30.0, lexical=0.0, names=0.0, same_language=6.0, threshold=27.0, window_days=7)

    def report(key: str, dense: np.ndarray, language: str) -> Group:
        return Group.of_article(key, dense.astype("float32"), {}, {}, {}, 1.0, language)

    articles = [report("a_en", a_en, "en"), report("b_en", b_en, "en"),
                report("a_es", a_es, "es"), report("b_es", b_es, "es")]
    expected = [["a_en", "a_es"], ["b_en", "b_es"]]
    assert cluster_groups(articles, weights) == expected
    assert _run_online([g.copy() for g in articles], weights) == expected
    online = OnlineClusterer(weights)  # before the translations, the look-alikes are one story
    for article in articles[:2]:
        online.assign(article.copy())
    assert len(online.stories) == 1
