"""Background document frequencies: how common each word is in a language in general.

TF-IDF learns its term weights from the articles seen so far. On a fresh store that is a
handful of articles, and the vectors computed then keep their weights (the store keeps
each article's vector, and story centroids are sums of them). Early articles were thus
weighted almost as plain term counts, "said" as heavily as "Qatar", and an online run
ended up unlike a batch run over the same articles (ecbplus: 2 points of pairwise F1).

The remedy is a prior: ``documents`` pseudo-documents of general text in the article's
language, in which a word occurs as often as the ``wordfreq`` package says (word
frequencies of 40 languages, from Wikipedia, subtitles, news, books and the web). Before
the corpus has grown, common words already weigh little and rare ones (names) much; as it
grows, the corpus' own frequencies take over. See ``DocumentFrequencies.idf``.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

__all__ = ["document_shares", "WORDS_PER_DOCUMENT"]

#: Words (stopwords included) in a pseudo-document: about what the 3,000 characters of
#: text that TF-IDF reads (the ``lexical_chars`` setting) hold.
WORDS_PER_DOCUMENT = 500

# Words rarer than this occur in under 0.05% of documents: as a prior they change nothing,
# and skipping them makes a language's table quick to build (well under a second).
_RAREST = 1e-6

# Language codes that wordfreq knows under another name.
_ALIASES = {"no": "nb", "tl": "fil", "sr": "sh", "hr": "sh", "bs": "sh"}


def document_shares(language: str | None, dimension: int) -> np.ndarray | None:
    """The share of documents in ``language`` expected to contain each hashed term (an
    array of ``dimension``, read-only), or None for a language wordfreq does not cover.

    Words are tokenised and hashed as articles' words are (``tokenize``, ``hashed_term``),
    so a share lands on the id the article's term has.
    """
    code = _wordfreq_code(language)
    return None if code is None else _shares(code, dimension)


@lru_cache(maxsize=None)
def _known_languages() -> frozenset[str]:
    import wordfreq  # imported on first use: loading it takes a moment

    return frozenset(wordfreq.available_languages("best"))


def _wordfreq_code(language: str | None) -> str | None:
    if not language:
        return None
    code = language.lower().replace("_", "-").split("-")[0]
    code = _ALIASES.get(code, code)
    return code if code in _known_languages() else None


@lru_cache(maxsize=64)
def _shares(code: str, dimension: int) -> np.ndarray:
    import wordfreq

    from .lexical import hashed_term, tokenize  # lexical imports this module

    shares = np.zeros(dimension, dtype=np.float32)
    # The list file read directly: wordfreq's own readers keep every list they read in
    # memory for good (about 40 MB a language). Bucket i holds the words of frequency
    # 10^(-i/100), commonest first.
    buckets = wordfreq.read_cBpack(wordfreq.available_languages("best")[code])
    for index, words in enumerate(buckets):
        frequency = wordfreq.cB_to_freq(-index)
        if frequency < _RAREST:
            break
        # a word that makes up f of all words is in 1 - exp(-f * n) of n-word documents
        share = -math.expm1(-frequency * WORDS_PER_DOCUMENT)
        for word in words:
            for token in tokenize(word, code):
                term = hashed_term(token, dimension)
                shares[term] = max(shares[term], share)  # hashed ids collide: keep the commoner
    shares.setflags(write=False)
    return shares
