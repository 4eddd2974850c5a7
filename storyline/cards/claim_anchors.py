"""What a sentence pins down, beyond its wording: dates, names, quotes and who is speaking.

Two claims are compared on these anchors as well as on sentence similarity, because an
encoder cannot tell "12 dead" from "14 dead" and may call two different quotes alike.

Dates come from ``storyline.enrich.temporal.resolve_dates`` when it is installed; until
then a fallback reads explicit day-and-month dates ("June 18 and 19", "18 y 19 de junio",
"19 июня", "18. Juni") against the publication year, and ignores relative ones.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date

from ..embed.latin import to_latin
from ..embed.names import names

__all__ = ["DateSpan", "find_dates", "find_names", "find_quotes", "find_speaker"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DateSpan:
    text: str
    first: date
    last: date


try:  # the cards engineer's resolver, when present, knows weekdays and relative dates
    from ..enrich.temporal import resolve_dates as _resolve_dates
except ImportError:  # pragma: no cover - depends on what has been merged
    _resolve_dates = None


def find_dates(text: str, language: str | None, published: date | None) -> list[DateSpan]:
    """Day-precise dates and ranges in ``text`` (not bare months or years)."""
    if _resolve_dates is not None:
        mentions = _resolve_dates(text, language, published)
        return [DateSpan(m.text, m.first, m.last) for m in mentions
                if (m.last - m.first).days <= 7]
    return _explicit_dates(text, published)


_MONTH_NUMBERS = {
    **{m: i for i, m in enumerate(["january", "february", "march", "april", "may", "june",
                                    "july", "august", "september", "october", "november",
                                    "december"], 1)},
    **{m: i for i, m in enumerate(["enero", "febrero", "marzo", "abril", "mayo", "junio",
                                    "julio", "agosto", "septiembre", "octubre", "noviembre",
                                    "diciembre"], 1)},
    **{m: i for i, m in enumerate(["januar", "februar", "märz", "april", "mai", "juni", "juli",
                                    "august", "september", "oktober", "november", "dezember"],
                                   1)},
    **{m: i for i, m in enumerate(["января", "февраля", "марта", "апреля", "мая", "июня",
                                    "июля", "августа", "сентября", "октября", "ноября",
                                    "декабря"], 1)},
}
_MONTH = "(?P<month>" + "|".join(sorted(_MONTH_NUMBERS, key=len, reverse=True)) + ")"
_DAYS = r"(?P<d1>\d{1,2})\.?(?:\s*(?:-|–|—|and|y|und|и|to|al|bis|по)\s*(?P<d2>\d{1,2})\.?)?"
_YEAR = r"(?:,?\s*(?:de\s+)?(?P<year>(?:19|20)\d{2}))?"
_DAY_MONTH = re.compile(r"\b" + _DAYS + r"\s*(?:de\s+)?" + _MONTH + r"\b" + _YEAR,
                        re.IGNORECASE)
_MONTH_DAY = re.compile(r"\b" + _MONTH + r"\s+" + _DAYS + r"\b" + _YEAR, re.IGNORECASE)


def _explicit_dates(text: str, published: date | None) -> list[DateSpan]:
    spans, taken = [], []
    for pattern in (_DAY_MONTH, _MONTH_DAY):
        for match in pattern.finditer(text):
            if any(s < match.end() and match.start() < e for s, e in taken):
                continue
            resolved = _resolve(match, published)
            if resolved:
                spans.append(resolved)
                taken.append(match.span())
    return spans


def _resolve(match: re.Match, published: date | None) -> DateSpan | None:
    year = int(match.group("year")) if match.group("year") else (published.year if published
                                                                  else None)
    if year is None:
        return None
    month = _MONTH_NUMBERS[match.group("month").lower()]
    try:
        first = date(year, month, int(match.group("d1")))
        last = date(year, month, int(match.group("d2"))) if match.group("d2") else first
    except ValueError:
        return None
    return DateSpan(match.group(), first, max(first, last))


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
