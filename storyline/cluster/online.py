"""Online clustering: each new article joins the best story so far or opens a new one.

Candidates come from an exact inner-product search over the centroids of the stories whose
dates fall within the window of the article's date, so the cost per article depends on how
many stories are active, not on the size of the archive. Each candidate is then scored by
exact average linkage (``linkage.link``), the same score batch clustering uses. When the
article links two stories that also link each other, they merge: later evidence can join
what earlier articles kept apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping

import numpy as np

from .linkage import Group, Link, Weights, link

_CANDIDATES = 10


@dataclass
class Assignment:
    """Where one article went, and why."""

    article_id: str
    story_id: str
    opened: bool
    link: Link | None = None
    merged: list[str] = field(default_factory=list)  # stories absorbed into story_id


def story_id_for(article_id: str) -> str:
    """A story is named after the article that opened it."""
    return "s" + article_id[:15]


class OnlineClusterer:
    """Stories as running sums, with a centroid matrix for candidate search."""

    def __init__(self, weights: Weights, stories: Mapping[str, Group] | None = None,
                 candidates: int = _CANDIDATES):
        self.weights = weights
        self.candidates = candidates
        self.stories: dict[str, Group] = {}
        self._rows: dict[str, int] = {}
        self._keys: list[str | None] = []
        self._matrix: np.ndarray | None = None
        self._days = np.full((64, 2), np.nan)  # first and last day of each row's story
        self.dirty: set[str] = set()
        self.deleted: set[str] = set()
        for story in (stories or {}).values():
            self._put(story)
        self.dirty.clear()

    def assign(self, article: Group, linked_stories: Iterable[str] = ()) -> Assignment:
        """Put ``article`` (a group of one) into a story; ``linked_stories`` are the stories
        of its duplicates, which it joins whatever the similarity."""
        forced = sorted(s for s in set(linked_stories) if s in self.stories)
        scored = self._scored_candidates(article)
        if forced:
            target, best = forced[0], link(self.stories[forced[0]], article, self.weights)
        elif scored and scored[0][1].score >= self.weights.threshold:
            target, best = scored[0][0], scored[0][1]
        else:
            story = Group(story_id_for(article.key), 0, np.zeros_like(article.dense))
            story.absorb(article)
            self._put(story)
            return Assignment(article.key, story.key, opened=True)
        story = self.stories[target]
        story.absorb(article)
        merged = self._merge_linked(target, [s for s, r in scored if s != target] + forced[1:], forced[1:])
        self._put(story)
        return Assignment(article.key, target, opened=False, link=best, merged=merged)

    def _scored_candidates(self, article: Group) -> list[tuple[str, Link]]:
        """The nearest stories by centroid, scored exactly, best first, within the window."""
        if self._matrix is None or not self._keys:
            return []
        count = len(self._keys)
        sims = self._matrix[:count] @ article.centroid.astype("float32")
        sims[~self._in_window(article, count)] = -np.inf
        top = min(self.candidates, count)
        rows = np.argpartition(-sims, top - 1)[:top]
        scored = [(self._keys[row], link(self.stories[self._keys[row]], article, self.weights))
                  for row in rows if np.isfinite(sims[row]) and self._keys[row] is not None]
        scored.sort(key=lambda item: (-item[1].score, item[0]))
        return scored

    def _in_window(self, article: Group, count: int) -> np.ndarray:
        """Which story rows have dates within the window of the article (undated: all)."""
        if article.first is None:
            return np.ones(count, dtype=bool)
        first, last = self._days[:count, 0], self._days[:count, 1]
        gap = np.maximum(np.maximum(article.first - last, first - article.last), 0.0)
        return np.isnan(gap) | (gap <= self.weights.window_days)

    def _merge_linked(self, target: str, others: list[str], forced: list[str]) -> list[str]:
        """Merge into ``target`` the other candidate stories it now links to."""
        merged = []
        story = self.stories[target]
        for other in dict.fromkeys(others):
            if other not in self.stories or other == target:
                continue
            result = link(story, self.stories[other], self.weights)
            if other in forced or (result.within_window and result.score >= self.weights.threshold):
                story.absorb(self.stories[other])
                self._drop(other)
                merged.append(other)
        return merged

    def _put(self, story: Group) -> None:
        self.stories[story.key] = story
        self.dirty.add(story.key)
        centroid = story.centroid.astype("float32")
        if self._matrix is None:
            self._matrix = np.zeros((64, centroid.shape[0]), dtype="float32")
        row = self._rows.get(story.key)
        if row is None:
            row = len(self._keys)
            if row >= self._matrix.shape[0]:  # grow by doubling: amortised O(1) per story
                self._matrix = np.concatenate([self._matrix, np.zeros_like(self._matrix)])
                self._days = np.concatenate([self._days, np.full_like(self._days, np.nan)])
            self._keys.append(story.key)
            self._rows[story.key] = row
        self._matrix[row] = centroid
        self._days[row] = (np.nan if story.first is None else story.first,
                           np.nan if story.last is None else story.last)

    def _drop(self, key: str) -> None:
        row = self._rows.pop(key)
        self._keys[row] = None
        self._matrix[row] = 0.0
        self._days[row] = (np.inf, -np.inf)  # never within any dated article's window
        del self.stories[key]
        self.dirty.discard(key)
        self.deleted.add(key)

    def take_changes(self) -> tuple[list[Group], list[str]]:
        """Stories changed and deleted since the last call, for the engine to store."""
        changed = [self.stories[k] for k in sorted(self.dirty)]
        deleted = sorted(self.deleted)
        self.dirty.clear()
        self.deleted.clear()
        return changed, deleted
