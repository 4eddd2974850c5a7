"""Ingestion end to end: a batch with every kind of bad input, re-runs, and the CLI's codes."""

from __future__ import annotations

import io
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storyline import Engine, Rejected

GOOD = [
    ("port.txt", "date 2024-06-03 Dock workers in Port Vesna walked off the job on Monday, "
                 "halting cargo traffic at the country's largest harbour.\n"
                 "The union said the strike would last until wages were raised.\n"),
    ("bridge.txt", "Bridge closed after cracks found\n\nEngineers inspect the span\n"
                   "The old river bridge in Kalder was closed to traffic on Tuesday after "
                   "engineers found cracks in two of its pillars.\n"
                   "Officials said repairs could take several months.\n"),
]
ARTICLE_HTML = ("<html><head><title>Fire</title></head><body><article>"
                "<p>A forest fire near the village of Lumo forced two hundred residents to "
                "leave their homes overnight, the regional fire service said.</p>"
                "<p>No injuries were reported and the fire was contained by the morning.</p>"
                "</article></body></html>")


def _warc_bytes(pages: int) -> bytes:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    for i in range(pages):
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                   protocol="HTTP/1.0")
        body = ARTICLE_HTML.replace("Lumo", f"Lumo{i}").encode()
        writer.write_record(writer.create_warc_record(f"http://news.example/{i}", "response",
                                                      payload=io.BytesIO(body), http_headers=headers))
    return buffer.getvalue()


@pytest.fixture
def messy_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    for name, text in GOOD:
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "page.html").write_text(ARTICLE_HTML, encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    with (folder / "huge.txt").open("wb") as handle:
        handle.truncate(200 * 2**20)  # sparse: 200 MB on paper, nothing on disk
    (folder / "broken.txt").write_bytes(bytes(0x80 + (i * 37) % 128 for i in range(3000)))
    lines = [json.dumps({"title": "Mayor opens new library", "date": "2024-06-05",
                         "text": "The mayor of Kalder opened the new city library on Wednesday, "
                                 "which holds forty thousand books."}),
             '{"title": "broken", "text": ',
             json.dumps({"title": "Ferry service resumes", "date": "2024-06-06",
                         "text": "Ferries between Kalder and Lumo resumed on Thursday after "
                                 "a week of storms kept them in port."})]
    lines.append(json.dumps({"title": "Café reopens in Lumo", "date": "2024-06-07",
                             "text": "The harbour café in Lumo reopened on Friday after repairs "
                                     "to its roof, the owner said."}, ensure_ascii=False))
    damaged = '{"title": "Damaged", "text": "caf'.encode() + b"\xe9 \xff\xfe" + b' bytes"}'
    (folder / "export.jsonl").write_bytes(("\n".join(lines) + "\n").encode() + damaged + b"\n")
    warc = _warc_bytes(3)
    (folder / "crawl.warc.gz").write_bytes(warc[: len(warc) - 200])  # truncated mid-record
    (folder / "nav.html").write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>")
    (folder / "feed.xml").write_text("this is not a feed at all, just words", encoding="utf-8")
    return folder


BAD = {"empty.txt", "image.txt", "huge.txt", "broken.txt", "export.jsonl:2", "export.jsonl:5", "crawl.warc.gz",
       "nav.html", "feed.xml"}


def _bad_names(report) -> set[str]:
    return {Path(r.origin).name for r in report.rejected}


def test_bad_inputs_are_rejected_one_line_each_and_the_rest_is_ingested(messy_folder, tmp_path):
    with Engine(db=str(tmp_path / "s.db")) as engine:
        report = engine.ingest([str(messy_folder)])
        stored = engine.rejections(limit=100)
        titles = {a.title for a in engine.articles(limit=100)}
    assert report.status == "partial"
    assert _bad_names(report) == BAD
    for rejection in report.rejected:
        assert rejection.reason and "\n" not in rejection.reason
    assert {Path(r["origin"]).name for r in stored} == BAD
    assert {"Mayor opens new library", "Ferry service resumes", "Bridge closed after cracks found"} <= titles
    assert report.added == 8  # 2 txt, 1 html, 3 jsonl records, 2 WARC records before the damage


def test_reingest_is_a_no_op(messy_folder, tmp_path):
    db = str(tmp_path / "s.db")
    with Engine(db=db) as engine:
        first = engine.ingest([str(messy_folder)])
        second = engine.ingest([str(messy_folder)])
        assert engine.count_articles() == first.added
        assert len(engine.rejections(limit=100)) == len(BAD)
    assert second.added == 0 and second.already_stored == first.added


def test_rejection_reasons_say_what_happened(messy_folder, tmp_path):
    with Engine(db=str(tmp_path / "s.db")) as engine:
        reasons = {Path(r.origin).name: r.reason for r in engine.ingest([str(messy_folder)]).rejected}
    assert "empty" in reasons["empty.txt"]
    assert "binary" in reasons["image.txt"] or "PNG" in reasons["image.txt"]
    assert "200 MB" in reasons["huge.txt"]
    assert "JSON" in reasons["export.jsonl:2"]
    assert "UTF-8" in reasons["export.jsonl:5"]
    assert "truncated" in reasons["crawl.warc.gz"] or "corrupt" in reasons["crawl.warc.gz"]
    assert "no article text" in reasons["nav.html"]
    assert "feed" in reasons["feed.xml"] or "XML" in reasons["feed.xml"]


def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "storyline", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=300)


def test_cli_exit_codes_tell_full_partial_and_failed(messy_folder, tmp_path):
    good, bad = tmp_path / "good", tmp_path / "bad"
    good.mkdir(), bad.mkdir()
    (good / "a.txt").write_text(GOOD[0][1])
    (bad / "empty.txt").write_bytes(b"")
    db = str(tmp_path / "c.db")
    assert _cli("ingest", str(good), "--db", db, "-q").returncode == 0
    partial = _cli("ingest", str(messy_folder), "--db", db)
    assert partial.returncode == 3
    assert "rejected" in partial.stderr and "huge.txt" in partial.stderr
    failed = _cli("ingest", str(bad), "--db", db)
    assert failed.returncode == 4 and "empty.txt: empty" in failed.stderr


def test_cli_json_output_and_article_view(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(GOOD[1][1])
    db = str(tmp_path / "j.db")
    report = json.loads(_cli("ingest", str(folder), "--db", db, "--json").stdout)
    assert report["status"] == "full" and report["added"] == 1
    listing = json.loads(_cli("articles", "--db", db, "--json").stdout)
    article_id = listing["articles"][0]["id"]
    shown = json.loads(_cli("article", article_id[:8], "--db", db, "--json").stdout)
    assert shown["title"] == "Bridge closed after cracks found"
    assert [r["reason"] for r in shown["removals"]] == ["title", "subtitle"]
    human = _cli("article", article_id[:8], "--db", db).stdout
    assert "[subtitle]" in human and "Kalder" in human
    stats = json.loads(_cli("stats", "--db", db, "--json").stdout)
    assert stats["articles"] == 1


def test_cli_errors_are_one_line_with_advice(tmp_path):
    missing = _cli("article", "deadbeef00", "--db", str(tmp_path / "x.db"))
    assert missing.returncode == 2
    assert missing.stderr.count("\n") == 1 and "storyline articles" in missing.stderr
    not_db = tmp_path / "notes.db"
    not_db.write_text("just some notes, not a database")
    broken = _cli("stats", "--db", str(not_db))
    assert broken.returncode == 5 and "Traceback" not in broken.stderr
    bad_field = _cli("ingest", str(tmp_path), "--db", str(tmp_path / "y.db"), "--field", "nonsense")
    assert bad_field.returncode == 2 and "--field" in bad_field.stderr


def test_help_has_examples():
    for command in ("ingest", "articles", "article", "stats", "demo", "rejections"):
        out = _cli(command, "--help").stdout
        assert "Example" in out and "storyline " + command in out


def test_store_file_is_consistent_after_ingest(messy_folder, tmp_path):
    db = tmp_path / "s.db"
    with Engine(db=str(db)) as engine:
        engine.ingest([str(messy_folder)])
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    orphans = conn.execute("SELECT count(*) FROM articles a LEFT JOIN raw_documents r "
                           "ON r.raw_id = a.article_id WHERE r.raw_id IS NULL").fetchone()[0]
    assert orphans == 0


def test_outlet_boilerplate_is_learned_and_earlier_articles_are_recleaned(tmp_path):
    footer = "The Kalder Courier is printed on recycled paper at the old mill."
    records = [{"title": f"Council vote number {i} on harbour fees", "source": "Kalder Courier",
                "text": f"The council of Kalder voted {i} times on harbour fees this spring, "
                        f"officials said on day {i}.\nThe next vote is planned for June.\n{footer}"}
               for i in range(5)]
    export = tmp_path / "courier.jsonl"
    export.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    with Engine(db=str(tmp_path / "b.db"), batch_size=2) as engine:
        report = engine.ingest([str(export)])
        articles = engine.articles(limit=10)
    assert report.added == 5 and report.recleaned >= 1  # the first batch came before the footer was known
    for article in articles:
        assert footer not in article.text
        assert [r.reason for r in article.removals if r.text == footer] == ["outlet-boilerplate"]


# An outlet's sign-up box, long enough that no rule for short texts catches it, and naming
# the harbour and the council like the headlines it was crawled under.
FURNITURE = ("Sign up for the Kalder Courier morning briefing and never miss a story about the "
             "harbour, the council, the ferries and the people of Kalder. " * 6).strip()


def _courier(records: list[tuple[str, str, str]], path: Path) -> Path:
    path.write_text("\n".join(json.dumps({"title": title, "source": outlet, "text": text})
                              for outlet, title, text in records) + "\n", encoding="utf-8")
    return path


def test_an_outlets_same_text_under_two_different_headlines_is_page_furniture(tmp_path):
    """One outlet printing one text under two headlines that share little has written it
    for neither (``extract.furniture``): both pages are kept by their headlines, and they are
    not copies of each other. The same text under an edited headline, or from another outlet,
    is a copy as before."""
    report_text = ("The Kalder harbour council approved higher berth fees on Tuesday after a "
                   "four-hour debate.\nShipping firms said they would pass the cost on.")
    export = _courier([
        ("Kalder Courier", "Harbour council approves the new ferry timetable", FURNITURE),
        ("Kalder Courier", "Fire at the old paper mill destroys two warehouses", FURNITURE),
        ("Vesna Herald", "Kalder harbour council approves the new ferry timetable", FURNITURE),
        ("Kalder Courier", "Harbour council raises berth fees after long debate", report_text),
        ("Kalder Courier", "Harbour council raises berth fees after a long debate", report_text),
    ], tmp_path / "courier.jsonl")
    with Engine(db=str(tmp_path / "f.db")) as engine:
        report = engine.ingest([str(export)])
        by_title = {a.title: a for a in engine.articles(limit=10)}
        assert report.added == 5 and not report.rejected
        furniture = [by_title["Harbour council approves the new ferry timetable"],
                     by_title["Fire at the old paper mill destroys two warehouses"]]
        assert all(a.headline_only and a.text == "" for a in furniture)
        assert all(any(r.reason == "no-article-text" for r in a.removals) for a in furniture)
        assert by_title["Kalder harbour council approves the new ferry timetable"].text == FURNITURE
        fees = [by_title["Harbour council raises berth fees after long debate"],
                by_title["Harbour council raises berth fees after a long debate"]]
        assert all(a.paragraphs == report_text.split("\n") for a in fees)
        stories = engine.store.story_of(a.article_id for a in by_title.values())
        story = engine.story(stories[fees[0].article_id])
        assert {a.article_id for a in fees} in [set(g) for g in story.duplicate_groups]
        assert stories[furniture[0].article_id] != stories[furniture[1].article_id]
        assert engine.ingest([str(export)]).added == 0  # again: a no-op
    with Engine(db=str(tmp_path / "strict.db"), keep_headlines=False) as engine:
        rejected = engine.ingest([str(export)]).rejected
    assert len(rejected) == 2 and all(
        "Kalder Courier printed the same text under another headline" in r.reason
        and "page furniture" in r.reason for r in rejected)


def test_page_furniture_found_in_a_later_batch_takes_the_text_of_the_later_page_only(tmp_path):
    """The earlier page keeps its text: its features were computed for it, as when an
    outlet's boilerplate is learned after a page that becomes headline-only by it."""
    export = _courier([
        ("Kalder Courier", "Harbour council approves the new ferry timetable", FURNITURE),
        ("Kalder Courier", "Fire at the old paper mill destroys two warehouses", FURNITURE),
    ], tmp_path / "courier.jsonl")
    with Engine(db=str(tmp_path / "f.db"), batch_size=1) as engine:
        engine.ingest([str(export)])
        first, second = sorted(engine.articles(limit=10), key=lambda a: a.title != (
            "Harbour council approves the new ferry timetable"))
    assert first.text == FURNITURE and not first.headline_only
    assert second.headline_only


def test_a_record_with_a_broken_url_and_a_file_of_control_characters(tmp_path):
    """A URL that cannot be split costs the record only its outlet, not the batch; a file
    of control characters is rejected with its reason."""
    body = "The harbour board met for four hours on Tuesday and approved the budget for the year."
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    (inputs / "in.jsonl").write_text(
        json.dumps({"title": "Board meets", "text": body, "url": "http://["}) + "\n"
        + json.dumps({"title": "Budget passed", "text": body + " It passed."}) + "\n",
        encoding="utf-8")
    (inputs / "ctrl.txt").write_bytes(bytes(range(1, 9)) + bytes(range(14, 27)))
    with Engine(db=str(tmp_path / "t.db"), cluster=False) as engine:
        report = engine.ingest([str(inputs)])
        assert report.added == 2
        assert [r.reason for r in report.rejected] == [
            "document has no letters or digits (only control characters, symbols or punctuation)"]
        assert {a.outlet for a in engine.articles()} == {None}


def test_a_stage_that_fails_on_one_document_rejects_only_that_document():
    from storyline.engine import _guarded

    def broken(doc):
        raise KeyError("bug")

    rejected = _guarded("a.txt", broken, object())
    assert isinstance(rejected, Rejected) and rejected.origin == "a.txt"
    assert "KeyError" in rejected.reason and rejected.stage == "extract"
    assert _guarded("b.txt", str.upper, "ok") == "OK"
