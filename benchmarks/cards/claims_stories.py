"""The stories the claims benchmark is measured on, and what in their claim reports gets a
label (shared by ``claims_label.py`` and ``claims_score.py``).

Stories come from ../shared/data, chosen by fixed rules so that anyone gets the same set:

* ``gva``: the first 16 incidents (by id) with 3 or 4 articles of 400 to 8,000 characters
  that speak of shooting: US local news where counts of dead and wounded look alike;
* ``ecbplus``: the first 10 stories (by id), their first 4 articles;
* ``meantime``: the first 8 stories (by id), each an English Wikinews article and its
  Spanish, Italian and Dutch translations.

Items are named by document id and character offsets (``doc:field:start-end``) and never
carry the sentences: the texts stay in ../shared. Per story, at most ``PAIRS_PER_STORY``
aligned pairs are taken (a fixed hash order picks them) and every disagreement.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from pathlib import Path

from storyline.cards.claims import align_claims, article_claims
from storyline.cards.inputs import CardArticle
from storyline.enrich.sentences import split_sentences

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
LABELS = Path(__file__).resolve().parent / "claims_labels.jsonl"
PAIRS_PER_STORY = 3
_SHOOTING = re.compile(r"\b(?:shot|shooting|killed|wounded|gunfire)\b", re.IGNORECASE)


def _read(dataset: str) -> dict[str, list[dict]]:
    stories: dict[str, list[dict]] = defaultdict(list)
    with (DATA / dataset / "docs.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            doc = json.loads(line)
            stories[doc["cluster_id"]].append(doc)
    return stories


def chosen_stories() -> list[tuple[str, list[CardArticle]]]:
    """(``dataset/cluster``, articles) for every story of the benchmark, in a fixed order."""
    chosen = []
    gva = _read("gva")
    usable = [cid for cid in sorted(gva) if 3 <= len(gva[cid]) <= 4 and all(
        400 <= len(d["text"] or "") <= 8000 and _SHOOTING.search(d["text"] or "")
        for d in gva[cid])]
    chosen += [(f"gva/{cid}", gva[cid]) for cid in usable[:16]]
    ecb = _read("ecbplus")
    chosen += [(f"ecbplus/{cid}", ecb[cid][:4]) for cid in sorted(ecb)[:10]]
    meantime = _read("meantime")
    chosen += [(f"meantime/{cid}", meantime[cid]) for cid in sorted(meantime)[:8]]
    return [(name, [_card_article(d) for d in docs]) for name, docs in chosen]


def _card_article(doc: dict) -> CardArticle:
    return CardArticle(doc["doc_id"], doc["text"] or "", doc.get("lang"), doc.get("title"),
                       outlet=doc.get("source") or doc["doc_id"], published=doc.get("date"))


def claim_report(articles: list[CardArticle], encoder) -> dict:
    claims = {a.article_id: article_claims(a, split_sentences(a.text, a.language),
                                           embedder=encoder) for a in articles}
    return align_claims(articles, claims).as_dict()


def ref(source: dict) -> str:
    return f"{source['article_id']}:{source['field']}:{source['start']}-{source['end']}"


def items(story: str, report: dict) -> list[dict]:
    """What gets a label: sampled aligned pairs and every disagreement of one story."""
    pairs = []
    for claim in report["claims"]:
        first, *others = claim["sources"]
        pairs += [{"kind": "pair", "story": story, "a": ref(first), "b": ref(other),
                   "why": claim["why"]} for other in others]
    pairs.sort(key=lambda item: hashlib.sha1(_key(item).encode()).hexdigest())
    found = pairs[:PAIRS_PER_STORY]
    for d in report["disagreements"]:
        found.append({"kind": "disagreement", "story": story, "aspect": d["aspect"],
                      "sides": [[ref(s) for s in side["sources"]] for side in d["sides"]],
                      "values": [side["value"] for side in d["sides"]], "why": d["why"]})
    for item in found:
        item["key"] = _key(item)
    return found


def _key(item: dict) -> str:
    if item["kind"] == "pair":
        return "pair|" + "|".join(sorted([item["a"], item["b"]]))
    return f"disagreement|{item['aspect']}|" + "|".join(
        sorted(side[0] for side in item["sides"]))


def sentence_of(articles: dict[str, CardArticle], reference: str) -> str:
    """The clause a reference names, read from the data (for the labeller's screen)."""
    doc, field, span = reference.rsplit(":", 2)
    start, end = map(int, span.split("-"))
    article = articles[doc]
    text = article.title if field == "title" else article.text
    return (text or "")[start:end]


def read_labels() -> dict[str, dict]:
    if not LABELS.exists():
        return {}
    labels = {}
    for line in LABELS.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            labels[record["key"]] = record
    return labels
