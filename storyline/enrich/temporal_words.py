"""The words dates are written with, in the languages Storyline resolves dates in.

Month and weekday forms include the inflected ones that news text uses (Russian genitive
and prepositional, Spanish and German without accents as typed on some keyboards). Keys
are lower case; ``temporal`` compiles them into one alternation per kind and language.
"""

from __future__ import annotations

LANGUAGES = ("en", "es", "de", "ru", "it", "nl")
#: What a text of unknown language is read with: Italian and Dutch add short words that are
#: ordinary words elsewhere ("a", "e", "tot", "morgen").
UNKNOWN_LANGUAGE = ("en", "es", "de", "ru")

_MONTH_STEMS: dict[str, list[list[str]]] = {
    "en": [["january", "jan"], ["february", "feb"], ["march", "mar"], ["april", "apr"],
           ["may"], ["june", "jun"], ["july", "jul"], ["august", "aug"],
           ["september", "sept", "sep"], ["october", "oct"], ["november", "nov"],
           ["december", "dec"]],
    "es": [["enero"], ["febrero"], ["marzo"], ["abril"], ["mayo"], ["junio"], ["julio"],
           ["agosto"], ["septiembre", "setiembre"], ["octubre"], ["noviembre"], ["diciembre"]],
    "de": [["januar", "jänner"], ["februar", "feber"], ["märz", "maerz"], ["april"], ["mai"],
           ["juni"], ["juli"], ["august"], ["september"], ["oktober"], ["november"],
           ["dezember"]],
    "ru": [["январь", "января", "январе"], ["февраль", "февраля", "феврале"],
           ["март", "марта", "марте"], ["апрель", "апреля", "апреле"], ["май", "мая", "мае"],
           ["июнь", "июня", "июне"], ["июль", "июля", "июле"],
           ["август", "августа", "августе"], ["сентябрь", "сентября", "сентябре"],
           ["октябрь", "октября", "октябре"], ["ноябрь", "ноября", "ноябре"],
           ["декабрь", "декабря", "декабре"]],
    "it": [["gennaio"], ["febbraio"], ["marzo"], ["aprile"], ["maggio"], ["giugno"], ["luglio"],
           ["agosto"], ["settembre"], ["ottobre"], ["novembre"], ["dicembre"]],
    "nl": [["januari"], ["februari"], ["maart"], ["april"], ["mei"], ["juni"], ["juli"],
           ["augustus"], ["september"], ["oktober"], ["november"], ["december"]],
}

_WEEKDAY_FORMS: dict[str, list[list[str]]] = {
    "en": [["monday"], ["tuesday"], ["wednesday"], ["thursday"], ["friday"], ["saturday"],
           ["sunday"]],
    "es": [["lunes"], ["martes"], ["miércoles", "miercoles"], ["jueves"], ["viernes"],
           ["sábado", "sabado"], ["domingo"]],
    "de": [["montag"], ["dienstag"], ["mittwoch"], ["donnerstag"], ["freitag"],
           ["samstag", "sonnabend"], ["sonntag"]],
    "ru": [["понедельник", "понедельника"], ["вторник", "вторника"],
           ["среда", "среду", "среды"], ["четверг", "четверга"],
           ["пятница", "пятницу", "пятницы"], ["суббота", "субботу", "субботы"],
           ["воскресенье", "воскресенья"]],
    "it": [["lunedì", "lunedi"], ["martedì", "martedi"], ["mercoledì", "mercoledi"],
           ["giovedì", "giovedi"], ["venerdì", "venerdi"], ["sabato"], ["domenica"]],
    "nl": [["maandag"], ["dinsdag"], ["woensdag"], ["donderdag"], ["vrijdag"], ["zaterdag"],
           ["zondag"]],
}

#: German and Dutch write the part of the day into the weekday: "Montagabend" (Monday
#: evening), "dinsdagochtend" (Tuesday morning). Each compound is that weekday.
_DAY_PARTS = {"de": ("abend", "morgen", "vormittag", "nachmittag", "mittag", "nacht", "früh"),
              "nl": ("avond", "ochtend", "middag", "morgen", "nacht")}
for _language, _parts in _DAY_PARTS.items():
    _WEEKDAY_FORMS[_language] = [forms + [forms[0] + part for part in _parts]
                                 for forms in _WEEKDAY_FORMS[_language]]


def _table(forms: dict[str, list[list[str]]], base: int) -> dict[str, dict[str, int]]:
    return {language: {form: number + base for number, group in enumerate(groups)
                       for form in group}
            for language, groups in forms.items()}


#: language -> month form -> month number (1-12)
MONTHS = _table(_MONTH_STEMS, 1)
#: language -> weekday form -> ``date.weekday()`` (Monday is 0)
WEEKDAYS = _table(_WEEKDAY_FORMS, 0)

#: English month names that are also ordinary words: only capitalised do they name a month.
AMBIGUOUS_ENGLISH = frozenset({"may", "march", "mar", "jan", "sat", "sun", "dec", "jun", "aug"})

#: Abbreviated month names, whose full stop is part of the name ("Sept. 3").
ABBREVIATIONS = frozenset("jan feb mar apr jun jul aug sep sept oct nov dec".split())

#: language -> relative day word -> offset in days from the publication date
RELATIVE_DAYS = {
    "en": {"today": 0, "yesterday": -1, "tomorrow": 1},
    "es": {"hoy": 0, "ayer": -1, "anteayer": -2, "pasado mañana": 2},
    "de": {"heute": 0, "gestern": -1, "vorgestern": -2, "übermorgen": 2},
    "ru": {"сегодня": 0, "вчера": -1, "позавчера": -2, "завтра": 1, "послезавтра": 2},
    "it": {"oggi": 0, "ieri": -1, "l'altro ieri": -2, "domani": 1, "dopodomani": 2},
    "nl": {"vandaag": 0, "gisteren": -1, "eergisteren": -2, "morgen": 1, "overmorgen": 2},
}

#: Words joining the two ends of a range ("16-17", "from Thursday to Friday", "16 y 17").
RANGE_JOINERS = {
    "en": ["to", "and", "through", "until", "till", "-"],
    "es": ["al", "a", "y", "hasta", "-"],
    "de": ["bis", "und", "-"],
    "ru": ["по", "и", "до", "-"],
    "it": ["al", "a", "e", "fino al", "-"],
    "nl": ["tot", "en", "t/m", "tot en met", "-"],
}
#: Words that may open a range ("from 16 to 17 May"); absorbed into the mention.
RANGE_OPENERS = {
    "en": ["from", "between"],
    "es": ["del", "desde el", "entre el", "los días", "el"],
    "de": ["vom", "von", "zwischen dem", "am"],
    "ru": ["с", "со", "между"],
    "it": ["dal", "da", "tra il", "fra il", "il"],
    "nl": ["van", "vanaf", "tussen"],
}
#: Words before a bare month or year that make it a date ("in March", "im März", "в марте").
PERIOD_PREPOSITIONS = {
    "en": ["in", "since", "until", "by", "early", "late", "mid", "last", "next", "this", "of"],
    "es": ["en", "desde", "hasta", "de", "principios de", "finales de", "mediados de"],
    "de": ["im", "in", "seit", "bis", "anfang", "ende", "mitte"],
    "ru": ["в", "во", "с", "до", "к", "начале", "конце", "середине"],
    "it": ["a", "in", "nel", "dal", "da", "fino a", "entro", "inizio", "fine", "metà"],
    "nl": ["in", "sinds", "tot", "begin", "eind", "half", "medio"],
}
#: Words after a Russian year or day-month-year ("2023 года", "2023 г.").
RUSSIAN_YEAR_WORDS = ["году", "года", "год", "г."]

#: Markers of the future in a sentence: a weekday there is the coming one.
FUTURE_MARKERS = {
    "en": r"\b(?:will|shall|won't|is to|are to|is due|are due|is expected to|are expected to|"
          r"going to|plans? to|planned|scheduled|next|upcoming|coming)\b|\w'll\b",
    "es": r"\b\w+(?:rá|rán|remos|rás)\b|\b(?:va a|van a|próxim[oa]s?|que viene|previst[oa]s?)\b",
    "de": r"\b(?:wird|werden|wirst|soll|sollen|will|wollen|nächste[nmrs]?|kommende[nmrs]?|"
          r"geplant|bevorstehende[nmrs]?)\b",
    "ru": r"(?<!\w)(?:будет|будут|буду|состоится|пройдёт|пройдет|начнётся|начнется|"
          r"планиру\w+|намерен\w*|следующ\w+|предстоящ\w+|посетит|проведёт|проведет|"
          r"соберутся|встретятся|прибудет)(?!\w)",
    "it": r"\b\w+(?:rà|ranno|remo)\b|\b(?:prossim[oaie]|previst[oaie]|in programma)\b",
    "nl": r"\b(?:zal|zullen|zult|gaat|gaan|volgende|komende|gepland)\b",
}
#: Explicit direction words before a weekday ("last Monday", "el próximo lunes").
WEEKDAY_PAST = {"en": ["last", "past"], "es": ["pasado"], "de": ["letzten", "vergangenen"],
                "ru": ["прошлый", "прошлую", "прошлое", "прошлой"], "it": ["scorso", "scorsa"],
                "nl": ["afgelopen", "vorige"]}
WEEKDAY_NEXT = {"en": ["next", "coming", "this coming"], "es": ["próximo", "proximo"],
                "de": ["nächsten", "kommenden"], "ru": ["следующий", "следующую", "ближайший",
                                                      "ближайшую"],
                "it": ["prossimo", "prossima"], "nl": ["volgende", "komende"]}
