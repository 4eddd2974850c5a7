"""Disagreements about when and where: the day an event happens, the town it happens in.

Two sentences disagree about a date when they are related (encoder cosine at least
``RELATED_DATE``), each gives one date, and the dates differ, with exceptions that news
makes common: a date in a condition or a bound ("if it lasts beyond Thursday", "until
Monday") dates no event; a day inside the other's range is no conflict ("June 18 and 19",
"on Tuesday [18]"); two articles of different days that each date their event to their own
day report two days' news; weekdays and yearless dates read against publication days more
than ``MAX_DAYS_APART`` apart are not compared; and an article that gives one event a
weekday and a day number is read by its day number, since a weekday's direction (last or
next) is guessed from the tense.

Places are compared only between sources in one language (see ``place_disagreements``).
"""

from __future__ import annotations

import logging
import re

from ..embed.latin import to_latin
from .claims_compare import same_place
from .claims_extract import ClaimCandidate, published_date
from .claims_slots import Disagreement, components, disagreements_from, related_pairs
from .inputs import CardArticle

__all__ = ["RELATED_DATE", "RELATED_PLACE", "date_disagreements", "place_disagreements"]

logger = logging.getLogger(__name__)

#: Sentence similarity above which two sentences may date or place the same event. The
#: date bar was lowered from 0.62 to 0.58 for a translated pair of the blast fixture
#: (0.62 between en and de); the place bar raised from 0.62 to 0.75 on the labelled
#: benchmark stories (benchmarks/results/summary_claims.md).
RELATED_DATE = 0.58
RELATED_PLACE = 0.75
#: Dates read against publication days further apart than this are not compared.
MAX_DAYS_APART = 6


def date_disagreements(candidates, similarity, articles) -> list[Disagreement]:
    """Related sentences of independent sources that give one event different dates."""
    edges, labels = [], {}
    for i, j, score in related_pairs(candidates, similarity, articles, RELATED_DATE):
        a, b = candidates[i], candidates[j]
        if not (_dates_an_event(a) and _dates_an_event(b) and _read_alike(a, b, articles)) \
                or _news_of_their_days(a, b, articles):
            continue
        na, nb = (i, _date_key(a.dates[0])), (j, _date_key(b.dates[0]))
        labels[na], labels[nb] = na[1], nb[1]
        edges.append((na, nb, score))
    return disagreements_from(_by_day_number(edges, candidates), candidates, articles, "date",
                              labels, lambda node: "the date of the event", updates=False,
                              merge=_days_into_ranges)


def _by_day_number(edges, candidates):
    """Links without the weekday dates of an article that gives the same event a day
    number elsewhere ("to open on Wednesday" in the title, "June 19 and 20" below)."""
    weekday_nodes = set()
    for nodes, _ in components(edges):
        canonical = _days_into_ranges([value for _, value in nodes])
        numbered: dict[str, set[str]] = {}
        for index, value in nodes:
            if _has_day_number(candidates[index]):
                numbered.setdefault(candidates[index].article_id, set()).add(canonical[value])
        weekday_nodes |= {(index, value) for index, value in nodes
                          if not _has_day_number(candidates[index])
                          and canonical[value] not in numbered.get(
                              candidates[index].article_id, {canonical[value]})}
    return [edge for edge in edges if edge[0] not in weekday_nodes
            and edge[1] not in weekday_nodes]


def _has_day_number(candidate: ClaimCandidate) -> bool:
    return any(ch.isdigit() for ch in candidate.dates[0].text)


def _dates_an_event(candidate: ClaimCandidate) -> bool:
    """One date, neither in a condition ("if the stoppage lasted beyond Thursday") nor a
    bound ("a red warning until Monday", "bis Montag"): those say when nothing happened."""
    if len(candidate.dates) != 1 or _CONDITIONAL.search(candidate.text):
        return False
    at = candidate.text.find(candidate.dates[0].text)
    return at < 0 or not _BOUND.search(candidate.text[max(0, at - 25):at])


_CONDITIONAL = re.compile(r"\b(?:if|unless|si|wenn|falls|если)\b", re.IGNORECASE)
_BOUND = re.compile(r"\b(?:until|till|through|by|beyond|before|after|no later than|hasta|"
                    r"antes del?|después del?|bis|vor|nach|до|после|к)\s+(?:the\s+|el\s+|la\s+|"
                    r"dem\s+|zum\s+)?$", re.IGNORECASE)


def _date_key(span) -> str:
    if span.first == span.last:
        return span.first.isoformat()
    return f"{span.first.isoformat()}/{span.last.isoformat()}"


def _read_alike(a: ClaimCandidate, b: ClaimCandidate, articles) -> bool:
    """Whether the two dates were read against publication days close enough to compare
    them. A weekday or a day without its year is resolved against its article's day, so
    two articles weeks apart ("Saturday night" in a follow-up months later) cannot be
    compared on them; dates with their year always can."""
    if all(re.search(r"\b(?:19|20)\d\d\b", c.dates[0].text) for c in (a, b)):
        return True
    days = [published_date(articles[c.article_id]) if c.article_id in articles else None
            for c in (a, b)]
    return None not in days and abs((days[0] - days[1]).days) <= MAX_DAYS_APART


def _news_of_their_days(a: ClaimCandidate, b: ClaimCandidate, articles) -> bool:
    """Each sentence dates its event to its own article's day or the day before, and the
    articles came out on different days: two days' news ("fled on Saturday", "spent a
    second night on Sunday"), not two dates for one event."""
    days = [published_date(articles[c.article_id]) if c.article_id in articles else None
            for c in (a, b)]
    if None in days or days[0] == days[1]:
        return False
    return all(0 <= (day - c.dates[0].first).days <= 1 and c.dates[0].first == c.dates[0].last
               for c, day in zip((a, b), days))


def _days_into_ranges(values: list[str]) -> dict[str, str]:
    """A single day joins a range that starts on it, else one that holds it: "talks on
    June 18 and 19" and "sat down for talks on Tuesday [18]" do not disagree."""
    ranges = sorted({v for v in values if "/" in v})
    canonical = {}
    for value in values:
        starting = [r for r in ranges if r.split("/")[0] == value]
        holding = [r for r in ranges if r.split("/")[0] <= value <= r.split("/")[1]]
        canonical[value] = (starting or holding or [value])[0] if "/" not in value else value
    return canonical


def place_disagreements(candidates, similarity, articles) -> list[Disagreement]:
    """Related sentences of one language that each place the event in one town the other
    article never names. Across languages place names are often exonyms (Geneva, Ginebra,
    Genf, Женева) that no key matches, so only sources in one language are compared."""
    edges, labels = [], {}
    for i, j, score in related_pairs(candidates, similarity, articles, RELATED_PLACE):
        a, b = candidates[i], candidates[j]
        if a.language != b.language:
            continue
        places = _only_places(a, b)
        if places is None or (places[0] != places[1] and (
                _names_place(articles.get(a.article_id), places[1])
                or _names_place(articles.get(b.article_id), places[0]))):
            continue
        na, nb = (i, places[0]), (j, places[1])
        labels[na], labels[nb] = places[0].title(), places[1].title()
        edges.append((na, nb, score))
    return disagreements_from(edges, candidates, articles, "place", labels,
                              lambda node: "where it happened", updates=False)


def _only_places(a: ClaimCandidate, b: ClaimCandidate) -> tuple[str, str] | None:
    """The one place each sentence names beyond those both name, or None."""
    only_a = [p for p in a.places if not same_place(p, b.places)]
    only_b = [p for p in b.places if not same_place(p, a.places)]
    if len(only_a) == 1 and len(only_b) == 1:
        return only_a[0], only_b[0]
    shared = [p for p in a.places if same_place(p, b.places)]
    if not only_a and not only_b and len(shared) == 1:
        return shared[0], shared[0]
    return None


def _names_place(article: CardArticle | None, place: str) -> bool:
    """Whether the article names the place anywhere (title or text, in any case)."""
    if article is None:
        return True
    return place in to_latin(f"{article.title or ''} {article.text}").lower()
