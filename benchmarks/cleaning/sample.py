"""Reproducibly draw the 150-document cleaning gold sample from the GVA corpus.

Usage: python benchmarks/cleaning/sample.py [path/to/docs.jsonl]
Prints one doc_id per line; the first 75 are the `dev` split, the last 75 `test`.
"""
from __future__ import annotations

import json
import random
import sys
from pathlib import Path

SEED = 20261122
SAMPLE_SIZE = 150
DEV_SIZE = 75
MIN_TEXT_CHARS = 50
DEFAULT_DOCS = Path(__file__).resolve().parents[3] / "shared" / "data" / "gva" / "docs.jsonl"


def load_docs(path: Path) -> dict[str, dict]:
    """Map doc_id -> record for every line of the jsonl file."""
    docs: dict[str, dict] = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                record = json.loads(line)
                docs[record["doc_id"]] = record
    return docs


def sample_ids(docs: dict[str, dict]) -> list[str]:
    """The gold sample: seeded draw over sorted ids of docs with enough text."""
    eligible = sorted(doc_id for doc_id, rec in docs.items()
                      if len(rec.get("text") or "") >= MIN_TEXT_CHARS)
    return random.Random(SEED).sample(eligible, SAMPLE_SIZE)


def split_of(position: int) -> str:
    """First DEV_SIZE sampled ids are dev, the rest test."""
    return "dev" if position < DEV_SIZE else "test"


def paragraphs_of(text: str) -> list[str]:
    """The paragraph unit the labels and the scorer use."""
    return [line.strip() for line in text.split("\n") if line.strip()]


if __name__ == "__main__":
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DOCS
    for doc_id in sample_ids(load_docs(path)):
        print(doc_id)
