"""The web UI in a real browser: front page -> story -> article -> search -> entity, a
hostile article that must stay inert, and the live "stories updated" notice. Each main
page is saved to docs/screenshots/ (the README shows them)."""

from __future__ import annotations

import json
import re
import urllib.request

import pytest
from playwright.sync_api import expect

HOSTILE = {
    "title": "Strike <script>window.__xss = 'title'</script> at Valmora port",
    "text": ("Dockworkers at Valmora stopped work again on Wednesday, the union said. "
             "<script>window.__xss = 'body'</script>\n\n"
             "<img src=x onerror=\"window.__xss = 'img'\"> Port officials said "
             "<a href=\"javascript:window.__xss='link'\">talks</a> would resume.\n\n"
             "Container ships queued outside the breakwater for a third day."),
    "outlet": "<i onmouseover=\"window.__xss='outlet'\">Evil Outlet</i>",
    "url": "javascript:window.__xss='url'", "date": "2024-06-05", "lang": "en",
}


def test_front_story_article_search(server, page, screenshot):
    with urllib.request.urlopen(server.url + "/api/v1/stories?limit=30") as response:
        listed = json.loads(response.read())["items"]
    page.goto(server.url + "/")
    stories = page.locator("ol.stories > li.story")
    expect(stories).to_have_count(len(listed))
    expect(stories.first.locator("a.headline")).to_have_text(listed[0]["headline"])
    expect(page.locator("h1")).to_have_text("Stories")
    screenshot(page, "front")

    # filters: Russian-language stories only, then back
    page.select_option("select[name=lang]", "ru")
    page.click("form.filters button[type=submit]")
    expect(page).to_have_url(re.compile(r"lang=ru"))
    filtered = page.locator("ol.stories > li.story")
    assert 0 < filtered.count() < len(listed)
    for index in range(filtered.count()):
        expect(filtered.nth(index).locator("abbr.lang", has_text="RU")).to_have_count(1)
    page.goto(server.url + "/")

    # the story with copies of one wire text
    target = None
    for index in range(stories.count()):
        counts = stories.nth(index).locator("dl.counts dd").all_inner_texts()
        if int(counts[3]) < int(counts[0]):  # independent < articles
            target = stories.nth(index)
            break
    assert target is not None, "the demo corpus has a story with wire copies"
    headline = target.locator("a.headline").inner_text()
    target.locator("a.headline").click()
    expect(page.locator("h1")).to_have_text(headline)
    expect(page.locator("svg.timeline rect").first).to_be_visible()
    expect(page.locator("table.grid tbody tr").first).to_be_visible()
    expect(page.locator(".articles .badge").first).to_contain_text("copy group")
    # why each article is there: its fit with the rest, its closest articles on hover
    fits = page.locator(".articles .fit")
    expect(fits).to_have_count(page.locator("ol.articles > li").count())
    expect(fits.first).to_have_text(re.compile(r"^fits \d{1,3}%$"))
    assert "Closest: " in fits.first.get_attribute("title")
    screenshot(page, "story")

    # an article with removed boilerplate: shown on demand, without a reload
    links = page.locator("ol.articles li > a")
    for index in range(links.count()):
        links.nth(index).click()
        if "(0)" not in page.locator("#toggle-removed").inner_text():
            break
        page.go_back()
    expect(page.locator("#clean-text")).to_be_visible()
    expect(page.locator("#removed-text")).to_be_hidden()
    page.click("#toggle-removed")
    expect(page.locator("#removed-text")).to_be_visible()
    expect(page.locator("#clean-text")).to_be_hidden()
    expect(page.locator("#removed-text del.removed").first).to_be_visible()
    expect(page).to_have_url(re.compile(r"removed=1"))
    screenshot(page, "article")
    page.click("#toggle-removed")
    expect(page.locator("#clean-text")).to_be_visible()

    # search from the masthead, with highlighted snippets
    page.fill(".quick-search input[name=q]", "bridge")
    page.press(".quick-search input[name=q]", "Enter")
    expect(page).to_have_url(re.compile(r"/search\?q=bridge"))
    marks = page.locator("ol.hits mark")
    expect(marks.first).to_be_visible()
    assert all(m.lower().startswith("bridge") for m in marks.all_inner_texts())
    expect(page.locator("section.panel ol.stories li.story").first).to_be_visible()
    screenshot(page, "search")
    page.locator("ol.hits a.hit-title").first.click()
    expect(page.locator("article.article h1")).to_contain_text(re.compile("bridge", re.I))


def test_entity_page(server, page, screenshot):
    with urllib.request.urlopen(server.url + "/api/v1/entities?limit=5") as response:
        entities = json.loads(response.read())
    if not entities:
        pytest.skip("no entities: this Storyline builds no story cards yet, and entity "
                    "pages list the stories the cards name")
    page.goto(server.url + "/")
    page.locator("ol.stories a.headline").first.click()
    entity_link = page.locator(".facts a[href^='/entities/']").first
    name = entity_link.inner_text()
    entity_link.click()
    expect(page.locator("h1")).to_have_text(name)
    expect(page.locator("ol.stories li.story").first).to_be_visible()
    screenshot(page, "entity")


def test_hostile_article_renders_inert(writable_server, page, post_articles, screenshot):
    posted = post_articles(writable_server, [HOSTILE])
    item = posted["items"][0]
    assert item["status"] == "added", posted
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for path in (f"/articles/{item['article_id']}", f"/articles/{item['article_id']}?removed=1",
                 f"/stories/{item['story_id']}", "/search?q=breakwater", "/"):
        page.goto(writable_server.url + path)
        page.mouse.move(300, 300)
        page.locator("body").hover()
        assert page.evaluate("() => window.__xss") is None, path
    page.goto(f"{writable_server.url}/articles/{item['article_id']}")
    expect(page.locator("article.article h1")).to_contain_text("<script>window.__xss")
    expect(page.locator("article.article .meta .outlet")).to_contain_text("<i onmouseover")
    assert page.locator("article.article img").count() == 0
    assert page.locator("a[href^='javascript:']").count() == 0
    assert not dialogs
    screenshot(page, "hostile-article")


def test_open_page_is_told_about_new_stories(writable_server, page, post_articles):
    page.goto(writable_server.url + "/")
    live = page.locator("#live")
    expect(live).to_be_hidden()
    post_articles(writable_server, [{
        "title": "Lighthouse keepers in Sorvik vote to join national strike",
        "text": "Lighthouse keepers on the Sorvik coast voted on Thursday to join the "
                "national strike, their association said, after talks over night shifts "
                "collapsed.\n\nThe coastal authority said automatic beacons would stay on.",
        "outlet": "Coastline Times", "date": "2024-06-28", "lang": "en"}])
    expect(live).to_be_visible(timeout=15_000)
    expect(page.locator("#live-text")).to_contain_text("updated")
    page.click("#live-show")
    expect(page.locator("ol.stories a.headline", has_text="Lighthouse keepers")).to_have_count(1)
    expect(live).to_be_hidden()
