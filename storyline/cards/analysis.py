"""What a card needs from one article, computed once per article and cached in the store.

Entities, dates, sentences and claim candidates depend on the article alone (dates also on
the date they are resolved against), so a card updates cheaply when an article joins: only
the new article is analysed, the others are read back from their cached JSON.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from ..enrich.entities import Mention, extract_entities
from ..enrich.temporal import DateMention, resolve_dates
from . import sections
from .inputs import CardArticle

#: Bumped when the analysis changes: cached analyses of another version are recomputed.
ANALYSIS_VERSION = 1


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
    sentences = tuple(sections.split_sentences(article.text, article.language))
    return ArticleAnalysis(
        article_id=article.article_id,
        anchor=anchor.isoformat() if anchor else None,
        title_entities=tuple(extract_entities(article.title or "", article.language)),
        entities=tuple(extract_entities(article.text, article.language)),
        dates=tuple(resolve_dates(article.text, article.language, anchor)),
        sentences=sentences,
        claims=tuple(sections.article_claims(article, sentences)))


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
