"""Verify the cleaning gold labels against the GVA data and print their counts.

Usage: python benchmarks/cleaning/check_labels.py [path/to/docs.jsonl] [path/to/gva_labels.jsonl]

Checks that the label file covers exactly the reproducible 150-document sample
(see sample.py) with the right dev/test split, that every paragraph of every
document is labelled once, in order, and that each stored sha1 prefix matches
the paragraph at that index. Exits 1 on any error, 2 when the data is absent.
"""
from __future__ import annotations

import hashlib
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sample import (DEFAULT_DOCS, SAMPLE_SIZE, load_docs,  # noqa: E402
                    paragraphs_of, sample_ids, split_of)

DEFAULT_LABELS = Path(__file__).resolve().parent / "gva_labels.jsonl"
LABELS = {"article", "other"}
WHYS = {"teaser", "nav", "social", "copyright", "byline", "timestamp", "caption",
        "credit", "ad", "prompt", "comments", "bio", "repeat", "unrelated", "misc"}
SHA_LEN = 10


def sha1_prefix(paragraph: str) -> str:
    """First hex digits of the sha1 of the stripped paragraph, as stored in the labels."""
    return hashlib.sha1(paragraph.encode("utf-8")).hexdigest()[:SHA_LEN]


def load_labels(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def row_errors(where: str, row: dict, index: int, paragraph: str) -> list[str]:
    """Problems with one paragraph's label row."""
    errors = []
    if set(row) - {"i", "sha1", "label", "why"}:
        errors.append(f"{where}: unexpected keys {sorted(set(row) - {'i', 'sha1', 'label', 'why'})}")
    if row.get("i") != index:
        errors.append(f"{where}: index {row.get('i')!r}, expected {index}")
    if row.get("sha1") != sha1_prefix(paragraph):
        errors.append(f"{where}: sha1 {row.get('sha1')!r} does not match the paragraph text")
    label, why = row.get("label"), row.get("why")
    if label not in LABELS:
        errors.append(f"{where}: label {label!r} is not one of {sorted(LABELS)}")
    if label == "other" and why not in WHYS:
        errors.append(f"{where}: 'other' needs a why from {sorted(WHYS)}, got {why!r}")
    if label == "article" and why is not None:
        errors.append(f"{where}: 'article' must not carry a why ({why!r})")
    return errors


def consistency_errors(doc_id: str, rows: list[dict], paragraphs: list[str]) -> list[str]:
    """Rules that span a document: repeats are other; unrelated pages have no article."""
    errors, seen = [], set()
    for row, paragraph in zip(rows, paragraphs):
        if paragraph in seen and row.get("label") != "other":
            errors.append(f"{doc_id}[{row.get('i')}]: exact repeat of an earlier paragraph labelled article")
        seen.add(paragraph)
    whys = {row.get("why") for row in rows}
    if "unrelated" in whys and any(row.get("label") == "article" for row in rows):
        errors.append(f"{doc_id}: 'unrelated' used on a page that also has article paragraphs")
    return errors


def check(docs: dict[str, dict], labels: list[dict]) -> list[str]:
    """Every error found; an empty list means the label file is valid."""
    expected = sample_ids(docs)
    got = [rec.get("doc_id") for rec in labels]
    if got != expected:
        return [f"label file holds {len(got)} docs; expected the {SAMPLE_SIZE} sampled ids in "
                f"sample order (first mismatch at position "
                f"{next((n for n, (a, b) in enumerate(zip(got, expected)) if a != b), min(len(got), len(expected)))})"]
    errors = []
    for position, rec in enumerate(labels):
        doc_id = rec["doc_id"]
        if rec.get("split") != split_of(position):
            errors.append(f"{doc_id}: split {rec.get('split')!r}, expected {split_of(position)!r}")
        paragraphs = paragraphs_of(docs[doc_id]["text"])
        rows = rec.get("paragraphs") or []
        if len(rows) != len(paragraphs):
            errors.append(f"{doc_id}: {len(rows)} labels for {len(paragraphs)} paragraphs")
            continue
        for index, (row, paragraph) in enumerate(zip(rows, paragraphs)):
            errors.extend(row_errors(f"{doc_id}[{index}]", row, index, paragraph))
        errors.extend(consistency_errors(doc_id, rows, paragraphs))
    return errors


def print_counts(labels: list[dict]) -> None:
    """Documents, paragraphs, article/other and why-counts per split and overall."""
    for split in ("dev", "test", "all"):
        recs = [rec for rec in labels if split in ("all", rec["split"])]
        rows = [row for rec in recs for row in rec["paragraphs"]]
        by_label = Counter(row["label"] for row in rows)
        by_why = Counter(row["why"] for row in rows if row["label"] == "other")
        no_article = sum(all(row["label"] == "other" for row in rec["paragraphs"]) for rec in recs)
        print(f"[{split}] documents={len(recs)} paragraphs={len(rows)} "
              f"article={by_label['article']} other={by_label['other']} "
              f"docs_without_article={no_article}")
        print("    why: " + ", ".join(f"{why}={n}" for why, n in by_why.most_common()))


def main(argv: list[str]) -> int:
    docs_path = Path(argv[1]) if len(argv) > 1 else DEFAULT_DOCS
    labels_path = Path(argv[2]) if len(argv) > 2 else DEFAULT_LABELS
    if not docs_path.exists():
        print(f"data not found at {docs_path}: pass the path to gva/docs.jsonl as the first argument")
        return 2
    labels = load_labels(labels_path)
    errors = check(load_docs(docs_path), labels)
    for error in errors:
        print("ERROR", error)
    if errors:
        print(f"{len(errors)} error(s) in {labels_path}")
        return 1
    print(f"OK: {labels_path.name} matches {docs_path}")
    print_counts(labels)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
