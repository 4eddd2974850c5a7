"""Cutting a sentence into the claims it makes.

News sentences pack several facts: "Putin will visit China this week, the Kremlin announced
Tuesday, in the Russian leader's first trip abroad since being sworn into his fifth term"
says where he goes and that it is his first trip abroad; another outlet may state only one
of the two. Cutting at commas, semicolons and dashes outside numbers and quotes, then
gluing back what cannot stand alone, gives clauses that align one to one:

* a piece that only says who spoke ("the Kremlin announced Tuesday", "it added") is
  dropped: it is not a claim of its own;
* an opening adverbial ("At the invitation of President Xi", "Days before the invasion
  was launched") joins the clause it introduces;
* a relative clause ("The plant, which employs 400 people, will stay closed") joins both
  its neighbours, since cutting it would leave a predicate without its subject;
* a closing subordinate or infinitive clause ("when a dryer overheated", "über Nacht die
  Fenster geschlossen zu halten"), a hanging phrase ("including steady gas shipments") and
  a closing date ("on Thursday and Friday this week") join the clause before them;
* a piece that opens with a verb ("will chair talks") joins its subject before it;
* any piece too short to stand alone joins its neighbour.

What remains apart is a main clause and the facts appended to it ("making the visit his
second trip to China in six months").
"""

from __future__ import annotations

import re
from datetime import date

from ..enrich.temporal import resolve_dates

__all__ = ["clause_spans"]

#: A clause shorter than this many words is glued to its neighbour.
MIN_CLAUSE_WORDS = 5

_CUT = re.compile(r",[\"”»“']?(?!\d)\s+|;\s+|\s[—–]\s|:\s+(?=[\"“«„A-ZА-ЯЁÁÉÍÓÚÑÄÖÜ])")
_SAY = (r"said|says|told(?: \w+)?|announced|added|stated|warned|declared|reported|noted|"
        r"explained|confirmed|dijo|afirmó|aseguró|advirtió|anunció|señaló|declaró|explicó|"
        r"indicó|añadió|informó|sagte|erklärte|betonte|warnte|teilte(?: [\w-]+){1,5} mit|"
        r"berichtete|hieß es|сказал\w*|заявил\w*|сообщил\w*|отметил\w*|подчеркнул\w*|"
        r"добавил\w*|передает|пишет")
_ATTRIBUTION_ONLY = re.compile(
    r"^[\"”»“«„\s]*(?:(?:according to|según|laut|по словам|по данным)\s+[^,;]{1,80}|"
    r"[^,;]{0,80}?\b(?:" + _SAY + r")\b(?:\s+(?:on|in|at|to|el|en|am|im|в|во)\b[^,;]{0,40}|"
    r"\s+\w+day|\s+(?:reporters|journalists|periodistas|Journalisten|журналистам))?|"
    r"(?:" + _SAY + r")\s+[^,;]{1,60})[\s.\"”»“]*$", re.IGNORECASE)


def _first_word(words: str) -> re.Pattern:
    return re.compile(r"^(?:" + words + r")\b", re.IGNORECASE)


# An opening piece that starts with one of these introduces the clause after it.
_OPENER = _first_word(
    r"at|in|on|with|after|before|following|despite|amid|during|since|under|for|by|from|"
    r"just|only|when|while|as|although|though|if|unless|because|once|"
    r"a|al|en|con|tras|antes|después|durante|desde|pese|ante|cuando|mientras|aunque|si|"
    r"bei|nach|vor|mit|seit|trotz|während|am|im|als|nachdem|obwohl|wenn|weil|"
    r"в|во|на|после|до|по|с|при|несмотря|когда|хотя|если|пока")
# A piece that starts with one of these belongs to the clause before it.
_SUBORDINATE = _first_word(
    r"when|after|before|because|as|while|although|though|until|if|unless|so that|to|"
    r"cuando|después de que|antes de que|porque|mientras|aunque|si|hasta que|para|"
    r"als|nachdem|bevor|weil|während|obwohl|wenn|damit|sodass|um|"
    r"когда|после того как|перед тем как|потому что|пока|хотя|если|чтобы")
_RELATIVE = _first_word(
    r"which|who|whose|whom|where|que|quien|quienes|cuyo|cuya|donde|el cual|la cual|"
    r"welche|welcher|welches|wo|которы\w*|котор\w+|где|чей|чья")
_INFINITIVE_END = re.compile(r"\bzu \w+$", re.IGNORECASE)
# A piece that opens with a verb is the predicate of the subject before it: "Castelia's
# labour minister, Consuelo Arrieta, will chair talks", "El ministro, Rafael Amaru, se
# reunirá". Case-sensitive: a capital starts a sentence of its own.
_PREDICATE = re.compile(
    r"^(?:will|would|has|have|had|is|are|was|were|can|could|may|might|must|should|did|"
    r"does|said|says|se|ha|han|había|será|fue|es|está|están|hat|haben|wird|werden|ist|"
    r"sind|war|waren|будет|будут|был|была|было|были|заявил\w*|сообщил\w*)\b")
# "Days before Russia launched ...", "Hours after the vote, ...": a time before a subordinator.
_TIME_BEFORE_CLAUSE = re.compile(
    r"^(?:\S+\s+){0,2}?(?:before|after|since|until|antes de|después de|desde|bevor|nachdem|"
    r"vor|nach|seit|перед|после|до)\b", re.IGNORECASE)
# A closing phrase that hangs on the clause before it: "..., including steady gas
# shipments", "..., with the United States threatening to sanction banks".
_HANGING = _first_word(r"including|such as|with|without|incluid[oa]s?|como|con|sin|"
                       r"einschließlich|darunter|mit|ohne|включая|в том числе|с|без")


def clause_spans(sentence: str, language: str | None = None) -> list[tuple[int, int]]:
    """Offsets (into ``sentence``) of the clauses that state something; a sentence that
    cannot be cut usefully is one clause."""
    pieces = _without_attribution(sentence, _pieces(sentence))
    glued = _glue_dependent(sentence, pieces, language)
    merged: list[list[int]] = []
    for start, end in glued:
        if merged and (_words(sentence, *merged[-1]) < MIN_CLAUSE_WORDS
                       or _words(sentence, start, end) < MIN_CLAUSE_WORDS):
            merged[-1][1] = end
        else:
            merged.append([start, end])
    spans = [(s, e) for s, e in merged]
    return spans or [(0, len(sentence))]


def _without_attribution(sentence: str, pieces: list[tuple[int, int]]
                         ) -> list[tuple[int, int]]:
    """The pieces less those that say who spoke, with the name and circumstance that
    follow them (", advirtió la secretaria general, Inés Corbalán, ante cientos de ...")."""
    kept, speaking = [], False
    for start, end in pieces:
        text = sentence[start:end]
        if _is_attribution(sentence, start, end):
            while kept and _speaker_detail(sentence[kept[-1][0]:kept[-1][1]]) and \
                    len(kept) > 1:  # "..., another spokesman, Wang Wenbin, told reporters"
                kept.pop()
            speaking = True
        elif speaking and _speaker_detail(text):
            continue
        else:
            speaking = False
            kept.append((start, end))
    return kept


def _speaker_detail(text: str) -> bool:
    """A name ("Inés Corbalán") or a circumstance ("ante varios cientos de trabajadores")
    after a speaker, with no figure that would make it a claim."""
    words = text.split()
    if any(ch.isdigit() for ch in text):
        return False
    return len(words) < 4 or (len(words) <= 7 and bool(_OPENER.match(text)))


def _is_attribution(sentence: str, start: int, end: int) -> bool:
    """Who spoke, and maybe to whom and where: "the Kremlin announced Tuesday"; after a
    quote, "union leader Inés Corbalán told workers gathered at the main gate" too."""
    text = sentence[start:end]
    if _ATTRIBUTION_ONLY.match(text):
        return True
    return bool(_AFTER_QUOTE.search(sentence[:start]) and _SAYS_EARLY.match(text))


_AFTER_QUOTE = re.compile(r"(?:[,.!?]\s*[\"”»“]|[\"”»“]\s*,)\s*$")
_SAYS_EARLY = re.compile(r"^(?:\S+\s+){0,8}?(?:" + _SAY + r")\b", re.IGNORECASE)


def _glue_dependent(sentence: str, pieces: list[tuple[int, int]], language: str | None
                    ) -> list[tuple[int, int]]:
    """Pieces with the dependent ones joined to the clause they depend on."""
    glued: list[list[int]] = []
    join_next, opening = False, True  # opening: still before the first main clause
    for number, (start, end) in enumerate(pieces):
        text = sentence[start:end]
        if glued and (join_next or _depends_on_previous(text, language)):
            if _PREDICATE.match(text) and len(glued) > 1 and \
                    _words(sentence, *glued[-1]) < 4:  # "El ministro, Rafael Amaru, se reunirá"
                glued.pop()
            glued[-1][1] = end
        else:
            glued.append([start, end])
        chunk = sentence[glued[-1][0]:glued[-1][1]]
        opening = opening and len(glued) == 1 and (
            number == 0 or _words(sentence, start, end) < MIN_CLAUSE_WORDS
            or _mostly_date(text, language))
        join_next = number < len(pieces) - 1 and (
            (opening and bool(_OPENER.match(chunk) or _TIME_BEFORE_CLAUSE.match(chunk)
                              or _mostly_date(chunk, language)))
            or (number > 0 and _RELATIVE.match(text) is not None))
    return [(s, e) for s, e in glued]


def _depends_on_previous(text: str, language: str | None) -> bool:
    return bool(_SUBORDINATE.match(text) or _RELATIVE.match(text) or _HANGING.match(text)
                or _PREDICATE.match(text)
                or _INFINITIVE_END.search(text) or _mostly_date(text, language))


_ANY_DAY = date(2000, 1, 3)  # only whether words are a date matters here, not which day


def _mostly_date(text: str, language: str | None) -> bool:
    """A piece that is little more than a date ("on Thursday and Friday this week")."""
    if len(text.split()) > 8:
        return False
    covered = sum(len(m.text.split()) for m in resolve_dates(text, language, _ANY_DAY))
    return covered > 0 and covered * 2 >= len(text.split()) - 1


def _pieces(sentence: str) -> list[tuple[int, int]]:
    depth = _quote_depths(sentence)
    cuts = [m for m in _CUT.finditer(sentence)
            if not _inside_parentheses(sentence, m.start()) and not depth[m.end() - 1]]
    bounds, position = [], 0
    for cut in cuts:
        bounds.append((position, cut.start()))
        position = cut.end()
    bounds.append((position, len(sentence)))
    return [_trim(sentence, s, e) for s, e in bounds if sentence[s:e].strip(" \"'“”«»„")]


def _quote_depths(text: str) -> list[bool]:
    """For each position, whether it is inside quotation marks. „…“ (German) and “…”
    both occur, so “ closes a „ and opens otherwise; a straight quote toggles."""
    inside, opened, straight = [], [], False
    for char in text:
        inside.append(bool(opened) or straight)
        if char in "„«":
            opened.append(char)
        elif char == "“":
            if opened and opened[-1] == "„":
                opened.pop()
            else:
                opened.append(char)
        elif char in "”»" and opened:
            opened.pop()
        elif char == '"':
            straight = not straight
    inside.append(False)
    return inside


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
