"""Story clustering and same-story scores on every gold set, written with the date.

Usage:
    python benchmarks/stories/run_eval.py [--write] [--pin]

Runs `storyline eval` (batch; online in the file's order and in order of publication) on
ecbplus, meantime and gva, the three pooled into one mixed stream, and `storyline
eval-pairs` on semeval2022_t8. With --write the table goes to
benchmarks/results/stories.md; with --pin the pairwise F1 figures become the floors in
benchmarks/baseline.json that tests/test_quality_gate.py checks.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from datetime import date
from pathlib import Path

from storyline.evaluation import evaluate_clustering, evaluate_pairs

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data"
RESULTS = ROOT / "benchmarks" / "results" / "stories.md"
BASELINE = ROOT / "benchmarks" / "baseline.json"
SETS = ("ecbplus", "meantime", "gva")
SCALE_SECTION = "## At scale"  # written by scale.py (and what follows by batch_scale.py), kept here
TARGETS = {"ecbplus": "pairwise F1 >= 0.90", "meantime": "pairwise F1 >= 0.95",
           "gva": "pairwise F1 >= 0.75, BCubed F1 >= 0.93", "pooled": "within 1 point of each set"}


def pooled_file(folder: Path) -> Path:
    """The three sets as one stream, cluster ids prefixed so they stay apart."""
    path = folder / "pooled.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for name in SETS:
            for line in (DATA / name / "docs.jsonl").open(encoding="utf-8"):
                record = json.loads(line)
                record["doc_id"] = f"{name}:{record['doc_id']}"
                record["cluster_id"] = f"{name}:{record['cluster_id']}"
                out.write(json.dumps(record) + "\n")
    return path


#: Batch; online with the documents in the file's order; online with them in order of
#: publication, as a stream brings them (``storyline eval --order published``): gva's file
#: lists each incident's articles together, which flatters online mode.
MODES = ("batch", "online", "online-published")


def mode_and_order(mode: str) -> tuple[str, str]:
    """``storyline eval``'s mode and order of a mode in ``MODES``."""
    mode, _, order = mode.partition("-")
    return mode, order or "file"


def pooled_part(doc_id: str) -> str:
    """The set a doc id of the pooled stream comes from (``pooled_file`` prefixes it)."""
    return doc_id.split(":", 1)[0]


def streams(folder: Path) -> dict[str, tuple[Path, object]]:
    """Each gold set's file and the pooled stream's (written in ``folder``), with the
    ``parts`` argument of ``evaluate_clustering`` each is scored with."""
    found: dict[str, tuple[Path, object]] = {name: (DATA / name / "docs.jsonl", None) for name in SETS}
    found["pooled"] = (pooled_file(folder), pooled_part)
    return found


def run() -> dict:
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        for name, (path, parts) in streams(Path(folder)).items():
            for mode in MODES:
                how, order = mode_and_order(mode)
                results[f"{name}/{mode}"] = evaluate_clustering(str(path), how, order=order, parts=parts)
                print(name, mode, results[f"{name}/{mode}"]["pairwise"], flush=True)
    results["semeval"] = evaluate_pairs(str(DATA / "semeval2022_t8" / "pairs.jsonl"))
    return results


def markdown(results: dict) -> str:
    lines = [f"# Story clustering ({date.today().isoformat()})", "",
             "Command: `python benchmarks/stories/run_eval.py --write` (each row is "
             "`storyline eval FILE --mode MODE`, and online-published is `--mode online --order "
             "published`: the documents in order of publication, as a stream brings them, where "
             "online takes them in the file's order, which for gva lists each incident's articles "
             "together; articles/s is end to end: cleaning, dedup, "
             "features, clustering, on this shared 2-core machine).", "",
             "Tuned on these same sets, so the figures are optimistic for unseen articles: the "
             "pair model's weights and threshold were fitted on candidate pairs of ecbplus, "
             "meantime and gva (plus SemEval's cross-language pairs; see "
             "[fit.md](../stories/fit.md) for the fit), as were the headline model's, which "
             "scores headline-only articles (on gva's headline-only pages and every article's "
             "title taken alone), and the window (730 days), the "
             "encoder's 300 characters and what makes a name rare (fewer than one article in "
             "50 and fewer than 20 articles name it) were chosen on them, as was when a lone "
             "article joins a story below the threshold (within 1.5 log-odds of it, 1.5 ahead "
             "of the runner-up; headline-only articles must reach the threshold, 1.5 ahead) and "
             "the largest story online judges as a stray (4 articles, chosen on ecbplus); "
             "cleaning's rules for crawled pages (furniture, sign-in widgets, playlists) were "
             "written from gva's pages. "
             "fit.md also gives "
             "the figures to "
             "expect on unseen articles: each set's topics clustered by a model fitted without "
             "them, and each set clustered by a model fitted on the other two.", "",
             "| set | mode | docs | gold | predicted | pairwise P | R | F1 | BCubed F1 | ARI | articles/s | target |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for key, r in results.items():
        if key == "semeval":
            continue
        name, mode = key.split("/")
        lines.append(_row(name, mode, r, r["articles_per_second"], TARGETS[name]))
    lines += ["", "Each set scored inside the pooled stream, against the same set clustered alone:", "",
              "| set | mode | pairwise F1 pooled | alone | BCubed F1 pooled | alone |",
              "|---|---|---:|---:|---:|---:|"]
    for mode in MODES:
        for name, part in results[f"pooled/{mode}"]["parts"].items():
            alone = results[f"{name}/{mode}"]
            lines.append(f"| {name} | {mode} | {part['pairwise']['f1']:.3f} | {alone['pairwise']['f1']:.3f} | "
                         f"{part['bcubed']['f1']:.3f} | {alone['bcubed']['f1']:.3f} |")
    s = results["semeval"]
    lines += ["", "SemEval 2022 task 8 pairs (`storyline eval-pairs`; Overall 1 = same story, so the "
              "correlation of a same-story score is negative; target |Pearson| >= 0.80 on original-language pairs). "
              "The score is the graded pair similarity (`storyline compare`), fitted on these same-language "
              "pairs: the figure to expect on unseen pairs is the out-of-fold one in "
              "[similarity.md](../stories/similarity.md).", "",
              f"- same-language pairs: {s['same_language']}", f"- all pairs: {s['all']}",
              f"- the clustering's pair probability, same-language pairs: {s['pair_model']['same_language']}; "
              f"all pairs: {s['pair_model']['all']}", ""]
    return "\n".join(lines)


def _row(name: str, mode: str, r: dict, speed, target: str) -> str:
    p, b = r["pairwise"], r["bcubed"]
    return (f"| {name} | {mode} | {r['docs']} | {r['gold_clusters']} | {r['pred_clusters']} | "
            f"{p['precision']:.3f} | {p['recall']:.3f} | {p['f1']:.3f} | {b['f1']:.3f} | "
            f"{r['adjusted_rand']:.3f} | {speed} | {target} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--pin", action="store_true")
    args = parser.parse_args()
    results = run()
    text = markdown(results)
    print(text)
    if args.write:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        current = RESULTS.read_text(encoding="utf-8") if RESULTS.is_file() else ""
        kept = current[current.index(SCALE_SECTION):] if SCALE_SECTION in current else ""
        RESULTS.write_text(text + ("\n" + kept if kept else ""), encoding="utf-8")
    if args.pin:
        baseline = json.loads(BASELINE.read_text(encoding="utf-8"))
        baseline["stories"] = {key: {"pairwise_f1": r["pairwise"]["f1"], "bcubed_f1": r["bcubed"]["f1"]}
                               for key, r in results.items()
                               if key != "semeval" and not key.startswith("pooled")}
        BASELINE.write_text(json.dumps(baseline, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
