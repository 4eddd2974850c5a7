"""Names in a text without an NER model, compared across languages and spellings.

``names(text)`` collects runs of capitalised words ("Northrop Grumman", "Bank of America",
"Путин") and folds each to a plain-Latin key ("northrop grumman", "putin").
``name_overlap(a, b)`` compares two such sets word by word, by spelling and by a coarse
phonetic key (see ``phonetic``), so that "Moscú", "Moskau" and "Москва" can meet.

What is not a name: a capitalised function word ("The", "Die"); a word capitalised only
where capitals prove nothing, at a sentence start or in a Title Case heading ("Officials
said", unless the text also writes "Officials" mid-sentence); month and weekday names;
anything that starts with a digit (numbers go to ``numbers``).
German capitalises every noun, so German texts yield many common nouns as names; they
rarely match across languages, which only dilutes the overlap. Scripts without capitals
(Chinese, Japanese, Arabic, Hebrew, Thai...) yield no names at all.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable, Iterable

from .latin import to_latin as _to_latin
from .phonetic import phonetic_keys
from .stopwords import stopwords_for

to_latin = lru_cache(maxsize=200_000)(_to_latin)  # a memo of a pure function: words recur

__all__ = ["names", "name_overlap", "name_keys", "key_overlap", "rare_name_keys", "weighted_name_keys"]

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


# The text split at words: gap, word, gap, word, ..., gap (the gaps may be empty).
_SPLIT = re.compile(r"([^\W_]+)")
# What one word's spelling tells, whatever its context (see ``_word``): whether its capital
# makes it a name for certain (an acronym), never (a month, a function word), or only when
# unambiguous (``_MAYBE``).
_NEVER, _ALWAYS, _MAYBE = 0, 1, 2


def names(text: str) -> frozenset[str]:
    """Plain-Latin keys of the names in ``text`` ("vladimir putin", "eads")."""
    lower_case = {to_latin(w) for w in set(_WORD.findall(text)) if w.islower()}
    lines = [_words(line, lower_case) for line in text.splitlines()]
    # a capitalised word counts as a name where its capital is ambiguous only if the
    # text also capitalises it where capitals are not ambiguous
    attested = {info[0] for infos, ambiguous, _ in lines
                for info, unsure in zip(infos, ambiguous) if not unsure and info[1]}
    found: set[str] = set()
    for line in lines:
        for run in _capitalised_runs(line, attested):
            if len(run) > _MAX_NAME_WORDS:  # a title-case heading, not one name
                found.update(word for word in run if word not in _CONNECTORS)
            else:
                found.add(" ".join(run))
    return frozenset(name for name in found if len(name) > 1)


@lru_cache(maxsize=200_000)  # a memo of a pure function: words recur
def _word(word: str) -> tuple[str, bool, int, bool, bool, bool]:
    """What the spelling of one word says: its folded form, whether it is capitalised,
    whether a capital makes it a name (``_NEVER``, ``_ALWAYS``, ``_MAYBE``), whether it
    is a connector, whether it is one plain capitalised word ("Bank", not "A380"), and
    whether a full stop after it may be an initial's or a title's ("W.", "Mr.")."""
    folded = to_latin(word)
    if folded in _NOT_NAMES:
        kind = _NEVER
    elif word.isupper() and len(word) > 1:
        kind = _ALWAYS  # an acronym, even when it spells a function word (US, IT)
    elif folded in _ALL_STOPWORDS:
        kind = _NEVER
    else:
        kind = _MAYBE
    initial = (len(word) == 1 and word.isupper()) or folded in _ABBREVIATED_TITLES
    return (folded, _is_capitalised(word), kind, folded in _CONNECTORS,
            word.istitle() and word.isalpha(), initial)


@lru_cache(maxsize=20_000)  # gaps between words are few: " ", ", ", ". ", " - "
def _gap(gap: str) -> tuple[bool, bool, bool]:
    """Whether a gap between two words is a lone full stop (an initial's, perhaps), holds
    a sentence end, and may sit inside one name (a space, a hyphen, an apostrophe)."""
    return (gap.strip() == ".", _SENTENCE_END.search(gap) is not None,
            _INNER_GAP.fullmatch(gap) is not None)


def _words(line: str, lower_case: set[str]) -> tuple[list[tuple], list[bool], list[bool]]:
    """The words of one line (``_word`` of each), and for each whether its capital is
    ambiguous (at a sentence start or in a title-case line: capitals prove nothing) and
    whether it joins the word before (only a space, hyphen, apostrophe or an initial's
    full stop between them)."""
    parts = _SPLIT.split(line)
    words = parts[1::2]
    if not words:
        return [], [], []
    infos = [_word(w) for w in words]
    title_case = _is_title_case(words, lower_case)
    ambiguous, joins = [True], [False]  # the first word starts a sentence
    for i in range(1, len(words)):
        dot, ends, inner = _gap(parts[2 * i])
        initial = dot and infos[i - 1][5]
        ambiguous.append(title_case or (ends and not initial))
        joins.append(inner or initial)
    return infos, ambiguous, joins


def _capitalised_runs(line: tuple[list[tuple], list[bool], list[bool]],
                      attested: set[str]) -> list[list[str]]:
    infos, ambiguous, joins = line
    runs: list[list[str]] = [[]]
    last = len(infos) - 1
    for i, (folded, capitalised, kind, connector, _, _) in enumerate(infos):
        if capitalised and kind != _NEVER and (
                kind == _ALWAYS or not ambiguous[i] or folded in attested
                # "Northrop Grumman" at a sentence start: a capitalised word followed by
                # one whose capital is not ambiguous is taken as the start of a name
                or (i < last and joins[i + 1] and not ambiguous[i + 1] and infos[i + 1][1])):
            if not (joins[i] and runs[-1]):
                runs.append([])
            runs[-1].append(folded)
        elif connector and joins[i] and _may_take_connector(runs[-1], infos, i):
            runs[-1].append(folded)  # dropped again unless a name word follows
        elif runs[-1]:
            runs.append([])
    return [_without_trailing_connectors(run) for run in runs if run]


def _may_take_connector(run: list[str], infos: list[tuple], i: int) -> bool:
    """Bank of America, Charles de Gaulle, Ursula von der Leyen: one plain capitalised word,
    then connectors. Not "A380 de Airbus", "CEO van Ford", "Airport Express di Apple",
    which are two names."""
    if not run:
        return False
    if run[-1] in _CONNECTORS:
        return len(run) == 2  # von der
    return len(run) == 1 and infos[i - 1][4]


def _is_capitalised(word: str) -> bool:
    first = word[0]
    return first.isupper() or (first.islower() and any(c.isupper() for c in word[1:]))


def _is_title_case(words: list[str], lower_case: set[str]) -> bool:
    """A heading In Title Case: nearly every word of four letters or more capitalised,
    including some that the text elsewhere writes in lower case (a sentence dense with
    names has no such words)."""
    long_words = [w for w in words if len(w) > 3]
    if not 4 <= len(long_words) <= 25:
        return False
    capitalised = [w for w in long_words if w[0].isupper()]
    return (len(capitalised) >= 0.8 * len(long_words)
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


def weighted_name_keys(found: Iterable[str], weight: Callable[[str], float]) -> dict[str, float]:
    """``name_keys`` with a weight each: a word's spelling and its phonetic keys weigh
    ``weight(word)`` (how rare the word is: "Marksville" tells a story apart, "Chicago"
    hardly), the most of those words where keys coincide."""
    keys: dict[str, float] = {}
    for name in found:
        for word in name.split():
            if word in _CONNECTORS:
                continue
            value = weight(word)
            for key in _word_keys(word):
                keys[key] = max(keys.get(key, 0.0), value)
    return keys


def rare_name_keys(words: Iterable[str]) -> frozenset[str]:
    """The keys rare name words are compared by (the story engine's ``rare`` signal): each
    word's spelling and its phonetic keys of three consonants or more, so that a name
    spelled apart across languages ("Tarvonia", "Tarvonien") is shared by its sound and
    one spelled alike by its spelling too; a key of two consonants ("~kn") is shared by
    too many other names."""
    return frozenset(key for word in words for key in _word_keys(word)
                     if not key.startswith("~") or len(key) > 3)


@lru_cache(maxsize=65536)  # names recur from article to article
def _word_keys(word: str) -> tuple[str, ...]:
    """A name word's keys: its spelling (two letters or more) and its phonetic keys."""
    return tuple(([word] if len(word) > 1 else []) + sorted("~" + k for k in phonetic_keys(word)))


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
