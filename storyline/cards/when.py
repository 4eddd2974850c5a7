"""When the event happened (or will), from the dates the articles give, kept apart from
when they were published.

Each article contributes one lead event date: among the dates it gives that lie near its
publication (two weeks before to two months after, spanning at most two weeks), the one
most reports in the story also give, and the earliest in the text on a tie. A date equal
to the publication day counts for less, because "the Kremlin announced Tuesday" usually
dates the report, not the event. Articles whose lead dates start on the same day agree;
the card lists each distinct date with its sources, the one most independent reports give
first, so where sources differ both are shown.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta
from typing import Mapping, Sequence

from ..enrich.temporal import DateMention
from .analysis import ArticleAnalysis
from .inputs import CardArticle
from .model import EventDate

_BEFORE, _AFTER, _LONGEST = timedelta(days=14), timedelta(days=60), timedelta(days=14)
_PUBLICATION_DAY_PENALTY = 0.75


def event_dates(articles: Sequence[CardArticle],
                analyses: Mapping[str, ArticleAnalysis]) -> tuple[EventDate, ...]:
    candidates = {a.article_id: _near_publication(analyses[a.article_id])
                  for a in articles if a.article_id in analyses}
    support = _support(articles, candidates)
    leads: dict[str, tuple[DateMention, CardArticle]] = {}
    for article in articles:
        found = candidates.get(article.article_id)
        if found:
            anchor = analyses[article.article_id].anchor
            leads[article.article_id] = (_lead(found, support, anchor), article)
    return _grouped(leads)


def _near_publication(analysis: ArticleAnalysis) -> list[DateMention]:
    if analysis.anchor is None:
        return [m for m in analysis.dates if m.last - m.first <= _LONGEST]
    anchor = date.fromisoformat(analysis.anchor)
    return [m for m in analysis.dates if m.last - m.first <= _LONGEST
            and anchor - _BEFORE <= m.first and m.last <= anchor + _AFTER]


def _support(articles: Sequence[CardArticle],
             candidates: Mapping[str, list[DateMention]]) -> Counter:
    """Start day -> independent reports that give a date starting that day."""
    reports: dict[date, set[str]] = defaultdict(set)
    for article in articles:
        for mention in candidates.get(article.article_id, ()):
            reports[mention.first].add(article.independence_key)
    return Counter({day: len(keys) for day, keys in reports.items()})


def _lead(found: list[DateMention], support: Counter, anchor: str | None) -> DateMention:
    def score(indexed: tuple[int, DateMention]) -> tuple[float, int]:
        position, mention = indexed
        penalty = _PUBLICATION_DAY_PENALTY if anchor and mention.first.isoformat() == anchor \
            and mention.first == mention.last else 0.0
        return support[mention.first] - penalty, -position

    return max(enumerate(found), key=score)[1]


def _grouped(leads: Mapping[str, tuple[DateMention, CardArticle]]) -> tuple[EventDate, ...]:
    by_start: dict[date, list[tuple[DateMention, CardArticle]]] = defaultdict(list)
    for mention, article in leads.values():
        by_start[mention.first].append((mention, article))
    dates = []
    for start, members in by_start.items():
        ranges = Counter((m.first, m.last) for m, _ in members)
        # a range beats the single days that start it ("Wednesday" and "June 19 and 20" agree
        # on 19-20); then the commonest, then the widest
        first, last = max(ranges, key=lambda r: (r[1] > r[0], ranges[r], r[1]))
        articles = [a for _, a in members]
        dates.append(EventDate(
            first=first.isoformat(), last=last.isoformat(),
            texts=tuple(dict.fromkeys(m.text for m, _ in members)),
            article_ids=tuple(a.article_id for a in articles),
            outlets=tuple(dict.fromkeys(a.outlet for a in articles if a.outlet)),
            independent=len({a.independence_key for a in articles})))
    return tuple(sorted(dates, key=lambda d: (-d.independent, d.first)))
