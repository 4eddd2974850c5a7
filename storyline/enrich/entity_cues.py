"""What the words around a name say about its kind.

A model (or a rule) labels a name it has never seen by its shape, and gets invented or
rare names wrong: a small English model calls a town it does not know a person. The
text often says plainly what the name is:

- a place: after a place preposition ("in Drevnogorsk", "en Ginebra", "в Женеве"), after
  a place noun ("the city of Drevnogorsk", "el puerto de Valmora", "die Stadt
  Drewnogorsk"), before one ("the Vela river", "the Sierra Calva mountains"), or as the
  owner of an institution ("Velesia's Emergencies Ministry": people do not own ministries);
- a person: next to a verb of saying ("Belousov told", "dijo Amaru", "said Nadezhda
  Ilyina"); the caller adds a stated role ("striker Mateo Ibarrola").

``context_kind`` returns the kind with the words that showed it (the card counts such a
mention for more than a bare label, and can say why).
"""

from __future__ import annotations

import re
from functools import lru_cache

from .entity_words import (ORGANISATION_WORDS, PLACE_NOUNS_AFTER, PLACE_NOUNS_BEFORE,
                           SPEECH_VERBS, place_prepositions)

__all__ = ["context_kind", "place_preposition"]

_DETERMINER = r"(?:the|el|la|los|las|der|die|das|dem|den|des|il|lo|l'|de|het)"
_POSSESSIVE_OWNER = re.compile(r"(?:'s|’s)((?:\s+[\w-]+){1,3})")
_NEXT_WORD = re.compile(r",?\s+([^\W\d_]+)")
_LAST_WORD = re.compile(r"([^\W\d_]+),?\s+$")


def place_preposition(text: str, start: int, language: str | None) -> str | None:
    """The place preposition right before ``text[start:]`` ("in", "en el", "в"), if any."""
    found = _preposition_before(language).search(text, max(0, start - 20), start)
    return " ".join(found.group().split()) if found else None


def context_kind(text: str, start: int, end: int, language: str | None) -> tuple[str, str] | None:
    """``(kind, cue)`` when the words around ``text[start:end]`` show its kind, else ``None``.
    Place prepositions are for the caller to weigh first (``place_preposition``): a stated
    role outranks a place noun ("Губернатор области Аркадий Белоусов")."""
    before, after = text[max(0, start - 60):start], text[end:end + 60]
    place = (_place_noun_before(language).search(before) or _place_after().match(after))
    if place:
        return "place", " ".join(place.group().split()).strip(", ")
    owned = _POSSESSIVE_OWNER.match(after)
    if owned and any(w.lower() in ORGANISATION_WORDS for w in owned.group(1).split()):
        return "place", owned.group().strip()
    said = _NEXT_WORD.match(after)
    if said and said.group(1).lower() in SPEECH_VERBS:
        return "person", said.group(1)
    said = _LAST_WORD.search(before)
    if said and said.group(1).lower() in SPEECH_VERBS:
        return "person", said.group(1)
    return None


@lru_cache(maxsize=None)
def _preposition_before(language: str | None) -> re.Pattern:
    prepositions = "|".join(map(re.escape, sorted(place_prepositions(language), key=len, reverse=True)))
    return re.compile(rf"(?<!\w)(?:{prepositions})\s+(?:{_DETERMINER}\s+)?$", re.IGNORECASE)


@lru_cache(maxsize=None)
def _place_noun_before(language: str | None) -> re.Pattern:
    languages = [language] if language in PLACE_NOUNS_BEFORE else list(PLACE_NOUNS_BEFORE)
    # Russian nouns are stems that take any case ending ("городе", "области")
    nouns = "|".join(sorted({re.escape(n) + (r"\w{0,3}" if lang == "ru" else "")
                             for lang in languages for n in PLACE_NOUNS_BEFORE[lang].split()},
                            key=len, reverse=True))
    # "city of (the) X", "ciudad de X", "Stadt X", "городе X"
    return re.compile(rf"(?<!\w)(?:{nouns})\s+(?:(?:of|de|di|del|van)\s+)?(?:{_DETERMINER}\s+)?$",
                      re.IGNORECASE)


@lru_cache(maxsize=1)
def _place_after() -> re.Pattern:
    nouns = "|".join(sorted(PLACE_NOUNS_AFTER, key=len, reverse=True))
    # lower case: "the Vela river", not "Vela River Inc"; or an apposition: "X, a city of"
    return re.compile(rf"\s+(?:{nouns})\b|,\s+(?:an?|the)\s+(?:[a-z-]+\s+)?(?:{nouns})\b")
