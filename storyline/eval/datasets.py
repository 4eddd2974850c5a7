"""Readers for the evaluation sets described in ``../shared/data/README.md``.

Two formats, both JSON Lines with one object per line:

* ``docs.jsonl`` (story clustering): ``doc_id``, ``cluster_id`` and ``text`` are required;
  ``title``, ``date``, ``url``, ``source`` and ``lang`` become ``RawDocument.hints``
  (``source`` as ``outlet``); ``topic_id`` and ``split`` are kept on the ``EvalDoc``.
* ``pairs.jsonl`` (SemEval-2022 Task 8): ``pair_id``, ``lang1``, ``lang2``, ``text1``,
  ``text2`` and ``overall`` are required; the other graded dimensions are kept when present.

A file that cannot be read or is not in the format raises ``UserError`` naming the line and
the field. Lines that are well formed but unusable are not errors:

* a document with an empty text and no title is left out of ``docs`` and recorded in
  ``skipped`` as a ``Rejected``; it stays in ``gold``, so a clustering is scored on it as a
  singleton (one with a title goes in: the pipeline may keep it as a headline-only article);
* a repeated ``doc_id`` / ``pair_id`` keeps its first occurrence (deterministic whatever the
  labels of the later ones) and is counted in ``duplicates_dropped``.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterator, Mapping

from storyline.errors import UserError
from storyline.types import RawDocument, Rejected

logger = logging.getLogger(__name__)

__all__ = [
    "EvalDoc",
    "ClusterDataset",
    "EvalPair",
    "PairDataset",
    "load_cluster_dataset",
    "load_cluster_docs",
    "load_pair_dataset",
    "load_pairs",
]

#: docs.jsonl field -> RawDocument hint key
_DOC_HINT_FIELDS = {
    "title": "title", "date": "date", "url": "url", "source": "outlet", "lang": "lang",
}
_PAIR_SCORE_FIELDS = ("overall", "geography", "entities", "time", "narrative", "style", "tone")


@dataclass(frozen=True)
class EvalDoc:
    """One article of a clustering set: its gold story and the document to feed the engine."""

    doc_id: str
    cluster_id: str
    raw: RawDocument
    topic_id: str | None = None
    split: str | None = None


@dataclass(frozen=True)
class ClusterDataset:
    """A loaded ``docs.jsonl``.

    ``gold`` maps every unique doc id to its gold story, including the ``skipped`` ones:
    score a clustering against ``gold``, not against ``docs``.
    """

    path: Path
    docs: tuple[EvalDoc, ...]
    gold: Mapping[str, str]
    skipped: tuple[Rejected, ...] = ()
    duplicates_dropped: int = 0


@dataclass(frozen=True)
class EvalPair:
    """Two articles with a human judgement of how much they tell the same story.

    ``overall`` runs from 1 (same story) to 4 (very dissimilar): a similarity score should
    correlate *negatively* with it; ``similarity`` rescales it to 1.0 (same) .. 0.0.
    """

    pair_id: str
    lang1: str
    lang2: str
    overall: float
    first: RawDocument
    second: RawDocument
    scores: Mapping[str, float] = field(default_factory=dict)  # every graded dimension
    machine_translated: bool = False

    @property
    def same_language(self) -> bool:
        return self.lang1 == self.lang2

    @property
    def similarity(self) -> float:
        return (4.0 - self.overall) / 3.0


@dataclass(frozen=True)
class PairDataset:
    path: Path
    pairs: tuple[EvalPair, ...]
    skipped: tuple[Rejected, ...] = ()
    duplicates_dropped: int = 0


def _read_objects(path: Path) -> Iterator[tuple[int, dict]]:
    """(line number, object) for every non-blank line; UserError for anything else."""
    if not path.is_file():
        what = "is a directory" if path.is_dir() else "does not exist"
        raise UserError(f"evaluation file {path} {what}; give the path of a .jsonl file")
    try:
        with path.open(encoding="utf-8") as lines:
            for number, line in enumerate(lines, start=1):
                if not line.strip():
                    continue
                yield number, _parse_line(path, number, line)
    except UnicodeDecodeError as err:
        raise UserError(
            f"{path} is not UTF-8 text ({err.reason}); is it a JSON Lines file?"
        ) from err
    except OSError as err:
        raise UserError(f"cannot read {path}: {err.strerror or err}") from err


def _parse_line(path: Path, number: int, line: str) -> dict:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as err:
        raise UserError(f"{path} line {number}: not valid JSON ({err.msg})") from err
    if not isinstance(obj, dict):
        raise UserError(f"{path} line {number}: expected a JSON object, got {type(obj).__name__}")
    return obj


def _required_id(obj: dict, key: str, path: Path, number: int) -> str:
    """A non-empty identifier; numbers are accepted and turned into strings."""
    if key not in obj:
        raise UserError(f"{path} line {number}: missing field {key!r} (has {sorted(obj)})")
    value = obj[key]
    if isinstance(value, bool) or not isinstance(value, (str, int)) or str(value).strip() == "":
        raise UserError(
            f"{path} line {number}: field {key!r} must be a non-empty string, got {value!r}"
        )
    return str(value)


def _required_text(obj: dict, key: str, path: Path, number: int) -> str:
    """The text; null counts as empty, anything else that is not a string is an error."""
    if key not in obj:
        raise UserError(f"{path} line {number}: missing field {key!r} (has {sorted(obj)})")
    value = obj[key]
    if value is None:
        return ""
    if not isinstance(value, str):
        kind = type(value).__name__
        raise UserError(f"{path} line {number}: field {key!r} must be a string, got {kind}")
    return value


def _optional_str(obj: dict, key: str) -> str | None:
    value = obj.get(key)
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def title_alone(doc: RawDocument, title: str) -> RawDocument:
    """``doc`` with its body dropped and ``title`` as its title (``origin`` + "#title"): what
    a page behind a paywall gives, made from any article, so that the pipeline keeps it as
    a headline-only article. The headline model's training pairs and the demo-titles check
    are made of these (benchmarks/stories/fit_pairs.py, demo_titles.py)."""
    return replace(doc, origin=doc.origin + "#title", body="", kind="text",
                   hints={**doc.hints, "title": title})


def _raw(origin: str, body: str, hints: dict[str, str | None]) -> RawDocument:
    kept = {key: value for key, value in hints.items() if value}
    return RawDocument(origin=origin, body=body, kind="text", hints=kept)


def load_cluster_dataset(path: str | Path) -> ClusterDataset:
    """Read a ``docs.jsonl`` clustering set (see the module docstring for the rules)."""
    path = Path(path)
    docs: list[EvalDoc] = []
    skipped: list[Rejected] = []
    gold: dict[str, str] = {}
    duplicates = 0
    for number, obj in _read_objects(path):
        doc_id = _required_id(obj, "doc_id", path, number)
        cluster_id = _required_id(obj, "cluster_id", path, number)
        text = _required_text(obj, "text", path, number)
        if doc_id in gold:
            duplicates += 1
            logger.debug("%s line %d: doc_id %s repeated; the first line wins", path, number, doc_id)
            continue
        gold[doc_id] = cluster_id
        origin = f"{path.name}:{doc_id}"
        hints = {hint: _optional_str(obj, name) for name, hint in _DOC_HINT_FIELDS.items()}
        if not text.strip() and not hints.get("title"):
            reason = f"{path} line {number}: empty text and no title; scored as a singleton"
            skipped.append(Rejected(origin, reason))
            continue
        docs.append(EvalDoc(doc_id, cluster_id, _raw(origin, text, hints),
                            _optional_str(obj, "topic_id"), _optional_str(obj, "split")))
    if not gold:
        raise UserError(f"{path} holds no documents; expected one JSON object per line")
    logger.info("%s: %d documents, %d gold stories, %d empty texts, %d repeated ids dropped",
                path, len(docs), len(set(gold.values())), len(skipped), duplicates)
    return ClusterDataset(path, tuple(docs), gold, tuple(skipped), duplicates)


def load_cluster_docs(path: str | Path) -> list[EvalDoc]:
    """The usable documents of a ``docs.jsonl`` set.

    Documents with an empty text are not in the list; score against
    ``load_cluster_dataset(path).gold`` so that they still count (as singletons).
    """
    return list(load_cluster_dataset(path).docs)


def _score(obj: dict, key: str, path: Path, number: int) -> float:
    value = obj[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise UserError(f"{path} line {number}: field {key!r} must be a number, got {value!r}")
    return float(value)


def _pair_from(obj: dict, path: Path, number: int) -> tuple[str, EvalPair | Rejected]:
    """(pair id, the pair or why it cannot be used)."""
    pair_id = _required_id(obj, "pair_id", path, number)
    langs = [_required_id(obj, key, path, number) for key in ("lang1", "lang2")]
    texts = [_required_text(obj, key, path, number) for key in ("text1", "text2")]
    if obj.get("overall") is None:
        raise UserError(f"{path} line {number}: missing field 'overall' (the human score 1-4)")
    scores = {
        key: _score(obj, key, path, number)
        for key in _PAIR_SCORE_FIELDS
        if obj.get(key) is not None
    }
    origin = f"{path.name}:{pair_id}"
    if not all(text.strip() for text in texts):
        return pair_id, Rejected(origin, f"{path} line {number}: a text of the pair is empty")
    first, second = (_raw(f"{origin}#text{side}", text, {"lang": lang})
                     for side, (text, lang) in enumerate(zip(texts, langs), start=1))
    machine_translated = bool(obj.get("machine_translated_augmentation", False))
    pair = EvalPair(pair_id, langs[0], langs[1], scores["overall"], first, second, scores,
                    machine_translated)
    return pair_id, pair


def load_pair_dataset(path: str | Path) -> PairDataset:
    """Read a SemEval-2022 Task 8 ``pairs.jsonl``; a repeated ``pair_id`` keeps its first line."""
    path = Path(path)
    pairs: list[EvalPair] = []
    skipped: list[Rejected] = []
    seen: set[str] = set()
    duplicates = 0
    for number, obj in _read_objects(path):
        pair_id, pair = _pair_from(obj, path, number)
        if pair_id in seen:
            duplicates += 1
            continue
        seen.add(pair_id)
        (pairs if isinstance(pair, EvalPair) else skipped).append(pair)
    if not seen:
        raise UserError(f"{path} holds no pairs; expected one JSON object per line")
    logger.info("%s: %d pairs, %d skipped, %d duplicate pair ids dropped",
                path, len(pairs), len(skipped), duplicates)
    return PairDataset(path, tuple(pairs), tuple(skipped), duplicates)


def load_pairs(path: str | Path) -> list[EvalPair]:
    """The usable pairs of a ``pairs.jsonl`` file (see ``load_pair_dataset``)."""
    return list(load_pair_dataset(path).pairs)
