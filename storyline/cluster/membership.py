"""Why an article is in its story: how well each member fits the rest, and whom it is closest to.

A reader who finds an article in a story wants to know whether it belongs and why. The
answer here is the clusterer's own: the pair model's score of the member against the
rest of its story (average linkage over its pairs with every other member, the score
online assignment and batch agglomeration compare with the threshold), the probability
that score stands for, and the fellow members the member is closest to, each with the
probability of that pair alone.

A member can sit below the bar against the rest and still belong: it joined a smaller
story that later merged, a stray was adopted by the story it leads every other one for
(``linkage.stray_home``), or it is a copy of a member (``dedup``). Its closest members
then say what holds it.

The weights themselves are not offered as the reasons: the pair model weighs products of
signals (``linkage.INTERACTIONS``), so one signal's weight alone can point the wrong way
(a dense similarity's own weight is negative, its square's positive). The averaged signals
are given as they are, for scripts.

Every signal of every pair of members is computed at once as matrices
(``regroup.pair_signals``), so a story of n members costs n² per signal; stories above
``LARGEST_EXPLAINED`` members are not explained.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from .linkage import SIGNALS, Group, Weights
from .regroup import pair_signals, signals_from_means

#: The largest story explained member by member: its pair matrices (11 signals of n² pairs,
#: float64) take some 30 MB at 600 members, and four times that while they are built.
LARGEST_EXPLAINED = 600
#: Fellow members named as the closest, best first.
CLOSEST = 3
#: Members whose pair scores are computed at once (bounds the model's temporaries).
_ROWS = 64


@dataclass(frozen=True)
class MemberFit:
    """How well one member fits the rest of its story.

    ``score`` is the pair model's log-odds against the rest and ``threshold`` the bar it
    is compared with (the headline model's for a headline-only member); ``closest`` holds
    the fellow members it scores highest with, as (article id, probability of that pair);
    ``signals`` are the averaged pair signals against the rest (``linkage.SIGNALS``)."""

    article_id: str
    score: float
    threshold: float
    closest: tuple[tuple[str, float], ...]
    signals: dict[str, float]

    @property
    def probability(self) -> float:
        """The pair model's probability that the member and the rest tell one story."""
        return probability(self.score - self.threshold)

    @property
    def clears_the_bar(self) -> bool:
        """Whether the member would join the rest on its own score."""
        return self.score >= self.threshold

    def as_dict(self) -> dict[str, Any]:
        return {"article_id": self.article_id, "probability": round(self.probability, 4),
                "score": round(self.score, 4), "threshold": round(self.threshold, 4),
                "clears_the_bar": self.clears_the_bar,
                "closest": [{"article_id": a, "probability": round(p, 4)} for a, p in self.closest],
                "signals": {name: round(value, 4) for name, value in self.signals.items()}}


def probability(log_odds: float) -> float:
    """The probability a log-odds stands for (clipped: no overflow far from the bar)."""
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, log_odds))))


def member_fits(members: Sequence[Group], weights: Weights) -> list[MemberFit]:
    """The fit of each member (an article: a group of one) against the others, in the
    order given; none for a story of one, or of more than ``LARGEST_EXPLAINED``."""
    n = len(members)
    if n < 2 or n > LARGEST_EXPLAINED:
        return []
    sums = pair_signals(members, weights)  # per pair: the signals, but rare names counted
    sums[:, np.arange(n), np.arange(n)] = 0.0  # a member is not its own rest
    rest = signals_from_means(sums.sum(axis=2) / (n - 1))  # each member against the rest: (signal, member)
    pairs = signals_from_means(sums)  # each pair's own signals: (signal, member, other)
    # each member is scored as clustering scores it: a headline alone by the headline model
    judges = [weights.judging(member) for member in members]
    scores, pair_scores = np.empty(n), np.empty((n, n))
    for judge in {id(j): j for j in judges}.values():
        rows = np.flatnonzero([j is judge for j in judges])
        scores[rows] = judge.scores(rest[:, rows])
        for start in range(0, len(rows), _ROWS):  # a few rows at a time: every term is n wide
            block = rows[start:start + _ROWS]
            pair_scores[block] = judge.scores(pairs[:, block])
    np.fill_diagonal(pair_scores, -np.inf)
    closest = np.argsort(-pair_scores, axis=1, kind="stable")[:, :min(CLOSEST, n - 1)]
    return [MemberFit(member.key, float(scores[i]), judges[i].threshold,
                      tuple((members[j].key, probability(float(pair_scores[i, j]) - judges[i].threshold))
                            for j in closest[i]),
                      dict(zip(SIGNALS, rest[:, i].tolist())))
            for i, member in enumerate(members)]
