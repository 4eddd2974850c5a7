"""Precision of claim alignment and of disagreement detection on labelled real stories.

Usage:
    python benchmarks/cards/claims_score.py [--write]

Rebuilds the claim reports of the 34 benchmark stories (``claims_stories.py``), takes the
same items ``claims_label.py`` dumps, and scores them against the labeller's verdicts in
``claims_labels.jsonl`` (guideline: LABELLING_CLAIMS.md):

* alignment precision: aligned pairs labelled ``same`` (strict), or ``same`` or
  ``partial`` (lenient), over the labelled pairs;
* disagreement precision: reported disagreements labelled ``true`` (strict), or ``true`` or
  ``partial`` (lenient), over the labelled ones.

Items the code now reports that carry no label yet are counted apart and listed, so that
a changed rule cannot hide behind old labels; label them (``claims_label.py --show``) and
score again. ``--write`` puts the table in benchmarks/results/summary_claims.md.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from claims_stories import DATA, chosen_stories, claim_report, items, read_labels  # noqa: E402
from results_file import SUMMARY_CLAIMS, write_section  # noqa: E402

from storyline.embed.dense import UniversalSentenceEncoder  # noqa: E402

STRICT = {"pair": {"same"}, "disagreement": {"true"}}
LENIENT = {"pair": {"same", "partial"}, "disagreement": {"true", "partial"}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    if not DATA.is_dir():
        sys.exit(f"evaluation data not found at {DATA}: put the shared data folder beside "
                 f"the repository")
    started = time.perf_counter()
    encoder = UniversalSentenceEncoder(threads=1)
    labels = read_labels()
    stories = chosen_stories()
    found = [item for story, articles in stories
             for item in items(story, claim_report(articles, encoder))]
    table = score(found, labels)
    elapsed = time.perf_counter() - started
    print(table)
    for item in found:
        if item["key"] not in labels:
            print("unlabelled:", item["key"])
    if args.write:
        section = _section(table, len(stories), elapsed)
        print(f"written to {write_section('claims-precision', section, SUMMARY_CLAIMS)}")


def score(found: list[dict], labels: dict) -> str:
    rows = ["| items | reported | labelled | strict precision | lenient precision |",
            "|---|---:|---:|---:|---:|"]
    for kind, name in (("pair", "aligned pairs"), ("disagreement", "disagreements")):
        mine = [i for i in found if i["kind"] == kind]
        labelled = [labels[i["key"]]["label"] for i in mine if i["key"] in labels]
        strict = sum(label in STRICT[kind] for label in labelled)
        lenient = sum(label in LENIENT[kind] for label in labelled)
        rows.append(f"| {name} | {len(mine)} | {len(labelled)} | {_share(strict, labelled)} "
                    f"| {_share(lenient, labelled)} |")
    counts = Counter((labels[i["key"]]["kind"], labels[i["key"]]["label"])
                     for i in found if i["key"] in labels)
    fragments = sum(1 for i in found if i["key"] in labels and labels[i["key"]]["fragment"]
                    and i["kind"] == "pair")
    rows.append("")
    rows.append("Labels of the reported items: " + ", ".join(
        f"{kind} {label} {n}" for (kind, label), n in sorted(counts.items())) +
        f"; aligned pairs with a fragment on one side: {fragments}.")
    return "\n".join(rows)


def _share(hits: int, labelled: list) -> str:
    return f"{hits / len(labelled):.2f} ({hits}/{len(labelled)})" if labelled else "n/a"


def _section(table: str, stories: int, elapsed: float) -> str:
    return (f"## Claim alignment and disagreement precision on labelled real stories "
            f"({date.today().isoformat()})\n\n"
            f"Command: `python benchmarks/cards/claims_score.py --write`\n\n"
            f"{stories} stories from ../shared/data (16 gva, 10 ecbplus, 8 meantime; chosen by "
            f"fixed rules, see `benchmarks/cards/claims_stories.py`), at most 3 aligned pairs "
            f"a story and every disagreement, labelled by hand "
            f"(`benchmarks/cards/claims_labels.jsonl`, guideline "
            f"`benchmarks/cards/LABELLING_CLAIMS.md`). {elapsed:.0f} s.\n\n{table}\n\n{NOTES}\n")


NOTES = """\
Read with care. The rules were fixed after round 1 on these very stories (see the next
section), and the items only the fixed code reports were labelled afterwards (round 2), so
this is not an independent test. On these real stories, almost all outlets agree: the
disagreement figure rests on the one or two slots reported, and recall (disagreements
present but not reported) was not measured; the partly true one of round 1 (Saturday
against Sunday in gva/223936) is no longer reported. The planted disagreements of the demo
corpus and of the fixture stories are all found (tests/test_claims.py)."""


if __name__ == "__main__":
    main()
