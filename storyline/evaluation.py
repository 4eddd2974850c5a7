"""`storyline eval` and `storyline eval-pairs`: the real pipeline on gold data, scored.

Each run uses a fresh temporary store, so nothing the user has stored is touched, and runs
the same code as `storyline ingest` (cleaning, dedup, features, clustering): the figures
describe what a user gets.
"""

from __future__ import annotations

import math
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from .cluster import link
from .engine import Engine
from .errors import UserError
from .eval import EvalDoc, EvalPair, clustering_report, load_cluster_dataset, load_pairs, pearson, spearman
from .similarity import PairScorer, SimilarityModel
from .types import Article


#: The orders documents can arrive in (``arrival_order``).
ORDERS = ("file", "published")


def evaluate_clustering(path: str, mode: str = "batch", *, parts: Callable[[str], str] | None = None,
                        order: str = "file", **settings: Any) -> dict[str, Any]:
    """Cluster the documents of a ``docs.jsonl`` file and score against its gold stories.

    ``parts`` names the part of the file a doc id belongs to (a mixed stream of several
    sets); each part is then also scored on its own, under ``result["parts"]``. ``order``
    is the order the documents arrive in (``arrival_order``; batch mode does not depend
    on it)."""
    dataset = load_cluster_dataset(Path(path))
    with tempfile.TemporaryDirectory(prefix="storyline-eval-") as folder:
        with Engine(db=str(Path(folder) / "eval.db"), cluster=(mode == "online"),
                    **{"cards": False, **settings}) as engine:
            started = time.perf_counter()
            report = engine.ingest_documents((d.raw for d in arrival_order(dataset.docs, order)),
                                             sources=[path])
            if mode == "batch":
                engine.cluster()
            seconds = time.perf_counter() - started
            story_of = engine.store.story_of(d.raw.content_hash for d in dataset.docs)
            headline_only = sum(head.headline_only for head in engine.article_heads(story_of))
    predicted = {d.doc_id: story_of.get(d.raw.content_hash, "unclustered:" + d.doc_id)
                 for d in dataset.docs}
    result = clustering_report(dataset.gold, predicted)
    if parts is not None:
        names = sorted({parts(doc_id) for doc_id in dataset.gold})
        result["parts"] = {name: clustering_report(
            {d: c for d, c in dataset.gold.items() if parts(d) == name},
            {d: s for d, s in predicted.items() if parts(d) == name}) for name in names}
    result.update(mode=mode, order=order, file=str(path), seconds=round(seconds, 1),
                  articles_per_second=round(len(dataset.docs) / seconds, 1) if seconds else None,
                  rejected_by_cleaning=len(report.rejected), empty_in_file=len(dataset.skipped),
                  headline_only=headline_only)
    return result


def arrival_order(docs: Sequence[EvalDoc], order: str) -> list[EvalDoc]:
    """The documents as a stream delivers them: as the file lists them ("file"), or
    ("published") the dated ones by their date, a day's in file order, in the places the
    dated ones hold, the undated ones staying where they are. A gold file may list each
    story's articles together (gva's does), and an online run then meets each story's
    reports back to back, which no stream does: gva's online pairwise F1 is 0.809 in the
    file's order and 0.776 by date, batch's 0.796 (benchmarks/results/stories.md)."""
    if order not in ORDERS:
        raise UserError(f"unknown order {order!r}; use one of {', '.join(ORDERS)}")
    if order == "file":
        return list(docs)
    dated = [i for i, doc in enumerate(docs) if _day(doc) is not None]
    arranged = list(docs)
    for place, i in zip(dated, sorted(dated, key=lambda i: (_day(docs[i]), i))):
        arranged[place] = docs[i]
    return arranged


def _day(doc: EvalDoc) -> date | None:
    value = doc.raw.hints.get("date") or ""
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def evaluate_pairs(path: str, model: SimilarityModel | None = None, *,
                   progress: Callable[[int], None] = lambda n: None, **settings: Any) -> dict[str, Any]:
    """Correlate the graded same-story score (``storyline.similarity``) of article pairs
    with human judgements (SemEval 2022 task 8: Overall 1 = same story ... 4 = different),
    for same-language and all pairs; ``pair_model`` gives the same for the clustering's
    own pair probability."""
    started = time.perf_counter()
    pairs, values, probabilities = pair_features(path, progress=progress, **settings)
    model = model or SimilarityModel.load()
    scores = dict(zip((p.pair_id for p in pairs), model.score(model.overall(values)).tolist()))
    clustering = dict(zip((p.pair_id for p in pairs), probabilities))
    return {"file": str(path), "pairs": len(load_pairs(Path(path))), "scored": len(scores),
            "seconds": round(time.perf_counter() - started, 1),
            "same_language": _correlations([p for p in pairs if p.same_language], scores),
            "all": _correlations(pairs, scores),
            "pair_model": {"same_language": _correlations([p for p in pairs if p.same_language], clustering),
                           "all": _correlations(pairs, clustering)}}


def pair_features(path: str, *, progress: Callable[[int], None] = lambda n: None,
                  **settings: Any) -> tuple[list[EvalPair], np.ndarray, list[float]]:
    """The pairs of a ``pairs.jsonl`` file whose two articles both survive cleaning with
    their text (``_stored``), the rows of ``similarity.FEATURES`` for them, and the
    clustering pair model's probability that each is one story; the real pipeline in a
    temporary store."""
    pairs = load_pairs(Path(path))
    with tempfile.TemporaryDirectory(prefix="storyline-eval-") as folder:
        with Engine(db=str(Path(folder) / "pairs.db"), cluster=False, **{"cards": False, **settings}) as engine:
            engine.ingest_documents([d for p in pairs for d in (p.first, p.second)], sources=[path])
            articles = {a.article_id: a for a in _stored(engine, pairs)}
            kept = [p for p in pairs if p.first.content_hash in articles and p.second.content_hash in articles]
            both = [(articles[p.first.content_hash], articles[p.second.content_hash]) for p in kept]
            builder = engine.story_builder
            groups = dict(zip(articles, builder.groups_of(list(articles.values()))))
            weights = builder.weights
            probabilities = [1.0 / (1.0 + math.exp(weights.threshold - link(
                groups[a.article_id], groups[b.article_id], weights).score)) for a, b in both]
            values = PairScorer(engine).features(both, progress)
    return kept, values, probabilities


def _stored(engine: Engine, pairs) -> list[Article]:
    """The pairs' articles that survived cleaning with their text: a headline-only one (its
    text was missing) has nothing to compare a report with."""
    ids = {d.content_hash for p in pairs for d in (p.first, p.second)}
    return [a for a in (engine.store.article(i) for i in sorted(ids)) if a is not None and not a.headline_only]


def _correlations(pairs, scores: dict[str, float]) -> dict[str, Any]:
    scored = [p for p in pairs if p.pair_id in scores]
    if len(scored) < 2:
        return {"pairs": len(scored)}
    xs = [scores[p.pair_id] for p in scored]
    ys = [p.overall for p in scored]
    r = pearson(xs, ys)
    # Overall 1 means "same story", so a good same-story score correlates negatively.
    return {"pairs": len(scored), "pearson": round(r, 4), "abs_pearson": round(abs(r), 4),
            "spearman": round(spearman(xs, ys), 4)}
