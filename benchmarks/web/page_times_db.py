"""A large synthetic news database for the web benchmarks (page times, load runs).

Usage:
    python benchmarks/web/page_times_db.py DB [--articles 100000] [--seed 11]

Articles are generated in events (story sizes from 1 to a few hundred, a long tail as in
real news), from 60 outlets in six languages, over two years, some of them wire texts
reprinted word for word by several outlets. They go through the real ingest pipeline
(read, clean, metadata, store, full-text index) with online clustering turned off, and
each event then becomes one story through the store's own story API, with the reprints
linked as copies. So the stories are the generator's events, not the clusterer's guesses:
what the pages read (story rows, members, facets, links, FTS) is the same either way, and
the database builds in minutes instead of the hour the sentence encoder would take.
Re-running on an existing database adds nothing (articles are keyed by content).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Iterator

from storyline import Engine, RawDocument
from storyline.store import StoryRow

VOCABULARY = {
    "en": "council police minister strike port bridge river election court budget storm "
          "flood fire workers union talks hospital school market bank rate inflation "
          "border trade summit protest village city county officials report inquiry",
    "es": "consejo policía ministro huelga puerto puente río elecciones tribunal presupuesto "
          "tormenta inundación incendio trabajadores sindicato hospital mercado banco",
    "de": "Rat Polizei Minister Streik Hafen Brücke Fluss Wahl Gericht Haushalt Sturm "
          "Hochwasser Brand Arbeiter Gewerkschaft Krankenhaus Markt Bank Zins Grenze",
    "fr": "conseil police ministre grève port pont rivière élection tribunal budget tempête "
          "inondation incendie travailleurs syndicat hôpital marché banque taux",
    "it": "consiglio polizia ministro sciopero porto ponte fiume elezioni tribunale bilancio "
          "tempesta alluvione incendio lavoratori sindacato ospedale mercato banca",
    "ru": "совет полиция министр забастовка порт мост река выборы суд бюджет шторм "
          "наводнение пожар рабочие профсоюз больница рынок банк ставка граница",
}
LANGUAGES = list(VOCABULARY)
START = datetime(2024, 1, 1, 6, 0)


def event_sizes(articles: int, rng: random.Random) -> list[int]:
    """Story sizes that add up to ``articles``: mostly 1-5, a tail up to 400."""
    sizes, left = [], articles
    while left > 0:
        size = min(left, max(1, int(rng.paretovariate(1.3))))
        size = min(size, 400)
        sizes.append(size)
        left -= size
    return sizes


def _sentence(words: list[str], rng: random.Random, lo: int = 12, hi: int = 28) -> str:
    return " ".join(rng.choices(words, k=rng.randint(lo, hi))).capitalize() + "."


def event_documents(event: int, size: int, rng: random.Random,
                    outlets: list[tuple[str, str]]) -> Iterator[tuple[int, RawDocument]]:
    """The articles of one event: (event, document), some of them reprints of one text."""
    language = rng.choice(LANGUAGES)
    words = VOCABULARY[language].split()
    topic = rng.sample(words, 3) + [f"Ort{event}"]  # a name only this event has
    start = START + timedelta(minutes=rng.randint(0, 700 * 24 * 60))
    wire = [_sentence(words + topic * 3, rng) for _ in range(rng.randint(4, 7))]
    for n in range(size):
        outlet, outlet_language = rng.choice(outlets)
        lang = outlet_language if rng.random() < 0.7 else language
        reprint = size > 2 and rng.random() < 0.15
        paragraphs = wire if reprint else [_sentence(VOCABULARY[lang].split() + topic * 3, rng)
                                           for _ in range(rng.randint(4, 8))]
        published = start + timedelta(hours=rng.expovariate(1 / 30) if n else 0)
        hints = {"title": " ".join([topic[-1], *rng.sample(topic[:3] + words[:8], 6)]).capitalize(),
                 "date": published.isoformat(timespec="minutes"), "outlet": outlet,
                 "lang": language if reprint else lang,
                 "url": f"https://{outlet.lower().replace(' ', '')}.example/{event}/{n}"}
        yield event, RawDocument(origin=f"synthetic#{event}.{n}", body="\n\n".join(paragraphs),
                                 hints=hints)


def build(db: Path, articles: int, seed: int = 11, progress=print) -> dict[str, float]:
    rng = random.Random(seed)
    outlets = [(f"{name} {kind}", lang) for name, kind, lang in (
        (rng.choice(["North", "South", "Harbour", "Valley", "Coast", "City", "River", "Capital"]),
         rng.choice(["Times", "Post", "Herald", "Ledger", "Courier", "Gazette", "Journal"]),
         rng.choice(LANGUAGES)) for _ in range(60))]
    events: dict[str, int] = {}
    wire_texts: dict[tuple[int, str], list[str]] = {}
    started = time.perf_counter()

    def documents() -> Iterator[RawDocument]:
        for event, size in enumerate(event_sizes(articles, rng)):
            for _, doc in event_documents(event, size, rng, outlets):
                events[doc.content_hash] = event
                wire_texts.setdefault((event, doc.body), []).append(doc.content_hash)
                yield doc

    with Engine(db=str(db), cluster=False, batch_size=1000) as engine:
        report = engine.ingest_documents(documents(), sources=["synthetic"],
                                         progress=lambda n: None)
        ingest_s = time.perf_counter() - started
        progress(f"ingested {report.added} articles ({report.already_stored} already stored) "
                 f"in {ingest_s:.0f} s")
        stored = engine.store.known_ids(events)
        members: dict[int, list[str]] = {}
        for article_id in stored:
            members.setdefault(events[article_id], []).append(article_id)
        rows = [StoryRow(f"s{event:07d}", len(ids), None, None, b"")
                for event, ids in members.items()]
        memberships = [(a, f"s{event:07d}", 1.0) for event, ids in members.items() for a in ids]
        engine.store.replace_all_stories(rows, memberships)
        links = {tuple(sorted((ids[0], other))) for ids in wire_texts.values() if len(ids) > 1
                 for other in ids[1:] if ids[0] in stored and other in stored}
        engine.store.add_duplicate_links([(a, b, "exact", 1.0, "same text") for a, b in links])
        progress(f"{len(rows)} stories, {len(links)} copy links")
    return {"articles": len(stored), "stories": len(rows), "seconds": time.perf_counter() - started}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    result = build(args.db, args.articles, args.seed,
                   progress=lambda line: print(line, file=sys.stderr))
    print(result)


if __name__ == "__main__":
    main()
