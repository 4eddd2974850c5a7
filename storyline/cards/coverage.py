"""Who covered the story, when, in which languages, and how many reports are independent.

Copies of one wire text (one ``copy_group``) count once as an independent report. The
timeline buckets articles by hour when the story's articles span at most three days and
carry times, by day otherwise.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime
from typing import Sequence

from .inputs import CardArticle
from .model import Coverage, OutletCoverage, TimelineBucket

_HOURLY_SPAN_DAYS = 3


def coverage(articles: Sequence[CardArticle]) -> Coverage:
    dated = sorted(a.published for a in articles if a.published)
    bucket = _bucket_size(dated)
    return Coverage(
        articles=len(articles),
        independent_reports=len({a.independence_key for a in articles}),
        outlets=_outlets(articles),
        languages=dict(Counter(a.language or "?" for a in articles).most_common()),
        first_published=dated[0] if dated else None,
        last_published=dated[-1] if dated else None,
        bucket=bucket,
        timeline=_timeline(articles, bucket))


def _outlets(articles: Sequence[CardArticle]) -> tuple[OutletCoverage, ...]:
    grouped: dict[str, list[CardArticle]] = defaultdict(list)
    for article in articles:
        grouped[(article.outlet or "unknown outlet").casefold()].append(article)
    rows = []
    for members in grouped.values():
        dates = sorted(a.published for a in members if a.published)
        rows.append(OutletCoverage(
            outlet=min(a.outlet or "unknown outlet" for a in members),
            first_seen=dates[0] if dates else None, articles=len(members),
            languages=tuple(dict.fromkeys(a.language or "?" for a in members))))
    return tuple(sorted(rows, key=lambda o: (o.first_seen is None, o.first_seen or "", o.outlet)))


def _bucket_size(dated: list[str]) -> str:
    if not dated or not all("T" in d for d in dated):
        return "day"
    try:
        span = _parse(dated[-1]) - _parse(dated[0])
    except ValueError:  # a stored date this parser cannot read: days are safe
        return "day"
    return "hour" if span.days <= _HOURLY_SPAN_DAYS else "day"


def _timeline(articles: Sequence[CardArticle], bucket: str) -> tuple[TimelineBucket, ...]:
    buckets: dict[str, list[CardArticle]] = defaultdict(list)
    for article in articles:
        if article.published:
            key = article.published[:13] + ":00" if bucket == "hour" else article.published[:10]
            buckets[key].append(article)
    return tuple(TimelineBucket(start, len(members),
                                tuple(dict.fromkeys(a.outlet for a in members if a.outlet)))
                 for start, members in sorted(buckets.items()))


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).replace(tzinfo=None)
