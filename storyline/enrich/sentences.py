"""Sentence splitting by rules, for English, Spanish, German and Russian news text.

Rules rather than a model because they are fast (well under a millisecond an article), need
no download, and can be told about what news text does: headlines without a final stop,
quotations with several sentences inside ("We won. They lost," he said), Spanish ¿…? and ¡…!,
German ordinals ("am 16. Mai"), initials ("V. Putin", "В. В. Путин") and titles ("Dr.",
"Sra.", "Nr.", "ул.").

Every sentence keeps its character offsets into the text given, so that
``text[s.start:s.end] == s.text`` always holds and callers can mark the exact span.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

__all__ = ["Sentence", "split_sentences"]

logger = logging.getLogger(__name__)

#: A "sentence" longer than this (a table, a list with no stops) is cut at a comma or space.
MAX_SENTENCE_CHARS = 1200


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str
    paragraph: int  # 0-based index of the blank-line separated block the sentence is in


_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n\s*")
_TERMINAL = ".!?…"
_CLOSERS = "\"'”’»›)]"
_OPEN_QUOTES = {"“": "”", "«": "»", "„": "“", "‹": "›", '"': '"'}
_WORD_BEFORE_DOT = re.compile(r"([\w.\-]+)\.$")

# Words after which a stop never ends a sentence: titles, initials of names, "No." and the
# like; these are followed by a capitalised name or a number, so the capital-letter rule alone
# would split them.
_TITLES = {
    "mr", "mrs", "ms", "dr", "prof", "gen", "col", "lt", "sgt", "capt", "cmdr", "adm", "gov",
    "sen", "rep", "st", "mt", "jr", "no", "nos", "vol", "fig", "approx", "inc", "ltd", "corp",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "sr", "sra", "srta", "dra", "dña", "d", "ud", "uds", "núm", "pág", "art", "av", "avda",
    "nr", "str", "hr", "fr", "ca", "bzw", "vgl", "z.b", "u.a", "d.h", "usw", "sog", "ggf", "mio",
    "mrd", "ul", "pr", "im", "им", "ул", "пр", "просп", "пл", "д", "т.е", "т.д", "т.п", "т.н",
    "см", "напр", "тыс", "млн", "млрд", "руб", "долл", "ген", "проф", "акад", "гг", "вв",
    "e.g", "i.e", "vs", "etc",
}
# Months after a German ordinal ("am 16. Mai") or a Spanish/Russian abbreviation.
_MONTHS_DE = {
    "januar", "jänner", "februar", "märz", "april", "mai", "juni", "juli", "august", "september",
    "oktober", "november", "dezember",
}
# Words that start a new sentence after a dotted acronym ("in the U.S. The ..."), where an
# acronym followed by another capitalised word ("the U.S. State Department") does not.
_SENTENCE_STARTERS = {
    "the", "a", "an", "in", "on", "at", "he", "she", "it", "they", "we", "i", "but", "and",
    "this", "that", "these", "those", "there", "its", "his", "her", "their", "after", "before",
    "when", "while", "if", "as", "for", "so", "yet", "meanwhile", "however", "el", "la", "los",
    "las", "en", "der", "die", "das", "es", "er", "sie", "und", "aber",
}


def split_sentences(text: str, language: str | None) -> list[Sentence]:
    """Split ``text`` into sentences with offsets into it.

    Paragraphs are blocks separated by blank lines; a sentence never crosses one. Inside a
    paragraph, a single line break ends a sentence when the line before it looks like a
    headline or ends with a stop, but not in hard-wrapped prose. ``language`` (ISO 639-1, or
    None) switches on language-specific rules such as German ordinals.
    """
    if not text or text.isspace():
        return []
    language = (language or "").lower()[:2]
    sentences: list[Sentence] = []
    for number, (start, end) in enumerate(_paragraph_spans(text)):
        for s, e in _split_paragraph(text, start, end, language):
            for cs, ce in _cap_length(text, s, e):
                sentences.append(Sentence(cs, ce, text[cs:ce], number))
    return sentences


def _paragraph_spans(text: str) -> list[tuple[int, int]]:
    spans, position = [], 0
    for match in _PARAGRAPH_BREAK.finditer(text):
        spans.append((position, match.start()))
        position = match.end()
    spans.append((position, len(text)))
    return [span for span in (_strip(text, s, e) for s, e in spans) if span[0] < span[1]]


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _split_paragraph(text: str, start: int, end: int, language: str) -> list[tuple[int, int]]:
    cuts = set(_line_break_cuts(text, start, end))
    cuts.update(_punctuation_cuts(text, start, end, language))
    bounds = [start, *sorted(c for c in cuts if start < c < end), end]
    spans = (_strip(text, a, b) for a, b in zip(bounds, bounds[1:]))
    return [span for span in spans if span[0] < span[1]]


def _line_break_cuts(text: str, start: int, end: int) -> list[int]:
    """Line breaks inside a paragraph that end a sentence.

    A break ends a sentence after a stop, or after a line clearly shorter than the longest
    line of the paragraph (a headline, a dateline) when the next line starts like a sentence.
    Hard-wrapped prose has lines of similar length, so its breaks are ignored.
    """
    lines = [m for m in re.finditer(r"[^\n]+", text[start:end])]
    if len(lines) < 2:
        return []
    longest = max(len(m.group().strip()) for m in lines)
    cuts = []
    for line, following in zip(lines, lines[1:]):
        body = line.group().rstrip()
        nxt = following.group().lstrip()
        ends_with_stop = body.rstrip(_CLOSERS)[-1:] in _TERMINAL + ":"
        short = len(body.strip()) < 0.7 * longest
        if ends_with_stop or (short and _starts_sentence(nxt) and body[-1:] not in ",;-–("):
            cuts.append(start + following.start())
    return cuts


def _starts_sentence(fragment: str) -> bool:
    fragment = fragment.lstrip("\"'“„«‹([—–-• ")
    first = fragment[:1]
    return bool(first) and (first.isupper() or first.isdigit() or first in "¿¡")


def _punctuation_cuts(text: str, start: int, end: int, language: str) -> list[int]:
    """Positions after a stop (and any closing quotes) that begin a new sentence."""
    quoted = _quoted_spans(text, start, end)
    cuts = []
    for match in re.compile(r"[.!?…]+[" + re.escape(_CLOSERS) + r"]*(?=\s)").finditer(
            text, start, end):
        after = match.end()
        following = text[after:end].lstrip()
        if not following or not _starts_sentence(following):
            continue
        if any(qs < match.start() and after < qe for qs, qe in quoted):
            continue  # a stop inside a quotation that goes on: "We won. They lost," he said
        if match.group()[0] == "." and len(match.group().rstrip(_CLOSERS)) == 1 and \
                _is_abbreviation(text[start:match.start() + 1], following, language):
            continue
        cuts.append(after)
    return cuts


def _is_abbreviation(before: str, following: str, language: str) -> bool:
    found = _WORD_BEFORE_DOT.search(before)
    if not found:
        return False
    word = found.group(1).lower()
    next_word = re.match(r"[\w]+", following.lstrip("\"'“„«‹(["))
    next_word = next_word.group().lower() if next_word else ""
    if len(found.group(1)) == 1 and found.group(1).isupper():
        return True  # an initial: "V. Putin", "В. В. Путин" (but not "2023 г. Это")
    if word.isdigit():
        return language == "de" and len(word) <= 2 and next_word in _MONTHS_DE
    if word.rstrip(".") in _TITLES or word in _TITLES:
        return True
    if re.fullmatch(r"(?:\w\.)+\w", word):  # dotted acronyms: U.S., EE.UU., т.е.
        return next_word not in _SENTENCE_STARTERS
    return False


def _quoted_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of quotations that open and close inside the paragraph (unbalanced ones are
    ignored, so that a stray quote mark cannot swallow the rest of the paragraph)."""
    spans, position = [], start
    while position < end:
        char = text[position]
        closer = _OPEN_QUOTES.get(char)
        if closer is None or (char == '"' and not _opens_straight_quote(text, position, start)):
            position += 1
            continue
        close = text.find(closer, position + 1, min(end, position + MAX_SENTENCE_CHARS))
        if close < 0:
            position += 1
            continue
        spans.append((position, close + 1))
        position = close + 1
    return spans


def _opens_straight_quote(text: str, position: int, start: int) -> bool:
    return position == start or not text[position - 1].isalnum()


def _cap_length(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Cut a span longer than MAX_SENTENCE_CHARS at a semicolon, comma or space."""
    spans = []
    while end - start > MAX_SENTENCE_CHARS:
        window = text[start:start + MAX_SENTENCE_CHARS]
        cut = max(window.rfind("; "), window.rfind(", "))
        if cut < MAX_SENTENCE_CHARS // 2:
            cut = window.rfind(" ")
        cut = cut + 1 if cut > 0 else MAX_SENTENCE_CHARS
        s, e = _strip(text, start, start + cut)
        if s < e:
            spans.append((s, e))
        start = _strip(text, start + cut, end)[0]
    if start < end:
        spans.append((start, end))
    return spans
