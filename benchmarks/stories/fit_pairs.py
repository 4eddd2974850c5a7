"""Fit the story pair model: a logistic regression of same-story on the pair features.

Usage:
    python benchmarks/stories/fit_pairs.py [--write]

Each gold set (ecbplus, meantime, gva) is cleaned and featurised once with the real
pipeline (in a temporary store). Training pairs are the candidate pairs batch clustering
would score (dense and TF-IDF neighbours within the window), labelled by the gold stories;
their features are the pair signals and the products of signals in
``storyline.cluster.INTERACTIONS``. The only cross-language pairs there are meantime's
translations, and a model fitted on them alone learns that two languages mean "a translation
or nothing" (it split the demo corpus's independent en/de/es/ru reports of one event), so
the cross-language pairs of SemEval 2022 task 8 (independent articles, Overall <= 2.5 taken
as one story) are a fourth part; its same-language pairs are left out, they are what
`storyline eval-pairs` scores. Each part weighs the same in the fit. SemEval's articles
carry no dates, so without help the model learns that a dated cross-language pair (only
meantime has them: a translation, or another story about the same company days later) must
be a translation, and splits same-day reports in two languages. Where SemEval's annotators
rated a pair's Time as 1 (the same time), the pair is given one day for both articles in
the fit; the other pairs stay undated. The annotators' rating is used for training only:
Storyline itself only ever sees the articles' own dates.

A second model, the headline model, scores a headline-only article (a page whose body did
not come: a paywall, a form) against a story (``Weights.judging``). Its pairs are gva's real
headline-only pages and every article's title taken alone (``title_only``: the article's
title, its body dropped), each with the articles batch clustering finds for it, in each set,
and SemEval's cross-language pairs with either side's title alone; it weighs the signals
alone. The report ranks the held-out folds' headline pairs by both models.

The model is judged on stories it was not fitted on, the way unseen news will judge it:
each set's topics go into three folds (ecbplus and meantime by their topic ids, gva, which
has none, by a hash of the gold story), and for each fold the model is fitted on the other
folds of every set and clusters the whole set (batch), scored on the fold's articles only.
A second check fits on two sets and clusters the third, which says how far the weights
carry to news unlike any set here.

With --write the model fitted on everything goes to storyline/cluster/pair_model.json (what
Storyline uses) and the report to benchmarks/stories/fit.md.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import zlib
from collections import Counter, defaultdict
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np

from storyline import Engine
from storyline.cluster import (FEATURES, SIGNALS, Weights, candidate_pairs, cluster_groups, features,
                               signals)
from storyline.cluster import pair_model
from storyline.eval import load_cluster_dataset, load_pairs, pairwise, title_alone
from storyline.eval.metrics import PRF

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data"
REPORT = ROOT / "benchmarks" / "stories" / "fit.md"
SETS = ("ecbplus", "meantime", "gva")
FOLDS = 3
L2 = 0.1  # chosen by the held-out-topic check among 0.01, 0.03, 0.1, 1 and 10
TIME_SCALE_DAYS = 3.0


def featurise(name: str, settings: dict):
    """The set's articles as feature groups (the real pipeline), duplicate links, gold, folds."""
    dataset = load_cluster_dataset(DATA / name / "docs.jsonl")
    with tempfile.TemporaryDirectory() as folder:
        with Engine(db=str(Path(folder) / "fit.db"), cluster=False, **settings) as engine:
            engine.ingest_documents(d.raw for d in dataset.docs)
            articles = {a.article_id: a for a in (engine.store.article(d.raw.content_hash)
                                                  for d in dataset.docs) if a}
            unique = list(articles.values())
            links = engine.story_builder.duplicates(unique)
            groups = engine.story_builder.features(unique)
            window = engine.story_builder.weights.window_days
            titles = title_only(engine, [d.raw for d in dataset.docs], articles)
    gold = {d.raw.content_hash: d.cluster_id for d in dataset.docs}
    return {"dataset": dataset, "groups": groups, "links": links, "gold": gold,
            "window_days": window, "fold": folds(dataset), "titles": titles}


def title_only(engine, documents, articles: dict) -> dict:
    """Each article's title as a headline-only article of its own (its body dropped), stored
    beside the articles, as groups with the key of the article each came from. A headline
    over a paywall is an article whose body did not come; these are the headline model's
    training pairs beyond gva's real ones, in every set's languages. Headline-only articles
    are not counted in the document frequencies, so the articles' features stay as they were."""
    origin, docs = {}, []
    for document in documents:
        article = articles.get(document.content_hash)
        if article is not None and not article.headline_only and article.title \
                and document.origin + "#title" not in origin:
            origin[document.origin + "#title"] = article.article_id
            # the title as the article has it: cleaned, or the first line where no field gave one
            docs.append(title_alone(document, article.title))
    engine.ingest_documents(docs)
    kept = {}
    for doc in docs:
        headline = engine.store.article(doc.content_hash)
        if headline is not None and headline.headline_only and headline.article_id not in kept:
            kept[headline.article_id] = (headline, origin[doc.origin])
    groups = engine.story_builder.features([headline for headline, _ in kept.values()])
    return {g.key: (g, kept[g.key][1]) for g in groups}


def folds(dataset) -> dict[str, int]:
    """Gold story -> fold: whole topics go to one fold (round robin over sorted topic ids);
    without topic ids, the story's hash decides."""
    topic_of = {d.cluster_id: d.topic_id for d in dataset.docs}
    topics = sorted({t for t in topic_of.values() if t is not None})
    order = {t: i % FOLDS for i, t in enumerate(topics)}
    return {story: order[topic] if topic is not None else zlib.crc32(story.encode()) % FOLDS
            for story, topic in topic_of.items()}


def semeval_cross_language_pairs(settings: dict):
    """Features and labels of SemEval's cross-language pairs, for the pair model; and of
    the same pairs with either side's title alone (``title_only``) against the other
    side's article, for the headline model, which otherwise sees only meantime's
    translations across languages."""
    pairs = [p for p in load_pairs(DATA / "semeval2022_t8" / "pairs.jsonl") if not p.same_language]
    with tempfile.TemporaryDirectory() as folder:
        with Engine(db=str(Path(folder) / "pairs.db"), cluster=False, **settings) as engine:
            documents = list({d.content_hash: d for p in pairs for d in (p.first, p.second)}.values())
            engine.ingest_documents(documents)
            articles = {a.article_id: a for a in (engine.store.article(d.content_hash) for d in documents)
                        if a and not a.headline_only}
            groups = {g.key: g for g in engine.story_builder.features(list(articles.values()))}
            titles = {source: group for group, source in title_only(engine, documents, articles).values()}
    kept = [p for p in pairs if p.first.content_hash in groups and p.second.content_hash in groups]

    def dated(group, pair):  # the annotators' "same time" as one day for both (see above)
        same_time = pair.scores.get("time") is not None and pair.scores["time"] <= 1.0
        return replace(group, first=0.0, last=0.0, days={0.0: 1}) if same_time else group

    x = np.array([features(signals(dated(groups[p.first.content_hash], p),
                                   dated(groups[p.second.content_hash], p), TIME_SCALE_DAYS))
                  for p in kept])
    sides = [(p, titles[a.content_hash], groups[b.content_hash]) for p in kept
             for a, b in ((p.first, p.second), (p.second, p.first)) if a.content_hash in titles]
    headlines = np.array([features(signals(dated(title, p), dated(other, p), TIME_SCALE_DAYS))
                          for p, title, other in sides])
    return ((x, np.array([p.overall <= 2.5 for p in kept], dtype=float)),
            (headlines, np.array([p.overall <= 2.5 for p, _, _ in sides], dtype=float)))


def training_pairs(prepared: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features and labels of the candidate pairs, and the fold of each (-1: the two
    articles' stories are in different folds, so the pair belongs to no fold's training)."""
    groups = sorted(prepared["groups"], key=lambda g: g.key)
    by_key = {g.key: g for g in groups}
    gold, fold = prepared["gold"], prepared["fold"]
    window = Weights(0.0, 0.0, 0.0, threshold=0.0, window_days=prepared["window_days"])
    # a headline-only article never takes part in agglomeration (it follows afterwards,
    # ``linkage.follow_home``): the pairs the model decides are those of the other articles
    articles = [g for g in groups if not g.headline_only]
    pairs = sorted(candidate_pairs(articles, window, 20))  # the search uses only the window
    x = np.array([features(signals(by_key[a], by_key[b], TIME_SCALE_DAYS)) for a, b in pairs])
    y = np.array([gold[a] == gold[b] for a, b in pairs], dtype=float)
    f = np.array([fold[gold[a]] if fold[gold[a]] == fold[gold[b]] else -1 for a, b in pairs])
    return x, y, f


def headline_pairs(prepared: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Features, labels, folds (as ``training_pairs``) and realness of the pairs a headline-only
    article is scored on: gva's real headline-only pages and every article's title alone
    (``title_only``), each with the articles batch clustering would find for it (its own
    article left out)."""
    groups = sorted(prepared["groups"], key=lambda g: g.key)
    by_key = {g.key: g for g in groups}
    gold, fold = prepared["gold"], prepared["fold"]
    window = Weights(0.0, 0.0, 0.0, threshold=0.0, window_days=prepared["window_days"])
    articles = [g for g in groups if not g.headline_only]
    headlines = {g.key: (g, g.key) for g in groups if g.headline_only} | prepared["titles"]
    found = candidate_pairs([g for g, _ in headlines.values()], window, 20, pool=articles)
    rows = []
    for a, b in sorted(found):
        headline, other = (a, b) if a in headlines else (b, a)
        group, source = headlines[headline]
        if other != source:
            rows.append((features(signals(group, by_key[other], TIME_SCALE_DAYS)), gold[source] == gold[other],
                         fold[gold[source]] if fold[gold[source]] == fold[gold[other]] else -1,
                         headline == source))
    x, y, f, real = (np.array(column) for column in zip(*rows))
    return x, y.astype(float), f, real.astype(bool)


def fit(parts: list[tuple[np.ndarray, np.ndarray]], l2: float = L2) -> np.ndarray:
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


def as_model(w: np.ndarray, headline: np.ndarray) -> dict:
    return {**_weights_of(w), "time_scale_days": TIME_SCALE_DAYS, "headline": _weights_of(headline)}


def _weights_of(w: np.ndarray) -> dict:
    return {"weights": {name: weight for name, weight in zip(FEATURES, w[:-1].round(4).tolist())
                        if weight or name in SIGNALS}, "threshold": round(float(-w[-1]), 4)}


def fit_both(pairs: dict, headlines: dict, semeval, keep=lambda name, f: np.ones(len(f), bool)) -> dict:
    """The article pairs' model and the headline model, fitted on the pairs ``keep`` keeps
    (by set name and fold) and SemEval's (``semeval_cross_language_pairs``); each set and
    SemEval weigh the same in each fit."""
    def parts(found):
        return [(x[keep(name, f)], y[keep(name, f)]) for name, (x, y, f, *_) in found.items()
                if keep(name, f).any()]
    # the headline model weighs the signals alone: with the products too, gva clustered by
    # a model fitted on the other sets went from 0.746 to 0.736 (held-out topics: 0.777 both;
    # measured before SemEval's pairs were added to it)
    signals_only = fit([(x[:, :len(SIGNALS)], y) for x, y in parts(headlines) + [semeval[1]]])
    headline = np.r_[signals_only[:-1], np.zeros(len(FEATURES) - len(SIGNALS)), signals_only[-1:]]
    return as_model(fit(parts(pairs) + [semeval[0]]), headline)


def batch_scores(prepared: dict, model: dict, fold: int | None = None):
    """Pairwise precision/recall/F1 of batch clustering the whole set with ``model``; with
    ``fold``, over the pairs that hold an article of that fold. A fold's gold stories are
    its own, so its gold pairs are all there; a pair put together across two folds is
    wrong, and counts half against each (the folds' counts then add up to the whole
    set's). Scoring the fold's articles alone would not see those merges: on gva that
    raised precision from 0.886 to 0.954 with the same model."""
    weights = pair_model.weights(model, prepared["window_days"])
    clusters = cluster_groups(prepared["groups"], weights, duplicate_links=prepared["links"])
    story = {key: i for i, keys in enumerate(clusters) for key in keys}
    docs = prepared["dataset"].docs
    predicted = {d.doc_id: str(story.get(d.raw.content_hash, d.doc_id)) for d in docs}
    gold = {d.doc_id: d.cluster_id for d in docs}
    if fold is None:
        return pairwise(gold, predicted)
    inside = {d.doc_id for d in docs if prepared["fold"][d.cluster_id] == fold}
    members: dict[str, list[str]] = defaultdict(list)
    for doc_id, cluster in predicted.items():
        members[cluster].append(doc_id)
    touching = both = 0
    for ids in members.values():
        mine = [i for i in ids if i in inside]
        touching += len(mine) * (len(mine) - 1) / 2 + len(mine) * (len(ids) - len(mine)) / 2
        both += sum(n * (n - 1) // 2 for n in Counter(gold[i] for i in mine).values())
    in_gold = sum(n * (n - 1) // 2 for n in Counter(gold[i] for i in inside).values())
    return PRF.from_precision_recall(both / touching if touching else 1.0,
                                     both / in_gold if in_gold else 1.0)


def held_out_topics(prepared: dict, pairs: dict, headlines: dict, semeval):
    """Per set, the scores of each fold clustered by models fitted without that fold, and
    the average precision of the fold's headline pairs (real pages and titles apart) as
    each of the two models scores them."""
    found, ranked = defaultdict(list), defaultdict(list)
    for k in range(FOLDS):
        model = fit_both(pairs, headlines, semeval, keep=lambda name, f: (f != k) & (f >= 0))
        weights = pair_model.weights(model, 730.0)
        for name in prepared:
            found[name].append(batch_scores(prepared[name], model, fold=k))
            x, y, f, real = headlines[name]
            for kind, mine in (("pages", real), ("titles", ~real)):
                held = (f == k) & mine
                if y[held].any():
                    values = np.asarray(x[held][:, :len(SIGNALS)].T)
                    ranked[name, kind].append((average_precision(y[held], weights.scores(values.copy())),
                                               average_precision(y[held], weights.headline.scores(values.copy()))))
        print(f"fold {k}:", {n: round(found[n][-1].f1, 3) for n in prepared}, flush=True)
    return found, ranked


def average_precision(labels: np.ndarray, scores: np.ndarray) -> float:
    """The mean precision at the rank of each positive, best score first."""
    hits = labels[np.argsort(-scores, kind="stable")]
    return float((np.cumsum(hits) / np.arange(1, len(hits) + 1))[hits > 0].mean())


def report(prepared: dict, pairs: dict, headlines: dict, semeval, everything: dict) -> str:
    lines = [f"# Story pair model ({date.today().isoformat()})", "",
             "Command: `python benchmarks/stories/fit_pairs.py --write` (writes "
             "`storyline/cluster/pair_model.json`, the model Storyline uses, and this report).", "",
             f"A logistic regression (L2 {L2}) on the candidate pairs of ecbplus, meantime and gva "
             "and the SemEval cross-language pairs, each part weighing the same. Features: the "
             "pair signals and products of two signals (`storyline/cluster/linkage.py` says "
             "what each is).", "",
             "A second one, the headline model, scores a headline-only article (a page whose "
             "body did not come) against a story: it is fitted the same way on the pairs of "
             "gva's real headline-only pages and of every article's title taken alone "
             "(its body dropped), each with the articles batch clustering finds for it, and SemEval's "
             "cross-language pairs with either side's title alone. It weighs the signals alone, "
             "no products.", "",
             "| feature | weight | headline model |", "|---|---:|---:|"]
    headline = everything["headline"]["weights"]
    lines += [f"| {name} | {weight:.3f} | " + (f"{headline[name]:.3f} |" if name in headline else "— |")
              for name, weight in everything["weights"].items()]
    lines += [f"| threshold (negated intercept) | {everything['threshold']:.3f} | "
              f"{everything['headline']['threshold']:.3f} |", ""]
    held, ranked = held_out_topics(prepared, pairs, headlines, semeval)
    lines += ["## Held-out topics", "",
              f"Each set's topics in {FOLDS} folds (ecbplus and meantime by topic id, gva by "
              "gold story); each fold is clustered (batch, the whole set) by a model fitted on "
              "the other folds of all sets, and scored on the pairs that hold one of its articles "
              "(a pair across two folds counts half to each, so a merge with another fold's "
              "article counts against it). This is the figure "
              "to expect on unseen articles like these; the scores of `storyline eval` in "
              "[stories.md](../results/stories.md) come from the model fitted on everything and "
              "are optimistic. Articles the pipeline rejects are stories of their own here, as in "
              "`storyline eval`; headline-only articles follow as in batch clustering.", "",
              "| set | P | R | F1 (mean of folds) | F1 per fold | F1 fitted on everything |",
              "|---|---:|---:|---:|---|---:|"]
    for name in prepared:
        scores = held[name]
        mean = [float(np.mean([getattr(s, m) for s in scores])) for m in ("precision", "recall", "f1")]
        seen = batch_scores(prepared[name], everything).f1
        lines.append(f"| {name} | {mean[0]:.3f} | {mean[1]:.3f} | {mean[2]:.3f} | "
                     + ", ".join(f"{s.f1:.3f}" for s in scores) + f" | {seen:.3f} |")
    lines += ["", "Headline pairs of the held-out folds: the average precision of their scores "
              "(same story ranked first) under the article pairs' model and under the headline "
              "model, both fitted without the fold (mean of folds).", "",
              "| set | headlines | pairs | same-story | article model | headline model |",
              "|---|---|---:|---:|---:|---:|"]
    for (name, kind), found in sorted(ranked.items()):
        x, y, f, real = headlines[name]
        mine = real if kind == "pages" else ~real
        lines.append(f"| {name} | {'real headline-only pages' if kind == 'pages' else 'titles alone'} | "
                     f"{int(mine.sum())} | {int(y[mine].sum())} | {np.mean([a for a, _ in found]):.3f} | "
                     f"{np.mean([b for _, b in found]):.3f} |")
    lines += ["", "## Sets left out", "",
              "Fitted on the other two sets and SemEval, clustering the set left out: how far "
              "the weights carry to news unlike the sets they were fitted on (ecbplus has few "
              "dates; meantime is four languages; gva is noisy crawled pages).", "",
              "| set | pairs | same-story | F1 |", "|---|---:|---:|---:|"]
    for name in prepared:
        others = fit_both(pairs, headlines, semeval, keep=lambda n, f: np.full(len(f), n != name))
        lines.append(f"| {name} | {len(pairs[name][1])} | {int(pairs[name][1].sum())} | "
                     f"{batch_scores(prepared[name], others).f1:.3f} |")
        print(lines[-1], flush=True)
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    prepared = {name: featurise(name, {}) for name in SETS}
    pairs = {name: training_pairs(p) for name, p in prepared.items()}
    headlines = {name: headline_pairs(p) for name, p in prepared.items()}
    semeval = semeval_cross_language_pairs({})
    everything = fit_both(pairs, headlines, semeval)
    text = report(prepared, pairs, headlines, semeval, everything)
    print(text)
    if args.write:
        REPORT.write_text(text, encoding="utf-8")
        model = {"fitted": date.today().isoformat(),
                 "command": "python benchmarks/stories/fit_pairs.py --write", **everything}
        pair_model.BUNDLED.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
