"""An inverted index over the strongest TF-IDF terms of each story, for online candidates.

Dense neighbours alone miss many same-story pairs (on gva the dense top 20 hold 62% of
them, the TF-IDF top 20 90%), so online assignment also asks this index. Each story is
indexed by its ``terms_per_story`` heaviest terms, weighted as in its unit-length TF-IDF
centroid; a query adds up the weights its own heaviest terms meet. The result is a
shortlist, not a score: candidates are scored exactly by ``linkage.link`` afterwards.
"""

from __future__ import annotations

import heapq
from typing import Callable

from .sparse import SparseSum


class TermIndex:
    """Story rows by their heaviest terms."""

    def __init__(self, terms_per_story: int = 24, longest_posting: int = 5000):
        self.terms_per_story = terms_per_story
        self.longest_posting = longest_posting  # a term in more stories tells none apart
        self._postings: dict[int, dict[int, float]] = {}
        self._terms_of: dict[int, list[int]] = {}

    def put(self, row: int, lexical: SparseSum) -> None:
        """Index (or index again) ``row`` under the heaviest terms of ``lexical``."""
        self.drop(row)
        heaviest = lexical.heaviest(self.terms_per_story)
        for term, weight in heaviest.items():
            self._postings.setdefault(term, {})[row] = weight
        self._terms_of[row] = list(heaviest)

    def drop(self, row: int) -> None:
        for term in self._terms_of.pop(row, ()):
            posting = self._postings[term]
            del posting[row]
            if not posting:
                del self._postings[term]

    def search(self, lexical: SparseSum, k: int, allowed: Callable[[int], bool]) -> list[int]:
        """Up to ``k`` rows sharing the most weight with ``lexical``, ``allowed`` ones only."""
        scores: dict[int, float] = {}
        for term, weight in lexical.heaviest(self.terms_per_story).items():
            posting = self._postings.get(term, {})
            if len(posting) <= self.longest_posting:
                for row, other in posting.items():
                    scores[row] = scores.get(row, 0.0) + weight * other
        return heapq.nlargest(k, (row for row in scores if allowed(row)),
                              key=lambda r: (scores[r], -r))
