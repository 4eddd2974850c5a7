"""Evaluation: scores for story clustering and pair similarity, and the gold-set readers.

    from storyline.eval import load_cluster_dataset, clustering_report
    data = load_cluster_dataset("../shared/data/ecbplus/docs.jsonl")
    report = clustering_report(data.gold, predicted)  # predicted: doc_id -> story id
"""

from __future__ import annotations

from storyline.eval.datasets import (
    ClusterDataset,
    EvalDoc,
    EvalPair,
    PairDataset,
    load_cluster_dataset,
    load_cluster_docs,
    load_pair_dataset,
    load_pairs,
    title_alone,
)
from storyline.eval.metrics import (
    PRF,
    adjusted_rand,
    bcubed,
    cluster_counts,
    clustering_report,
    pairwise,
    pearson,
    spearman,
)

__all__ = [
    "title_alone",
    "PRF",
    "pairwise",
    "bcubed",
    "adjusted_rand",
    "cluster_counts",
    "clustering_report",
    "pearson",
    "spearman",
    "EvalDoc",
    "ClusterDataset",
    "EvalPair",
    "PairDataset",
    "load_cluster_dataset",
    "load_cluster_docs",
    "load_pair_dataset",
    "load_pairs",
]
