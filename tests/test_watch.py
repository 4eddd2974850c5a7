"""storyline watch: folders where files appear, change and vanish; feeds over loopback with
ETag/304; problems reported once; backoff; restarts; Ctrl-C; a reader beside the writer."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from storyline import Engine
from storyline.cli import cli
from storyline.watch import Schedule

PAST = time.time() - 60  # a modification time safely outside the settle window


def _article(place: str, n: int = 0) -> str:
    return (f"date 2024-06-{10 + n % 10:02d} A warehouse fire in {place} destroyed stocks of "
            f"grain on Tuesday, the local fire brigade said, and {n + 2} workers were treated "
            "for smoke.\nThe cause of the fire is being investigated by the police.\n")


def _write(path: Path, text: str, mtime: float = PAST) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    os.utime(path, (mtime, mtime))
    return path


def _engine(db: Path, **settings) -> Engine:
    return Engine(db=str(db), **{"cluster": False, "watch_settle_seconds": 0.5, **settings})


def _only(report):
    assert len(report.sources) == 1
    return report.sources[0]


# --------------------------------------------------------------------------- folders

def test_folder_files_appear_change_and_vanish(tmp_path):
    inbox, db = tmp_path / "inbox", tmp_path / "news.db"
    _write(inbox / "a.txt", _article("Lumo"))
    _write(inbox / "deep" / "b.txt", _article("Kalder", 1))
    _write(inbox / ".hidden.txt", _article("Secret", 2))
    with _engine(db) as engine:
        first = engine.poll([str(inbox)])
        assert (_only(first).new, first.ingest.added) == (2, 2)
        assert engine.poll([str(inbox)]).found_something is False  # nothing new: no line

        os.utime(inbox / "a.txt", (PAST + 5, PAST + 5))  # touched: same bytes
        _write(inbox / "deep" / "b.txt", _article("Kalder-on-Sea", 1), PAST + 5)  # edited
        _write(inbox / "c.txt", _article("Vesna", 3))
        (inbox / "a.txt").unlink()
        second = engine.poll([str(inbox)])
        polled = _only(second)
        assert (polled.new, polled.changed, polled.gone) == (1, 1, 1)
        assert second.ingest.added == 2 and second.ingest.documents == 2  # a.txt not read
        assert engine.count_articles() == 4  # the vanished file's article stays stored


def test_restart_reads_only_what_changed_meanwhile(tmp_path):
    inbox, db = tmp_path / "inbox", tmp_path / "news.db"
    for n in range(3):
        _write(inbox / f"{n}.txt", _article(f"Town{n}", n))
    with _engine(db) as engine:
        assert engine.poll([str(inbox)]).ingest.added == 3
    _write(inbox / "3.txt", _article("Town3", 3))
    with _engine(db) as engine:  # a new process: only the new file is read
        report = engine.poll([str(inbox)])
        assert (_only(report).new, report.ingest.documents, report.ingest.added) == (1, 1, 1)


def test_a_file_still_being_written_waits_for_the_next_poll(tmp_path):
    inbox, db = tmp_path / "inbox", tmp_path / "news.db"
    _write(inbox / "fresh.txt", _article("Lumo"), mtime=time.time())
    with _engine(db, watch_settle_seconds=30) as engine:
        report = engine.poll([str(inbox)])
        assert (_only(report).waiting, report.ingest.documents) == (1, 0)
        os.utime(inbox / "fresh.txt", (PAST, PAST))
        assert engine.poll([str(inbox)]).ingest.added == 1


def test_glob_and_single_file_sources(tmp_path):
    inbox, db = tmp_path / "inbox", tmp_path / "news.db"
    _write(inbox / "x" / "a.txt", _article("Lumo"))
    _write(inbox / "y" / "b.txt", _article("Kalder", 1))
    _write(inbox / "y" / "c.html", "<html><body><p>not matched by the glob</p></body></html>")
    with _engine(db) as engine:
        report = engine.poll([str(inbox / "**" / "*.txt"), str(inbox / "x" / "a.txt")])
        assert [s.new for s in report.sources] == [2, 1]
        assert report.ingest.added == 2 and report.ingest.already_stored == 1


def test_unreadable_file_is_reported_once_and_stored_as_a_rejection(tmp_path):
    inbox, db = tmp_path / "inbox", tmp_path / "news.db"
    _write(inbox / "good.txt", _article("Lumo"))
    os.mkfifo(inbox / "pipe.txt")  # would block a reader forever
    with _engine(db) as engine:
        first = engine.poll([str(inbox)])
        assert [p.where for p in first.new_problems] == [str(inbox / "pipe.txt")]
        assert "pipe" in first.new_problems[0].reason
        second = engine.poll([str(inbox)])
        assert second.new_problems == [] and second.found_something is False
        assert [r["origin"] for r in engine.rejections()] == [str(inbox / "pipe.txt")]
        (inbox / "pipe.txt").unlink()
        assert engine.poll([str(inbox)]).recovered == [str(inbox / "pipe.txt")]


def test_bad_content_is_rejected_once_and_the_rest_goes_on(tmp_path):
    inbox, db = tmp_path / "inbox", tmp_path / "news.db"
    _write(inbox / "good.txt", _article("Lumo"))
    (inbox / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    os.utime(inbox / "image.txt", (PAST, PAST))
    with _engine(db) as engine:
        first = engine.poll([str(inbox)])
        assert first.ingest.added == 1 and len(first.ingest.rejected) == 1
        assert "binary" in first.ingest.rejected[0].reason
        assert engine.poll([str(inbox)]).ingest.rejected == []  # not read again unchanged


def test_a_missing_folder_is_reported_once_and_the_other_sources_go_on(tmp_path):
    inbox, missing, db = tmp_path / "inbox", tmp_path / "later", tmp_path / "news.db"
    _write(inbox / "a.txt", _article("Lumo"))
    with _engine(db) as engine:
        first = engine.poll([str(missing), str(inbox)])
        assert [(p.where, p.reason) for p in first.new_problems] == [
            (str(missing), "no such file or folder")]
        assert first.ingest.added == 1
        assert engine.poll([str(missing), str(inbox)]).new_problems == []
        missing.mkdir()
        third = engine.poll([str(missing), str(inbox)])
        assert third.recovered == [str(missing)] and third.new_problems == []


def test_an_empty_folder_is_not_a_problem(tmp_path):
    (tmp_path / "empty").mkdir()
    with _engine(tmp_path / "news.db") as engine:
        report = engine.poll([str(tmp_path / "empty")])
        assert report.new_problems == [] and _only(report).problem is None


# --------------------------------------------------------------------------- feeds

def _rss(items: list[tuple[str, str, str]]) -> bytes:
    entries = "".join(
        f"<item><guid>{guid}</guid><title>{title}</title><link>http://news.example/{guid}</link>"
        f"<pubDate>Tue, 11 Jun 2024 08:00:00 GMT</pubDate><description>{body}</description></item>"
        for guid, title, body in items)
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Loopback News</title><language>en</language>{entries}</channel></rss>").encode()


class FeedServer:
    """A feed on loopback that answers 304 to a matching If-None-Match, like real servers."""

    def __init__(self):
        self.body = b""
        self.content_type = "application/rss+xml"
        self.requests: list[dict[str, str]] = []
        self.statuses: list[int] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's naming)
                server.requests.append(dict(self.headers))
                etag = '"' + hashlib.sha256(server.body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    server.statuses.append(304)
                    self.send_response(304)
                    self.end_headers()
                    return
                server.statuses.append(200)
                self.send_response(200)
                self.send_header("Content-Type", server.content_type)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(server.body)))
                self.end_headers()
                self.wfile.write(server.body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/feed.xml"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def feed_server():
    server = FeedServer()
    yield server
    server.close()


ITEMS = [("g1", "Fire in Lumo", _article("Lumo")), ("g2", "Fire in Kalder", _article("Kalder", 1))]


def test_feed_conditional_get_new_and_edited_entries_and_restart(tmp_path, feed_server):
    db = tmp_path / "news.db"
    feed_server.body = _rss(ITEMS)
    with _engine(db) as engine:
        first = engine.poll([feed_server.url])
        assert (_only(first).new, first.ingest.added) == (2, 2)
        second = engine.poll([feed_server.url])
        assert _only(second).not_modified and feed_server.statuses[-1] == 304
        assert second.found_something is False

        feed_server.body = _rss([ITEMS[0], ("g2", "Fire in Kalder", _article("Kalder, updated", 1)),
                                 ("g3", "Fire in Vesna", _article("Vesna", 2))])
        third = engine.poll([feed_server.url])
        assert (_only(third).new, _only(third).changed) == (1, 1)
        assert third.ingest.documents == 2 and third.ingest.added == 2  # g1 not read again
    with _engine(db) as engine:  # the validators survive a restart: one cheap 304
        assert _only(engine.poll([feed_server.url])).not_modified
    assert feed_server.requests[-1]["If-None-Match"].startswith('"')


def test_feed_that_is_down_is_reported_once_and_others_go_on(tmp_path, feed_server):
    inbox, db = tmp_path / "inbox", tmp_path / "news.db"
    _write(inbox / "a.txt", _article("Lumo"))
    feed_server.body = _rss(ITEMS)
    url = feed_server.url
    feed_server.close()  # nothing listens there now
    with _engine(db) as engine:
        first = engine.poll([url, str(inbox)])
        assert [p.where for p in first.new_problems] == [url]
        assert "could not fetch" in first.new_problems[0].reason
        assert first.ingest.added == 1
        assert engine.poll([url, str(inbox)]).new_problems == []
        assert engine.store.feed_state(url).failures == 2


def test_a_page_that_is_not_a_feed_says_why(tmp_path, feed_server):
    feed_server.body = b"<html><head><title>Home</title></head><body>Hello</body></html>"
    feed_server.content_type = "text/html"
    with _engine(tmp_path / "news.db") as engine:
        report = engine.poll([feed_server.url])
        assert "not an RSS or Atom feed" in report.new_problems[0].reason


def test_backoff_for_a_failing_feed():
    schedule = Schedule(["f/", "http://x/feed"], file_interval=10, feed_interval=300, start=0)
    assert schedule.due(0) == ["f/", "http://x/feed"]
    assert [schedule.retry_delay(n) for n in range(6)] == [300, 300, 600, 1200, 2400, 3600]
    assert Schedule([], file_interval=1, feed_interval=7200, start=0).retry_delay(3) == 7200


def test_watch_loop_picks_up_new_files_until_stopped(tmp_path):
    inbox, db = tmp_path / "inbox", tmp_path / "news.db"
    inbox.mkdir()
    stop, reports = threading.Event(), []

    def run():
        with _engine(db, watch_settle_seconds=0.0) as engine:
            for report in engine.watch([str(inbox)], interval=0.1, stop=stop):
                reports.append(report)

    thread = threading.Thread(target=run)
    thread.start()
    try:
        time.sleep(0.3)
        _write(inbox / "late.txt", _article("Lumo"))
        deadline = time.monotonic() + 10
        while not any(r.ingest.added for r in reports) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()
    assert sum(r.ingest.added for r in reports) == 1


# --------------------------------------------------------------------------- CLI

def test_cli_once_json(tmp_path):
    inbox, db = tmp_path / "inbox", tmp_path / "news.db"
    _write(inbox / "a.txt", _article("Lumo"))
    result = CliRunner().invoke(cli, ["watch", str(inbox), "--db", str(db), "--once", "--json"],
                                env={"STORYLINE_CLUSTER": "false"})
    assert result.exit_code == 0, result.output
    report = json.loads(result.output.strip().splitlines()[-1])
    assert report["sources"][0]["new"] == 1 and report["ingest"]["added"] == 1
    bad = CliRunner().invoke(cli, ["watch", str(inbox), "--db", str(db), "--interval", "0"])
    assert bad.exit_code == 2 and "more than 0 seconds" in bad.output


def test_ctrl_c_stops_cleanly_and_a_reader_works_beside_the_writer(tmp_path):
    """The server's situation: one process writes (watch), another reads the same file."""
    inbox, db = tmp_path / "inbox", tmp_path / "news.db"
    for n in range(40):
        _write(inbox / f"{n:02d}.txt", _article(f"Town{n}", n))
    env = {**os.environ, "STORYLINE_CLUSTER": "false", "STORYLINE_BATCH_SIZE": "4"}
    watcher = subprocess.Popen([sys.executable, "-c", "from storyline.cli import main; main()", "watch", str(inbox),
                                "--db", str(db), "--interval", "0.2", "-q"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    counts = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and (not counts or counts[-1] < 40):
            if db.exists():
                with Engine(db=str(db), cluster=False) as reader:
                    counts.append(reader.count_articles())
                    reader.articles(limit=5)
            time.sleep(0.05)
    finally:
        watcher.send_signal(signal.SIGINT)
        out, err = watcher.communicate(timeout=30)
    assert watcher.returncode == 0, err
    assert counts[-1] == 40 and counts == sorted(counts)
    assert "40 new" in out


@pytest.fixture(autouse=True)
def _python_path(monkeypatch):
    """The subprocess imports the package from this checkout."""
    root = str(Path(__file__).resolve().parents[1])
    monkeypatch.setenv("PYTHONPATH", root + os.pathsep + os.environ.get("PYTHONPATH", ""))
