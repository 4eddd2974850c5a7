"""Article listing filters as a SQL ``WHERE`` clause, shared by the backends.

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
            until = _iso(self.until, "until")
            if len(until) == len("YYYY-MM-DD"):
                # A bare date means up to the end of that day: before the next day.
                clauses.append("published < ?")
                params.append((date.fromisoformat(until) + timedelta(days=1)).isoformat())
            else:
                clauses.append("published <= ?")
                params.append(until)
        if self.outlet:
            clauses.append("outlet_key = ?")
            params.append(outlet_key(self.outlet))
        if self.language:
            clauses.append("language = ?")
            params.append(self.language.strip().lower())
        return ("WHERE " + " AND ".join(clauses) if clauses else ""), params


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
