"""The story card as records: what the card stages produce, the store keeps as one JSON
row, and the CLI, exports and web UI read.

Every record converts to and from plain JSON (``as_dict`` / ``from_dict``) so that reading
a stored card is one row and one ``json.loads``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

#: Bumped when what a card holds changes: stored cards of another version are rebuilt.
CARD_VERSION = 2


@dataclass(frozen=True)
class Entity:
    """A person, organisation or place across the story, its variants merged.

    ``salience`` ranks entities within the story (0-1): how many independent reports name
    it, and how prominently (title, lead, repeated mentions).
    """

    key: str
    name: str
    kind: str  # person | organisation | place
    salience: float
    mentions: int
    articles: int
    variants: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()  # most often stated first
    languages: tuple[str, ...] = ()


@dataclass(frozen=True)
class EventDate:
    """A day or range the articles give for the event, with the articles that give it."""

    first: str  # ISO date
    last: str
    texts: tuple[str, ...]  # as written ("from Thursday to Friday", "May 16-17")
    article_ids: tuple[str, ...]
    outlets: tuple[str, ...]
    independent: int  # distinct reports (copies of one wire text count once)


@dataclass(frozen=True)
class OutletCoverage:
    """One outlet's part in the story. ``outlet`` is ``None`` for the articles whose outlet
    is not known; ``first_seen`` is ``None`` when none of its articles carries a date."""

    outlet: str | None
    first_seen: str | None
    articles: int
    languages: tuple[str, ...]


@dataclass(frozen=True)
class TimelineBucket:
    start: str  # ISO date ("2024-05-14") or UTC hour ("2024-05-14T09:00")
    articles: int
    outlets: tuple[str, ...]
    unknown_outlet: int = 0  # articles in the bucket whose outlet is not known


@dataclass(frozen=True)
class Coverage:
    articles: int
    independent_reports: int
    outlets: tuple[OutletCoverage, ...]
    languages: dict[str, int]
    first_published: str | None
    last_published: str | None
    bucket: str  # "day" or "hour" (UTC)
    timeline: tuple[TimelineBucket, ...]
    undated: int = 0  # articles without a publication date: in no timeline bucket


@dataclass(frozen=True)
class StoryCard:
    """Everything a reader needs about one story, from all its articles.

    ``dates[0]`` is the event date most reports give; further entries are other dates
    given for the event by other reports, each with its sources, kept apart from the
    publication dates in ``coverage``. ``summary`` and ``claims`` come from the claims
    stages as plain JSON (``SummarySentence.as_dict()``, ``ClaimReport.as_dict()``).
    """

    story_id: str
    headline: str
    headline_article_id: str | None
    headline_language: str | None
    article_ids: tuple[str, ...]
    dates: tuple[EventDate, ...]
    places: tuple[Entity, ...]
    people: tuple[Entity, ...]
    organisations: tuple[Entity, ...]
    coverage: Coverage
    summary: tuple[dict[str, Any], ...] = ()
    claims: dict[str, Any] = field(default_factory=dict)
    built_at: str | None = None
    version: int = CARD_VERSION

    @property
    def entities(self) -> tuple[Entity, ...]:
        return self.people + self.organisations + self.places

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StoryCard:
        coverage = dict(data["coverage"])
        coverage["outlets"] = tuple(OutletCoverage(**_tuples(o)) for o in coverage["outlets"])
        coverage["timeline"] = tuple(TimelineBucket(**_tuples(b)) for b in coverage["timeline"])
        return cls(**{
            **data,
            "article_ids": tuple(data["article_ids"]),
            "dates": tuple(EventDate(**_tuples(d)) for d in data["dates"]),
            "places": _entities(data["places"]),
            "people": _entities(data["people"]),
            "organisations": _entities(data["organisations"]),
            "coverage": Coverage(**coverage),
            "summary": tuple(data.get("summary", ())),
            "claims": data.get("claims") or {},
        })


def _tuples(data: dict[str, Any]) -> dict[str, Any]:
    return {k: tuple(v) if isinstance(v, list) else v for k, v in data.items()}


def _entities(rows: list[dict[str, Any]]) -> tuple[Entity, ...]:
    return tuple(Entity(**_tuples(row)) for row in rows)
