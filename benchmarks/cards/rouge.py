"""ROUGE-1/2/L of story summaries against the NeuS/AllSides editors' neutral summaries.

Usage:
    python benchmarks/cards/rouge.py [--split test] [--limit 0] [--count 2] [--write]

Each cluster holds three articles (left, centre, right outlet; title + lead). The reference
is the editor-written roundup (~55 words). Compared in the same run:
  * storyline: ``storyline.cards.summary.summarize`` over the leads, with the multilingual
    sentence encoder, ``--count`` sentences (references are two to three sentences long);
  * lead-3: the first three sentences of the first article;
  * first sentence of each article (lead-1 per source).

ROUGE here is our own implementation, documented so figures can be checked: tokens are
lower-cased runs of letters and digits (no stemming, no stopword removal); ROUGE-N F1 is
the harmonic mean of clipped n-gram precision and recall; ROUGE-L F1 uses the longest
common subsequence of the two token lists. Scores are averaged over clusters (macro).
Nothing was tuned on this set: the summary weights were set on the demo corpus.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from results_file import SUMMARY_CLAIMS, write_section  # noqa: E402

from storyline.cards.inputs import CardArticle  # noqa: E402
from storyline.cards.summary import summarize  # noqa: E402
from storyline.embed.dense import UniversalSentenceEncoder  # noqa: E402
from storyline.enrich.sentences import split_sentences  # noqa: E402

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "neus_allsides"


def tokens(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", text.lower())


def rouge_n(candidate: list[str], reference: list[str], n: int) -> float:
    grams = lambda words: Counter(tuple(words[i:i + n]) for i in range(len(words) - n + 1))  # noqa: E731
    cand, ref = grams(candidate), grams(reference)
    overlap = sum((cand & ref).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(cand.values()), overlap / sum(ref.values())
    return 2 * precision * recall / (precision + recall)


def rouge_l(candidate: list[str], reference: list[str]) -> float:
    if not candidate or not reference:
        return 0.0
    previous = [0] * (len(reference) + 1)
    for word in candidate:
        current = [0]
        for j, ref_word in enumerate(reference, 1):
            current.append(previous[j - 1] + 1 if word == ref_word
                           else max(previous[j], current[j - 1]))
        previous = current
    lcs = previous[-1]
    if not lcs:
        return 0.0
    precision, recall = lcs / len(candidate), lcs / len(reference)
    return 2 * precision * recall / (precision + recall)


def load(split: str, limit: int):
    clusters = defaultdict(list)
    for line in (DATA / "docs.jsonl").open(encoding="utf-8"):
        doc = json.loads(line)
        if doc.get("split") == split:
            clusters[doc["cluster_id"]].append(doc)
    references = {}
    for line in (DATA / "summaries.jsonl").open(encoding="utf-8"):
        ref = json.loads(line)
        if ref["cluster_id"] in clusters:
            references[ref["cluster_id"]] = ref["summary"]
    ids = sorted(c for c in clusters if c in references)
    return [(clusters[c], references[c]) for c in (ids[:limit] if limit else ids)]


def systems(docs, encoder, count):
    articles = [CardArticle(d["doc_id"], d["text"] or "", "en", d.get("title")) for d in docs]
    sentences = {a.article_id: split_sentences(a.text, "en") for a in articles}
    ours = summarize(articles, sentences, count=count, embedder=encoder)
    first = sentences[articles[0].article_id]
    return {
        f"storyline summarize (count={count})": " ".join(s.text for s in ours),
        "lead-3 of the first article": " ".join(s.text for s in first[:3]),
        "first sentence of each article": " ".join(
            sentences[a.article_id][0].text for a in articles if sentences[a.article_id]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", default="val", help="train or val (test is held out)")
    parser.add_argument("--limit", type=int, default=0, help="clusters (0: all of the split)")
    parser.add_argument("--count", type=int, default=2)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    if not DATA.is_dir():
        sys.exit(f"NeuS/AllSides data not found at {DATA}")
    clusters = load(args.split, args.limit)
    if not clusters:
        sys.exit(f"no clusters with a reference in split {args.split!r}")
    encoder = UniversalSentenceEncoder()
    scores = defaultdict(lambda: [0.0, 0.0, 0.0])
    started = time.perf_counter()
    for docs, reference in clusters:
        ref = tokens(reference)
        for name, text in systems(docs, encoder, args.count).items():
            cand = tokens(text)
            for k, value in enumerate((rouge_n(cand, ref, 1), rouge_n(cand, ref, 2),
                                       rouge_l(cand, ref))):
                scores[name][k] += value
    seconds = time.perf_counter() - started
    rows = [f"| {name} | {r1 / len(clusters):.3f} | {r2 / len(clusters):.3f} | "
            f"{rl / len(clusters):.3f} |" for name, (r1, r2, rl) in scores.items()]
    body = "\n".join([
        f"## Summary ROUGE against NeuS/AllSides roundups ({date.today().isoformat()})", "",
        f"Command: `python benchmarks/cards/rouge.py --split {args.split} --count {args.count}"
        f"{' --limit ' + str(args.limit) if args.limit else ''} --write`", "",
        f"{len(clusters)} clusters of the `{args.split}` split, three articles each (title + "
        "lead), one editor-written reference each; ROUGE F1, macro-averaged, own "
        "implementation (lower-cased word tokens, no stemming; see the script's docstring). "
        f"{seconds:.1f} s for all systems.", "",
        "| system | ROUGE-1 | ROUGE-2 | ROUGE-L |", "|---|---:|---:|---:|", *rows, "",
        "Nothing was tuned on this data; the summary's weights and thresholds were set on "
        "the demo corpus.",
    ])
    print(body)
    if args.write:
        print(f"written to {write_section('rouge', body, SUMMARY_CLAIMS)}")


if __name__ == "__main__":
    main()
