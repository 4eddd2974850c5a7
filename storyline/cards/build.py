"""Assembling a card from a story's articles and their per-article analyses.

A plain function over records, as every stage: the engine reads the articles and the
cached analyses from the store, calls ``build_card``, and stores the result.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Collection, Mapping, Sequence

from . import sections
from .analysis import ArticleAnalysis
from .coverage import coverage
from .headline import choose_headline
from .inputs import CardArticle
from .model import StoryCard
from .when import event_dates
from .who import story_entities

#: How many entities of each kind a card lists (the store keeps them all).
CARD_ENTITIES = 12


def build_card(story_id: str, articles: Sequence[CardArticle],
               analyses: Mapping[str, ArticleAnalysis], *, language: str | None = None,
               summary_sentences: int = 5, centrality: Mapping[str, float] | None = None,
               outlets: Collection[str] = (), built_at: str | None = None) -> tuple[StoryCard, list]:
    """The card of one story, and every entity of the story (for the entity table).

    ``articles`` in publication order; ``analyses`` by article id (an article without one
    is left out of the entities, dates, summary and claims but still counted in the
    coverage); ``centrality`` scores each article's closeness to the story (headline).
    """
    headline, source = choose_headline(articles, language=language, centrality=centrality)
    entities = story_entities(articles, analyses, language=language, outlets=outlets)
    sentences = {a: list(x.sentences) for a, x in analyses.items()}
    candidates = sections.restore_claims({a: x.claims for a, x in analyses.items()})
    card = StoryCard(
        story_id=story_id, headline=headline,
        headline_article_id=source.article_id if source else None,
        headline_language=source.language if source else None,
        article_ids=tuple(a.article_id for a in articles),
        dates=event_dates(articles, analyses),
        people=_top(entities, "person"), organisations=_top(entities, "organisation"),
        places=_top(entities, "place"),
        coverage=coverage(articles),
        summary=tuple(sections.summary(articles, sentences, count=summary_sentences,
                                       language=language, claims=candidates)),
        claims=sections.claims(articles, candidates),
        built_at=built_at or datetime.now(timezone.utc).isoformat(timespec="seconds"))
    return card, entities


def _top(entities, kind: str) -> tuple:
    return tuple(e for e in entities if e.kind == kind)[:CARD_ENTITIES]
