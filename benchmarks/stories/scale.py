"""Online assignment latency with 100k stories in the store, memory at 100k articles, and
end-to-end speed on the pooled gold stream.

Usage:
    python benchmarks/stories/scale.py [--stories 100000] [--queries 1000] [--write]
                                       [--skip-pooled]

How the 100k stories are made: the articles of ecbplus, meantime and gva are cleaned and
featurised with the real pipeline, then replicated until there are ``--stories`` of them.
Replica r of an article gets its dense vector turned by a signed permutation of the axes
of its own (so cosines within a replica are the real ones and across replicas near 0), its TF-IDF term
ids and name, number and rare-name ids scrambled by a replica-specific bijection (so
replicas share no terms), and a day within one 150-day span (the past days it names move
with it), so that every story is inside the 200-day
window of every query: the worst case for the candidate search. Each replica article is
stored as a real article with its features and as a one-article story in a real SQLite
file, then the engine's online clusterer is loaded from that store as `storyline ingest`
would load it.

Queries: ``--queries`` new articles, half near-copies of stored ones (small noise on the
dense vector: they join a story and trigger a regroup that reads members from the store),
half from a fresh replica (they open stories). Latency is ``OnlineClusterer.assign`` per
article (candidates, exact scoring, regrouping with member loading); writing the changes
back is timed separately per batch of 64, as the engine does it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Sequence

import numpy as np
from threadpoolctl import threadpool_limits

from storyline import Engine
from storyline.cluster import Group, SparseSum, pack
from storyline.eval import load_cluster_dataset
from storyline.evaluation import evaluate_clustering
from storyline.store import FeatureRow, StoryRow
from storyline.storybuilder import _pack_days, _pack_sparse

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data"
RESULTS = ROOT / "benchmarks" / "results" / "stories.md"
SECTION = "## At scale"  # scale.py owns this section of stories.md; run_eval.py keeps it
SETS = ("ecbplus", "meantime", "gva")


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def base_articles(engine: Engine, sets: Sequence[str]):
    """(raw document, article, feature group) of every gold-set article, real pipeline."""
    docs = [d.raw for name in sets for d in load_cluster_dataset(DATA / name / "docs.jsonl").docs]
    engine.ingest_documents(docs)
    raws = {d.content_hash: d for d in docs}
    articles = list({a.article_id: a for a in (engine.store.article(h) for h in raws) if a}.values())
    groups = engine.story_builder.features(articles)
    return [(raws[a.article_id], a, g) for a, g in zip(articles, groups)]


class Replica:
    """One replica's rotation and id bijections."""

    def __init__(self, number: int, dimension: int):
        rng = np.random.default_rng(number)
        self.number = number
        # a signed permutation of the axes: orthogonal, so cosines within a replica stay
        self.axes = rng.permutation(dimension)
        self.signs = rng.choice(np.array([-1.0, 1.0], dtype="float32"), dimension)
        self.multiplier = int(rng.integers(1, 2**17)) * 2 + 1  # odd: a bijection mod 2**18
        self.offset = int(rng.integers(0, 2**18))
        self.mask = int(rng.integers(0, 2**31))

    def group(self, base: Group, key: str, day: float | None, noise: float = 0.0,
              rng: np.random.Generator | None = None) -> Group:
        dense = base.dense[self.axes] * self.signs
        if noise and rng is not None:
            dense = dense + noise * rng.normal(size=dense.shape).astype("float32")
        dense = (dense / (np.linalg.norm(dense) or 1.0)).astype("float32")
        lexical = {(i * self.multiplier + self.offset) % 2**18: w for i, w in base.lexical.to_dict().items()}
        scramble = lambda s: {(i ^ self.mask) & 0x7FFFFFFF: w for i, w in s.to_dict().items()}  # noqa: E731
        # the days it names move with its own (a follow-up keeps its distance to the event)
        recalled = () if base.first is None else tuple(d - base.first + day for d in base.recalled)
        return Group.of_article(key, dense, lexical, scramble(base.names), scramble(base.numbers), day,
                                next(iter(base.languages)), scramble(base.rare), recalled=recalled)


def feature_row(group: Group, language: str | None, headline_only: bool = False) -> FeatureRow:
    """The stored features of a replica article made by ``Replica.group``."""
    return FeatureRow(group.key, group.first, group.dense.astype("<f4").tobytes(),
                      _pack_sparse(group.lexical.to_dict()), _pack_sparse(group.names.to_dict()), language,
                      _pack_sparse(group.numbers.to_dict()), _pack_sparse(group.rare.to_dict()),
                      recalled=_pack_days(sorted(group.recalled)), headline_only=headline_only)


def fill_store(engine: Engine, bases, count: int) -> list[tuple[Replica, int]]:
    """Store ``count`` replica articles, their features and one story each."""
    replicas: dict[int, Replica] = {}
    made = []
    for start in range(0, count, 5000):
        pairs, features, stories, members = [], [], [], []
        for i in range(start, min(count, start + 5000)):
            r, b = divmod(i, len(bases))
            replica = replicas.setdefault(r, Replica(r, bases[0][2].dense.shape[0]))
            raw, article, base = bases[b]
            key = hashlib.sha1(f"{r}:{article.article_id}".encode()).hexdigest()[:32]
            group = replica.group(base, key, 20000.0 + i % 150)
            pairs.append((raw, replace(article, article_id=key)))
            features.append(feature_row(group, article.language))
            story = Group("s" + key[:15], 0, np.zeros_like(group.dense))
            story.absorb(group)
            stories.append(StoryRow(story.key, 1, story.first, story.last, pack(story)))
            members.append((key, story.key, 1.0))
            made.append((replica, b))
        engine.store.add_articles(pairs)
        engine.store.save_features(features)
        engine.store.save_story_updates(stories, members, [])
        print(f"stored {min(count, start + 5000)} stories", file=sys.stderr, flush=True)
    return made


def measure(args) -> dict:
    with threadpool_limits(1):  # as the engine runs (setting threads); 2 cores, shared
        return _measure(args)


def _measure(args) -> dict:
    result: dict = {"stories": args.stories, "queries": args.queries}
    with tempfile.TemporaryDirectory(prefix="storyline-scale-") as folder:
        with Engine(db=str(Path(folder) / "scale.db"), cluster=False) as engine:
            bases = base_articles(engine, args.sets)
            engine.store.replace_all_stories([], [])  # only the replicas make stories
            started = time.perf_counter()
            made = fill_store(engine, bases, args.stories)
            result["fill_seconds"] = round(time.perf_counter() - started, 1)
            builder = engine.story_builder
            before = rss_mb()
            started = time.perf_counter()
            online = builder._online_clusterer()
            result["load_seconds"] = round(time.perf_counter() - started, 1)
            result["stories_loaded"] = len(online.stories)
            result["rss_mb_after_load"] = round(rss_mb())
            result["rss_mb_before_load"] = round(before)
            result.update(assign_latency(builder, online, bases, made, args.queries))
            result["rss_mb_after_queries"] = round(rss_mb())
    return result


def assign_latency(builder, online, bases, made, queries: int) -> dict:
    rng = np.random.default_rng(7)
    fresh = Replica(10_000, bases[0][2].dense.shape[0])
    times, saves, batch = [], [], {}
    for q in range(queries):
        if q % 2 == 0:  # a near-copy of a stored article: joins its story
            replica, b = made[int(rng.integers(len(made)))]
            group = replica.group(bases[b][2], f"q{q:031d}", 20000.0 + q % 150, noise=0.02, rng=rng)
        else:  # a new article: opens a story
            group = fresh.group(bases[int(rng.integers(len(bases)))][2], f"q{q:031d}", 20000.0 + q % 150)
        started = time.perf_counter()
        online.assign(group)
        times.append(time.perf_counter() - started)
        batch[group.key] = 1.0
        if len(batch) == 64:
            started = time.perf_counter()
            _save(builder, online, batch)
            saves.append((time.perf_counter() - started) / len(batch))
            batch = {}
    ms = np.array(times) * 1000
    return {"assign_ms_p50": round(float(np.percentile(ms, 50)), 2),
            "assign_ms_p95": round(float(np.percentile(ms, 95)), 2),
            "assign_ms_max": round(float(ms.max()), 1),
            "save_ms_per_article": round(1000 * float(np.mean(saves)), 2) if saves else None}


def _save(builder, online, scores) -> None:
    """What the engine stores after a batch: changed stories and moved articles (the query
    articles are not stored as articles, so their memberships are left out)."""
    changed, deleted, moved = online.take_changes()
    rows = [(a, s, 1.0) for a, s in moved.items() if not a.startswith("q")]
    builder.store.save_story_updates([StoryRow(g.key, g.size, g.first, g.last, pack(g)) for g in changed
                                      if not any(k.startswith("q") for k in [g.key])], rows, [])


def pooled_speed() -> dict:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from run_eval import pooled_file

    with tempfile.TemporaryDirectory() as folder:
        report = evaluate_clustering(str(pooled_file(Path(folder))), "online")
    return {"pooled_articles": report["docs"], "pooled_seconds": report["seconds"],
            "pooled_articles_per_second": report["articles_per_second"]}


def markdown(result: dict) -> str:
    return "\n".join([
        f"{SECTION} ({date.today().isoformat()})", "",
        "Command: `python benchmarks/stories/scale.py --write` (how the stories are made: see "
        "the script's docstring; one-article stories replicated from the gold sets' real "
        "features, all inside one window). Shared 2-core machine, other jobs running.", "",
        "| measure | value | target |", "|---|---:|---|",
        f"| stories in the store (and loaded) | {result['stories_loaded']} | 100,000 |",
        f"| online assignment p50 (ms) | {result['assign_ms_p50']} | |",
        f"| online assignment p95 (ms) | {result['assign_ms_p95']} | <= 50 |",
        f"| online assignment max (ms) | {result['assign_ms_max']} | |",
        f"| storing the changes, per article (ms) | {result['save_ms_per_article']} | |",
        f"| resident memory with {result['stories']} articles and stories loaded (MB) | "
        f"{result['rss_mb_after_queries']} | <= 2,048 |",
        f"| loading the clusterer from the store (s) | {result['load_seconds']} | |",
        f"| end to end on the pooled stream, online (articles/s) | "
        f"{result.get('pooled_articles_per_second', 'not run')} | >= 100 |", "",
        "Raw figures: `" + json.dumps(result) + "`", ""])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stories", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--skip-pooled", action="store_true")
    parser.add_argument("--sets", nargs="+", default=list(SETS), help="gold sets the articles come from")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    result = measure(args)
    if not args.skip_pooled:
        result.update(pooled_speed())
    text = markdown(result)
    print(text)
    if args.write:
        replace_section(RESULTS, SECTION, text)


def replace_section(path: Path, heading: str, text: str) -> None:
    """Put ``text`` in place of the section of ``path`` under ``heading`` (up to the next
    "## " heading), or at its end; the other sections stay as they are."""
    current = path.read_text(encoding="utf-8") if path.is_file() else ""
    head, found, tail = current.partition(heading)
    rest = tail.split("\n## ", 1)[1] if found and "\n## " in tail else ""
    path.write_text(head.rstrip() + "\n\n" + text.rstrip() + "\n" + ("\n## " + rest if rest else ""),
                    encoding="utf-8")


if __name__ == "__main__":
    main()
