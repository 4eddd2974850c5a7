"""Precision and recall of entities and dates against hand labels, per language.

    python benchmarks/cards/enrich_quality.py [--write]

Labels: ``benchmarks/cards/enrich_labels.json`` (ids and offsets only; the texts are read
from ../shared/data at run time; see LABELLING.md). For each labelled article the first
``window`` characters are analysed with ``extract_entities`` and ``resolve_dates`` (dates
against the labelled anchor) and compared with the labels:

- entities: a found mention is right when its span and kind equal a label's; "span"
  ignores the kind; "key" is the share of right mentions whose merge key equals the
  label's merged key (the key across languages: "Estados Unidos" is "united states");
- dates: a found date is right when it overlaps a labelled one and resolves to the same
  first and last day (an article such as "el" inside the span or not does not matter).
With --write the table goes to its section of benchmarks/results/cards.md.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
from collections import defaultdict
from pathlib import Path

from storyline.enrich.entities import extract_entities
from storyline.enrich.temporal import resolve_dates

HERE = Path(__file__).resolve().parent
LABELS = HERE / "enrich_labels.json"
DATA = HERE.parents[2] / "shared" / "data"


def texts(docs: list[dict]) -> dict[str, str]:
    wanted = defaultdict(set)
    for doc in docs:
        wanted[doc["dataset"]].add(doc["doc_id"])
    found = {}
    for dataset, ids in wanted.items():
        with (DATA / dataset / "docs.jsonl").open(encoding="utf-8") as lines:
            for line in lines:
                row = json.loads(line)
                if row["doc_id"] in ids:
                    found[row["doc_id"]] = row["text"]
    return found


def score(labels: dict) -> dict[str, dict[str, float]]:
    window, counts = labels["window"], defaultdict(lambda: defaultdict(int))
    text_of = texts(labels["docs"])
    for doc in labels["docs"]:
        text = text_of[doc["doc_id"]][:window]
        for language in (doc["language"], "all"):
            _count_entities(counts[language], doc, extract_entities(text, doc["language"]))
            anchor = datetime.date.fromisoformat(doc["anchor"])
            _count_dates(counts[language], doc, resolve_dates(text, doc["language"], anchor))
            counts[language]["articles"] += 1
    return {language: _rates(c) for language, c in counts.items()}


def _count_entities(counts, doc: dict, found) -> None:
    gold = {(s, e): (kind, key) for s, e, kind, key in doc["entities"]}
    counts["entities gold"] += len(gold)
    counts["entities found"] += len(found)
    for mention in found:
        label = gold.get((mention.start, mention.end))
        if label:
            counts["span right"] += 1
            if label[0] == mention.kind:
                counts["entity right"] += 1
                counts["key right"] += label[1] == mention.key


def _count_dates(counts, doc: dict, found) -> None:
    gold = [(s, e, first, last) for s, e, first, last in doc["dates"]]
    counts["dates gold"] += len(gold)
    counts["dates found"] += len(found)
    for mention in found:
        counts["date right"] += any(
            mention.start < e and s < mention.end and (first, last) ==
            (mention.first.isoformat(), mention.last.isoformat()) for s, e, first, last in gold)


def _rates(c) -> dict[str, float]:
    def ratio(a, b):
        return c[a] / c[b] if c[b] else float("nan")

    return {"articles": c["articles"], "entities": c["entities gold"],
            "entity P": ratio("entity right", "entities found"),
            "entity R": ratio("entity right", "entities gold"),
            "span P": ratio("span right", "entities found"), "span R": ratio("span right", "entities gold"),
            "key ok": ratio("key right", "entity right"), "dates": c["dates gold"],
            "date P": ratio("date right", "dates found"), "date R": ratio("date right", "dates gold")}


def table(rates: dict[str, dict[str, float]]) -> str:
    columns = list(next(iter(rates.values())))
    rows = ["| language | " + " | ".join(columns) + " |", "|---|" + "---:|" * len(columns)]
    for language in sorted(rates, key=lambda l: (l == "all", l)):
        cells = [f"{v:.2f}" if isinstance(v, float) else str(v) for v in rates[language].values()]
        rows.append(f"| {language} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    if not DATA.is_dir():
        print(f"evaluation data not found at {DATA}", file=sys.stderr)
        return 2
    result = table(score(json.loads(LABELS.read_text(encoding="utf-8"))))
    print(result)
    if args.write:
        sys.path.insert(0, str(HERE))
        from results_file import CARDS, write_section

        write_section("enrich-quality", (
            f"## Entities and dates against hand labels\n\nCommand: `python "
            f"benchmarks/cards/enrich_quality.py --write`, run {datetime.date.today().isoformat()}. "
            "28 articles (first 400 characters each): 6 MEANTIME stories in en/es/it/nl and 4 "
            "GVA pages (en); labels in `benchmarks/cards/enrich_labels.json`, guidelines in "
            "`benchmarks/cards/LABELLING.md`. The labels were made by correcting the system's "
            "output on these windows, so a borderline case may lean towards it. **Not blind:** "
            "the third cards round (context cues for kinds, gazetteer keys, Italian and Dutch "
            "date words, role nouns and prepositions, German rule fixes) was written after "
            "seeing these labels' earlier scores (en 0.77/0.79, es 0.87/0.87, it 0.16/0.13, "
            "nl 0.21/0.18 entity P/R; dates it 0.11, nl 0.20 R), though no rule was written "
            "from a labelled article's text.\n\n"
            f"{result}\n\n"
            "English and Spanish use spaCy models; Italian and Dutch use the rules (capitalised "
            "runs, roles, place prepositions and nouns, verbs of saying) with their own role "
            "nouns and date words; no Italian or Dutch model runs offline. Spanish entity "
            "precision fell from 0.87 to 0.81: context cues relabel some model kinds wrongly.\n"), CARDS)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
