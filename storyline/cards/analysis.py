"""What a card needs from one article, computed once per article and cached in the store.

Entities, dates, sentences and claim candidates depend on the article alone (dates also on
the date they are resolved against), so a card updates cheaply when an article joins: only
the new article is analysed, the others are read back from their cached JSON.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any, Sequence

from ..enrich.entities import Mention, extract_entities_batch
from ..enrich.temporal import DateMention, resolve_dates
from . import sections
from .inputs import CardArticle

#: Bumped when the analysis changes: cached analyses of another version are recomputed.
#: The claim candidates' own version is part of it, so that a change in the claims stage
#: recomputes them too.
ANALYSIS_VERSION = f"3.{sections.CLAIMS_VERSION}"


@dataclass(frozen=True)
class ArticleAnalysis:
    """``anchor`` is the date relative dates were resolved against: the article's own
    publication date, or (for an undated article) the story's first one."""

    article_id: str
    anchor: str | None
    title_entities: tuple[Mention, ...]
    entities: tuple[Mention, ...]
    dates: tuple[DateMention, ...]
    sentences: tuple[Any, ...] = ()
    claims: tuple[dict[str, Any], ...] = ()

    def to_json(self) -> str:
        return json.dumps({
            "version": ANALYSIS_VERSION, "article_id": self.article_id, "anchor": self.anchor,
            "title_entities": [m.to_dict() for m in self.title_entities],
            "entities": [m.to_dict() for m in self.entities],
            "dates": [_date_dict(d) for d in self.dates],
            "sentences": [asdict(s) for s in self.sentences],
            "claims": list(self.claims)}, ensure_ascii=False)

    @classmethod
    def from_json(cls, blob: str) -> ArticleAnalysis | None:
        """The cached analysis, or ``None`` when it is of another version."""
        data = json.loads(blob)
        if data.get("version") != ANALYSIS_VERSION:
            return None
        return cls(
            article_id=data["article_id"], anchor=data["anchor"],
            title_entities=tuple(Mention.from_dict(m) for m in data["title_entities"]),
            entities=tuple(Mention.from_dict(m) for m in data["entities"]),
            dates=tuple(DateMention(d["start"], d["end"], d["text"],
                                    date.fromisoformat(d["first"]), date.fromisoformat(d["last"]))
                        for d in data["dates"]),
            sentences=tuple(sections.sentence_from_dict(s) for s in data["sentences"]),
            claims=tuple(data["claims"]))


def analyse_article(article: CardArticle, anchor: date | None) -> ArticleAnalysis:
    """Entities, dates, sentences and claim candidates of one article."""
    return analyse_articles([article], [anchor])[0]


def analyse_articles(articles: Sequence[CardArticle],
                     anchors: Sequence[date | None]) -> list[ArticleAnalysis]:
    """``analyse_article`` of each article against its anchor. The entity model reads the
    titles and texts of all the articles of one language together, in large batches: much
    faster than one article at a time when many arrive at once."""
    titles, bodies = _entities_by_language(articles)
    analyses = []
    for article, anchor, title_entities, entities in zip(articles, anchors, titles, bodies):
        sentences = tuple(sections.split_sentences(article.text, article.language))
        analyses.append(ArticleAnalysis(
            article_id=article.article_id,
            anchor=anchor.isoformat() if anchor else None,
            title_entities=tuple(title_entities), entities=tuple(entities),
            dates=tuple(resolve_dates(article.text, article.language, anchor)),
            sentences=sentences,
            claims=tuple(sections.article_claims(article, sentences, entities=entities,
                                                 title_entities=title_entities))))
    return analyses


def _entities_by_language(articles: Sequence[CardArticle]) -> tuple[list, list]:
    """The mentions in each article's title and in its text, batched per language."""
    titles: list[list[Mention]] = [[] for _ in articles]
    bodies: list[list[Mention]] = [[] for _ in articles]
    by_language: dict[str | None, list[int]] = defaultdict(list)
    for index, article in enumerate(articles):
        by_language[article.language].append(index)
    for language, indices in by_language.items():
        texts = [articles[i].title or "" for i in indices] + [articles[i].text for i in indices]
        found = extract_entities_batch(texts, language)
        for position, index in enumerate(indices):
            titles[index], bodies[index] = found[position], found[len(indices) + position]
    return titles, bodies


def redate(analysis: ArticleAnalysis, article: CardArticle, anchor: date | None) -> ArticleAnalysis:
    """The analysis with its dates resolved against another anchor (cheap: rules only)."""
    return ArticleAnalysis(analysis.article_id, anchor.isoformat() if anchor else None,
                           analysis.title_entities, analysis.entities,
                           tuple(resolve_dates(article.text, article.language, anchor)),
                           analysis.sentences, analysis.claims)


def anchor_of(article: CardArticle, story_anchor: date | None) -> date | None:
    """The date an article's relative dates are resolved against."""
    return published_date(article.published) or story_anchor


def published_date(published: str | None) -> date | None:
    try:
        return date.fromisoformat(published[:10]) if published else None
    except ValueError:
        return None


def _date_dict(mention: DateMention) -> dict[str, Any]:
    return {"start": mention.start, "end": mention.end, "text": mention.text,
            "first": mention.first.isoformat(), "last": mention.last.isoformat()}
