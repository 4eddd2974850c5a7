"""Precision against recall as the story threshold moves, on every gold set, written with the date.

Usage:
    python benchmarks/stories/threshold_sweep.py [--write] [--sets gva,...] [--offsets -1,0,1]

Runs `storyline eval` (batch and online) with the setting `story_threshold_offset` at each
offset: a positive offset asks the pair model for more evidence before two articles or two
stories join (fewer false merges, more splits), a negative one for less. The table says
which way to move for a monitoring job that cannot afford a wrong merge, and whether a
set's target is a matter of where the threshold sits or of what the signals can tell apart:
when the best BCubed F1 over the offsets is the one at 0, moving the threshold only trades
precision for recall. With --write it goes to benchmarks/results/threshold_sweep.md.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from storyline.evaluation import evaluate_clustering

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data"
RESULTS = ROOT / "benchmarks" / "results" / "threshold_sweep.md"
SETS = ("ecbplus", "meantime", "gva")
OFFSETS = (-1.0, -0.5, 0.0, 0.5, 1.0)


def run(sets: list[str], offsets: list[float]) -> list[dict]:
    rows = []
    for name in sets:
        for mode in ("batch", "online"):
            for offset in offsets:
                result = evaluate_clustering(str(DATA / name / "docs.jsonl"), mode,
                                             story_threshold_offset=offset)
                rows.append({"set": name, "mode": mode, "offset": offset, **result})
                print(name, mode, offset, round(result["pairwise"]["f1"], 4),
                      round(result["bcubed"]["f1"], 4), flush=True)
    return rows


def markdown(rows: list[dict], command: str) -> str:
    lines = [f"# Story threshold sweep ({date.today().isoformat()})", "",
             f"Command: `{command}` (each row is `storyline eval FILE --mode MODE` with "
             "`STORYLINE_STORY_THRESHOLD_OFFSET` at the offset, in log-odds; 0 is the fitted "
             "threshold, the one every other benchmark uses). The pair model and its threshold "
             "were fitted on these same sets (the threshold is where a pair becomes more "
             "likely the same story than not, not where any F1 peaks), so every row is "
             "optimistic for unseen articles; what the rows show is what moving it buys.", "",
             "| set | mode | offset | stories (gold) | pairwise P | R | F1 | BCubed P | R | F1 |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for row in rows:
        pair, bcubed = row["pairwise"], row["bcubed"]
        lines.append(f"| {row['set']} | {row['mode']} | {row['offset']:+.1f} | "
                     f"{row['pred_clusters']} ({row['gold_clusters']}) | "
                     f"{pair['precision']:.3f} | {pair['recall']:.3f} | {pair['f1']:.3f} | "
                     f"{bcubed['precision']:.3f} | {bcubed['recall']:.3f} | {bcubed['f1']:.3f} |")
    lines += ["", "Best BCubed F1 over the offsets:", ""]
    for key in dict.fromkeys((row["set"], row["mode"]) for row in rows):
        best = max((row for row in rows if (row["set"], row["mode"]) == key),
                   key=lambda row: row["bcubed"]["f1"])
        lines.append(f"- {key[0]} {key[1]}: {best['bcubed']['f1']:.3f} at {best['offset']:+.1f}")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help=f"write {RESULTS.relative_to(ROOT)}")
    parser.add_argument("--sets", default=",".join(SETS), help="comma-separated gold sets")
    parser.add_argument("--offsets", default=",".join(str(o) for o in OFFSETS),
                        help="comma-separated threshold offsets (log-odds)")
    args = parser.parse_args()
    sets = [s for s in args.sets.split(",") if s]
    unknown = [s for s in sets if not (DATA / s / "docs.jsonl").is_file()]
    if unknown:
        parser.error(f"no docs.jsonl for {', '.join(unknown)} under {DATA}")
    try:
        offsets = sorted(float(o) for o in args.offsets.split(","))
    except ValueError:
        parser.error(f"--offsets takes numbers separated by commas, got {args.offsets!r}")
    command = "python benchmarks/stories/threshold_sweep.py" + (
        f" --sets {args.sets}" if args.sets != parser.get_default("sets") else "") + (
        f" --offsets {args.offsets}" if args.offsets != parser.get_default("offsets") else "")
    table = markdown(run(sets, offsets), command + " --write")
    print(table)
    if args.write:
        RESULTS.write_text(table, encoding="utf-8")


if __name__ == "__main__":
    main()
