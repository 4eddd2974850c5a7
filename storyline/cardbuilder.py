"""The engine's card half: stories in the store -> per-article analyses -> story cards.

It wires the card stages (``storyline.cards``) to the store, as ``storybuilder`` does for
the story stages: analyses are computed once per article and cached (keyed by a hash of
the text they came from), a card is built from the cached analyses and stored as one JSON
row with its entities. Building a card never breaks the caller: a failure is logged in
one line, recorded on the card row as stale, and the next refresh tries again.
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any, Callable, Iterable, Iterator, Sequence

import numpy as np

from .cards.analysis import ArticleAnalysis, analyse_article, anchor_of, published_date, redate
from .cards.build import build_card
from .cards.inputs import CardArticle
from .cards.model import CARD_VERSION, StoryCard
from .types import Article, Story

logger = logging.getLogger(__name__)


def card_articles(story: Story, articles: Sequence[Article]) -> list[CardArticle]:
    """The story's articles as card inputs, each with its copy group (the first copy)."""
    group_of = {member: group[0] for group in story.duplicate_groups for member in group}
    return [CardArticle(article_id=a.article_id, text=a.text, language=a.language,
                        title=a.title, subtitle=a.subtitle, outlet=a.outlet,
                        published=a.published, url=a.url, wire_agencies=a.wire_agencies,
                        copy_group=group_of.get(a.article_id, a.article_id))
            for a in articles]


def text_hash(article: CardArticle) -> str:
    blob = json.dumps([article.title, article.text, article.language], ensure_ascii=False)
    return hashlib.sha1(blob.encode("utf-8", "surrogatepass")).hexdigest()


class CardBuilder:
    """Keeps the cards of one store current."""

    def __init__(self, store, settings: dict[str, Any]):
        self.store = store
        self.settings = settings

    def read(self, story_id: str) -> StoryCard | None:
        """The stored card if it is current (one row read), else ``None``."""
        stored = self.store.stored_card(story_id)
        if stored is None or not stored.card or not stored.current or stored.stale:
            return None
        data = json.loads(stored.card)
        return StoryCard.from_dict(data) if data.get("version") == CARD_VERSION else None

    def iter_cards(self) -> Iterator[StoryCard]:
        """Every stored card of this version, in story id order."""
        for _, blob in self.store.iter_cards():
            data = json.loads(blob)
            if data.get("version") == CARD_VERSION:
                yield StoryCard.from_dict(data)

    def refresh(self, story_ids: Iterable[str], progress: Callable[[int], None] | None = None) -> int:
        """Build and store the cards of these stories; returns how many were built."""
        built = 0
        for story_id in story_ids:
            story = self.store.story(story_id)
            if story is not None and self.build_or_mark_stale(story) is not None:
                built += 1
            if progress:
                progress(1)
        return built

    def build_or_mark_stale(self, story: Story) -> StoryCard | None:
        try:
            return self.build(story)
        except Exception as exc:  # a card must never stop ingest: say why, retry later
            reason = f"{type(exc).__name__}: {exc}".splitlines()[0]
            logger.warning("card of story %s not built (%s); kept stale, retried on the next "
                           "refresh", story.story_id, reason)
            self.store.mark_card_stale(story.story_id, reason)
            return None

    def build(self, story: Story) -> StoryCard:
        articles = card_articles(story, [a for a in map(self.store.article, story.article_ids) if a])
        analyses = self.analyses(articles)
        card, entities = build_card(
            story.story_id, articles, analyses, language=self.settings["card_language"] or None,
            summary_sentences=self.settings["summary_sentences"],
            centrality=self._centrality(story.article_ids))
        rows = [(e.key, e.kind, e.name, e.salience, e.mentions, e.articles) for e in entities]
        self.store.save_card(story.story_id, json.dumps(card.as_dict(), ensure_ascii=False), rows)
        return card

    def analyses(self, articles: Sequence[CardArticle]) -> dict[str, ArticleAnalysis]:
        """Each article's analysis: from the cache when its text is unchanged."""
        story_anchor = min(filter(None, (published_date(a.published) for a in articles)), default=None)
        cached = self.store.analyses(a.article_id for a in articles)
        found, fresh = {}, []
        for article in articles:
            anchor = anchor_of(article, story_anchor)
            hashed, blob = cached.get(article.article_id, (None, None))
            analysis = ArticleAnalysis.from_json(blob) if hashed == text_hash(article) else None
            if analysis is None:
                analysis = analyse_article(article, anchor)
                fresh.append((article.article_id, text_hash(article), analysis.to_json()))
            elif analysis.anchor != (anchor.isoformat() if anchor else None):
                analysis = redate(analysis, article, anchor)  # an undated article's story grew
            found[article.article_id] = analysis
        if fresh:
            self.store.save_analyses(fresh)
        return found

    def _centrality(self, article_ids: Sequence[str]) -> dict[str, float]:
        """Each article's cosine to the mean of the story's dense vectors (stored features)."""
        rows = self.store.features(article_ids)
        if not rows:
            return {}
        ids = list(rows)
        vectors = np.stack([np.frombuffer(rows[i].dense, dtype="<f4") for i in ids])
        mean = vectors.mean(axis=0)
        norm = float(np.linalg.norm(mean)) or 1.0
        return {i: float(v) for i, v in zip(ids, vectors @ (mean / norm))}
