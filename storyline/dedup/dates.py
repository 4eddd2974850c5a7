"""Publication dates as comparable instants, for ordering copies and the title rule."""

from __future__ import annotations

from datetime import date, datetime, timezone


def instant(published: str | None) -> datetime | None:
    """``Article.published`` (ISO 8601 date or date-time) as an aware UTC datetime.

    A date without a time counts as midnight UTC of that day; a date-time without an
    offset counts as UTC, since nothing says otherwise. Anything unreadable is None, like
    a missing date.
    """
    if not published:
        return None
    text = published.strip()
    try:
        if len(text) == 10:  # YYYY-MM-DD
            day = date.fromisoformat(text)
            return datetime(day.year, day.month, day.day, tzinfo=timezone.utc)
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def days_apart(a: str | None, b: str | None) -> float | None:
    """Absolute distance between two publication dates in days; None if either is unknown."""
    first, second = instant(a), instant(b)
    if first is None or second is None:
        return None
    return abs((first - second).total_seconds()) / 86400.0
