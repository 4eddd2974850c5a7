"""Numbers with their magnitude, unit and qualifier, in English, Spanish, German and Russian.

"240 billion dollars", "240.000 millones de dólares", "240 Milliarden Dollar" and
"240 млрд долларов" all become ``Quantity(value=2.4e11, unit="USD", kind="money")``, and
"at least 12 people", "doce muertos" and "двенадцать человек" become counts of people with
a qualifier. Years, ordinals ("75th", "second"), durations ("six months") and clock times
are kinds of their own, so that a claim comparer never mistakes them for amounts.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from .number_words import NUMBER_WORDS, ORDINAL_WORDS, UNIT_WORDS, number_word_pattern

__all__ = ["Quantity", "extract_quantities"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Quantity:
    start: int
    end: int
    text: str
    value: float
    unit: str | None  # "USD", "EUR", "%", "people", "ha", ... or None for a bare count
    kind: str  # money | percent | count | measure | year | ordinal | duration | time | age
    qualifier: str = "exact"  # exact|approx|at_least|more_than|less_than|up_to|range

    def as_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "text": self.text, "value": self.value,
                "unit": self.unit, "kind": self.kind, "qualifier": self.qualifier}


_MAGNITUDES = {
    "thousand": 1e3, "thousands": 1e3, "k": 1e3, "million": 1e6, "millions": 1e6, "m": 1e6,
    "mn": 1e6, "billion": 1e9, "billions": 1e9, "bn": 1e9, "b": 1e9, "trillion": 1e12,
    "mil": 1e3, "millón": 1e6, "millones": 1e6, "mil millones": 1e9, "millardos": 1e9,
    "billón": 1e12, "billones": 1e12,
    "tausend": 1e3, "million_de": 1e6, "millionen": 1e6, "mio": 1e6, "mio.": 1e6,
    "milliarde": 1e9, "milliarden": 1e9, "mrd": 1e9, "mrd.": 1e9, "billion_de": 1e12,
    "billionen": 1e12,
    "тыс": 1e3, "тыс.": 1e3, "тысяч": 1e3, "тысячи": 1e3, "тысяча": 1e3, "млн": 1e6,
    "млн.": 1e6, "миллион": 1e6, "миллиона": 1e6, "миллионов": 1e6, "млрд": 1e9, "млрд.": 1e9,
    "миллиард": 1e9, "миллиарда": 1e9, "миллиардов": 1e9, "трлн": 1e12, "трлн.": 1e12,
    "триллион": 1e12, "триллиона": 1e12, "триллионов": 1e12,
    # Dutch and Italian, so that translations in those languages are not misread
    "duizend": 1e3, "miljoen": 1e6, "miljard": 1e9, "miljarden": 1e9, "mila": 1e3,
    "milione": 1e6, "milioni": 1e6, "miliardo": 1e9, "miliardi": 1e9,
}
# An age is not an amount: "a five-year-old girl has died" gives no death toll of five.
_AGE_AFTER = re.compile(r"^(?:[\s-]*(?:years?|yrs?)[\s-]*old\b|-?j[äa]hrig|[\s-]*(?:jahre alt\b|"
                        r"летн|-?лет\w*\b))", re.IGNORECASE)
_AGE_BEFORE = re.compile(r"\b(?:aged?|age of|ages|im alter von|в возрасте)\s*$", re.IGNORECASE)
# One-letter and two-letter magnitudes ("€38m", "$240bn") only count glued to the number:
# "5 m" is five metres.
_SHORT_MAGNITUDES = {"k", "m", "mn", "b", "bn"}
_MAGNITUDE_RE = "|".join(sorted((re.escape(k) for k in _MAGNITUDES
                                 if "_" not in k and k not in _SHORT_MAGNITUDES),
                                key=len, reverse=True))

_QUALIFIERS = [
    ("at_least", r"at least|no fewer than|al menos|por lo menos|como mínimo|mindestens|"
                 r"wenigstens|не менее|по меньшей мере|как минимум|минимум"),
    ("more_than", r"more than|over|upwards of|más de|mehr als|über|свыше|более|больше"),
    ("less_than", r"less than|fewer than|under|menos de|weniger als|unter|менее|меньше"),
    ("up_to", r"up to|as many as|hasta|bis zu|до"),
    ("approx", r"about|around|roughly|approximately|nearly|almost|some|an estimated|"
               r"unos|unas|alrededor de|cerca de|casi|aproximadamente|rund|etwa|ungefähr|"
               r"knapp|fast|circa|ca\.|около|почти|примерно|порядка|приблизительно"),
]
_QUALIFIER_BEFORE = re.compile(
    r"(?:" + "|".join(f"(?P<{name}>\\b(?:{words}))" for name, words in _QUALIFIERS) + r")\s+$",
    re.IGNORECASE)

_CURRENCY_SYMBOLS = {"$": "USD", "us$": "USD", "$us": "USD", "€": "EUR", "£": "GBP", "¥": "CNY", "₽": "RUB"}
_NUMERAL = r"\d{1,3}(?:[ \u00a0\u202f.,]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
_NUMBER = re.compile(
    r"(?P<cur>US\$|\$US|[$€£¥₽])?\s?(?P<num>" + _NUMERAL + r")"
    r"(?:\s?[-–—]\s?(?P<num2>" + _NUMERAL + r"))?"
    r"(?P<suffix>st|nd|rd|th|º|ª)?"
    r"(?:(?P<short>bn|mn|m|b|k)(?!\w)|\s?(?P<mag>(?:" + _MAGNITUDE_RE + r"))(?!\w))?",
    re.IGNORECASE)
_WORD_NUMBER = re.compile(r"\b(?P<word>" + number_word_pattern() + r")\b", re.IGNORECASE)
# Clock times: "19:40", "7.30 p.m.", "14.00 Uhr" (a dot needs a marker: "4.25" is a rate).
_CLOCK_MARK = r"(?:a\.?m\.?|p\.?m\.?|h\b|uhr|horas|ч\b)"
_CLOCK = re.compile(r"(?<![\d.,])\d{1,2}(?::\d{2}(?!\d)|\.\d{2}(?=\s*" + _CLOCK_MARK + r"))"
                    r"(?:\s*" + _CLOCK_MARK + r")?", re.IGNORECASE)
_MONTHS = (r"jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|ene|abr|ago|dic|januar|"
           r"februar|märz|mai|juni|juli|oktober|dezember|enero|febrero|marzo|abril|mayo|junio|"
           r"julio|agosto|septiembre|octubre|noviembre|diciembre|январ|феврал|март|апрел|ма[йя]|"
           r"июн|июл|август|сентябр|октябр|ноябр|декабр")
_DATE_CONTEXT = re.compile(r"^\s*(?:de\s+|\.\s*)?(?:" + _MONTHS + r")", re.IGNORECASE)
_MONTH_BEFORE = re.compile(r"(?:" + _MONTHS + r")[a-zé]*\.?\s+$", re.IGNORECASE)


def extract_quantities(text: str, language: str | None = None) -> list[Quantity]:
    """Find the quantities in ``text`` with offsets into it.

    ``language`` (ISO 639-1) decides whether "3.200" is three thousand two hundred (es, de,
    ru) or three point two (en); without it, a separator followed by exactly three digits
    groups thousands.
    """
    language = (language or "").lower()[:2]
    found: list[Quantity] = []
    taken: list[tuple[int, int]] = [m.span() for m in _CLOCK.finditer(text)]
    for match in _NUMBER.finditer(text):
        glued = not match.group("cur") and _inside_word(text, match.start("num"))
        if _overlaps(match.span("num"), taken) or glued:
            continue
        quantity = _from_numeral(text, match, language)
        if quantity is not None:
            found.append(quantity)
            taken.append((quantity.start, quantity.end))
    for match in _WORD_NUMBER.finditer(text):
        if not _overlaps(match.span(), taken):
            quantity = _from_word(text, match)
            if quantity is not None:
                found.append(quantity)
    return sorted(found, key=lambda q: q.start)


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in taken)


def _inside_word(text: str, position: int) -> bool:
    return position > 0 and (text[position - 1].isalpha() or text[position - 1] == "_")


def parse_numeral(numeral: str, language: str) -> float | None:
    """"3,200" -> 3200, "3.200" (es/de/ru) -> 3200, "4,25" -> 4.25, "1 200" -> 1200."""
    digits = numeral.replace("\u00a0", " ").replace("\u202f", " ")
    if " " in digits:
        digits = digits.replace(" ", "")
    grouping = "," if language in ("en", "") else "."
    decimal = "." if grouping == "," else ","
    if language == "" and re.fullmatch(r"\d{1,3}(?:\.\d{3})+", digits):
        grouping, decimal = ".", ","
    parts = re.split(r"[.,]", digits)
    if len(parts) > 1 and all(len(p) == 3 for p in parts[1:]) and (
            digits.count(grouping) == len(parts) - 1 or len(parts) > 2):
        return float("".join(parts))
    try:
        return float(digits.replace(grouping, "").replace(decimal, "."))
    except ValueError:
        return None


def _from_numeral(text: str, match: re.Match, language: str) -> Quantity | None:
    value = parse_numeral(match.group("num"), language)
    if value is None:
        return None
    start, end = match.start("cur") if match.group("cur") else match.start("num"), match.end()
    after, before = text[end:end + 40], text[max(0, start - 40):start]
    if _DATE_CONTEXT.match(after) or _MONTH_BEFORE.search(before):
        return None  # part of a date ("16 de mayo", "May 16-17"): dates are compared as dates
    if match.group("suffix"):
        return Quantity(start, end, text[start:end], value, None, "ordinal")
    if _is_age(text, start, match.end()):
        return Quantity(start, match.end(), text[start:match.end()], value, "years", "age")
    magnitude = _MAGNITUDES.get((match.group("mag") or match.group("short") or "").lower(), 1.0)
    value *= magnitude
    unit, kind, unit_end = _unit_after(text, end, match.group("cur"))
    qualifier, start = _qualifier(text, start)
    if match.group("num2"):
        qualifier = "range"
    if kind is None:
        kind = "year" if _looks_like_year(match, magnitude, unit) else "count"
    end = max(end, unit_end)
    return Quantity(start, end, text[start:end].strip(), value, unit, kind, qualifier)


def _is_age(text: str, start: int, end: int) -> bool:
    return bool(_AGE_AFTER.match(text[end:end + 20])
                or _AGE_BEFORE.search(text[max(0, start - 20):start]))


def _looks_like_year(match: re.Match, magnitude: float, unit: str | None) -> bool:
    numeral = match.group("num")
    return (magnitude == 1.0 and unit is None and numeral.isdigit() and len(numeral) == 4
            and 1800 <= int(numeral) <= 2100)


def _from_word(text: str, match: re.Match) -> Quantity | None:
    word = match.group("word").lower()
    if word in ORDINAL_WORDS:
        return Quantity(match.start(), match.end(), match.group(), ORDINAL_WORDS[word], None,
                        "ordinal")
    value = NUMBER_WORDS.get(word) or NUMBER_WORDS.get(re.sub(r"[\s-]+", " ", word))
    if value is None:
        return None
    if _is_age(text, match.start(), match.end()):
        return Quantity(match.start(), match.end(), match.group(), float(value), "years", "age")
    unit, kind, unit_end = _unit_after(text, match.end(), None)
    if unit is None and value < 2 and kind is None:
        return None  # "one of the", "un", "ein": articles and pronouns, not amounts
    qualifier, start = _qualifier(text, match.start())
    end = max(match.end(), unit_end)
    return Quantity(start, end, text[start:end].strip(), float(value), unit, kind or "count",
                    qualifier)


def _unit_after(text: str, position: int, currency: str | None) -> tuple[str | None, str | None, int]:
    """The unit right after a number: (unit, kind, end offset)."""
    if currency:
        return _CURRENCY_SYMBOLS[currency.lower()], "money", position
    window = text[position:position + 40]
    for pattern, unit, kind in UNIT_WORDS:
        found = pattern.match(window)
        if found:
            return unit, kind, position + found.end()
    return None, None, position


def _qualifier(text: str, start: int) -> tuple[str, int]:
    found = _QUALIFIER_BEFORE.search(text[max(0, start - 40):start])
    if not found:
        return "exact", start
    name = next(key for key, value in found.groupdict().items() if value)
    return name, start - (len(found.group()) if found else 0)
