"""The claims of a story: which sources back each, which rest on one, where they disagree.

Two steps, so that a card updates cheaply when one article joins:

* ``article_claims(article, sentences, embedder=...)`` runs once per article (at ingest) and
  gives ``ClaimCandidate``s that the store keeps as ``to_dict()``;
* ``align_claims(articles, claims)`` compares the cached candidates of all member articles:
  it groups them into claims (``claims_align``) and finds disagreements
  (``claims_conflict``), in well under a second for a twenty-article story.

Sources are counted twice: every article that states a claim, and the independent ones
(distinct ``CardArticle.independence_key``: copies of one wire text count once).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from typing import Mapping, Sequence

from .claim_anchors import find_dates
from .claims_align import ClaimGroup, group_claims
from .claims_compare import candidate_vectors
from .claims_conflict import find_disagreements
from .claims_extract import CLAIMS_VERSION, SHARED_ENCODER, ClaimCandidate, article_claims, \
    embed_candidates, published_date, resolve_embedder
from .claims_slots import Disagreement
from .inputs import CardArticle

__all__ = ["CLAIMS_VERSION", "ClaimCandidate", "ClaimReport", "article_claims", "align_claims"]

logger = logging.getLogger(__name__)


@dataclass
class ClaimReport:
    claims: list[dict] = field(default_factory=list)  # backed by 2+ independent sources
    single_source: list[dict] = field(default_factory=list)
    disagreements: list[dict] = field(default_factory=list)
    updates: list[dict] = field(default_factory=list)  # figures that changed over time

    def as_dict(self) -> dict:
        return {"claims": self.claims, "single_source": self.single_source,
                "disagreements": self.disagreements, "updates": self.updates}


def align_claims(articles: Sequence[CardArticle],
                 claims: Mapping[str, Sequence[ClaimCandidate]], *, embedder=SHARED_ENCODER,
                 language: str | None = None) -> ClaimReport:
    """Align the candidates of a story's articles into claims and disagreements.

    ``claims`` maps article id to that article's candidates. Candidates without vectors
    (cached without an encoder) are embedded with ``embedder``, by default the shared
    multilingual encoder; with ``embedder=None`` hashed word vectors stand in
    (same-language matches only). ``language`` picks the wording shown for a claim when
    its sources are in several languages.
    """
    by_id = {a.article_id: a for a in articles}
    candidates = _dated([c for a in articles for c in claims.get(a.article_id, ())], articles)
    if any(c.vector is None for c in candidates):
        embedder = resolve_embedder(embedder)
        if embedder is not None:
            candidates = _with_vectors(candidates, embedder)
    vectors = candidate_vectors(candidates)
    similarity = vectors @ vectors.T
    report = ClaimReport()
    for group in sorted(group_claims(candidates, similarity), key=_group_order(by_id)):
        record = _claim_record(group, by_id, language)
        if record["independent_sources"] >= 2:
            report.claims.append(record)
        else:
            report.single_source.append(record)
    for disagreement in find_disagreements(candidates, similarity, by_id):
        target = report.updates if disagreement.is_update else report.disagreements
        target.append(_disagreement_record(disagreement, by_id))
    return report


def _dated(candidates: list[ClaimCandidate], articles: Sequence[CardArticle]
           ) -> list[ClaimCandidate]:
    """Candidates of an undated article get dates read against the story's first
    publication day: alone they had none ("on Wednesday, 19 June" has no year). Only dates
    with a day number are kept: a weekday ("el martes") counted from a day the article
    was not written on could be any of two weeks."""
    anchor = min(filter(None, map(published_date, articles)), default=None)
    undated = {a.article_id for a in articles if published_date(a) is None}
    if anchor is None or not undated:
        return candidates
    return [replace(c, dates=tuple(d for d in find_dates(c.text, c.language, anchor)
                                   if any(ch.isdigit() for ch in d.text)))
            if c.article_id in undated else c for c in candidates]


def _with_vectors(candidates: list[ClaimCandidate], embedder) -> list[ClaimCandidate]:
    missing = [c for c in candidates if c.vector is None]
    embedded = {c.key: c for c in embed_candidates(missing, embedder)}
    return [embedded.get(c.key, c) for c in candidates]


def _independent(members: Sequence[ClaimCandidate], by_id: Mapping[str, CardArticle]) -> int:
    return len({by_id[c.article_id].independence_key if c.article_id in by_id else c.article_id
                for c in members})


def _group_order(by_id):
    def order(group: ClaimGroup):
        first = min(group.members, key=lambda c: (c.field != "title", c.paragraph, c.start))
        return (-_independent(group.members, by_id), -len(group.members),
                first.field != "title", first.paragraph, first.start)
    return order


def _claim_record(group: ClaimGroup, by_id, language: str | None) -> dict:
    shown = _representative(group.members, language)
    return {
        "text": shown.text, "language": shown.language,
        "sources": [_source(c, by_id) for c in group.members],
        "independent_sources": _independent(group.members, by_id),
        "why": group.why if len(group.members) > 1 else "",
    }


def _representative(members: Sequence[ClaimCandidate], language: str | None) -> ClaimCandidate:
    """The body sentence in the reader's language if there is one, else the first body
    sentence (titles are terse)."""
    ranked = sorted(members, key=lambda c: (language is not None and c.language != language,
                                            c.field == "title", c.paragraph, c.start))
    return ranked[0]


def _source(candidate: ClaimCandidate, by_id) -> dict:
    article = by_id.get(candidate.article_id)
    return {"article_id": candidate.article_id, "outlet": article.outlet if article else None,
            "sentence": candidate.sentence or candidate.text, "claim": candidate.text,
            "field": candidate.field, "start": candidate.start,
            "end": candidate.end, "language": candidate.language}


def _disagreement_record(disagreement: Disagreement, by_id) -> dict:
    return {
        "aspect": disagreement.aspect, "slot": disagreement.slot, "why": disagreement.why,
        "sides": [{"value": value, "sources": [_source(c, by_id) for c in members],
                   "independent_sources": _independent(members, by_id),
                   "first_published": day.isoformat() if day else None}
                  for (value, members), day in zip(disagreement.sides, disagreement.as_of)],
    }
