"""How strongly two groups of articles belong together: average linkage over mixed signals.

Every signal is a dot product of L2-normalised vectors (dense sentence embeddings, hashed
TF-IDF, names as binary vectors), so the *average* similarity between all pairs of two
groups is a dot product of their sums divided by the sizes:

    mean_{a in A, b in B} cos(a, b) = (sum_A . sum_B) / (|A| |B|)

That makes the online decision (one article against a story) and the batch decision (two
clusters against each other) the same computation, exact, from running sums alone: online
assignment is greedy average linkage, batch is global average linkage, and the two stay
close. Time is a gate, not a weight: groups whose date ranges are further apart than the
window never link.

Lexical similarity means nothing between two languages, so for a pair of articles in
different languages the lexical slot is filled by their dense similarity, scaled by
``cross_language`` (below 1: two texts on one topic in two languages are closer in the
sentence encoder's space than their content warrants). The average stays
exact: each group also keeps its dense sums per language, and the dense similarity of the
cross-language pairs is the total minus the same-language part.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

Sparse = dict[int, float]


@dataclass(frozen=True)
class Weights:
    """Weights of the signals and the decision threshold. Their defaults live in
    ``storyline.settings`` (tuned with benchmarks/stories/tune.py)."""

    dense: float
    lexical: float
    names: float
    threshold: float
    window_days: float
    cross_language: float = 0.4


@dataclass
class Group:
    """Running sums of one story (or one article: a group of size 1)."""

    key: str
    size: int
    dense: np.ndarray
    lexical: Sparse = field(default_factory=dict)
    names: Sparse = field(default_factory=dict)
    first: float | None = None  # days since the epoch, None when no member has a date
    last: float | None = None
    by_language: dict[str, np.ndarray] = field(default_factory=dict)  # dense sums per language

    def absorb(self, other: Group) -> None:
        self.size += other.size
        self.dense = self.dense + other.dense
        for language, vector in other.by_language.items():
            mine = self.by_language.get(language)
            self.by_language[language] = vector.copy() if mine is None else mine + vector
        _add_into(self.lexical, other.lexical)
        _add_into(self.names, other.names)
        self.first = _min(self.first, other.first)
        self.last = _max(self.last, other.last)

    @property
    def centroid(self) -> np.ndarray:
        norm = float(np.linalg.norm(self.dense))
        return self.dense / norm if norm else self.dense


@dataclass(frozen=True)
class Link:
    """The average-linkage score of two groups and its parts, to explain a decision."""

    score: float
    dense: float
    lexical: float
    names: float
    within_window: bool

    def as_dict(self) -> dict[str, float | bool]:
        return {"score": round(self.score, 4), "dense": round(self.dense, 4),
                "lexical": round(self.lexical, 4), "names": round(self.names, 4),
                "within_window": self.within_window}


def link(a: Group, b: Group, weights: Weights) -> Link:
    pairs = a.size * b.size
    dense = float(a.dense @ b.dense) / pairs
    same_language = sum(float(v @ b.by_language[k]) for k, v in a.by_language.items()
                        if k in b.by_language) / pairs
    cross_language = dense - same_language if a.by_language and b.by_language else 0.0
    lexical = sparse_dot(a.lexical, b.lexical) / pairs
    names = sparse_dot(a.names, b.names) / pairs
    score = (weights.dense * dense + weights.lexical * (lexical + weights.cross_language * cross_language)
             + weights.names * names)
    return Link(score, dense, lexical, names, within_window(a, b, weights.window_days))


def joins(a: Group, b: Group, weights: Weights) -> bool:
    result = link(a, b, weights)
    return result.within_window and result.score >= weights.threshold


def within_window(a: Group, b: Group, days: float) -> bool:
    """Whether the date ranges of two groups come within ``days`` of each other."""
    if a.first is None or b.first is None:
        return True  # undated articles are judged on content alone
    gap = max(a.first - b.last, b.first - a.last, 0.0)
    return gap <= days


def sparse_dot(a: Sparse, b: Sparse) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(value * b.get(key, 0.0) for key, value in a.items())


def _add_into(target: Sparse, source: Sparse) -> None:
    for key, value in source.items():
        target[key] = target.get(key, 0.0) + value


def _min(a: float | None, b: float | None) -> float | None:
    return b if a is None else a if b is None else min(a, b)


def _max(a: float | None, b: float | None) -> float | None:
    return b if a is None else a if b is None else max(a, b)
