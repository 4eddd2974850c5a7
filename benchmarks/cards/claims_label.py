"""Dump what the claims benchmark needs labelled, and show it to the labeller.

Usage:
    python benchmarks/cards/claims_label.py            # write benchmarks/cards/claims_items.jsonl
    python benchmarks/cards/claims_label.py --show     # also print each unlabelled item's clauses

Builds the claim report of every benchmark story (``claims_stories.py``: 34 stories from
../shared/data) with the real encoder, and writes one line per item to label: an aligned
pair of clauses, or a disagreement with its sides, each clause named by document id, field
and character offsets only (never the text). ``--show`` prints the clauses, read from
../shared at run time, for the items that ``claims_labels.jsonl`` has no label for yet.
The guideline is LABELLING_CLAIMS.md.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from claims_stories import DATA, chosen_stories, claim_report, items, read_labels, \
    sentence_of  # noqa: E402

from storyline.embed.dense import UniversalSentenceEncoder  # noqa: E402

ITEMS = Path(__file__).resolve().parent / "claims_items.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--show", action="store_true", help="print unlabelled items' clauses")
    args = parser.parse_args()
    if not DATA.is_dir():
        sys.exit(f"evaluation data not found at {DATA}: put the shared data folder beside "
                 f"the repository")
    encoder = UniversalSentenceEncoder(threads=1)
    labels = read_labels()
    found = []
    for story, articles in chosen_stories():
        report = claim_report(articles, encoder)
        by_id = {a.article_id: a for a in articles}
        for item in items(story, report):
            found.append(item)
            if args.show and item["key"] not in labels:
                _show(item, by_id)
    ITEMS.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in found),
                     encoding="utf-8")
    unlabelled = sum(1 for i in found if i["key"] not in labels)
    print(f"{len(found)} items ({unlabelled} without a label) written to {ITEMS}")


def _show(item: dict, articles) -> None:
    print(f"\n== {item['key']}\n   {item['story']}  {item['kind']}  {item.get('aspect', '')}"
          f"  {item['why']}")
    if item["kind"] == "pair":
        for side in ("a", "b"):
            print(f"   {side}: {sentence_of(articles, item[side])}")
        return
    for value, side in zip(item["values"], item["sides"]):
        print(f"   [{value}]")
        for reference in side[:3]:
            print(f"      {sentence_of(articles, reference)}")


if __name__ == "__main__":
    main()
