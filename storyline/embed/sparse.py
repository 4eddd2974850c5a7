"""Sparse vectors without scipy: sorted term ids and their weights as two numpy arrays."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

import numpy as np

__all__ = ["SparseVector", "cosine", "centroid"]

_HEADER = struct.Struct("<4sI")  # magic, number of entries
_MAGIC = b"SLSV"


@dataclass(frozen=True, eq=False)
class SparseVector:
    """A vector given by its non-zero entries: ``indices`` sorted and unique (int32),
    ``values`` float32 of the same length."""

    indices: np.ndarray
    values: np.ndarray

    @classmethod
    def from_mapping(cls, weights: Mapping[int, float]) -> SparseVector:
        indices = np.fromiter(sorted(weights), dtype=np.int32, count=len(weights))
        values = np.fromiter((weights[i] for i in indices.tolist()), dtype=np.float32,
                             count=len(weights))
        return cls(indices, values)

    @classmethod
    def empty(cls) -> SparseVector:
        return cls(np.empty(0, dtype=np.int32), np.empty(0, dtype=np.float32))

    def __len__(self) -> int:
        return len(self.indices)

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, SparseVector)
                and np.array_equal(self.indices, other.indices)
                and np.array_equal(self.values, other.values))

    def norm(self) -> float:
        return float(np.sqrt(np.dot(self.values, self.values)))

    def normalised(self) -> SparseVector:
        norm = self.norm()
        return self if norm == 0.0 else SparseVector(self.indices, self.values / np.float32(norm))

    def dot(self, other: SparseVector) -> float:
        _, mine, theirs = np.intersect1d(self.indices, other.indices, assume_unique=True,
                                         return_indices=True)
        return float(np.dot(self.values[mine], other.values[theirs]))

    def to_dense(self, dimension: int) -> np.ndarray:
        """A float32 row of length ``dimension``, e.g. for a faiss index over a small
        hashed space (a vectorizer with ``dimension=2**14``)."""
        row = np.zeros(dimension, dtype=np.float32)
        row[self.indices] = self.values
        return row

    def to_dict(self) -> dict[int, float]:
        return dict(zip(self.indices.tolist(), self.values.tolist()))

    def to_bytes(self) -> bytes:
        """A compact little-endian encoding for a store column."""
        return (_HEADER.pack(_MAGIC, len(self)) + self.indices.astype("<i4").tobytes()
                + self.values.astype("<f4").tobytes())

    @classmethod
    def from_bytes(cls, blob: bytes) -> SparseVector:
        magic, count = _HEADER.unpack_from(blob) if len(blob) >= _HEADER.size else (b"", 0)
        if magic != _MAGIC or len(blob) != _HEADER.size + 8 * count:
            raise ValueError("not a SparseVector encoding (made by SparseVector.to_bytes?)")
        start = _HEADER.size
        indices = np.frombuffer(blob, dtype="<i4", count=count, offset=start).astype(np.int32)
        values = np.frombuffer(blob, dtype="<f4", count=count, offset=start + 4 * count)
        return cls(indices, values.astype(np.float32))


def cosine(a: SparseVector, b: SparseVector) -> float:
    """Cosine similarity; 0.0 when either vector is empty."""
    norms = a.norm() * b.norm()
    if norms == 0.0:
        return 0.0
    return min(1.0, max(-1.0, a.dot(b) / norms))


def centroid(vectors: Sequence[SparseVector], weights: Iterable[float] | None = None) -> SparseVector:
    """The unit-length (weighted) sum of ``vectors``: a story's lexical profile."""
    if not vectors:
        return SparseVector.empty()
    scale = np.ones(len(vectors)) if weights is None else np.fromiter(weights, dtype=np.float64)
    indices = np.concatenate([v.indices for v in vectors])
    values = np.concatenate([v.values * s for v, s in zip(vectors, scale)])
    unique, where = np.unique(indices, return_inverse=True)
    summed = np.bincount(where, weights=values, minlength=len(unique)).astype(np.float32)
    keep = summed != 0
    return SparseVector(unique[keep].astype(np.int32), summed[keep]).normalised()
