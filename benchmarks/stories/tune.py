"""Choose the story weights and threshold on the gold sets (tuning: say so when reporting).

Usage:
    python benchmarks/stories/tune.py [--sets ecbplus meantime gva] [--embed-chars 1000]

Each set is cleaned and featurised once (the real pipeline, in a temporary store); then
every combination of the grid below is clustered in memory, in batch and online, and
scored with pairwise F1. Prints the best settings by the mean of batch and online F1 over
the sets. The chosen values go into storyline/settings.py; the figures they give go to
benchmarks/results/stories.md through run_eval.py.
"""

from __future__ import annotations

import argparse
import itertools
import tempfile
from pathlib import Path

from storyline import Engine
from storyline.cluster import OnlineClusterer, Weights, cluster_groups
from storyline.eval import load_cluster_dataset, pairwise

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"


def featurise(name: str, embed_chars: int):
    dataset = load_cluster_dataset(DATA / name / "docs.jsonl")
    with tempfile.TemporaryDirectory() as folder:
        with Engine(db=str(Path(folder) / "t.db"), cluster=False, embed_chars=embed_chars) as engine:
            engine.ingest_documents(d.raw for d in dataset.docs)
            articles = [a for a in (engine.store.article(d.raw.content_hash) for d in dataset.docs) if a]
            unique = list({a.article_id: a for a in articles}.values())
            links = engine.story_builder.duplicates(unique)
            groups = engine.story_builder.features(unique)
    return dataset, groups, links


def score(dataset, groups, links, weights: Weights) -> tuple[float, float]:
    gold = dataset.gold
    batch = cluster_groups(groups, weights, duplicate_links=links)
    batch_of = {k: i for i, keys in enumerate(batch) for k in keys}
    online = OnlineClusterer(weights)
    story_of: dict[str, str] = {}
    by_key = {g.key: g for g in groups}
    for doc in dataset.docs:  # the file's order is the arrival order
        key = doc.raw.content_hash
        if key in by_key and key not in story_of:
            result = online.assign(_copy(by_key[key]))
            for absorbed in result.merged:
                story_of = {a: (result.story_id if s == absorbed else s) for a, s in story_of.items()}
            story_of[key] = result.story_id
    pred_batch = {d.doc_id: str(batch_of.get(d.raw.content_hash, d.doc_id)) for d in dataset.docs}
    pred_online = {d.doc_id: story_of.get(d.raw.content_hash, d.doc_id) for d in dataset.docs}
    return pairwise(gold, pred_batch).f1, pairwise(gold, pred_online).f1


def _copy(group):
    from storyline.cluster import Group

    return Group(group.key, group.size, group.dense.copy(), dict(group.lexical), dict(group.names),
                 group.first, group.last, {k: v.copy() for k, v in group.by_language.items()})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", nargs="+", default=["ecbplus", "meantime", "gva"])
    parser.add_argument("--embed-chars", type=int, default=1000)
    parser.add_argument("--mixes", nargs="+", default=["0.55,0.30,0.15", "0.45,0.45,0.10", "0.70,0.20,0.10"],
                        help="dense,lexical,names weights to try")
    parser.add_argument("--cross-language", type=float, default=0.5)
    parser.add_argument("--thresholds", type=float, nargs="+", default=[0.30, 0.36, 0.42, 0.48])
    args = parser.parse_args()
    prepared = {name: featurise(name, args.embed_chars) for name in args.sets}
    mixes = [tuple(float(x) for x in mix.split(",")) for mix in args.mixes]
    grid = itertools.product(mixes, args.thresholds, [7.0])
    results = []
    for (dense, lexical, names), threshold, window in grid:
        weights = Weights(dense, lexical, names, threshold, window, args.cross_language)
        scores = {name: score(*prepared[name], weights) for name in args.sets}
        mean = sum(b + o for b, o in scores.values()) / (2 * len(scores))
        results.append((mean, weights, scores))
        print(f"{mean:.4f} {weights} " + " ".join(f"{n}: {b:.3f}/{o:.3f}" for n, (b, o) in scores.items()),
              flush=True)
    results.sort(key=lambda r: -r[0])
    for mean, weights, scores in results[:10]:
        print(f"best: {mean:.4f} {weights} " + " ".join(f"{n}: batch {b:.3f} online {o:.3f}" for n, (b, o) in scores.items()))


if __name__ == "__main__":
    main()
