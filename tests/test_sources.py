"""The readers: every input format, the bad inputs, discovery and ordering.

Every fixture is written here into ``tmp_path``; feeds over HTTP come from a tiny server on
127.0.0.1 that the test starts and stops.
"""

from __future__ import annotations

import gzip
import http.server
import io
import json
import os
import threading
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storyline.errors import SettingsError
from storyline.extract import extract_article
from storyline.settings import load_settings
from storyline.sources import (FieldMapping, Limits, detect_format, discover, read_path,
                               read_sources)
from storyline.types import RawDocument, Rejected

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"

FRENCH = ("Le ministre a annoncé jeudi à Genève que les négociations reprendraient "
          "« très bientôt ». Les délégués étaient déçus, a-t-il ajouté.")
RUSSIAN = ("Президент посетит Китай в четверг и пятницу, сообщило министерство иностранных "
           "дел. Это будет второй визит за полгода, отметили в ведомстве.")
GERMAN = "Die Verhandlungen würden „sehr bald“ fortgesetzt, sagte der Minister in Genf."


def read(*paths, **options) -> list[RawDocument | Rejected]:
    return list(read_sources([str(p) for p in paths], **options))


def documents(items) -> list[RawDocument]:
    return [item for item in items if isinstance(item, RawDocument)]


def rejections(items) -> list[Rejected]:
    return [item for item in items if isinstance(item, Rejected)]


def only_rejection(items) -> Rejected:
    assert len(items) == 1 and isinstance(items[0], Rejected), items
    return items[0]


# --------------------------------------------------------------------------- text and encodings

def test_text_file_body_is_kept_as_is(tmp_path):
    body = " date 2024-05-14 A headline\r\n\nFirst paragraph.\n\nSecond one.\n"
    path = tmp_path / "a.txt"
    path.write_text(body, encoding="utf-8", newline="")
    [doc] = read(path)
    assert doc == RawDocument(origin=str(path), body=body, kind="text", hints={}, encoding="utf-8")


@pytest.mark.parametrize("text, encoding", [
    (FRENCH, "cp1252"),
    (RUSSIAN, "koi8-r"),
    (RUSSIAN, "cp1251"),
])
def test_legacy_encodings_are_detected(tmp_path, text, encoding):
    path = tmp_path / f"{encoding}.txt"
    path.write_bytes(((text + "\n") * 3).encode(encoding))
    [doc] = read(path)
    assert doc.encoding == encoding
    assert doc.body == (text + "\n") * 3


def test_byte_order_mark_decides_the_encoding(tmp_path):
    path = tmp_path / "utf16.txt"
    path.write_bytes(b"\xff\xfe" + GERMAN.encode("utf-16-le"))
    [doc] = read(path)
    assert (doc.body, doc.encoding) == (GERMAN, "utf-16-le")


def test_random_bytes_are_rejected_as_not_text(tmp_path):
    path = tmp_path / "noise.txt"
    path.write_bytes(bytes(range(1, 256)) * 40)
    reason = only_rejection(read(path)).reason
    assert "not text" in reason


# --------------------------------------------------------------------------- HTML

def test_html_is_decoded_with_its_declared_charset(tmp_path):
    page = (f'<html><head><meta charset="windows-1251"><title>Визит</title>'
            f'<link rel="canonical" href="https://news.example/visit"></head>'
            f"<body><p>{RUSSIAN}</p></body></html>")
    path = tmp_path / "page.html"
    path.write_bytes(page.encode("cp1251"))
    [doc] = read(path)
    assert (doc.kind, doc.encoding, doc.body) == ("html", "cp1251", page)
    assert doc.hints == {"url": "https://news.example/visit"}


def test_html_http_equiv_charset_and_og_url(tmp_path):
    page = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=koi8-r">'
            '<meta property="og:url" content="https://news.example/og"></head>'
            f"<body><p>{RUSSIAN}</p></body></html>")
    path = tmp_path / "page.htm"
    path.write_bytes(page.encode("koi8-r"))
    [doc] = read(path)
    assert (doc.encoding, doc.body, doc.hints["url"]) == ("koi8-r", page, "https://news.example/og")


def test_html_without_an_article_is_still_yielded(tmp_path):
    path = tmp_path / "nav.html"
    path.write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>")
    [doc] = read(path)
    assert doc.kind == "html" and doc.hints == {}


# --------------------------------------------------------------------------- JSON Lines and JSON

def write_jsonl(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_jsonl_malformed_line_is_rejected_and_the_rest_continues(tmp_path):
    path = write_jsonl(tmp_path / "dump.jsonl", [
        json.dumps({"title": "One", "text": "First body.", "date": "2024-05-14", "url": "https://a.example/1",
                    "source": "Agency A", "lang": "en", "subtitle": "A dek"}),
        '{"title": "Two", "text": "Second body." "url": "x"}',
        "",
        json.dumps({"headline": "Three", "body": "<p>Third <b>body</b></p>", "published_at": "2024-05-15"}),
    ])
    items = read(path)
    assert [type(item).__name__ for item in items] == ["RawDocument", "Rejected", "RawDocument"]
    first, bad, third = items
    assert first.origin == f"{path}:1" and first.body == "First body." and first.kind == "text"
    assert first.hints == {"title": "One", "subtitle": "A dek", "date": "2024-05-14",
                           "url": "https://a.example/1", "outlet": "Agency A", "lang": "en"}
    assert bad.origin == f"{path}:2"
    assert bad.reason == "not valid JSON (Expecting ',' delimiter at column 41)"
    assert third.origin == f"{path}:4" and third.kind == "html"
    assert third.hints == {"title": "Three", "date": "2024-05-15"}


def test_jsonl_record_without_text_names_its_fields_and_the_fix(tmp_path):
    path = write_jsonl(tmp_path / "d.jsonl", [json.dumps({"id": 7, "headline": "H", "story_html": "<p>x</p>"}),
                                              json.dumps({"text": "   ", "body": ""})])
    missing, empty = read(path)
    assert missing.reason.startswith("no text field: the record has fields id, headline, story_html;")
    assert "--field text=NAME" in missing.reason
    assert empty.reason == "the text field 'text' is empty (so are 'body')"


def test_a_record_with_an_empty_text_under_a_title_is_a_document_of_its_title(tmp_path):
    """The extract stage then keeps it as a headline-only article (test_extract)."""
    path = write_jsonl(tmp_path / "d.jsonl", [json.dumps({"title": "Ferry captain charged after collision",
                                                          "text": "", "date": "2024-03-02"})])
    [doc] = read(path)
    assert doc.body == "" and doc.hints == {"title": "Ferry captain charged after collision", "date": "2024-03-02"}
    article = extract_article(doc)
    assert article.headline_only and article.title == "Ferry captain charged after collision"


def test_field_mapping_override_picks_the_named_field(tmp_path):
    path = write_jsonl(tmp_path / "d.jsonl", [json.dumps({"text": "teaser", "story_html": "<p>Full</p>"})])
    mapping = FieldMapping().override("text=story_html")
    [doc] = read(path, fields=mapping)
    assert (doc.body, doc.kind) == ("<p>Full</p>", "html")


def test_field_names_match_ignoring_case_and_separators_and_reach_nested_objects(tmp_path):
    record = {"Title": "T", "Content": "Body.", "publishedAt": 1715673600,
              "source": {"id": None, "name": "Wire Service"}, "meta": {"lang": "de"}}
    path = write_jsonl(tmp_path / "d.jsonl", [json.dumps(record)])
    [doc] = read(path, fields=FieldMapping().override("lang=meta.lang"))
    assert doc.hints == {"title": "T", "date": "2024-05-14T08:00:00Z", "outlet": "Wire Service",
                         "lang": "de"}


def test_jsonl_oversized_line_and_bad_utf8_line_are_rejected_one_by_one(tmp_path):
    path = tmp_path / "d.jsonl"
    lines = [json.dumps({"text": "ok ünïcode"}, ensure_ascii=False).encode(),
             json.dumps({"text": "x" * 5000}).encode(),
             b'{"text": "caf\xe9"}',
             json.dumps({"text": "last"}).encode(),
             b"[1, 2]"]
    path.write_bytes(b"\n".join(lines) + b"\n")
    items = read(path, max_document_bytes=1000)
    assert [getattr(item, "body", None) for item in items] == ["ok ünïcode", None, None, "last", None]
    assert items[1].reason == ("line is larger than the 1000 bytes limit for one document; "
                               "raise max_document_mb or split it")
    assert items[2].reason.startswith("not valid UTF-8 text (invalid continuation byte: byte 0xe9")
    assert items[4].reason == "a JSON array, not an object with named fields"


def test_gzipped_jsonl_is_read_and_a_cut_off_copy_keeps_what_came_before(tmp_path):
    lines = [json.dumps({"text": f"Body number {i}: {os.urandom(100).hex()}"}) for i in range(200)]
    whole = tmp_path / "d.jsonl.gz"
    whole.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))
    assert len(documents(read(whole))) == 200
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(whole.read_bytes()[:-200])
    items = read(cut)
    assert 0 < len(documents(items)) < 200
    assert [r.reason.split(":")[0] for r in rejections(items)] == [
        f"truncated or corrupt gzip after {len(documents(items))} records"]


def test_json_array_records_carry_their_line(tmp_path):
    path = tmp_path / "a.json"
    path.write_text(json.dumps([{"text": "One."}, {"text": "Two.", "title": "T2"}], indent=2))
    one, two = read(path)
    assert (one.origin, one.body) == (f"{path}:2", "One.")
    assert (two.origin, two.body, two.hints) == (f"{path}:5", "Two.", {"title": "T2"})


def test_json_wrapper_object_yields_its_list_of_records(tmp_path):
    path = tmp_path / "api.json"
    path.write_text(json.dumps({"status": "ok", "totalResults": 2, "articles": [
        {"title": "A", "content": "Alpha.", "source": {"name": "Outlet"}},
        {"title": "B", "description": "Beta."}]}))
    alpha, beta = read(path)
    assert (alpha.origin, alpha.body, alpha.hints["outlet"]) == (f"{path}:1#articles 1", "Alpha.", "Outlet")
    assert (beta.origin, beta.body) == (f"{path}:1#articles 2", "Beta.")


def test_broken_json_array_keeps_earlier_records_then_one_rejection(tmp_path):
    path = tmp_path / "b.json"
    path.write_text('[\n{"text": "One."},\n{"text": "Two." "x": 1},\n{"text": "Three."}\n]')
    items = read(path)
    assert [d.body for d in documents(items)] == ["One."]
    [bad] = rejections(items)
    assert bad.origin == f"{path}:3"
    assert bad.reason == ("not valid JSON (Expecting ',' delimiter at line 3, column 17); "
                          "the rest of the file was skipped")


def test_oversized_records_in_a_json_array(tmp_path):
    """A record over the limit is rejected alone; one too large to even parse within the
    limit ends the file, since where the next record starts cannot be known."""
    path = tmp_path / "big.json"
    path.write_text(json.dumps([{"text": "small"}, {"text": "x" * 5000}, {"text": "after"},
                                {"text": "y" * 200_000}, {"text": "lost"}], indent=1))
    small, too_big, after, huge = read(path, max_document_bytes=1000)
    assert (small.body, after.body) == ("small", "after")
    assert too_big == Rejected(f"{path}:5", "text field 'text' is 5 KB, larger than the 1000 bytes limit "
                                            "for one document; raise max_document_mb or split it")
    assert huge == Rejected(f"{path}:11", "record is larger than the 1000 bytes limit for one document; "
                                          "raise max_document_mb or split it; the rest of the file was skipped")


def test_json_file_holding_json_lines_is_read_line_by_line(tmp_path):
    path = write_jsonl(tmp_path / "lines.json", [json.dumps({"text": "a"}), "{oops", json.dumps({"text": "b"})])
    assert detect_format(str(path)) == "jsonl"
    assert [type(i).__name__ for i in read(path)] == ["RawDocument", "Rejected", "RawDocument"]


# --------------------------------------------------------------------------- CSV

def test_csv_with_custom_mapping_semicolons_and_multiline_cells(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text('id;headline;story;when\n'
                    '1;First;"Para one.\n\nPara two; with a semicolon.";2024-05-14\n'
                    '2;Second;"Body ""quoted"".";2024-05-15\n', encoding="utf-8")
    mapping = FieldMapping().with_overrides(["text=story", "date=when"])
    first, second = read(path, fields=mapping)
    assert (first.origin, first.body) == (f"{path}:2", "Para one.\n\nPara two; with a semicolon.")
    assert first.hints == {"title": "First", "date": "2024-05-14"}
    assert (second.origin, second.body) == (f"{path}:5", 'Body "quoted".')


def test_tsv_in_cp1252_with_a_field_larger_than_the_csv_default(tmp_path):
    big = FRENCH * 2000  # ~280 KB, above csv's default 128 KB field limit
    path = tmp_path / "export.tsv"
    path.write_bytes(f"title\ttext\nGenève\t{big}\n".encode("cp1252"))
    [doc] = read(path)
    assert (doc.body, doc.hints["title"], doc.encoding) == (big, "Genève", "cp1252")


def test_csv_without_a_text_column_is_rejected_once(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("id,headline,story_html\n1,a,b\n2,c,d\n")
    reason = only_rejection(read(path)).reason
    assert reason.startswith("no text column: the header has columns id, headline, story_html;")
    assert "--field text=NAME" in reason


def test_csv_runaway_quote_stops_the_file_with_one_rejection(tmp_path):
    path = tmp_path / "q.csv"
    path.write_text('title,text\nok,"Fine body."\nbad,"never closed\n' + "more text\n" * 500)
    items = read(path, max_document_bytes=2000)
    assert [d.body for d in documents(items)] == ["Fine body."]
    [bad] = rejections(items)
    assert bad.origin == f"{path}:3"
    assert "a quote is never closed" in bad.reason and "rest of the file was skipped" in bad.reason


def test_csv_row_that_is_not_valid_utf8_is_rejected_alone(tmp_path):
    path = tmp_path / "u.csv"
    path.write_bytes("title,text\nÉté,Première ligne.\n".encode() + b"b,caf\xe9\n"
                     + "Über,Dritte Zeile.\n".encode())
    first, bad, third = read(path)
    assert (first.body, third.body, first.encoding) == ("Première ligne.", "Dritte Zeile.", "utf-8")
    assert bad.origin == f"{path}:3" and bad.reason.startswith("not valid UTF-8 text")


def test_csv_row_with_more_cells_than_the_header(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("title,text\na,b,c,d\ne,f,\n")
    bad, good = read(path)
    assert bad.reason == "has 4 cells but the header names 2; check the quoting or the delimiter"
    assert good.body == "f"


# --------------------------------------------------------------------------- feeds

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr">
  <title>Le Quotidien</title>
  <entry>
    <title>Négociations à Genève</title>
    <link href="https://quotidien.example/geneve"/>
    <published>2024-05-14T10:30:00+02:00</published>
    <author><name>Anne Martin</name></author>
    <summary>Court résumé.</summary>
    <content type="html">&lt;p&gt;{french}&lt;/p&gt;&lt;p&gt;Deuxième paragraphe.&lt;/p&gt;</content>
  </entry>
  <entry><title>Sans contenu</title><link href="https://quotidien.example/vide"/></entry>
</feed>""".format(french=FRENCH)

RSS = """<?xml version="1.0" encoding="windows-1251"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Вести</title><language>ru</language><link>https://vesti.example/</link>
<item><title>Визит</title><link>https://vesti.example/1</link>
<pubDate>Tue, 14 May 2024 09:00:00 +0300</pubDate>
<description>Кратко.</description>
<content:encoded><![CDATA[<p>{russian}</p>]]></content:encoded></item>
<item><title>Только описание</title><link>https://vesti.example/2</link><description>Просто текст.</description></item>
<item><title>Ссылка</title><description>См. &lt;a href="https://vesti.example/3"&gt;здесь&lt;/a&gt;</description></item>
</channel></rss>""".format(russian=RUSSIAN)


def test_atom_feed_full_content_and_hints(tmp_path):
    path = tmp_path / "feed.atom"
    path.write_text(ATOM, encoding="utf-8")
    entry, empty = read(path)
    assert entry.origin == f"{path}#entry 1" and entry.kind == "html"
    assert entry.body == f"<p>{FRENCH}</p><p>Deuxième paragraphe.</p>"
    assert entry.hints == {"title": "Négociations à Genève", "date": "2024-05-14T10:30:00+02:00",
                           "url": "https://quotidien.example/geneve", "outlet": "Le Quotidien",
                           "lang": "fr", "author": "Anne Martin"}
    # a title and nothing else: the extract stage judges the title (too short to stand for
    # an article here; see test_extract for one that is kept as a headline-only article)
    assert empty.origin == f"{path}#entry 2" and empty.body == "" and empty.hints["title"] == "Sans contenu"
    rejected = extract_article(empty)
    assert isinstance(rejected, Rejected) and "title ('Sans contenu') is too short" in rejected.reason


def test_rss_feed_in_windows_1251_prefers_full_content_over_summary(tmp_path):
    path = tmp_path / "feed.rss"
    path.write_bytes(RSS.encode("cp1251"))
    full, summary_only, inline_link = read(path)
    assert (full.body, full.kind, full.encoding) == (f"<p>{RUSSIAN}</p>", "html", "cp1251")
    assert full.hints["outlet"] == "Вести" and full.hints["lang"] == "ru"
    assert full.hints["date"] == "Tue, 14 May 2024 09:00:00 +0300"  # as written; extract normalises
    assert (summary_only.body, summary_only.kind) == ("Просто текст.", "text")
    assert (inline_link.body, inline_link.kind) == ('См. <a href="https://vesti.example/3">здесь</a>', "html")


@pytest.mark.parametrize("content, reason", [
    (b"just some words, not markup\n",
     "not an RSS or Atom feed: the content is not XML (it does not start with '<')"),
    (b"<page><section>Not a feed</page>", "not an RSS or Atom feed: mismatched tag: line 1, column 27"),
    (b"<?xml version='1.0'?><rss version='2.0'><channel><title>Cut</ti",
     "feed has no entries and is not well-formed: unclosed token: line 1, column 59"),
    (b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
     b"<url><loc>https://a.example/</loc></url></urlset>",
     "not an RSS or Atom feed: the XML root is <urlset>, not <rss>, <feed> or <rdf:RDF>"),
    (b'<?xml version="1.0"?><rss version="2.0"><channel><title>Quiet</title></channel></rss>',
     "feed has no entries"),
])
def test_inputs_that_are_not_usable_feeds(tmp_path, content, reason):
    path = tmp_path / "bad.xml"
    path.write_bytes(content)
    assert only_rejection(read(path)) == Rejected(str(path), reason)


@pytest.fixture
def http_site():
    """A local web server: ``pages`` maps a path to (content type, body)."""
    pages: dict[str, tuple[str, bytes]] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path not in pages:
                self.send_error(404, "Not Found")
                return
            content_type, body = pages[self.path]
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):  # keep test output clean
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", pages
    server.shutdown()
    server.server_close()
    thread.join()


def test_feed_url_is_fetched_and_parsed(http_site):
    base, pages = http_site
    pages["/feed"] = ("application/atom+xml", ATOM.encode())
    pages["/page"] = ("text/html", b'<html><head><link rel="alternate" type="application/rss+xml" '
                                   b'href="/rss.xml"></head><body>hi</body></html>')
    items = read(f"{base}/feed", f"{base}/missing", f"{base}/page")
    entry = items[0]
    assert entry.origin == f"{base}/feed#entry 1" and entry.body.startswith(f"<p>{FRENCH}")
    assert items[1].origin == f"{base}/feed#entry 2" and items[1].body == ""  # a title alone
    assert items[2] == Rejected(f"{base}/missing", "could not fetch: HTTP 404 Not Found")
    assert items[3] == Rejected(f"{base}/page", "not an RSS or Atom feed: the server sent an HTML "
                                                "page; the page links to a feed at /rss.xml")


def test_feed_url_larger_than_the_file_limit(http_site):
    base, pages = http_site
    pages["/big"] = ("application/rss+xml", RSS.encode("cp1251"))
    reason = only_rejection(read(f"{base}/big", max_file_bytes=100)).reason
    assert reason.startswith("file is ") and reason.endswith("limit for one container file; raise max_file_mb or split it")


def test_unreachable_feed_url_is_one_rejection():
    import socket
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/feed"
    assert only_rejection(read(url)) == Rejected(url, "could not fetch: connection refused")


# --------------------------------------------------------------------------- WARC

def write_warc(path: Path, compress: bool) -> Path:
    """warcinfo, request, 4 responses (HTML 200, 404, image, text 200), resource (HTML)."""
    def response(uri, status, content_type, body):
        headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
        return writer.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=headers)

    with open(path, "wb") as stream:
        writer = WARCWriter(stream, gzip=compress)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "tests"}))
        writer.write_record(writer.create_warc_record("https://w.example/a", "request",
                                                      payload=io.BytesIO(b"GET /a HTTP/1.1\r\n\r\n")))
        page = f"<html><body><p>{RUSSIAN}</p></body></html>".encode("cp1251")
        writer.write_record(response("https://w.example/a", "200 OK", "text/html; charset=windows-1251", page))
        writer.write_record(response("https://w.example/gone", "404 Not Found", "text/html", b"<p>no</p>"))
        writer.write_record(response("https://w.example/i.png", "200 OK", "image/png", b"\x89PNG\r\n\x1a\n"))
        writer.write_record(response("https://w.example/t", "200 OK", "text/plain", FRENCH.encode("utf-8")))
        writer.write_record(writer.create_warc_record(
            "https://w.example/r", "resource",
            payload=io.BytesIO(f"<p>{GERMAN}</p><p>{os.urandom(1000).hex()}</p>".encode()),
            warc_content_type="text/html"))
    return path


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_warc_yields_successful_html_and_text_responses(tmp_path, name):
    path = write_warc(tmp_path / name, compress=name.endswith(".gz"))
    page, text, resource = read(path)
    assert page.origin == f"{path}#record 3" and page.kind == "html" and page.encoding == "cp1251"
    assert page.body == f"<html><body><p>{RUSSIAN}</p></body></html>"
    assert page.hints["url"] == "https://w.example/a" and page.hints["fetched"].startswith("20")
    assert "date" not in page.hints  # the crawl time is not the publication date
    assert (text.origin, text.kind, text.body) == (f"{path}#record 6", "text", FRENCH)
    assert (resource.origin, resource.kind) == (f"{path}#record 7", "html")


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
@pytest.mark.parametrize("cut", [60, 400])
def test_truncated_warc_keeps_earlier_records_then_one_rejection(tmp_path, name, cut):
    whole = write_warc(tmp_path / name, compress=name.endswith(".gz")).read_bytes()
    path = tmp_path / f"cut-{name}"
    path.write_bytes(whole[:-cut])  # inside the last record
    items = read(path)
    assert [d.origin for d in documents(items)] == [f"{path}#record 3", f"{path}#record 6"]
    [damage] = rejections(items)
    assert damage.origin == str(path)
    assert damage.reason.startswith("truncated or corrupt after record ")


def record_bounds(path: Path) -> list[tuple[int, int]]:
    from warcio.archiveiterator import ArchiveIterator
    with open(path, "rb") as stream:
        iterator = ArchiveIterator(stream)
        return [(iterator.get_record_offset(), iterator.get_record_length()) for _ in iterator]


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_a_warc_cut_anywhere_gives_at_most_one_rejection(tmp_path, name):
    """Cut between records the file is a shorter valid archive; cut anywhere else, the
    damage is reported once, whether warcio raised or stopped quietly."""
    whole = write_warc(tmp_path / name, compress=name.endswith(".gz"))
    data, bounds = whole.read_bytes(), record_bounds(whole)
    # A plain record is closed by "\r\n\r\n": without at least "\r\n" it may be cut anywhere.
    closing = range(1) if name.endswith(".gz") else range(2, 5)
    clean_cuts = {start + length + gap for start, length in bounds for gap in closing}
    near_boundaries = {start + length + gap for start, length in bounds for gap in range(-1, 6)}
    path = tmp_path / f"cut-{name}"
    for cut in sorted(c for c in set(range(1, len(data), 23)) | near_boundaries if c < len(data)):
        path.write_bytes(data[:cut])
        damage = rejections(read(path))
        expected = 0 if cut in clean_cuts else 1
        assert len([r for r in damage if "truncated" in r.reason]) == expected, (cut, damage)
        assert all(r.reason.startswith(("truncated or corrupt", "no HTML or text")) for r in damage)


def test_file_that_is_not_a_warc(tmp_path):
    path = tmp_path / "fake.warc"
    path.write_text("hello, I am not an archive\n")
    reason = only_rejection(read(path)).reason
    assert reason == "not a WARC or ARC file: it starts with 'hello, I am not an archive', not 'WARC/'"


# --------------------------------------------------------------------------- bad inputs

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(64)


@pytest.mark.parametrize("name, content, reason", [
    ("empty.txt", b"", "empty file"),
    ("empty.jsonl", b"", "empty file"),
    ("blank.html", b"  \n\n", "file has only whitespace"),
    ("image.txt", PNG, "binary file (looks like PNG image), not text"),
    ("image", PNG, "binary file (looks like PNG image), not text"),
    ("doc.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "binary file (looks like PDF document), not text"),
    ("zipped.csv", b"PK\x03\x04" + bytes(40), "binary file (looks like ZIP archive, or a .docx/.xlsx/.epub), not text"),
    ("letter", b"{\\rtf1\\ansi Dear editor}", "binary file (looks like RTF document), not text"),
    ("nul.txt", b"text\x00with\x00nul", "binary file (contains NUL bytes), not text"),
    ("notes.gz", gzip.compress(b"plain words\n"), "binary file (looks like gzip archive), not text; decompress it first"),
])
def test_bad_files_give_exactly_one_clear_rejection(tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    assert only_rejection(read(path)) == Rejected(str(path), reason)


def test_huge_single_document_is_rejected_before_reading(tmp_path):
    path = tmp_path / "huge.txt"
    with open(path, "wb") as stream:  # sparse: no disk space, no time
        stream.truncate(200 * 2**20)
    assert only_rejection(read(path)).reason == (
        "file is 200 MB, larger than the 20 MB limit for one document; raise max_document_mb or split it")


def test_container_above_the_file_limit(tmp_path):
    path = write_jsonl(tmp_path / "big.jsonl", [json.dumps({"text": "x" * 100})] * 50)
    reason = only_rejection(read(path, max_file_bytes=1024)).reason
    assert reason.startswith("file is ") and "limit for one container file; raise max_file_mb" in reason


def test_pipe_in_a_folder_is_not_opened(tmp_path):
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "a.txt").write_text("words")
    assert list(discover([str(tmp_path)])) == [
        str(tmp_path / "a.txt"), Rejected(str(tmp_path / "pipe"), "not a regular file (a pipe, socket or device)")]


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any file")
def test_unreadable_file_is_rejected(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text("hidden")
    path.chmod(0)
    assert only_rejection(read(path)) == Rejected(str(path), "permission denied")


# --------------------------------------------------------------------------- sniffing

@pytest.mark.parametrize("content, expected", [
    (b"<!DOCTYPE html><html><body><p>x</p></body></html>", "html"),
    (b'<?xml version="1.0"?><rss version="2.0"><channel></channel></rss>', "feed"),
    (b'{"text": "a"}\n{"text": "b"}\n', "jsonl"),
    (b'[{"text": "a"}]', "json"),
    (b"WARC/1.0\r\nWARC-Type: warcinfo\r\n", "warc"),
    (b"Plain words on a line.\n", "text"),
])
def test_format_is_sniffed_when_the_name_says_nothing(tmp_path, content, expected):
    path = tmp_path / "download"
    path.write_bytes(content)
    assert detect_format(str(path)) == expected


def test_gzipped_warc_without_a_suffix_is_recognised(tmp_path):
    path = tmp_path / "crawl-0001"
    path.write_bytes(write_warc(tmp_path / "w.warc.gz", compress=True).read_bytes())
    assert detect_format(str(path)) == "warc"
    assert len(documents(read(path))) == 3


# --------------------------------------------------------------------------- discovery and order

def make_tree(root: Path) -> None:
    for name in ["b/z.txt", "b/a.html", "a.txt", "c/d/e.jsonl", ".hidden.txt", ".git/x.txt", "b/.cache/y.txt"]:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
    for name in ["c/d/e.jsonl", "b/z.txt", ".hidden.txt", ".git/x.txt", "b/.cache/y.txt", "a.txt", "b/a.html"]:
        content = json.dumps({"text": name}) if name.endswith(".jsonl") else f"<p>{name}</p>"
        (root / name).write_text(content)


def test_folders_are_walked_recursively_in_name_order_skipping_hidden(tmp_path):
    make_tree(tmp_path)
    found = list(discover([str(tmp_path)]))
    assert found == [str(tmp_path / n) for n in ["a.txt", "b/a.html", "b/z.txt", "c/d/e.jsonl"]]
    assert [d.origin for d in read(tmp_path)] == [
        str(tmp_path / "a.txt"), str(tmp_path / "b/a.html"), str(tmp_path / "b/z.txt"),
        f"{tmp_path / 'c/d/e.jsonl'}:1"]


def test_globs_urls_and_missing_paths(tmp_path):
    make_tree(tmp_path)
    found = list(discover([f"{tmp_path}/**/*.txt", "https://feeds.example/rss",
                           str(tmp_path / "nope.txt"), f"{tmp_path}/*.csv"]))
    assert found == [str(tmp_path / "a.txt"), str(tmp_path / "b/z.txt"), "https://feeds.example/rss",
                     Rejected(str(tmp_path / "nope.txt"), "no such file or folder"),
                     Rejected(f"{tmp_path}/*.csv", "no file or folder matches this pattern")]


def test_the_same_file_named_twice_is_read_once(tmp_path):
    make_tree(tmp_path)
    assert list(discover([str(tmp_path / "a.txt"), str(tmp_path), f"{tmp_path}/a.*"]))[:2] == [
        str(tmp_path / "a.txt"), str(tmp_path / "b/a.html")]


def test_symlinks_neither_loop_nor_leave_the_folder(tmp_path):
    root = tmp_path / "root"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "a.txt").write_text("words")
    (root / "sub" / "loop").symlink_to(root, target_is_directory=True)
    (root / "link.txt").symlink_to(root / "sub" / "a.txt")
    (root / "broken.txt").symlink_to(tmp_path / "gone.txt")
    found = list(discover([str(root)]))
    assert found == [Rejected(str(root / "broken.txt"), "broken symbolic link"),
                     str(root / "link.txt"),  # sub/a.txt is the same file: read once
                     Rejected(str(root / "sub/loop"),
                              "symbolic link to a folder, not followed; name its target to read it")]


def test_empty_folder_is_rejected(tmp_path):
    (tmp_path / "empty" / ".only-hidden").mkdir(parents=True)
    assert list(discover([str(tmp_path / "empty")])) == [
        Rejected(str(tmp_path / "empty"), "folder has no readable files (hidden files and folders are skipped)")]


def test_order_is_deterministic_whatever_the_creation_order(tmp_path):
    first, second = tmp_path / "one", tmp_path / "two"
    names = ["m.txt", "a.txt", "k/b.txt", "c.jsonl"]
    for root, order in ((first, names), (second, list(reversed(names)))):
        for name in order:
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(json.dumps({"text": name}) if name.endswith("jsonl") else name)
    relative = [[d.origin[len(str(root)):] for d in read(root)] for root in (first, second)]
    assert relative[0] == relative[1] == ["/a.txt", "/c.jsonl:1", "/k/b.txt", "/m.txt"]
    assert read(first) == read(first)


@pytest.mark.parametrize("body, expected", [
    ("<p>One.</p><p>Two.</p>", True),
    ("  <div class='story'>Text</div>", True),
    ("Lead paragraph.<br>Second line.</p>", True),
    ("A plain dump with <em>emphasis</em> and <em>more</em> inline tags.", False),
    ("If a < b and c > d, nothing here is markup.", False),
])
def test_html_bodies_are_told_from_text(body, expected):
    from storyline.sources.sniff import looks_like_html
    assert looks_like_html(body) is expected


# --------------------------------------------------------------------------- settings and seeds

def test_field_mapping_from_settings_and_bad_overrides():
    mapping = FieldMapping.from_settings(load_settings({"field_text": "story, body"}))
    assert mapping.text == ("story", "body") and mapping.title == ("title", "headline", "name")
    with pytest.raises(SettingsError, match="--field expects NAME=COLUMN"):
        mapping.override("body")
    with pytest.raises(SettingsError, match="one of title, text"):
        mapping.override("headline=h")
    with pytest.raises(SettingsError, match="names no text field"):
        FieldMapping.from_settings({"field_text": " , "})


def test_limits_from_settings():
    assert Limits.from_settings({"max_document_mb": 1, "max_file_mb": 2}) == Limits(2**20, 2 * 2**20)


def test_read_path_reads_one_input(tmp_path):
    path = tmp_path / "x.txt"
    path.write_text("one")
    assert [d.body for d in read_path(str(path))] == ["one"]


def test_seeds_read_as_two_text_documents():
    if not SEEDS.is_dir():
        pytest.skip(f"seed articles not found at {SEEDS}")
    items = read(SEEDS)
    assert len(items) == 2 and all(isinstance(d, RawDocument) and d.kind == "text" for d in items)
    assert [Path(d.origin).name for d in items] == sorted(p.name for p in SEEDS.glob("*.txt"))
    assert all(d.encoding == "utf-8" and len(d.body) > 500 for d in items)
