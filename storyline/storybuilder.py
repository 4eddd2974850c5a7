"""The engine's story half: stored articles -> features -> duplicates -> stories.

It wires the dedup, embed and cluster stages to the store, the way ``engine.py`` wires
sources and extract: the stages compute, this module only moves values between them and
the store. Online, each batch of new articles is deduplicated against everything stored and
assigned one by one; in batch, the whole archive is clustered again from stored features.
"""

from __future__ import annotations

import logging
import zlib
from datetime import date
from typing import Any, Sequence

import numpy as np

from .cluster import Group, OnlineClusterer, Weights, cluster_groups, pack, story_id_for, unpack
from .dedup import DupCandidate, band_keys, exact_key, is_near_duplicate, signature
from .embed import (DocumentFrequencies, Embedder, LexicalVectorizer, SparseVector,
                    UniversalSentenceEncoder, article_text_for_embedding, name_keys, names)
from .store import FeatureRow, StoryRow
from .types import Article

logger = logging.getLogger(__name__)

_EPOCH = date(1970, 1, 1)


def weights_from(settings: dict[str, Any]) -> Weights:
    return Weights(dense=settings["weight_dense"], lexical=settings["weight_lexical"],
                   names=settings["weight_names"], threshold=settings["story_threshold"],
                   window_days=settings["window_days"],
                   cross_language=settings["weight_cross_language"])


class StoryBuilder:
    """Keeps the stories of one store up to date as articles arrive."""

    def __init__(self, store, settings: dict[str, Any], embedder: Embedder | None = None):
        self.store = store
        self.settings = settings
        self.weights = weights_from(settings)
        self.embedder = embedder or UniversalSentenceEncoder(threads=settings["threads"])
        self.vectorizer = LexicalVectorizer(max_body_chars=settings["lexical_chars"])
        self._online: OnlineClusterer | None = None

    # -- features ------------------------------------------------------------------------

    def features(self, articles: Sequence[Article]) -> list[Group]:
        """Dense, lexical and name vectors of new articles, stored for batch re-clustering."""
        if not articles:
            return []
        texts = [article_text_for_embedding(a.title, a.text, self.settings["embed_chars"])
                 for a in articles]
        dense = self.embedder.embed(texts)
        terms = [self.vectorizer.terms(a.title, a.text, a.language) for a in articles]
        frequencies = self._frequencies_with(terms)
        groups, rows = [], []
        for article, vector, term_weights in zip(articles, dense, terms):
            lexical = self.vectorizer.vector_from_terms(term_weights, frequencies).to_dict()
            keys = _name_vector(article)
            day = day_of(article.published)
            dense = vector.astype("float32")
            groups.append(Group(article.article_id, 1, dense, lexical, keys, day, day,
                                {article.language or "?": dense}))
            rows.append(FeatureRow(article.article_id, day, vector.astype("<f4").tobytes(),
                                   _pack_sparse(lexical), _pack_sparse(keys)))
        self.store.save_features(rows)
        return groups

    def _frequencies_with(self, terms: list[dict[int, float]]) -> DocumentFrequencies:
        counts: dict[int, int] = {}
        for document in terms:
            for term in document:
                counts[term] = counts.get(term, 0) + 1
        self.store.df_update(counts, len(terms))
        stored, documents = self.store.df_load()
        array = np.zeros(self.vectorizer.dimension, dtype=np.int64)
        for term, count in stored.items():
            array[term] = count
        return DocumentFrequencies(self.vectorizer.dimension, documents, array)

    # -- duplicates ----------------------------------------------------------------------

    def duplicates(self, articles: Sequence[Article]) -> list[tuple[str, str]]:
        """Links from new articles to stored copies of their text (and to each other)."""
        rows, candidates = [], {}
        for article in articles:
            sig = signature(article.text)
            rows.append((article.article_id, exact_key(article.text), sig, band_keys(sig)))
            candidates[article.article_id] = DupCandidate(article.article_id, article.text,
                                                          article.title, article.published, sig)
        self.store.save_dedup(rows)
        links = []
        for article_id, key, _, bands in rows:
            for other_id in sorted(self.store.dedup_candidates(key, bands) - {article_id}):
                other = candidates.get(other_id) or self._candidate(other_id)
                if other is None:
                    continue
                verdict = is_near_duplicate(candidates[article_id], other)
                if verdict.same:
                    links.append((min(article_id, other_id), max(article_id, other_id),
                                  verdict.kind, verdict.score, verdict.why))
        links = sorted(set(links))
        self.store.add_duplicate_links(links)
        return [(a, b) for a, b, *_ in links]

    def _candidate(self, article_id: str) -> DupCandidate | None:
        article = self.store.article(article_id)
        if article is None:
            return None
        sig = self.store.signatures([article_id]).get(article_id, (None, None))[1]
        return DupCandidate(article.article_id, article.text, article.title, article.published, sig)

    # -- stories -------------------------------------------------------------------------

    def add(self, articles: Sequence[Article]) -> int:
        """Online: deduplicate and assign new articles; returns how many stories changed."""
        if not articles:
            return 0
        links = self.duplicates(articles)
        groups = self.features(articles)
        online = self._online_clusterer()
        linked: dict[str, set[str]] = {}
        for a, b in links:
            linked.setdefault(a, set()).add(b)
            linked.setdefault(b, set()).add(a)
        story_of = self.store.story_of({x for pair in links for x in pair})
        members: dict[str, tuple[str, float]] = {}
        moved: dict[str, str] = {}
        for group in groups:
            stories = {_follow(story_of.get(other), moved) for other in linked.get(group.key, ())}
            result = online.assign(group, stories - {None})
            for absorbed in result.merged:
                moved[absorbed] = result.story_id
            members[group.key] = (result.story_id, result.link.score if result.link else 1.0)
            story_of[group.key] = result.story_id
        return self._save_online(online, members, moved)

    def _save_online(self, online: OnlineClusterer, members, moved: dict[str, str]) -> int:
        changed, deleted = online.take_changes()
        rows = [(article_id, _follow(story, moved), score) for article_id, (story, score) in members.items()]
        for story_id in deleted:  # the stored members of a merged-away story move too
            stored = self.store.story(story_id)
            if stored is not None:
                rows += [(a, _follow(story_id, moved), 1.0) for a in stored.article_ids if a not in members]
        self.store.save_story_updates([_row(g) for g in changed], rows, deleted)
        return len(changed) + len(deleted)

    def _online_clusterer(self) -> OnlineClusterer:
        if self._online is None:
            states = self.store.story_states()
            self._online = OnlineClusterer(self.weights, {k: unpack(k, r.state) for k, r in states.items()})
        return self._online

    def _language(self, article_id: str) -> str | None:
        article = self.store.article(article_id)
        return article.language if article else None

    def recluster(self) -> int:
        """Batch: cluster every stored article again from its stored features."""
        groups = [_group_of(row, self._language(row.article_id)) for row in self.store.iter_features()]
        missing = self.store.unassigned_article_ids()
        known = {g.key for g in groups}
        todo = [a for a in (self.store.article(i) for i in missing if i not in known) if a]
        groups += self.features(todo)
        if todo:
            self.duplicates(todo)
        links = [(a, b) for a, b, *_ in self.store.duplicate_links()]
        clusters = cluster_groups(groups, self.weights, duplicate_links=links)
        by_key = {g.key: g for g in groups}
        stories, members = [], []
        for keys in clusters:
            founder = min(keys, key=lambda k: (by_key[k].first is None, by_key[k].first or 0.0, k))
            story = Group(story_id_for(founder), 0, np.zeros_like(by_key[founder].dense))
            for key in keys:
                story.absorb(by_key[key])
                members.append((key, story.key, 1.0))
            stories.append(_row(story))
        self.store.replace_all_stories(stories, members)
        self._online = None  # rebuilt from the new states when next needed
        return len(stories)


def day_of(published: str | None) -> float | None:
    """Days since 1970 of an ISO date (the date part: clustering works in days)."""
    if not published:
        return None
    try:
        return float((date.fromisoformat(published[:10]) - _EPOCH).days)
    except ValueError:
        return None


def _name_vector(article: Article) -> dict[int, float]:
    """Names as a unit binary vector over hashed phonetic keys (cosine = overlap)."""
    keys = name_keys(names(f"{article.title or ''}\n{article.text}"))
    if not keys:
        return {}
    weight = 1.0 / np.sqrt(len(keys))
    return {zlib.crc32(k.encode("utf-8")) & 0x7FFFFFFF: weight for k in sorted(keys)}  # int32 ids


def _pack_sparse(vector: dict[int, float]) -> bytes:
    return SparseVector.from_mapping(vector).to_bytes()


def _unpack_sparse(blob: bytes) -> dict[int, float]:
    return SparseVector.from_bytes(blob).to_dict() if blob else {}


def _group_of(row: FeatureRow, language: str | None) -> Group:
    dense = np.frombuffer(row.dense, dtype="<f4").astype("float32")
    return Group(row.article_id, 1, dense, _unpack_sparse(row.lexical), _unpack_sparse(row.names),
                 row.day, row.day, {language or "?": dense})


def _row(group: Group) -> StoryRow:
    return StoryRow(group.key, group.size, group.first, group.last, pack(group))


def _follow(story_id: str | None, moved: dict[str, str]) -> str | None:
    """The story a (possibly merged-away) story id now lives in."""
    seen = set()
    while story_id in moved and story_id not in seen:
        seen.add(story_id)
        story_id = moved[story_id]
    return story_id
