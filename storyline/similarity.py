"""How alike two articles are as reports of one story: a graded same-story score.

Clustering asks a yes-or-no question of thousands of pairs a second, and answers it with
the pair model (``cluster.linkage``). Comparing two articles an analyst picked ("the same
story? how close?") asks for a grade, of a few pairs at a time, so it can afford more:

- the clustering's own pair signals: the Universal Sentence Encoder over title and lead,
  TF-IDF, shared names and numbers (``linkage.signals``);
- multilingual-e5 (``E5Encoder``) over the first 1,200 characters, sharper than the
  Universal Sentence Encoder at telling two similar events apart and 15 times slower;
- the Universal Sentence Encoder over the body in 300-character pieces: the cosine of the
  two articles' mean pieces, and how well each piece finds a match in the other article
  (a long report whose lead is about something else still shares its pieces).

A ridge regression over each feature, its square and its square root predicts SemEval
2022 task 8's Overall grade (1 = same story ... 4 = very dissimilar); ``score`` rescales
it to 1.0 (same story) .. 0.0. benchmarks/stories/fit_similarity.py fits it on SemEval's
same-language pairs and reports how it does on pairs left out of the fit.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from .cluster.linkage import SIGNALS, signals
from .embed import E5Encoder, Embedder

__all__ = ["FEATURES", "SimilarityModel", "Similarity", "PairScorer", "basis"]

FEATURES = ("dense", "lexical", "names", "numbers", "e5", "body", "pieces")
BUNDLED = Path(__file__).parent / "cluster" / "similarity_model.json"
E5_CHARS = 1200
PIECE_CHARS, MAX_PIECES = 300, 10
_CHUNK = 32  # pairs featurised at a time, between two progress reports
_WHITESPACE = re.compile(r"\s+")


def basis(values: np.ndarray) -> np.ndarray:
    """Each feature, its square and its square root, and a constant: the regression's
    inputs for rows of ``FEATURES``."""
    values = np.atleast_2d(np.asarray(values, dtype=np.float64))
    return np.hstack([values, values ** 2, np.sqrt(np.clip(values, 0.0, None)),
                      np.ones((len(values), 1))])


@dataclass(frozen=True)
class SimilarityModel:
    """Ridge weights over ``basis``, and where they came from."""

    weights: tuple[float, ...]
    about: dict[str, Any]

    @classmethod
    def load(cls, path: str | Path | None = None) -> "SimilarityModel":
        source = Path(path) if path else BUNDLED
        try:
            model = json.loads(source.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValueError(f"cannot read the similarity model {source}: {exc}") from None
        if model.get("features") != list(FEATURES) or len(model.get("weights", ())) != 3 * len(FEATURES) + 1:
            raise ValueError(f"{source} is not a similarity model for features {list(FEATURES)} "
                             "(write one with benchmarks/stories/fit_similarity.py)")
        return cls(tuple(float(w) for w in model["weights"]),
                   {k: v for k, v in model.items() if k not in ("weights", "features")})

    def overall(self, values: np.ndarray) -> np.ndarray:
        """The predicted Overall grade of each row of features, within 1 .. 4."""
        return np.clip(basis(values) @ np.asarray(self.weights), 1.0, 4.0)

    @staticmethod
    def score(overall: np.ndarray) -> np.ndarray:
        """Grades as same-story scores: 1 (same story) -> 1.0 .. 4 (very dissimilar) -> 0.0."""
        return (4.0 - np.asarray(overall)) / 3.0


@dataclass(frozen=True)
class Similarity:
    """One pair compared: ``score`` 1.0 = surely the same story .. 0.0 = unrelated."""

    score: float
    overall: float  # the grade on SemEval's scale: 1 = same story .. 4 = very dissimilar
    features: dict[str, float]

    def as_dict(self) -> dict[str, Any]:
        return {"score": round(self.score, 4), "overall": round(self.overall, 3),
                "features": {k: round(v, 4) for k, v in self.features.items()}}


class PairScorer:
    """Compares stored articles of one engine (their clustering features are read from the
    store, or computed and stored when missing)."""

    def __init__(self, engine, model: SimilarityModel | None = None, e5: Embedder | None = None):
        self.engine = engine
        self._model = model  # loaded when first needed: ``features`` does without
        self.e5 = e5 or E5Encoder(threads=max(2, engine.settings["threads"]))

    def compare(self, pairs: Sequence[tuple[Any, Any]]) -> list[Similarity]:
        """``Similarity`` of each pair of ``Article``s."""
        values = self.features(pairs)
        self._model = self._model or SimilarityModel.load()
        grades = self._model.overall(values) if len(values) else np.zeros(0)
        return [Similarity(float(score), float(grade), dict(zip(FEATURES, row.tolist())))
                for score, grade, row in zip(self._model.score(grades), grades, values)]

    def features(self, pairs: Sequence[tuple[Any, Any]],
                 progress: Callable[[int], None] = lambda n: None) -> np.ndarray:
        """Rows of ``FEATURES``, one per pair; ``progress`` is told of each pair done."""
        rows = []
        for start in range(0, len(pairs), _CHUNK):
            rows.append(self._features(pairs[start:start + _CHUNK]))
            progress(len(rows[-1]))
        return np.vstack(rows) if rows else np.zeros((0, len(FEATURES)))

    def _features(self, pairs: Sequence[tuple[Any, Any]]) -> np.ndarray:
        articles = list({a.article_id: a for pair in pairs for a in pair}.values())
        builder = self.engine.story_builder
        groups = dict(zip((a.article_id for a in articles), builder.groups_of(articles)))
        texts = {a.article_id: _WHITESPACE.sub(" ", f"{a.title or ''}\n{a.text}").strip()
                 for a in articles}
        e5 = dict(zip(texts, self.e5.embed([t[:E5_CHARS] for t in texts.values()])))
        pieces = _pieces_by_article(builder.embedder, texts)
        rows = []
        for a, b in pairs:
            found = dict(zip(SIGNALS, signals(groups[a.article_id], groups[b.article_id],
                                              builder.weights.time_scale_days)))
            body, matched = _piece_similarity(pieces[a.article_id], pieces[b.article_id])
            rows.append([found["dense"], found["lexical"], found["names"], found["numbers"],
                         float(e5[a.article_id] @ e5[b.article_id]), body, matched])
        return np.array(rows, dtype=np.float64)


def _pieces_by_article(embedder: Embedder, texts: dict[str, str]) -> dict[str, np.ndarray]:
    cut = {key: [text[i:i + PIECE_CHARS] for i in range(0, min(len(text), PIECE_CHARS * MAX_PIECES),
                                                          PIECE_CHARS)] or [""]
           for key, text in texts.items()}
    vectors = embedder.embed([piece for pieces in cut.values() for piece in pieces])
    found, start = {}, 0
    for key, pieces in cut.items():
        found[key] = vectors[start:start + len(pieces)]
        start += len(pieces)
    return found


def _piece_similarity(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """The cosine of the mean pieces, and the mean of each piece's best match both ways."""
    mean_a, mean_b = a.mean(axis=0), b.mean(axis=0)
    norms = float(np.linalg.norm(mean_a) * np.linalg.norm(mean_b))
    body = float(mean_a @ mean_b) / norms if norms > 0 else 0.0
    matches = a @ b.T
    return body, float(matches.max(axis=1).mean() + matches.max(axis=0).mean()) / 2
