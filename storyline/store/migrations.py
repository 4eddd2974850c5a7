"""Named, append-only schema migrations for the SQLite store.

Never edit or reorder an entry once released: add a new ``("mNNN_what", sql)`` at the end.
A database remembers what was applied in ``_migrations``; a name this version does not know
means a newer Storyline wrote the file, and opening it stops with ``MigrationError`` rather
than guessing at a schema it has never seen.
"""

from __future__ import annotations

import logging
import sqlite3

from ..errors import MigrationError, StoreError
from .codec import now_iso

logger = logging.getLogger(__name__)

M001_ARTICLES = """
CREATE TABLE raw_documents (
    raw_id      TEXT PRIMARY KEY,
    origin      TEXT NOT NULL,
    kind        TEXT NOT NULL,
    encoding    TEXT NOT NULL,
    hints       TEXT NOT NULL,          -- JSON object
    body        TEXT NOT NULL,
    received_at TEXT NOT NULL
);

-- Small columns first, long texts last (see codec.ARTICLE_COLUMNS).
CREATE TABLE articles (
    article_id          TEXT PRIMARY KEY REFERENCES raw_documents (raw_id),
    origin              TEXT NOT NULL,
    published           TEXT,
    date_source         TEXT,
    outlet              TEXT,
    outlet_key          TEXT,           -- casefolded outlet, what outlet filters compare
    outlet_source       TEXT,
    url                 TEXT,
    language            TEXT,
    kind                TEXT NOT NULL,
    encoding            TEXT NOT NULL,
    cleaned_at          TEXT NOT NULL,
    ingested_at         TEXT NOT NULL,
    title               TEXT,
    subtitle            TEXT,
    paragraph_languages TEXT NOT NULL,  -- JSON array
    wire_agencies       TEXT NOT NULL,  -- JSON array
    credits             TEXT NOT NULL,  -- JSON array
    text                TEXT NOT NULL,
    extracted           TEXT NOT NULL
);
-- The id is the tie-breaker of every listing, so the ordered indexes carry it.
CREATE INDEX articles_published ON articles (published, article_id);
CREATE INDEX articles_ingested ON articles (ingested_at, article_id);
CREATE INDEX articles_outlet ON articles (outlet_key);
CREATE INDEX articles_language ON articles (language);

CREATE TABLE removals (
    article_id TEXT NOT NULL REFERENCES articles (article_id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    start      INTEGER NOT NULL,
    "end"      INTEGER NOT NULL,
    reason     TEXT NOT NULL,
    text       TEXT NOT NULL,
    PRIMARY KEY (article_id, seq)
) WITHOUT ROWID;

CREATE TABLE rejections (
    rejection_id TEXT PRIMARY KEY,      -- hash of origin and reason
    origin       TEXT NOT NULL,
    reason       TEXT NOT NULL,
    stage        TEXT NOT NULL,
    first_seen   TEXT NOT NULL,
    last_seen    TEXT NOT NULL,
    times        INTEGER NOT NULL
);
CREATE INDEX rejections_last_seen ON rejections (last_seen);

-- No foreign key to articles: paragraphs may be recorded before their article is stored.
CREATE TABLE outlet_paragraphs (
    outlet        TEXT NOT NULL,
    paragraph_key TEXT NOT NULL,
    article_id    TEXT NOT NULL,
    PRIMARY KEY (outlet, paragraph_key, article_id)
) WITHOUT ROWID;
CREATE INDEX outlet_paragraphs_article ON outlet_paragraphs (article_id);

CREATE TABLE ingest_runs (
    run_id      INTEGER PRIMARY KEY,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    sources     TEXT NOT NULL,          -- JSON array
    documents   INTEGER,
    added       INTEGER,
    skipped     INTEGER,
    rejected    INTEGER
);
"""

# The story engine's tables. Blobs (features, signatures, story states) are opaque to the
# store. The stories table also keeps columns derived from its members (size, first/last
# seen, languages, outlets) so that listing 50k stories reads one index, not 100k members;
# story_facets holds the same languages and outlets one row each, for the filters.
M002_STORIES = """
-- No foreign keys to articles: stages may compute these before their articles are stored.
CREATE TABLE features (
    article_id TEXT PRIMARY KEY,
    day        REAL,                    -- days since the epoch; NULL when undated
    dense      BLOB NOT NULL,
    lexical    BLOB NOT NULL,
    names      BLOB NOT NULL
);

CREATE TABLE dedup_signatures (
    article_id TEXT PRIMARY KEY,
    exact_key  TEXT NOT NULL,
    signature  BLOB NOT NULL
);
CREATE INDEX dedup_signatures_exact ON dedup_signatures (exact_key);

CREATE TABLE dedup_bands (
    band_key   TEXT NOT NULL,
    article_id TEXT NOT NULL,
    PRIMARY KEY (band_key, article_id)
) WITHOUT ROWID;
CREATE INDEX dedup_bands_article ON dedup_bands (article_id);

-- One row per unordered pair: article_a < article_b.
CREATE TABLE duplicate_links (
    article_a TEXT NOT NULL,
    article_b TEXT NOT NULL,
    kind      TEXT NOT NULL,
    score     REAL NOT NULL,
    why       TEXT NOT NULL,
    PRIMARY KEY (article_a, article_b),
    CHECK (article_a < article_b)
) WITHOUT ROWID;
CREATE INDEX duplicate_links_b ON duplicate_links (article_b);

CREATE TABLE stories (
    story_id   TEXT PRIMARY KEY,
    size       INTEGER NOT NULL DEFAULT 0,  -- members; derived
    first_seen TEXT,                        -- min/max published of the members; derived
    last_seen  TEXT,
    first_day  REAL,                        -- the clusterer's own day range
    last_day   REAL,
    languages  TEXT NOT NULL DEFAULT '[]',  -- JSON array, most frequent first; derived
    outlets    TEXT NOT NULL DEFAULT '[]',  -- JSON array, most frequent first; derived
    updated_at TEXT NOT NULL,
    state      BLOB NOT NULL
);
-- The tie-breaker (story_id) is in both listing orders, so each is one index scan; the
-- columns the filters test ride along, so that skipping stories never reads their rows.
CREATE INDEX stories_recent ON stories (last_seen DESC, story_id, size, first_seen);
CREATE INDEX stories_size ON stories (size DESC, story_id, last_seen, first_seen);

-- What stories read of their member articles, so that building a story or recomputing its
-- columns never reads the long article rows (queries name it with INDEXED BY: the planner
-- would otherwise prefer the unique primary key index and read the rows).
CREATE INDEX articles_story_fields ON articles (article_id, published, language, outlet_key,
                                               outlet);

-- The primary key says it: an article belongs to exactly one story. A story that still
-- has members cannot be deleted.
CREATE TABLE story_members (
    article_id TEXT PRIMARY KEY REFERENCES articles (article_id) ON DELETE CASCADE,
    story_id   TEXT NOT NULL REFERENCES stories (story_id),
    score      REAL NOT NULL
) WITHOUT ROWID;
CREATE INDEX story_members_story ON story_members (story_id);

-- kind is 'language' (value = code) or 'outlet' (value = outlet_key, label = a spelling).
CREATE TABLE story_facets (
    kind     TEXT NOT NULL,
    value    TEXT NOT NULL,
    story_id TEXT NOT NULL REFERENCES stories (story_id) ON DELETE CASCADE,
    label    TEXT NOT NULL,
    articles INTEGER NOT NULL,
    PRIMARY KEY (kind, value, story_id)
) WITHOUT ROWID;
CREATE INDEX story_facets_story ON story_facets (story_id);

-- Document frequencies of hashed tokens, and the number of documents counted.
CREATE TABLE token_df (
    token INTEGER PRIMARY KEY,
    df    INTEGER NOT NULL
);
CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
"""

# The story engine's features also keep the article's language (so that re-clustering does
# not read every article) and its numbers (a signal of their own).
M006_STORY_FEATURES = """
ALTER TABLE features ADD COLUMN language TEXT;
ALTER TABLE features ADD COLUMN numbers BLOB NOT NULL DEFAULT x'';
"""

#: Every migration in the order it is applied. Append only.
MIGRATIONS: tuple[tuple[str, str], ...] = (
    ("m001_articles", M001_ARTICLES),
    ("m002_stories", M002_STORIES),
    ("m006_story_features", M006_STORY_FEATURES),
)

_CREATE_LEDGER = (
    "CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
)


def split_statements(script: str) -> list[str]:
    """The SQL statements of ``script``, split where SQLite itself says one is complete.

    ``executescript`` would do this too, but it commits first, and each migration has to
    run inside its own transaction together with its ``_migrations`` row.
    """
    statements, pending = [], ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    if pending.strip() and not _only_comments(pending):
        raise ValueError(f"incomplete SQL statement in migration: {pending.strip()[:80]!r}")
    return statements


def _only_comments(sql: str) -> bool:
    return all(not line.strip() or line.strip().startswith("--") for line in sql.splitlines())


def applied_migrations(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute("SELECT name FROM _migrations ORDER BY applied_at, name").fetchall()
    return [row[0] for row in rows]


def apply_migrations(conn: sqlite3.Connection, location: str,
                     migrations: tuple[tuple[str, str], ...] = MIGRATIONS) -> list[str]:
    """Bring the database at ``location`` up to date; return the names newly applied.

    ``conn`` must be in autocommit mode (``isolation_level=None``). Safe to run again and
    from several processes at once: each migration re-checks inside its own transaction.
    """
    _refuse_foreign_database(conn, location)
    conn.execute(_CREATE_LEDGER)
    _refuse_newer_database(conn, location, {name for name, _ in migrations})
    applied = []
    for name, sql in migrations:
        if _apply_one(conn, name, sql):
            logger.info("applied migration %s to %s", name, location)
            applied.append(name)
    return applied


def _apply_one(conn: sqlite3.Connection, name: str, sql: str) -> bool:
    conn.execute("BEGIN IMMEDIATE")
    try:
        done = conn.execute("SELECT 1 FROM _migrations WHERE name = ?", (name,)).fetchone()
        if not done:
            for statement in split_statements(sql):
                conn.execute(statement)
            conn.execute("INSERT INTO _migrations (name, applied_at) VALUES (?, ?)",
                         (name, now_iso()))
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return not done


def _refuse_foreign_database(conn: sqlite3.Connection, location: str) -> None:
    """Stop before writing our tables into some other program's SQLite file."""
    tables = [row[0] for row in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    if tables and "_migrations" not in tables:
        listed = ", ".join(sorted(tables)[:5])
        raise StoreError(
            f"{location} is not a Storyline database (it holds other tables: {listed}); "
            "point Storyline at another database file (setting db)"
        )


def _refuse_newer_database(conn: sqlite3.Connection, location: str, known: set[str]) -> None:
    unknown = [name for name in applied_migrations(conn) if name not in known]
    if unknown:
        raise MigrationError(
            f"{location} was written by a newer Storyline (unknown migrations: "
            f"{', '.join(unknown)}); upgrade Storyline to open it"
        )
