"""Disagreements: one slot (a death toll, a fee, the day talks begin, where it happened, who
said a quote) filled with different values by different sources.

Candidates are linked when their sentences are related (encoder cosine above a threshold
per aspect) and fill the same slot; ``claims_slots`` turns the links into disagreements.
Amounts and quotes are compared here, dates and places in ``claims_when_where``.
"""

from __future__ import annotations

import logging
from typing import Mapping, Sequence

import numpy as np

from .claims_compare import quote_similarity, slot_pairs, speaker_people, speakers_differ
from .claims_extract import ClaimCandidate, published_date
from .claims_slots import Disagreement, disagreements_from, independent, related_pairs
from .claims_when_where import RELATED_DATE, RELATED_PLACE, date_disagreements, \
    place_disagreements
from .inputs import CardArticle

__all__ = ["Disagreement", "find_disagreements", "RELATED", "SAME_QUOTE"]

logger = logging.getLogger(__name__)

#: Sentence similarity above which two sentences may speak of the same slot, per aspect.
RELATED = {"quantity": 0.55, "casualty": 0.45, "date": RELATED_DATE, "place": RELATED_PLACE}
#: Quote similarity above which two quotes are the same words. A translation of a quote
#: scores lower than a copy (0.55-0.85 measured on hand translations), so the bar across
#: languages is lower.
SAME_QUOTE = {"same_language": 0.75, "across_languages": 0.52}

_FATE_WORDS = {"killed": "the death toll", "injured": "the number of injured",
               "missing": "the number of missing", "evacuated": "the number evacuated",
               "arrested": "the number arrested"}


def find_disagreements(candidates: Sequence[ClaimCandidate], similarity: np.ndarray,
                       articles: Mapping[str, CardArticle]) -> list[Disagreement]:
    """Every slot given different values by different independent sources."""
    found: list[Disagreement] = []
    found += _quantity_disagreements(candidates, similarity, articles)
    found += date_disagreements(candidates, similarity, articles)
    found += place_disagreements(candidates, similarity, articles)
    found += _attribution_disagreements(candidates, similarity, articles)
    return found


def _quantity_disagreements(candidates, similarity, articles) -> list[Disagreement]:
    edges, labels, slots = [], {}, {}
    elsewhen = {i for i, c in enumerate(candidates) if _of_another_year(c, articles)}
    for i, j, score in related_pairs(candidates, similarity, articles, RELATED["casualty"]):
        if i in elsewhen or j in elsewhen:
            continue
        for qa, qb, slot, _same in slot_pairs(candidates[i], candidates[j]):
            if score < RELATED["casualty" if slot.fate else "quantity"]:
                continue
            na, nb = (i, _value_key(qa)), (j, _value_key(qb))
            labels[na], labels[nb] = qa.text, qb.text
            slots[na] = slots[nb] = slot
            edges.append((na, nb, score))
    return disagreements_from(edges, candidates, articles, "quantity", labels,
                               lambda node: _slot_words(slots[node]), merge=_close_values)


def _of_another_year(candidate: ClaimCandidate, articles) -> bool:
    """The clause names years, none of them its article's: it speaks of an earlier event
    ("a shooting that wounded two in December of 2013" in a 2015 report)."""
    years = {int(q.value) for q in candidate.quantities if q.kind == "year"}
    article = articles.get(candidate.article_id)
    published = published_date(article) if article else None
    return bool(years) and published is not None and published.year not in years


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


def _attribution_disagreements(candidates, similarity, articles) -> list[Disagreement]:
    """Quotes of one person's words (alike quotes, across languages too) credited to
    different people."""
    edges, labels = [], {}
    quoting = [i for i, c in enumerate(candidates) if c.quotes and speaker_people(c)]
    pairs = [(i, j, quote_similarity(candidates[i], candidates[j]))
             for x, i in enumerate(quoting) for j in quoting[x + 1:]
             if independent(candidates[i], candidates[j], articles)]
    pairs = [(i, j, score) for i, j, score in pairs if score >= SAME_QUOTE[
        "same_language" if candidates[i].language == candidates[j].language
        else "across_languages"]]
    person = _people([i for i, j, _ in pairs] + [j for i, j, _ in pairs], candidates)
    for i, j, score in pairs:
        na, nb = (i, person[i]), (j, person[j])
        labels.setdefault(na, candidates[i].speaker)
        labels.setdefault(nb, candidates[j].speaker)
        edges.append((na, nb, score))
    return disagreements_from(edges, candidates, articles, "attribution", labels,
                              lambda node: f"who said \u201c{_short(candidates[node[0]])}\u201d",
                              updates=False)


def _people(indices: list[int], candidates) -> dict[int, str]:
    """One identity per speaker: the speakers of two candidates are one person unless
    their names share nothing ("Inés Corbalán", "union leader Corbalán" are one)."""
    identity: dict[int, str] = {}
    for i in dict.fromkeys(indices):
        same = next((k for k in identity if not speakers_differ(candidates[i], candidates[k])),
                    None)
        identity[i] = identity[same] if same is not None else " ".join(
            speaker_people(candidates[i]))
    return identity


def _short(candidate: ClaimCandidate, words: int = 10) -> str:
    quote = max(candidate.quotes, key=len).split()
    return " ".join(quote[:words]) + ("…" if len(quote) > words else "")


