"""How two claim candidates compare: sentence similarity and agreement of their anchors.

Shared by alignment (same claim?) and disagreement detection (same slot, other value?).
Numbers are only compared when they measure the same thing: same kind and unit and, for
counts of people, the same fate (killed, injured, missing, evacuated, arrested), and only
once the values both sentences share have been set aside: "the rate was cut to 4.25% as
inflation fell to 2.8%" and "inflation stood at 2.8%" do not disagree about anything.
"""

from __future__ import annotations

import re
import zlib
from functools import lru_cache
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..embed.names import key_overlap, name_keys
from ..embed.stopwords import stopwords_for
from ..enrich.number_words import number_word_pattern
from ..enrich.quantities import Quantity
from .claim_anchors import DateSpan, person_keys
from .claims_extract import ClaimCandidate

__all__ = ["Slot", "candidate_vectors", "quantity_slot", "same_value", "shared_anchors",
           "slot_pairs", "differing_amounts", "date_difference", "quote_similarity",
           "speaker_people", "speakers_differ", "places_differ", "same_place"]

#: Quantity kinds that state an amount; years, ordinals and durations are compared elsewhere
#: or not at all ("second visit in six months" is a fact of its own, not an amount).
AMOUNT_KINDS = frozenset({"money", "percent", "count", "measure"})

# Words of each fate, matched at the start of a word ("die" in "medie" is no death).
_FATES = [
    ("killed", r"kill|dead|death|died|dies|fatalit|lives|bodies|muert|fallec|murier|"
               r"tote|tot\b|töt|getötet|ums leben|starb|gestorben|todesopfer|погиб|"
               r"смерт|жертв|скончал|убит"),
    ("injured", r"injur|wound|hurt|hospital|herid|lesionad|hospitaliz|verletz|"
                r"пострадав|ранен|травм|госпитал"),
    ("missing", r"missing|desaparec|vermisst|пропа"),
    ("evacuated", r"evacu|desaloj|in sicherheit|эвакуир"),
    ("arrested", r"arrest|detain|detenid|festgenommen|verhaftet|задержа|арестова"),
]
_FATE_PATTERNS = [(name, re.compile(r"(?<!\w)(?:" + words + ")", re.IGNORECASE))
                  for name, words in _FATES]


@dataclass(frozen=True)
class Slot:
    kind: str
    unit: str | None
    fate: str | None  # for counts of people


def quantity_slot(candidate: ClaimCandidate, quantity: Quantity) -> Slot | None:
    if quantity.kind not in AMOUNT_KINDS:
        return None
    fate = None
    if quantity.kind == "count":
        fate = _nearest_fate(candidate, quantity)
        if quantity.unit is None and fate is None:
            return None  # a bare number: we cannot tell what it counts
        if fate is not None:  # "injures 11": the dead, hurt, missing are people
            return Slot("count", "people", fate)
    return Slot(quantity.kind, quantity.unit, fate)


def _nearest_fate(candidate: ClaimCandidate, quantity: Quantity) -> str | None:
    """The fate this number counts: that of the nearest fate word the number owns. A fate
    word belongs to the nearest number before it ("four others were hurt", "12 people
    died"), else to the nearest after it ("injuring 11 workers", "погибли 12 человек"), so
    that in "one man was killed and four others were hurt when two gunmen opened fire"
    the killed are one, the hurt four, and the gunmen nobody."""
    text = candidate.text
    numbers = [m.span() for m in _NUMBER_TOKEN.finditer(text)]
    own = _span(text, quantity)
    best, distance = None, None
    for name, pattern in _FATE_PATTERNS:
        for match in pattern.finditer(text):
            owner = _owner(numbers, match.span())
            if owner is not None and own[0] <= owner[0] < own[1]:
                gap = max(0, match.start() - own[1], own[0] - match.end())
                if distance is None or gap < distance:
                    best, distance = name, gap
    return best


_NUMBER_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|(?<!\w)(?:" + number_word_pattern()
                           + r"|one|un|una|uno|ein|eine|einer|один|одна|одного)(?!\w)",
                           re.IGNORECASE)


def _owner(numbers: list[tuple[int, int]], fate: tuple[int, int]) -> tuple[int, int] | None:
    before = [n for n in numbers if n[1] <= fate[0] and fate[0] - n[1] <= 40]
    if before:
        return max(before)
    after = [n for n in numbers if n[0] >= fate[1] and n[0] - fate[1] <= 30]
    return min(after) if after else None


def _span(text: str, quantity: Quantity) -> tuple[int, int]:
    start = max(text.find(quantity.text), 0)
    return start, start + len(quantity.text)


def same_value(a: Quantity, b: Quantity) -> bool:
    """Equal within rounding; "about", "around" allow 5%."""
    tolerance = 0.05 if "approx" in (a.qualifier, b.qualifier) else 0.005
    scale = max(abs(a.value), abs(b.value), 1e-9)
    return abs(a.value - b.value) / scale <= tolerance


def slot_pairs(a: ClaimCandidate, b: ClaimCandidate
               ) -> list[tuple[Quantity, Quantity, Slot, bool]]:
    """Amounts of two sentences that fill the same slot: (a's, b's, slot, same value?).

    A slot is compared only when each sentence gives exactly one amount for it; a sentence
    with two ("rose from 12 to 14", "4.25% ... 2.8%") is ambiguous and left alone.
    """
    slots_a, slots_b = _by_slot(a), _by_slot(b)
    pairs = []
    for slot in slots_a.keys() & slots_b.keys():
        if len(slots_a[slot]) == 1 and len(slots_b[slot]) == 1:
            qa, qb = slots_a[slot][0], slots_b[slot][0]
            pairs.append((qa, qb, slot, same_value(qa, qb)))
    return pairs


def differing_amounts(a: ClaimCandidate, b: ClaimCandidate) -> bool:
    """Whether two sentences give one slot different values (and so cannot be one claim)."""
    return any(not same for *_, same in slot_pairs(a, b))


@lru_cache(maxsize=8192)  # a memo of a pure function: each candidate meets many others
def _by_slot(candidate: ClaimCandidate) -> dict[Slot, tuple[Quantity, ...]]:
    grouped: dict[Slot, tuple[Quantity, ...]] = {}
    for quantity in candidate.quantities:
        slot = quantity_slot(candidate, quantity)
        if slot is not None and quantity.qualifier != "range":
            grouped[slot] = grouped.get(slot, ()) + (quantity,)
    return grouped


def has_amount(candidate: ClaimCandidate) -> bool:
    """Whether the candidate states an amount we can tell the slot of."""
    return bool(_by_slot(candidate))


def date_difference(a: ClaimCandidate, b: ClaimCandidate) -> tuple[DateSpan, DateSpan] | None:
    """The two dates when each sentence gives exactly one date and they differ; a day
    inside the other's range does not differ ("June 18 and 19", "on Tuesday [18]")."""
    if len(a.dates) != 1 or len(b.dates) != 1:
        return None
    da, db = a.dates[0], b.dates[0]
    if (da.first, da.last) == (db.first, db.last) or _day_within(da, db) or _day_within(db, da):
        return None
    return da, db


def _day_within(day: DateSpan, span: DateSpan) -> bool:
    return day.first == day.last and span.first <= day.first <= span.last


def places_differ(a: ClaimCandidate, b: ClaimCandidate) -> bool:
    """Two sentences of one language that each name one place the other does not ("in
    Brannock", "in Kelby"). Across languages names are often exonyms (Geneva, Ginebra),
    so they are not compared."""
    if a.language != b.language:
        return False
    only_a = [p for p in a.places if not same_place(p, b.places)]
    only_b = [p for p in b.places if not same_place(p, a.places)]
    return len(only_a) == 1 and len(only_b) == 1


def same_place(place: str, others: Sequence[str]) -> bool:
    """Whether ``place`` is one of ``others``, spelling variants included."""
    return any(key_overlap(name_keys([place]), name_keys([o])) >= 0.5 for o in others)


def shared_anchors(a: ClaimCandidate, b: ClaimCandidate) -> list[str]:
    """What two sentences pin down alike: amounts, dates, names, quotes (for "why")."""
    reasons = []
    shared_amounts = sum(1 for *_, same in slot_pairs(a, b) if same)
    if shared_amounts:
        reasons.append(f"{shared_amounts} amount(s) alike")
    ordinals = {q.value for q in a.quantities if q.kind in ("ordinal", "duration")}
    if ordinals & {q.value for q in b.quantities if q.kind in ("ordinal", "duration")}:
        reasons.append("same ordinal or duration")
    if {(d.first, d.last) for d in a.dates} & {(d.first, d.last) for d in b.dates}:
        reasons.append("same date")
    phrase = shared_phrase(a, b)
    if phrase:
        reasons.append(f"same phrase \u201c{phrase}\u201d")
    common = set(a.names) & set(b.names)
    if len(common) >= 1 or key_overlap(name_keys(a.names), name_keys(b.names)) >= 0.5:
        reasons.append("names " + ", ".join(sorted(common)[:3]) if common else "names alike")
    return reasons


def shared_phrase(a: ClaimCandidate, b: ClaimCandidate) -> str | None:
    """A two-word phrase of content words both clauses use ("joint statement"), not a name."""
    if a.language != b.language:
        return None
    common = _content_bigrams(a.text, a.language) & _content_bigrams(b.text, b.language)
    return min(common) if common else None


@lru_cache(maxsize=8192)
def _content_bigrams(text: str, language: str | None) -> frozenset[str]:
    stop = stopwords_for(language)
    words = re.findall(r"[^\W\d_]{3,}", text)
    return frozenset(f"{x.lower()} {y.lower()}" for x, y in zip(words, words[1:])
                     if x.lower() not in stop and y.lower() not in stop
                     and not (x[0].isupper() and y[0].isupper()))


def quote_similarity(a: ClaimCandidate, b: ClaimCandidate) -> float:
    """How alike the quotes of two sentences are (0 when either quotes nobody)."""
    if not a.quotes or not b.quotes:
        return 0.0
    if a.quote_vector is not None and b.quote_vector is not None:
        return float(np.dot(a.quote_vector, b.quote_vector))
    return _word_overlap(max(a.quotes, key=len), max(b.quotes, key=len))


def speaker_people(candidate: ClaimCandidate) -> tuple[str, ...]:
    """Entity keys of the people the candidate's speaker phrase names (capitalised words
    for candidates cached before entities were read)."""
    return candidate.speaker_keys or tuple(sorted(person_keys(candidate.speaker)))


def speakers_differ(a: ClaimCandidate, b: ClaimCandidate) -> bool:
    """Both sentences name a person as the speaker, and not the same person: no name word
    in common, even phonetically ("Xi" and "Xi Jinping" are one person). An organisation
    and its spokesperson never differ: both may well have said it."""
    keys_a, keys_b = speaker_people(a), speaker_people(b)
    return bool(keys_a and keys_b) and key_overlap(name_keys(keys_a), name_keys(keys_b)) == 0


def _word_overlap(a: str, b: str) -> float:
    words_a, words_b = set(_words(a)), set(_words(b))
    if not words_a or not words_b:
        return 0.0
    return len(words_a & words_b) / min(len(words_a), len(words_b))


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W_]{3,}", text.lower())


def candidate_vectors(candidates: Sequence[ClaimCandidate]) -> np.ndarray:
    """Unit vectors, one row per candidate: the encoder's when every candidate has one,
    else hashed word vectors (same-language only, but needs no model)."""
    if candidates and all(c.vector is not None for c in candidates):
        rows = np.vstack([c.vector for c in candidates]).astype(np.float32)
    else:
        rows = np.vstack([_hashed(c.text) for c in candidates]) if candidates else \
            np.zeros((0, 1), dtype=np.float32)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return rows / np.maximum(norms, 1e-9)


def _hashed(text: str, dimension: int = 1024) -> np.ndarray:
    row = np.zeros(dimension, dtype=np.float32)
    words = _words(text)
    for token in words + [f"{x} {y}" for x, y in zip(words, words[1:])]:
        row[zlib.crc32(token.encode("utf-8")) % dimension] += 1.0
    return row
