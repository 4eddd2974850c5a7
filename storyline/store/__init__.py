"""Article storage behind one interface, chosen by URL.

    >>> with open_store(":memory:") as store:
    ...     store.count_articles()
    0

``open_store`` accepts ``sqlite:///relative/path.db``, ``sqlite:////absolute/path.db``, a
plain file path, or ``:memory:``. PostgreSQL URLs are recognised but not supported yet.
"""

from __future__ import annotations

import os
import re

from ..errors import StoreError
from .base import Store
from .rows import FeatureRow, StoryRow
from .sqlite import SQLiteStore
from .sqlite_open import MEMORY

__all__ = ["FeatureRow", "Store", "SQLiteStore", "StoryRow", "open_store", "sqlite_location"]

_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*)://(.*)$", re.DOTALL)


def open_store(url: str | os.PathLike[str]) -> Store:
    """Open (creating if needed, then migrating) the store that ``url`` names."""
    return SQLiteStore(sqlite_location(url))


def sqlite_location(url: str | os.PathLike[str]) -> str:
    """The file path (or ``":memory:"``) that a store URL names; ``StoreError`` otherwise.

    As in SQLAlchemy URLs, the path follows the third slash: ``sqlite:///news.db`` is
    relative, ``sqlite:////data/news.db`` absolute, and ``sqlite://`` alone is in memory.
    """
    text = os.fspath(url).strip()
    if not text:
        raise StoreError("no database given; set db to a file path, sqlite:///PATH or :memory:")
    match = _SCHEME.match(text)
    if match is None:
        return text if text == MEMORY else os.path.expanduser(text)
    scheme, rest = match.group(1).lower(), match.group(2)
    if scheme in ("postgresql", "postgres") or scheme.startswith("postgresql+"):
        raise StoreError("PostgreSQL is not supported yet; use a SQLite file "
                         "(sqlite:///PATH or a plain path)")
    if scheme != "sqlite":
        raise StoreError(f"unknown database URL scheme {scheme!r} in {text!r}; "
                         "use sqlite:///PATH, a plain path or :memory:")
    if rest in ("", "/", "/" + MEMORY):
        return MEMORY
    if not rest.startswith("/"):
        raise StoreError(f"database URL {text!r} needs three slashes: sqlite:///PATH "
                         "(relative) or sqlite:////PATH (absolute)")
    return os.path.expanduser(rest[1:])
