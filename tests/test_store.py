"""The article store: round trips, idempotent writes, filters, migrations, kill safety."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.errors import MigrationError, StoreError, UserError
from storyline.store import open_store, sqlite_location
from storyline.store.migrations import MIGRATIONS, apply_migrations
from storyline.types import HINT_KEYS, REMOVAL_REASONS, Article, RawDocument, Rejected, Removal

REPO = Path(__file__).resolve().parents[1]


def make_pair(n: int, **fields) -> tuple[RawDocument, Article]:
    """A small raw document and its article, distinct for each ``n``."""
    body = f"Paragraph {n} of the story.\n\nDonate today."
    raw = RawDocument(origin=f"news/{n}.txt", body=body, hints={"title": f"Title {n}"})
    article = Article(article_id=raw.content_hash, origin=raw.origin,
                      text=f"Paragraph {n} of the story.", extracted=body, **fields)
    return raw, article


def full_pair() -> tuple[RawDocument, Article]:
    body = "<p>Lead</p><p>Foto: EFE</p><p>Body</p><p>Dona ahora</p>"
    raw = RawDocument(origin="crawl.warc.gz#record 3", body=body, kind="html",
                      hints={"title": "Visita de Estado", "lang": "es"}, encoding="latin-1")
    extracted = "Visita de Estado\n\nLead\n\nFoto: EFE\n\nBody\n\nDona ahora"
    article = Article(
        article_id=raw.content_hash, origin=raw.origin, text="Lead\n\nBody",
        extracted=extracted, title="Visita de Estado", subtitle="Dos días", published=
        "2024-05-14T09:30:00+02:00", date_source="html-meta", outlet="El País",
        outlet_source="field", url="https://example.org/a", language="es",
        paragraph_languages=("es", "es"), wire_agencies=("EFE", "Reuters"),
        credits=("Foto: EFE",), kind="html", encoding="latin-1",
        removals=(Removal(0, 16, "title", "Visita de Estado"),
                  Removal(24, 33, "photo-credit", "Foto: EFE"),
                  Removal(41, 51, "appeal", "Dona ahora")))
    return raw, article


def test_full_article_and_raw_document_round_trip(fresh_store):
    raw, article = full_pair()
    assert fresh_store.add_articles([(raw, article)]) == 1
    stored = fresh_store.article(article.article_id)
    assert stored == article
    assert isinstance(stored.wire_agencies, tuple) and isinstance(stored.removals, tuple)
    assert fresh_store.raw_document(article.article_id) == raw


def test_adding_the_same_batch_again_is_a_no_op(fresh_store):
    batch = [make_pair(n) for n in range(5)]
    assert fresh_store.add_articles(batch) == 5
    assert fresh_store.add_articles(batch) == 0
    assert fresh_store.add_articles(batch[:2] + [make_pair(5)] + [make_pair(5)]) == 1
    assert fresh_store.count_articles() == 6
    assert fresh_store.stats()["raw_documents"] == 6


def test_a_failing_batch_stores_nothing(fresh_store):
    good = make_pair(1)
    raw, bad = make_pair(2)
    bad = replace(bad, removals=(Removal(2**70, 2**70, "appeal", "x"),))  # too big for SQL
    with pytest.raises(OverflowError):
        fresh_store.add_articles([good, (raw, bad)])
    assert fresh_store.count_articles() == 0
    assert fresh_store.add_articles([good]) == 1


def test_known_ids_handles_more_ids_than_one_query_takes(fresh_store):
    pairs = [make_pair(n) for n in range(1100)]
    fresh_store.add_articles(pairs)
    asked = [a.article_id for _, a in pairs] + [f"missing-{n}" for n in range(100)]
    assert fresh_store.known_ids(iter(asked)) == {a.article_id for _, a in pairs}


def test_rejections_are_upserted_not_duplicated(fresh_store):
    bad = Rejected("dump.jsonl:12", "dump.jsonl:12 has no text field", stage="source")
    fresh_store.add_rejections([bad])
    fresh_store.add_rejections([Rejected("b.html", "b.html is empty")])
    fresh_store.add_rejections([bad])
    rows = {row["origin"]: row for row in fresh_store.rejections()}
    assert len(rows) == 2
    assert rows["dump.jsonl:12"]["times"] == 2
    assert rows["dump.jsonl:12"]["last_seen"] > rows["dump.jsonl:12"]["first_seen"]
    assert rows["b.html"]["times"] == 1
    assert fresh_store.rejections(limit=1)[0]["origin"] == "dump.jsonl:12"  # newest first


@pytest.fixture
def dated_store(fresh_store):
    dated = [
        ("2024-05-13T23:59:00", "El País", "es"),
        ("2024-05-14", "EL PAÍS", "es"),
        ("2024-05-14T18:30:00+02:00", "Reuters", "en"),
        ("2024-05-15T00:00:00", "reuters", "en"),
        (None, None, None),
    ]
    for n, (published, outlet, language) in enumerate(dated):
        fresh_store.add_articles([make_pair(n, published=published, outlet=outlet,
                                            language=language)])
        time.sleep(0.002)  # distinct ingest times
    return fresh_store


def published(articles):
    return [a.published for a in articles]


def test_date_filters_include_the_whole_until_day(dated_store):
    day = dated_store.articles(since="2024-05-14", until="2024-05-14")
    assert published(day) == ["2024-05-14T18:30:00+02:00", "2024-05-14"]
    assert dated_store.count_articles(since="2024-05-14", until="2024-05-14") == 2
    assert published(dated_store.articles(until="2024-05-14T12:00")) == [
        "2024-05-14", "2024-05-13T23:59:00"]
    assert len(dated_store.articles(since="2024-05-15")) == 1
    with pytest.raises(UserError, match="not a date"):
        dated_store.articles(since="14/05/2024")


def test_outlet_filter_ignores_case_and_language_filter(dated_store):
    assert dated_store.count_articles(outlet="el país") == 2
    assert dated_store.count_articles(outlet="REUTERS", language="en") == 2
    assert dated_store.count_articles(language="es", since="2024-05-14") == 1
    assert dated_store.articles(outlet="nobody") == []


def test_pagination_and_order(dated_store):
    everything = dated_store.articles(limit=100)
    assert published(everything)[-1] is None  # undated articles last
    assert published(everything)[:-1] == sorted(published(everything)[:-1], reverse=True)
    pages = [dated_store.articles(limit=2, offset=offset) for offset in (0, 2, 4)]
    assert [a for page in pages for a in page] == everything
    by_ingest = dated_store.articles(order="ingested", limit=100)
    assert [a.origin for a in by_ingest] == [f"news/{n}.txt" for n in range(4, -1, -1)]
    with pytest.raises(UserError, match="order"):
        dated_store.articles(order="random")


def test_iter_articles_visits_each_article_once(fresh_store):
    fresh_store.add_articles([make_pair(n) for n in range(23)])
    seen = [a.article_id for a in fresh_store.iter_articles(batch=5)]
    assert len(seen) == 23 and len(set(seen)) == 23


def test_article_by_unique_prefix_and_ambiguous_prefix(fresh_store):
    raw_a, a = make_pair(1)
    raw_b, b = make_pair(2)
    a = replace(a, article_id="abcdef01" + "0" * 24)
    b = replace(b, article_id="abcdef02" + "0" * 24)
    fresh_store.add_articles([(raw_a, a), (raw_b, b)])
    assert fresh_store.article("abcdef01") == a
    assert fresh_store.raw_document(" abcdef02 ") == raw_b
    assert fresh_store.article("abcde") is None  # too short to be a prefix
    assert fresh_store.article("ffffff") is None
    with pytest.raises(UserError) as excinfo:
        fresh_store.article("abcdef")
    assert a.article_id in str(excinfo.value) and b.article_id in str(excinfo.value)


def test_boilerplate_keys_threshold_and_candidates(fresh_store):
    rows = [("El País", "donate", f"a{n}") for n in range(3)]
    rows += [("El País", "newsletter", f"a{n}") for n in range(2)]
    rows += [("Reuters", "donate", "r1")]
    fresh_store.record_paragraphs(rows)
    fresh_store.record_paragraphs(rows)  # recording again changes nothing
    found = fresh_store.boilerplate_keys(["El País", "Reuters", "Nobody"], 3)
    assert found == {"El País": frozenset({"donate"}), "Reuters": frozenset(),
                     "Nobody": frozenset()}
    assert fresh_store.boilerplate_keys(["El País"], 2)["El País"] == {"donate", "newsletter"}
    limited = fresh_store.boilerplate_keys(["El País"], 2, keys=["newsletter", "other"])
    assert limited == {"El País": frozenset({"newsletter"})}
    assert fresh_store.articles_with_keys("El País", ["newsletter"]) == ["a0", "a1"]
    holders = fresh_store.key_holders({"El País": ["newsletter", "other"], "Reuters": ["donate"],
                                       "Nobody": ["donate"]})
    assert holders == {"El País": {"newsletter": {"a0", "a1"}}, "Reuters": {"donate": {"r1"}},
                       "Nobody": {}}


def test_boilerplate_queries_read_one_outlet_through_the_primary_key(fresh_store):
    def plan(sql, params):
        return " ".join(row[3] for row in fresh_store.conn.execute(
            "EXPLAIN QUERY PLAN " + sql, params))

    grouped = ("SELECT paragraph_key FROM outlet_paragraphs WHERE outlet = ? {} "
               "GROUP BY paragraph_key HAVING COUNT(*) >= ?")
    assert "SEARCH outlet_paragraphs USING PRIMARY KEY (outlet=?)" in plan(
        grouped.format(""), ("x", 3))
    assert "USING PRIMARY KEY (outlet=? AND paragraph_key=?)" in plan(
        grouped.format("AND paragraph_key IN (?, ?)"), ("x", "a", "b", 3))
    assert "TEMP B-TREE FOR GROUP BY" not in plan(grouped.format(""), ("x", 3))


def test_replace_cleaning_keeps_identity_and_replaces_removals(fresh_store):
    raw, article = full_pair()
    fresh_store.add_articles([(raw, article)])
    recleaned = replace(article, text="Body", removals=(Removal(0, 4, "teaser", "Lead"),),
                        credits=())
    missing = make_pair(99)[1]
    assert fresh_store.replace_cleaning([recleaned, missing]) == 1
    assert fresh_store.article(article.article_id) == recleaned
    assert fresh_store.stats()["removals"] == {"teaser": 1}


def test_lone_surrogates_are_replaced_one_for_one(fresh_store):
    raw, article = make_pair(1)
    broken = replace(article, text="caf\udce9 ok", title="t\udce9")
    fresh_store.add_articles([(replace(raw, body="caf\udce9"), broken)])
    stored = fresh_store.article(article.article_id)
    assert stored.text == "caf\ufffd ok" and len(stored.text) == len(broken.text)
    assert stored.title == "t\ufffd"


def test_stats_and_runs(fresh_store):
    raw, article = full_pair()
    fresh_store.add_articles([(raw, article), make_pair(1, outlet="el país", language="es")])
    fresh_store.add_rejections([Rejected("x.csv", "x.csv has no header")])
    run_id = fresh_store.start_run(["news/"])
    fresh_store.finish_run(run_id, documents=3, added=2, skipped=0, rejected=1)
    with pytest.raises(StoreError):
        fresh_store.finish_run(run_id + 1, 0, 0, 0, 0)
    stats = fresh_store.stats()
    assert (stats["articles"], stats["raw_documents"], stats["rejections"]) == (2, 2, 1)
    assert stats["outlets"] == {"El País": 2} and stats["outlet_count"] == 1
    assert stats["languages"] == {"es": 2}
    assert stats["wire_agencies"] == {"EFE": 1, "Reuters": 1}
    assert stats["removals"] == {"appeal": 1, "photo-credit": 1, "title": 1}
    assert stats["published"]["first"] == stats["published"]["last"] == article.published
    assert stats["ingest_runs"] == 1 and stats["size_bytes"] > 0


# -- opening, URLs and migrations ------------------------------------------------------


def test_store_urls():
    assert sqlite_location("sqlite:///data/news.db") == "data/news.db"
    assert sqlite_location("sqlite:////srv/news.db") == "/srv/news.db"
    assert sqlite_location("news.db") == "news.db"
    assert sqlite_location(":memory:") == sqlite_location("sqlite://") == ":memory:"
    with pytest.raises(StoreError, match="PostgreSQL is not supported yet"):
        open_store("postgresql://localhost/news")
    with pytest.raises(StoreError, match="three slashes"):
        sqlite_location("sqlite://news.db")


def test_file_store_settings_and_reopening(tmp_path):
    path = tmp_path / "news.db"
    with open_store(f"sqlite:///{path}") as store:
        store.add_articles([make_pair(1)])
        pragmas = [store.conn.execute(f"PRAGMA {name}").fetchone()[0]
                   for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout",
                                "cache_size", "wal_autocheckpoint")]
        assert pragmas == ["wal", 1, 1, 30000, -65536, 16384]
    with pytest.raises(StoreError, match="closed"):
        store.count_articles()
    with open_store(path) as store:
        assert store.count_articles() == 1


def test_migrations_are_idempotent(tmp_path):
    path = tmp_path / "news.db"
    open_store(path).close()
    open_store(path).close()
    conn = sqlite3.connect(path, isolation_level=None)
    assert [r[0] for r in conn.execute("SELECT name FROM _migrations")] == [
        name for name, _ in MIGRATIONS]
    assert apply_migrations(conn, str(path)) == []
    conn.close()


def test_a_database_from_a_newer_version_is_refused(tmp_path):
    path = tmp_path / "news.db"
    open_store(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO _migrations VALUES ('m999_from_the_future', '2030-01-01')")
    conn.close()
    with pytest.raises(MigrationError, match="upgrade Storyline") as excinfo:
        open_store(path)
    assert "m999_from_the_future" in str(excinfo.value)


def test_files_that_are_not_storyline_databases(tmp_path):
    text_file = tmp_path / "notes.db"
    text_file.write_text("just some notes, long enough to have a header\n")
    with pytest.raises(StoreError, match="not a Storyline database") as excinfo:
        open_store(text_file)
    assert str(text_file) in str(excinfo.value)
    other_app = tmp_path / "other.db"
    with sqlite3.connect(other_app) as conn:
        conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.close()
    with pytest.raises(StoreError, match="recipes"):
        open_store(other_app)


def test_a_missing_folder_is_not_created(tmp_path, monkeypatch):
    target = tmp_path / "nowhere" / "news.db"
    with pytest.raises(StoreError, match="folder .*nowhere does not exist"):
        open_store(target)
    assert not target.parent.exists()
    monkeypatch.chdir(tmp_path)  # where there is no ./tmp, but there is a /tmp
    with pytest.raises(StoreError, match="write sqlite:////tmp/news.db"):
        open_store("sqlite:///tmp/news.db")


# -- property ---------------------------------------------------------------------------

optional_text = st.none() | st.text(max_size=30)
text_tuple = st.lists(st.text(max_size=12), max_size=4).map(tuple)
removals = st.lists(
    st.builds(Removal, st.integers(0, 10**9), st.integers(0, 10**9),
              st.sampled_from(sorted(REMOVAL_REASONS)), st.text(max_size=30)),
    max_size=4).map(tuple)
raw_documents = st.builds(
    RawDocument, origin=st.text(max_size=30), body=st.text(max_size=200),
    kind=st.sampled_from(["text", "html"]), encoding=st.text(min_size=1, max_size=12),
    hints=st.dictionaries(st.sampled_from(HINT_KEYS) | st.text(max_size=8),
                          st.text(max_size=20), max_size=3))
articles = st.builds(
    Article, article_id=st.text(min_size=1, max_size=40), origin=st.text(max_size=30),
    text=st.text(max_size=200), extracted=st.text(max_size=200), title=optional_text,
    subtitle=optional_text, published=optional_text, date_source=optional_text,
    outlet=optional_text, outlet_source=optional_text, url=optional_text,
    language=optional_text, paragraph_languages=text_tuple, wire_agencies=text_tuple,
    credits=text_tuple, removals=removals, kind=st.sampled_from(["text", "html"]),
    encoding=st.text(min_size=1, max_size=12))


@settings(deadline=None)
@given(raw=raw_documents, article=articles)
def test_any_article_round_trips(raw, article):
    with open_store(":memory:") as store:
        assert store.add_articles([(raw, article)]) == 1
        assert store.article(article.article_id) == article
        assert store.raw_document(article.article_id) == raw
        assert list(store.iter_articles()) == [article]


# -- kill safety ------------------------------------------------------------------------

WRITER = """
import sys, types
# Load only the store, not storyline/__init__.py and the whole pipeline behind it: the
# writer starts fast and the test does not depend on the other stages.
package = types.ModuleType("storyline")
package.__path__ = [sys.argv[1] + "/storyline"]
sys.modules["storyline"] = package
from storyline.store import open_store
from storyline.types import Article, RawDocument, Removal

database, total, batch = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
filler = "lorem ipsum dolor " * 300

def pair(n):
    body = f"document {n}\\n\\n{filler}"
    raw = RawDocument(origin=f"doc-{n}.txt", body=body)
    removals = tuple(Removal(i, i + 1, "appeal", body[i]) for i in range(n % 4))
    return raw, Article(raw.content_hash, raw.origin, text=body, extracted=body,
                        title=str(n % 4), removals=removals)

with open_store(database) as store:
    added = 0
    for start in range(0, total, batch):
        print("writing", start // batch, flush=True)
        added += store.add_articles([pair(n) for n in range(start, start + batch)])
    print("added", added, flush=True)
"""
KILL_TOTAL, KILL_BATCH = 1200, 40


def start_writer(path: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(REPO), str(path), str(KILL_TOTAL), str(KILL_BATCH)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def assert_whole_batches_only(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn.close()
    with open_store(path) as store:
        stored = list(store.iter_articles(batch=100))
        for article in stored:
            assert store.raw_document(article.article_id) is not None
            assert len(article.removals) == int(article.title), article.origin
        assert store.stats()["raw_documents"] == len(stored)
    assert len(stored) % KILL_BATCH == 0, "a batch was stored in part"
    return len(stored)


def kill_while_writing(path: Path, batch_number: int, delay: float) -> None:
    """Start a writer and SIGKILL it ``delay`` seconds after it starts that batch."""
    writer = start_writer(path)
    for line in writer.stdout:
        if line.split() == ["writing", str(batch_number)]:
            break
    else:
        pytest.fail(f"the writer ended before batch {batch_number}: {writer.stderr.read()}")
    time.sleep(delay)
    os.kill(writer.pid, signal.SIGKILL)
    writer.communicate()


def test_killed_writer_leaves_whole_batches_only(tmp_path):
    path = tmp_path / "killed.db"
    rng = random.Random()
    stored = 0
    for _ in range(5):
        # Each writer redoes the stored batches (no-ops), then is killed a little way
        # into a later one, mostly in the middle of its transaction.
        batch_number = stored // KILL_BATCH + rng.randint(0, 4)
        delay = rng.uniform(0, 0.03)
        kill_while_writing(path, batch_number, delay)
        stored = assert_whole_batches_only(path)
        assert stored < KILL_TOTAL
        assert stored >= batch_number * KILL_BATCH, "a committed batch was lost"
    for expected_added in (KILL_TOTAL - stored, 0):
        writer = start_writer(path)
        out, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err
        assert out.split()[-2:] == ["added", str(expected_added)]
    assert assert_whole_batches_only(path) == KILL_TOTAL
