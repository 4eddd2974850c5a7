"""The HTTP API against its own OpenAPI schema, with bad requests, the write token, path
traversal attempts, size limits and CORS; the pages' escaping of hostile articles.

The app runs for real over a copy of the demo database (FastAPI's TestClient drives it
in-process); schemathesis generates requests from the served schema and checks every
response against it.
"""

from __future__ import annotations

import os
import re

import pytest
from fastapi.testclient import TestClient

from storyline import UserError
from storyline.serve.app import create_app

TOKEN = "test-token-7f3a"
FUZZ = os.environ.get("STORYLINE_FUZZ") == "1"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
HOSTILE_TITLE = "Port <script>alert('title')</script> strike"
HOSTILE_TEXT = (
    "Dockworkers in Valmora stopped work on Monday. <script>alert('body')</script>\n\n"
    "The union said <img src=x onerror=alert('img')> the strike would go on, and "
    '<a href="javascript:alert(1)">a link</a> was shared. "Quotes" & ampersands stay.\n\n'
    "Ship owners asked the port authority to intervene before the weekend."
)


@pytest.fixture(scope="module")
def client(db_copy):
    with TestClient(create_app({"db": str(db_copy("api.db")), "api_token": TOKEN})) as c:
        yield c


@pytest.fixture(scope="module")
def schema(client):
    response = client.get("/openapi.json")
    assert response.status_code == 200
    return response.json()


def _story_ids(client, **params) -> list[str]:
    return [s["id"] for s in client.get("/api/v1/stories", params=params).json()["items"]]


# -- the schema ---------------------------------------------------------------------------

def test_schema_lists_every_route_with_its_errors(schema):
    paths = schema["paths"]
    for path in ("/api/v1/articles", "/api/v1/articles/{article_id}",
                 "/api/v1/articles/{article_id}/compare/{other_id}", "/api/v1/stories",
                 "/api/v1/stories/{story_id}", "/api/v1/stories/{story_id}/card",
                 "/api/v1/stories/{story_id}/fit",
                 "/api/v1/entities", "/api/v1/entities/{key}", "/api/v1/search",
                 "/api/v1/changes", "/api/v1/articles/batch"):
        assert path in paths, path
    for path, methods in paths.items():
        for method, operation in methods.items():
            errors = operation["responses"]
            assert "422" in errors and "ErrorBody" in str(errors["422"]), (method, path)
    assert "security" in paths["/api/v1/articles"]["post"]
    assert "security" not in paths["/api/v1/articles"]["get"]
    assert not any(path.startswith("/stories") for path in paths)  # pages stay out of it


def test_documented_errors_match_what_is_sent(client):
    for url in ("/api/v1/stories?limit=0", "/api/v1/articles/zz-not-an-id",
                "/api/v1/search", "/api/v1/changes?since=-1"):
        response = client.get(url)
        assert response.status_code == 422, url
        body = response.json()
        assert body["status"] == 422 and body["error"].startswith("Unprocessable")
        assert body["reason"] and "\n" not in body["reason"], body


# -- reading ------------------------------------------------------------------------------

def test_compare_scores_two_articles_of_one_story_and_404s_an_unknown_id(client):
    story = client.get(f"/api/v1/stories/{_story_ids(client, order='size')[0]}").json()
    first, second = (m["id"] for m in story["members"][:2])
    body = client.get(f"/api/v1/articles/{first[:10]}/compare/{second}").json()
    assert body["first"] == first and body["second"] == second
    assert body["same_story_now"] is True and 0.0 <= body["score"] <= 1.0
    assert set(body["features"]) >= {"dense", "e5"}
    missing = client.get(f"/api/v1/articles/{first}/compare/ffffffffffff")
    assert missing.status_code == 404 and "ffffffffffff" in missing.json()["reason"]


def test_story_fit_says_how_well_each_member_fits_and_whom_it_is_closest_to(client):
    story = client.get(f"/api/v1/stories/{_story_ids(client, order='size')[0]}").json()
    body = client.get(f"/api/v1/stories/{story['id'][:10]}/fit").json()
    members = {m["id"] for m in story["members"]}
    assert body["story_id"] == story["id"] and body["explained"] is True
    assert {m["article_id"] for m in body["members"]} == members
    for fit in body["members"]:
        assert 0.0 <= fit["probability"] <= 1.0
        assert fit["clears_the_bar"] == (fit["score"] >= fit["threshold"])
        closest = [c["article_id"] for c in fit["closest"]]
        assert closest and fit["article_id"] not in closest and set(closest) <= members
        assert [c["probability"] for c in fit["closest"]] == sorted(
            (c["probability"] for c in fit["closest"]), reverse=True)
    # the demo's stories are real: most of each story's articles join the rest on their own
    assert sum(f["clears_the_bar"] for f in body["members"]) > len(members) / 2
    assert client.get("/api/v1/stories/sffffffffffff/fit").status_code == 404


def test_stories_ranked_paged_and_filtered(client):
    first = client.get("/api/v1/stories", params={"limit": 3}).json()
    assert first["total"] == client.get("/api/v1/stats").json()["stories"] > 3
    assert len(first["items"]) == 3
    ranks = [s["rank"] for s in first["items"]]
    assert ranks == sorted(ranks, reverse=True)
    second = client.get("/api/v1/stories", params={"limit": 3, "offset": 3}).json()
    assert not {s["id"] for s in first["items"]} & {s["id"] for s in second["items"]}
    russian = client.get("/api/v1/stories", params={"lang": "ru"}).json()
    assert russian["total"] == len(russian["items"]) >= 1
    assert all("ru" in s["languages"] for s in russian["items"])
    by_size = [s["articles"] for s in
               client.get("/api/v1/stories", params={"order": "size"}).json()["items"]]
    assert by_size == sorted(by_size, reverse=True)
    late = client.get("/api/v1/stories", params={"since": "2024-06-20"}).json()["items"]
    assert late and all(s["last_seen"] >= "2024-06-20" for s in late)


def test_story_detail_counts_copies_of_one_wire_text(client):
    stories = client.get("/api/v1/stories", params={"order": "size", "limit": 50}).json()["items"]
    wire = next(s for s in stories if s["independent_reports"] < s["articles"])
    detail = client.get(f"/api/v1/stories/{wire['id']}").json()
    assert len(detail["members"]) == detail["articles"] == wire["articles"]
    copies = sum(len(group) - 1 for group in detail["duplicate_groups"])
    assert detail["independent_reports"] == detail["articles"] - copies
    assert all(m["story_id"] == wire["id"] for m in detail["members"])
    # a prefix of the id is enough, as on the command line
    assert client.get(f"/api/v1/stories/{wire['id'][:8]}").json()["id"] == wire["id"]


def test_article_detail_with_removals_and_unknown_ids(client):
    listed = client.get("/api/v1/articles", params={"lang": "en", "limit": 50}).json()
    assert listed["total"] >= len(listed["items"]) > 0
    with_removals = None
    for item in listed["items"]:
        detail = client.get(f"/api/v1/articles/{item['id']}").json()
        if detail["removals"]:
            with_removals = detail
            break
    assert with_removals is not None
    removal = with_removals["removals"][0]
    assert with_removals["extracted"][removal["start"]:removal["end"]] == removal["text"]
    assert removal["text"] not in with_removals["text"]
    missing = client.get("/api/v1/articles/abcdef0123456789")
    assert missing.status_code == 404 and "storyline articles" in missing.json()["reason"]
    assert client.get("/api/v1/stories/s000000000000").status_code == 404


def test_search_highlights_and_survives_any_query(client):
    stories = client.get("/api/v1/stories").json()["total"]
    found = client.get("/api/v1/search", params={"q": "bridge"}).json()
    assert found["total"] >= 2 and found["articles"] and found["stories"]
    for hit in found["articles"]:
        text, matches = hit["snippet"]["text"], hit["snippet"]["matches"]
        assert matches and all(text[a:b].lower().startswith("bridge") for a, b in matches)
    phrase = client.get("/api/v1/search", params={"q": '"road bridge"'}).json()
    assert 0 < phrase["total"] <= found["total"]
    german = client.get("/api/v1/search", params={"q": "brücke", "lang": "de"}).json()
    assert german["total"] >= 1
    assert all(h["article"]["language"] == "de" for h in german["articles"])
    for nasty in ('"', "AND OR NOT", "*", "NEAR(a b", "a:b", "'; DROP TABLE articles; --",
                  "title:bridge", "^bridge", "\x00", "мост*", "(((("):
        response = client.get("/api/v1/search", params={"q": nasty})
        assert response.status_code == 200, (nasty, response.text)
    assert client.get("/api/v1/stories").json()["total"] == stories  # nothing was dropped


def test_bad_filter_values_are_refused_with_a_reason(client):
    response = client.get("/api/v1/articles", params={"since": "2024-13-45"})
    assert response.status_code == 422 and "since" in response.json()["reason"]
    page = client.get("/", params={"since": "2024-13-45"})  # pages: the engine's own check
    assert page.status_code == 400 and "YYYY-MM-DD" in page.text


def test_entities_and_their_stories(client):
    people = client.get("/api/v1/entities", params={"kind": "person", "limit": 5}).json()
    assert people and all(p["kind"] == "person" for p in people)
    top = people[0]
    stories = client.get(f"/api/v1/entities/{top['key']}").json()
    assert stories["total"] == top["stories"] == len(stories["items"])
    for story in stories["items"]:
        card = client.get(f"/api/v1/stories/{story['id']}/card").json()
        assert top["key"] in {e["key"] for e in card["people"]}
    prefixed = client.get("/api/v1/entities", params={"prefix": top["key"][:3].upper()}).json()
    assert top["key"] in {e["key"] for e in prefixed}
    missing = client.get("/api/v1/entities/nobody at all")
    assert missing.status_code == 404 and "/api/v1/entities" in missing.json()["reason"]


def test_card_of_a_story(client):
    story = client.get("/api/v1/stories", params={"order": "size", "limit": 1}).json()["items"][0]
    card = client.get(f"/api/v1/stories/{story['id']}/card").json()
    assert card["story_id"] == story["id"] and card["headline"]
    assert story["headline"] == card["headline"]  # lists show the card's headline
    members = client.get(f"/api/v1/stories/{story['id']}").json()["members"]
    assert set(card["article_ids"]) == {m["id"] for m in members}


# -- writing ------------------------------------------------------------------------------

def test_writing_needs_the_token(client):
    article = {"text": "A short article about the harbour strike in Valmora."}
    missing = client.post("/api/v1/articles", json=article)
    assert missing.status_code == 401 and missing.headers["www-authenticate"] == "Bearer"
    wrong = client.post("/api/v1/articles", json=article, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and "wrong" in wrong.json()["reason"]
    before = client.get("/api/v1/articles").json()["total"]
    assert before == client.get("/api/v1/articles").json()["total"]


def test_writing_is_off_without_a_token(db_copy):
    with TestClient(create_app({"db": str(db_copy("no-token.db"))})) as c:
        response = c.post("/api/v1/articles", json={"text": "x" * 50}, headers=AUTH)
    assert response.status_code == 403 and "--token" in response.json()["reason"]


def test_posted_articles_join_stories_and_move_the_change_counter(client):
    seq = client.get("/api/v1/changes").json()["seq"]
    article = {"title": "Valmora dockers extend strike into second week",
               "text": "Dockworkers at the port of Valmora extended their strike on Monday, "
                       "the union said, as talks with port operators over pay broke down. "
                       "Container ships were queueing outside the harbour.\n\n"
                       "The port authority said it would ask the labour ministry to mediate.",
               "outlet": "Test Wire", "date": "2024-06-06", "lang": "en",
               "url": "https://example.org/valmora-strike"}
    response = client.post("/api/v1/articles", json=article, headers=AUTH)
    assert response.status_code == 200, response.text
    outcome = response.json()
    assert outcome["status"] == "full" and outcome["added"] == 1
    item = outcome["items"][0]
    assert item["status"] == "added" and item["story_id"]
    changes = client.get("/api/v1/changes", params={"since": seq}).json()
    assert changes["seq"] > seq and item["story_id"] in changes["story_ids"]
    again = client.post("/api/v1/articles", json=article, headers=AUTH).json()
    assert again["items"][0]["status"] == "already_stored"
    assert again["items"][0]["article_id"] == item["article_id"]
    phrase = client.get("/api/v1/search", params={"q": '"dockers extend strike"'}).json()
    assert phrase["total"] == 1


def test_kept_pages_are_dropped_when_the_data_changes(client):
    """Pages are kept in memory between requests; a write by anyone makes them new."""
    url = "/api/v1/search?q=lighthouse"
    assert client.get(url).json()["total"] == 0
    assert client.get(url).json()["total"] == 0  # now kept
    front = client.get("/").text
    assert client.get("/").text == front
    response = client.post("/api/v1/articles", headers=AUTH, json={
        "title": "Sorvik lighthouse keepers strike over night shifts",
        "text": "Lighthouse keepers on the Sorvik coast walked out on Thursday over night "
                "shifts, their association said.\n\nAutomatic beacons stayed on.",
        "date": "2024-06-29", "outlet": "Coastline Times", "lang": "en"})
    assert response.json()["added"] == 1
    assert client.get(url).json()["total"] == 1
    assert "Sorvik" in client.get("/?order=recent").text
    # CORS answers differ by Origin: kept apart
    assert "access-control-allow-origin" not in client.get(
        "/api/v1/stories", headers={"Origin": "https://evil.example"}).headers


def test_batch_reports_each_item(client):
    batch = {"articles": [
        {"text": "Harbour pilots joined the Valmora strike on Tuesday, the union said, "
                 "leaving tankers at anchor outside the breakwater.", "lang": "en"},
        {"text": "   \n\n  "},
        {"text": "<html><body><nav><a href='/'>Home</a></nav></body></html>"},
    ]}
    response = client.post("/api/v1/articles/batch", json=batch, headers=AUTH)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "partial" and body["added"] == 1
    assert [i["status"] for i in body["items"]] == ["added", "rejected", "rejected"]
    assert all(i["reason"] for i in body["items"][1:])


def test_a_record_with_a_url_that_cannot_be_split_costs_only_its_outlet(client):
    """A URL that cannot even be split (``http://[``) once made the metadata stage raise;
    now the record is stored without an outlet from it, and the batch goes on."""
    good = {"text": "Ferry crews in Valmora joined the dock strike on Friday, the union said, "
                    "and no boats left the harbour for the islands.", "lang": "en"}
    body = client.post("/api/v1/articles/batch", headers=AUTH, json={"articles": [
        {**good, "url": "http://["}, good]}).json()
    assert [item["status"] for item in body["items"]] == ["added", "added"]
    stored = client.get(f"/api/v1/articles/{body['items'][0]['article_id']}").json()
    assert stored.get("outlet") is None


@pytest.mark.parametrize("payload, expected", [
    ({"text": ""}, 422),
    ({"title": "no text"}, 422),
    ({"text": "fine text here", "path": "/etc/passwd"}, 422),  # unknown fields are refused
    ({"text": "fine text here", "title": "x" * 5000}, 422),
    ([{"text": "a list, not an object"}], 422),
])
def test_bad_bodies_are_refused_with_a_reason(client, payload, expected):
    response = client.post("/api/v1/articles", json=payload, headers=AUTH)
    assert response.status_code == expected
    assert response.json()["reason"]


def test_size_limits(db_copy):
    app = create_app({"db": str(db_copy("limits.db")), "api_token": TOKEN,
                      "max_request_mb": 1, "max_post_articles": 2})
    with TestClient(app) as c:
        big = {"text": "word " * 300_000}
        declared = c.post("/api/v1/articles", json=big, headers=AUTH)
        assert declared.status_code == 413 and "max_request_mb" in declared.json()["reason"]

        def chunked():  # no Content-Length: counted as it streams in
            yield b'{"text": "'
            for _ in range(300):
                yield b"x" * 4096
            yield b'"}'
        streamed = c.post("/api/v1/articles", content=chunked(),
                          headers={**AUTH, "Content-Type": "application/json"})
        assert streamed.status_code == 413
        many = {"articles": [{"text": f"article number {n} about the strike"} for n in range(3)]}
        too_many = c.post("/api/v1/articles/batch", json=many, headers=AUTH)
        assert too_many.status_code == 413 and "max_post_articles" in too_many.json()["reason"]


# -- security -----------------------------------------------------------------------------

@pytest.mark.parametrize("path", [
    "/static/../pyproject.toml", "/static/%2e%2e/%2e%2e/pyproject.toml",
    "/static/..%2f..%2fsettings.py", "/static/%2e%2e%2fapp.py", "/static//etc/passwd",
    "/static/....//....//etc/passwd", "/articles/..%2f..%2f..%2fetc%2fpasswd",
    "/api/v1/articles/..%2F..%2Fetc%2Fpasswd", "/api/v1/stories/%2e%2e%2f%2e%2e",
])
def test_no_path_reaches_the_file_system(client, path):
    response = client.get(path)
    assert response.status_code in (404, 422), (path, response.status_code)
    assert "root:" not in response.text and "[project]" not in response.text
    assert "def create_app" not in response.text


def test_static_files_are_served(client):
    assert "Storyline" in client.get("/static/style.css").text
    assert client.get("/static/app.js").headers["content-type"].startswith("text/javascript")


def test_cors_is_off_by_default(client):
    response = client.get("/api/v1/stories", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in response.headers
    preflight = client.options("/api/v1/articles", headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in preflight.headers


def test_cors_allows_only_the_listed_origins(db_copy):
    app = create_app({"db": str(db_copy("cors.db")), "cors_origins": "https://desk.example"})
    with TestClient(app) as c:
        allowed = c.get("/api/v1/stories", headers={"Origin": "https://desk.example"})
        other = c.get("/api/v1/stories", headers={"Origin": "https://evil.example"})
    assert allowed.headers["access-control-allow-origin"] == "https://desk.example"
    assert "access-control-allow-origin" not in other.headers


def test_pages_send_a_strict_content_security_policy(client):
    headers = client.get("/").headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "unsafe-inline" not in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"


def test_hostile_article_renders_inert(client):
    posted = client.post("/api/v1/articles", headers=AUTH, json={
        "title": HOSTILE_TITLE, "text": HOSTILE_TEXT, "outlet": "<b>Evil</b> Outlet",
        "url": "javascript:alert(document.cookie)", "date": "2024-06-04"}).json()
    item = posted["items"][0]
    assert item["status"] == "added", posted
    pages = [client.get(f"/articles/{item['article_id']}").text,
             client.get(f"/articles/{item['article_id']}?removed=1").text,
             client.get(f"/stories/{item['story_id']}").text,
             client.get("/search", params={"q": "dockworkers strike"}).text,
             client.get("/").text]
    for html in pages:
        assert "<script>alert" not in html and "<img src=x" not in html
        assert 'href="javascript:' not in html and "<b>Evil</b>" not in html
    article_page = pages[0]
    assert "&lt;script&gt;alert(" in article_page and "&lt;b&gt;Evil&lt;/b&gt;" in article_page
    # the only scripts on a page are the app's own file
    assert re.findall(r"<script[^>]*>", article_page) == ['<script src="/static/app.js" defer>']


def test_file_urls_stay_metadata(client):
    posted = client.post("/api/v1/articles", headers=AUTH, json={
        "text": "The harbour master resigned on Friday after the strike ended, "
                "officials in Valmora said.", "url": "file:///etc/passwd"}).json()
    article_id = posted["items"][0]["article_id"]
    detail = client.get(f"/api/v1/articles/{article_id}").json()
    assert detail["url"] == "file:///etc/passwd" and "root:" not in detail["text"]
    assert 'href="file:' not in client.get(f"/articles/{article_id}").text


def test_serve_refuses_an_in_memory_database():
    with pytest.raises(UserError, match="database file"):
        create_app({"db": ":memory:"})


# -- generated requests against the schema ------------------------------------------------

def test_generated_requests_conform_to_the_schema(db_copy):
    """Schemathesis: requests generated from the schema, valid ones and deliberately
    invalid ones, every response checked against the schema: no server error, a documented
    status, a body matching its model. The same requests on every run (CI stays
    reproducible); STORYLINE_FUZZ=1 draws new ones each run to look for more."""
    import schemathesis
    from hypothesis import HealthCheck, given, settings
    from hypothesis.errors import Unsatisfiable
    from schemathesis.generation.modes import GenerationMode

    app = create_app({"db": str(db_copy("generated.db")), "api_token": TOKEN})
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        writes = operation.method.upper() == "POST"  # each ingests: slower, fewer examples
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            @settings(max_examples=4 if writes else 10, deadline=None, database=None,
                      derandomize=not FUZZ, suppress_health_check=list(HealthCheck))
            @given(case=operation.as_strategy(mode))
            def check(case):
                case.call_and_validate(headers=AUTH)
            try:
                check()
            except Unsatisfiable:
                assert mode is GenerationMode.NEGATIVE  # no parameter to get wrong
            except Exception as exc:  # collect them all, then fail naming every operation
                failures.append(f"{operation.label} ({mode.value}): {str(exc)[:800]}")
    assert not failures, "\n\n".join(failures)


# -- the command and the layering ---------------------------------------------------------

def test_serve_command_says_what_to_do_when_it_cannot_start(demo_db):
    import socket

    from click.testing import CliRunner

    from storyline.cli import cli

    runner = CliRunner()
    assert "storyline serve --db news.db" in runner.invoke(cli, ["serve", "--help"]).output
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        busy = runner.invoke(cli, ["serve", "--db", str(demo_db), "--port", str(port)])
    assert busy.exit_code == 2 and f"port {port}" in busy.output and "--port" in busy.output
    memory = runner.invoke(cli, ["serve", "--db", ":memory:"])
    assert memory.exit_code == 2 and "--db PATH" in memory.output


def test_web_layer_reaches_the_data_only_through_the_engine():
    import ast
    from pathlib import Path

    import storyline.serve

    allowed = {"engine", "errors", "settings", "serve", ""}  # "": the package's version
    for path in Path(storyline.serve.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level:
                target = (node.module or "").split(".")[0] if node.level == 2 else "serve"
                assert target in allowed, (path.name, node.module)
