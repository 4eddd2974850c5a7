"""Rows the story engine keeps in the store: opaque blobs the store never looks inside."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FeatureRow:
    """An article's features for clustering: ``day`` (days since the epoch, ``None`` for
    an undated article), its language, and blobs only the embed/cluster stages can read."""

    article_id: str
    day: float | None
    dense: bytes
    lexical: bytes
    names: bytes
    language: str | None = None
    numbers: bytes = b""
    rare: bytes | None = b""  # the rare name words; None in rows stored before they were kept
    headline_only: bool = False  # the article is its headline alone (``Article.headline_only``)
    #: the past days the article names (the ``recalls`` signal); None in rows stored before
    #: they were kept
    recalled: bytes | None = b""


@dataclass(frozen=True)
class StoryRow:
    """A story as the clusterer keeps it: its day range and its packed running state.

    ``size`` read back from the store is always the number of member articles stored.
    """

    story_id: str
    size: int
    first_day: float | None
    last_day: float | None
    state: bytes
