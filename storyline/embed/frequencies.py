"""Document frequencies of hashed terms: the state behind IDF weights.

The engine keeps one ``DocumentFrequencies`` value, updates it with each batch of new
articles and persists it with ``to_bytes``; stages receive it as an argument. Values never
change in place: ``updated`` and ``merged`` return new ones, so a value handed to a worker
stays what it was.
"""

from __future__ import annotations

import json
import struct
import zlib
from typing import Iterable

import numpy as np

__all__ = ["DocumentFrequencies"]

_MAGIC = b"SLDF"
_VERSION = 1
_HEADER = struct.Struct("<4sBIQI")  # magic, version, dimension, documents, stored terms
_JSON_FORMAT = "storyline.document-frequencies/1"


class DocumentFrequencies:
    """How many documents contain each hashed term, and how many documents were counted.

    ``dimension`` is the size of the hashed term space and must match the vectorizer's.
    """

    __slots__ = ("_dimension", "_documents", "_counts")

    def __init__(self, dimension: int, documents: int = 0, counts: np.ndarray | None = None):
        if dimension < 1:
            raise ValueError(f"dimension must be at least 1, got {dimension}")
        if counts is None:
            counts = np.zeros(dimension, dtype=np.int64)
        counts = np.asarray(counts, dtype=np.int64)
        if counts.shape != (dimension,):
            raise ValueError(f"counts must have shape ({dimension},), got {counts.shape}")
        if documents < 0 or (counts < 0).any() or (len(counts) and counts.max() > documents):
            raise ValueError("document frequencies must lie between 0 and the document count")
        counts.setflags(write=False)
        self._dimension, self._documents, self._counts = dimension, documents, counts

    @property
    def dimension(self) -> int:
        return self._dimension

    @property
    def documents(self) -> int:
        return self._documents

    @property
    def counts(self) -> np.ndarray:
        """Read-only array: ``counts[term]`` documents contain ``term``."""
        return self._counts

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, DocumentFrequencies)
                and self._dimension == other._dimension
                and self._documents == other._documents
                and np.array_equal(self._counts, other._counts))

    def __repr__(self) -> str:
        return (f"DocumentFrequencies(dimension={self._dimension}, documents={self._documents}, "
                f"terms={int(np.count_nonzero(self._counts))})")

    def updated(self, documents_terms: Iterable[Iterable[int]]) -> DocumentFrequencies:
        """A new value that also counts these documents, each given by its term ids."""
        counts = self._counts.copy()
        added = 0
        for terms in documents_terms:
            unique = np.unique(np.fromiter(terms, dtype=np.int64))
            self._check_terms(unique)
            counts[unique] += 1
            added += 1
        return DocumentFrequencies(self._dimension, self._documents + added, counts)

    def merged(self, other: DocumentFrequencies) -> DocumentFrequencies:
        """The frequencies of both collections (counted separately, e.g. on two workers)."""
        if other._dimension != self._dimension:
            raise ValueError(f"cannot merge document frequencies of dimension {self._dimension} "
                             f"and {other._dimension}: build both with the same vectorizer")
        return DocumentFrequencies(self._dimension, self._documents + other._documents,
                                   self._counts + other._counts)

    __add__ = merged

    def idf(self, terms: np.ndarray, background_documents: float = 0.0,
            background_shares: np.ndarray | None = None) -> np.ndarray:
        """Smoothed inverse document frequency, ``log((1 + N) / (1 + df)) + 1``.

        With a background (``embed.background``), ``background_documents`` pseudo-documents
        are counted too, a share ``background_shares[i]`` of them containing ``terms[i]``:
        ``log((1 + N + B) / (1 + df + B * share)) + 1``. Without one, and with no
        documents counted, every term weighs 1 (plain term frequencies).
        """
        documents, frequencies = float(self._documents), self._counts[terms].astype(np.float64)
        if background_documents and background_shares is not None:
            documents += background_documents
            frequencies += background_documents * np.asarray(background_shares, dtype=np.float64)
        return np.log((1.0 + documents) / (1.0 + frequencies)) + 1.0

    def _check_terms(self, terms: np.ndarray) -> None:
        if len(terms) and (terms[0] < 0 or terms[-1] >= self._dimension):
            raise ValueError(f"term ids must lie in [0, {self._dimension}); got "
                             f"{int(terms[0])}..{int(terms[-1])}: was the vectorizer built "
                             f"with another dimension?")

    # ---- persistence -------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        """Compact encoding: a header, then the non-zero terms and their counts, zlib'd."""
        terms = np.flatnonzero(self._counts)
        payload = terms.astype("<u4").tobytes() + self._counts[terms].astype("<u8").tobytes()
        header = _HEADER.pack(_MAGIC, _VERSION, self._dimension, self._documents, len(terms))
        return header + zlib.compress(payload, 6)

    @classmethod
    def from_bytes(cls, blob: bytes) -> DocumentFrequencies:
        if len(blob) < _HEADER.size or blob[:4] != _MAGIC:
            raise ValueError("not a DocumentFrequencies encoding (made by to_bytes?)")
        _, version, dimension, documents, stored = _HEADER.unpack_from(blob)
        if version != _VERSION:
            raise ValueError(f"DocumentFrequencies format {version} is not supported; "
                             f"this version reads format {_VERSION}")
        try:
            payload = zlib.decompress(blob[_HEADER.size:])
        except zlib.error:
            payload = b""
        if len(payload) != 12 * stored:
            raise ValueError("truncated or damaged DocumentFrequencies encoding")
        terms = np.frombuffer(payload, dtype="<u4", count=stored).astype(np.int64)
        if stored and terms.max() >= dimension:
            raise ValueError("damaged DocumentFrequencies encoding: a term lies outside "
                             f"its dimension {dimension}")
        counts = np.zeros(dimension, dtype=np.int64)
        counts[terms] = np.frombuffer(payload, dtype="<u8", count=stored, offset=4 * stored)
        return cls(dimension, documents, counts)

    def to_json(self) -> str:
        terms = np.flatnonzero(self._counts)
        return json.dumps({"format": _JSON_FORMAT, "dimension": self._dimension,
                           "documents": self._documents,
                           "counts": dict(zip(map(str, terms.tolist()),
                                              self._counts[terms].tolist()))})

    @classmethod
    def from_json(cls, text: str) -> DocumentFrequencies:
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("format") != _JSON_FORMAT:
            raise ValueError(f"not a DocumentFrequencies JSON value (expected format "
                             f"{_JSON_FORMAT!r})")
        counts = np.zeros(data["dimension"], dtype=np.int64)
        for term, count in data["counts"].items():
            counts[int(term)] = count
        return cls(data["dimension"], data["documents"], counts)
