"""Aligning claim candidates across articles and languages into claims.

Two candidates from different articles state the same claim when their sentences are very
alike (multilingual encoder cosine >= ``SAME_CLAIM``), or alike enough (>= ``SAME_WITH_ANCHOR``)
and pinning down the same amount, date, name or ordinal; never when they give one slot
different values (that is a disagreement, reported apart). Pairs are joined best first into
groups holding at most one sentence per article, so that a long article cannot chain two
different claims together, and never into a group that gives one of their slots another
value.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .claims_compare import candidate_vectors, date_difference, differing_amounts, has_amount, \
    places_differ, shared_anchors
from .claims_extract import ClaimCandidate

__all__ = ["ClaimGroup", "group_claims", "SAME_CLAIM", "SAME_WITH_ANCHOR"]

logger = logging.getLogger(__name__)

SAME_CLAIM = 0.62
SAME_WITH_ANCHOR = 0.5
#: Links are joined best first; each shared anchor adds this much to a link's rank.
ANCHOR_BONUS = 0.05


@dataclass
class ClaimGroup:
    members: list[ClaimCandidate]
    why: str = ""
    similarity: float = 1.0  # the weakest link that joined the group


def group_claims(candidates: Sequence[ClaimCandidate], similarity: np.ndarray | None = None
                 ) -> list[ClaimGroup]:
    """Groups of candidates that state one claim; a candidate matched by no other article
    forms a group of its own. ``similarity`` may be given precomputed (n x n cosines)."""
    if similarity is None:
        vectors = candidate_vectors(candidates)
        similarity = vectors @ vectors.T
    links = _links(candidates, similarity)
    parent = list(range(len(candidates)))
    articles = [{c.article_id} for c in candidates]
    members = [[i] for i in range(len(candidates))]
    weakest = [(1.0, "")] * len(candidates)

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for score, i, j, why in links:
        ri, rj = root(i), root(j)
        if ri == rj or articles[ri] & articles[rj]:
            continue  # one sentence per article per claim
        if _contradicts(members[ri], members[rj], candidates):
            continue  # 14 injured and 11 injured never meet through a third sentence
        parent[rj] = ri
        articles[ri] |= articles[rj]
        members[ri] += members[rj]
        weakest[ri] = min(weakest[ri], weakest[rj], (score, why))
    groups: dict[int, ClaimGroup] = {}
    for i, candidate in enumerate(candidates):
        r = root(i)
        group = groups.setdefault(r, ClaimGroup([], weakest[r][1], weakest[r][0]))
        group.members.append(candidate)
    return list(groups.values())


def _contradicts(group_a: list[int], group_b: list[int], candidates) -> bool:
    return any(_conflict(candidates[i], candidates[j]) for i in group_a for j in group_b)


def _conflict(a: ClaimCandidate, b: ClaimCandidate) -> bool:
    """The two give one amount, date or place different values."""
    return bool(differing_amounts(a, b) or date_difference(a, b) or places_differ(a, b))


def _links(candidates: Sequence[ClaimCandidate], similarity: np.ndarray
           ) -> list[tuple[float, int, int, str]]:
    """Candidate pairs that state the same claim, best first, each with the reason."""
    n = len(candidates)
    if n < 2:
        return []
    rows, cols = np.nonzero(np.triu(similarity >= SAME_WITH_ANCHOR, k=1))
    links = []
    for i, j in zip(rows.tolist(), cols.tolist()):
        a, b = candidates[i], candidates[j]
        if a.article_id == b.article_id:
            continue
        score = float(similarity[i, j])
        why = _why_same(a, b, score)
        if why:
            links.append((score, i, j, why))
    links.sort(key=lambda link: -(link[0] + ANCHOR_BONUS * _pinned(link[3])))
    return links


def _pinned(why: str) -> int:
    """How many anchors besides names a link's reason cites (amounts, dates, ordinals,
    phrases): "second trip to China in six months" should meet "his second visit ... in
    six months" before a headline the encoder finds as close."""
    return sum(1 for reason in why.split("; ")[1:] if not reason.startswith("names"))


def _why_same(a: ClaimCandidate, b: ClaimCandidate, score: float) -> str:
    """The reason two candidates state the same claim, or "" when they do not."""
    if _conflict(a, b):
        return ""
    anchors = shared_anchors(a, b)
    if score >= SAME_CLAIM:
        return f"sentences alike ({score:.2f})" + (f"; {'; '.join(anchors)}" if anchors else "")
    if _amount_on_one_side(a, b):
        return ""  # an amount only one side gives needs the sentences alike on their own
    if any(not reason.startswith("names") for reason in anchors):  # names alone are too common
        return f"sentences fairly alike ({score:.2f}); {'; '.join(anchors)}"
    return ""


def _amount_on_one_side(a: ClaimCandidate, b: ClaimCandidate) -> bool:
    return has_amount(a) != has_amount(b)
