"""Paragraph precision and recall of the cleaner on the hand-labelled GVA sample.

Usage:
    python benchmarks/cleaning/score.py [--docs ../shared/data/gva/docs.jsonl] [--json]
                                        [--errors dev|test|all] [--write]

All 3,160 GVA pages are ingested into a temporary store first, as a user ingesting the
folder would, so that outlet boilerplate is learned from the whole crawl; then the kept
paragraphs of the 150 labelled pages are compared with the labels (LABELLING.md).
Precision = kept paragraphs that are article / kept paragraphs; recall = article
paragraphs kept / article paragraphs. Rules may be tuned on `dev`; `test` is held out.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE.parent / "results" / "cleaning.md"
sys.path.insert(0, str(HERE))
from sample import DEFAULT_DOCS, load_docs, paragraphs_of  # noqa: E402

from storyline import Engine, RawDocument  # noqa: E402
from storyline.extract.paragraphs import split_paragraphs  # noqa: E402


def gva_documents(docs: dict[str, dict]):
    for doc_id, rec in docs.items():
        hints = {k: rec.get(k) for k in ("title", "url", "date") if rec.get(k)}
        yield RawDocument(origin=f"gva:{doc_id}", body=rec.get("text") or "", hints=hints)


def kept_lines(article, text: str) -> list[bool]:
    """Which lines of the original text the cleaner kept (partly trimmed lines count as kept)."""
    if article is None:
        return [False] * len(paragraphs_of(text))
    removed = {(r.start, r.end) for r in article.removals}
    return [(s.start, s.end) not in removed for s in split_paragraphs(article.extracted)]


def score(docs_path: Path, labels_path: Path) -> dict:
    docs = load_docs(docs_path)
    labels = [json.loads(line) for line in labels_path.open(encoding="utf-8")]
    with tempfile.TemporaryDirectory() as tmp, Engine(db=str(Path(tmp) / "gva.db"), cluster=False) as engine:
        started = time.perf_counter()
        engine.ingest_documents(gva_documents(docs), sources=[str(docs_path)])
        seconds = time.perf_counter() - started
        counts = {s: Counter() for s in ("dev", "test", "all")}
        errors = []
        for entry in labels:
            rec = docs[entry["doc_id"]]
            body = rec.get("text") or ""
            article_id = RawDocument(origin="", body=body, hints={
                k: rec.get(k) for k in ("title", "url", "date") if rec.get(k)}).content_hash
            article = engine.store.article(article_id)
            kept = kept_lines(article, body)
            for para, keep in zip(entry["paragraphs"], kept):
                gold = para["label"] == "article"
                cell = {(True, True): "tp", (True, False): "fn", (False, True): "fp",
                        (False, False): "tn"}[(gold, keep)]
                for split in (entry["split"], "all"):
                    counts[split][cell] += 1
                    if cell == "fp":
                        counts[split]["fp:" + para.get("why", "?")] += 1
                if cell in ("fp", "fn"):
                    errors.append((entry["split"], entry["doc_id"], para["i"], cell,
                                   para.get("why"), _reason(article, body, para["i"])))
    return {"seconds_ingest_all": round(seconds, 1), "documents": len(docs),
            "splits": {s: _metrics(c) for s, c in counts.items()}, "errors": errors}


def _reason(article, text: str, index: int) -> str | None:
    if article is None:
        return "rejected"
    span = split_paragraphs(article.extracted)[index]
    for r in article.removals:
        if (r.start, r.end) == (span.start, span.end):
            return r.reason
    return None


def _metrics(c: Counter) -> dict:
    tp, fp, fn = c["tp"], c["fp"], c["fn"]
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    kept_other = {k[3:]: v for k, v in sorted(c.items()) if k.startswith("fp:")}
    return {"precision": round(precision, 4), "recall": round(recall, 4),
            "f1": round(2 * precision * recall / (precision + recall), 4) if tp else 0.0,
            "paragraphs": tp + fp + fn + c["tn"], "kept_but_not_article_by_why": kept_other}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=Path, default=DEFAULT_DOCS)
    parser.add_argument("--labels", type=Path, default=HERE / "gva_labels.jsonl")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--errors", choices=["dev", "test", "all"], help="List misjudged paragraphs.")
    parser.add_argument("--write", action="store_true", help=f"Write the figures to {RESULTS}.")
    args = parser.parse_args()
    if not args.docs.is_file():
        sys.exit(f"no data at {args.docs}: put ../shared/data beside the repository")
    result = score(args.docs, args.labels)
    if args.errors:
        docs = load_docs(args.docs)
        for split, doc_id, i, cell, why, reason in result["errors"]:
            if args.errors in (split, "all"):
                para = paragraphs_of(docs[doc_id]["text"])[i]
                print(f"{split} {cell} {doc_id[:8]}#{i} why={why} removed_as={reason}: {para[:110]!r}")
    errors = result.pop("errors")
    result["misjudged_paragraphs"] = len(errors)
    print(json.dumps(result, indent=2) if args.json else _table(result))
    if args.write:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(_markdown(result), encoding="utf-8")


def _table(result: dict) -> str:
    lines = [f"ingested {result['documents']} GVA pages in {result['seconds_ingest_all']} s",
             f"{'split':<6} {'precision':>9} {'recall':>7} {'f1':>6} {'paragraphs':>10}"]
    for split, m in result["splits"].items():
        lines.append(f"{split:<6} {m['precision']:>9.4f} {m['recall']:>7.4f} {m['f1']:>6.4f} "
                     f"{m['paragraphs']:>10}")
    return "\n".join(lines)


def _markdown(result: dict) -> str:
    from datetime import date

    lines = [f"# Cleaning quality on labelled GVA pages ({date.today().isoformat()})", "",
             "Command: `python benchmarks/cleaning/score.py --write`", "",
             "All 3,160 GVA pages are ingested (so outlet boilerplate is learned from the whole "
             "crawl); the kept paragraphs of the 150 hand-labelled pages are then compared with "
             "the labels (`benchmarks/cleaning/gva_labels.jsonl`, guidelines in LABELLING.md).", "",
             "| split | paragraphs | precision | recall | F1 | kept but not article, by label |",
             "|---|---:|---:|---:|---:|---|"]
    for split, m in result["splits"].items():
        missed = ", ".join(f"{k} {v}" for k, v in m["kept_but_not_article_by_why"].items()) or "-"
        lines.append(f"| {split} | {m['paragraphs']} | {m['precision']:.3f} | {m['recall']:.3f} | "
                     f"{m['f1']:.3f} | {missed} |")
    lines += ["", "How honest these figures are: the rules were written from the errors on the "
              "`dev` half and from the labeller's notes on page patterns, which describe all 150 "
              "pages (both halves); no rule was written from a `test` error, but the `test` half "
              "is not fully blind. The sign-in widget and video playlist rules (2026-11-24) were "
              "written from gva pages met while studying wrong story merges, among all 3,160 "
              "pages, so possibly from `test` pages too; they took `test` precision from 0.920 "
              "to 0.928 (`unrelated` kept 11 -> 5). Precision counts a page that is not an "
              "article at all (error pages, widgets: label `unrelated`) as kept non-article "
              "paragraphs unless the cleaner rejects the page.", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
