"""The cluster stage on synthetic groups: linkage algebra, batch order-independence, online."""

from __future__ import annotations

import random

import numpy as np
import pytest

from storyline.cluster import Group, OnlineClusterer, Weights, cluster_groups, link, pack, unpack

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
    """Stories as member lists, following every assignment and merge."""
    online = OnlineClusterer(weights)
    story_of: dict[str, str] = {}
    for g in groups:
        result = online.assign(g)
        story_of[g.key] = result.story_id
        for absorbed in result.merged:
            for article, story in story_of.items():
                if story == absorbed:
                    story_of[article] = result.story_id
    members: dict[str, list[str]] = {}
    for article, story in story_of.items():
        members.setdefault(story, []).append(article)
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
    back = unpack(group.key, pack(group))
    assert back.size == group.size and back.first == group.first
    assert np.allclose(back.dense, group.dense) and back.lexical.keys() == group.lexical.keys()


def test_dense_similarity_stands_in_for_lexical_across_languages():
    weights = Weights(dense=0.4, lexical=0.4, names=0.2, threshold=0.5, window_days=7)
    x = _unit(np.array([1.0, 0.2, 0.0]))
    y = _unit(np.array([1.0, 0.0, 0.3]))
    english = Group("en", 1, x, {1: 1.0}, {}, by_language={"en": x})
    spanish = Group("es", 1, y, {2: 1.0}, {}, by_language={"es": y})
    english_too = Group("en2", 1, y, {3: 1.0}, {}, by_language={"en": y})
    across, within = link(english, spanish, weights), link(english, english_too, weights)
    assert across.lexical == 0.0 and within.lexical == 0.0
    assert across.score == pytest.approx((0.4 + 0.4 * weights.cross_language) * across.dense)
    assert within.score == pytest.approx(0.4 * within.dense)  # same language, no shared words
