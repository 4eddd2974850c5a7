"""A multi-source extractive summary: the sentences most of the story's sources state.

Every body sentence of every member article is a candidate. A sentence scores for how many
independent sources state it too (a sentence of theirs within ``SAME_SENTENCE`` cosine, or
one with a clause aligned into the same claim), for how central it is to the story, and
for coming early in its article, where news puts what matters. Sentences are then taken
best first, skipping any that repeats one already taken (``REPEAT`` cosine, a clause of
the same claim, or the same amounts in a fairly alike sentence). A taken sentence is
shown in the reader's ``language`` when one of its equivalents is in that language; a
sentence in another language is still taken when nothing in the reader's language says it.

Sentence vectors come, cheapest first, from cached claim candidates (the mean of a
sentence's clause vectors), from an ``embedder`` (by default the shared multilingual
encoder), or, with ``embedder=None``, from hashed words (one language only).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from typing import Mapping, Sequence

import numpy as np

from ..enrich.quantities import extract_quantities
from ..enrich.sentences import Sentence
from .claims_compare import candidate_vectors
from .claims_align import group_claims
from .claims_extract import SHARED_ENCODER, ClaimCandidate, article_claims, resolve_embedder
from .inputs import CardArticle

__all__ = ["SummarySentence", "summarize"]

logger = logging.getLogger(__name__)

SAME_SENTENCE = 0.62  # two sentences state the same thing
REPEAT = 0.55  # a sentence this close to one already taken adds too little
MIN_WORDS = 6
WEIGHT_SUPPORT, WEIGHT_CENTRAL, WEIGHT_LEAD = 1.0, 0.6, 0.4


@dataclass(frozen=True)
class SummarySentence:
    text: str
    article_id: str
    language: str | None
    sources: tuple[str, ...]  # ids of every article that states it, this one first
    start: int = 0
    end: int = 0

    def as_dict(self) -> dict:
        return {"text": self.text, "article_id": self.article_id, "language": self.language,
                "sources": list(self.sources), "start": self.start, "end": self.end}


@dataclass(frozen=True)
class _Pool:
    article: CardArticle
    sentence: Sentence
    rank: int  # position among the article's usable sentences


def summarize(articles: Sequence[CardArticle], sentences: Mapping[str, Sequence[Sentence]], *,
              count: int = 5, language: str | None = None, embedder=SHARED_ENCODER,
              claims: Mapping[str, Sequence[ClaimCandidate]] | None = None
              ) -> list[SummarySentence]:
    """Up to ``count`` sentences that together say what the story's sources say."""
    if count < 1:
        raise ValueError(f"count must be at least 1, got {count}")
    pool = _pool(articles, sentences)
    if not pool:
        return []
    if claims is None:  # the clauses of each sentence, without entities: not needed here
        claims = {a.article_id: article_claims(a, sentences.get(a.article_id, ()),
                                               embedder=embedder, entities=(),
                                               title_entities=()) for a in articles}
    vectors = _vectors(pool, embedder, claims)
    similarity = vectors @ vectors.T
    same = (similarity >= SAME_SENTENCE) | _shared_claims(pool, claims)
    keys = [p.article.independence_key for p in pool]
    scores = _scores(pool, similarity, same, keys)
    chosen = _select(pool, similarity, same, scores, count)
    picked = list(dict.fromkeys(_shown(i, pool, similarity, same, language) for i in chosen))
    order = {a.article_id: n for n, a in enumerate(articles)}
    picked.sort(key=lambda i: (order[pool[i].article.article_id], pool[i].sentence.start))
    return [_summary_sentence(i, pool, same) for i in picked]


def _pool(articles, sentences) -> list[_Pool]:
    pool = []
    for article in articles:
        usable = [s for s in sentences.get(article.article_id, ())
                  if len(s.text.split()) >= MIN_WORDS and not s.text.rstrip("\"'”»").endswith("?")]
        pool += [_Pool(article, s, rank) for rank, s in enumerate(usable)]
    return pool


def _vectors(pool: list[_Pool], embedder, claims) -> np.ndarray:
    if claims:
        cached = _vectors_from_claims(pool, claims)
        if cached is not None:
            return cached
    embedder = resolve_embedder(embedder)
    if embedder is not None:
        return embedder.embed([p.sentence.text for p in pool])
    stand_ins = [ClaimCandidate(p.article.article_id, "text", p.sentence.start, p.sentence.end,
                                p.sentence.text, p.article.language, p.sentence.paragraph)
                 for p in pool]
    return candidate_vectors(stand_ins)


def _vectors_from_claims(pool, claims) -> np.ndarray | None:
    """Mean of the clause vectors inside each sentence, or None if any sentence has none."""
    rows = []
    for p in pool:
        inside = [c.vector for c in claims.get(p.article.article_id, ())
                  if c.field == "text" and c.vector is not None
                  and p.sentence.start <= c.start < p.sentence.end]
        if not inside:
            return None
        mean = np.mean(inside, axis=0)
        rows.append(mean / max(float(np.linalg.norm(mean)), 1e-9))
    return np.vstack(rows).astype(np.float32)


def _shared_claims(pool: list[_Pool], claims) -> np.ndarray:
    """Which sentences of different articles have a clause in one claim (``group_claims``):
    "first trip abroad since being sworn into his fifth term" and "first foreign trip since
    his re-election" are one fact even when the rest of their sentences differ."""
    where = {}
    for index, p in enumerate(pool):
        for c in claims.get(p.article.article_id, ()):
            if c.field == "text" and p.sentence.start <= c.start < p.sentence.end:
                where[c.key] = index
    candidates = [c for found in claims.values() for c in found if c.key in where]
    shared = np.zeros((len(pool), len(pool)), dtype=bool)
    for group in group_claims(candidates):
        members = sorted({where[c.key] for c in group.members})
        for i in members:
            shared[i, members] = True
    return shared


def _scores(pool, similarity, same, keys) -> np.ndarray:
    independent = max(len(set(keys)), 1)
    support = np.array([len({keys[j] for j in np.nonzero(same[i])[0]} | {keys[i]})
                        for i in range(len(pool))])
    centroid = similarity.mean(axis=1)
    lead = np.array([1.0 / (1 + p.rank) for p in pool])
    return (WEIGHT_SUPPORT * support / independent + WEIGHT_CENTRAL * centroid
            + WEIGHT_LEAD * lead)


def _select(pool, similarity, same, scores, count) -> list[int]:
    chosen: list[int] = []
    for i in np.argsort(-scores, kind="stable").tolist():
        if len(chosen) == count:
            break
        if not any(_repeats(i, j, pool, similarity, same) for j in chosen):
            chosen.append(i)
    return chosen


def _repeats(i: int, j: int, pool, similarity, same) -> bool:
    if similarity[i, j] >= REPEAT or same[i, j]:
        return True
    amounts_i = _amounts(pool[i])
    return bool(amounts_i) and amounts_i == _amounts(pool[j]) and similarity[i, j] >= 0.35


@lru_cache(maxsize=4096)  # a pure function of the sentence: compared with every one taken
def _amounts(p: _Pool) -> frozenset[tuple[float, str | None]]:
    return frozenset((q.value, q.unit) for q in extract_quantities(p.sentence.text,
                                                                  p.article.language)
                     if q.kind in ("money", "percent", "count", "measure"))


def _shown(i: int, pool, similarity, same, language: str | None) -> int:
    """The equivalent of sentence ``i`` in the reader's language, if there is one."""
    if language is None or pool[i].article.language == language:
        return i
    equivalents = [j for j in np.nonzero(same[i])[0].tolist()
                   if pool[j].article.language == language]
    return max(equivalents, key=lambda j: similarity[i, j]) if equivalents else i


def _summary_sentence(i: int, pool, same) -> SummarySentence:
    p = pool[i]
    stating = [pool[j].article.article_id for j in np.nonzero(same[i])[0]]
    sources = tuple(dict.fromkeys([p.article.article_id, *stating]))
    return SummarySentence(p.sentence.text, p.article.article_id, p.article.language, sources,
                           p.sentence.start, p.sentence.end)
