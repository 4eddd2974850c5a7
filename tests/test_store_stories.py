"""The story engine's part of the store: features, dedup, links, stories, DF, migration."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.errors import StoreError, UserError
from storyline.store import FeatureRow, StoryRow, open_store
from storyline.store import codec
from storyline.store.filters import StoryFilter
from storyline.store.migrations import MIGRATIONS, apply_migrations
from storyline.store.sqlite_stories import STORY_ORDER_BY
from storyline.store.story_read import duplicate_groups
from storyline.store.story_write import MEMBERS_WITH_ARTICLES
from storyline.types import Article, RawDocument


def make_pair(name: str, published: str | None = None, outlet: str | None = None,
              language: str | None = None) -> tuple[RawDocument, Article]:
    """A tiny article whose id is ``name`` (readable in assertions)."""
    raw = RawDocument(origin=f"news/{name}.txt", body=f"Body of {name}.")
    article = Article(article_id=name, origin=raw.origin, text=f"Body of {name}.",
                      extracted=raw.body, published=published, outlet=outlet,
                      language=language)
    return raw, article


def add(store, *specs) -> None:
    """Store articles given as ``(id, published, outlet, language)``."""
    store.add_articles([make_pair(*spec) for spec in specs])


def row(story_id: str, size: int, state: bytes = b"state") -> StoryRow:
    return StoryRow(story_id, size, 19857.0, 19858.5, state)


@pytest.fixture
def news(fresh_store):
    """Seven articles over three days, two languages, outlets in two spellings."""
    add(fresh_store,
        ("a1", "2024-05-14T09:30:00+02:00", "El País", "es"),
        ("a2", "2024-05-13", "EL PAÍS", "es"),
        ("a3", "2024-05-15T08:00:00", "Reuters", "en"),
        ("a4", None, "Reuters", "en"),
        ("b1", "2024-05-20", "BBC", "en"),
        ("b2", "2024-05-21T10:00:00", "BBC", "en"),
        ("c1", None, None, None))
    return fresh_store


# -- features ---------------------------------------------------------------------------


def test_features_round_trip_upsert_and_iterate_in_id_order(fresh_store):
    rows = [FeatureRow(f"id{n:02d}", 19857.0 + n, bytes([n]) * 8, b"lex", b"")
            for n in range(12, -1, -1)]
    fresh_store.save_features(rows)
    fresh_store.save_features([FeatureRow("id03", None, b"new", b"x", b"y")])
    found = fresh_store.features(["id03", "id05", "missing"])
    assert found == {"id03": FeatureRow("id03", None, b"new", b"x", b"y"),
                     "id05": rows[12 - 5]}
    listed = list(fresh_store.iter_features(batch=5))
    assert [r.article_id for r in listed] == [f"id{n:02d}" for n in range(13)]
    assert listed[5] == rows[12 - 5] and isinstance(listed[5].dense, bytes)
    with pytest.raises(UserError):
        next(fresh_store.iter_features(batch=0))


def test_featured_articles_are_found_by_day_without_reading_their_features(fresh_store):
    assert not fresh_store.has_features()
    fresh_store.save_features([FeatureRow(f"id{n:02d}", 19857.0 + n, b"d", b"l", b"n") for n in range(6)]
                              + [FeatureRow("undated", None, b"d", b"l", b"n")])
    assert fresh_store.has_features()
    assert fresh_store.featured_between(19858.0, 19860.0) == ["id01", "id02", "id03"]
    assert fresh_store.featured_between(19860.5, float("inf")) == ["id04", "id05"]
    assert len(fresh_store.featured_between(float("-inf"), float("inf"))) == 6  # the undated one is left out


feature_rows = st.builds(
    FeatureRow, article_id=st.text(min_size=1, max_size=20),
    day=st.none() | st.floats(allow_nan=False), dense=st.binary(max_size=300),
    lexical=st.binary(max_size=100), names=st.binary(max_size=100),
    language=st.none() | st.sampled_from(["en", "es", "ru"]), numbers=st.binary(max_size=50))


@settings(deadline=None, max_examples=60)
@given(rows=st.lists(feature_rows, max_size=5, unique_by=lambda r: r.article_id))
def test_any_feature_rows_round_trip(rows):
    with open_store(":memory:") as store:
        store.save_features(rows)
        assert store.features(r.article_id for r in rows) == {r.article_id: r for r in rows}
        assert list(store.iter_features(batch=2)) == sorted(rows, key=lambda r: r.article_id)


def test_features_keep_the_language_and_numbers(fresh_store):
    fresh_store.save_features([FeatureRow("a", 1.0, b"d", b"l", b"n", "de", b"123")])
    assert fresh_store.features(["a"])["a"].language == "de"
    assert fresh_store.features(["a"])["a"].numbers == b"123"


# -- dedup and duplicate links ----------------------------------------------------------


def test_dedup_candidates_signatures_and_saving_again(fresh_store):
    fresh_store.save_dedup([("a", "exact1", b"sig-a", ["b0:1", "b1:2"]),
                            ("b", "exact2", b"sig-b", ["b0:1", "b1:9"]),
                            ("c", "exact1", b"sig-c", ["b0:7"])])
    assert fresh_store.dedup_candidates("exact1", []) == {"a", "c"}
    assert fresh_store.dedup_candidates("none", ["b0:1"]) == {"a", "b"}
    assert fresh_store.dedup_candidates("exact2", ["b0:7", "b1:2"]) == {"a", "b", "c"}
    assert fresh_store.dedup_candidates("none", ["nothing"]) == set()
    # Saving an article again replaces its key, signature and bands.
    fresh_store.save_dedup([("a", "exact3", b"sig-a2", ["b1:5"])])
    fresh_store.save_dedup([("a", "exact3", b"sig-a2", ["b1:5"])])
    assert fresh_store.dedup_candidates("exact1", ["b0:1"]) == {"b", "c"}
    assert fresh_store.dedup_candidates("x", ["b1:5"]) == {"a"}
    assert fresh_store.signatures(["a", "c", "zz"]) == {"a": ("exact3", b"sig-a2"),
                                                        "c": ("exact1", b"sig-c")}


def test_duplicate_links_are_stored_once_per_pair(fresh_store):
    fresh_store.add_duplicate_links([("b", "a", "near", 0.91, "minhash 0.91"),
                                     ("a", "c", "exact", 1.0, "same text")])
    fresh_store.add_duplicate_links([("a", "b", "near", 0.91, "minhash 0.91")])
    assert fresh_store.duplicate_links() == [("a", "b", "near", 0.91, "minhash 0.91"),
                                             ("a", "c", "exact", 1.0, "same text")]
    fresh_store.add_duplicate_links([("b", "a", "exact", 1.0, "same text")])  # latest wins
    assert fresh_store.duplicate_links(["b"]) == [("a", "b", "exact", 1.0, "same text")]
    assert len(fresh_store.duplicate_links(["c", "b"])) == 2
    assert fresh_store.duplicate_links(["zz"]) == []
    with pytest.raises(ValueError, match="twice"):
        fresh_store.add_duplicate_links([("d", "e", "near", 0.9, ""), ("d", "d", "x", 1, "")])
    assert len(fresh_store.duplicate_links()) == 2  # nothing of the failed call


# -- document frequencies -----------------------------------------------------------------


def test_document_frequencies_accumulate(fresh_store):
    assert fresh_store.df_load() == ({}, 0)
    fresh_store.df_update({1: 2, -7: 1, 2**40: 1}, documents=2)
    fresh_store.df_update({1: 1, 5: 3}, documents=3)
    assert fresh_store.df_load() == ({1: 3, -7: 1, 2**40: 1, 5: 3}, 5)


# -- stories: writing -------------------------------------------------------------------


def test_story_rows_membership_and_derived_fields(news):
    news.save_story_updates(
        [row("s-one", 4, b"\x00\x01state"), row("s-two", 2)],
        [("a1", "s-one", 0.9), ("a2", "s-one", 0.8), ("a3", "s-one", 0.7),
         ("a4", "s-one", 0.6), ("b1", "s-two", 1.0), ("b2", "s-two", 0.5)], [])
    assert news.story_states() == {"s-one": row("s-one", 4, b"\x00\x01state"),
                                   "s-two": row("s-two", 2)}
    assert news.story_states_for(["s-two", "nope"]) == {"s-two": row("s-two", 2)}
    assert news.story_of(["a1", "b2", "c1"]) == {"a1": "s-one", "b2": "s-two"}
    assert news.unassigned_article_ids() == ["c1"]
    story = news.story("s-one")
    assert story.article_ids == ("a2", "a1", "a3", "a4")  # by date, undated last
    assert (story.first_seen, story.last_seen) == ("2024-05-13", "2024-05-15T08:00:00")
    assert story.languages == ("en", "es")  # two each: by code
    assert story.outlets == ("EL PAÍS", "Reuters")  # case-folded together, two each
    assert story.duplicate_groups == () and story.size == 4
    assert news.story("s-none") is None


def test_languages_and_outlets_are_most_frequent_first(news):
    news.save_story_updates([row("s", 5)], [(a, "s", 1.0) for a in
                                            ("a1", "a3", "a4", "b1", "b2")], [])
    story = news.story("s")
    assert story.languages == ("en", "es")
    assert story.outlets == ("BBC", "Reuters", "El País")  # 2, 2 (by name), then 1


def test_a_merge_moves_members_and_deletes_the_old_story(news):
    news.save_story_updates([row("s-a", 2), row("s-b", 2)],
                            [("a1", "s-a", 1.0), ("a2", "s-a", 1.0),
                             ("b1", "s-b", 1.0), ("b2", "s-b", 1.0)], [])
    news.save_story_updates([row("s-a", 4, b"merged")],
                            [("b1", "s-a", 0.4), ("b2", "s-a", 0.3)], ["s-b"])
    assert set(news.story_states()) == {"s-a"}
    merged = news.story("s-a")
    assert merged.article_ids == ("a2", "a1", "b1", "b2")
    assert merged.last_seen == "2024-05-21T10:00:00" and merged.outlets[0] == "BBC"
    assert news.story("s-b") is None and news.story_of(["b1"]) == {"b1": "s-a"}
    assert news.stats()["story_sizes"] == {"1": 0, "2-5": 1, "6-20": 0, ">20": 0}


def test_story_members_lists_each_story_s_articles(news):
    news.save_story_updates([row("s-a", 2), row("s-b", 1)],
                            [("a2", "s-a", 1.0), ("a1", "s-a", 1.0), ("b1", "s-b", 1.0)], [])
    assert news.story_members(["s-a", "s-b", "nope"]) == {"s-a": ["a1", "a2"], "s-b": ["b1"]}


def test_the_story_an_article_leaves_is_recomputed(news):
    news.save_story_updates([row("s-a", 3)], [("a1", "s-a", 1.0), ("a2", "s-a", 1.0),
                                              ("a3", "s-a", 1.0)], [])
    news.save_story_updates([row("s-new", 1)], [("a3", "s-new", 1.0)], [])
    left = news.story("s-a")
    assert left.article_ids == ("a2", "a1") and left.languages == ("es",)
    assert news.story_states()["s-a"].size == 2
    assert news.story("s-new").last_seen == "2024-05-15T08:00:00"


def test_a_wrong_size_from_the_clusterer_is_logged_and_members_win(news, caplog):
    news.save_story_updates([row("s", 5)], [("a1", "s", 1.0), ("a2", "s", 1.0)], [])
    assert news.story_states()["s"].size == 2
    assert "s has 2 members, its StoryRow says 5" in caplog.text


def snapshot(store):
    return (store.story_states(), store.story_of(["a1", "a2", "b1", "b2"]),
            store.stories(min_size=0), store.stats()["story_sizes"])


@pytest.mark.parametrize("members, deleted, message", [
    # Fails at the membership insert, after the story rows were upserted.
    ([("b1", "s-a", 0.5), ("b2", "s-a", None)], ["s-b"], "NOT NULL"),
    # Fails at the delete: b2 would be left in a story that no longer exists.
    ([("b1", "s-a", 0.5)], ["s-b"], "cannot delete story s-b: 1 articles"),
    ([("b1", "s-a", 0.5), ("zz", "s-a", 0.5)], ["s-b"], "not stored .*zz"),
    ([("b1", "s-a", 0.5), ("b2", "s-ghost", 0.5)], [], "unknown stories .*s-ghost"),
])
def test_a_failing_merge_changes_nothing(news, members, deleted, message):
    news.save_story_updates([row("s-a", 2), row("s-b", 2)],
                            [("a1", "s-a", 1.0), ("a2", "s-a", 1.0),
                             ("b1", "s-b", 1.0), ("b2", "s-b", 1.0)], [])
    before = snapshot(news)
    with pytest.raises(StoreError, match=message):
        news.save_story_updates([row("s-a", 4, b"merged"), row("s-c", 0)], members, deleted)
    assert snapshot(news) == before
    assert news.story_states()["s-a"].state == b"state"


def test_replace_all_stories_replaces_everything(news):
    news.save_story_updates([row("old", 3)], [(a, "old", 1.0) for a in ("a1", "a2", "c1")],
                            [])
    news.add_duplicate_links([("a1", "a2", "exact", 1.0, "same")])
    news.replace_all_stories([row("x", 2), row("y", 1)],
                             [("a1", "x", 1.0), ("a2", "x", 1.0), ("b1", "y", 1.0)])
    assert set(news.story_states()) == {"x", "y"}
    assert news.story_of(["a1", "c1", "b1"]) == {"a1": "x", "b1": "y"}
    assert news.unassigned_article_ids() == ["a3", "b2", "a4", "c1"]
    assert news.story("x").duplicate_groups == (("a2", "a1"),)
    assert news.count_stories() == 2 and news.stats()["stories"] == 2
    with pytest.raises(StoreError, match="unknown stories"):
        news.replace_all_stories([row("z", 1)], [("a1", "nowhere", 1.0)])
    assert set(news.story_states()) == {"x", "y"}


def test_replacing_all_stories_leaves_a_story_that_comes_back_whole_unchanged(news):
    """Batch re-clustering hands every story back: one with the same id and the same
    members keeps its update time (and so its card; a new state is still written), one
    whose members changed is updated, and one that is gone is deleted."""
    news.save_story_updates([row("kept", 2), row("grown", 1), row("gone", 1)],
                            [("a1", "kept", 1.0), ("a2", "kept", 1.0), ("b1", "grown", 1.0),
                             ("c1", "gone", 1.0)], [])
    before = {u.story.story_id: u.updated_at for u in news.story_updates()}
    since = codec.now_iso()
    news.replace_all_stories([row("kept", 2, b"new state"), row("grown", 3)],
                             [("a1", "kept", 1.0), ("a2", "kept", 1.0), ("b1", "grown", 1.0),
                              ("b2", "grown", 1.0), ("c1", "grown", 1.0)])
    after = {u.story.story_id: u.updated_at for u in news.story_updates()}
    assert after["kept"] == before["kept"] < since <= after["grown"]
    assert "gone" not in after and news.count_stories_updated_since(since) == 1
    assert news.story_states()["kept"].state == b"new state"
    assert news.story("grown").article_ids == ("b1", "b2", "c1") and news.story("grown").size == 3
    # an article left out of every story is in none (not kept in a story that is gone)
    news.replace_all_stories([row("kept", 2)], [("a1", "kept", 1.0), ("a2", "kept", 1.0)])
    assert set(news.story_states()) == {"kept"} and news.story_of(["b1", "c1"]) == {}


def test_duplicate_groups_in_publication_order(news):
    members = ["a1", "a2", "a3", "a4", "b1", "b2"]
    news.save_story_updates([row("s", 6), row("t", 1)],
                            [(a, "s", 1.0) for a in members] + [("c1", "t", 1.0)], [])
    news.add_duplicate_links([
        ("b2", "a4", "near", 0.9, ""), ("a4", "a1", "near", 0.9, ""),  # chain b2-a4-a1
        ("b1", "a3", "exact", 1.0, ""),
        ("a2", "c1", "exact", 1.0, "")])  # c1 is in another story: not a group here
    story = news.story("s")
    assert story.article_ids == ("a2", "a1", "a3", "b1", "b2", "a4")
    assert story.duplicate_groups == (("a1", "b2", "a4"), ("a3", "b1"))
    assert story.independent_reports == 3
    assert news.story("t").duplicate_groups == ()


def test_duplicate_groups_function():
    members = ["e", "d", "c", "b", "a"]
    assert duplicate_groups(members, [("a", "c"), ("b", "zz"), ("e", "a")]) == (
        ("e", "c", "a"),)
    assert duplicate_groups(members, []) == ()


# -- stories: listing -------------------------------------------------------------------


@pytest.fixture
def listed(news):
    """s-es: a1 a2 (05-13..05-14, es); s-mix: a3 a4 b1 (05-15..05-20, en);
    s-b2: b2 (05-21, en); s-undated: c1."""
    news.save_story_updates(
        [row("s-es", 2), row("s-mix", 3), row("s-b2", 1), row("s-undated", 1)],
        [("a1", "s-es", 1.0), ("a2", "s-es", 1.0), ("a3", "s-mix", 1.0),
         ("a4", "s-mix", 1.0), ("b1", "s-mix", 1.0), ("b2", "s-b2", 1.0),
         ("c1", "s-undated", 1.0)], [])
    return news


def ids(stories):
    return [story.story_id for story in stories]


def test_story_order_and_pagination(listed):
    assert ids(listed.stories()) == ["s-b2", "s-mix", "s-es", "s-undated"]
    assert ids(listed.stories(order="size")) == ["s-mix", "s-es", "s-b2", "s-undated"]
    pages = [listed.stories(limit=3, offset=0), listed.stories(limit=3, offset=3)]
    assert [s for page in pages for s in page] == listed.stories()
    with pytest.raises(UserError, match="order"):
        listed.stories(order="random")


def test_story_filters(listed):
    def both(**filters):
        found = ids(listed.stories(**filters))
        assert listed.count_stories(**filters) == len(found)
        return found

    assert both(since="2024-05-15", until="2024-05-15") == ["s-mix"]
    assert both(since="2024-05-14") == ["s-b2", "s-mix", "s-es"]  # s-es ends on the 14th
    assert both(until="2024-05-13") == ["s-es"]
    assert both(until="2024-05-14T09:00") == ["s-es"]
    assert both(language="ES") == ["s-es"]
    assert both(outlet="el país") == ["s-es"]
    assert both(outlet="reuters", language="en") == ["s-mix"]
    assert both(outlet="BBC", since="2024-05-21") == ["s-b2"]
    assert both(min_size=2) == ["s-mix", "s-es"]
    assert both(outlet="nobody") == []
    with pytest.raises(UserError, match="not a date"):
        listed.stories(since="15/05/2024")


def test_story_by_unique_prefix(fresh_store):
    add(fresh_store, ("x1", None, None, None), ("x2", None, None, None))
    fresh_store.save_story_updates([row("abcdef01", 1), row("abcdef02", 1)],
                                   [("x1", "abcdef01", 1.0), ("x2", "abcdef02", 1.0)], [])
    assert fresh_store.story("abcdef01").article_ids == ("x1",)
    assert fresh_store.story(" abcdef02 ").article_ids == ("x2",)
    assert fresh_store.story("abcde") is None  # too short to be a prefix
    with pytest.raises(UserError, match="ambiguous") as excinfo:
        fresh_store.story("abcdef")
    assert "abcdef01" in str(excinfo.value) and "abcdef02" in str(excinfo.value)


def test_listings_walk_an_order_index_and_members_skip_article_rows(listed):
    def plan(sql, params=()):
        return " ".join(r[3] for r in listed.conn.execute("EXPLAIN QUERY PLAN " + sql, params))

    for order, index in (("recent", "stories_recent"), ("size", "stories_size")):
        for filters in ({}, {"language": "en"}, {"outlet": "bbc", "since": "2024-05-01"}):
            where, params = StoryFilter(**filters).where()
            found = plan(f"SELECT story_id FROM stories {where} ORDER BY "
                         f"{STORY_ORDER_BY[order]} LIMIT 50", params)
            assert index in found and "TEMP B-TREE" not in found, (order, filters, found)
    members = plan(f"SELECT m.article_id, a.published FROM {MEMBERS_WITH_ARTICLES} "
                   "WHERE m.story_id = ?", ("s",))
    assert "COVERING INDEX story_members_story" in members
    assert "COVERING INDEX articles_story_fields" in members


def test_stats_keep_their_keys_and_add_stories(listed):
    stats = listed.stats()
    assert stats["articles"] == 7 and stats["outlets"]["BBC"] == 2
    assert stats["stories"] == 4
    assert stats["story_sizes"] == {"1": 2, "2-5": 2, "6-20": 0, ">20": 0}


# -- migration --------------------------------------------------------------------------


def test_a_database_from_before_stories_is_migrated(tmp_path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    apply_migrations(conn, str(path), MIGRATIONS[:1])
    raw, article = make_pair("old1", "2024-01-02", "Reuters", "en")
    now = codec.now_iso()
    conn.execute(f"INSERT INTO raw_documents VALUES ({', '.join('?' * 7)})",
                 codec.raw_row(raw, article.article_id, now))
    conn.execute(f"INSERT INTO articles ({', '.join(codec.ARTICLE_COLUMNS)}) VALUES "
                 f"({', '.join('?' * len(codec.ARTICLE_COLUMNS))})",
                 codec.article_row(article, now, now))
    conn.close()
    with open_store(path) as store:
        applied = [r[0] for r in store.conn.execute("SELECT name FROM _migrations")]
        assert applied == [name for name, _ in MIGRATIONS]  # every one, in order
        assert store.article("old1") == article
        assert store.unassigned_article_ids() == ["old1"]
        store.save_story_updates([row("s1", 1)], [("old1", "s1", 1.0)], [])
    with open_store(path) as store:
        assert store.story("s1").outlets == ("Reuters",)


def test_re_cleaning_an_article_updates_its_story(news):
    news.save_story_updates([row("s", 2)], [("a1", "s", 1.0), ("b1", "s", 1.0)], [])
    _, article = make_pair("a1", "2024-05-10", "Le Monde", "fr")
    assert news.replace_cleaning([article]) == 1
    story = news.story("s")
    assert (story.first_seen, story.article_ids) == ("2024-05-10", ("a1", "b1"))
    assert story.outlets == ("BBC", "Le Monde") and story.languages == ("en", "fr")
    assert news.count_stories(outlet="el país") == 0
