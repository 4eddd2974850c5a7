"""In a real browser (Debian's Chromium through Playwright): a page left open learns about
stories that ``storyline watch`` updated, without a reload; the feeds open and list them.

The server, browser page and screenshots come from ``conftest.py``; here ``storyline
watch`` fills the served database from a folder, as a monitoring team would run it.
Screenshots: docs/screenshots/live-*.png.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import feedparser
import pytest
from playwright.sync_api import expect

FIRST = ("title: Port Vesna dock workers walk out\ndate: 2024-06-10\nsource: Harbour Gazette\n\n"
         "Dock workers in Port Vesna walked off the job on Monday, halting cargo traffic at "
         "the country's largest harbour, the union said.\n\nThe strike will last until wages "
         "are raised, union leader Ana Brel told reporters.\n")
LATER = ("title: Fire destroys grain warehouse in Kalder <script>alert(1)</script>\n"
         "date: 2024-06-11\nsource: Kalder <b>Courier</b>\n\n"
         "A warehouse fire in Kalder destroyed stocks of grain overnight, the regional fire "
         "brigade said on Tuesday.\n\nTwo workers were treated for smoke; the police are "
         "investigating the cause of the fire.\n")
# Cards are built by the watch process (as by default), so feeds show card headlines and
# summaries; polling every second lets the open page notice the change quickly.
SETTINGS = {"poll_seconds": 1, "watch_settle_seconds": 0}


def _watch_once(inbox: Path, db: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, **{f"STORYLINE_{k.upper()}": str(v) for k, v in SETTINGS.items()}}
    return subprocess.run([sys.executable, "-m", "storyline", "watch", str(inbox), "--db",
                           str(db), "--once"], env=env, capture_output=True, text=True,
                          timeout=300)


@pytest.fixture
def watched_site(tmp_path, start_server):
    """A server on a database that ``storyline watch`` filled from ``inbox``."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "strike.txt").write_text(FIRST, encoding="utf-8")
    first = _watch_once(inbox, tmp_path / "live.db")
    assert first.returncode == 0, first.stderr
    with start_server(tmp_path / "live.db", **SETTINGS) as server:
        yield server, inbox


def test_watch_updates_an_open_page_and_the_feeds_show_it(watched_site, page, screenshot):
    server, inbox = watched_site
    page.goto(server.url + "/")
    live = page.locator("#live")
    expect(live).to_be_hidden()
    expect(page.locator("ol.stories li.story")).to_have_count(1)

    (inbox / "fire.txt").write_text(LATER, encoding="utf-8")
    watched = _watch_once(inbox, server.db)
    assert watched.returncode == 0, watched.stderr
    assert "1 new" in watched.stdout, watched.stdout

    expect(live).to_be_visible(timeout=15_000)  # no reload: the page polled the server
    expect(page.locator("#live-text")).to_have_text(re.compile(r"\d+ stor(y|ies) updated"))
    assert page.evaluate("performance.getEntriesByType('navigation').length") == 1
    screenshot(page, "live-update")
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.click("#live-show")
    expect(page.locator("ol.stories li.story")).to_have_count(2)
    expect(page.locator("ol.stories a.headline", has_text="Kalder")).to_have_count(1)
    expect(live).to_be_hidden()
    screenshot(page, "live-after-show")

    response = page.goto(f"{server.url}/feeds/stories.atom")
    assert response.status == 200 and "atom+xml" in response.headers["content-type"]
    text = page.locator("body").inner_text()
    assert "Kalder" in text and "Port Vesna" in text and "urn:storyline:story:" in text
    screenshot(page, "live-feed")
    assert dialogs == []  # the <script> in the article never ran
    _check_feeds_as_a_reader_sees_them(server.url)


def _check_feeds_as_a_reader_sees_them(url: str) -> None:
    """Both feeds over HTTP, as a feed reader fetches them: newest story first, card
    headlines, summaries, links to story pages that open, dates."""
    with urllib.request.urlopen(f"{url}/feeds/stories.atom") as response:
        atom = feedparser.parse(response.read())
    assert not atom.bozo, atom.get("bozo_exception")
    assert [e.title for e in atom.entries][0].startswith("Fire destroys grain warehouse")
    assert "<script>alert(1)</script>" in atom.entries[0].title  # text, shown as typed
    for entry in atom.entries:
        assert entry.summary and entry.updated and entry.published
        with urllib.request.urlopen(entry.link) as story_page:
            assert story_page.status == 200
    with urllib.request.urlopen(f"{url}/feeds/stories.json") as response:
        assert response.headers["content-type"].startswith("application/feed+json")
        items = json.loads(response.read())["items"]
    assert [item["title"] for item in items] == [e.title for e in atom.entries]
    assert [item["url"] for item in items] == [e.link for e in atom.entries]
