"""Server time of each kind of page and API call on a large database.

Usage:
    python benchmarks/web/page_times_db.py /tmp/100k.db --articles 100000     # once, ~5 min
    python benchmarks/web/page_times.py /tmp/100k.db [--repeat 30] [--write]

Starts the real server (``storyline serve``, a subprocess on a free loopback port), asks
each URL once with cold caches, renders it ``--repeat`` times, asks it ``--repeat`` times
more as kept responses answer it, one request at a time, and reads the server's own time
from the ``Server-Timing`` header. The target is under 200 ms a page. With --write the table goes to
benchmarks/results/page_times.md with the command and the date.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import urllib.parse
import urllib.request
from datetime import date
from pathlib import Path

from storyline import Engine

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "benchmarks" / "results" / "page_times.md"
TARGET_MS = 200


def pages(db: Path) -> list[tuple[str, str]]:
    """(what, path) for every kind of page, picked from what the database holds."""
    with Engine(db=str(db)) as engine:
        biggest = engine.story_listings(order="size", limit=1)[0]
        middle = engine.story_listings(order="size", offset=engine.count_stories() // 4, limit=1)[0]
        article = engine.article_heads([biggest.lead_article_id])[0]
        facets = engine.facet_counts()
        outlet = facets["outlets"][len(facets["outlets"]) // 2][0]
        language = facets["languages"][-1][0]
        common = (article.title or "news").split()[1]
        rare = (article.title or "news").split()[0]
    quote = urllib.parse.quote
    return [
        ("front page", "/"),
        ("front page, page 20", "/?offset=570"),
        ("front page, language filter", f"/?lang={language}"),
        ("front page, outlet filter", f"/?outlet={quote(outlet)}"),
        ("front page, date range", "/?since=2024-06-01&until=2024-06-30"),
        ("front page, sorted by size", "/?order=size"),
        (f"story page, largest story ({biggest.size} articles)", f"/stories/{biggest.story_id}"),
        (f"story page, typical story ({middle.size} articles)", f"/stories/{middle.story_id}"),
        ("article page", f"/articles/{article.article_id}"),
        ("article page, removed boilerplate shown", f"/articles/{article.article_id}?removed=1"),
        (f"search, common word ({common})", f"/search?q={quote(common)}"),
        (f"search, rare name ({rare})", f"/search?q={quote(rare)}"),
        ("search, two words + language", f"/search?q={quote(common + ' ' + rare)}&lang={language}"),
        ("API: stories", "/api/v1/stories?limit=30"),
        ("API: story", f"/api/v1/stories/{middle.story_id}"),
        ("API: search", f"/api/v1/search?q={quote(common)}"),
        ("API: changes (what pages poll)", "/api/v1/changes?since=0"),
    ]


def start_server(db: Path) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "storyline", "serve", "--db", str(db), "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})
    line = process.stdout.readline()
    match = re.search(r"at (http://\S+?)/?$", line.strip())
    if not match:
        process.kill()
        raise SystemExit(f"the server did not start: {line}{process.stdout.read()}")
    return process, match.group(1)


def _server_ms(url: str) -> tuple[float, int]:
    with urllib.request.urlopen(url, timeout=60) as response:
        response.read()
        timing = response.headers.get("Server-Timing", "")
        return float(timing.split("dur=")[1]), response.status


def measure(url: str, repeat: int) -> tuple[float, list[float], list[float], int]:
    """Server milliseconds: the first request (cold caches); ``repeat`` renders (each URL
    made new with a parameter the app ignores, so no kept response answers it); and
    ``repeat`` requests of the same URL again (answered from the kept responses)."""
    first, status = _server_ms(url)
    joiner = "&" if "?" in url else "?"
    rendered = [_server_ms(f"{url}{joiner}_bench={n}")[0] for n in range(repeat)]
    kept = [_server_ms(url)[0] for _ in range(repeat)]
    return first, rendered, kept, status


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, int(round(0.95 * len(values))) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    with Engine(db=str(args.db)) as engine:
        counts = (engine.count_articles(), engine.count_stories())
    process, base = start_server(args.db)
    rows = []
    try:
        for what, path in pages(args.db):
            first, rendered, kept, status = measure(base + path, args.repeat)
            rows.append((what, status, first, statistics.median(rendered), p95(rendered),
                         max(rendered), statistics.median(kept)))
            print(f"{what:<48} {status} render median {rows[-1][3]:6.1f} ms  "
                  f"p95 {rows[-1][4]:6.1f} ms", file=sys.stderr)
    finally:
        process.terminate()
        process.wait(timeout=20)
    report = render(rows, counts, args)
    print(report)
    if args.write:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(report, encoding="utf-8")


def render(rows: list[tuple], counts: tuple[int, int], args: argparse.Namespace) -> str:
    slow = [row[0] for row in rows if row[4] > TARGET_MS]
    lines = [
        "# Page times (server time per request)", "",
        f"Command: `python benchmarks/web/page_times.py DB --repeat {args.repeat} --write` "
        f"on a database built by `python benchmarks/web/page_times_db.py DB --articles 100000`",
        f"Date: {date.today().isoformat()}; machine: {platform.machine()}, {os.cpu_count()} cores "
        f"shared with other work (load average {os.getloadavg()[0]:.1f} at the end of the run), "
        "Python " + platform.python_version(),
        f"Database: {counts[0]:,} articles in {counts[1]:,} stories "
        "(synthetic: six languages, 60 outlets; the stories are the generator's events, not "
        "the clusterer's, and have no cards; see page_times_db.py)", "",
        "One request at a time, server time from the app's own `Server-Timing` header: the "
        "first request of each URL (cold: nothing kept yet), then "
        f"{args.repeat} renders (the URL made new each time with a parameter the app ignores, "
        f"so no kept response can answer), then {args.repeat} requests of the same URL again, "
        "answered from the responses kept until the data changes. Target: under "
        f"{TARGET_MS} ms a page.", "",
        "| page | status | first ms | render median ms | render p95 ms | render max ms | "
        "kept median ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    lines += [f"| {what} | {status} | {first:.1f} | {med:.1f} | {high:.1f} | {top:.1f} | "
              f"{kept:.1f} |" for what, status, first, med, high, top, kept in rows]
    cold = [f"{row[0]} ({row[2]:.0f} ms)" for row in rows if row[2] > TARGET_MS]
    lines += ["", "Every page renders within the target at p95." if not slow else
              f"Over the target at p95: {', '.join(slow)}.", ""]
    if cold:
        lines += [f"First requests over the target: {', '.join(cold)}. A first request pays "
                  "once for what later ones reuse: the request thread's own database "
                  "connection and page cache, the filter menus' counts (kept 30 s), the "
                  "story listings (kept per story version).", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
