"""Fit the story pair model: a logistic regression of same-story on the pair signals.

Usage:
    python benchmarks/stories/fit_pairs.py [--write]

Each gold set (ecbplus, meantime, gva) is cleaned and featurised once with the real
pipeline (in a temporary store). Training pairs are the candidate pairs batch clustering
would score (dense and TF-IDF neighbours within the window), labelled by the gold stories.
The only cross-language pairs there are meantime's translations, and a model fitted on them
alone learns that two languages mean "a translation or nothing" (it split the demo corpus's
independent en/de/es/ru reports of one event), so the cross-language pairs of SemEval 2022
task 8 (independent articles, Overall <= 2.5 taken as one story) are a fourth part; its
same-language pairs are left out, they are what `storyline eval-pairs` scores. Each part
weighs the same in the fit. The fitted weights (the pair score is the log-odds
that two articles tell one story; the threshold is the negated intercept) go into
storyline/settings.py by hand.

The cross-set check fits on two sets and clusters the third (batch), so that the figures
say how the model does on articles it was not fitted on. With --write the report goes to
benchmarks/stories/fit.md.
"""

from __future__ import annotations

import argparse
import tempfile
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np

from storyline import Engine
from storyline.cluster import SIGNALS, Weights, candidate_pairs, cluster_groups, signals
from storyline.eval import load_cluster_dataset, load_pairs, pairwise

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data"
REPORT = ROOT / "benchmarks" / "stories" / "fit.md"
SETS = ("ecbplus", "meantime", "gva")


def featurise(name: str, settings: dict):
    """The set's articles as feature groups (the real pipeline), duplicate links, gold."""
    dataset = load_cluster_dataset(DATA / name / "docs.jsonl")
    with tempfile.TemporaryDirectory() as folder:
        with Engine(db=str(Path(folder) / "fit.db"), cluster=False, **settings) as engine:
            engine.ingest_documents(d.raw for d in dataset.docs)
            articles = {a.article_id: a for a in (engine.store.article(d.raw.content_hash)
                                                  for d in dataset.docs) if a}
            unique = list(articles.values())
            links = engine.story_builder.duplicates(unique)
            groups = engine.story_builder.features(unique)
            weights = engine.story_builder.weights
    gold = {d.raw.content_hash: d.cluster_id for d in dataset.docs}
    return {"dataset": dataset, "groups": groups, "links": links, "gold": gold, "weights": weights}


def semeval_cross_language_pairs(settings: dict) -> tuple[np.ndarray, np.ndarray]:
    pairs = [p for p in load_pairs(DATA / "semeval2022_t8" / "pairs.jsonl") if not p.same_language]
    with tempfile.TemporaryDirectory() as folder:
        with Engine(db=str(Path(folder) / "pairs.db"), cluster=False, **settings) as engine:
            engine.ingest_documents([d for p in pairs for d in (p.first, p.second)])
            ids = sorted({d.content_hash for p in pairs for d in (p.first, p.second)})
            articles = [a for a in (engine.store.article(i) for i in ids) if a]
            groups = {g.key: g for g in engine.story_builder.features(articles)}
            scale = engine.story_builder.weights.time_scale_days
    kept = [p for p in pairs if p.first.content_hash in groups and p.second.content_hash in groups]
    x = np.array([signals(groups[p.first.content_hash], groups[p.second.content_hash], scale) for p in kept])
    return x, np.array([p.overall <= 2.5 for p in kept], dtype=float)


def training_pairs(prepared: dict) -> tuple[np.ndarray, np.ndarray]:
    groups = sorted(prepared["groups"], key=lambda g: g.key)
    by_key = {g.key: g for g in groups}
    weights, gold = prepared["weights"], prepared["gold"]
    pairs = sorted(candidate_pairs(groups, weights, 20))
    x = np.array([signals(by_key[a], by_key[b], weights.time_scale_days) for a, b in pairs])
    y = np.array([gold[a] == gold[b] for a, b in pairs], dtype=float)
    return x, y


def fit(parts: list[tuple[np.ndarray, np.ndarray]], l2: float = 1.0) -> np.ndarray:
    """Newton's method on the L2-penalised log-loss; each part weighs the same in total."""
    x = np.vstack([np.hstack([p[0], np.ones((len(p[0]), 1))]) for p in parts])
    y = np.concatenate([p[1] for p in parts])
    share = np.concatenate([np.full(len(p[1]), len(y) / (len(parts) * len(p[1]))) for p in parts])
    penalty = l2 * np.diag(np.r_[np.ones(x.shape[1] - 1), 0.0])  # the intercept is free
    w = np.zeros(x.shape[1])
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-x @ w))
        gradient = x.T @ (share * (p - y)) + penalty @ w
        hessian = (x * (share * p * (1 - p))[:, None]).T @ x + penalty
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-9:
            break
    return w


def as_weights(w: np.ndarray, base: Weights) -> Weights:
    fitted = dict(zip(SIGNALS, w[:-1].round(3).tolist()))
    fitted["cross_language"] = fitted.pop("cross")
    return replace(base, threshold=round(float(-w[-1]), 3), **fitted)


def batch_f1(prepared: dict, weights: Weights) -> float:
    clusters = cluster_groups(prepared["groups"], weights, duplicate_links=prepared["links"])
    story = {key: i for i, keys in enumerate(clusters) for key in keys}
    docs = prepared["dataset"].docs
    predicted = {d.doc_id: str(story.get(d.raw.content_hash, d.doc_id)) for d in docs}
    return pairwise(prepared["dataset"].gold, predicted).f1


def report(prepared: dict, pairs: dict) -> str:
    base = next(iter(prepared.values()))["weights"]
    everything = as_weights(fit(list(pairs.values())), base)
    lines = [f"# Story pair model ({date.today().isoformat()})", "",
             "Command: `python benchmarks/stories/fit_pairs.py --write`", "",
             "Fitted on candidate pairs of all three sets and the SemEval cross-language pairs "
             "(each part weighs the same):", "",
             "| " + " | ".join(SIGNALS) + " | threshold |", "|" + "---:|" * (len(SIGNALS) + 1)]
    values = [everything.dense, everything.lexical, everything.cross_language, everything.names,
              everything.numbers, everything.time, everything.gap, everything.dated,
              everything.same_language, everything.threshold]
    lines += ["| " + " | ".join(f"{v:.3f}" for v in values) + " |", "",
              "Cross-set check: batch pairwise F1 on each set with the model fitted on the "
              "other two sets and SemEval (this set unseen) and on all of them (seen). The gap "
              "says how much of each figure is fitting: the signals mean different things on "
              "different sets (ecbplus has no dates; meantime's only cross-language pairs are "
              "translations).", "",
              "| set | pairs | same-story | F1 fitted on the others | F1 fitted on all |",
              "|---|---:|---:|---:|---:|"]
    for name in prepared:
        others = as_weights(fit([pairs[n] for n in pairs if n != name]), base)  # SemEval stays in
        lines.append(f"| {name} | {len(pairs[name][1])} | {int(pairs[name][1].sum())} | "
                     f"{batch_f1(prepared[name], others):.3f} | "
                     f"{batch_f1(prepared[name], everything):.3f} |")
        print(lines[-1], flush=True)
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    prepared = {name: featurise(name, {}) for name in SETS}
    pairs = {name: training_pairs(p) for name, p in prepared.items()}
    pairs["semeval_cross_language"] = semeval_cross_language_pairs({})
    text = report(prepared, pairs)
    print(text)
    if args.write:
        REPORT.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
