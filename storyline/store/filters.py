"""Article and story listing filters as SQL ``WHERE`` clauses, shared by the backends.

Placeholders are ``?``; a backend with another paramstyle translates them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from ..errors import UserError
from .codec import outlet_key

# Extended ISO 8601 only: a basic-format "20240514" would not compare with stored dates.
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}.*)?$")


@dataclass(frozen=True)
class ArticleFilter:
    since: str | None = None
    until: str | None = None
    outlet: str | None = None
    language: str | None = None

    def where(self) -> tuple[str, list[Any]]:
        """``("WHERE ...", params)``, or ``("", [])`` when nothing is filtered."""
        clauses: list[str] = []
        params: list[Any] = []
        if self.since:
            clauses.append("published >= ?")
            params.append(_iso(self.since, "since"))
        if self.until:
            clause, value = until_clause("published", self.until)
            clauses.append(clause)
            params.append(value)
        if self.outlet:
            clauses.append("outlet_key = ?")
            params.append(outlet_key(self.outlet))
        if self.language:
            clauses.append("language = ?")
            params.append(self.language.strip().lower())
        return ("WHERE " + " AND ".join(clauses) if clauses else ""), params


@dataclass(frozen=True)
class StoryFilter:
    """Story listing filters over the ``stories`` table.

    A story matches ``since``/``until`` when its date range (first to last seen) overlaps
    them, and ``language``/``outlet`` when at least one of its articles has it.
    """

    since: str | None = None
    until: str | None = None
    language: str | None = None
    outlet: str | None = None
    min_size: int = 1

    def where(self) -> tuple[str, list[Any]]:
        """``("WHERE ...", params)``; the size bound is always there."""
        clauses: list[str] = ["size >= ?"]
        params: list[Any] = [self.min_size]
        if self.since:
            clauses.append("last_seen >= ?")
            params.append(_iso(self.since, "since"))
        if self.until:
            clause, value = until_clause("first_seen", self.until)
            clauses.append(clause)
            params.append(value)
        for kind, value in (("language", self.language and self.language.strip().lower()),
                            ("outlet", outlet_key(self.outlet))):
            if value:
                # The unary + keeps SQLite from driving the query by this list (then
                # sorting every match): it builds the list once and walks the order index,
                # a few ms whether the facet is common or absent.
                clauses.append("+story_id IN (SELECT story_id FROM story_facets "
                               "WHERE kind = ? AND value = ?)")
                params.extend((kind, value))
        return "WHERE " + " AND ".join(clauses), params


def until_clause(column: str, until: str) -> tuple[str, str]:
    """``column`` at or before ``until``; a bare date includes that whole day."""
    until = _iso(until, "until")
    if len(until) == len("YYYY-MM-DD"):
        # Up to the end of that day: before the next day.
        return f"{column} < ?", (date.fromisoformat(until) + timedelta(days=1)).isoformat()
    return f"{column} <= ?", until


def _iso(value: str, name: str) -> str:
    """``value`` checked to be an ISO date or date-time, returned trimmed.

    Dates are compared as strings, which orders ISO 8601 values correctly; time zone
    offsets in ``published`` are not converted.
    """
    value = value.strip()
    try:
        if not _ISO_DATE.match(value):
            raise ValueError(value)
        date.fromisoformat(value[:10])
        if len(value) > 10:
            datetime.fromisoformat(value)
    except ValueError:
        raise UserError(
            f"{name} {value!r} is not a date; use YYYY-MM-DD or YYYY-MM-DDTHH:MM"
        ) from None
    return value


def check_page(limit: int, offset: int) -> None:
    if limit < 0 or offset < 0:
        raise UserError(f"limit and offset must be 0 or more, got limit={limit} offset={offset}")
