"""Ingest throughput: text (JSONL) and HTML input, on this machine.

Usage:
    python benchmarks/ingest_throughput.py [--articles 100000] [--html 3160] [--write]

Three runs, each into a fresh SQLite file through the full pipeline (read, clean,
metadata, language, outlet boilerplate learning, store):
  1. ../shared/data/gva/docs.jsonl (3,160 real crawled pages, as text records);
  2. the same pages as one HTML file each (paragraphs wrapped in a page template with
     navigation, a cookie banner and a footer), written to a temporary folder;
  3. a generated JSONL of N synthetic articles (default 100,000) from 50 outlets, each
     outlet with its own footer line, so boilerplate learning is exercised at scale.
With --write the figures go to benchmarks/results/ingest_throughput.md with the date.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import platform
import random
import resource
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

from storyline import Engine

ROOT = Path(__file__).resolve().parents[1]
GVA = ROOT.parent / "shared" / "data" / "gva" / "docs.jsonl"
RESULTS = ROOT / "benchmarks" / "results" / "ingest_throughput.md"

_WORDS = ("the city council police officers said on monday that a man was injured after "
          "shooting near street home residents witness investigation hospital county "
          "department reported suspect vehicle fled scene morning evening officials "
          "according statement court charged bridge harbour minister strike workers").split()


def synthetic_jsonl(path: Path, count: int, seed: int = 7) -> None:
    """Write ``count`` synthetic articles: 4-9 paragraphs each, plus an outlet footer."""
    rng = random.Random(seed)
    outlets = [f"outlet{i}.example" for i in range(50)]
    start = date(2024, 1, 1)
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            outlet = rng.choice(outlets)
            paragraphs = [" ".join(rng.choices(_WORDS, k=rng.randint(20, 45))).capitalize() + "."
                          for _ in range(rng.randint(4, 9))]
            paragraphs.append(f"Follow {outlet} on social media for more local news.")
            record = {"title": f"Story {i} " + " ".join(rng.choices(_WORDS, k=6)),
                      "text": "\n\n".join(paragraphs), "source": outlet, "lang": "en",
                      "date": (start + timedelta(days=i % 700)).isoformat(),
                      "url": f"https://{outlet}/news/{i}"}
            out.write(json.dumps(record) + "\n")


def gva_as_html(folder: Path, limit: int) -> int:
    """One HTML page per GVA article, so HTML extraction runs on real article text."""
    written = 0
    with GVA.open(encoding="utf-8") as rows:
        for line in rows:
            rec = json.loads(line)
            paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in rec["text"].split("\n") if p.strip())
            page = (f"<html><head><title>{html.escape(rec['title'] or '')}</title>"
                    f"<meta property='article:published_time' content='{rec['date']}'></head><body>"
                    "<nav><a href='/'>Home</a><a href='/news'>News</a><a href='/weather'>Weather</a></nav>"
                    "<div class='cookie'>We use cookies to improve your experience.</div>"
                    f"<article><h1>{html.escape(rec['title'] or '')}</h1>{paragraphs}</article>"
                    "<footer>Copyright 2016 Example Media. All rights reserved.</footer></body></html>")
            (folder / f"{rec['doc_id']}.html").write_text(page, encoding="utf-8")
            written += 1
            if written >= limit:
                break
    return written


def timed_ingest(paths: list[str], db: Path) -> dict:
    with Engine(db=str(db), cluster=False) as engine:  # cleaning and storage; stories: benchmarks/stories
        report = engine.ingest(paths)
    return {"documents": report.documents, "added": report.added,
            "rejected": len(report.rejected), "seconds": round(report.seconds, 1),
            "articles_per_second": round(report.documents / report.seconds, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--html", type=int, default=3160)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    if not GVA.is_file():
        sys.exit(f"no GVA data at {GVA}")
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        results["gva JSONL (text)"] = timed_ingest([str(GVA)], tmp / "gva.db")
        pages = tmp / "html"
        pages.mkdir()
        gva_as_html(pages, args.html)
        results["gva as HTML pages"] = timed_ingest([str(pages)], tmp / "html.db")
        generated = tmp / "generated.jsonl"
        synthetic_jsonl(generated, args.articles)
        results[f"generated JSONL ({args.articles:,} articles)"] = timed_ingest(
            [str(generated)], tmp / "generated.db")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    report = _markdown(results, peak_mb, args)
    print(report)
    if args.write:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(report, encoding="utf-8")


def _markdown(results: dict, peak_mb: float, args) -> str:
    lines = [f"# Ingest throughput ({date.today().isoformat()})", "",
             f"Command: `python benchmarks/ingest_throughput.py --articles {args.articles} --html {args.html} --write`",
             f"Machine: {os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}, "
             "shared and noisy; one process, one thread for the pipeline.", "",
             "| input | documents | added | rejected | seconds | articles/s |",
             "|---|---:|---:|---:|---:|---:|"]
    for name, r in results.items():
        lines.append(f"| {name} | {r['documents']} | {r['added']} | {r['rejected']} | "
                     f"{r['seconds']} | {r['articles_per_second']} |")
    lines += ["", f"Peak resident memory of the benchmark process: {peak_mb:.0f} MB.",
              "Targets (issue 2): >= 300 articles/s for text input, >= 100/s for HTML."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
