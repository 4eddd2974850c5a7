"""Word tables for ``quantities``: number words, ordinals and units in en, es, de, ru.

Number words cover what news text spells out (casualty counts, "twenty-three", "doce",
"dreiundzwanzig", "двадцать три"); larger amounts are written in digits.
"""

from __future__ import annotations

import re

_EN = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
       "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
       "eighteen", "nineteen", "twenty"]
_EN_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
            "eighty": 80, "ninety": 90}
_ES = ["cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve", "diez",
       "once", "doce", "trece", "catorce", "quince", "dieciséis", "diecisiete", "dieciocho",
       "diecinueve", "veinte"]
_ES_MORE = {"veintiuno": 21, "veintidós": 22, "veintitrés": 23, "veinticuatro": 24,
            "veinticinco": 25, "veintiséis": 26, "veintisiete": 27, "veintiocho": 28,
            "veintinueve": 29, "treinta": 30, "cuarenta": 40, "cincuenta": 50, "sesenta": 60,
            "setenta": 70, "ochenta": 80, "noventa": 90, "cien": 100}
_DE = ["null", "eins", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun", "zehn",
       "elf", "zwölf", "dreizehn", "vierzehn", "fünfzehn", "sechzehn", "siebzehn", "achtzehn",
       "neunzehn", "zwanzig"]
_DE_TENS = {"zwanzig": 20, "dreißig": 30, "vierzig": 40, "fünfzig": 50, "sechzig": 60,
            "siebzig": 70, "achtzig": 80, "neunzig": 90}
_DE_UNITS = {"ein": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7,
             "acht": 8, "neun": 9}
_RU = {"два": 2, "две": 2, "двух": 2, "три": 3, "трёх": 3, "трех": 3, "четыре": 4, "пять": 5,
       "шесть": 6, "семь": 7, "восемь": 8, "девять": 9, "десять": 10, "одиннадцать": 11,
       "двенадцать": 12, "тринадцать": 13, "четырнадцать": 14, "пятнадцать": 15,
       "шестнадцать": 16, "семнадцать": 17, "восемнадцать": 18, "девятнадцать": 19,
       "двадцать": 20, "тридцать": 30, "сорок": 40, "пятьдесят": 50, "сто": 100}
_RU_UNITS = {"один": 1, "одна": 1, "два": 2, "две": 2, "три": 3, "четыре": 4, "пять": 5,
             "шесть": 6, "семь": 7, "восемь": 8, "девять": 9}


def _number_words() -> dict[str, int]:
    words: dict[str, int] = {}
    for table in (_EN, _ES, _DE):
        words.update({word: value for value, word in enumerate(table)})
    words.update(_EN_TENS | _ES_MORE | _DE_TENS | _RU | {"hundred": 100, "hundert": 100})
    words.update({"dozen": 12, "a dozen": 12, "una docena": 12, "ein dutzend": 12})
    for tens_word, tens in _EN_TENS.items():
        for unit, unit_word in enumerate(_EN[1:10], start=1):
            words[f"{tens_word} {unit_word}"] = tens + unit  # hyphens are normalised to spaces
    for tens_word, tens in list(_ES_MORE.items())[9:16]:
        for unit, unit_word in enumerate(_ES[1:10], start=1):
            words[f"{tens_word} y {unit_word}"] = tens + unit
    for tens_word, tens in _DE_TENS.items():
        for unit_word, unit in _DE_UNITS.items():
            words[f"{unit_word}und{tens_word}"] = tens + unit
    for tens_word in ("двадцать", "тридцать", "сорок", "пятьдесят"):
        for unit_word, unit in _RU_UNITS.items():
            words[f"{tens_word} {unit_word}"] = _RU[tens_word] + unit
    for word in ("zero", "cero", "null", "one", "uno", "eins"):
        words.pop(word, None)  # pronouns and idioms far more often than amounts
    return words


NUMBER_WORDS: dict[str, int] = _number_words()

ORDINAL_WORDS: dict[str, int] = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10,
    **{f"{stem}{end}": n for n, stem in enumerate(
        ["primer", "segund", "tercer", "cuart", "quint", "sext", "séptim", "octav", "noven",
         "décim"], start=1) for end in ("", "o", "a", "os", "as") if stem + end != "segund"},
    **{f"{stem}{end}": n for n, stem in enumerate(
        ["erst", "zweit", "dritt", "viert", "fünft", "sechst", "siebt", "acht", "neunt",
         "zehnt"], start=1) for end in ("e", "en", "er", "es", "em")},
    **{f"{stem}{end}": n for n, stem in enumerate(
        ["перв", "втор", "трет", "четвёрт", "пят", "шест", "седьм", "восьм", "девят", "десят"],
        start=1) for end in ("ый", "ой", "ий", "ая", "ья", "ое", "ье", "ого", "его", "ьего",
                              "ому", "ом", "ую", "ью", "ые", "ых", "ьей", "ей")},
}
for _noise in ("пятой", "пятом", "acht", "achte", "achten", "acher", "пятая"):
    ORDINAL_WORDS.pop(_noise, None)  # "пятой" is also "heel"; "acht" is eight or "attention"
ORDINAL_WORDS = {word: n for word, n in ORDINAL_WORDS.items() if len(word) > 3}


def number_word_pattern() -> str:
    words = set(NUMBER_WORDS) | set(ORDINAL_WORDS)
    escaped = sorted((re.escape(w).replace(r"\ ", r"[\s-]+") for w in words), key=len,
                     reverse=True)
    return "|".join(escaped)


def _unit(pattern: str) -> re.Pattern:
    return re.compile(r"\s?(?:de\s+|of\s+)?(?:" + pattern + r")(?!\w)", re.IGNORECASE)


#: (pattern matched right after the number, unit, kind), tried in order.
UNIT_WORDS: list[tuple[re.Pattern, str, str]] = [
    (_unit(r"%|per ?cent|percent|por ?ciento|prozent|процент\w*"), "%", "percent"),
    (_unit(r"percentage points?|puntos porcentuales|prozentpunkte?|процентн\w+ пункт\w*"),
     "pp", "percent"),
    (_unit(r"basis points?|puntos básicos|basispunkte?|базисн\w+ пункт\w*"), "bp", "percent"),
    (_unit(r"(?:us |u\.s\. )?dollars?|dólares|dollar|долл\.?|доллар\w*"), "USD", "money"),
    (_unit(r"euros?|евро"), "EUR", "money"),
    (_unit(r"pounds? sterling|pounds|libras|pfund"), "GBP", "money"),
    (_unit(r"yuan|юан\w*"), "CNY", "money"),
    (_unit(r"roubles?|rubles?|rublos|rubel|руб\.?|рубл\w*"), "RUB", "money"),
    (_unit(r"hectares?|ha|hectáreas|hektar|гектар\w*|га"), "ha", "measure"),
    (_unit(r"square kilomet\w+|km2|km²|kilómetros cuadrados|quadratkilometer|кв\.? ?км"),
     "km2", "measure"),
    (_unit(r"kilomet\w+|km|kilómetros|километр\w*"), "km", "measure"),
    (_unit(r"met(?:re|er)s?|metros|meter|метр\w*|m"), "m", "measure"),
    (_unit(r"tonnes|tons|toneladas|tonnen|тонн\w*|t"), "t", "measure"),
    (_unit(r"years?|años|jahren?|лет|года?|годов"), "year", "duration"),
    (_unit(r"months?|meses|monaten?|месяц\w*"), "month", "duration"),
    (_unit(r"weeks?|semanas|wochen|недел\w*"), "week", "duration"),
    (_unit(r"days?|días|tagen?|дн\w+|сут\w+"), "day", "duration"),
    (_unit(r"hours?|horas|stunden|час\w*"), "hour", "duration"),
    (_unit(r"(?:more |other |further |\w+ )?(?:people|persons|residents|victims|civilians|"
           r"soldiers|workers|members|children|students|passengers|dead|killed|injured|"
           r"wounded|fatalities|casualties|deaths|personas|muertos|fallecidos|heridos|"
           r"vecinos|trabajadores|estibadores|dockworkers|víctimas|arbeiter|beschäftigte|рабочих|menschen|personen|tote|toten|verletzte|bewohner|"
           r"человек\w*|погибш\w+|пострадавш\w+|ранен\w+|жител\w+)"), "people", "count"),
]
