"""The names() of commit ddd82f1, kept verbatim as a reference: ``storyline.embed.names``
was rewritten for speed (per-word facts and gaps memoised, no object per word) and must
find exactly the same names. Only the imports differ (absolute instead of relative).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

from storyline.embed.latin import to_latin as _to_latin
from storyline.embed.phonetic import phonetic_keys
from storyline.embed.stopwords import stopwords_for

to_latin = lru_cache(maxsize=200_000)(_to_latin)  # a memo of a pure function: words recur

__all__ = ["names", "name_overlap", "name_keys", "key_overlap"]

_WORD = re.compile(r"[^\W_]+")
# What may sit between two words of one name: a space, a hyphen, an apostrophe.
_INNER_GAP = re.compile(r"[ \u00a0]?[-'’]?[ \u00a0]?")
_SENTENCE_END = re.compile(r"[.!?:;…\"“”«»()\[\]|•·–—]")
# Lower-case words that may join the parts of one name (Bank of America, Rio de Janeiro).
_CONNECTORS = frozenset("of de del della di da do dos das du des van von der den la le al bin ibn".split())
_MAX_NAME_WORDS = 5
_NOT_NAMES = frozenset(to_latin(w) for w in """
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday
    januar februar marz juni juli oktober dezember montag dienstag mittwoch donnerstag
    freitag samstag sonntag mr mrs ms dr sr jr""".split())
_ALL_STOPWORDS = stopwords_for(None)
_ABBREVIATED_TITLES = frozenset(
    "mr mrs ms dr st sr jr gen gov sen rep prof sgt lt col capt sra srta dott ing hr fr".split())


@dataclass(frozen=True)
class _Word:
    text: str
    folded: str  # plain-Latin lower case
    ambiguous: bool  # at a sentence start or in a title-case line: capitals prove nothing
    joins: bool  # only a space, hyphen, apostrophe or initial's full stop since the last word


def names(text: str) -> frozenset[str]:
    """Plain-Latin keys of the names in ``text`` ("vladimir putin", "eads")."""
    lower_case = {to_latin(w) for w in _WORD.findall(text) if w.islower()}
    lines = [_words(line, lower_case) for line in text.splitlines()]
    # a capitalised word counts as a name where its capital is ambiguous only if the
    # text also capitalises it where capitals are not ambiguous
    attested = {w.folded for line in lines for w in line
                if not w.ambiguous and _is_capitalised(w.text)}
    found: set[str] = set()
    for line in lines:
        for run in _capitalised_runs(line, attested):
            if len(run) > _MAX_NAME_WORDS:  # a title-case heading, not one name
                found.update(word for word in run if word not in _CONNECTORS)
            else:
                found.add(" ".join(run))
    return frozenset(name for name in found if len(name) > 1)


def _words(line: str, lower_case: set[str]) -> list[_Word]:
    matches = list(_WORD.finditer(line))
    title_case = _is_title_case([m.group() for m in matches], lower_case)
    words: list[_Word] = []
    previous_end, previous = 0, ""
    for match in matches:
        word, gap = match.group(), line[previous_end:match.start()]
        initial = _is_initial(previous, gap)
        sentence_start = not previous or (_SENTENCE_END.search(gap) is not None and not initial)
        joins = bool(previous) and (_INNER_GAP.fullmatch(gap) is not None or initial)
        words.append(_Word(word, to_latin(word), sentence_start or title_case, joins))
        previous_end, previous = match.end(), word
    return words


def _capitalised_runs(line: list[_Word], attested: set[str]) -> list[list[str]]:
    runs: list[list[str]] = [[]]
    for i, word in enumerate(line):
        following = line[i + 1] if i + 1 < len(line) else None
        # "Northrop Grumman" at a sentence start: a capitalised word followed by one whose
        # capital is not ambiguous is taken as the start of a name
        starts_name = (following is not None and following.joins and not following.ambiguous
                       and _is_capitalised(following.text))
        if _is_capitalised(word.text) and _may_be_name(word, attested, starts_name):
            if not (word.joins and runs[-1]):
                runs.append([])
            runs[-1].append(word.folded)
        elif word.folded in _CONNECTORS and word.joins and _may_take_connector(runs[-1], line, i):
            runs[-1].append(word.folded)  # dropped again unless a name word follows
        else:
            runs.append([])
    return [_without_trailing_connectors(run) for run in runs if run]


def _may_take_connector(run: list[str], line: list[_Word], i: int) -> bool:
    """Bank of America, Charles de Gaulle, Ursula von der Leyen: one plain capitalised word,
    then connectors. Not "A380 de Airbus", "CEO van Ford", "Airport Express di Apple",
    which are two names."""
    if not run:
        return False
    if run[-1] in _CONNECTORS:
        return len(run) == 2  # von der
    return len(run) == 1 and line[i - 1].text.istitle() and line[i - 1].text.isalpha()


def _is_capitalised(word: str) -> bool:
    first = word[0]
    return first.isupper() or (first.islower() and any(c.isupper() for c in word[1:]))


def _may_be_name(word: _Word, attested: set[str], starts_name: bool) -> bool:
    if word.folded in _NOT_NAMES:
        return False
    if word.text.isupper() and len(word.text) > 1:
        return True  # an acronym, even when it spells a function word (US, IT)
    if word.folded in _ALL_STOPWORDS:
        return False
    return not word.ambiguous or starts_name or word.folded in attested


def _is_initial(word: str, gap: str) -> bool:
    """True for the "W." of "George W. Bush" or "Mr. Sugar": a full stop that does not end
    a sentence."""
    if gap.strip() != ".":
        return False
    return (len(word) == 1 and word.isupper()) or to_latin(word) in _ABBREVIATED_TITLES


def _is_title_case(words: list[str], lower_case: set[str]) -> bool:
    """A heading In Title Case: nearly every word of four letters or more capitalised,
    including some that the text elsewhere writes in lower case (a sentence dense with
    names has no such words)."""
    long_words = [w for w in words if len(w) > 3]
    capitalised = [w for w in long_words if w[0].isupper()]
    return (4 <= len(long_words) <= 25 and len(capitalised) >= 0.8 * len(long_words)
            and any(to_latin(w) in lower_case for w in capitalised))


def _without_trailing_connectors(run: list[str]) -> list[str]:
    while run and run[-1] in _CONNECTORS:
        run = run[:-1]
    return run


@lru_cache(maxsize=100_000)  # a memo of a pure function: names recur across articles
def _keys_of(name: str) -> frozenset[str]:
    words = [word for word in name.split() if word not in _CONNECTORS]
    spelled = {word for word in words if len(word) > 1}
    sounded = {"~" + key for key in phonetic_keys(" ".join(words))}
    return frozenset(spelled | sounded)


def name_keys(found: Iterable[str]) -> frozenset[str]:
    """The comparison keys of a set of names: each word as spelled ("putin") and its
    phonetic keys ("~ptn"). Connectors ("of", "de") carry none.

    Precompute these once per article (and take the union for a story) when comparing
    many pairs; ``name_overlap`` computes them on every call.
    """
    keys: set[str] = set()
    for name in found:
        keys |= _keys_of(name)
    return frozenset(keys)


def name_overlap(a: Iterable[str], b: Iterable[str]) -> float:
    """How much two sets of names agree, from 0.0 to 1.0, symmetric.

    The Dice coefficient of their ``name_keys``. Keys are per word, so "Obama" meets
    "Barack Obama" and "Presidente Obama"; a word spelled alike matches on both its
    spelling and its sound, one spelled differently ("Moskau", "Moscow") on its sound
    only, so it counts for less. Measured on meantime, ecbplus, gva and SemEval-2022 T8
    this mix separates stories slightly better than either key alone.
    """
    return key_overlap(name_keys(a), name_keys(b))


def key_overlap(keys_a: frozenset[str], keys_b: frozenset[str]) -> float:
    """``name_overlap`` over precomputed ``name_keys``."""
    if not keys_a or not keys_b:
        return 0.0
    return 2 * len(keys_a & keys_b) / (len(keys_a) + len(keys_b))
