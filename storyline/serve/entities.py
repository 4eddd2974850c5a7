"""Entities (people, places, organisations) as the story cards store them.

Cards come with ``Engine.entities(...)`` and ``Engine.entity_stories(key)``. This module is
the one place the web layer asks for them, so that pages and API work (and say so) on a
Storyline without cards, and so that the calls have one place to follow the cards' API.
"""

from __future__ import annotations

from typing import Any

from ..engine import Engine


def available(engine: Engine) -> bool:
    return hasattr(engine, "entity_stories")


def story_ids(engine: Engine, key: str) -> list[str]:
    """Ids of the stories that involve the entity ``key``, most salient first."""
    if not available(engine):
        return []
    return [getattr(found, "story_id", found) for found in engine.entity_stories(key)]


def describe(engine: Engine, key: str) -> dict[str, Any] | None:
    """The entity's name and kind, or ``None`` when it is unknown."""
    if not available(engine):
        return None
    for found in engine.entities(key=key, limit=1):
        return found if isinstance(found, dict) else vars(found)
    return None


def listing(engine: Engine, query: str | None = None, kind: str | None = None,
            limit: int = 50) -> list[dict[str, Any]]:
    if not available(engine):
        return []
    return [found if isinstance(found, dict) else vars(found)
            for found in engine.entities(query=query, kind=kind, limit=limit)]
