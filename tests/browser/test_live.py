"""In a real browser (Debian's Chromium through Playwright): a page left open learns about
stories that ``storyline watch`` updated, without a reload; a feed opens and lists them.

Screenshots go to tests/browser/screenshots/ (live-*.png).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

playwright_api = pytest.importorskip("playwright.sync_api")
pytest.importorskip("storyline.serve.app")  # the web app (issue 5, web half)

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SHOTS = Path(__file__).parent / "screenshots"
ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed "
                                "(apt-get install chromium; .ci/run installs it)")

FIRST = ("Port Vesna dock workers walk out\n\ndate 2024-06-10 Dock workers in Port Vesna walked off the job on Monday, halting "
         "cargo traffic at the country's largest harbour, the union said.\n"
         "The strike will last until wages are raised, union leader Ana Brel told reporters.\n")
LATER = ("Fire destroys grain warehouse in Kalder <script>alert(1)</script>\n\n"
         "date 2024-06-11 A warehouse fire in Kalder destroyed stocks of grain overnight, "
         "the regional fire brigade said on Tuesday.\nTwo workers were treated for smoke; "
         "the police are investigating the cause of the fire.\n")


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-c", "from storyline.cli import main; main()", *args]


@pytest.fixture
def live_site(tmp_path):
    """A served database that ``storyline watch`` fills; yields (address, inbox, env)."""
    inbox, db = tmp_path / "inbox", tmp_path / "live.db"
    inbox.mkdir()
    (inbox / "strike.txt").write_text(FIRST, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "STORYLINE_POLL_SECONDS": "1",
           "STORYLINE_WATCH_SETTLE_SECONDS": "0", "STORYLINE_CARDS": "false"}
    subprocess.run(_cli("watch", str(inbox), "--db", str(db), "--once", "-q"),
                   env=env, check=True, capture_output=True)
    server = subprocess.Popen(_cli("serve", "--db", str(db), "--port", "0"), env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for line in server.stdout:
            found = re.search(r"at (http://\S+/)", line)
            if found:
                break
        else:
            pytest.fail(f"storyline serve did not start: {server.stderr.read()}")
        yield found.group(1), inbox, db, env
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture
def page():
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        try:
            yield browser.new_page(viewport={"width": 1200, "height": 800})
        finally:
            browser.close()


def test_watch_updates_an_open_page_and_the_feed_shows_it(live_site, page):
    address, inbox, db, env = live_site
    SHOTS.mkdir(exist_ok=True)
    page.goto(address)
    assert page.locator("#live").is_hidden()
    before = page.content()

    (inbox / "fire.txt").write_text(LATER, encoding="utf-8")
    watched = subprocess.run(_cli("watch", str(inbox), "--db", str(db), "--once"),
                             env=env, capture_output=True, text=True, timeout=120)
    assert watched.returncode == 0, watched.stderr
    assert "1 new" in watched.stdout

    live = page.locator("#live")
    live.wait_for(state="visible", timeout=15_000)  # no reload: the page polled the server
    assert re.search(r"\d+ stor(y|ies) updated", page.locator("#live-text").inner_text())
    assert page.evaluate("performance.getEntriesByType('navigation').length") == 1
    page.screenshot(path=str(SHOTS / "live-update.png"))
    with page.expect_navigation():
        page.locator("#live-show").click()
    page.screenshot(path=str(SHOTS / "live-after-show.png"), full_page=True)
    assert "Kalder" in page.content() and "Kalder" not in before

    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    response = page.goto(f"{address}feeds/stories.atom")
    assert response.status == 200 and "atom+xml" in response.headers["content-type"]
    text = page.locator("body").inner_text()
    assert "Kalder" in text and "Port Vesna" in text and "urn:storyline:story:" in text
    page.screenshot(path=str(SHOTS / "live-feed.png"))
    feed = page.goto(f"{address}feeds/stories.json")
    assert feed.status == 200 and "Kalder" in page.locator("body").inner_text()
    assert dialogs == []  # the <script> in an article never ran
