"""The cluster stage: articles (as groups of one) into stories, online or in batch.

    Group        running sums of an article or a story (dense, lexical, names, dates)
    link         exact average linkage of two groups, with its parts (linkage.py)
    OnlineClusterer.assign   one article at a time, using only what came before (online.py)
    cluster_groups           a whole archive at once, independent of order (batch.py)
"""

from .batch import candidate_pairs, cluster_groups
from .linkage import SIGNALS, Group, Link, Weights, link, signals
from .sparse import SparseSum
from .online import Assignment, OnlineClusterer, story_id_for
from .state import pack, unpack

__all__ = ["SIGNALS", "Assignment", "Group", "Link", "OnlineClusterer", "SparseSum", "Weights",
           "candidate_pairs", "cluster_groups", "link", "pack", "signals", "story_id_for", "unpack"]
