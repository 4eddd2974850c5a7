"""The representation stage: what the clusterer compares, computed from an article.

- dense vectors from a multilingual sentence encoder over title + lead
  (``Embedder``, ``UniversalSentenceEncoder``, ``NullEmbedder``,
  ``article_text_for_embedding``), and a sharper, slower one for scoring a few pairs
  (``E5Encoder``);
- lexical hashed TF-IDF vectors (``LexicalVectorizer``, ``DocumentFrequencies``,
  ``SparseVector``, ``cosine``, ``centroid``), their IDF helped by general word
  frequencies of the article's language (``background``);
- names compared across languages and scripts (``names``, ``name_overlap``,
  ``name_keys``, ``key_overlap``, ``weighted_name_keys``, ``rare_name_keys``), normalised numbers
  (``numbers``) and the past days an article names (``recalled_days``).

Nothing here opens the store or keeps state between calls: document frequencies are a
value the caller passes in and persists (``DocumentFrequencies.to_bytes``).
"""

from .dense import E5Encoder, Embedder, NullEmbedder, UniversalSentenceEncoder, normalise_rows
from .frequencies import DocumentFrequencies
from .latin import strip_accents, to_latin
from .lexical import LexicalVectorizer, tokenize
from .names import key_overlap, name_keys, name_overlap, names, rare_name_keys, weighted_name_keys
from .numeric import numbers
from .recalled import recalled_days
from .phonetic import consonant_skeleton, phonetic_keys
from .sparse import SparseVector, centroid, cosine
from .text import article_text_for_embedding

__all__ = [
    "Embedder", "NullEmbedder", "UniversalSentenceEncoder", "E5Encoder", "normalise_rows",
    "article_text_for_embedding",
    "LexicalVectorizer", "DocumentFrequencies", "SparseVector", "cosine", "centroid", "tokenize",
    "names", "name_overlap", "name_keys", "key_overlap", "rare_name_keys", "weighted_name_keys", "numbers",
    "recalled_days",
    "to_latin", "strip_accents", "consonant_skeleton", "phonetic_keys",
]
