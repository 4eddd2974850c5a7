"""MinHash signatures and LSH band keys: values a store can keep and look up by SQL.

A signature is ``num_perm`` 32-bit MinHash values (datasketch 2.0.0, scheme
``"affine32"``, seed ``SEED``, SHA-1 based 32-bit hash of each shingle) packed as
little-endian ``uint32`` bytes: 512 bytes for 128 permutations. Every parameter that
changes the values is pinned here, so a signature computed today equals one computed in
another process, on another machine or by a later version of this code;
``SIGNATURE_SCHEME`` names the parameters, for a store to record next to the values and
rebuild its index if it ever changes. ``tests/test_dedup.py`` pins one band key.

**Band keys.** The signature is cut into ``bands`` bands of ``rows`` values; two texts
become candidates when any band is equal, i.e. when they share any band key. For a pair
with shingle Jaccard ``s`` the chance of that is the S-curve ``1 - (1 - s**rows)**bands``
(``candidate_probability``). With the default 42 bands of 3 rows (126 of the 128 values):

    Jaccard   0.05    0.1    0.2    0.3    0.4    0.5    0.6    0.7
    P(cand)  0.005  0.041  0.286  0.679  0.932  0.996  1.000  1.000

The curve is steepest near (1/42)**(1/3) = 0.29. It is placed so that the confirmation
threshold of ``rules.NEAR_JACCARD`` (0.5) is reached by 99.6% of pairs, while a pair of
merely related articles (same event, shared quotes; Jaccard 0.1-0.2 on the evaluation
sets) becomes a candidate 4-29% of the time, and unrelated ones (Jaccard < 0.05) almost
never. Candidates are always confirmed with the exact ``shingle_jaccard``. 32 bands of 4
rows would put the middle at 0.42 but find only 87% of pairs at Jaccard 0.5.

Measured with ``SHINGLE_WORDS`` = 3 on the shared 2-core machine (one core, load average
1.3-2.7 from other jobs): on the 2,928 gva texts that survive extraction (median 217
shingles), ``signature`` runs at 1,100-1,500 texts/s (best of three runs 1,340-1,500) --
shingling alone about 3,400/s, MinHash alone 2,100-2,400/s -- and ``band_keys`` at about
9,000 signatures/s.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

import numpy as np
from datasketch import MinHash

from .text import SHINGLE_WORDS, shingles

NUM_PERM = 128
BANDS = 42
ROWS = 3
#: Seed of the MinHash permutations. Never change it: stored signatures would no longer
#: compare with new ones.
SEED = 20240615
_SCHEME = "affine32"  # datasketch's default since 2.0.0, pinned in case the default moves
_DTYPE = np.dtype("<u4")
_EMPTY = np.uint32(0xFFFFFFFF)  # the value of every slot of a signature of no shingles

#: Everything that determines signature values and band keys, for a store to record.
SIGNATURE_SCHEME = (
    f"datasketch-minhash/{_SCHEME}/sha1_32/seed={SEED}/perm={NUM_PERM}"
    f"/shingle=words{SHINGLE_WORDS}/bands={BANDS}x{ROWS}"
)


def signature(text: str, *, num_perm: int = NUM_PERM, shingle_words: int = SHINGLE_WORDS) -> bytes:
    """MinHash signature of the text's shingles: ``num_perm`` little-endian uint32 values.

    A text with no words gets the empty signature (every value 0xFFFFFFFF), which
    ``band_keys`` and ``estimated_jaccard`` treat as matching nothing.

    The values are datasketch's (``MinHash.update_batch`` with the pinned parameters;
    ``tests/test_dedup.py`` checks them against it), computed here without its per-call
    overhead: each shingle's SHA-1 based 32-bit hash, the MurmurHash3 finalizer, then
    the ``a * h + b`` permutations modulo 2**32 and the minimum over shingles.
    """
    found = shingles(text, shingle_words=shingle_words)
    if not found:
        return np.full(num_perm, _EMPTY, dtype=_DTYPE).tobytes()
    sha1 = hashlib.sha1
    hashes = np.fromiter((int.from_bytes(sha1(s.encode("utf-8")).digest()[:4], "little")
                          for s in found), dtype=np.uint32, count=len(found))
    a, b = _permutations(num_perm)
    mixed = _fmix32(hashes)[:, None]
    values = np.minimum((mixed * a + b).min(axis=0), _EMPTY)
    return values.astype(_DTYPE).tobytes()


def _fmix32(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer (datasketch's ``_fmix`` for the affine32 scheme)."""
    values = values ^ (values >> np.uint32(16))
    values = values * np.uint32(0x85EBCA6B)
    values = values ^ (values >> np.uint32(13))
    values = values * np.uint32(0xC2B2AE35)
    return values ^ (values >> np.uint32(16))


@lru_cache(maxsize=4)  # a pure function of its arguments; generating them costs ~0.2 ms
def _permutations(num_perm: int) -> np.ndarray:
    return MinHash(num_perm=num_perm, seed=SEED, scheme=_SCHEME).permutations


def hash_values(sig: bytes) -> np.ndarray:
    """The uint32 values of a signature made by ``signature``."""
    if len(sig) % _DTYPE.itemsize:
        raise ValueError(f"a signature is a whole number of 4-byte values; got {len(sig)} bytes")
    return np.frombuffer(sig, dtype=_DTYPE)


def is_empty(sig: bytes) -> bool:
    """True for the signature of a text without words."""
    return bool(np.all(hash_values(sig) == _EMPTY))


def band_keys(signature: bytes, *, bands: int = BANDS, rows: int = ROWS) -> list[str]:
    """One key per band, ``"<band>:<16 hex digits>"``; texts sharing a key are candidates.

    The band number is part of the key, so equal values in different bands never meet.
    An empty signature has no keys: texts without words are nobody's candidates.
    """
    values = hash_values(signature)
    if bands * rows > len(values):
        raise ValueError(f"{bands} bands x {rows} rows need {bands * rows} hash values; "
                         f"the signature has {len(values)}")
    if is_empty(signature):
        return []
    keys = []
    for band in range(bands):
        chunk = values[band * rows:(band + 1) * rows].tobytes()
        keys.append(f"{band:02d}:{hashlib.blake2b(chunk, digest_size=8).hexdigest()}")
    return keys


def estimated_jaccard(a: bytes, b: bytes) -> float:
    """Share of equal MinHash values: an estimate of the shingle Jaccard (std. error
    about sqrt(J(1-J)/num_perm), 0.044 at J=0.5 with 128 values)."""
    values_a, values_b = hash_values(a), hash_values(b)
    if len(values_a) != len(values_b):
        raise ValueError(f"signatures of different lengths ({len(values_a)} and "
                         f"{len(values_b)} values) cannot be compared")
    if is_empty(a) or is_empty(b):
        return 0.0
    return float(np.count_nonzero(values_a == values_b)) / len(values_a)


def candidate_probability(jaccard: float, *, bands: int = BANDS, rows: int = ROWS) -> float:
    """Chance that two texts with this shingle Jaccard share at least one band key."""
    return 1.0 - (1.0 - jaccard ** rows) ** bands
