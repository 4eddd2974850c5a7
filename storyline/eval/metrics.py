"""Scores for a clustering against gold stories, and correlations for graded pairs.

Clustering metrics take ``gold`` and ``pred`` as mappings from document id to cluster id.
They evaluate on the ids in ``gold``: an id of ``pred`` that gold does not know is ignored,
and a gold id that ``pred`` does not mention counts as a cluster of its own (so an article the
pipeline rejected is scored as an unclustered article, not silently dropped).

Everything is computed from the contingency table ``n[i, j]`` = number of documents in gold
cluster ``i`` and predicted cluster ``j``; only its non-zero cells are built, so 100k documents
take a fraction of a second.

Degenerate cases (chosen so that F1 is 1.0 exactly when the partitions are equal):

* pairwise precision is 1.0 when the prediction puts no two documents together (no predicted
  pair is wrong), recall is 1.0 when gold puts no two documents together; F1 is 0.0 when
  precision + recall is 0. The reference script of Miranda et al. reports 0.0 instead of 1.0 in
  both cases; the F1 differs only when neither partition has a pair (all singletons in both),
  where it reports 0.0 and this module 1.0.
* the adjusted Rand index is 1.0 when it is undefined (fewer than two documents, or both
  partitions all singletons, or both a single cluster): the partitions are then equal.
* an empty ``gold`` raises ``ValueError``: there is nothing to score, which is a caller bug.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Mapping, Sequence

import numpy as np

__all__ = [
    "PRF",
    "pairwise",
    "bcubed",
    "adjusted_rand",
    "cluster_counts",
    "clustering_report",
    "pearson",
    "spearman",
]


@dataclass(frozen=True)
class PRF:
    """Precision, recall and their harmonic mean F1, each in [0, 1]."""

    precision: float
    recall: float
    f1: float

    @classmethod
    def from_precision_recall(cls, precision: float, recall: float) -> "PRF":
        total = precision + recall
        f1 = 2 * precision * recall / total if total > 0 else 0.0
        return cls(float(precision), float(recall), float(f1))

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


@dataclass(frozen=True)
class _Contingency:
    """The non-zero cells of the contingency table and its margins, as int64 arrays."""

    cells: np.ndarray  # n_ij for every (gold, pred) combination that occurs
    cell_gold_size: np.ndarray  # a_i of the gold cluster of each cell
    cell_pred_size: np.ndarray  # b_j of the predicted cluster of each cell
    gold_sizes: np.ndarray  # a_i, one per gold cluster
    pred_sizes: np.ndarray  # b_j, one per predicted cluster (on gold ids only)

    @property
    def n_docs(self) -> int:
        return int(self.gold_sizes.sum())


def _codes(gold: Mapping[str, str], pred: Mapping[str, str]) -> tuple[np.ndarray, np.ndarray]:
    """Integer cluster codes for every gold id, in gold order."""
    if not gold:
        raise ValueError("gold is empty: there are no documents to evaluate")
    gold_code: dict[str, int] = {}
    pred_code: dict[object, int] = {}
    gold_codes = [gold_code.setdefault(cluster, len(gold_code)) for cluster in gold.values()]
    # A document the prediction does not mention is a singleton: key it by a tuple so it can
    # never collide with a real predicted cluster id.
    pred_codes = [
        pred_code.setdefault(pred.get(doc_id, ("missing", doc_id)), len(pred_code))
        for doc_id in gold
    ]
    return np.array(gold_codes, dtype=np.int64), np.array(pred_codes, dtype=np.int64)


def _contingency(gold: Mapping[str, str], pred: Mapping[str, str]) -> _Contingency:
    gold_codes, pred_codes = _codes(gold, pred)
    gold_sizes = np.bincount(gold_codes)
    pred_sizes = np.bincount(pred_codes)
    cell_keys = gold_codes * len(pred_sizes) + pred_codes
    keys, cells = np.unique(cell_keys, return_counts=True)
    cell_gold, cell_pred = np.divmod(keys, len(pred_sizes))
    return _Contingency(
        cells=cells.astype(np.int64),
        cell_gold_size=gold_sizes[cell_gold],
        cell_pred_size=pred_sizes[cell_pred],
        gold_sizes=gold_sizes,
        pred_sizes=pred_sizes,
    )


def _pairs(counts: np.ndarray) -> int:
    """Sum of ``n choose 2``, as an exact Python int (int64 products can overflow later)."""
    return int((counts * (counts - 1) // 2).sum())


def pairwise(gold: Mapping[str, str], pred: Mapping[str, str]) -> PRF:
    """Pairwise P/R/F1 (Miranda et al. 2018): over all unordered pairs of documents.

    P = pairs together in both / pairs together in pred;
    R = pairs together in both / pairs together in gold.
    """
    return _pairwise(_contingency(gold, pred))


def _pairwise(table: _Contingency) -> PRF:
    together_in_both = _pairs(table.cells)
    together_in_pred = _pairs(table.pred_sizes)
    together_in_gold = _pairs(table.gold_sizes)
    precision = together_in_both / together_in_pred if together_in_pred else 1.0
    recall = together_in_both / together_in_gold if together_in_gold else 1.0
    return PRF.from_precision_recall(precision, recall)


def bcubed(gold: Mapping[str, str], pred: Mapping[str, str]) -> PRF:
    """BCubed P/R/F1 (Amigó et al. 2009): per-document precision and recall, averaged.

    A document's precision is the share of its predicted cluster (itself included) that
    shares its gold cluster; its recall the share of its gold cluster that shares its
    predicted cluster. All ``n_ij`` documents of a cell have the same values, hence
    P = sum(n_ij^2 / b_j) / N and R = sum(n_ij^2 / a_i) / N.
    """
    return _bcubed(_contingency(gold, pred))


def _bcubed(table: _Contingency) -> PRF:
    squared = table.cells.astype(np.float64) ** 2
    precision = float((squared / table.cell_pred_size).sum()) / table.n_docs
    recall = float((squared / table.cell_gold_size).sum()) / table.n_docs
    # Float sums can land a hair above 1.0; the exact value never does.
    return PRF.from_precision_recall(min(precision, 1.0), min(recall, 1.0))


def adjusted_rand(gold: Mapping[str, str], pred: Mapping[str, str]) -> float:
    """Adjusted Rand index (Hubert & Arabie 1985): 1.0 for equal partitions, ~0 for chance.

    ARI = (index - expected) / (max - expected) with index = sum C(n_ij, 2),
    expected = sum C(a_i, 2) * sum C(b_j, 2) / C(N, 2), max = (sum C(a_i, 2) + sum C(b_j, 2)) / 2.
    Computed in exact integers (both sides multiplied by 2 * C(N, 2)) and divided once.
    """
    return _adjusted_rand(_contingency(gold, pred))


def _adjusted_rand(table: _Contingency) -> float:
    all_pairs = table.n_docs * (table.n_docs - 1) // 2
    index = _pairs(table.cells)
    gold_pairs = _pairs(table.gold_sizes)
    pred_pairs = _pairs(table.pred_sizes)
    numerator = 2 * (index * all_pairs - gold_pairs * pred_pairs)
    denominator = (gold_pairs + pred_pairs) * all_pairs - 2 * gold_pairs * pred_pairs
    if denominator == 0:  # see the module docstring: only when the partitions are equal
        return 1.0
    return numerator / denominator


def cluster_counts(gold: Mapping[str, str], pred: Mapping[str, str]) -> tuple[int, int]:
    """(gold clusters, predicted clusters) on the gold ids; missing ids are singletons."""
    table = _contingency(gold, pred)
    return len(table.gold_sizes), len(table.pred_sizes)


def clustering_report(gold: Mapping[str, str], pred: Mapping[str, str]) -> dict[str, object]:
    """Every clustering figure DESIGN.md asks for, as one JSON-ready dict."""
    table = _contingency(gold, pred)
    return {
        "docs": len(gold),
        "docs_missing_from_pred": sum(1 for doc_id in gold if doc_id not in pred),
        "gold_clusters": len(table.gold_sizes),
        "pred_clusters": len(table.pred_sizes),
        "pairwise": _pairwise(table).as_dict(),
        "bcubed": _bcubed(table).as_dict(),
        "adjusted_rand": _adjusted_rand(table),
    }


def _paired_arrays(xs: Sequence[float], ys: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(xs, dtype=np.float64)
    y = np.asarray(ys, dtype=np.float64)
    if x.ndim != 1 or x.shape != y.shape:
        raise ValueError(f"need two flat sequences of equal length, got {x.shape} and {y.shape}")
    if len(x) < 2:
        raise ValueError(f"a correlation needs at least 2 pairs of values, got {len(x)}")
    if not (np.isfinite(x).all() and np.isfinite(y).all()):
        raise ValueError("the values contain NaN or infinity")
    return x, y


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float:
    """Pearson correlation; NaN when either side is constant (the correlation is undefined)."""
    x, y = _paired_arrays(xs, ys)
    dx = x - x.mean()
    dy = y - y.mean()
    norm = math.sqrt(float((dx * dx).sum()) * float((dy * dy).sum()))
    if norm == 0.0:
        return math.nan
    return max(-1.0, min(1.0, float((dx * dy).sum()) / norm))


def _average_ranks(values: np.ndarray) -> np.ndarray:
    """1-based ranks; tied values share the mean of the ranks they occupy."""
    _, inverse, counts = np.unique(values, return_inverse=True, return_counts=True)
    first_rank = np.cumsum(counts) - counts + 1
    return (first_rank + (counts - 1) / 2.0)[inverse]


def spearman(xs: Sequence[float], ys: Sequence[float]) -> float:
    """Spearman rank correlation: Pearson on average ranks (ties handled)."""
    x, y = _paired_arrays(xs, ys)
    return pearson(_average_ranks(x), _average_ranks(y))
