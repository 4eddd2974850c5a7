"""Folding text to plain lower-case Latin letters, so that spellings can be compared.

``strip_accents("Moscú") == "moscu"``; ``to_latin("Путин") == "putin"``. Cyrillic and Greek
are transliterated letter by letter with a fixed table (close to the common English
conventions: х -> kh, ч -> ch, ц -> ts, θ -> th), so the result is deterministic and
needs no model. It is a comparison key, not a faithful romanisation.
"""

from __future__ import annotations

import unicodedata

__all__ = ["strip_accents", "to_latin"]

_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
    "я": "ya",
    # Ukrainian, Belarusian, Serbian and Macedonian letters
    "і": "i", "ї": "yi", "є": "ye", "ґ": "g", "ў": "u", "ђ": "dj", "ј": "j", "љ": "lj",
    "њ": "nj", "ћ": "c", "џ": "dz", "ѓ": "gj", "ќ": "kj", "ѕ": "dz",
}

_GREEK = {
    "α": "a", "β": "v", "γ": "g", "δ": "d", "ε": "e", "ζ": "z", "η": "i", "θ": "th",
    "ι": "i", "κ": "k", "λ": "l", "μ": "m", "ν": "n", "ξ": "x", "ο": "o", "π": "p",
    "ρ": "r", "σ": "s", "ς": "s", "τ": "t", "υ": "y", "φ": "f", "χ": "ch", "ψ": "ps",
    "ω": "o", "ά": "a", "έ": "e", "ή": "i", "ί": "i", "ό": "o", "ύ": "y", "ώ": "o",
    "ϊ": "i", "ϋ": "y", "ΐ": "i", "ΰ": "y",
}

# Latin letters that do not decompose into a base letter plus an accent.
_LATIN_EXTRA = {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ð": "d", "þ": "th",
                "ł": "l", "ı": "i", "ħ": "h"}

_TABLE = str.maketrans({**_CYRILLIC, **_GREEK, **_LATIN_EXTRA})


def strip_accents(text: str) -> str:
    """Lower-case ``text`` and drop combining marks (é -> e, ü -> u, й -> и)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def to_latin(text: str) -> str:
    """Lower-case, transliterate Cyrillic and Greek, and strip accents.

    Transliteration happens before accents are stripped so that й (y) and ё (e) keep
    their own letters.
    """
    if text.isascii():  # nothing to fold but case; most words in most news
        return text.lower()
    composed = unicodedata.normalize("NFC", text.lower())
    return strip_accents(composed.translate(_TABLE))
