"""Where a headline alone goes, on news the pair models were not fitted on: the demo corpus.

Usage:
    python benchmarks/stories/demo_titles.py [--write]

The bundled demo corpus (44 articles of six events in four languages, fictional, with
gold events in ``storyline/demo_corpus/gold.json``) is ingested with each article's title
taken alone beside it: the title as the article has it, the body dropped, so that each is a
headline-only article (a page whose body did not come). The whole store is then clustered
in batch, where each headline follows a story of articles or stands alone, decided before
any moves, so the titles do not sway one another. Each title is counted as following its
own event's story, standing alone, or joining another event's story; once scored by the
article pairs' model (the bundled model without its headline part) and once by the headline
model (``Weights.judging``).

With --write the table goes to benchmarks/results/demo_titles.md.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections import Counter
from datetime import date
from pathlib import Path

from storyline import Engine
from storyline.cluster import pair_model
from storyline.engine import demo_corpus_path
from storyline.eval import title_alone
from storyline.sources import read_sources
from storyline.types import RawDocument

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "benchmarks" / "results" / "demo_titles.md"
COMMAND = "python benchmarks/stories/demo_titles.py --write"


def events() -> dict[tuple[str, str], str]:
    """Gold event by (path under articles/, url or title): a file may hold several records."""
    gold = json.loads((demo_corpus_path().parent / "gold.json").read_text(encoding="utf-8"))
    found = {}
    for entry in gold["documents"]:
        for key in (entry.get("url"), entry.get("title"), None):
            found.setdefault((entry["path"], key), entry["event"])
    return found


def event_of(doc: RawDocument, gold: dict) -> str:
    path = doc.origin.split("articles/", 1)[1].split(":")[0].split("#")[0]
    for key in (doc.hints.get("url"), doc.hints.get("title"), None):
        if (path, key) in gold:
            return gold[path, key]
    raise KeyError(f"no gold event for {doc.origin}")


def placements(model_path: str) -> Counter:
    gold = events()
    docs = [d for d in read_sources([str(demo_corpus_path())]) if isinstance(d, RawDocument)]
    with tempfile.TemporaryDirectory() as folder:
        with Engine(db=str(Path(folder) / "demo.db"), cluster=False, cards=False,
                    pair_model=model_path) as engine:
            engine.ingest_documents(docs)
            event = {}  # article id -> its gold event
            titles = {}  # title document's id -> the event of the article it came from
            for doc in docs:
                article = engine.store.article(doc.content_hash)
                if article is None:
                    continue
                event[article.article_id] = event_of(doc, gold)
                if article.title:
                    title = title_alone(doc, article.title)
                    titles.setdefault(title.content_hash, (title, event[article.article_id]))
            engine.ingest_documents([title for title, _ in titles.values()])
            engine.cluster()
            story_of = engine.store.story_of([*event, *titles])
    members: dict[str, set[str]] = {}
    for article_id, story in story_of.items():
        if article_id in event:
            members.setdefault(story, set()).add(event[article_id])
    found = Counter()
    for key, (_, own) in titles.items():
        joined = members.get(story_of.get(key), set())
        found["follows its event" if joined == {own} else "stands alone" if not joined
              else "joins another event"] += 1
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    model = pair_model.load()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        without = Path(folder) / "articles_only.json"
        without.write_text(json.dumps({k: v for k, v in model.items() if k != "headline"}), encoding="utf-8")
        for name, path in (("article pairs' model", str(without)), ("headline model", "")):
            found = placements(path)
            rows.append(f"| {name} | {sum(found.values())} | {found['follows its event']} | "
                        f"{found['stands alone']} | {found['joins another event']} |")
            print(rows[-1], flush=True)
    text = "\n".join([
        f"# Headlines alone on the demo corpus ({date.today().isoformat()})", "",
        f"Command: `{COMMAND}` (see the script's docstring). The demo corpus is in no fit: "
        "six events in English, German, Spanish and Russian, each article's title "
        "taken alone beside the articles, clustered in batch.", "",
        "| headlines scored by | titles | follow their event | stand alone | join another event |",
        "|---|---:|---:|---:|---:|", *rows, ""])
    print(text)
    if args.write:
        RESULTS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
