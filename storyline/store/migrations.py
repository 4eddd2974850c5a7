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

# Story cards. A card is one JSON row, read with one lookup; it remembers the
# stories.updated_at it was built against, so a card whose story changed since (articles
# joined, re-cleaned, merged) reads as outdated without reading the members. Per-article
# analyses are cached with a hash of the text they were computed from. story_entities
# holds every entity of every story, for entity pages and filters.
M003_CARDS = """
CREATE TABLE article_analyses (
    article_id TEXT PRIMARY KEY,            -- no foreign key, as features
    text_hash  TEXT NOT NULL,
    analysis   TEXT NOT NULL                -- JSON (storyline.cards.analysis)
);

CREATE TABLE story_cards (
    story_id         TEXT PRIMARY KEY REFERENCES stories (story_id) ON DELETE CASCADE,
    story_updated_at TEXT NOT NULL,
    built_at         TEXT NOT NULL,
    stale            INTEGER NOT NULL DEFAULT 0,
    error            TEXT,                  -- why the last build failed, for the log and CLI
    card             TEXT                   -- JSON (storyline.cards.model.StoryCard)
);

CREATE TABLE story_entities (
    story_id   TEXT NOT NULL REFERENCES stories (story_id) ON DELETE CASCADE,
    entity_key TEXT NOT NULL,
    kind       TEXT NOT NULL,
    name       TEXT NOT NULL,
    salience   REAL NOT NULL,
    mentions   INTEGER NOT NULL,
    articles   INTEGER NOT NULL,
    PRIMARY KEY (story_id, entity_key, kind)
) WITHOUT ROWID;
CREATE INDEX story_entities_key ON story_entities (entity_key, salience DESC, story_id);
CREATE INDEX story_entities_kind ON story_entities (kind, entity_key);
"""

# Search, ranking and live changes for the web UI and HTTP API (storyline serve), all kept
# by triggers so that every writer (ingest, cluster, watch, another process) keeps them true.
# Statements inside a trigger carry no conflict clause: SQLite would replace it with the
# clause of the statement that fired the trigger (an upsert's, which aborts on conflict).
_NEXT_CHANGE = "(SELECT COALESCE(MAX(seq), 0) + 1 FROM story_changes)"


def _record_change(row: str, deleted: int) -> str:
    """Trigger body: give the story in ``row`` (new or old) the next change number."""
    return (f"UPDATE story_changes SET seq = {_NEXT_CHANGE}, deleted = {deleted} "
            f"WHERE story_id = {row}.story_id;\n"
            f"INSERT INTO story_changes (story_id, seq, deleted) SELECT {row}.story_id, "
            f"{_NEXT_CHANGE}, {deleted} WHERE NOT EXISTS "
            f"(SELECT 1 FROM story_changes WHERE story_id = {row}.story_id);")


# Front-page rank: the day of a story's latest article plus a coverage bonus of up to three
# days, 3c / (c + 3), where c = outlets + languages - 2 (0 for one outlet in one language).
# Plain arithmetic (no log) so that it needs no optional SQLite functions.
_COVERAGE = "MAX(json_array_length({0}.outlets) + json_array_length({0}.languages) - 2, 0)"
_RANK = (f"julianday({{0}}.last_seen) + 3.0 * {_COVERAGE} / ({_COVERAGE} + 3)")

# Full text of articles: an external-content FTS5 index over the articles table (it stores
# no second copy of the texts). Words are folded (case, accents) and English words stemmed
# (porter: "collapse" finds "collapses"); other languages' words are kept whole. Its rows
# are keyed by the articles' rowids, which VACUUM may renumber: after a VACUUM, run
# SQLiteStore.rebuild_search().
# Stories are searched by the distinct titles of their articles, refreshed whenever
# story_write recomputes a story's size (every membership change does).
M004_SEARCH = f"""
CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, subtitle, text, content = 'articles', content_rowid = 'rowid',
    tokenize = 'porter unicode61 remove_diacritics 2');
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts (rowid, title, subtitle, text)
    VALUES (new.rowid, new.title, new.subtitle, new.text);
END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, subtitle, text)
    VALUES ('delete', old.rowid, old.title, old.subtitle, old.text);
END;
CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, subtitle, text ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, subtitle, text)
    VALUES ('delete', old.rowid, old.title, old.subtitle, old.text);
    INSERT INTO articles_fts (rowid, title, subtitle, text)
    VALUES (new.rowid, new.title, new.subtitle, new.text);
END;
INSERT INTO articles_fts (articles_fts) VALUES ('rebuild');

CREATE VIRTUAL TABLE stories_fts USING fts5(
    story_id UNINDEXED, titles, tokenize = 'porter unicode61 remove_diacritics 2');
CREATE TRIGGER stories_fts_update AFTER UPDATE OF size ON stories BEGIN
    DELETE FROM stories_fts WHERE rowid = new.rowid;
    INSERT INTO stories_fts (rowid, story_id, titles)
    SELECT new.rowid, new.story_id, group_concat(title, ' | ') FROM (
        SELECT DISTINCT a.title AS title FROM story_members AS m
        JOIN articles AS a ON a.article_id = m.article_id
        WHERE m.story_id = new.story_id AND a.title IS NOT NULL LIMIT 200);
END;
CREATE TRIGGER stories_fts_delete AFTER DELETE ON stories BEGIN
    DELETE FROM stories_fts WHERE rowid = old.rowid;
END;
INSERT INTO stories_fts (rowid, story_id, titles)
SELECT s.rowid, s.story_id, (SELECT group_concat(title, ' | ') FROM (
    SELECT DISTINCT a.title AS title FROM story_members AS m
    JOIN articles AS a ON a.article_id = m.article_id
    WHERE m.story_id = s.story_id AND a.title IS NOT NULL LIMIT 200))
FROM stories AS s;

ALTER TABLE stories ADD COLUMN rank REAL;
CREATE INDEX stories_rank ON stories (rank DESC, story_id, size, first_seen, last_seen);
CREATE TRIGGER stories_rank_update AFTER UPDATE OF last_seen, languages, outlets ON stories
BEGIN
    UPDATE stories SET rank = {_RANK.format("new")} WHERE story_id = new.story_id;
END;
UPDATE stories SET rank = {_RANK.format("stories")};

-- One row per story: the change number of its latest change. MAX(seq) is the store's
-- change counter; it only grows, so a page that saw N asks what changed after N.
CREATE TABLE story_changes (
    story_id TEXT PRIMARY KEY,
    seq      INTEGER NOT NULL,
    deleted  INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX story_changes_seq ON story_changes (seq);
CREATE TRIGGER story_changes_insert AFTER INSERT ON stories BEGIN
    {_record_change("new", 0)}
END;
CREATE TRIGGER story_changes_update
AFTER UPDATE OF size, first_seen, last_seen, languages, outlets ON stories BEGIN
    {_record_change("new", 0)}
END;
CREATE TRIGGER story_changes_delete AFTER DELETE ON stories BEGIN
    {_record_change("old", 1)}
END;
INSERT INTO story_changes (story_id, seq, deleted)
SELECT story_id, row_number() OVER (ORDER BY story_id), 0 FROM stories;
"""

# storyline watch: what has been read from each watched source, so that a restart reads only
# what is new or changed. Files are keyed by the source the user named and the path found
# under it; a feed keeps its HTTP validators and the ids of the entries already read.
M005_WATCH = """
CREATE TABLE watch_files (
    source       TEXT NOT NULL,          -- the folder, file or glob as the user gave it
    path         TEXT NOT NULL,
    size         INTEGER NOT NULL,
    mtime_ns     INTEGER NOT NULL,
    content_hash TEXT NOT NULL,          -- sha256 of the bytes; read when size or mtime change
    read_at      TEXT NOT NULL,
    PRIMARY KEY (source, path)
) WITHOUT ROWID;

CREATE TABLE watch_feeds (
    url           TEXT PRIMARY KEY,
    etag          TEXT,
    last_modified TEXT,
    checked_at    TEXT,
    changed_at    TEXT,                  -- last answer with content (not 304)
    failures      INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT
);

-- content_hash is the entry's document key: an entry edited under the same id is read again.
CREATE TABLE watch_entries (
    url          TEXT NOT NULL,
    entry_id     TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    seen_at      TEXT NOT NULL,
    PRIMARY KEY (url, entry_id)
) WITHOUT ROWID;

-- Feeds list stories newest-updated first; watch counts the stories a poll updated.
CREATE INDEX stories_updated ON stories (updated_at DESC, story_id);
"""

# The story engine's features also keep the article's language (so that re-clustering does
# not read every article) and its numbers (a signal of their own).
M006_STORY_FEATURES = """
ALTER TABLE features ADD COLUMN language TEXT;
ALTER TABLE features ADD COLUMN numbers BLOB NOT NULL DEFAULT x'';
"""

# The rare name words of each article (the ``rare`` signal of the story engine). NULL in
# the rows stored before: the story builder finds them from the articles when it reads such
# a row for batch clustering.
M007_RARE_NAMES = """
ALTER TABLE features ADD COLUMN rare BLOB;
"""

# Whether the article is known by its headline alone (its page held no article text): the
# story engine lets such an article follow a story, never lead one.
M008_HEADLINE_ONLY = """
ALTER TABLE features ADD COLUMN headline_only INTEGER NOT NULL DEFAULT 0;
"""

# The past days each article names (the ``recalls`` signal of the story engine: a follow-up
# names the day of the event it goes back to). NULL in the rows stored before: the story
# builder finds them from the articles when it reads such a row.
M009_RECALLED_DAYS = """
ALTER TABLE features ADD COLUMN recalled BLOB;
"""

#: Every migration in the order it is applied. Append only.
MIGRATIONS: tuple[tuple[str, str], ...] = (
    ("m001_articles", M001_ARTICLES),
    ("m002_stories", M002_STORIES),
    ("m003_cards", M003_CARDS),
    ("m004_search", M004_SEARCH),
    ("m005_watch", M005_WATCH),
    ("m006_story_features", M006_STORY_FEATURES),
    ("m007_rare_names", M007_RARE_NAMES),
    ("m008_headline_only", M008_HEADLINE_ONLY),
    ("m009_recalled_days", M009_RECALLED_DAYS),
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
