"""Disagreements: one slot (a death toll, a fee, the day talks begin, who said a quote) filled
with different values by different sources.

Candidates are linked when their sentences are related (encoder cosine above a threshold
per aspect) and fill the same slot; each connected set of such links is one slot, and its
values are grouped by equality. A slot with two or more values is a disagreement, unless
every source of one value published on an earlier day than every source of the next: then
the figure changed over time ("2,300 ha" on Saturday, "2,800 ha" on Sunday) and is reported
as an update for the timeline rather than a conflict.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Callable, Mapping, Sequence

import numpy as np

from ..embed.names import name_keys, names
from .claim_anchors import person_keys
from .claims_compare import quote_similarity, slot_pairs, speakers_differ
from .claims_extract import ClaimCandidate, published_date
from .inputs import CardArticle

__all__ = ["Disagreement", "find_disagreements", "RELATED", "SAME_QUOTE"]

logger = logging.getLogger(__name__)

#: Sentence similarity above which two sentences may speak of the same slot, per aspect.
RELATED = {"quantity": 0.55, "casualty": 0.45, "date": 0.62}
#: Quote similarity above which two quotes are the same words. A translation of a quote
#: scores lower than a copy (0.55-0.85 measured on hand translations), so the bar across
#: languages is lower.
SAME_QUOTE = {"same_language": 0.75, "across_languages": 0.52}

_FATE_WORDS = {"killed": "the death toll", "injured": "the number of injured",
               "missing": "the number of missing", "evacuated": "the number evacuated",
               "arrested": "the number arrested"}


@dataclass
class Disagreement:
    aspect: str  # quantity | date | attribution | place
    slot: str  # what the values are of, in words
    sides: list[tuple[str, list[ClaimCandidate]]]  # (value as shown, candidates stating it)
    why: str
    is_update: bool = False
    similarity: float = 0.0
    as_of: list[date | None] = field(default_factory=list)


def find_disagreements(candidates: Sequence[ClaimCandidate], similarity: np.ndarray,
                       articles: Mapping[str, CardArticle]) -> list[Disagreement]:
    """Every slot given different values by different independent sources."""
    found: list[Disagreement] = []
    found += _quantity_disagreements(candidates, similarity, articles)
    found += _date_disagreements(candidates, similarity, articles)
    found += _attribution_disagreements(candidates, similarity, articles)
    return found


# One node is one value stated by one candidate; edges join nodes that fill one slot.
_Node = tuple[int, str]  # (candidate index, value key)


def _quantity_disagreements(candidates, similarity, articles) -> list[Disagreement]:
    edges, labels, slots = [], {}, {}
    for i, j, score in _related_pairs(candidates, similarity, articles, RELATED["casualty"]):
        for qa, qb, slot, _same in slot_pairs(candidates[i], candidates[j]):
            if score < RELATED["casualty" if slot.fate else "quantity"]:
                continue
            na, nb = (i, _value_key(qa)), (j, _value_key(qb))
            labels[na], labels[nb] = qa.text, qb.text
            slots[na] = slots[nb] = slot
            edges.append((na, nb, score))
    return _disagreements_from(edges, candidates, articles, "quantity", labels,
                               lambda node: _slot_words(slots[node]), merge=_close_values)


def _close_values(values: list[str]) -> dict[str, str]:
    """Map each value to the first of a run of values within 3% ("about 3,200", "3,150")."""
    canonical, ordered = {}, sorted(values, key=float)
    for value in ordered:
        anchor = next((c for c in canonical.values()
                       if abs(float(c) - float(value)) <= 0.03 * max(abs(float(c)), 1e-9)),
                      None)
        canonical[value] = anchor or value
    return canonical


def _value_key(quantity) -> str:
    return f"{quantity.value:.6g}"


def _slot_words(slot) -> str:
    if slot.fate:
        return _FATE_WORDS[slot.fate]
    return {"money": f"the amount ({slot.unit})", "percent": "the percentage",
            "measure": f"the measure ({slot.unit})"}.get(slot.kind, f"the number of {slot.unit}")


def _date_disagreements(candidates, similarity, articles) -> list[Disagreement]:
    edges, labels = [], {}
    for i, j, score in _related_pairs(candidates, similarity, articles, RELATED["date"]):
        a, b = candidates[i], candidates[j]
        if len(a.dates) != 1 or len(b.dates) != 1:
            continue
        na, nb = (i, _date_key(a.dates[0])), (j, _date_key(b.dates[0]))
        labels[na], labels[nb] = na[1], nb[1]
        edges.append((na, nb, score))
    return _disagreements_from(edges, candidates, articles, "date", labels,
                               lambda node: "the date of the event", updates=False)


def _date_key(span) -> str:
    if span.first == span.last:
        return span.first.isoformat()
    return f"{span.first.isoformat()}/{span.last.isoformat()}"


def _attribution_disagreements(candidates, similarity, articles) -> list[Disagreement]:
    edges, labels = [], {}
    quoting = [i for i, c in enumerate(candidates) if c.quotes and person_keys(c.speaker)]
    for x, i in enumerate(quoting):
        for j in quoting[x + 1:]:
            a, b = candidates[i], candidates[j]
            if not _independent(a, b, articles):
                continue
            score = quote_similarity(a, b)
            bar = "same_language" if a.language == b.language else "across_languages"
            if score < SAME_QUOTE[bar]:
                continue
            # the same person spelled two ways gets the first spelling's key
            key_a = " ".join(sorted(person_keys(a.speaker)))
            key_b = " ".join(sorted(person_keys(b.speaker))) if speakers_differ(a, b) else key_a
            labels.setdefault((i, key_a), a.speaker)
            labels.setdefault((j, key_b), b.speaker)
            edges.append(((i, key_a), (j, key_b), score))
    return _disagreements_from(edges, candidates, articles, "attribution", labels,
                               lambda node: f"who said \u201c{_short(candidates[node[0]])}\u201d",
                               updates=False)


def _short(candidate: ClaimCandidate, words: int = 10) -> str:
    quote = max(candidate.quotes, key=len).split()
    return " ".join(quote[:words]) + ("…" if len(quote) > words else "")


def _related_pairs(candidates, similarity, articles, threshold):
    rows, cols = np.nonzero(np.triu(similarity >= threshold, k=1))
    for i, j in zip(rows.tolist(), cols.tolist()):
        if _independent(candidates[i], candidates[j], articles):
            yield i, j, float(similarity[i, j])


def _independent(a: ClaimCandidate, b: ClaimCandidate, articles) -> bool:
    """Different articles that are not copies of one wire text."""
    if a.article_id == b.article_id:
        return False
    art_a, art_b = articles.get(a.article_id), articles.get(b.article_id)
    if art_a is None or art_b is None:
        return True
    return art_a.independence_key != art_b.independence_key


def _disagreements_from(edges, candidates, articles, aspect: str, labels: dict,
                        describe: Callable, updates: bool = True,
                        merge: Callable | None = None) -> list[Disagreement]:
    """Connected slots with two or more values become disagreements (or updates)."""
    components = _components(edges)
    found = []
    for nodes, weakest in components:
        canonical = merge([v for _, v in nodes]) if merge else {v: v for _, v in nodes}
        by_value: dict[str, list[int]] = defaultdict(list)
        for index, value in sorted(nodes):
            if index not in by_value[canonical[value]]:
                by_value[canonical[value]].append(index)
        if len(by_value) < 2:
            continue
        sides = sorted(by_value.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        first_label = {canonical[v]: labels[(i, v)] for i, v in sorted(nodes, reverse=True)}
        shown = [(first_label[value], [candidates[i] for i in indices])
                 for value, indices in sides]
        if not _sides_independent(shown, articles):
            continue
        as_of = [_earliest(members, articles) for _, members in shown]
        is_update = updates and _ordered_in_time(shown, articles) and \
            not _attributed_apart(shown)
        slot = describe(next(iter(nodes)))
        found.append(Disagreement(aspect, slot, shown, _why(slot, shown, weakest, is_update),
                                  is_update, weakest, as_of))
    return found


def _components(edges) -> list[tuple[set[_Node], float]]:
    parent: dict[_Node, _Node] = {}

    def root(node):
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for a, b, _ in edges:
        parent[root(a)] = root(b)
    members: dict[_Node, set[_Node]] = defaultdict(set)
    weakest: dict[_Node, float] = {}
    for a, b, score in edges:
        r = root(a)
        members[r] |= {a, b}
        weakest[r] = min(weakest.get(r, 1.0), score)
    return [(nodes, weakest[r]) for r, nodes in members.items()]


def _sides_independent(shown, articles) -> bool:
    """At least two values are each backed by a source the others do not share."""
    keys = [{_key(c, articles) for c in members} for _, members in shown]
    return sum(1 for i, k in enumerate(keys)
               if k - set().union(*(keys[:i] + keys[i + 1:]))) >= 2


def _key(candidate: ClaimCandidate, articles) -> str:
    article = articles.get(candidate.article_id)
    return article.independence_key if article else candidate.article_id


def _earliest(members: Sequence[ClaimCandidate], articles) -> date | None:
    days = [published_date(articles[c.article_id]) for c in members if c.article_id in articles]
    days = [d for d in days if d]
    return min(days) if days else None


def _ordered_in_time(shown, articles) -> bool:
    """Every dated source of each value published on a later day than every dated source of
    the value before it (values sorted by their first day); sources without a date are left
    out, but each value needs at least one dated source."""
    spans = []
    for _, members in shown:
        days = [published_date(articles[c.article_id]) for c in members
                if c.article_id in articles]
        days = [day for day in days if day]
        if not days:
            return False
        spans.append((min(days), max(days)))
    spans.sort()
    return all(earlier[1] < later[0] for earlier, later in zip(spans, spans[1:]))


def _attributed_apart(shown) -> bool:
    """Each value is credited to someone, and no one is credited with two of them (the
    ministry says 12, the governor 14): a conflict of sources, not a figure that grew."""
    credited = []
    for _, members in shown:
        keys = frozenset().union(*(name_keys(names(c.speaker)) for c in members if c.speaker))
        if not keys:
            return False
        credited.append(keys)
    return all(not (a & b) for i, a in enumerate(credited) for b in credited[i + 1:])


def _why(slot: str, shown, similarity: float, is_update: bool) -> str:
    counts = [len({c.article_id for c in members}) for _, members in shown]
    values = " vs ".join(f"{value} ({n} article{'s' if n > 1 else ''})"
                         for (value, _), n in zip(shown, counts))
    if is_update:
        return f"{slot} changed over time, each value published on a later day: {values}"
    return f"related sentences (similarity {similarity:.2f}) give {slot} differently: {values}"
