"""Time to build the claims and summary of a story card, and to update them when one
article joins.

Usage:
    python benchmarks/cards/claims_speed.py [--articles 20] [--write]

Takes the largest story of ../shared/data/ecbplus (real English news articles), its first
N articles as the card and article N+1 as the one that joins. Reports per article: sentence
splitting, claim candidates without the encoder (the per-article work cached at ingest)
and the encoder's share; per card: ``align_claims`` and ``summarize`` over the cached
candidates; per update: the new article's candidates plus a fresh alignment and summary.
Targets (issue 4): candidates well under 50 ms an article without the encoder; alignment of
a 20-article story well under a second.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from results_file import SUMMARY_CLAIMS, write_section  # noqa: E402

from storyline.cards.claims import align_claims, article_claims  # noqa: E402
from storyline.cards.claims_extract import embed_candidates  # noqa: E402
from storyline.cards.inputs import CardArticle  # noqa: E402
from storyline.cards.summary import summarize  # noqa: E402
from storyline.embed.dense import UniversalSentenceEncoder  # noqa: E402
from storyline.enrich.entities import extract_entities  # noqa: E402
from storyline.enrich.sentences import split_sentences  # noqa: E402

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "ecbplus" / "docs.jsonl"


def largest_story(limit: int) -> list[CardArticle]:
    stories = defaultdict(list)
    for line in DATA.open(encoding="utf-8"):
        doc = json.loads(line)
        stories[doc["cluster_id"]].append(doc)
    docs = max(stories.values(), key=len)[:limit]
    return [CardArticle(d["doc_id"], d["text"] or "", d.get("lang") or "en", d.get("title"),
                        outlet=d.get("source")) for d in docs]


def timed(function, *args, **kwargs):
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=20)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    if not DATA.exists():
        sys.exit(f"ecbplus data not found at {DATA}")
    articles = largest_story(args.articles + 1)
    card, joining = articles[:-1], articles[-1]
    encoder = UniversalSentenceEncoder(threads=1)
    encoder.embed(["warm up"])
    extract_entities("Warm up in Paris.", "en")  # load the entity model before timing
    warm = CardArticle("warm", "It rained on Monday, 3 May 2021, the office said.", "en")
    article_claims(warm, split_sentences(warm.text, "en"), embedder=None)  # compile rules
    sentences, split_s = timed(lambda: {a.article_id: split_sentences(a.text, a.language)
                                        for a in articles})
    entities, entities_s = timed(lambda: {a.article_id: (
        extract_entities(a.text, a.language), extract_entities(a.title or "", a.language))
        for a in articles})
    bare, extract_s = timed(lambda: {a.article_id: article_claims(
        a, sentences[a.article_id], embedder=None, entities=entities[a.article_id][0],
        title_entities=entities[a.article_id][1]) for a in articles})
    claims, embed_s = timed(lambda: {k: embed_candidates(v, encoder) if v else []
                                     for k, v in bare.items()})
    card_claims = {a.article_id: claims[a.article_id] for a in card}
    report, align_s = timed(align_claims, card, card_claims, embedder=encoder)
    _, summary_s = timed(summarize, card, sentences, claims=card_claims, embedder=encoder)
    started = time.perf_counter()
    new = article_claims(joining, split_sentences(joining.text, joining.language),
                         embedder=encoder)
    updated = dict(card_claims, **{joining.article_id: new})
    align_claims(articles, updated, embedder=encoder)
    summarize(articles, sentences, claims=updated, embedder=encoder)
    update_s = time.perf_counter() - started
    n = len(articles)
    candidates = sum(len(v) for v in claims.values())
    result = report.as_dict()
    rows = [
        ("split sentences, per article", split_s / n * 1000, "ms"),
        ("entities (spaCy; the card builder has them already), per article",
         entities_s / n * 1000, "ms"),
        ("claim candidates without encoder, given the entities, per article",
         extract_s / n * 1000, "ms"),
        ("encoder for candidates, per article", embed_s / n * 1000, "ms"),
        (f"align_claims, {len(card)}-article card ({candidates} candidates)", align_s, "s"),
        ("summarize from cached candidates", summary_s, "s"),
        ("update when one article joins (its candidates with encoder + align + summary)",
         update_s, "s"),
    ]
    body = "\n".join([
        f"## Time to build and update a card's claims and summary ({date.today().isoformat()})",
        "", f"Command: `python benchmarks/cards/claims_speed.py --articles {args.articles} "
        "--write`", "",
        f"Largest ecbplus story, {len(card)} articles + 1 joining; {candidates} claim "
        f"candidates; result: {len(result['claims'])} claims backed by 2+ sources, "
        f"{len(result['single_source'])} single-source, {len(result['disagreements'])} "
        "disagreements. Shared, noisy 2-core machine; one thread for the encoder.", "",
        "| step | time |", "|---|---:|",
        *[f"| {name} | {value:.3f} {unit} |" if unit == "s" else f"| {name} | {value:.1f} {unit} |"
          for name, value, unit in rows],
    ])
    print(body)
    if args.write:
        print(f"written to {write_section('speed', body, SUMMARY_CLAIMS)}")


if __name__ == "__main__":
    main()
