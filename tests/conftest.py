"""Shared pytest fixtures."""

from __future__ import annotations

import pytest

from storyline.store import open_store


@pytest.fixture
def fresh_store():
    """An empty, fully migrated in-memory store, closed after the test."""
    with open_store(":memory:") as store:
        yield store
