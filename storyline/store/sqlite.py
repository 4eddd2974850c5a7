"""The SQLite store: one file, WAL, one writer at a time, every write one transaction."""

from __future__ import annotations

import json
import logging
import sqlite3
from contextlib import AbstractContextManager, contextmanager
from typing import Any, Iterable, Iterator, Mapping, Sequence

from ..errors import StoreError, UserError
from ..types import Article, RawDocument, Rejected
from . import codec
from .base import MIN_ID_PREFIX, ArticleOrder, Store
from .batching import chunks
from .batching import marks as _marks
from .filters import ArticleFilter, check_page
from .migrations import apply_migrations
from .sqlite_cards import SQLiteCardsMixin
from .sqlite_features import SQLiteFeaturesMixin
from .sqlite_open import connect_sqlite
from .sqlite_pages import SQLitePagesMixin
from .sqlite_search import SQLiteSearchMixin
from .sqlite_stats import collect_stats
from .sqlite_stories import SQLiteStoriesMixin
from .sqlite_watch import SQLiteWatchMixin
from .story_write import refresh_stories

logger = logging.getLogger(__name__)

_ARTICLE_SELECT = f"SELECT {', '.join(codec.ARTICLE_COLUMNS)} FROM articles"
_INSERT_ARTICLE = (f"INSERT OR IGNORE INTO articles ({', '.join(codec.ARTICLE_COLUMNS)}) "
                   f"VALUES ({', '.join('?' * len(codec.ARTICLE_COLUMNS))})")
_INSERT_RAW = (f"INSERT OR IGNORE INTO raw_documents ({', '.join(codec.RAW_COLUMNS)}) "
               f"VALUES ({', '.join('?' * len(codec.RAW_COLUMNS))})")
_INSERT_REMOVAL = ('INSERT INTO removals (article_id, seq, start, "end", reason, text) '
                   "VALUES (?, ?, ?, ?, ?, ?)")
_UPDATE_CLEANING = (f"UPDATE articles SET {', '.join(f'{c} = ?' for c in codec.CLEANED_COLUMNS)}"
                    " WHERE article_id = ?")
_UPSERT_REJECTION = (
    f"INSERT INTO rejections ({', '.join(codec.REJECTION_COLUMNS)}) "
    f"VALUES ({', '.join('?' * len(codec.REJECTION_COLUMNS))}) "
    "ON CONFLICT (rejection_id) DO UPDATE SET last_seen = excluded.last_seen, "
    "stage = excluded.stage, times = rejections.times + 1"
)
_ORDER_BY = {
    "published": "published DESC NULLS LAST, article_id DESC",
    "ingested": "ingested_at DESC, article_id DESC",
}


class SQLiteStore(SQLiteFeaturesMixin, SQLiteStoriesMixin, SQLiteCardsMixin, SQLiteSearchMixin,
                  SQLitePagesMixin, SQLiteWatchMixin, Store):
    """Articles and stories in one SQLite file (or in memory with ``":memory:"``).

    The story engine's and the cards' methods live in mixins, search and page reads (web
    UI, HTTP API) in two more; this class supplies the connection and the transactions
    they run in.
    """

    def __init__(self, location: str):
        self.location = location
        self._conn: sqlite3.Connection | None = connect_sqlite(location)
        try:
            apply_migrations(self._conn, location)
        except sqlite3.Error as exc:
            self.close()
            raise StoreError(f"cannot prepare database {location}: {exc}") from exc
        except BaseException:
            self.close()
            raise

    def __repr__(self) -> str:
        return f"SQLiteStore({self.location!r})"

    # -- transactions -------------------------------------------------------------------

    @property
    def conn(self) -> sqlite3.Connection:
        """The open connection, for diagnostics and tests; the store's methods do the work."""
        if self._conn is None:
            raise StoreError(f"the store {self.location} is closed")
        return self._conn

    @contextmanager
    def _transaction(self, begin: str = "BEGIN IMMEDIATE") -> Iterator[sqlite3.Connection]:
        """All or nothing. ``BEGIN IMMEDIATE`` takes the write lock up front (waiting up
        to the busy timeout), so a write never fails half-way on a lock; a plain ``BEGIN``
        gives reads one consistent snapshot. Nested use joins the outer transaction."""
        conn = self.conn
        if conn.in_transaction:
            yield conn
            return
        try:
            conn.execute(begin)
            yield conn
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback()
            raise StoreError(self._failure(exc)) from exc
        except BaseException:
            self._rollback()
            raise

    def _snapshot(self) -> AbstractContextManager[sqlite3.Connection]:
        return self._transaction("BEGIN")

    def _failure(self, exc: sqlite3.Error) -> str:
        message = f"database {self.location} failed: {exc}"
        if "locked" in str(exc):
            message += "; another process kept it busy for 30 s, try again when it is done"
        return message

    def _rollback(self) -> None:
        if self._conn is not None and self._conn.in_transaction:
            self._conn.execute("ROLLBACK")

    def close(self) -> None:
        if self._conn is not None:
            self._rollback()
            self._conn.close()
            self._conn = None

    # -- writing ------------------------------------------------------------------------

    def add_articles(self, pairs: Sequence[tuple[RawDocument, Article]]) -> int:
        pairs = list(pairs)
        now = codec.now_iso()
        with self._transaction() as conn:
            stored = self._known(conn, [article.article_id for _, article in pairs])
            new: dict[str, tuple[RawDocument, Article]] = {}
            for raw, article in pairs:
                if article.article_id not in stored:
                    new.setdefault(article.article_id, (raw, article))
            conn.executemany(_INSERT_RAW, (codec.raw_row(raw, article_id, now)
                                           for article_id, (raw, _) in new.items()))
            conn.executemany(_INSERT_ARTICLE, (codec.article_row(article, now, now)
                                               for _, article in new.values()))
            conn.executemany(_INSERT_REMOVAL, (row for _, article in new.values()
                                               for row in codec.removal_rows(article)))
        logger.debug("stored %d new of %d articles", len(new), len(pairs))
        return len(new)

    def replace_cleaning(self, articles: Sequence[Article]) -> int:
        now = codec.now_iso()
        updated: list[str] = []
        with self._transaction() as conn:
            for article in articles:
                values = (*codec.cleaned_values(article, now), article.article_id)
                if conn.execute(_UPDATE_CLEANING, values).rowcount == 0:
                    logger.warning("re-cleaned article %s is not stored; skipped",
                                   article.article_id)
                    continue
                conn.execute("DELETE FROM removals WHERE article_id = ?", (article.article_id,))
                conn.executemany(_INSERT_REMOVAL, codec.removal_rows(article))
                updated.append(article.article_id)
            # A story shows its articles' dates, languages and outlets, which may have changed.
            refresh_stories(conn, self._stories_of(conn, updated), now)
        return len(updated)

    def record_paragraphs(self, rows: Iterable[tuple[str, str, str]]) -> None:
        with self._transaction() as conn:
            conn.executemany(
                "INSERT OR IGNORE INTO outlet_paragraphs (outlet, paragraph_key, article_id) "
                "VALUES (?, ?, ?)", ((codec.storable(o), k, a) for o, k, a in rows))

    def add_rejections(self, rejected: Sequence[Rejected]) -> None:
        now = codec.now_iso()
        with self._transaction() as conn:
            conn.executemany(_UPSERT_REJECTION, (codec.rejection_row(r, now) for r in rejected))

    def start_run(self, sources: list[str]) -> int:
        with self._transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO ingest_runs (started_at, sources) VALUES (?, ?)",
                (codec.now_iso(), json.dumps([codec.storable(s) for s in sources],
                                             ensure_ascii=False)))
            return int(cursor.lastrowid)

    def finish_run(self, run_id: int, documents: int, added: int, skipped: int,
                   rejected: int) -> None:
        with self._transaction() as conn:
            cursor = conn.execute(
                "UPDATE ingest_runs SET finished_at = ?, documents = ?, added = ?, "
                "skipped = ?, rejected = ? WHERE run_id = ?",
                (codec.now_iso(), documents, added, skipped, rejected, run_id))
            if cursor.rowcount == 0:
                raise StoreError(f"no ingest run {run_id} in {self.location}")

    # -- reading: ids and boilerplate ---------------------------------------------------

    def known_ids(self, ids: Iterable[str]) -> set[str]:
        with self._snapshot() as conn:
            return self._known(conn, ids)

    @staticmethod
    def _known(conn: sqlite3.Connection, ids: Iterable[str]) -> set[str]:
        found: set[str] = set()
        for chunk in chunks(dict.fromkeys(ids)):
            rows = conn.execute(
                f"SELECT article_id FROM articles WHERE article_id IN ({_marks(chunk)})", chunk)
            found.update(row[0] for row in rows)
        return found

    def boilerplate_keys(self, outlets: Iterable[str], min_articles: int,
                         keys: Iterable[str] | None = None) -> dict[str, frozenset[str]]:
        candidates = None if keys is None else list(dict.fromkeys(keys))
        result: dict[str, frozenset[str]] = {}
        with self._snapshot() as conn:
            for outlet in dict.fromkeys(outlets):
                result[outlet] = frozenset(
                    self._frequent_keys(conn, outlet, min_articles, candidates))
        return result

    def boilerplate_keys_each(self, keys: Mapping[str, Iterable[str]],
                              min_articles: int) -> dict[str, frozenset[str]]:
        with self._snapshot() as conn:
            return {outlet: frozenset(self._frequent_keys(conn, outlet, min_articles,
                                                          list(dict.fromkeys(candidates))))
                    for outlet, candidates in keys.items()}

    @staticmethod
    def _frequent_keys(conn: sqlite3.Connection, outlet: str, min_articles: int,
                       candidates: list[str] | None) -> set[str]:
        # The primary key (outlet, paragraph_key, article_id) makes each row one distinct
        # article, and lets SQLite read one outlet's range of the index in key order.
        sql = ("SELECT paragraph_key FROM outlet_paragraphs WHERE outlet = ? {} "
               "GROUP BY paragraph_key HAVING COUNT(*) >= ?")
        if candidates is None:
            rows = conn.execute(sql.format(""), (outlet, min_articles))
            return {row[0] for row in rows}
        frequent: set[str] = set()
        for chunk in chunks(candidates):
            rows = conn.execute(sql.format(f"AND paragraph_key IN ({_marks(chunk)})"),
                                (outlet, *chunk, min_articles))
            frequent.update(row[0] for row in rows)
        return frequent

    def articles_with_keys(self, outlet: str, keys: Iterable[str]) -> list[str]:
        found: set[str] = set()
        with self._snapshot() as conn:
            for chunk in chunks(dict.fromkeys(keys)):
                rows = conn.execute(
                    "SELECT DISTINCT article_id FROM outlet_paragraphs WHERE outlet = ? "
                    f"AND paragraph_key IN ({_marks(chunk)})", (outlet, *chunk))
                found.update(row[0] for row in rows)
        return sorted(found)

    def key_holders(self, keys: Mapping[str, Iterable[str]]) -> dict[str, dict[str, set[str]]]:
        found: dict[str, dict[str, set[str]]] = {}
        with self._snapshot() as conn:
            for outlet, candidates in keys.items():
                holders = found.setdefault(outlet, {})
                for chunk in chunks(dict.fromkeys(candidates)):
                    rows = conn.execute(
                        "SELECT paragraph_key, article_id FROM outlet_paragraphs WHERE outlet = ? "
                        f"AND paragraph_key IN ({_marks(chunk)})", (codec.storable(outlet), *chunk))
                    for key, article_id in rows:
                        holders.setdefault(key, set()).add(article_id)
        return found

    # -- reading: articles --------------------------------------------------------------

    def article(self, article_id: str) -> Article | None:
        with self._snapshot() as conn:
            full_id = self._resolve_id(conn, article_id)
            if full_id is None:
                return None
            row = conn.execute(f"{_ARTICLE_SELECT} WHERE article_id = ?", (full_id,)).fetchone()
            return self._with_removals(conn, [row])[0]

    def raw_document(self, article_id: str) -> RawDocument | None:
        with self._snapshot() as conn:
            full_id = self._resolve_id(conn, article_id)
            if full_id is None:
                return None
            row = conn.execute(f"SELECT {', '.join(codec.RAW_COLUMNS)} FROM raw_documents "
                               "WHERE raw_id = ?", (full_id,)).fetchone()
            return codec.row_to_raw(row) if row else None

    def _resolve_id(self, conn: sqlite3.Connection, article_id: str) -> str | None:
        """The full id for ``article_id`` or a unique prefix of it; ``None`` if unknown."""
        if conn.execute("SELECT 1 FROM articles WHERE article_id = ?", (article_id,)).fetchone():
            return article_id
        article_id = article_id.strip()  # pasted from a terminal
        if len(article_id) < MIN_ID_PREFIX:
            return None
        # A range scan on the primary key: every string that starts with the prefix sorts
        # between the prefix and the prefix with its last character bumped by one.
        upper = article_id[:-1] + chr(ord(article_id[-1]) + 1)
        rows = conn.execute("SELECT article_id FROM articles WHERE article_id >= ? AND "
                            "article_id < ? ORDER BY article_id LIMIT 11", (article_id, upper))
        matches = [row[0] for row in rows]
        if len(matches) > 1:
            shown = ", ".join(matches[:10]) + (", ..." if len(matches) > 10 else "")
            raise UserError(f"article id {article_id!r} is ambiguous: it starts {shown}; "
                            "give more characters")
        return matches[0] if matches else None

    def articles(self, *, since: str | None = None, until: str | None = None,
                 outlet: str | None = None, language: str | None = None, limit: int = 50,
                 offset: int = 0, order: ArticleOrder = "published") -> list[Article]:
        check_page(limit, offset)
        if order not in _ORDER_BY:
            raise UserError(f"order must be one of {', '.join(_ORDER_BY)}, got {order!r}")
        where, params = ArticleFilter(since, until, outlet, language).where()
        with self._snapshot() as conn:
            # Page through ids first (an index scan), then read only the rows on the page.
            ids = [row[0] for row in conn.execute(
                f"SELECT article_id FROM articles {where} ORDER BY {_ORDER_BY[order]} "
                "LIMIT ? OFFSET ?", (*params, limit, offset))]
            by_id = {article.article_id: article for article in self._load(conn, ids)}
        return [by_id[article_id] for article_id in ids]

    def count_articles(self, *, since: str | None = None, until: str | None = None,
                       outlet: str | None = None, language: str | None = None) -> int:
        where, params = ArticleFilter(since, until, outlet, language).where()
        with self._snapshot() as conn:
            return conn.execute(f"SELECT COUNT(*) FROM articles {where}", params).fetchone()[0]

    def iter_articles(self, batch: int = 500) -> Iterator[Article]:
        if batch < 1:
            raise UserError(f"batch must be 1 or more, got {batch}")
        last = ""
        while True:
            # Keyset paging with a short read per batch, so the caller may write (re-clean)
            # between batches without holding a read transaction open.
            with self._snapshot() as conn:
                rows = conn.execute(f"{_ARTICLE_SELECT} WHERE article_id > ? "
                                    "ORDER BY article_id LIMIT ?", (last, batch)).fetchall()
                articles = self._with_removals(conn, rows)
            yield from articles
            if len(rows) < batch:
                return
            last = rows[-1]["article_id"]

    def _load(self, conn: sqlite3.Connection, ids: Sequence[str]) -> list[Article]:
        articles: list[Article] = []
        for chunk in chunks(ids):
            rows = conn.execute(f"{_ARTICLE_SELECT} WHERE article_id IN ({_marks(chunk)})",
                                chunk).fetchall()
            articles.extend(self._with_removals(conn, rows))
        return articles

    @staticmethod
    def _with_removals(conn: sqlite3.Connection, rows: Sequence[sqlite3.Row]) -> list[Article]:
        removals: dict[str, list] = {row["article_id"]: [] for row in rows}
        for chunk in chunks(removals):
            for row in conn.execute(
                    'SELECT article_id, start, "end", reason, text FROM removals '
                    f"WHERE article_id IN ({_marks(chunk)}) ORDER BY article_id, seq", chunk):
                removals[row["article_id"]].append(codec.row_to_removal(row))
        return [codec.row_to_article(row, removals[row["article_id"]]) for row in rows]

    # -- reading: reports ---------------------------------------------------------------

    def rejections(self, limit: int = 50) -> list[dict[str, Any]]:
        check_page(limit, 0)
        with self._snapshot() as conn:
            rows = conn.execute(
                f"SELECT {', '.join(codec.REJECTION_COLUMNS)} FROM rejections "
                "ORDER BY last_seen DESC, origin LIMIT ?", (limit,))
            return [dict(row) for row in rows]

    def stats(self) -> dict[str, Any]:
        with self._snapshot() as conn:
            return collect_stats(conn, self.location)
