"""Web load run: server time per page, then 50 concurrent clients on story and search pages.

Usage:
    python benchmarks/web/load.py [--articles 100000] [--clients 50] [--seconds 30] [--write]

1. Builds or reuses the generated store (``build_store.py``: 100k articles through the
   real pipeline, stories clustered without the sentence encoder), and builds the cards of
   the stories the run visits (the rest have none: spaCy over 100k articles takes hours).
2. Starts ``storyline serve`` on a free loopback port, in its own process, as a user would.
3. Server time per page (front, story, article, search, entity): one client, one request at
   a time, so each time is the server's work plus a loopback round trip (well under 1 ms).
4. Load: ``--clients`` clients (asyncio + httpx, no think time: each sends its next request
   as soon as the last one is answered) for ``--seconds`` seconds, alternating story pages
   and search pages over the sampled stories and queries. Any status other than 200, and
   any connection error or timeout, counts as an error.
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
import time
from datetime import date
from pathlib import Path
from urllib.parse import quote

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from build_store import DEFAULT_DB, build  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "benchmarks" / "results" / "web_load.md"
SAMPLE_STORIES = 120
SEQUENTIAL_REQUESTS = 25


def sample_targets(engine, rng: random.Random) -> dict[str, list[str]]:
    """Paths of each page kind, over a spread of story sizes and ages."""
    total = engine.count_stories()
    offsets = sorted(rng.sample(range(total), min(SAMPLE_STORIES, total)))
    stories = [engine.stories(order="size", offset=offset, limit=1)[0] for offset in offsets]
    started = time.perf_counter()
    built = engine.refresh_cards([s.story_id for s in stories])
    print(f"built {built} cards in {time.perf_counter() - started:.0f} s", flush=True)
    titles = [engine.article(s.article_ids[0]).title or "" for s in stories]
    queries = sorted({re.split(r"[:\s]", t)[0] for t in titles if t})  # the event's place
    entities = [e["key"] for e in engine.entities(limit=40)]
    return {
        "front": ["/", "/?order=recent", "/?lang=de"],
        "story": [f"/stories/{s.story_id}" for s in stories],
        "article": [f"/articles/{s.article_ids[-1]}" for s in stories],
        "search": [f"/search?q={quote(q)}" for q in queries],
        "entity": [f"/entities/{quote(key)}" for key in entities],
    }


def start_server(db: Path) -> tuple[subprocess.Popen, str]:
    command = [sys.executable, "-c", "from storyline.cli import main; main()", "serve",
               "--db", str(db), "--port", "0"]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    for line in server.stdout:  # the first line names the address once the app is ready
        found = re.search(r"at (http://\S+/)", line)
        if found:
            return server, found.group(1)
    raise RuntimeError(f"storyline serve exited ({server.wait()}) before it announced an address")


def server_times(base: str, targets: dict[str, list[str]]) -> dict[str, dict[str, float]]:
    """Per page kind: median, p95 and max milliseconds over sequential requests."""
    figures = {}
    with httpx.Client(base_url=base, timeout=60) as client:
        for kind, paths in targets.items():
            if not paths:
                continue
            client.get(paths[0])  # warm caches and imports once per kind
            times = []
            for i in range(SEQUENTIAL_REQUESTS):
                started = time.perf_counter()
                response = client.get(paths[i % len(paths)])
                times.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    raise RuntimeError(f"{paths[i % len(paths)]}: HTTP {response.status_code}")
            figures[kind] = {"median": statistics.median(times), "p95": percentile(times, 95),
                             "max": max(times)}
            print(f"{kind}: {figures[kind]}", flush=True)
    return figures


async def _client(http: httpx.AsyncClient, paths: list[str], deadline: float,
                  latencies: list[float], errors: list[str], seed: int) -> None:
    rng = random.Random(seed)
    while time.perf_counter() < deadline:
        path = rng.choice(paths)
        started = time.perf_counter()
        try:
            response = await http.get(path)
            if response.status_code != 200:
                errors.append(f"{path}: HTTP {response.status_code}")
        except httpx.HTTPError as exc:
            errors.append(f"{path}: {type(exc).__name__}")
        latencies.append((time.perf_counter() - started) * 1000)


async def load(base: str, paths: list[str], clients: int, seconds: float) -> dict:
    latencies: list[float] = []
    errors: list[str] = []
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as http:
        deadline = time.perf_counter() + seconds
        await asyncio.gather(*(_client(http, paths, deadline, latencies, errors, seed)
                               for seed in range(clients)))
    return {"requests": len(latencies), "errors": len(errors), "first_errors": errors[:5],
            "per_second": len(latencies) / seconds, "p50": percentile(latencies, 50),
            "p95": percentile(latencies, 95), "p99": percentile(latencies, 99),
            "max": max(latencies, default=0.0)}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def write_results(args, counts: tuple[int, int, int], times: dict, result: dict) -> None:
    articles, stories, cards = counts
    rows = "\n".join(f"| {kind} | {t['median']:.0f} | {t['p95']:.0f} | {t['max']:.0f} |"
                     for kind, t in times.items())
    text = f"""# Web load run ({date.today().isoformat()})

Command: `python benchmarks/web/load.py --articles {args.articles} --clients {args.clients} --seconds {args.seconds:g} --write`
Machine: {os.cpu_count()} cores shared with other work, CPython {platform.python_version()};
server (`storyline serve`, one process) and load client on the same machine, over loopback.

Store: {articles:,} generated articles in {stories:,} stories (`benchmarks/web/build_store.py`:
the real pipeline with the sentence encoder replaced by zero vectors, so stories come from
the lexical and name signals only), {cards} cards built (those of the sampled stories).

## Server time per page (one client, sequential, {SEQUENTIAL_REQUESTS} requests each)

| page | median ms | p95 ms | max ms |
|---|---:|---:|---:|
{rows}

Target: under 200 ms a page.

## {args.clients} concurrent clients for {args.seconds:g} s (story and search pages)

| requests | per second | p50 ms | p95 ms | p99 ms | max ms | errors |
|---:|---:|---:|---:|---:|---:|---:|
| {result['requests']} | {result['per_second']:.1f} | {result['p50']:.0f} | {result['p95']:.0f} | {result['p99']:.0f} | {result['max']:.0f} | {result['errors']} |

Aim: p95 under 300 ms and no errors. The clients send without think time, so latency is
about clients / throughput once the server is saturated (Little's law).
{('First errors: ' + '; '.join(result['first_errors'])) if result['errors'] else ''}
"""
    RESULTS.write_text(text.rstrip() + "\n", encoding="utf-8")
    print(f"wrote {RESULTS}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--db", type=Path, default=DEFAULT_DB)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    with build(args.db, args.articles) as engine:
        targets = sample_targets(engine, random.Random(5))
        counts = (engine.count_articles(), engine.count_stories(),
                  sum(engine.stored_card(p.rsplit("/", 1)[1]) is not None
                      for p in targets["story"]))
    server, base = start_server(args.db)
    try:
        times = server_times(base, targets)
        result = asyncio.run(load(base, targets["story"] + targets["search"], args.clients,
                                  args.seconds))
        print(result)
    finally:
        server.terminate()
        server.wait(timeout=30)
    if args.write:
        write_results(args, counts, times, result)


if __name__ == "__main__":
    main()
