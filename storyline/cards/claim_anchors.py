"""What a sentence pins down, beyond its wording: dates, names, quotes and who is speaking.

Two claims are compared on these anchors as well as on sentence similarity, because an
encoder cannot tell "12 dead" from "14 dead" and may call two different quotes alike.

Dates come from ``storyline.enrich.temporal.resolve_dates`` (weekdays and relative dates
resolved against the publication date), day-precise ones only; the day a statement was
made ("the ministry said on Thursday that ...") is not a date of the claim.

Places and speakers come from the entity mentions of ``storyline.enrich.entities`` and are
compared by their entity keys, so that "Путина" and "Putin" are one person.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date

from ..embed.latin import to_latin
from ..embed.names import names
from ..enrich.entities import entity_key
from ..enrich.temporal import resolve_dates

__all__ = ["DateSpan", "find_dates", "find_names", "find_quotes", "find_speaker", "place_keys",
           "speaker_keys"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DateSpan:
    text: str
    first: date
    last: date


def find_dates(text: str, language: str | None, published: date | None) -> list[DateSpan]:
    """Day-precise dates and ranges in ``text`` (not bare months or years)."""
    mentions = resolve_dates(text, language, published)
    return [DateSpan(m.text, m.first, m.last) for m in mentions
            if (m.last - m.first).days <= 7 and not _reported_on(text, m.start)]


def _reported_on(text: str, start: int) -> bool:
    """Whether the date at ``start`` says when something was said ("said on Thursday",
    "announced Tuesday", "teilte am Montag mit"), not when the claimed event happens."""
    return bool(_REPORTED_ON.search(text[max(0, start - 60):start]))


def find_names(text: str) -> tuple[str, ...]:
    """Plain-Latin keys of the capitalised names in a sentence."""
    return tuple(sorted(names(text)))


_QUOTE = re.compile(r"[\"“„«‹](?P<q>[^\"“”„«»‹›]{12,}?)[\"”“»›]")


def find_quotes(text: str) -> tuple[str, ...]:
    """Quoted passages of four words or more (shorter ones are scare quotes: "no limits")."""
    return tuple(m.group("q").strip(" ,.") for m in _QUOTE.finditer(text)
                 if len(m.group("q").split()) >= 4)


_SAY = (r"said|says|told|announced|added|stated|warned|declared|insisted|explained|noted|"
        r"dijo|afirmó|aseguró|advirtió|anunció|señaló|declaró|explicó|indicó|añadió|"
        r"sagte|erklärte|betonte|warnte|kündigte|teilte|sagt|"
        r"сказал\w*|заявил\w*|сообщил\w*|отметил\w*|подчеркнул\w*|добавил\w*|предупредил\w*")
_REPORTED_ON = re.compile(r"\b(?:" + _SAY + r"|confirmed|confirmó|informó|bestätigte|"
                          r"подтвердил\w*)(?:\s+\w+)?\s+(?:on\s+|el\s+|este\s+|am\s+|в\s+|"
                          r"во\s+)?$", re.IGNORECASE)
# A speaker may come with an apposition: "the union's deputy leader, Julio Sande, said",
# "advirtió la secretaria general del sindicato, Inés Corbalán, ante ...".
_WHO = r"[^,.;:!?\"“”«»—–]"
_SPEAKER_AFTER = re.compile(r"\b(?:" + _SAY + r")\s+(?P<who>" + _WHO + r"{3,80}(?:,\s*" + _WHO
                            + r"{3,40})?)", re.IGNORECASE)
_SPEAKER_BEFORE = re.compile(r"(?:^|[,\"”»—–]\s*)(?P<who>" + _WHO + r"{3,80}?)\s*,?\s+(?:"
                             + _SAY + r")\b", re.IGNORECASE)
_ACCORDING = re.compile(r"(?:according to|según|laut|zufolge|по словам|по данным)\s+"
                        r"(?P<who>[^,.;:!?\"”»]{3,80})", re.IGNORECASE)
_TIME_PHRASE = re.compile(r"(?:on|in|at|el|en|am|im|в|во)\s+\w+$", re.IGNORECASE)
_PRONOUNS = {"he", "she", "it", "they", "we", "i", "él", "ella", "er", "sie", "es", "он", "она",
             "они", "it also", "he also", "she also"}


def find_speaker(text: str) -> str | None:
    """Who a sentence attributes its statement to, as written ("ministry spokeswoman Hua
    Chunying", "the Kremlin"), or None. Pronouns do not count: they name nobody. Quoted
    words are not searched: "We had warned ..." names no speaker."""
    text = _QUOTE.sub('""', text)
    for pattern in (_SPEAKER_BEFORE, _SPEAKER_AFTER, _ACCORDING):
        for match in pattern.finditer(text):
            who = match.group("who").strip(" ,")
            if who.lower() not in _PRONOUNS and any(ch.isupper() for ch in who) \
                    and not _TIME_PHRASE.match(who):
                return who
    return None


def person_keys(speaker: str | None) -> frozenset[str]:
    """Name words of the people in a speaker phrase, folded to Latin; organisation-only
    phrases ("the Kremlin", "the ministry") give none."""
    if not speaker:
        return frozenset()
    found = names(speaker)
    words = {w for name in found for w in to_latin(name).split()}
    return frozenset(w for w in words if w not in _ROLE_WORDS and len(w) > 2)


_ROLE_WORDS = frozenset(to_latin(w) for w in """
    president minister ministry spokesman spokeswoman spokesperson secretary general governor
    union leader deputy kremlin government police chief mayor presidente ministro ministra
    portavoz secretaria sindicato gobierno policia prasident ministerin sprecher sprecherin
    regierung gewerkschaft polizei президент министр представитель губернатор кремль
    правительство полиция the la el der die das of de del""".split())


# A name is a place when the entity model says so, or when the words before it place
# something there ("in", "near", "the city of"): the small models often call an unknown
# town a person ("the Velesian city of Drevnogorsk").
_PLACE_NOUNS = (r"city|town|village|port|region|province|district|ciudad|localidad|pueblo|"
                r"municipio|provincia|Stadt|Gemeinde|Ort|Dorf|Hafen|Region|город\w*|сел\w*|"
                r"посёлк\w*|деревн\w*|област\w*")
_LOCATIVE = re.compile(r"(?:\b(?:in|near|at|outside|en|cerca de|junto a|bei|nahe|nahe bei|"
                       r"im|в|во|под|около)\s+(?:the\s+|la\s+|el\s+|der\s+|dem\s+)?|\b(?:"
                       + _PLACE_NOUNS + r")\s+(?:of\s+|de\s+)?)$", re.IGNORECASE)
_LEADING_PLACE_NOUN = re.compile(r"^(?:" + _PLACE_NOUNS + r")\s+", re.IGNORECASE)


def place_keys(text: str, mentions) -> tuple[str, ...]:
    """Entity keys of the places named in ``text``; ``mentions`` are entity mentions with
    offsets into ``text`` (``storyline.enrich.entities.Mention``)."""
    keys = []
    for mention in mentions:
        name = _LEADING_PLACE_NOUN.sub("", mention.text)
        cued = name != mention.text or _LOCATIVE.search(text[max(0, mention.start - 30):
                                                             mention.start])
        if (mention.kind == "place" and (mention.model or cued)) or \
                (cued and mention.kind != "organisation"):
            keys.append(entity_key(name) if name != mention.text else mention.key)
    return tuple(dict.fromkeys(k for k in keys if k))


def speaker_keys(speaker: str | None, mentions) -> tuple[str, ...]:
    """Entity keys of the people a speaker phrase names ("ministry spokeswoman Hua
    Chunying" -> "hua chunying"); organisations name no one who could be misquoted. Falls
    back to capitalised words when the entity model found nobody in the phrase."""
    if not speaker:
        return ()
    found = tuple(dict.fromkeys(m.key for m in mentions if m.kind == "person"))
    return found or tuple(sorted(person_keys(speaker)))

