"""Text folding, tokens and shingles shared by every duplicate test.

All comparisons in dedup run on the same folded form of a text, so that a reprint that
only changes case, accents, quotes, dashes or spacing is still the same text:

* compatibility-decomposed and casefolded (NFKD, ``ß`` = ``ss``, ``ﬁ`` = ``fi``), then
  every mark with a combining class dropped (``Peñarrubia`` = ``Penarrubia``, ``ё`` =
  ``е``, Arabic vowel marks), then recomposed (NFC);
* every run of characters that are not letters, digits or word-internal marks is a word
  break, so punctuation, quote styles, dashes and white space all disappear.

Tokens are the words of that form. Scripts written without spaces between words (Chinese,
Japanese, Thai, Lao, Khmer, Myanmar) would otherwise give one "word" per sentence, so
each of their characters is a token of its own: word n-grams over them are then character
n-grams, the usual shingle for those scripts.

Why word shingles for every text, even very short ones: one rule for every language and
length keeps signatures comparable between any two texts (a short item and its longer
reprint must land in the same buckets), and character shingles of short texts would
match any two briefs that share a name and a verb. Short texts are covered by the
exact key and, for titled articles, by the title rule. A text shorter than one shingle
is one shingle of all its words.

``normalise`` in ``storyline.extract.paragraphs`` folds case and punctuation but not
accents; this module does not import it (stages import no sibling stage).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

#: Words per shingle. Three words: one changed word breaks at most three shingles, so a
#: light edit keeps most of them, while unrelated texts share almost none (calibration in
#: ``storyline.dedup.rules``).
SHINGLE_WORDS = 3

# Letters of scripts written without spaces between words: Thai, Lao, Myanmar, Khmer,
# Hiragana, Katakana, CJK ideographs (and their extensions / compatibility block).
_UNSPACED = re.compile(
    "([\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uf900-\ufaff\U00020000-\U0003134f])"
)
_ASCII_WORD = re.compile(r"[a-z0-9]+")
# Above this: code points unassigned in Python 3.11's Unicode 14, tags and private use,
# left as they are.
_TABLE_LIMIT = 0x32000


def fold(text: str) -> str:
    """Case-, accent-, punctuation- and space-insensitive form of ``text``: words joined by one space."""
    return " ".join(tokens(text))


def tokens(text: str) -> list[str]:
    """The words of ``text`` after folding case and accents (see the module docstring)."""
    return list(_tokens(text))


@lru_cache(maxsize=4)  # a memo of the last texts: dedup folds each text twice, one after the other
def _tokens(text: str) -> tuple[str, ...]:
    return tuple(_fold_tokens(text))


def _fold_tokens(text: str) -> list[str]:
    if text.isascii():  # nothing to decompose: the fast path for most English text
        return _ASCII_WORD.findall(text.lower())
    # NFKD before casefolding ("𝒩" -> "N" -> "n") and after it ("İ" -> "i" + dot above).
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    bare = unicodedata.normalize("NFC", folded.translate(_folding_table()))
    return _UNSPACED.sub(r" \1 ", bare).split()


@lru_cache(maxsize=1)  # a constant table, built on first use (about 0.3 s)
def _folding_table() -> dict[int, str | None]:
    """str.translate table: drop accents, turn everything that is not part of a word into a space.

    Accents are the marks with a non-zero combining class (acute, tilde, diaeresis, the
    Devanagari virama); marks of class 0 (Devanagari and Thai vowel signs) are part of
    their word, like letters and digits. Anything else -- punctuation, symbols, spaces,
    the underscore -- separates words.
    """
    table: dict[int, str | None] = {}
    for code in range(_TABLE_LIMIT):
        char = chr(code)
        if unicodedata.combining(char):
            table[code] = None
        elif unicodedata.category(char)[0] not in "LNM":
            table[code] = " "
    return table


def exact_key(text: str) -> str:
    """Key of the folded body: equal for copies that differ only in case, accents,
    punctuation or spacing. A text with no words at all gets the empty string, which
    callers treat as "no key" (two empty bodies are not copies of each other)."""
    folded = fold(text)
    if not folded:
        return ""
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()[:32]


def shingles(text: str, *, shingle_words: int = SHINGLE_WORDS) -> set[str]:
    """The set of ``shingle_words``-word sequences of ``text`` (folded).

    A text shorter than one shingle is a single shingle of all its words, so that a very
    short text still equals itself and nothing else; a text with no words has none.
    """
    return shingles_of_tokens(tokens(text), shingle_words=shingle_words)


def shingles_of_tokens(words: list[str], *, shingle_words: int = SHINGLE_WORDS) -> set[str]:
    if shingle_words < 1:
        raise ValueError(f"shingle_words must be at least 1, got {shingle_words}")
    if len(words) <= shingle_words:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i:i + shingle_words]) for i in range(len(words) - shingle_words + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    """|a & b| / |a | b|; two empty sets have nothing in common (0.0)."""
    if not a or not b:
        return 0.0
    common = len(a & b)
    return common / (len(a) + len(b) - common)


def containment(a: set[str], b: set[str]) -> float:
    """|a & b| / min(|a|, |b|): how much of the shorter text the longer one holds."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def shingle_jaccard(text_a: str, text_b: str, *, shingle_words: int = SHINGLE_WORDS) -> float:
    """Exact Jaccard similarity of the two texts' shingle sets, in [0, 1]."""
    return jaccard(shingles(text_a, shingle_words=shingle_words),
                   shingles(text_b, shingle_words=shingle_words))

