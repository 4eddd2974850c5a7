"""Shared pytest fixtures."""

from __future__ import annotations

import pytest

from storyline.store import open_store


@pytest.fixture
def fresh_store():
    """An empty, fully migrated in-memory store, closed after the test."""
    with open_store(":memory:") as store:
        yield store


# -- the web tests: the demo corpus in a SQLite file, built once per session -----------------

@pytest.fixture(scope="session")
def demo_db(tmp_path_factory):
    """The demo corpus ingested (and clustered) into a SQLite file. Read-only: tests that
    write take a copy with ``db_copy``."""
    from storyline import Engine
    from storyline.engine import demo_corpus_path

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    with Engine(db=str(path)) as engine:
        engine.ingest([str(demo_corpus_path())])
    return path


@pytest.fixture(scope="session")
def db_copy(demo_db, tmp_path_factory):
    """``db_copy(name)``: a fresh copy of the demo database, whole even mid-WAL."""
    import sqlite3
    from contextlib import closing

    def copy(name: str = "copy.db"):
        target = tmp_path_factory.mktemp("db") / name
        with closing(sqlite3.connect(demo_db)) as source, \
                closing(sqlite3.connect(target)) as copied:
            source.backup(copied)
        return target
    return copy
