"""The role a text gives a person, read from the words around the name.

Three patterns, in every supported language:

- a title before the name: "ministry spokeswoman Hua Chunying", "el presidente ruso
  Vladimir Putin", "Bundeskanzler Olaf Scholz", "губернатор Аркадий Белоусов";
- an apposition before it: "another spokesman, Wang Wenbin", "la secretaria general del
  sindicato, Inés Corbalán";
- an apposition after it: "Inés Corbalán, union secretary general, said", "Anton Dubrovin,
  a spokesman for the ministry".

A phrase counts as a role only if it holds a role noun (``entity_words.ROLE_NOUNS``), so
"told reporters Hua Chunying" gives none.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .entity_words import (ROLE_BOUNDARY, ROLE_MODIFIERS, ROLE_PHRASES, SPEECH_VERBS,
                           is_organisation_word, role_nouns)

_WORD = re.compile(r"[^\W\d_][\w'’.-]*|\d+")
_CLAUSE_BREAK = re.compile(r"[.!?;:()\[\]\"“”«»\n]")
_MAX_ROLE_WORDS = 5
# adjectives in the languages with role rules: "regional", "russo", "französischen", "ruso"
_ADJECTIVE_ENDINGS = ("al", "an", "ian", "ese", "ish", "ic", "ical", "ary", "ior", "ive", "ral",
                      "ischen", "ische", "ischer", "isches", "o", "a", "os", "as", "ый", "ий",
                      "ой", "ая", "ого", "ен", "ени")
_APPOSITION_AFTER = re.compile(r",\s+([^,.;:()\n]{3,80})[,.;]")


def find_role(text: str, start: int, end: int, language: str | None) -> str | None:
    """The role stated for the person named at ``text[start:end]``, or ``None``."""
    nouns = role_nouns(language)
    return (_title_before(text, start, nouns) or _apposition_before(text, start, nouns)
            or _apposition_after(text, end, nouns))


def _title_before(text: str, start: int, nouns: frozenset[str]) -> str | None:
    """Words directly before the name, back to a boundary word or a comma. A title with
    no determiner before it ("which suits coach Stefan Rautenberg", "signed striker Mateo
    Ibarrola") keeps only the words that can qualify a role: role nouns, capitalised words,
    institutions and adjectives ("Adlerburg coach", "ministry spokeswoman", "französischen
    Präsidenten")."""
    before = _clause_tail(text, start)
    if before.rstrip() != before.rstrip(" ,") or not before.endswith((" ", "\u00a0")):
        return None  # a comma right before the name: an apposition, not a title
    words = _words_back(before)
    heads = [i for i, word in enumerate(words) if is_role_word(word, nouns)]
    if not heads:
        return None
    first = heads[-1]  # what follows the role noun qualifies it ("Губернатор области")
    while first and _may_qualify_role(words[first - 1], nouns):
        first -= 1
    return _role_in(words[first:], nouns)


def _may_qualify_role(word: str, nouns: frozenset[str]) -> bool:
    folded = word.lower().strip(",.")
    return (word[:1].isupper() or is_role_word(word, nouns) or is_organisation_word(word)
            or folded in ROLE_MODIFIERS or folded.endswith(_ADJECTIVE_ENDINGS))


def _apposition_before(text: str, start: int, nouns: frozenset[str]) -> str | None:
    before = _clause_tail(text, start).rstrip()
    if not before.endswith(","):
        return None
    return _role_in(_words_back(before[:-1]), nouns)


def _apposition_after(text: str, end: int, nouns: frozenset[str]) -> str | None:
    match = _APPOSITION_AFTER.match(text[end:end + 90])
    if not match:
        return None
    words = match.group(1).split()
    while words and words[0].lower() in ROLE_BOUNDARY:
        words = words[1:]
    if not words or len(words) > 8 or not _holds_role(words, nouns):
        return None
    if any(w.lower().strip(",.") in SPEECH_VERBS for w in words):
        return None  # "Peñarrubia, agency spokeswoman Lucía Ferrándiz told reporters": a clause
    return " ".join(words)


def _clause_tail(text: str, start: int) -> str:
    window = text[max(0, start - 120):start]
    breaks = list(_CLAUSE_BREAK.finditer(window))
    return window[breaks[-1].end():] if breaks else window


def _words_back(phrase: str) -> list[str]:
    """The last words of ``phrase``, back to a boundary word, a comma, or five words."""
    taken: list[str] = []
    for word in reversed(phrase.split()):
        if word.endswith(",") or word.lower() in ROLE_BOUNDARY or len(taken) == _MAX_ROLE_WORDS:
            break
        taken.insert(0, word)
    return taken


def _role_in(words: list[str], nouns: frozenset[str]) -> str | None:
    """The phrase from its first word to its last role noun, if it holds one."""
    if not _holds_role(words, nouns):
        return None
    last = max(i for i, w in enumerate(words) if is_role_word(w, nouns))
    tail = words[last + 1:]
    # what follows the last role noun must qualify it ("presidente ruso", "представитель МИД")
    if len(tail) > 2:
        return None
    return " ".join(words).strip(" ,")


def _holds_role(words: list[str], nouns: frozenset[str]) -> bool:
    phrase = " ".join(words).lower()
    return any(p in phrase for p in ROLE_PHRASES) or any(is_role_word(w, nouns) for w in words)


def is_role_word(word: str, nouns: frozenset[str]) -> bool:
    folded = word.lower().strip(",.'’").removesuffix("'s").removesuffix("’s")
    # German compounds end in their role: "Regierungssprecherin", "Gewerkschaftschef"
    # German inflects them: "den Präsidenten"
    stems = (folded, folded[:-1], folded[:-2])
    return any(stem in nouns for stem in stems) or folded.endswith(_compound_heads(nouns))


@lru_cache(maxsize=16)  # one per noun set (a frozenset caches its own hash)
def _compound_heads(nouns: frozenset[str]) -> tuple[str, ...]:
    """Role nouns long enough to end a compound without chance matches."""
    return tuple(noun for noun in nouns if len(noun) >= 5)
