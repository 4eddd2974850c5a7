"""Dates and date ranges written in a text, resolved against its publication date.

``resolve_dates("Putin will be in Beijing from Thursday to Friday", "en", date(2024, 5, 14))``
gives one ``DateMention`` for 16-17 May 2024. Covered, in English, Spanish, German,
Russian, Italian and Dutch: ISO and dotted numeric dates; a day with a month and an optional year, in either
order ("16 May 2024", "May 16", "16. Mai", "16 de mayo de 2024", "16 мая 2024 года");
ranges ("May 16-17", "16 y 17 de mayo", "vom 16. bis 17. Mai", "с 16 по 17 мая",
"May 30 to June 2"); a month with a year ("February 2022", "febrero de 2022"), or after a
preposition ("in March", "im März", "в марте"); a year after a preposition ("in 2023");
weekdays and weekday ranges ("el jueves", "von Donnerstag bis Freitag"); "yesterday",
"mañana" and the like.

Why not ``dateparser``: it misreads ranges, drops weekdays after a Spanish article and
resolves a bare weekday to the past whatever the tense (see OFFLINE_STACK.md), and its
``search_dates`` finds many false dates. Rules over a small vocabulary
(``temporal_words``) are faster and say exactly what they resolve.

A weekday is resolved in the direction its sentence's tense implies: "will visit on
Thursday", written on a Tuesday, is the coming Thursday; "met on Thursday" the last one; a
weekday equal to the publication day is that day. A day and month without a year take the
year that puts them nearest the publication date. Without a publication date, only dates
that carry their year are resolved.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Callable

from . import temporal_words as words

__all__ = ["DateMention", "resolve_dates"]


@dataclass(frozen=True)
class DateMention:
    """A day (``first == last``) or a range of days that ``text[start:end]`` names."""

    start: int
    end: int
    text: str
    first: date
    last: date


def resolve_dates(text: str, language: str | None, published: date | None) -> list[DateMention]:
    """Every date mention in ``text`` that can be resolved, in text order.

    ``language`` picks the vocabulary (English, Spanish, German, Russian, Italian, Dutch;
    any other or ``None`` tries the first four, whose words rarely collide). ``published`` anchors relative dates and missing years.
    """
    languages = (language,) if language in words.LANGUAGES else words.UNKNOWN_LANGUAGE
    if not _may_hold_a_date(languages).search(text):
        return []  # most sentences: one scan instead of one per pattern
    taken: list[tuple[int, int]] = []
    found: list[DateMention] = []
    for pattern, resolver in _patterns(languages):
        for match in pattern.finditer(text):
            if any(match.start() < end and start < match.end() for start, end in taken):
                continue
            resolved = resolver(match, _Context(text, languages, published))
            if resolved is None:
                continue
            first, last = resolved
            start, end = _trim(text, match.start(), match.end())
            found.append(DateMention(start, end, text[start:end], first, last))
            taken.append((match.start(), match.end()))
    return sorted(found, key=lambda m: m.start)


@dataclass(frozen=True)
class _Context:
    text: str
    languages: tuple[str, ...]
    published: date | None

    def month(self, word: str | None) -> int | None:
        if not word:
            return None
        folded = word.lower().rstrip(".")
        for language in self.languages:
            number = words.MONTHS[language].get(folded)
            if number is not None:
                if language == "en" and folded in words.AMBIGUOUS_ENGLISH and word[0].islower():
                    continue  # "may", "march": a verb or a noun, not a month
                return number
        return None

    def weekday(self, word: str | None) -> int | None:
        folded = (word or "").lower()
        for language in self.languages:
            if folded in words.WEEKDAYS[language]:
                return words.WEEKDAYS[language][folded]
        return None

    def future(self, position: int) -> bool:
        """Whether the sentence around ``position`` speaks of the future."""
        sentence = _sentence_at(self.text, position)
        return bool(_future_markers(self.languages).search(sentence))


Resolver = Callable[[re.Match, _Context], tuple[date, date] | None]


# -- building the patterns -------------------------------------------------------------

def _alternation(forms) -> str:
    return "|".join(re.escape(f) for f in sorted(set(forms), key=len, reverse=True))


def _word(forms) -> str:
    return rf"(?<!\w)(?:{_alternation(forms)})(?!\w)"


@lru_cache(maxsize=32)
def _may_hold_a_date(languages: tuple[str, ...]) -> re.Pattern:
    """What every date mention holds: a digit, or a month, weekday or relative-day word."""
    forms = [form for language in languages
             for table in (words.MONTHS, words.WEEKDAYS, words.RELATIVE_DAYS)
             for form in table[language]]
    return re.compile(rf"\d|{_word(forms)}", re.IGNORECASE)


@lru_cache(maxsize=32)
def _future_markers(languages: tuple[str, ...]) -> re.Pattern:
    return re.compile("|".join(f"(?:{words.FUTURE_MARKERS[language]})" for language in languages),
                      re.IGNORECASE)


@lru_cache(maxsize=32)  # a memo of a pure function of the language tuple
def _patterns(languages: tuple[str, ...]) -> list[tuple[re.Pattern, Resolver]]:
    def union(table):
        return [form for language in languages for form in table[language]]

    month = rf"(?<!\w)(?:{_alternation(union(words.MONTHS))})\.?(?!\w)"
    weekday = _word(union(words.WEEKDAYS))
    joiner = rf"\s*(?:[-–—/]|(?<=\s){_word(w for w in union(words.RANGE_JOINERS) if w != '-')})\s*"
    opener = rf"(?:{_word(union(words.RANGE_OPENERS))}\s+)?"
    prep = _word(union(words.PERIOD_PREPOSITIONS))
    year = r"(?<!\d)(?:19|20)\d{2}(?!\d)"
    ru_year = rf"(?:\s+{_word(words.RUSSIAN_YEAR_WORDS)})?" if "ru" in languages else ""
    # not a digit of a longer number ("1,000", "12:30", "3.5")
    day = r"(?<![\d.,])[0-3]?\d(?:st|nd|rd|th|\.|-го|-е)?(?!\d|[,.:]\d)"
    of = r"\s*(?:\bde\s+|\bof\s+|,\s*)?"
    d1, d2, m1, m2, y = (rf"(?P<{name}>{part})" for name, part in
                         (("d1", day), ("d2", day), ("m1", month), ("m2", month), ("y", year)))
    # "Wednesday and Thursday, June 19 and 20" is one mention: the numbers decide
    lead_weekday = rf"(?:{weekday}(?:{joiner}{weekday})?,?\s+(?:the\s+|el\s+|den\s+)?)?"
    direction = _word(union(words.WEEKDAY_PAST) + union(words.WEEKDAY_NEXT))
    rules: list[tuple[str, Resolver]] = [
        (r"(?<!\d)(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?!\d)", _numeric),
        (r"(?<![\d.])(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})(?![\d])", _numeric),
        (rf"{opener}{lead_weekday}{d1}(?:\s*{m1})?{joiner}(?:el\s+|dem\s+|den\s+)?{d2}{of}{m2}"
         rf"(?:{of}{y})?{ru_year}", _day_range),
        (rf"{opener}{lead_weekday}{m1}\s+{d1}{joiner}(?:{m2}\s+)?{d2}(?:,?\s*{y})?", _day_range),
        (rf"{lead_weekday}{d1}{of}{m1}(?:{of}{y})?{ru_year}", _single_day),
        (rf"{lead_weekday}{m1}\s+{d1}(?:,?\s*{y})?", _single_day),
        (rf"(?:{prep}\s+)?{m1}\s*(?:\bde\s+|\bof\s+)?{y}{ru_year}", _month_of_year),
        (rf"{opener}(?P<w1>{weekday}){joiner}(?:el\s+|den\s+)?(?P<w2>{weekday})", _weekday_range),
        (rf"(?:(?P<dir>{direction})\s+)?(?P<w1>{weekday})(?:,?\s+(?P<d1>[0-3]?\d)(?![\d.,:]\d))?",
         _weekday),
        (_word(w for language in languages for w in words.RELATIVE_DAYS[language]), _relative),
        (rf"{prep}\s+{m1}(?:{joiner}{m2})?(?!\s*\d)", _month_alone),
        (rf"{prep}\s+{y}{ru_year}(?!\s*(?:%|[-–]\d))", _year_alone),
    ]
    return [(re.compile(pattern, re.IGNORECASE), resolver) for pattern, resolver in rules]


# -- resolvers: a match and its context -> (first, last) or None -------------------------

def _numeric(match: re.Match, context: _Context) -> tuple[date, date] | None:
    day = _safe_date(int(match["y"]), int(match["m"]), int(match["d"]))
    return (day, day) if day else None


def _day_range(match: re.Match, context: _Context) -> tuple[date, date] | None:
    last_month = context.month(match["m2"]) or context.month(match["m1"])
    first_month = context.month(match["m1"]) or last_month
    if last_month is None:
        return None
    d1, d2 = _day_number(match["d1"]), _day_number(match["d2"])
    if first_month == last_month and d1 > d2:
        first_month = 12 if last_month == 1 else last_month - 1  # "30-2 June"
    last = _dated(context, last_month, d2, match["y"])
    if last is None:
        return None
    first_year = last.year - 1 if first_month > last_month else last.year
    first = _safe_date(first_year, first_month, d1)
    return (first, last) if first and first <= last and (last - first).days <= 62 else None


def _single_day(match: re.Match, context: _Context) -> tuple[date, date] | None:
    month = context.month(match["m1"])
    if month is None:
        return None
    day = _dated(context, month, _day_number(match["d1"]), match["y"])
    return (day, day) if day else None


def _month_of_year(match: re.Match, context: _Context) -> tuple[date, date] | None:
    month = context.month(match["m1"])
    return _month_span(int(match["y"]), month, month) if month else None


def _month_alone(match: re.Match, context: _Context) -> tuple[date, date] | None:
    first, last = context.month(match["m1"]), context.month(match["m2"]) or context.month(match["m1"])
    if first is None or last is None or context.published is None or last < first:
        return None
    anchor = context.published
    # The occurrence nearest the publication date: "in March" written in May is this
    # March, written in January last March.
    year = min((anchor.year - 1, anchor.year, anchor.year + 1),
               key=lambda y: abs((date(y, first, 15) - anchor).days))
    return _month_span(year, first, last)


def _year_alone(match: re.Match, context: _Context) -> tuple[date, date] | None:
    year = int(match["y"])
    return date(year, 1, 1), date(year, 12, 31)


def _weekday(match: re.Match, context: _Context) -> tuple[date, date] | None:
    weekday = context.weekday(match["w1"])
    if weekday is None or context.published is None:
        return None
    if match["d1"]:  # "el martes 18": the day of that number near the publication date
        numbered = _numbered_weekday(context.published, weekday, int(match["d1"]))
        if numbered:
            return numbered, numbered
    explicit = (match["dir"] or "").lower()
    if explicit:
        past = any(explicit in forms for forms in (words.WEEKDAY_PAST[lang] for lang in context.languages))
        day = _step_to(context.published, weekday, forward=not past, same_day=False)
    else:
        day = _step_to(context.published, weekday, forward=context.future(match.start()))
    return day, day


def _weekday_range(match: re.Match, context: _Context) -> tuple[date, date] | None:
    first_day, last_day = context.weekday(match["w1"]), context.weekday(match["w2"])
    if first_day is None or last_day is None or context.published is None:
        return None
    first = _step_to(context.published, first_day, forward=context.future(match.start()))
    return first, first + timedelta(days=(last_day - first_day) % 7)


def _relative(match: re.Match, context: _Context) -> tuple[date, date] | None:
    if context.published is None:
        return None
    word = match.group().lower()
    offset = next(table[word] for lang in context.languages
                  if word in (table := words.RELATIVE_DAYS[lang]))
    day = context.published + timedelta(days=offset)
    return day, day


# -- helpers -----------------------------------------------------------------------------

def _day_number(text: str) -> int:
    return int(re.match(r"\d+", text).group())


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _dated(context: _Context, month: int, day: int, year: str | None) -> date | None:
    """The date with its year as written, else the year nearest the publication date."""
    if year:
        return _safe_date(int(year), month, day)
    anchor = context.published
    if anchor is None:
        return None
    candidates = [d for y in (anchor.year - 1, anchor.year, anchor.year + 1)
                  if (d := _safe_date(y, month, day))]
    return min(candidates, key=lambda d: abs((d - anchor).days), default=None)


def _month_span(year: int, first_month: int, last_month: int) -> tuple[date, date]:
    return date(year, first_month, 1), date(year, last_month, calendar.monthrange(year, last_month)[1])


def _step_to(anchor: date, weekday: int, *, forward: bool, same_day: bool = True) -> date:
    """The nearest ``weekday`` after (``forward``) or before ``anchor``; ``anchor`` itself
    when it is that weekday and ``same_day``."""
    if same_day and anchor.weekday() == weekday:
        return anchor
    if forward:
        return anchor + timedelta(days=(weekday - anchor.weekday() - 1) % 7 + 1)
    return anchor - timedelta(days=(anchor.weekday() - weekday - 1) % 7 + 1)


def _numbered_weekday(anchor: date, weekday: int, day: int) -> date | None:
    """The date within a month of ``anchor`` that is that weekday and that day number."""
    for offset in sorted(range(-31, 32), key=abs):
        candidate = anchor + timedelta(days=offset)
        if candidate.day == day and candidate.weekday() == weekday:
            return candidate
    return None


_SENTENCE_BREAK = re.compile(r"[.!?…]\s|\n")


def _sentence_at(text: str, position: int) -> str:
    starts = [m.end() for m in _SENTENCE_BREAK.finditer(text, 0, position)]
    start = starts[-1] if starts else 0
    end_match = _SENTENCE_BREAK.search(text, position)
    return text[start:end_match.start() if end_match else len(text)]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop the spaces and commas a pattern may have taken at either edge."""
    while start < end and text[start] in " ,\t\n":
        start += 1
    while end > start and text[end - 1] in " ,\t\n":
        end -= 1
    # a full stop after a month name ends the sentence; after "Sept." it belongs to it
    last_word = re.search(r"(\w+)\.$", text[start:end])
    if last_word and last_word.group(1).lower() not in words.ABBREVIATIONS:
        end -= 1  # (every pattern with a German "16." ends in its month, never in the day)
    return start, end
