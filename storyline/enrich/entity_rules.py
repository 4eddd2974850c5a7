"""Names found by rules, for languages with no NER model that runs offline (German,
Russian, and anything else but English and Spanish).

A name is a run of capitalised words ("Olaf Scholz", "Владимир Путин", "Europäische
Zentralbank"). A single capitalised word is kept only with evidence of what it is: a role
before it (person), a verb of saying after it (person), a place preposition before it
("in Berlin", "в Пекине": place), an organisation word in it ("Kreml", "Außenministerium"),
or because it is the last word of a longer name in the same text ("Scholz" after "Olaf
Scholz"). Capitals prove nothing at a sentence start, so a word there needs the text to
capitalise it elsewhere too; German capitalises every noun, so a German word after a
determiner ("die Regierung") or with a common-noun ending is not a name on its own.
The kind a rule gives is a guess: the card prefers a model's kind when a name is found
by both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..embed.latin import to_latin
from ..embed.stopwords import stopwords_for
from .entity_cues import context_kind
from .entity_roles import is_role_word
from .entity_words import (GERMAN_ARTICLE_NAMES, GERMAN_DETERMINERS, GERMAN_NOUN_ENDINGS,
                           ORGANISATION_WORDS, PLACE_ENDINGS, SPEECH_VERBS, is_organisation_word,
                           place_prepositions, role_nouns, word_stem)
from .temporal_words import ABBREVIATIONS, AMBIGUOUS_ENGLISH, MONTHS, WEEKDAYS

_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_SENTENCE_END = re.compile(r"[.!?:;\"“”«»()\n•–—]\s*$")
_LAST_WORD = re.compile(r"([^\W\d_]+)[\s\u00a0]+$")
_NEXT_WORD = re.compile(r",?[\s\u00a0]+([^\W\d_]+)")
_CONNECTORS = frozenset({"von", "van", "de", "da", "di", "del", "bin", "al", "la", "le"})
# month and weekday names are not names, but "Jan" and "May" may be ("Jan Kuyt")
_CALENDAR = frozenset(form for table in (MONTHS, WEEKDAYS) for forms in table.values()
                      for form in forms) - ABBREVIATIONS - AMBIGUOUS_ENGLISH
# "Außenministerium", "Zentralbank": German compounds end in their organisation word
_COMPOUND_ORGANISATIONS = tuple(word for word in ORGANISATION_WORDS if len(word) >= 5)
_FUNCTION_WORDS = frozenset("""the a an el la los las un una der die das den dem des ein eine
    и в на с по о не это этот эта как но a il lo gli le uno de het een""".split()) | GERMAN_DETERMINERS
_GERMAN_COMPLEMENTS = frozenset("des der von vom".split())


@dataclass(frozen=True)
class RuleName:
    start: int
    end: int
    kind: str  # person | organisation | place


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    text: str
    sentence_start: bool


def find_names(text: str, language: str | None) -> list[RuleName]:
    tokens = _tokens(text)
    attested = {t.text.lower() for t in tokens if _capitalised(t.text) and not t.sentence_start}
    runs = _runs(tokens, attested, stopwords_for(language))
    found = [name for run in runs if (name := _judge(text, run, language))]
    return found + _short_forms(runs, found, text)


def _tokens(text: str) -> list[_Token]:
    tokens, previous_end = [], 0
    for match in _WORD.finditer(text):
        gap = text[previous_end:match.start()]
        starts = previous_end == 0 or bool(_SENTENCE_END.search(text[max(0, match.start() - 3):match.start()])) \
            or "\n" in gap
        tokens.append(_Token(match.start(), match.end(), match.group(), starts))
        previous_end = match.end()
    return tokens


def _capitalised(word: str) -> bool:
    return word[0].isupper()


def _runs(tokens: list[_Token], attested: set[str], stopwords: frozenset[str]) -> list[list[_Token]]:
    runs: list[list[_Token]] = []
    current: list[_Token] = []
    for i, token in enumerate(tokens):
        joined = current and token.start - current[-1].end <= 1 and not token.sentence_start
        if joined and _acronym(current[-1].text) and not _acronym(token.text):
            joined = False  # "МИД КНР Хуа Чуньин": an organisation, then a name
        if _capitalised(token.text) and token.text.lower() not in _CALENDAR:
            if not joined:
                current = []
                runs.append(current)
            current.append(token)
        elif (joined and token.text in _CONNECTORS and i + 1 < len(tokens)
              and _capitalised(tokens[i + 1].text)):
            current.append(token)
        else:
            current = []
    return [_trim_run(run, attested, stopwords) for run in runs if run]


def _trim_run(run: list[_Token], attested: set[str], stopwords: frozenset[str]) -> list[_Token]:
    """Drop function words and an unattested sentence-initial word from the run's start."""
    while run and (run[0].text.lower() in _FUNCTION_WORDS or run[0].text in _CONNECTORS
                   or to_latin(run[0].text.lower()) in stopwords):
        run = run[1:]
    if (len(run) == 1 and run[0].sentence_start and run[0].text.lower() not in attested
            and not is_organisation_word(run[0].text)):
        return []
    return run


def _judge(text: str, run: list[_Token], language: str | None) -> RuleName | None:
    """The run as a name with a guessed kind, or ``None`` when nothing says it is one."""
    nouns = role_nouns(None)
    roles = [i for i, token in enumerate(run) if is_role_word(token.text, nouns)]
    if roles:  # "Bundeskanzler Olaf Scholz", "Angaben von Gouverneur Arkadi Belousow"
        run = run[roles[-1] + 1:]
    if not run or _after_a_number(text, run[0].start):
        return None  # "42 Millionen Euro", "19.40 Uhr Ortszeit": a quantity's noun
    if language == "de":
        run = _german_name_part(text, run)
        if not run:
            return None
    if language == "ru" and len(run) >= 3 and not _patronymic(run[-2].text):
        run = run[-2:]  # "России Владимир Путин": a country in the genitive, then the name
    start, end = run[0].start, run[-1].end
    words = [t.text.lower() for t in run]
    before, after = _word_before(text, start), _word_after(text, end)
    if _is_organisation(words) or (len(run) == 1 and _acronym(run[0].text)):
        return RuleName(start, end, "organisation")
    if before in place_prepositions(language) and len(run) <= 2 and _not_common_noun(words, language):
        return RuleName(start, end, "place")
    if len(run) >= 2:
        return RuleName(start, end, "place" if words[-1].endswith(PLACE_ENDINGS) else "person")
    if before in nouns or after in SPEECH_VERBS:
        return RuleName(start, end, "person")
    shown = context_kind(text, start, end, language)  # "Stadt Drewnogorsk", "городе Харбин"
    return RuleName(start, end, shown[0]) if shown else None


def _german_name_part(text: str, run: list[_Token]) -> list[_Token]:
    """The part of a German run that may be a name. German capitalises every noun, so:
    a noun after a determiner (and its adjectives) heads the phrase and the name, if any,
    follows it ("der velesischen Stadt Drewnogorsk"; "die Regierung": none); a word with a
    common-noun ending is not a name ("Gutachter Korrosion"); nor is a single word with a
    genitive or "von" after it ("nach Angaben des Ministeriums")."""
    words = [t.text.lower() for t in run]
    if _after_determiner(text, run[0].start) and not _acronym(run[0].text) \
            and not _german_article_name(words):
        run = run[1:]
    run = [t for t in run if not t.text.lower().endswith(GERMAN_NOUN_ENDINGS)
           or is_organisation_word(t.text)]
    if len(run) == 1 and _word_after(text, run[0].end) in _GERMAN_COMPLEMENTS:
        return []
    return run


def _after_determiner(text: str, start: int) -> bool:
    """Whether a German determiner precedes, perhaps across inflected adjectives."""
    words = re.findall(r"[^\W\d_]+", text[max(0, start - 60):start])
    for word in reversed(words):
        folded = word.lower()
        if folded in GERMAN_DETERMINERS:
            return True
        if not (word.islower() and folded.endswith(("e", "en", "er", "es", "em"))):
            return False
    return False


def _after_a_number(text: str, start: int) -> bool:
    return bool(re.search(r"\d[\s\u00a0]+$", text[max(0, start - 12):start]))


def _short_forms(runs: list[list[_Token]], found: list[RuleName], text: str) -> list[RuleName]:
    """Single words that repeat the last word of a person's full name found in the text,
    in any case ("Путина" after "Владимир Путин")."""
    surnames = {word_stem(text[n.start:n.end].split()[-1]) for n in found
                if n.kind == "person" and " " in text[n.start:n.end]}
    taken = {(n.start, n.end) for n in found}
    return [RuleName(run[0].start, run[0].end, "person") for run in runs
            if len(run) == 1 and word_stem(run[0].text) in surnames
            and (run[0].start, run[0].end) not in taken]


def _acronym(word: str) -> bool:
    return len(word) > 1 and word.isupper()


def _german_article_name(words: list[str]) -> bool:
    first = words[0]
    return first in GERMAN_ARTICLE_NAMES or (first.endswith("s") and first[:-1] in GERMAN_ARTICLE_NAMES)


def _patronymic(word: str) -> bool:
    return word.lower().endswith(("вич", "вна", "ична", "чна"))


def _is_organisation(words: list[str]) -> bool:
    return any(is_organisation_word(w) or w.endswith(_COMPOUND_ORGANISATIONS) for w in words)


def _not_common_noun(words: list[str], language: str | None) -> bool:
    if language != "de":
        return True
    return not words[-1].endswith(GERMAN_NOUN_ENDINGS)


def _word_before(text: str, start: int) -> str:
    match = _LAST_WORD.search(text[max(0, start - 40):start])
    return match.group(1).lower() if match else ""


def _word_after(text: str, end: int) -> str:
    match = _NEXT_WORD.match(text[end:end + 40])
    return match.group(1).lower() if match else ""
