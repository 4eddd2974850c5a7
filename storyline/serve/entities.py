"""Entities (people, places, organisations) as the story cards store them, and cards as
pages read them: the one place the web layer calls the cards' API.

``Engine.entity_stories`` and ``Engine.entities`` answer one page at a time; pages that
count and order an entity's stories read up to ``MAX_STORIES`` of them at once.
"""

from __future__ import annotations

from typing import Any

from ..engine import Engine

MAX_STORIES = 5000


def story_ids(engine: Engine, key: str) -> list[str]:
    """Ids of the stories that name the entity ``key``, most salient first."""
    return [row["story_id"] for row in engine.entity_stories(key, limit=MAX_STORIES)]


def describe(engine: Engine, key: str) -> dict[str, Any] | None:
    """The entity's ``key``, ``name``, ``kind`` and ``stories``; ``None`` when unknown."""
    for row in engine.entities(prefix=key, limit=20):
        if row["key"] == key:
            return row
    return None


def resolve(engine: Engine, text: str) -> dict[str, Any] | None:
    """The entity a user means by ``text``: its key, or the start of a name as typed
    ("Margit Ober" finds "margit oberhauser"); the one in most stories wins."""
    return describe(engine, text) or next(iter(listing(engine, prefix=text, limit=1)), None)


def listing(engine: Engine, prefix: str | None = None, kind: str | None = None,
            limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
    """Entities in most stories first; ``prefix`` matches the start of their keys."""
    return engine.entities(prefix=prefix.casefold() if prefix else None, kind=kind,
                           limit=limit, offset=offset)


def stored_card(engine: Engine, story_id: str) -> dict[str, Any] | None:
    """The story's card when it is built and current, else ``None``: one row read, never a
    build (a page must not wait for one; ingestion builds them)."""
    card = engine.stored_card(story_id)
    return card.as_dict() if card is not None else None
