"""The sentence, claim and summary stages as the card builder calls them.

Analyses are cached as JSON, so claim candidates travel as dicts between the per-article
step (``article_claims``) and the per-story steps (``summary``, ``claims``); this module
turns them back into candidates once per card.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from ..enrich.entities import Mention
from ..enrich.sentences import Sentence, split_sentences
from .claims import CLAIMS_VERSION, ClaimCandidate, align_claims
from .claims import article_claims as _article_claims
from .inputs import CardArticle
from .summary import summarize

__all__ = ["CLAIMS_VERSION", "Sentence", "article_claims", "claims", "restore_claims",
           "sentence_from_dict", "split_sentences", "summary"]


def sentence_from_dict(data: dict[str, Any]) -> Sentence:
    return Sentence(**data)


def article_claims(article: CardArticle, sentences: Sequence[Sentence], *,
                   entities: Sequence[Mention], title_entities: Sequence[Mention]
                   ) -> list[dict[str, Any]]:
    """The article's claim candidates as JSON (cached per article by the caller). The
    entities are the ones the analysis found already: extracting them again would double
    the cost of analysing an article."""
    if not sentences and not article.title:
        return []
    return [claim.to_dict() for claim in _article_claims(
        article, sentences, entities=entities, title_entities=title_entities)]


def restore_claims(candidates: Mapping[str, Sequence[dict[str, Any]]]
                   ) -> dict[str, list[ClaimCandidate]]:
    return {article_id: [ClaimCandidate.from_dict(c) for c in found]
            for article_id, found in candidates.items()}


def summary(articles: Sequence[CardArticle], sentences: Mapping[str, Sequence[Sentence]], *,
            count: int, language: str | None,
            claims: Mapping[str, Sequence[ClaimCandidate]]) -> list[dict[str, Any]]:
    """The summary; the cached claim vectors spare it from running the encoder again."""
    if not any(sentences.values()):
        return []
    return [s.as_dict() for s in summarize(articles, sentences, count=count,
                                           language=language, claims=claims)]


def claims(articles: Sequence[CardArticle],
           candidates: Mapping[str, Sequence[ClaimCandidate]]) -> dict[str, Any]:
    if not any(candidates.values()):
        return {}
    return align_claims(articles, candidates).as_dict()
