"""Who covered the story, when, in which languages, and how many reports are independent.

Copies of one wire text (one ``copy_group``) count once as an independent report.
Publication times are compared as instants: "2024-06-22T16:45:00+02:00" is earlier than
"2024-06-22T15:10:00+00:00", whatever the text order says; a time without a zone is read
as UTC, a bare date as the start of its day. The timeline buckets articles by hour (UTC)
when the story's articles span at most three days and carry times, by day otherwise.
Articles without a publication date are counted apart (``Coverage.undated``), and an
outlet that is not known is ``None``, so a reader sees what is missing rather than a
made-up row.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, timezone
from typing import Sequence

from .inputs import CardArticle
from .model import Coverage, OutletCoverage, TimelineBucket

_HOURLY_SPAN_DAYS = 3


def coverage(articles: Sequence[CardArticle]) -> Coverage:
    dated = sorted((a for a in articles if instant(a.published)), key=lambda a: instant(a.published))
    bucket = _bucket_size(dated)
    return Coverage(
        articles=len(articles),
        independent_reports=len({a.independence_key for a in articles}),
        outlets=_outlets(articles),
        languages=dict(Counter(a.language or "?" for a in articles).most_common()),
        first_published=dated[0].published if dated else None,
        last_published=dated[-1].published if dated else None,
        bucket=bucket,
        timeline=_timeline(dated, bucket),
        undated=len(articles) - len(dated))


def instant(published: str | None) -> datetime | None:
    """The moment a publication date names, in UTC (``None`` when it cannot be read)."""
    if not published:
        return None
    try:
        moment = datetime.fromisoformat(published.replace("Z", "+00:00"))
    except ValueError:
        try:
            moment = datetime.combine(date.fromisoformat(published[:10]), datetime.min.time())
        except ValueError:
            return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def _outlets(articles: Sequence[CardArticle]) -> tuple[OutletCoverage, ...]:
    grouped: dict[str | None, list[CardArticle]] = defaultdict(list)
    for article in articles:
        grouped[article.outlet.casefold() if article.outlet else None].append(article)
    rows = []
    for members in grouped.values():
        dated = sorted((a for a in members if instant(a.published)), key=lambda a: instant(a.published))
        names = [a.outlet for a in members if a.outlet]
        rows.append(OutletCoverage(
            outlet=min(names) if names else None,
            first_seen=dated[0].published if dated else None, articles=len(members),
            languages=tuple(dict.fromkeys(a.language or "?" for a in members))))
    # dated outlets by first appearance, then undated ones by name, the unknown outlet last
    return tuple(sorted(rows, key=lambda o: (o.outlet is None, o.first_seen is None,
                                             instant(o.first_seen) or datetime.min.replace(tzinfo=timezone.utc),
                                             o.outlet or "")))


def _bucket_size(dated: list[CardArticle]) -> str:
    if not dated or not all("T" in a.published for a in dated):
        return "day"
    span = instant(dated[-1].published) - instant(dated[0].published)
    return "hour" if span.days <= _HOURLY_SPAN_DAYS else "day"


def _timeline(dated: Sequence[CardArticle], bucket: str) -> tuple[TimelineBucket, ...]:
    buckets: dict[str, list[CardArticle]] = defaultdict(list)
    for article in dated:
        moment = instant(article.published)
        key = moment.strftime("%Y-%m-%dT%H:00") if bucket == "hour" else _day(article.published, moment)
        buckets[key].append(article)
    return tuple(TimelineBucket(start, len(members),
                                tuple(dict.fromkeys(a.outlet for a in members if a.outlet)),
                                sum(1 for a in members if not a.outlet))
                 for start, members in sorted(buckets.items()))


def _day(published: str, moment: datetime) -> str:
    """The day as the outlet dated it when it wrote one, else the UTC day."""
    return published[:10] if len(published) >= 10 and published[4] == "-" else moment.date().isoformat()
