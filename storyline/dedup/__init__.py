"""The dedup stage: which articles are copies of one text (wire copy reprinted by many outlets).

Everything here is a plain function over values a store can keep (str, bytes, float);
nothing opens the store or keeps state between calls::

    key   = exact_key(article.text)              # str: equal for copies up to case/accents/punctuation
    sig   = signature(article.text)              # bytes: 128 MinHash values, stable across processes
    keys  = band_keys(sig)                       # list[str]: LSH buckets; shared key -> candidate
    verdict = is_near_duplicate(DupCandidate.from_article(a), DupCandidate.from_article(b))
    groups  = syndication_groups(links, published)   # copies, first-published first

The engine keeps ``exact_key`` and ``band_keys`` of every article in the store, looks up
the articles that share a key with a new one, and confirms each with
``is_near_duplicate``. LSH finds pairs by Jaccard only; the containment and title rules
apply to whatever pairs the caller compares (e.g. all pairs inside one story).
``SIGNATURE_SCHEME`` names every parameter behind signatures and band keys.
"""

from .groups import syndication_groups
from .minhash import (SIGNATURE_SCHEME, band_keys, candidate_probability, estimated_jaccard,
                      signature)
from .rules import DupCandidate, DupVerdict, is_near_duplicate
from .text import exact_key, fold, shingle_jaccard, shingles

__all__ = [
    "SIGNATURE_SCHEME", "DupCandidate", "DupVerdict", "band_keys", "candidate_probability",
    "estimated_jaccard", "exact_key", "fold", "is_near_duplicate", "shingle_jaccard", "shingles",
    "signature", "syndication_groups",
]
