"""Atom and JSON feeds of stories: valid documents that feedparser reads back, newest update
first, card headlines and summaries, text that stays text, and the HTTP routes."""

from __future__ import annotations

import json
from xml.etree import ElementTree

import feedparser
import pytest
from fastapi.testclient import TestClient

from storyline import Engine
from storyline.serve.app import create_app
from storyline.serve.feeds import FeedEntry, FeedInfo, atom_feed, entries_for, json_feed, rfc3339

BASE = "http://testserver/"
NASTY = 'Fire <script>alert("x")</script> & <b>smoke</b>\x00\x1b in “Lumo”'


def _entry(**changes) -> FeedEntry:
    values = dict(story_id="s1", url=f"{BASE}stories/s1", title=NASTY,
                  updated="2026-11-22T10:00:00Z", published="2024-06-03T00:00:00Z", articles=3,
                  independent_reports=2, outlets=("Harbour Gazette", "Global <Desk>"),
                  languages=("en", "es"), summary=("A <i>fire</i> destroyed grain.",))
    values.update(changes)
    return FeedEntry(**values)


def _feed(entries) -> FeedInfo:
    return FeedInfo("Storyline: test", f"{BASE}feeds/stories.atom", BASE, "test", list(entries))


# --------------------------------------------------------------------------- writers

def test_atom_is_valid_xml_and_titles_stay_text():
    body = atom_feed(_feed([_entry()]))
    root = ElementTree.fromstring(body.encode("utf-8"))  # raises on invalid XML
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    assert "<script" not in body and "\x00" not in body and "\x1b" not in body
    parsed = feedparser.parse(body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    entry = parsed.entries[0]
    assert entry.title == NASTY.replace("\x00", "").replace("\x1b", "")
    assert entry.id == "urn:storyline:story:s1" and entry.link == f"{BASE}stories/s1"
    assert entry.updated == "2026-11-22T10:00:00Z"
    assert [(t.term, t.label) for t in entry.tags] == [("en", "English"), ("es", "Spanish")]
    assert "&lt;i&gt;fire&lt;/i&gt;" in entry.content[0].value  # escaped inside the HTML


def test_json_feed_is_version_1_1_and_feedparser_reads_it():
    document = json_feed(_feed([_entry(), _entry(story_id="s2", summary=())]))
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    first, second = document["items"]
    assert first["title"] == NASTY.replace("\x00", "").replace("\x1b", "")  # readers escape it
    assert "<script>" not in first["content_html"] and "&lt;script&gt;" not in first["title"]
    assert "Global &lt;Desk&gt;" in first["content_html"]
    assert first["_storyline"]["independent_reports"] == 2
    assert second["summary"] == ("3 articles (2 independent reports) from 2 outlets, "
                                 "in English and Spanish")
    assert _entry(articles=1, independent_reports=1, outlets=(), languages=("ru",)
                  ).counts == "1 article, in Russian"  # no count that says nothing
    _check_json_feed(json.loads(json.dumps(document)))
    assert [item["id"] for item in document["items"]] == ["urn:storyline:story:s1",
                                                           "urn:storyline:story:s2"]


def _check_json_feed(document: dict) -> None:
    """What JSON Feed 1.1 requires (feedparser 6.0 reads no JSON Feed, so checked here)."""
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    assert isinstance(document["title"], str) and isinstance(document["items"], list)
    for item in document["items"]:
        assert isinstance(item["id"], str) and item["id"]
        assert isinstance(item.get("content_html") or item.get("content_text"), str)
        for key in ("date_published", "date_modified"):
            if key in item:
                assert rfc3339(item[key]) is not None, item[key]
        assert all(key in JSON_FEED_ITEM_KEYS or key.startswith("_") for key in item), item


JSON_FEED_ITEM_KEYS = {"id", "url", "external_url", "title", "content_html", "content_text",
                       "summary", "image", "banner_image", "date_published", "date_modified",
                       "authors", "tags", "language", "attachments"}


def test_an_empty_feed_is_still_valid():
    parsed = feedparser.parse(atom_feed(_feed([])))
    assert not parsed.bozo and parsed.entries == [] and parsed.feed.updated.startswith("1970")


def test_rfc3339():
    assert rfc3339("2024-06-03") == "2024-06-03T00:00:00Z"
    assert rfc3339("2024-06-03T10:15:00+02:00") == "2024-06-03T10:15:00+02:00"
    assert rfc3339("2026-11-22T18:17:47.123456+00:00") == "2026-11-22T18:17:47Z"
    assert rfc3339("June 3rd") is None and rfc3339(None) is None


# --------------------------------------------------------------------------- from the store

def test_demo_feed_lists_stories_newest_update_first_with_cards(demo_db):
    with Engine(db=str(demo_db)) as engine:
        updates = engine.story_updates()
        assert len(updates) == engine.count_stories()
        times = [u.updated_at for u in updates]
        assert times == sorted(times, reverse=True)
        entries = entries_for(engine, BASE)
        cards = {e.story_id: engine.stored_card(e.story_id) for e in entries}
    assert [e.story_id for e in entries] == [u.story.story_id for u in updates]
    with_cards = [e for e in entries if cards[e.story_id]]
    assert with_cards, "the demo ingest builds cards"
    for entry in with_cards:
        assert entry.title == " ".join(cards[entry.story_id].headline.split())
        assert entry.summary  # the card's summary sentences
    parsed = feedparser.parse(atom_feed(_feed(entries)))
    assert not parsed.bozo and len(parsed.entries) == len(entries)


def test_an_update_moves_a_story_to_the_top(db_copy, tmp_path):
    db = db_copy("feed-update.db")
    with Engine(db=str(db), cards=False, watch_settle_seconds=0) as engine:
        last = engine.story_updates()[-1].story
        lead = engine.article(last.article_ids[0])
        follow_up = (f"{lead.title}\n\n{lead.text}\n\nUpdate: officials gave new figures on "
                     "Thursday evening.")
        (tmp_path / "inbox").mkdir()
        (tmp_path / "inbox" / "update.txt").write_text(
            f"date {(lead.published or '2024-06-10')[:10]} {follow_up}", encoding="utf-8")
        report = engine.poll([str(tmp_path / "inbox")])
        assert report.ingest.added == 1 and report.stories_updated >= 1
        top = engine.story_updates(limit=1)[0].story
        assert top.story_id == last.story_id and top.size == last.size + 1  # it joined
        others = [u.story.story_id for u in engine.story_updates()[1:4]]
        among = engine.story_updates(story_ids=[*others, last.story_id])
        assert [u.story.story_id for u in among] == [last.story_id, *others]


# --------------------------------------------------------------------------- HTTP


@pytest.fixture(scope="module")
def client(demo_db):
    with TestClient(create_app({"db": str(demo_db)})) as test_client:
        yield test_client


def test_http_atom_and_json_feeds_with_etag(client):
    atom = client.get("/feeds/stories.atom")
    assert atom.status_code == 200 and atom.headers["content-type"].startswith("application/atom+xml")
    parsed = feedparser.parse(atom.content)
    assert not parsed.bozo and parsed.entries
    assert parsed.entries[0].link.startswith("http://testserver/stories/")
    again = client.get("/feeds/stories.atom", headers={"If-None-Match": atom.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    feed = client.get("/feeds/stories.json")
    assert feed.headers["content-type"].startswith("application/feed+json")
    assert len(feed.json()["items"]) == len(parsed.entries)
    _check_json_feed(feed.json())


def test_http_search_feed_lists_only_matching_stories(client):
    everything = client.get("/feeds/stories.json").json()["items"]
    found = client.get("/feeds/stories.json", params={"q": "Drevnogorsk"}).json()
    assert 1 <= len(found["items"]) < len(everything)
    assert "search?q=Drevnogorsk" in found["home_page_url"]
    assert client.get("/feeds/stories.json", params={"q": "zzzqqqxx"}).json()["items"] == []


def test_http_entity_feed_and_unknown_entity(client, demo_db):
    with Engine(db=str(demo_db)) as engine:
        entity = engine.entities(limit=1)[0]
        expected = {row["story_id"] for row in engine.entity_stories(entity["key"])}
    feed = client.get(f"/feeds/entity/{entity['key']}.json")
    assert feed.status_code == 200
    assert {i["_storyline"]["story_id"] for i in feed.json()["items"]} == expected
    atom = client.get(f"/feeds/entity/{entity['key']}.atom")
    assert not feedparser.parse(atom.content).bozo
    missing = client.get("/feeds/entity/nobody-at-all.atom")
    assert missing.status_code == 404 and "no story involves" in missing.json()["reason"]
    too_long = client.get("/feeds/stories.atom", params={"q": "x" * 600})
    assert too_long.status_code == 422
