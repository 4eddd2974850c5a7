"""Cutting a sentence into the claims it makes.

News sentences pack several facts: "Putin will visit China this week, the Kremlin announced
Tuesday, in the Russian leader's first trip abroad since being sworn into his fifth term"
says where he goes and that it is his first trip abroad; another outlet may state only one
of the two. Cutting at commas, semicolons and dashes outside numbers, then gluing back
pieces too short to stand alone, gives clauses that align one to one; a piece that only
says who spoke ("the Kremlin announced Tuesday", "it added") is not a claim of its own.
"""

from __future__ import annotations

import re

__all__ = ["clause_spans"]

#: A clause shorter than this many words is glued to its neighbour.
MIN_CLAUSE_WORDS = 5

_CUT = re.compile(r",[\"”»“']?(?!\d)\s+|;\s+|\s[—–]\s|:\s+(?=[\"“«„A-ZА-ЯЁÁÉÍÓÚÑÄÖÜ])")
_SAY = (r"said|says|told(?: \w+)?|announced|added|stated|warned|declared|reported|noted|"
        r"explained|confirmed|dijo|afirmó|aseguró|advirtió|anunció|señaló|declaró|explicó|"
        r"indicó|añadió|informó|sagte|erklärte|betonte|warnte|teilte \w+ mit|berichtete|"
        r"hieß es|сказал\w*|заявил\w*|сообщил\w*|отметил\w*|подчеркнул\w*|добавил\w*|"
        r"передает|пишет")
_ATTRIBUTION_ONLY = re.compile(
    r"^[\"”»“«„\s]*(?:(?:according to|según|laut|по словам|по данным)\s+[^,;]{1,80}|"
    r"[^,;]{0,80}?\b(?:" + _SAY + r")\b(?:\s+(?:on|in|at|to|el|en|am|im|в|во)\b[^,;]{0,40}|"
    r"\s+\w+day|\s+(?:reporters|journalists|periodistas|Journalisten|журналистам))?|"
    r"(?:" + _SAY + r")\s+[^,;]{1,60})[\s.\"”»“]*$", re.IGNORECASE)


def clause_spans(sentence: str) -> list[tuple[int, int]]:
    """Offsets (into ``sentence``) of the clauses that state something; a sentence that
    cannot be cut usefully is one clause."""
    pieces = _pieces(sentence)
    pieces = [p for p in pieces if not _ATTRIBUTION_ONLY.match(sentence[p[0]:p[1]])]
    merged: list[list[int]] = []
    for start, end in pieces:
        if merged and (_words(sentence, *merged[-1]) < MIN_CLAUSE_WORDS
                       or _words(sentence, start, end) < MIN_CLAUSE_WORDS):
            merged[-1][1] = end
        else:
            merged.append([start, end])
    spans = [(s, e) for s, e in merged]
    return spans or [(0, len(sentence))]


def _pieces(sentence: str) -> list[tuple[int, int]]:
    cuts = [m for m in _CUT.finditer(sentence) if not _inside_parentheses(sentence, m.start())]
    bounds, position = [], 0
    for cut in cuts:
        bounds.append((position, cut.start()))
        position = cut.end()
    bounds.append((position, len(sentence)))
    return [_trim(sentence, s, e) for s, e in bounds if sentence[s:e].strip(" \"'“”«»„")]


def _inside_parentheses(text: str, position: int) -> bool:
    return text.count("(", 0, position) > text.count(")", 0, position)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " \"'“”«»„":
        start += 1
    while end > start and text[end - 1] in " .,;:!\"'“”«»„":
        end -= 1
    return start, end


def _words(text: str, start: int, end: int) -> int:
    return len(text[start:end].split())
