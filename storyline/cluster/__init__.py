"""The cluster stage: articles (as groups of one) into stories, online or in batch.

    Group        running sums of an article or a story (dense, lexical, names, dates)
    link         exact average linkage of two groups, with its parts (linkage.py)
    pair_model   the fitted weights of the pair signals, shipped as pair_model.json
    OnlineClusterer.assign   one article at a time, using only what came before (online.py)
    cluster_groups           a whole archive at once, independent of order (batch.py)
"""

from .batch import candidate_pairs, cluster_groups
from .linkage import FEATURES, INTERACTIONS, SIGNALS, Group, Link, Weights, features, link, signals
from .sparse import SparseSum
from .online import Assignment, OnlineClusterer, story_id_for
from .state import pack, unpack

__all__ = ["FEATURES", "INTERACTIONS", "SIGNALS", "Assignment", "Group", "Link", "OnlineClusterer", "SparseSum", "Weights",
           "candidate_pairs", "cluster_groups", "features", "link", "pack", "signals", "story_id_for", "unpack"]
