"""Lexical vectors: hashed TF-IDF over title and body, in any language.

Terms are hashed into a fixed space (``dimension``), so no vocabulary has to be stored or
agreed on between workers; only the document frequencies travel, as a
``DocumentFrequencies`` value the caller owns::

    vectorizer = LexicalVectorizer()
    batch_terms = [vectorizer.terms(a.title, a.text, a.language) for a in batch]
    frequencies = frequencies.updated(terms.keys() for terms in batch_terms)
    vectors = [vectorizer.vector_from_terms(terms, frequencies) for terms in batch_terms]
"""

from __future__ import annotations

import re
import zlib
from collections import Counter
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .background import document_shares
from .frequencies import DocumentFrequencies
from .latin import to_latin
from .sparse import SparseVector
from .stopwords import stopwords_for

__all__ = ["LexicalVectorizer", "tokenize", "hashed_term"]

# Han and kana have no spaces between words: they are indexed as overlapping character
# pairs, the usual cheap substitute for word segmentation.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RUN = re.compile(f"[{_CJK}]+")
# A number with separators (4.25, 40.000, 1,000) or a run of letters and digits (a320).
_TOKEN = re.compile(r"\d+(?:[.,]\d+)+|[^\W_]+")


def tokenize(text: str, language: str | None = None) -> list[str]:
    """Lower-case terms of ``text`` folded to plain Latin, without stopwords.

    Numbers are kept; other one-character tokens (the "l" of "l'avion") are dropped.
    ``language`` picks the stopword list; unknown means all lists.
    """
    stopwords = stopwords_for(language)
    tokens: list[str] = []
    for piece in _CJK_RUN.split(to_latin(text)):
        tokens.extend(t for t in _TOKEN.findall(piece)
                      if (len(t) > 1 or t.isdigit()) and t not in stopwords)
    for run in _CJK_RUN.findall(text):
        tokens.extend(run[i:i + 2] for i in range(max(1, len(run) - 1)))
    return tokens


def hashed_term(term: str, dimension: int) -> int:
    """The id of a term in a hashed space (crc32: stable across processes and Python versions)."""
    return zlib.crc32(term.encode("utf-8")) % dimension


@dataclass(frozen=True)
class LexicalVectorizer:
    """Hashed TF-IDF vectors of an article's title and body.

    ``title_weight`` counts each title term that many times (titles name the event);
    ``sublinear_tf`` uses ``1 + log(tf)`` so that one repeated word does not dominate;
    ``max_body_chars`` reads only the start of long bodies (``None``: all of it);
    ``background_documents`` pseudo-documents of general text in the article's language
    are counted with the corpus (``embed.background``; 0: the corpus alone).
    """

    dimension: int = 2**18
    title_weight: float = 2.0
    sublinear_tf: bool = True
    max_body_chars: int | None = None
    background_documents: float = 0.0

    def __post_init__(self) -> None:
        if self.dimension < 1:
            raise ValueError(f"dimension must be at least 1, got {self.dimension}")
        if self.title_weight < 0:
            raise ValueError(f"title_weight must not be negative, got {self.title_weight}")
        if self.background_documents < 0:
            raise ValueError(f"background_documents must not be negative, got {self.background_documents}")

    def term_id(self, term: str) -> int:
        """The hashed id of a term (crc32: stable across processes and Python versions)."""
        return hashed_term(term, self.dimension)

    def terms(self, title: str | None, text: str, language: str | None = None) -> dict[int, float]:
        """Weighted term counts by term id: the document before IDF weighting."""
        body = text if self.max_body_chars is None else text[: self.max_body_chars]
        counts: Counter[int] = Counter(map(self.term_id, tokenize(body, language)))
        if title and self.title_weight:
            for term_id, count in Counter(map(self.term_id, tokenize(title, language))).items():
                counts[term_id] += self.title_weight * count
        return dict(counts)

    def new_frequencies(self) -> DocumentFrequencies:
        """Empty document frequencies of this vectorizer's dimension."""
        return DocumentFrequencies(self.dimension)

    def vector_from_terms(self, terms: dict[int, float], frequencies: DocumentFrequencies,
                          language: str | None = None) -> SparseVector:
        """The unit-length TF-IDF vector of a document's ``terms`` (``language`` picks the
        background frequencies, if any)."""
        if frequencies.dimension != self.dimension:
            raise ValueError(f"document frequencies have dimension {frequencies.dimension}, "
                             f"the vectorizer {self.dimension}: use one dimension for both")
        if not terms:
            return SparseVector.empty()
        indices = np.fromiter(sorted(terms), dtype=np.int32, count=len(terms))
        tf = np.fromiter((terms[i] for i in indices.tolist()), dtype=np.float64, count=len(terms))
        if self.sublinear_tf:
            # 1 + log(tf) for tf >= 1; a fractional (down-weighted title) count stays as is
            tf = np.where(tf >= 1.0, 1.0 + np.log(np.maximum(tf, 1.0)), tf)
        weights = (tf * self._idf(indices, frequencies, language)).astype(np.float32)
        keep = weights > 0
        return SparseVector(indices[keep], weights[keep]).normalised()

    def idf_of(self, words: Sequence[str], frequencies: DocumentFrequencies,
               language: str | None = None) -> np.ndarray:
        """The IDF weight of each word (a token as ``tokenize`` gives it) in this corpus."""
        indices = np.fromiter((self.term_id(w) for w in words), dtype=np.int64, count=len(words))
        return self._idf(indices, frequencies, language)

    def document_counts(self, words: Sequence[str], frequencies: DocumentFrequencies,
                        language: str | None = None) -> np.ndarray:
        """How many documents hold each word: the corpus's, plus the background's
        pseudo-documents that do (the denominator of the IDF, without its smoothing)."""
        indices = np.fromiter((self.term_id(w) for w in words), dtype=np.int64, count=len(words))
        counts = frequencies.counts[indices].astype(np.float64)
        shares = document_shares(language, self.dimension) if self.background_documents else None
        if shares is not None:
            counts += self.background_documents * np.asarray(shares[indices], dtype=np.float64)
        return counts

    def _idf(self, indices: np.ndarray, frequencies: DocumentFrequencies,
             language: str | None) -> np.ndarray:
        shares = document_shares(language, self.dimension) if self.background_documents else None
        if shares is None:
            return frequencies.idf(indices)
        return frequencies.idf(indices, self.background_documents, shares[indices])

    def vector(self, title: str | None, text: str, frequencies: DocumentFrequencies,
               language: str | None = None) -> SparseVector:
        """Tokenise, weight and normalise one document."""
        return self.vector_from_terms(self.terms(title, text, language), frequencies, language)
