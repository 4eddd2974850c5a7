"""Time to build a story card, and to update it when one article joins.

    python benchmarks/cards/card_speed.py [--articles 20] [--write]

Builds one story of N real articles (the first N of one gold story in
../shared/data/gva, topped up from its neighbours: what matters here is text length and
entity density, not that they tell one event), then times, in a fresh SQLite file:
  1. the first card (every article analysed: entities, dates, sentences, claims);
  2. a rebuild with every analysis cached (what a refresh costs);
  3. the update when one more article joins (one new analysis + the rebuild);
  4. reading the stored card (one row).
With --write the table goes to benchmarks/results/cards.md with the command and date.
"""

from __future__ import annotations

import argparse
import datetime
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from storyline import Engine
from storyline.cardbuilder import card_articles
from storyline.store import StoryRow
from storyline.types import RawDocument

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "gva" / "docs.jsonl"
RESULTS = Path(__file__).resolve().parents[1] / "results" / "cards.md"


def documents(count: int) -> list[RawDocument]:
    rows = [json.loads(line) for line in DATA.open(encoding="utf-8")][: count + 1]
    return [RawDocument(origin=f"gva:{r['doc_id']}", body=r["text"],
                        hints={"title": r.get("title") or "", "date": "2016-03-01",
                               "outlet": r.get("source") or "", "lang": "en"}) for r in rows]


def timed(function, repeat: int = 1) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def run(count: int) -> dict[str, float]:
    docs = documents(count)
    with tempfile.TemporaryDirectory() as folder, Engine(db=str(Path(folder) / "b.db"),
                                                         cluster=False, cards=False) as engine:
        engine.ingest_documents(docs[:count])
        ids = [a.article_id for a in engine.articles(limit=count + 1)]
        # one story of every article, through the store's own story API
        engine.store.save_story_updates([StoryRow("sbench", len(ids), None, None, b"")],
                                        [(i, "sbench", 1.0) for i in ids], [])
        # load the entity model outside the timings, then forget what it analysed
        engine.card_builder.analyses(card_articles(engine.story("sbench"), [engine.article(ids[0])]))
        engine.store.conn.execute("DELETE FROM article_analyses")
        first = timed(lambda: engine.card_builder.build(engine.story("sbench")))
        cached = timed(lambda: engine.card_builder.build(engine.story("sbench")), repeat=5)
        engine.ingest_documents(docs[count:])
        new_id = next(a.article_id for a in engine.articles(limit=count + 2) if a.article_id not in ids)
        engine.store.save_story_updates([StoryRow("sbench", len(ids) + 1, None, None, b"")],
                                        [(new_id, "sbench", 1.0)], [])
        update = timed(lambda: engine.card_builder.build(engine.story("sbench")))
        read = timed(lambda: engine.card_builder.read("sbench"), repeat=50)
    return {"articles": count, "first build (s)": first, "rebuild, analyses cached (s)": cached,
            "update, one article joins (s)": update, "read stored card (ms)": read * 1000}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    if not DATA.is_file():
        print(f"evaluation data not found at {DATA}", file=sys.stderr)
        return 2
    result = run(args.articles)
    table = "\n".join(["| measure | value |", "|---|---:|"] + [
        f"| {k} | {v:.3f} |" if isinstance(v, float) else f"| {k} | {v} |" for k, v in result.items()])
    print(table)
    if args.write:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(
            f"# Story card speed\n\nCommand: `python benchmarks/cards/card_speed.py --articles "
            f"{args.articles} --write`, run {datetime.date.today().isoformat()} on the shared "
            f"2-core machine (other jobs running), one process, SQLite file.\n\n{table}\n\n"
            "Articles: the first GVA crawled pages (English, spaCy entity model). Summary and "
            "claims sections are timed only once the claims stages are installed.\n",
            encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
