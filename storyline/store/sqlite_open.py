"""Opening a SQLite database file safely, with messages a user can act on."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from ..errors import StoreError

logger = logging.getLogger(__name__)

MEMORY = ":memory:"
BUSY_TIMEOUT_S = 30
CACHE_KIB = 65536  # page cache per connection
CHECKPOINT_PAGES = 16384  # WAL pages (4 KiB) between automatic checkpoints
_SQLITE_HEADER = b"SQLite format 3\x00"


def connect_sqlite(location: str) -> sqlite3.Connection:
    """A connection to ``location`` (a file path or ``":memory:"``), tuned for Storyline.

    WAL lets readers work while one writer writes; ``synchronous=NORMAL`` in WAL mode never
    corrupts the file, and a process that is killed loses nothing it committed (only a
    power cut can lose the last transactions). Transactions are explicit: the connection
    is in autocommit mode and the store issues ``BEGIN``/``COMMIT`` itself.
    """
    if location != MEMORY:
        _check_file(Path(location))
    try:
        conn = sqlite3.connect(location, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open database {location}: {exc}") from None
    try:
        _configure(conn)
    except sqlite3.DatabaseError as exc:
        conn.close()
        if "not a database" in str(exc):
            message = f"{location} is not a Storyline database (file is not SQLite)"
            raise StoreError(message) from None
        raise StoreError(f"cannot open database {location}: {exc}") from None
    conn.row_factory = sqlite3.Row
    return conn


def _check_file(path: Path) -> None:
    if path.is_dir():
        raise StoreError(f"cannot open database {path}: it is a folder; name a file inside it")
    if not path.exists():
        folder = path.parent if str(path.parent) else Path(".")
        if not folder.is_dir():
            raise StoreError(f"cannot create database {path}: folder {folder} does not exist"
                             + _absolute_hint(path))
        return
    if not _looks_like_sqlite(path):
        raise StoreError(f"{path} is not a Storyline database (file is not SQLite)")


def _absolute_hint(path: Path) -> str:
    # sqlite:///data/news.db is the relative path data/news.db; absolute needs four slashes.
    if not path.is_absolute() and (Path("/") / path).parent.is_dir():
        return f" (for the absolute path /{path} write sqlite:////{path})"
    return ""


def _looks_like_sqlite(path: Path) -> bool:
    """True for a SQLite file, or an empty one (SQLite treats it as a new database)."""
    try:
        with path.open("rb") as handle:
            header = handle.read(len(_SQLITE_HEADER))
    except OSError as exc:
        raise StoreError(f"cannot open database {path}: {exc.strerror}") from None
    return header == b"" or header == _SQLITE_HEADER


def _configure(conn: sqlite3.Connection) -> None:
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if mode not in ("wal", "memory"):
        logger.warning("SQLite refused WAL mode (journal_mode=%s); writes will be slower", mode)
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    # Ingesting writes indexes with random keys (dedup band keys, paragraph keys): with
    # SQLite's default 2 MB page cache and a checkpoint (with its fsync) every 4 MB of
    # WAL, a batch spent more time waiting for the disk than computing. 64 MB of cache
    # per connection, and a checkpoint every 64 MB of WAL (commits in WAL mode do not
    # fsync either way, so what a crash can lose is unchanged).
    conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    conn.execute(f"PRAGMA wal_autocheckpoint = {CHECKPOINT_PAGES}")


def database_size(location: str, conn: sqlite3.Connection) -> int:
    """Bytes on disk: the file plus its write-ahead log (pages in use for ``:memory:``)."""
    if location == MEMORY:
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        return pages * conn.execute("PRAGMA page_size").fetchone()[0]
    files = (Path(location), Path(location + "-wal"))
    return sum(path.stat().st_size for path in files if path.exists())
