"""Migration m004_search: full-text indexes, front-page rank and the change counter stay
true to the tables through every write (add, re-clean, story moves and merges, a batch
re-cluster), and an older database gets them for the data it already holds."""

from __future__ import annotations

from dataclasses import replace

import pytest

from storyline.store import StoryRow, open_store
from storyline.store.migrations import MIGRATIONS
from storyline.store.sqlite_search import match_expression, split_marked
from storyline.types import Article, RawDocument


def _pair(n: int, title: str, text: str, *, language: str = "en", outlet: str = "Desk",
          published: str = "2024-06-01") -> tuple[RawDocument, Article]:
    raw = RawDocument(origin=f"t{n}.txt", body=f"{title}\n\n{text}")
    article = Article(article_id=raw.content_hash, origin=raw.origin, text=text,
                      extracted=f"{title}\n\n{text}", title=title, published=published,
                      outlet=outlet, language=language)
    return raw, article


def _story(store, story_id: str, article_ids: list[str]) -> None:
    store.save_story_updates([StoryRow(story_id, len(article_ids), None, None, b"")],
                             [(a, story_id, 1.0) for a in article_ids], [])


@pytest.fixture
def stocked(fresh_store):
    pairs = [_pair(1, "Bridge collapses in Drevnogorsk", "The span fell into the river."),
             _pair(2, "Мост обрушился", "Пролёт упал в реку Вела.", language="ru",
                   outlet="Вестник", published="2024-06-02"),
             _pair(3, "Dockers strike in Valmora", "Ships wait outside the harbour.",
                   published="2024-06-05")]
    fresh_store.add_articles(pairs)
    ids = [article.article_id for _, article in pairs]
    _story(fresh_store, "s-bridge", ids[:2])
    _story(fresh_store, "s-strike", ids[2:])
    return fresh_store, ids, pairs


def test_articles_are_searchable_as_soon_as_stored(stocked):
    store, ids, _ = stocked
    hits = store.search("collapse").articles  # stemmed: "collapses" matches
    assert [h.head.article_id for h in hits] == [ids[0]]
    assert hits[0].head.story_id == "s-bridge"
    assert hits[0].title.text[slice(*hits[0].title.matches[0])] == "collapses"
    assert [h.head.article_id for h in store.search("мост").articles] == [ids[1]]
    assert store.search("bridge", language="ru").articles == []
    assert store.search("nothing-like-this").total == 0


def test_recleaned_text_replaces_the_indexed_text(stocked):
    store, ids, pairs = stocked
    article = pairs[2][1]
    store.replace_cleaning([replace(article, text="Tankers anchored off the breakwater.")])
    assert store.search("harbour").total == 0
    assert [h.head.article_id for h in store.search("tankers").articles] == [ids[2]]


def test_story_titles_follow_their_members(stocked):
    store, ids, _ = stocked
    assert [h.story_id for h in store.search("dockers").stories] == ["s-strike"]
    store.save_story_updates([], [(ids[2], "s-bridge", 1.0)], ["s-strike"])  # a merge
    assert [h.story_id for h in store.search("dockers").stories] == ["s-bridge"]


def test_change_counter_grows_with_every_story_change(stocked):
    store, ids, _ = stocked
    first = store.changes(0)
    assert first.count == 2 and set(first.story_ids) == {"s-bridge", "s-strike"}
    store.save_story_updates([], [(ids[2], "s-bridge", 1.0)], ["s-strike"])
    later = store.changes(first.seq)
    assert later.seq > first.seq
    assert later.story_ids == ("s-bridge",) and later.deleted == ("s-strike",)
    assert store.changes(later.seq).count == 0
    store.replace_all_stories([StoryRow("s-all", 3, None, None, b"")],
                              [(a, "s-all", 1.0) for a in ids])
    rebuilt = store.changes(later.seq)
    assert "s-all" in rebuilt.story_ids and set(rebuilt.deleted) == {"s-bridge"}


def test_rank_rewards_recency_and_coverage(stocked):
    store, _, _ = stocked
    listed = {s.story_id: s for s in store.story_listings(limit=10)}
    # s-bridge: 2 outlets, 2 languages (c = 2, bonus 1.2 days), last seen 2024-06-02;
    # s-strike: one outlet, one language, last seen 2024-06-05: newer wins by 1.8 days.
    assert [s.story_id for s in store.story_listings(limit=10)] == ["s-strike", "s-bridge"]
    assert listed["s-strike"].rank - listed["s-bridge"].rank == pytest.approx(3 - 1.2)
    assert listed["s-bridge"].headline == "Bridge collapses in Drevnogorsk"
    assert listed["s-bridge"].days == (("2024-06-01", 1), ("2024-06-02", 1))


def test_listing_a_subset_keeps_the_order_and_filters(stocked):
    store, _, _ = stocked
    subset = store.story_listings(story_ids=["s-bridge", "s-strike", "unknown"], order="size")
    assert [s.story_id for s in subset] == ["s-bridge", "s-strike"]
    assert [s.story_id for s in store.story_listings(story_ids=["s-bridge", "s-strike"],
                                                     language="ru")] == ["s-bridge"]


def test_migration_indexes_what_an_older_database_holds(tmp_path, monkeypatch):
    """A database written before m004 (no triggers yet) is searchable, ranked and counted
    once a version with m004 opens it."""
    from storyline.store import sqlite as sqlite_module

    path = str(tmp_path / "before.db")
    original = sqlite_module.apply_migrations
    with monkeypatch.context() as patched:
        patched.setattr(sqlite_module, "apply_migrations",
                        lambda conn, location: original(conn, location, MIGRATIONS[:2]))
        with open_store(path) as store:
            raw, article = _pair(1, "Harbour strike ends", "Work resumed at dawn.")
            store.add_articles([(raw, article)])
            _story(store, "s-before", [article.article_id])
            tables = {row[0] for row in store.conn.execute("SELECT name FROM sqlite_master")}
            assert "articles_fts" not in tables
    with open_store(path) as store:
        assert store.search("strike").total == 1
        assert [h.story_id for h in store.search("harbour").stories] == ["s-before"]
        assert store.changes(0).story_ids == ("s-before",)
        assert store.story_listings()[0].rank is not None
        store.rebuild_search()  # after a VACUUM: same answers
        assert store.search("strike").total == 1
        assert [h.story_id for h in store.search("harbour").stories] == ["s-before"]


@pytest.mark.parametrize("query, expected", [
    ("bridge", '"bridge"'),
    ("Bridge collapse", '"Bridge" AND "collapse"'),
    ('"road bridge" river', '"road bridge" AND "river"'),
    ("brid*", '"brid"*'),
    ('" AND OR NOT ( ) : ^', '"AND OR NOT"'),  # an unclosed quote runs to the end
    ("AND OR NOT ( ) : ^", '"AND" AND "OR" AND "NOT"'),
    ("'; DROP TABLE articles; --", '"DROP" AND "TABLE" AND "articles"'),
    ("", None), ("***", None), ('""', None),
])
def test_queries_become_quoted_terms(query, expected):
    assert match_expression(query) == expected


def test_every_match_expression_is_valid_fts5(fresh_store):
    for query in ['"', "a\"b", "NEAR(x y", "x OR", "-x", "x:y", "мост*", "(x", "*x", "x**"]:
        expression = match_expression(query)
        if expression:
            fresh_store.search(query)  # would raise on a syntax error


def test_split_marked_gives_offsets_into_plain_text():
    snippet = split_marked("a \x02bridge\x03 fell \x02into\x03 …")
    assert snippet.text == "a bridge fell into …"
    assert [snippet.text[a:b] for a, b in snippet.matches] == ["bridge", "into"]
    assert split_marked(None).text == "" and split_marked("\x03odd\x02").matches == ()
