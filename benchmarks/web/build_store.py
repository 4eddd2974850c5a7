"""Build (or reuse) the store the web load run reads: N generated articles and their stories.

Usage:
    python benchmarks/web/build_store.py [--articles 100000] [--db benchmarks/out/web100k.db]

The articles go through the real pipeline (``Engine.ingest_documents``: cleaning, metadata,
dedup, features, online story clustering, the search index) with one substitution that
makes 100k articles take minutes instead of hours: the multilingual sentence encoder is
replaced by ``NullEmbedder`` (zero vectors), so stories are formed from the lexical and
name signals only. Cards are not built here (spaCy over 100k articles takes hours);
``load.py`` builds the cards of the stories it visits. A store that already holds N
articles is reused; an interrupted build resumes (articles stored are skipped).
"""

from __future__ import annotations

import argparse
import sys
import time
from itertools import islice
from pathlib import Path

from storyline import Engine
from storyline.embed import NullEmbedder
from storyline.storybuilder import StoryBuilder

sys.path.insert(0, str(Path(__file__).parent))
from corpus import generate  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DB = ROOT / "benchmarks" / "out" / "web100k.db"


def build(db: Path, articles: int, *, chunk: int = 2000) -> Engine:
    """The store at ``db`` with ``articles`` generated articles (built when missing)."""
    db.parent.mkdir(parents=True, exist_ok=True)
    engine = Engine(db=str(db), cards=False)
    stored = engine.count_articles()
    if stored >= articles:
        return engine
    # Without the encoder: see the module docstring. The story builder takes any Embedder.
    engine._stories = StoryBuilder(engine.store, engine.settings, embedder=NullEmbedder())
    documents = (doc for _, doc in generate(articles))
    started, done = time.perf_counter(), 0
    while batch := list(islice(documents, chunk)):
        engine.ingest_documents(batch, sources=["generated"])
        done += len(batch)
        rate = done / (time.perf_counter() - started)
        print(f"{done} articles, {engine.count_stories()} stories, {rate:.0f}/s", flush=True)
    return engine


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--db", type=Path, default=DEFAULT_DB)
    args = parser.parse_args()
    with build(args.db, args.articles) as engine:
        print(f"{args.db}: {engine.count_articles()} articles, {engine.count_stories()} stories")


if __name__ == "__main__":
    main()
