"""`storyline cluster` (batch re-clustering) on a large archive: wall time, peak memory, and
whether the stories stay what they are on the gold sets alone.

Usage:
    python benchmarks/stories/batch_scale.py [--articles 100000] [--shift-days 30] [--write]
                                             [--compare TREE] [--keep FOLDER]

How the archive is made: the articles of ecbplus, meantime and gva are cleaned and
featurised with the real pipeline, then replicated (``scale.Replica``: each replica's dense
vectors turned by its own signed permutation of the axes, its term, name, number and
rare-name ids scrambled by its own bijection, so replicas share no terms) until there are
``--articles``. Unlike ``scale.py``, each replica keeps its articles' real dates, shifted by
``--shift-days`` per replica (100,000 articles: 24 replicas over some two years, every one
inside the 730-day window of its neighbours), and ecbplus's undated articles stay undated,
so they search the whole archive: the costly case. The articles, their features and
duplicate links go into a real SQLite file.

Then the real command runs in a fresh process, as a user runs it:
``storyline cluster --db FILE --json`` (cards off: ``STORYLINE_CARDS=false``; building cards
is not clustering). Its wall time and peak resident memory (``ru_maxrss`` of the child) are
reported, with pairwise and BCubed F1 of all replicas against the replicated gold labels:
replicas are copies meant to share nothing, so they should score about what the three sets
score clustered together (``run_eval.py``'s pooled batch figure), and a story that spans two
replicas is a false join. (Scrambled term ids of two replicas can still meet by chance, while
their turned sentence vectors are further apart than real articles: the results say what
that does.)

``--compare TREE`` first clusters a copy of the same archive with the code of another
checkout (``git worktree add``), for a ratio from one run; ``--keep FOLDER`` keeps the
archive and each article's replica and gold story there.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale import SETS, Replica, base_articles, feature_row, replace_section  # noqa: E402

from storyline import Engine  # noqa: E402
from storyline.eval import bcubed, load_cluster_dataset, pairwise  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data"
RESULTS = ROOT / "benchmarks" / "results" / "stories.md"
SECTION = "## Batch at scale"  # this script owns this section of stories.md


def gold_of_bases(bases) -> dict[str, str]:
    """Article id -> gold story of every base article."""
    gold = {}
    for name in SETS:
        for doc in load_cluster_dataset(DATA / name / "docs.jsonl").docs:
            gold[doc.raw.content_hash] = f"{name}:{doc.cluster_id}"
    return {article.article_id: gold[raw.content_hash] for raw, article, _ in bases}


def fill(engine: Engine, bases, count: int, shift_days: float) -> dict[str, tuple[int, str]]:
    """Store ``count`` replica articles with their features and their replicas' duplicate
    links; returns each replica article's (replica, base article id)."""
    replicas: dict[int, Replica] = {}
    made: dict[str, tuple[int, str]] = {}
    for start in range(0, count, 5000):
        pairs, features = [], []
        for i in range(start, min(count, start + 5000)):
            r, b = divmod(i, len(bases))
            replica = replicas.setdefault(r, Replica(r, bases[0][2].dense.shape[0]))
            raw, article, base = bases[b]
            key = hashlib.sha1(f"{r}:{article.article_id}".encode()).hexdigest()[:32]
            group = replica.group(base, key, None if base.first is None else base.first + r * shift_days)
            pairs.append((raw, replace(article, article_id=key)))
            features.append(feature_row(group, article.language, base.headline_only))
            made[key] = (r, article.article_id)
        engine.store.add_articles(pairs)
        engine.store.save_features(features)
        print(f"stored {min(count, start + 5000)} articles", file=sys.stderr, flush=True)
    return made


def duplicate_links(base_store, made: dict[str, tuple[int, str]]) -> list[tuple]:
    """The base articles' duplicate links, repeated inside every replica that holds both."""
    key_of = {value: key for key, value in made.items()}
    links = []
    for a, b, kind, score, why in base_store.duplicate_links():
        for r in range(max(r for r, _ in made.values()) + 1):
            if (r, a) in key_of and (r, b) in key_of:
                x, y = sorted((key_of[(r, a)], key_of[(r, b)]))
                links.append((x, y, kind, score, why))
    return links


def measure(args) -> dict:
    with tempfile.TemporaryDirectory(prefix="storyline-batch-scale-") as temporary:
        folder = Path(args.keep or temporary)
        with threadpool_limits(1), Engine(db=str(folder / "base.db"), cluster=False) as base:
            bases = base_articles(base, SETS)
            base.story_builder.duplicates([article for _, article, _ in bases])  # wire copies
            gold_base = gold_of_bases(bases)
            archive = folder / "archive.db"
            with Engine(db=str(archive), cluster=False) as engine:
                started = time.perf_counter()
                made = fill(engine, bases, args.articles, args.shift_days)
                links = duplicate_links(base.store, made)
                if links:
                    engine.store.add_duplicate_links(links)
                fill_seconds = time.perf_counter() - started
        gold = {key: f"{r}:{gold_base[article]}" for key, (r, article) in made.items()}
        if args.keep:  # which replica and gold story each article is, to look at with the archive
            (folder / "gold.json").write_text(json.dumps(
                {key: {"replica": r, "base": article, "gold": gold[key]} for key, (r, article) in made.items()}))
        runs = {}
        for name, tree in ([("before", args.compare)] if args.compare else []) + [("this", None)]:
            db = folder / f"{name}.db"
            shutil.copyfile(archive, db)  # each code clusters the same archive as filled
            runs[name] = cluster_run(db, tree, made, gold, folder)
    return {"articles": len(made), "replicas": len({r for r, _ in made.values()}),
            "shift_days": args.shift_days, "duplicate_links": len(links),
            "fill_seconds": round(fill_seconds, 1), "compare": args.compare, **runs}


def cluster_run(db: Path, tree: str | None, made, gold, folder: Path) -> dict:
    """``storyline cluster`` on ``db`` in a fresh process (with the code of ``tree``, else
    this tree's): its wall time, its own peak memory and how its stories score."""
    output, errors = folder / "out", folder / "err"
    env = {**os.environ, "STORYLINE_CARDS": "false"}
    if tree:
        env["PYTHONPATH"] = str(Path(tree).resolve())
    started = time.perf_counter()
    with output.open("w") as out, errors.open("w") as err:
        child = subprocess.Popen([sys.executable, "-m", "storyline", "cluster", "--db", str(db), "--json"],
                                 env=env, stdout=out, stderr=err, cwd=folder)
        _, status, usage = os.wait4(child.pid, 0)  # this child's own peak, no other's
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"storyline cluster failed: {errors.read_text()[-2000:]}")
    with Engine(db=str(db), cluster=False) as engine:
        story_of = engine.store.story_of(list(made))
    predicted = {key: story_of.get(key, "?" + key) for key in made}
    replicas_of: dict[str, set[int]] = {}
    members: dict[str, list[str]] = {}
    for key, story in predicted.items():
        replicas_of.setdefault(story, set()).add(made[key][0])
        members.setdefault(story, []).append(key)
    return {"cluster_seconds": round(seconds, 1), "peak_rss_mb": round(usage.ru_maxrss / 1024),
            "stories": len(replicas_of),
            "stories_spanning_replicas": sum(len(r) > 1 for r in replicas_of.values()),
            "pairwise_f1": round(pairwise(gold, predicted).f1, 4),
            "bcubed_f1": round(bcubed(gold, predicted).f1, 4),
            "stories_digest": hashlib.sha256(json.dumps(sorted(sorted(keys) for keys in members.values()))
                                             .encode()).hexdigest()[:16]}


def markdown(result: dict) -> str:
    names = [name for name in ("before", "this") if name in result]
    row = lambda label, key, form="{}": (f"| {label} | "  # noqa: E731
                                         + " | ".join(form.format(result[n][key]) for n in names) + " |")
    lines = [
        f"{SECTION} ({date.today().isoformat()})", "",
        f"Command: `python benchmarks/stories/batch_scale.py --write --articles {result['articles']}"
        + (" --compare TREE" if result["compare"] else "") + "` (how the archive is made: see the "
        "script's docstring; replicas of the gold sets' real features with their real dates shifted "
        f"{result['shift_days']:g} days per replica). The figures are those of `storyline cluster "
        "--db FILE --json` run in a fresh process, cards off"
        + (f"; before = the code of {result['compare']}, this = this tree, each on a copy of the "
           "same archive, one after the other" if result["compare"] else "") + ". Shared 2-core machine.", "",
        f"{result['articles']:,} articles: {result['replicas']} replicas of the three gold sets, with "
        f"{result['duplicate_links']:,} duplicate links.", "",
        "| measure | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names),
        row("`storyline cluster` wall time (s)", "cluster_seconds"),
        row("`storyline cluster` peak resident memory (MB)", "peak_rss_mb", "{:,}"),
        row("stories", "stories", "{:,}"),
        row("stories joining two replicas", "stories_spanning_replicas"),
        row("pairwise F1 against the replicated gold labels", "pairwise_f1"),
        row("BCubed F1", "bcubed_f1"),
        row("stories digest", "stories_digest"), ""]
    if len(names) == 2:
        before, this = result["before"], result["this"]
        lines += [f"Ratios (this / before): time x{this['cluster_seconds'] / before['cluster_seconds']:.2f}, "
                  f"peak memory x{this['peak_rss_mb'] / before['peak_rss_mb']:.2f}.", ""]
    lines += ["Raw figures: `" + json.dumps(result) + "`", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--shift-days", type=float, default=30.0)
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--keep", metavar="FOLDER", help="keep the archive (archive.db) in FOLDER to look at")
    parser.add_argument("--compare", metavar="TREE",
                        help="also cluster the same archive with the code of another checkout, first")
    args = parser.parse_args()
    text = markdown(measure(args))
    print(text)
    if args.write:
        replace_section(RESULTS, SECTION, text)


if __name__ == "__main__":
    main()
