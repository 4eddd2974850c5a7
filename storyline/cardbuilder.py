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

from .cards.analysis import ArticleAnalysis, analyse_articles, anchor_of, published_date, redate
from .cards.build import build_card
from .cards.inputs import CardArticle
from .cards.model import CARD_VERSION, StoryCard
from .types import Article, Story

logger = logging.getLogger(__name__)

#: How many articles the stories of one refresh batch hold at least (the last batch may
#: hold fewer): their new articles are analysed together.
_BATCH_ARTICLES = 64

#: A story's articles and their analyses by article id.
_Members = tuple[list[CardArticle], dict[str, ArticleAnalysis]]


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
        self._outlets: list[str] | None = None  # read once per refresh, else per card

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
        """Build and store the cards of these stories; returns how many were built.

        Stories are taken in batches, and the new articles of a whole batch are analysed
        together (the entity model is several times faster on many texts at once)."""
        built = 0
        self._outlets = self.store.outlet_names()
        try:
            for batch in _batches(story_ids, self.store.story):
                stories = [story for _, story in batch if story is not None]
                for story, members in self._prepared(stories):
                    if self.build_or_mark_stale(story, members) is not None:
                        built += 1
                if progress:
                    progress(len(batch))
        finally:
            self._outlets = None  # the next ingest may bring new outlets
        return built

    def build_or_mark_stale(self, story: Story, members: _Members | None = None) -> StoryCard | None:
        try:
            return self.build(story, members)
        except Exception as exc:  # a card must never stop ingest: say why, retry later
            reason = _one_line(exc)
            logger.warning("card of story %s not built (%s); kept stale, retried on the next "
                           "refresh", story.story_id, reason)
            self.store.mark_card_stale(story.story_id, reason)
            return None

    def build(self, story: Story, members: _Members | None = None) -> StoryCard:
        """Build and store the card; ``members`` are the story's articles and their analyses
        when the caller has them already."""
        if members is None:
            articles = self._articles(story)
            members = articles, self.analyses(articles)
        articles, analyses = members
        card, entities = build_card(
            story.story_id, articles, analyses, language=self.settings["card_language"] or None,
            summary_sentences=self.settings["summary_sentences"],
            centrality=self._centrality(story.article_ids), outlets=self._outlet_names())
        rows = [(e.key, e.kind, e.name, e.salience, e.mentions, e.articles) for e in entities]
        self.store.save_card(story.story_id, json.dumps(card.as_dict(), ensure_ascii=False), rows)
        return card

    def _outlet_names(self) -> list[str]:
        return self.store.outlet_names() if self._outlets is None else self._outlets

    def analyses(self, articles: Sequence[CardArticle]) -> dict[str, ArticleAnalysis]:
        """Each article's analysis (the articles of one story): from the cache when its text
        is unchanged, else computed now and cached."""
        return self._analyses_of_stories([articles])

    def _prepared(self, stories: Sequence[Story]) -> Iterator[tuple[Story, _Members | None]]:
        """Each story with its articles and their analyses, analysed in one batch; on a
        failure, each story without them (it is then analysed alone, so one bad article
        costs only its own story's card)."""
        articles = {story.story_id: self._articles(story) for story in stories}
        try:
            analyses = self._analyses_of_stories(list(articles.values()))
        except Exception as exc:
            logger.warning("analysing %d stories together failed (%s); analysing them one by "
                           "one", len(stories), _one_line(exc))
            analyses = None
        for story in stories:
            members = articles[story.story_id]
            yield story, (None if analyses is None else
                          (members, {a.article_id: analyses[a.article_id] for a in members}))

    def _articles(self, story: Story) -> list[CardArticle]:
        return card_articles(story, [a for a in map(self.store.article, story.article_ids) if a])

    def _analyses_of_stories(self, stories: Sequence[Sequence[CardArticle]]) -> dict[str, ArticleAnalysis]:
        anchored = []
        for members in stories:
            story_anchor = min(filter(None, (published_date(a.published) for a in members)), default=None)
            anchored += [(article, anchor_of(article, story_anchor)) for article in members]
        cached = self.store.analyses(article.article_id for article, _ in anchored)
        found, fresh = {}, []
        for article, anchor in anchored:
            hashed, blob = cached.get(article.article_id, (None, None))
            analysis = ArticleAnalysis.from_json(blob) if hashed == text_hash(article) else None
            if analysis is None:
                fresh.append((article, anchor))
            elif analysis.anchor != (anchor.isoformat() if anchor else None):
                found[article.article_id] = redate(analysis, article, anchor)  # an undated article's story grew
            else:
                found[article.article_id] = analysis
        if fresh:
            analysed = analyse_articles([a for a, _ in fresh], [anchor for _, anchor in fresh])
            found.update((analysis.article_id, analysis) for analysis in analysed)
            self.store.save_analyses([(article.article_id, text_hash(article), analysis.to_json())
                                      for (article, _), analysis in zip(fresh, analysed)])
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


def _batches(story_ids: Iterable[str], read: Callable[[str], Story | None]
             ) -> Iterator[list[tuple[str, Story | None]]]:
    """Story ids with their stories (``None`` when gone), in batches of about
    ``_BATCH_ARTICLES`` articles."""
    batch: list[tuple[str, Story | None]] = []
    size = 0
    for story_id in story_ids:
        story = read(story_id)
        batch.append((story_id, story))
        size += len(story.article_ids) if story else 0
        if size >= _BATCH_ARTICLES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _one_line(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}".splitlines()[0]
