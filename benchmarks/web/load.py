"""Web load run: concurrent clients on story and search pages of a 100k-article database,
the server time of each kind of page, and what a story's card costs.

Usage:
    python benchmarks/web/load.py --db /tmp/web100k.db [--articles 100000] [--clients 50]
                                  [--seconds 30] [--write]

1. The database: built when missing by the page-time benchmark's builder
   (``page_times_db.build``: generated events through the real ingest pipeline, each event
   one story through the store's story API, reprints linked as copies; so the stories are
   the generator's events, not the clusterer's guesses), reused as it is when present.
2. Cards for a sample of stories of every size (``Engine.refresh_cards``), so that story
   pages with a card and entity pages can be measured: building all ~30k cards would take
   hours of spaCy on this machine.
3. ``storyline serve`` in its own process on a free loopback port; the clients run here.
4. Server time of each kind of page (front, story, article, search, entity) from the app's
   ``Server-Timing`` header, one request at a time: the first request of each URL, then
   renders (each URL made new by a parameter the app ignores, so no kept response answers).
5. What a card costs: story pages with a stored card against pages of stories without one
   (pages never build a card), and the card API, which builds a missing card on request.
6. Load: ``--clients`` clients without think time for ``--seconds`` seconds, each picking
   story and search pages at random (half each) from a pool, twice: as visitors browse
   (a URL asked again is answered from the responses the app keeps until the data
   changes) and with every request rendered (each URL made new). Any status but 200, any
   connection error or timeout, is an error.
With --write the figures go to benchmarks/results/web_load.md with the command and date.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import quote

import httpx

from storyline import Engine

sys.path.insert(0, str(Path(__file__).parent))
import page_times_db  # noqa: E402  (the one builder of large web databases)

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "benchmarks" / "results" / "web_load.md"
SIZE_BANDS = ((1, 1), (2, 5), (6, 20), (21, 10_000))
CARDS_PER_BAND = 8
POOL_STORIES = 1000
POOL_SEARCHES = 200
RENDERS = 20  # per kind of page
TARGET_PAGE_MS, TARGET_P95_MS = 200, 300


# --------------------------------------------------------------------------- the database

def ensure_database(db: Path, articles: int) -> None:
    if db.exists():
        print(f"reusing {db}", flush=True)
        return
    print(f"building {db} with {articles} articles (several minutes)", flush=True)
    print(page_times_db.build(db, articles, progress=lambda line: print(line, flush=True)))


@dataclass
class Sample:
    """What the run visits: story ids by size band (with and without cards), the load
    pool, search queries, articles and entity keys."""

    with_card: dict[str, list[str]] = field(default_factory=dict)
    without_card: dict[str, list[str]] = field(default_factory=dict)
    pool: list[str] = field(default_factory=list)
    queries: list[str] = field(default_factory=list)
    articles: list[str] = field(default_factory=list)
    entities: list[str] = field(default_factory=list)
    sizes: dict[str, int] = field(default_factory=dict)
    cards_built: int = 0
    card_seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)


def band_name(low: int, high: int) -> str:
    return f"{low}" if low == high else f"{low}+" if high >= 10_000 else f"{low}-{high}"


def take_sample(engine: Engine, rng: random.Random) -> Sample:
    """Stories of every size band (cards built for some), the pool, queries, entities."""
    stories = engine.stories(order="size", limit=10**7)
    sample = Sample(sizes={s.story_id: len(s.article_ids) for s in stories})
    for low, high in SIZE_BANDS:
        band = [s.story_id for s in stories if low <= len(s.article_ids) <= high]
        picked = rng.sample(band, min(len(band), 2 * CARDS_PER_BAND))
        sample.with_card[band_name(low, high)] = picked[:CARDS_PER_BAND]
        sample.without_card[band_name(low, high)] = picked[CARDS_PER_BAND:]
    started = time.perf_counter()
    sample.cards_built = engine.refresh_cards([i for ids in sample.with_card.values() for i in ids])
    sample.card_seconds = time.perf_counter() - started
    chosen = rng.sample(stories, min(POOL_STORIES, len(stories)))
    sample.pool = [s.story_id for s in chosen]
    sample.articles = [rng.choice(s.article_ids) for s in chosen[:RENDERS]]
    sample.queries = search_queries(engine, chosen[:POOL_SEARCHES], rng)
    sample.entities = [row["key"] for row in engine.entities(limit=RENDERS)]
    sample.counts = {"articles": engine.count_articles(), "stories": len(stories),
                     "cards": count_cards(engine)}
    return sample


def count_cards(engine: Engine) -> int:
    """Stories whose card is stored and current."""
    return engine.count_stories() - len(engine.store.cards_to_refresh())


def search_queries(engine: Engine, stories, rng: random.Random) -> list[str]:
    """From lead titles: an event's own name (rare), a common word, or both."""
    titles = [head.title or "" for head in
              engine.article_heads([s.article_ids[0] for s in stories])]
    queries = []
    for title in titles:
        words = [w for w in re.findall(r"\w+", title) if len(w) > 2]
        if len(words) >= 2:
            queries.append(rng.choice([words[0], words[1], f"{words[0]} {words[1]}"]))
    return queries


# --------------------------------------------------------------------------- the server

def start_server(db: Path) -> tuple[subprocess.Popen, str]:
    """``storyline serve`` on a free loopback port; its output is drained from then on,
    so that a full pipe never blocks it."""
    server = subprocess.Popen(
        [sys.executable, "-m", "storyline", "serve", "--db", str(db), "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})
    for line in server.stdout:  # the first line names the address once the app is ready
        found = re.search(r" at (http://\S+?)/?$", line.strip())
        if found:
            threading.Thread(target=server.stdout.read, daemon=True).start()
            return server, found.group(1)
    raise RuntimeError(f"storyline serve exited ({server.wait()}) before it gave an address")


def server_ms(client: httpx.Client, path: str) -> float:
    """The server's own milliseconds for ``path`` (its ``Server-Timing`` header)."""
    response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"{path}: HTTP {response.status_code}: {response.text[:200]}")
    return float(response.headers["server-timing"].split("dur=")[1])


def renders(client: httpx.Client, paths: list[str], tag: str) -> list[float]:
    """Each path's server time once, made new (``_load=``), so no kept response answers."""
    return [server_ms(client, f"{p}{'&' if '?' in p else '?'}_load={tag}{n}")
            for n, p in enumerate(paths)]


def page_times(client: httpx.Client, sample: Sample) -> dict[str, dict[str, float]]:
    """Per kind of page: first request (median over its URLs), render median, p95, max."""
    kinds = {
        "front page": ["/", "/?order=recent", "/?order=size", "/?lang=de", "/?offset=300"],
        "story page": [f"/stories/{i}" for i in sample.pool[:RENDERS]],
        "article page": [f"/articles/{i}" for i in sample.articles],
        "search page": [f"/search?q={quote(q)}" for q in sample.queries[:RENDERS]],
        "entity page": [f"/entities/{quote(k, safe='')}" for k in sample.entities],
    }
    figures = {}
    for kind, paths in kinds.items():
        if not paths:
            continue
        first = [server_ms(client, p) for p in paths]
        again = renders(client, (paths * RENDERS)[:RENDERS], "page")
        figures[kind] = summary(again) | {"first": statistics.median(first)}
        print(f"{kind}: {figures[kind]}", flush=True)
    return figures


def card_costs(client: httpx.Client, sample: Sample) -> list[dict]:
    """Per size band: story page render with a stored card and without one; the card API
    when the card is stored (a read) and when it is missing (built on request)."""
    rows = []
    for band, with_card in sample.with_card.items():
        without = sample.without_card[band]
        rows.append({
            "band": band,
            "articles": statistics.median(sample.sizes[i] for i in with_card + without),
            "page_with_card": statistics.median(renders(client, [f"/stories/{i}" for i in with_card], "c")),
            "page_without_card": statistics.median(renders(client, [f"/stories/{i}" for i in without], "n")),
            "api_stored": statistics.median(renders(client, [f"/api/v1/stories/{i}/card" for i in with_card], "a")),
            "api_built": statistics.median(server_ms(client, f"/api/v1/stories/{i}/card")
                                           for i in without[:3]),
        })
        print(rows[-1], flush=True)
    return rows


# --------------------------------------------------------------------------- the load

async def _visitor(http: httpx.AsyncClient, pool: list[str], deadline: float, rng: random.Random,
                   unique: bool, latencies: list[float], errors: list[str]) -> None:
    while time.perf_counter() < deadline:
        path = rng.choice(pool)
        if unique:
            path += f"{'&' if '?' in path else '?'}_load={rng.getrandbits(48):x}"
        started = time.perf_counter()
        try:
            response = await http.get(path)
            if response.status_code != 200:
                errors.append(f"{path}: HTTP {response.status_code}")
        except httpx.HTTPError as exc:
            errors.append(f"{path}: {type(exc).__name__}")
        latencies.append((time.perf_counter() - started) * 1000)


async def load(base: str, pool: list[str], clients: int, seconds: float, unique: bool) -> dict:
    latencies: list[float] = []
    errors: list[str] = []
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as http:
        deadline = time.perf_counter() + seconds
        await asyncio.gather(*(_visitor(http, pool, deadline, random.Random(n), unique,
                                        latencies, errors) for n in range(clients)))
    return summary(latencies) | {"requests": len(latencies), "per_second": len(latencies) / seconds,
                                 "errors": len(errors), "first_errors": errors[:5]}


def load_pool(sample: Sample) -> list[str]:
    """Story and search pages, as many of each: what the acceptance names."""
    stories = [f"/stories/{i}" for i in sample.pool]
    searches = [f"/search?q={quote(q)}" for q in sample.queries]
    return stories + searches * max(1, len(stories) // max(1, len(searches)))


def summary(values: list[float]) -> dict[str, float]:
    return {"p50": percentile(values, 50), "p95": percentile(values, 95),
            "p99": percentile(values, 99), "max": max(values, default=0.0)}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


# --------------------------------------------------------------------------- the report

def write_results(args, sample: Sample, times: dict, cards: list[dict], runs: dict) -> None:
    counts = sample.counts
    page_rows = "\n".join(
        f"| {kind} | {t['first']:.0f} | {t['p50']:.0f} | {t['p95']:.0f} | {t['max']:.0f} |"
        for kind, t in times.items())
    card_rows = "\n".join(
        f"| {c['band']} | {c['articles']:.0f} | {c['page_with_card']:.0f} | "
        f"{c['page_without_card']:.0f} | {c['api_stored']:.0f} | {c['api_built']:.0f} |"
        for c in cards)
    load_rows = "\n".join(
        f"| {name} | {r['requests']} | {r['per_second']:.0f} | {r['p50']:.0f} | {r['p95']:.0f} "
        f"| {r['p99']:.0f} | {r['max']:.0f} | {r['errors']} |" for name, r in runs.items())
    errors = [f"{name}: {'; '.join(r['first_errors'])}" for name, r in runs.items() if r["errors"]]
    text = f"""# Web load run

Command: `python benchmarks/web/load.py --db DB --articles {args.articles} --clients {args.clients} --seconds {args.seconds:g} --write`
Date: {date.today().isoformat()}; machine: {os.cpu_count()} cores shared with other engineers' jobs
(load average {os.getloadavg()[0]:.1f} at the end), CPython {platform.python_version()}. The server
(`storyline serve`, one process) and the clients (this script, one process, asyncio + httpx)
run on the same machine and talk over loopback, so the clients take CPU from the server.

Database: {counts['articles']:,} articles in {counts['stories']:,} stories, built by
`benchmarks/web/page_times_db.py` (generated events in six languages from 60 outlets, through
the real ingest pipeline; each event made one story through the store's story API, reprints
linked as copies: the stories are the generator's, not the clusterer's, which changes nothing
a page reads). {counts['cards']:,} stories have a card: the {sample.cards_built} sampled here,
built in {sample.card_seconds:.0f} s, and those the card API built below (all {counts['stories']:,} would take hours of spaCy on this
machine; `storyline serve` does not build cards, ingestion does).

## Server time per page (one request at a time)

From the app's `Server-Timing` header. "first": median over the URLs of their first request
(cold: nothing kept yet); then {RENDERS} renders, each URL made new by a parameter the app
ignores. Story pages are {POOL_STORIES} stories picked at random (most stories are small: the
sizes follow a long tail), searches are words of their lead titles. Target: under
{TARGET_PAGE_MS} ms a page.

| page | first ms | render p50 ms | render p95 ms | render max ms |
|---|---:|---:|---:|---:|
{page_rows}

## What a card costs

Per story size band, {CARDS_PER_BAND} stories with a stored card and {CARDS_PER_BAND} without
(medians of one render each). A story page never builds a card (it shows the card when one
is stored); the card API (`/api/v1/stories/{{id}}/card`) builds a missing one on request, through
the one writer, and stores it (3 stories per band timed).

| story size | median articles | page, card stored ms | page, no card ms | card API, stored ms | card API, built on request ms |
|---|---:|---:|---:|---:|---:|
{card_rows}

## {args.clients} concurrent clients for {args.seconds:g} s (story and search pages)

Each client sends its next request as soon as the last is answered (no think time), picking
at random from {len(sample.pool)} story pages and {len(sample.queries)} searches (half each).
"Browsing": a URL asked again is answered from the responses the app keeps until the data
changes. "Every request rendered": each URL made new, so the app renders every one. Latency is
the client's wall time (queueing included). Aim: p95 under {TARGET_P95_MS} ms, no errors.

| run | requests | per second | p50 ms | p95 ms | p99 ms | max ms | errors |
|---|---:|---:|---:|---:|---:|---:|---:|
{load_rows}

With no think time, latency is about clients / throughput once the server is saturated
(Little's law): {args.clients} clients at p95 {TARGET_P95_MS} ms need well over
{args.clients * 1000 / TARGET_P95_MS:.0f} requests per second.
{chr(10).join(errors)}
"""
    RESULTS.write_text(text.rstrip() + "\n", encoding="utf-8")
    print(f"wrote {RESULTS}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, required=True, help="built when missing (keep it "
                        "out of the repository, e.g. under /tmp)")
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    ensure_database(args.db, args.articles)
    with Engine(db=str(args.db)) as engine:
        sample = take_sample(engine, random.Random(5))
    print(f"{sample.counts}; {sample.cards_built} cards built in {sample.card_seconds:.0f} s")
    server, base = start_server(args.db)
    try:
        with httpx.Client(base_url=base, timeout=300) as client:
            times = page_times(client, sample)
            cards = card_costs(client, sample)
        with Engine(db=str(args.db)) as engine:  # the card API stored some more
            sample.counts["cards"] = count_cards(engine)
        pool = load_pool(sample)
        runs = {}
        for name, unique in (("browsing", False), ("every request rendered", True)):
            runs[name] = asyncio.run(load(base, pool, args.clients, args.seconds, unique))
            print(name, runs[name], flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
    if args.write:
        write_results(args, sample, times, cards, runs)


if __name__ == "__main__":
    main()
