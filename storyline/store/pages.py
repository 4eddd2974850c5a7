"""Light records the web UI and HTTP API read: what a page shows, without article texts.

A listing of 30 stories or a story of 2,000 articles must stay fast with 100k articles
stored, so these carry only the short columns (titles, dates, outlets, languages) and never
the long texts that ``Article`` holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class StoryListing:
    """One story as a list shows it.

    ``headline`` is its card's, else the title of its first published article
    (``lead_article_id``);
    ``days`` counts its articles per publication day (``YYYY-MM-DD``), for a sparkline.
    """

    story_id: str
    headline: str | None
    lead_article_id: str | None
    size: int
    independent_reports: int
    first_seen: str | None
    last_seen: str | None
    languages: tuple[str, ...]
    outlets: tuple[str, ...]
    rank: float | None
    days: tuple[tuple[str, int], ...] = ()


class ListingCache(Protocol):
    """Where listings are kept between requests, keyed by (story id, version)."""

    def get(self, key: tuple[str, str]) -> StoryListing | None: ...

    def put(self, key: tuple[str, str], listing: StoryListing) -> None: ...


@dataclass(frozen=True)
class ArticleHead:
    """An article's metadata without its texts."""

    article_id: str
    title: str | None
    subtitle: str | None
    outlet: str | None
    language: str | None
    published: str | None
    url: str | None
    wire_agencies: tuple[str, ...] = ()
    story_id: str | None = None
    headline_only: bool = False  # ``Article.headline_only``: the page held no article text


@dataclass(frozen=True)
class Snippet:
    """A piece of text with the spans that matched a search, as ``(start, end)`` offsets."""

    text: str
    matches: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class ArticleHit:
    head: ArticleHead
    title: Snippet
    snippet: Snippet


@dataclass(frozen=True)
class StoryHit:
    story_id: str
    titles: Snippet


@dataclass(frozen=True)
class SearchResults:
    """Matches of one query: ``total`` counts articles up to ``cap`` (``more`` past it)."""

    query: str
    articles: list[ArticleHit] = field(default_factory=list)
    stories: list[StoryHit] = field(default_factory=list)
    total: int = 0
    more: bool = False
    cap: int = 1000


@dataclass(frozen=True)
class Changes:
    """Stories changed after change number ``since``; ``seq`` is the latest number.

    ``story_ids`` and ``deleted`` list at most ``limit`` of them, most recent first;
    ``count`` counts all.
    """

    since: int
    seq: int
    count: int
    story_ids: tuple[str, ...] = ()
    deleted: tuple[str, ...] = ()
