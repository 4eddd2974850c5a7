"""How much online clustering depends on the batches articles arrive in, written with the date.

Usage:
    python benchmarks/stories/online_batches.py [--write]

Online mode assigns each article using only what came before, and "what came before" has
two parts that a batch's size changes: the document frequencies its TF-IDF and rare-name
weights use (counted per batch of ``batch_size`` documents, weighed again as the corpus
doubles), and which stories a regrouping sees. So the same articles in the same order give
slightly different stories with other batch sizes. This runs `storyline eval --mode online`
on each gold set, and on the three pooled into one stream (each set scored inside it),
with the ``batch_size`` setting at 64, 256 (the default, what every other benchmark uses)
and 1,024, and writes benchmarks/results/online_batches.md with --write. The spread is the
noise any one online figure carries: a difference between two online runs smaller than it
says nothing about either.
"""

from __future__ import annotations

import argparse
import tempfile
from datetime import date
from pathlib import Path

from run_eval import ROOT, SETS, streams

from storyline.evaluation import evaluate_clustering

RESULTS = ROOT / "benchmarks" / "results" / "online_batches.md"
SIZES = (64, 256, 1024)


def run() -> dict[tuple[str, int], dict]:
    found = {}
    with tempfile.TemporaryDirectory() as folder:
        for name, (path, parts) in streams(Path(folder)).items():
            for size in SIZES:
                result = evaluate_clustering(str(path), "online", parts=parts, batch_size=size)
                found[name, size] = result
                print(f"{name} batch_size={size}: pairwise F1 {result['pairwise']['f1']:.4f}, "
                      f"BCubed F1 {result['bcubed']['f1']:.4f}", flush=True)
    return found


def markdown(found: dict[tuple[str, int], dict]) -> str:
    lines = [f"# Online clustering and the size of its batches ({date.today().isoformat()})", "",
             "Command: `python benchmarks/stories/online_batches.py --write` (each cell is "
             "`storyline eval FILE --mode online` with `STORYLINE_BATCH_SIZE` at the column's "
             "size; 256 is the default and what every other benchmark uses). Pairwise F1 / "
             "BCubed F1; the pooled rows are each set scored inside the pooled stream.", "",
             "| set | " + " | ".join(f"batch {size}" for size in SIZES) + " | spread (pairwise) |",
             "|---|" + "---:|" * (len(SIZES) + 1)]
    rows = [(name, {size: found[name, size] for size in SIZES}) for name in SETS]
    rows += [(f"{part} (pooled)", {size: found["pooled", size]["parts"][part] for size in SIZES})
             for part in SETS]
    for label, by_size in rows:
        f1 = [by_size[size]["pairwise"]["f1"] for size in SIZES]
        cells = [f"{by_size[size]['pairwise']['f1']:.3f} / {by_size[size]['bcubed']['f1']:.3f}" for size in SIZES]
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {max(f1) - min(f1):.3f} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    text = markdown(run())
    print(text)
    if args.write:
        RESULTS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
