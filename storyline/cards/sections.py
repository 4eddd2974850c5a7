"""The claims engineer's stages, called through their agreed signatures.

``storyline.enrich.sentences``, ``storyline.cards.summary`` and ``storyline.cards.claims``
come from another branch; until they are installed the card's summary and claims come
out empty (and the log says why once), so a card never fails for their absence.
"""

from __future__ import annotations

import importlib
import logging
from functools import lru_cache
from typing import Any, Mapping, Sequence

from .inputs import CardArticle

logger = logging.getLogger(__name__)


@lru_cache(maxsize=None)  # one import attempt (and one log line) per process
def _stage(module: str):
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        logger.info("card section skipped: %s is not available (%s)", module, exc)
        return None


def split_sentences(text: str, language: str | None) -> list[Any]:
    stage = _stage("storyline.enrich.sentences")
    return stage.split_sentences(text, language) if stage else []


def sentence_from_dict(data: dict[str, Any]) -> Any:
    stage = _stage("storyline.enrich.sentences")
    return stage.Sentence(**data)


def article_claims(article: CardArticle, sentences: Sequence[Any]) -> list[dict[str, Any]]:
    """The article's claim candidates as JSON (cached per article by the caller)."""
    stage = _stage("storyline.cards.claims")
    if stage is None or not sentences:
        return []
    return [claim.to_dict() for claim in stage.article_claims(article, sentences)]


def summary(articles: Sequence[CardArticle], sentences: Mapping[str, Sequence[Any]], *,
            count: int, language: str | None) -> list[dict[str, Any]]:
    stage = _stage("storyline.cards.summary")
    if stage is None or not any(sentences.values()):
        return []
    return [s.as_dict() for s in stage.summarize(articles, sentences, count=count,
                                                  language=language)]


def claims(articles: Sequence[CardArticle],
           candidates: Mapping[str, Sequence[dict[str, Any]]]) -> dict[str, Any]:
    stage = _stage("storyline.cards.claims")
    if stage is None or not any(candidates.values()):
        return {}
    restored = {article_id: [stage.ClaimCandidate.from_dict(c) for c in found]
                for article_id, found in candidates.items()}
    return stage.align_claims(articles, restored).as_dict()
