"""Sparse running sums (TF-IDF, names, numbers) as two small numpy arrays.

A story keeps the sum of its members' sparse vectors. As Python dicts these cost about
70 bytes a term, which at 100,000 stories of a few hundred terms is gigabytes; as sorted
int32 ids with float32 weights they cost 8 bytes a term. Values never change in place.
"""

from __future__ import annotations

import threading
from typing import Mapping, Sequence

import numpy as np
from scipy import sparse


class SparseSum:
    """Sorted unique term ids (int32) and their weights (float32)."""

    __slots__ = ("ids", "weights")

    def __init__(self, ids: np.ndarray, weights: np.ndarray):
        self.ids = ids
        self.weights = weights

    @classmethod
    def of(cls, mapping: Mapping[int, float] | SparseSum | None) -> SparseSum:
        if isinstance(mapping, SparseSum):
            return mapping
        if not mapping:
            return _EMPTY
        ids = np.fromiter(sorted(mapping), dtype=np.int32, count=len(mapping))
        weights = np.fromiter((mapping[i] for i in ids.tolist()), dtype=np.float32, count=len(ids))
        return cls(ids, weights)

    def __len__(self) -> int:
        return len(self.ids)

    def __bool__(self) -> bool:
        return len(self.ids) > 0

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, SparseSum) and np.array_equal(self.ids, other.ids)
                and np.array_equal(self.weights, other.weights))

    def plus(self, other: SparseSum) -> SparseSum:
        if not other:
            return self
        if not self:
            return other
        ids = np.concatenate([self.ids, other.ids])
        unique, where = np.unique(ids, return_inverse=True)
        summed = np.bincount(where, weights=np.concatenate([self.weights, other.weights]),
                             minlength=len(unique))
        return SparseSum(unique.astype(np.int32), summed.astype(np.float32))

    def dot(self, other: SparseSum) -> float:
        # the hottest call of clustering: few numpy calls, none through a Python wrapper
        small_ids, large_ids = self.ids, other.ids
        if not len(small_ids) or not len(large_ids):
            return 0.0
        small, large = (self, other) if len(small_ids) <= len(large_ids) else (other, self)
        small_ids, large_ids = small.ids, large.ids
        where = large_ids.searchsorted(small_ids)
        np.minimum(where, len(large_ids) - 1, out=where)  # past the end: compares unequal
        shared = large_ids[where] == small_ids
        if not shared.any():
            return 0.0
        return float(np.dot(small.weights[shared].astype(np.float64), large.weights[where[shared]]))

    def heaviest(self, count: int) -> dict[int, float]:
        """The ``count`` heaviest terms, as shares of the vector's length."""
        if not self:
            return {}
        norm = float(np.linalg.norm(self.weights)) or 1.0
        top = np.argsort(-self.weights, kind="stable")[:count]
        return dict(zip(self.ids[top].tolist(), (self.weights[top] / norm).tolist()))

    def to_dict(self) -> dict[int, float]:
        return dict(zip(self.ids.tolist(), self.weights.tolist()))

    @property
    def nbytes(self) -> int:
        return self.ids.nbytes + self.weights.nbytes


def dots(vectors: Sequence[SparseSum], query: SparseSum) -> list[float]:
    """``[v.dot(query) for v in vectors]``, the same numbers, with one look-up for all:
    each vector's shared terms are found together, then each product is one ``np.dot`` over
    the shared weights in term order, as ``SparseSum.dot`` computes it."""
    found = [0.0] * len(vectors)
    if not len(query.ids) or not vectors:
        return found
    ids = np.concatenate([v.ids for v in vectors])
    if not len(ids):
        return found
    shared, where = _shared_terms(ids, query.ids)
    if not len(shared):
        return found
    mine = query.weights[where].astype(np.float64)
    theirs = np.concatenate([v.weights for v in vectors])[shared]
    ends = np.cumsum([len(v.ids) for v in vectors])
    start = 0
    for k, stop in enumerate(shared.searchsorted(ends).tolist()):
        if stop > start:
            found[k] = float(np.dot(mine[start:stop], theirs[start:stop]))
            start = stop
    return found


_SLOTS = 1 << 18  # the lexical space (LexicalVectorizer.dimension): its ids never collide
_tables = threading.local()


def _shared_terms(ids: np.ndarray, query: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The positions in ``ids`` of the terms that ``query`` (sorted, unique) holds too, in
    order, and where each is in ``query``: through a table of query positions by the low
    bits of the id (thousands of ids against a hundred query terms: no binary search)."""
    table = getattr(_tables, "table", None)
    if table is None:
        table = _tables.table = np.zeros(_SLOTS, dtype=np.int32)
    slots = query & (_SLOTS - 1)
    table[slots] = np.arange(1, len(query) + 1, dtype=np.int32)
    try:
        if not (table[slots] == np.arange(1, len(query) + 1)).all():  # two share a slot
            where = query.searchsorted(ids)
            np.minimum(where, len(query) - 1, out=where)
            shared = np.flatnonzero(query[where] == ids)
            return shared, where[shared]
        hit = table[ids & (_SLOTS - 1)]
        candidates = np.flatnonzero(hit)
        where = hit[candidates] - 1
        same = query[where] == ids[candidates]  # the low bits alone may match another id
        return candidates[same], where[same]
    finally:
        table[slots] = 0


_EMPTY = SparseSum(np.empty(0, dtype=np.int32), np.empty(0, dtype=np.float32))


def stack(vectors: Sequence[SparseSum]) -> sparse.csr_matrix:
    """The vectors as the rows of one matrix, its columns the term ids that occur (only
    dot products between rows survive the renumbering, which is all the callers need)."""
    ids = np.concatenate([v.ids for v in vectors] + [np.empty(0, np.int32)])
    columns, where = np.unique(ids, return_inverse=True)
    weights = np.concatenate([v.weights for v in vectors] + [np.empty(0, np.float32)])
    indptr = np.cumsum([0] + [len(v) for v in vectors])
    return sparse.csr_matrix((weights.astype(np.float64), where.ravel(), indptr),
                             shape=(len(vectors), max(len(columns), 1)))
