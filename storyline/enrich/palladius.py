"""Chinese names written in Cyrillic, read back into Pinyin.

Russian writes Chinese names by the Palladius system, syllable by syllable from Pinyin:
"Xi Jinping" is "Си Цзиньпин", "Hua Chunying" "Хуа Чуньин", "Wang Wenbin" "Ван Вэньбинь".
Letter-by-letter transliteration of the Cyrillic ("si tszinpin") never meets the Pinyin, so
``pinyin_reading`` segments a Cyrillic name into Palladius syllables and gives their Pinyin.

The table is generated, not listed: the Pinyin syllable inventory (each initial with the
finals it takes) and the Palladius rules for initials and finals, with the rules' few
context cases (zi -> цзы, hui -> хуэй, "u" read as "ü" after j/q/x/y). Russian words
rarely segment into Palladius syllables, but some do ("Путин" as pu-ting), so a name is
read as Chinese only with evidence: a spelling Russian words do not have (цз, чж, э or ь
inside a word, -нь at its end), or the Chinese shape of a one-syllable surname first.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["palladius", "pinyin_reading"]

# Pinyin finals each initial combines with (the standard syllable table, by initial).
_SYLLABLES = {
    "": "a ai an ang ao e ei en eng er o ou yi ya yao ye you yan yin yang ying yong yu yue "
        "yuan yun wu wa wai wei wan wen wang weng wo",
    "b": "a ai an ang ao ei en eng i ian iao ie in ing o u",
    "p": "a ai an ang ao ei en eng i ian iao ie in ing o ou u",
    "m": "a ai an ang ao e ei en eng i ian iao ie in ing iu o ou u",
    "f": "a an ang ei en eng o ou u",
    "d": "a ai an ang ao e ei eng i ia ian iao ie ing iu ong ou u uan ui un uo",
    "t": "a ai an ang ao e eng i ian iao ie ing ong ou u uan ui un uo",
    "n": "a ai an ang ao e ei en eng i ian iang iao ie in ing iu ong ou u uan uo ü üe",
    "l": "a ai an ang ao e ei eng i ia ian iang iao ie in ing iu ong ou u uan un uo ü üe",
    "g": "a ai an ang ao e ei en eng ong ou u ua uai uan uang ui un uo",
    "k": "a ai an ang ao e en eng ong ou u ua uai uan uang ui un uo",
    "h": "a ai an ang ao e ei en eng ong ou u ua uai uan uang ui un uo",
    "j": "i ia ian iang iao ie in ing iong iu u uan ue un",
    "q": "i ia ian iang iao ie in ing iong iu u uan ue un",
    "x": "i ia ian iang iao ie in ing iong iu u uan ue un",
    "zh": "a ai an ang ao e ei en eng i ong ou u ua uai uan uang ui un uo",
    "ch": "a ai an ang ao e en eng i ong ou u uai uan uang ui un uo",
    "sh": "a ai an ang ao e ei en eng i ou u ua uai uan uang ui un uo",
    "r": "an ang ao e en eng i ong ou u uan ui un uo",
    "z": "a ai an ang ao e ei en eng i ong ou u uan ui un uo",
    "c": "a ai an ang ao e en eng i ong ou u uan ui un uo",
    "s": "a ai an ang ao e en eng i ong ou u uan ui un uo",
}

_INITIALS = {"": "", "b": "б", "p": "п", "m": "м", "f": "ф", "d": "д", "t": "т", "n": "н",
             "l": "л", "g": "г", "k": "к", "h": "х", "j": "цз", "q": "ц", "x": "с", "zh": "чж",
             "ch": "ч", "sh": "ш", "r": "ж", "z": "цз", "c": "ц", "s": "с"}

# Finals after a consonant. "i" finals soften the consonant (я, е, ю: "lian" -> лянь).
_FINALS = {"a": "а", "ai": "ай", "an": "ань", "ang": "ан", "ao": "ао", "e": "э", "ei": "эй",
           "en": "энь", "eng": "эн", "o": "о", "ou": "оу", "i": "и", "ia": "я", "ian": "янь",
           "iang": "ян", "iao": "яо", "ie": "е", "in": "инь", "ing": "ин", "iong": "юн",
           "iu": "ю", "ong": "ун", "u": "у", "ua": "уа", "uai": "уай", "uan": "уань",
           "uang": "уан", "ui": "уй", "un": "унь", "uo": "о", "ü": "юй", "üe": "юэ",
           "üan": "юань", "ün": "юнь"}

# Syllables without an initial, written with their own letters.
_BARE = {"a": "а", "ai": "ай", "an": "ань", "ang": "ан", "ao": "ао", "e": "э", "ei": "эй",
         "en": "энь", "eng": "эн", "er": "эр", "o": "о", "ou": "оу", "yi": "и", "ya": "я",
         "yao": "яо", "ye": "е", "you": "ю", "yan": "янь", "yin": "инь", "yang": "ян",
         "ying": "ин", "yong": "юн", "yu": "юй", "yue": "юэ", "yuan": "юань", "yun": "юнь",
         "wu": "у", "wa": "ва", "wai": "вай", "wei": "вэй", "wan": "вань", "wen": "вэнь",
         "wang": "ван", "weng": "вэн", "wo": "во"}

_RETROFLEX_OR_DENTAL = {"zh", "ch", "sh", "r", "z", "c", "s"}
_PALATAL = {"j", "q", "x"}


def palladius(initial: str, final: str) -> str:
    """The Palladius spelling of one Pinyin syllable, given as initial and final."""
    if not initial:
        return _BARE[final]
    if initial in _PALATAL and final.startswith("u"):
        final = "ü" + final[1:]  # ju, quan, xue, jun: the "u" is "ü"
    if final == "i" and initial in _RETROFLEX_OR_DENTAL:
        vowel = "ы" if initial in {"z", "c", "s"} else "и"  # zi цзы, si сы; zhi чжи, ri жи
        return _INITIALS[initial] + vowel
    if initial == "h" and final == "ui":
        return "хуэй"
    return _INITIALS[initial] + _FINALS[final]


@lru_cache(maxsize=1)
def _cyrillic_to_pinyin() -> dict[str, str]:
    table = {}
    for initial, finals in _SYLLABLES.items():
        for final in finals.split():
            # "ü" as news in Latin script writes it: "Lü" is mostly "Lu"
            table[palladius(initial, final)] = (initial + final).replace("ü", "u")
    return table


_LONGEST = 6  # "чжуань", "цзюань"
_MARKERS = re.compile(r"цз|чж|(?<=[^аеиоуыэюя])э|ь(?=[^аеиоуыэюя])|нь$")
# Russian declines a Chinese name only when it ends in a consonant: its last word.
_CASE_ENDINGS = ("ом", "ем", "а", "у", "е", "я", "ю")


def syllables(word: str) -> list[str] | None:
    """``word`` (lower-case Cyrillic) cut into Palladius syllables, the fewest possible;
    ``None`` when it cannot be."""
    table = _cyrillic_to_pinyin()
    best: list[list[str] | None] = [[]] + [None] * len(word)
    for end in range(1, len(word) + 1):
        for start in range(max(0, end - _LONGEST), end):
            piece = word[start:end]
            if best[start] is not None and piece in table:
                candidate = best[start] + [piece]
                if best[end] is None or len(candidate) < len(best[end]):
                    best[end] = candidate
    return best[-1]


def pinyin_reading(words: list[str]) -> list[str] | None:
    """The Pinyin of a Cyrillic name (its words, lower case) when it reads as a Chinese
    name in Palladius spelling, else ``None``. The last word may carry a case ending
    ("Си Цзиньпина", "Ван Вэньбиню")."""
    if not words or len(words) > 3:
        return None
    cut = [syllables(word) for word in words[:-1]] + [_last_word(words[-1])]
    if any(c is None for c in cut):
        return None
    chinese_shape = len(cut[0]) == 1 and (len(words) > 1 or len(words[0]) <= 4)
    if not chinese_shape and not any(_MARKERS.search(word) for word in words):
        return None
    table = _cyrillic_to_pinyin()
    return ["".join(table[s] for s in pieces) for pieces in cut]


def _last_word(word: str) -> list[str] | None:
    """The syllables of the name's base form: with a case ending removed when the base
    ends in a consonant (only those decline), else of the word as written."""
    for ending in _CASE_ENDINGS:
        stem = word[: -len(ending)]
        if word.endswith(ending) and stem:
            # hard stems take -а, -у, -ом; soft ones (-нь, -й) -я, -ю, -ем; both take -е
            bases = {"ом": [stem], "а": [stem], "у": [stem], "е": [stem, stem + "ь", stem + "й"]
                     }.get(ending, [stem + "ь", stem + "й"])
            for base in bases:
                if base[-1] in "нйь" and (found := syllables(base)):
                    return found
    return syllables(word)
