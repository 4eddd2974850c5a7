"""Text folding, tokens and shingles shared by every duplicate test.

All comparisons in dedup run on the same folded form of a text, so that a reprint that
only changes case, accents, quotes, dashes or spacing is still the same text:

* NFKD, then combining marks dropped (``Peñarrubia`` = ``Penarrubia``, ``ё`` = ``е``,
  Arabic vowel marks dropped), then casefolded (``ß`` = ``ss``);
* every run of characters that are neither letters nor digits is a word break, so
  punctuation, quote styles, dashes and white space all disappear.

Tokens are the words of that form. Scripts written without spaces between words (Chinese,
Japanese, Thai, Lao, Khmer, Myanmar) would otherwise give one "word" per sentence, so
each of their characters is a token of its own: word n-grams over them are then character
n-grams, the usual shingle for those scripts. One rule for every language keeps
signatures comparable between any two texts.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

#: Words per shingle. Three words: one changed word breaks at most three shingles, so a
#: light edit keeps most of them, while unrelated texts share almost none (calibration in
#: ``storyline.dedup.rules``).
SHINGLE_WORDS = 3

# Letters of scripts written without spaces between words: Thai, Lao, Myanmar, Khmer,
# Hiragana, Katakana, CJK ideographs (and their extensions / compatibility block).
_UNSPACED = (
    "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uf900-\ufaff\U00020000-\U0002fa1f"
)
_TOKEN = re.compile(rf"[{_UNSPACED}]|[^\W_{_UNSPACED}]+", re.UNICODE)


def fold(text: str) -> str:
    """Case-, accent-, punctuation- and space-insensitive form of ``text``: words joined by one space."""
    return " ".join(tokens(text))


def tokens(text: str) -> list[str]:
    """The words of ``text`` after folding case and accents (see the module docstring)."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _TOKEN.findall(unicodedata.normalize("NFC", bare).casefold())


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

