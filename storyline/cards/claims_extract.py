"""Claim candidates: the statements of fact in one article, with what each pins down.

One candidate per declarative sentence (and one for the title), carrying its quantities,
day-precise dates, names, quotes, speaker and, when an encoder is given, its sentence
vector. Everything here depends on one article only, so the cards engineer computes it
once at ingest and keeps ``to_dict()`` in the store; ``align_claims`` then compares cached
candidates without touching the encoder again.
"""

from __future__ import annotations

import base64
import logging
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from datetime import date
from typing import Sequence

import numpy as np

from ..enrich.entities import Mention, extract_entities
from ..enrich.quantities import Quantity, extract_quantities
from ..enrich.sentences import Sentence
from ..enrich.temporal import resolve_dates
from .claim_clauses import clause_spans
from .claim_anchors import DateSpan, find_dates, find_names, find_quotes, find_speaker, \
    place_keys, speaker_keys
from .inputs import CardArticle

__all__ = ["CLAIMS_VERSION", "ClaimCandidate", "SHARED_ENCODER", "article_claims",
           "published_date", "resolve_embedder"]

logger = logging.getLogger(__name__)

#: Bumped when what ``article_claims`` gives changes: candidates cached by an older version
#: should be recomputed (the card builder can fold it into its analysis version).
CLAIMS_VERSION = 2

#: Sentences shorter than this many words state too little to be compared as claims.
MIN_CLAIM_WORDS = 4

#: The default ``embedder`` of the claim and summary stages: the multilingual sentence
#: encoder, loaded once per process on first use (a second or two). Without an encoder
#: only same-language wording can match ("first trip abroad" never meets "first foreign
#: trip"); pass ``embedder=None`` for that cheaper, model-free behaviour.
SHARED_ENCODER = "shared encoder"


def resolve_embedder(embedder):
    """The embedder to use for an ``embedder=`` argument (``SHARED_ENCODER``, None or one)."""
    return _shared_encoder() if isinstance(embedder, str) and embedder == SHARED_ENCODER \
        else embedder


@lru_cache(maxsize=1)  # one model per process: loading it takes a second or two
def _shared_encoder():
    from ..embed.dense import UniversalSentenceEncoder

    return UniversalSentenceEncoder(threads=1)


@dataclass(frozen=True)
class ClaimCandidate:
    """One claim of one article: a clause of a sentence (or a whole sentence, or the title).

    ``start``/``end`` locate the clause in the article's ``field`` ("text": offsets into
    ``CardArticle.text``; "title": into its title); ``sentence`` is the whole sentence, shown
    to readers as the source's own words.
    """

    article_id: str
    field: str
    start: int
    end: int
    text: str
    language: str | None
    paragraph: int
    sentence: str = ""
    quantities: tuple[Quantity, ...] = ()
    dates: tuple[DateSpan, ...] = ()
    names: tuple[str, ...] = ()
    quotes: tuple[str, ...] = ()
    speaker: str | None = None
    places: tuple[str, ...] = ()  # entity keys of the places the clause names
    speaker_keys: tuple[str, ...] = ()  # entity keys of the people the speaker phrase names
    vector: np.ndarray | None = field(default=None, compare=False, repr=False)
    quote_vector: np.ndarray | None = field(default=None, compare=False, repr=False)

    @property
    def key(self) -> tuple[str, str, int]:
        return (self.article_id, self.field, self.start)

    def to_dict(self) -> dict:
        """A JSON-safe dict; vectors are stored as base64 float16 (1 KB each)."""
        return {
            "article_id": self.article_id, "field": self.field, "start": self.start,
            "end": self.end, "text": self.text, "language": self.language,
            "paragraph": self.paragraph, "sentence": self.sentence,
            "quantities": [q.as_dict() for q in self.quantities],
            "dates": [[d.text, d.first.isoformat(), d.last.isoformat()] for d in self.dates],
            "names": list(self.names), "quotes": list(self.quotes), "speaker": self.speaker,
            "places": list(self.places), "speaker_keys": list(self.speaker_keys),
            "vector": _encode_vector(self.vector),
            "quote_vector": _encode_vector(self.quote_vector),
        }

    @classmethod
    def from_dict(cls, data: dict) -> "ClaimCandidate":
        return cls(
            data["article_id"], data["field"], data["start"], data["end"], data["text"],
            data.get("language"), data.get("paragraph", 0), data.get("sentence", ""),
            tuple(Quantity(**q) for q in data.get("quantities", ())),
            tuple(DateSpan(t, date.fromisoformat(a), date.fromisoformat(b))
                  for t, a, b in data.get("dates", ())),
            tuple(data.get("names", ())), tuple(data.get("quotes", ())), data.get("speaker"),
            tuple(data.get("places", ())), tuple(data.get("speaker_keys", ())),
            _decode_vector(data.get("vector")), _decode_vector(data.get("quote_vector")),
        )


def _encode_vector(vector: np.ndarray | None) -> str | None:
    if vector is None:
        return None
    return base64.b64encode(np.asarray(vector, dtype="<f2").tobytes()).decode("ascii")


def _decode_vector(encoded: str | None) -> np.ndarray | None:
    if not encoded:
        return None
    return np.frombuffer(base64.b64decode(encoded), dtype="<f2").astype(np.float32)


def published_date(article: CardArticle) -> date | None:
    """The publication day of an article, or None when it has no readable date."""
    try:
        return date.fromisoformat((article.published or "")[:10])
    except ValueError:
        return None


def article_claims(article: CardArticle, sentences: Sequence[Sentence], *,
                   embedder=SHARED_ENCODER, entities: Sequence[Mention] | None = None,
                   title_entities: Sequence[Mention] | None = None) -> list[ClaimCandidate]:
    """The claim candidates of one article: its title and each declarative sentence.

    ``sentences`` are ``split_sentences(article.text, article.language)``. With an
    ``embedder`` (``storyline.embed.dense.Embedder``; by default the shared multilingual
    encoder) each candidate carries its sentence vector and the vector of its longest
    quote, so that alignment needs no encoder.
    ``entities`` and ``title_entities`` are ``extract_entities`` of the text and of the
    title when the caller has them already; otherwise they are extracted here.
    """
    published = published_date(article)
    if entities is None:
        entities = extract_entities(article.text, article.language)
    if title_entities is None:
        title_entities = extract_entities(article.title, article.language) \
            if article.title else []
    spans = [(s, "text", entities) for s in sentences]
    if article.title:
        spans.insert(0, (Sentence(0, len(article.title), article.title, -1), "title",
                         title_entities))
    candidates = [candidate for s, where, mentions in spans if _is_claim_like(s.text)
                  for candidate in _sentence_claims(article, s, where, published,
                                                    _inside(mentions, s.start, s.end))]
    embedder = resolve_embedder(embedder)
    if embedder is not None and candidates:
        candidates = embed_candidates(candidates, embedder)
    return candidates


def _inside(mentions: Sequence[Mention], start: int, end: int) -> list[Mention]:
    """The mentions within ``[start, end)``, with offsets made relative to ``start``."""
    return [replace(m, start=m.start - start, end=m.end - start) for m in mentions
            if start <= m.start and m.end <= end]


def _is_claim_like(text: str) -> bool:
    """Enough words, not a question, and not page furniture: a web address or a
    publication stamp ("Tuesday, August 7, 2012", "23 July 2013 Last updated at 13:42")."""
    stripped = text.rstrip(" \"'”»’)")
    return (len(text.split()) >= MIN_CLAIM_WORDS and not stripped.endswith("?")
            and not _WEB_ADDRESS.search(text) and not _is_stamp(text))


_WEB_ADDRESS = re.compile(r"https?\s*:\s*/\s*/|\bwww\s*\.\s*\w", re.IGNORECASE)
_STAMP_WORDS = re.compile(r"\b(?:published|updated|last updated|posted|modified|"
                          r"actualizado|publicado|aktualisiert|veröffentlicht|обновлено|"
                          r"опубликовано|at|um|a las|в|am|pm|a\.m\.|p\.m\.|gmt|bst|utc|"
                          r"cet|est|edt|pst|uhr|ago|minutes?|hours?|days?|weeks?|months?|"
                          r"by|von|por|"
                          r"[\d:.,/()+-]+)\b", re.IGNORECASE)


def _is_stamp(text: str) -> bool:
    """Nothing but a date, times, words that stamp a page and maybe a byline's name."""
    if len(text.split()) > 14 or not any(ch.isdigit() for ch in text):
        return False  # stamps are short and carry a year or a time
    rest = text
    for mention in resolve_dates(text, None, None):
        rest = rest.replace(mention.text, " ")
    if rest == text and not re.search(r"\d{1,2}\s*[/.]\s*\d{1,2}\s*[/.]\s*\d{2,4}", text):
        return False
    rest = _STAMP_WORDS.sub(" ", re.sub(r"\d{1,2}\s*[/.]\s*\d{1,2}\s*[/.]\s*\d{2,4}", " ", rest))
    words = re.findall(r"[^\W\d_]{2,}", rest)
    return len(words) <= 1 or (len(words) <= 3 and all(word[0].isupper() for word in words))


def _sentence_claims(article: CardArticle, sentence: Sentence, where: str,
                     published: date | None, mentions: list[Mention]) -> list[ClaimCandidate]:
    """One candidate per clause. The sentence's quotes go with its first clause only, so
    that a quote is compared once; its speaker goes with every clause. ``mentions`` are
    the sentence's entities, with offsets into the sentence."""
    speaker, quotes = find_speaker(sentence.text), find_quotes(sentence.text)
    who = _speaker_keys(sentence.text, speaker, mentions)
    candidates = []
    for number, (start, end) in enumerate(clause_spans(sentence.text, article.language)):
        text = sentence.text[start:end]
        candidates.append(ClaimCandidate(
            article.article_id, where, sentence.start + start, sentence.start + end, text,
            article.language, max(sentence.paragraph, 0), sentence.text,
            tuple(extract_quantities(text, article.language)),
            tuple(find_dates(text, article.language, published)),
            find_names(text), quotes if number == 0 else (), speaker,
            place_keys(text, _inside(mentions, start, end)), who))
    return candidates


def _speaker_keys(text: str, speaker: str | None, mentions: list[Mention]) -> tuple[str, ...]:
    """Entity keys of the people named inside the speaker phrase of ``text``."""
    at = text.find(speaker) if speaker else -1
    inside = [m for m in mentions if at <= m.start and m.end <= at + len(speaker)] \
        if at >= 0 else []
    return speaker_keys(speaker, inside)


def embed_candidates(candidates: Sequence[ClaimCandidate], embedder) -> list[ClaimCandidate]:
    """Give every candidate its sentence vector and, if it quotes someone, its quote vector."""
    quotes = [max(c.quotes, key=len) if c.quotes else "" for c in candidates]
    rows = embedder.embed([_without_attribution(c.text) for c in candidates] + quotes)
    n = len(candidates)
    return [replace(c, vector=rows[i], quote_vector=rows[n + i] if quotes[i] else None)
            for i, c in enumerate(candidates)]


_DATELINE = re.compile(r"^[A-ZÁÉÍÓÚÑÄÖÜА-ЯЁ][A-ZÁÉÍÓÚÑÄÖÜА-ЯЁ ,./()-]{2,40}\s[-–—]\s")


def _without_attribution(text: str) -> str:
    """Drop a leading dateline ("BEIJING (AFP) - "): it says where the outlet was, not what
    happened, and would make two different claims from one place look alike."""
    return _DATELINE.sub("", text)
