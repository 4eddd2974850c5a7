"""The bundled demo corpus is internally consistent and matches its gold answers.

Later features (clustering, story cards, claims) use ``demo_corpus/gold.json`` as their gold
standard, so these tests make sure the gold file describes the files exactly: every document is
listed once, parses with its format, and says what gold says it says (title, date, url, outlet,
the evidence phrases of agreements and disagreements, the wire-copy paragraphs).

Only the standard library and warcio are used here, on purpose: the package's own readers are
tested elsewhere and must not be the thing that checks their own gold data.
"""

from __future__ import annotations

import csv
import html
import importlib.resources
import importlib.util
import json
import re
import sys
import tomllib
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

REPO_ROOT = Path(__file__).resolve().parents[1]
LANGUAGES = {"en", "es", "de", "ru"}
FORMATS = {"txt", "html", "jsonl", "csv", "rss", "atom", "warc"}
NOT_DOCUMENTS = {"README.md", "gold.json", "make_warc.py"}
# Namespace and DTD identifiers, not links to anything.
NON_LINK_HOSTS = {"www.w3.org", "purl.org"}
NS = {"content": "http://purl.org/rss/1.0/modules/content/", "atom": "http://www.w3.org/2005/Atom"}


def _corpus_dir() -> Path:
    """The corpus as the installed package sees it, or the source tree when that fails.

    The fallback exists because an editable install made before ``storyline/__init__.py``
    existed registers ``storyline`` as a namespace package, which importlib.resources cannot
    traverse on Python 3.11, and because ``import storyline`` fails while the package is
    being assembled.
    """
    try:
        found = importlib.resources.files("storyline") / "demo_corpus"
        if isinstance(found, Path) and found.is_dir():
            return found
    except Exception:  # noqa: BLE001 - any import/traversal failure means "use the source tree"
        pass
    return REPO_ROOT / "storyline" / "demo_corpus"


CORPUS = _corpus_dir()
ARTICLES = CORPUS / "articles"  # what 'storyline demo' ingests; gold.json paths are relative to it


@dataclass
class Doc:
    """What a document's own file says about it, read with the standard library."""

    text: str  # everything a reader would see, tags removed, entities decoded
    title: str | None = None
    date: str | None = None  # exactly as written in the file
    url: str | None = None
    outlet: str | None = None
    language: str | None = None
    line: int | None = None  # JSON lines and CSV: 1-based line where the record starts


class _MetaParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "meta":
            values = dict(attrs)
            name = values.get("property") or values.get("name")
            if name and values.get("content") is not None:
                self.meta.setdefault(name, values["content"] or "")


def _plain(markup: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", markup))).strip()


def _declared_charset(raw: bytes, header: str = "") -> str:
    match = re.search(r"charset=([\w-]+)", header) or re.search(
        rb"""charset=["']?([\w-]+)""", raw[:2048])
    found = match.group(1)
    return found if isinstance(found, str) else found.decode("ascii")


def _html_doc(raw: bytes, header: str = "") -> Doc:
    markup = raw.decode(_declared_charset(raw, header))  # strict: a wrong charset fails here
    parser = _MetaParser()
    parser.feed(markup)
    meta = parser.meta
    return Doc(_plain(markup), meta.get("og:title"), meta.get("article:published_time"),
               meta.get("og:url"), meta.get("og:site_name"))


def _txt_doc(path: Path) -> Doc:
    text = path.read_text("utf-8")
    header = re.match(r"\s*date (\d{4}-\d{2}-\d{2}) ", text)
    return Doc(_plain(text), text.splitlines()[0].strip(), header.group(1) if header else None)


def _read_documents() -> dict[str, Doc]:
    docs: dict[str, Doc] = {}
    for path in sorted(p for p in ARTICLES.rglob("*") if p.is_file()):
        rel = path.relative_to(ARTICLES).as_posix()
        if rel in NOT_DOCUMENTS or "__pycache__" in rel:
            continue
        if path.suffix == ".txt":
            docs[rel] = _txt_doc(path)
        elif path.suffix == ".html":
            docs[rel] = _html_doc(path.read_bytes())
        elif path.suffix == ".jsonl":
            for i, line in enumerate(path.read_text("utf-8").splitlines()):
                r = json.loads(line)
                docs[f"{rel}#{i}"] = Doc(_plain(r["title"] + "\n" + r["text"]), r["title"],
                                         r["date"], r["url"], r["source"], r["lang"], i + 1)
        elif path.suffix == ".csv":
            docs.update(_csv_documents(path, rel))
        elif path.name.endswith(".warc.gz"):
            docs.update(_warc_documents(path, rel))
        elif path.suffix == ".xml":
            docs.update(_feed_documents(path, rel))
        else:
            pytest.fail(f"unexpected file in the demo corpus: {rel}")
    return docs


def _csv_documents(path: Path, rel: str) -> dict[str, Doc]:
    docs = {}
    with path.open(newline="", encoding="utf-8") as stream:
        reader = csv.DictReader(stream)
        assert reader.fieldnames == ["headline", "body", "published", "link", "publisher"]
        start = reader.line_num + 1
        for i, r in enumerate(reader):
            docs[f"{rel}#{i}"] = Doc(_plain(r["headline"] + "\n" + r["body"]), r["headline"],
                                     r["published"], r["link"], r["publisher"], line=start)
            start = reader.line_num + 1
    return docs


def _feed_documents(path: Path, rel: str) -> dict[str, Doc]:
    root = ET.parse(path).getroot()  # raises on XML that is not well-formed
    docs = {}
    if root.tag == "rss":
        for i, item in enumerate(root.iter("item")):
            content = item.findtext("content:encoded", namespaces=NS)
            assert content, f"{rel} item {i} has no content:encoded"
            docs[f"{rel}#{i}"] = Doc(_plain(item.findtext("title") + "\n" + content),
                                     item.findtext("title"), item.findtext("pubDate"),
                                     item.findtext("link"))
    else:
        assert root.tag == f"{{{NS['atom']}}}feed", f"{rel} is neither RSS nor Atom"
        for i, entry in enumerate(root.findall("atom:entry", NS)):
            content = entry.find("atom:content", NS)
            assert content is not None and content.get("type") == "html" and content.text
            title = entry.findtext("atom:title", namespaces=NS)
            docs[f"{rel}#{i}"] = Doc(_plain(title + "\n" + content.text), title,
                                     entry.findtext("atom:published", namespaces=NS),
                                     entry.find("atom:link", NS).get("href"))
    return docs


def _warc_documents(path: Path, rel: str) -> dict[str, Doc]:
    docs = {}
    with path.open("rb") as stream:
        responses = (r for r in ArchiveIterator(stream) if r.rec_type == "response")
        for i, record in enumerate(responses):
            content_type = record.http_headers.get_header("Content-Type")
            assert content_type.startswith("text/html"), f"{rel} record {i}: {content_type}"
            doc = _html_doc(record.content_stream().read(), content_type)
            assert doc.url == record.rec_headers.get_header("WARC-Target-URI")
            docs[f"{rel}#{i}"] = doc
    return docs


@pytest.fixture(scope="module")
def gold() -> dict:
    return json.loads((CORPUS / "gold.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def documents() -> dict[str, Doc]:
    return _read_documents()


@pytest.fixture(scope="module")
def gold_docs(gold) -> dict[str, dict]:
    return {d["key"]: d for d in gold["documents"]}


def test_gold_lists_exactly_the_documents_in_the_files(documents, gold, gold_docs):
    assert len(gold_docs) == len(gold["documents"]), "duplicate keys in gold.json"
    assert set(documents) == set(gold_docs)
    assert 36 <= len(documents) <= 48


def test_languages_outlets_events_and_formats_cover_the_brief(gold, gold_docs):
    docs = list(gold_docs.values())
    assert {d["language"] for d in docs} == LANGUAGES
    assert Counter(d["language"] for d in docs).most_common(1)[0][0] == "en"
    assert {d["format"] for d in docs} == FORMATS
    assert 5 <= len(gold["events"]) <= 6
    for event_id, event in gold["events"].items():
        languages = {gold_docs[k]["language"] for k in event["documents"]}
        assert len(languages) >= 2, f"{event_id} is covered in {languages} only"
        assert set(event["documents"]) == {k for k, d in gold_docs.items() if d["event"] == event_id}
    outlets = Counter(d["outlet"] for d in docs)
    assert 8 <= len(outlets) <= 10 and set(outlets) == set(gold["outlets"])
    assert max(outlets.values()) >= 4
    for name, outlet in gold["outlets"].items():
        assert outlet["domain"].endswith(".example") and outlet["documents"] == outlets[name]


def test_each_document_says_what_gold_says(documents, gold, gold_docs):
    aliases = {name: {name, *o["aliases"]} for name, o in gold["outlets"].items()}
    for key, g in gold_docs.items():
        doc = documents[key]
        if g["title"] is not None:
            assert doc.title == g["title"], key
        if g["url"] is not None:
            assert doc.url == g["url"], key
            assert g["url"].split("/")[2] == g["domain"], key
        if doc.outlet is not None:
            assert doc.outlet in aliases[g["outlet"]], key
        if doc.language is not None:
            assert doc.language == g["language"], key
        assert doc.line == g["line"], key
        assert g["date_in_file"] == (doc.date is not None), key
        if doc.date is not None:
            assert _same_date(doc.date, g["date"], g["format"]), (key, doc.date, g["date"])


def _same_date(found: str, expected: str, fmt: str) -> bool:
    if fmt == "txt":  # a `date YYYY-MM-DD` header carries the day only
        return found == expected[:10]
    if fmt == "csv":  # the export writes local time and drops the offset
        return found == expected[:19].replace("T", " ")
    if fmt == "rss":
        return parsedate_to_datetime(found) == datetime.fromisoformat(expected)
    return datetime.fromisoformat(found) == datetime.fromisoformat(expected)


def test_dates_are_in_2024_and_spread_over_weeks(gold_docs):
    dates = sorted(datetime.fromisoformat(d["date"]) for d in gold_docs.values())
    assert {d.year for d in dates} == {2024}
    assert (dates[-1] - dates[0]).days >= 21
    assert len({d.strftime("%H:%M") for d in dates}) >= 20, "times should vary"


def test_agreement_and_disagreement_evidence_is_in_the_text(documents, gold, gold_docs):
    assert gold["agreements"] and gold["disagreements"]
    kinds = {d["kind"] for d in gold["disagreements"]}
    assert {"number", "date", "who said"} <= kinds
    for item in gold["agreements"]:
        _check_evidence(item["event"], item["evidence"], documents, gold_docs)
    for item in gold["disagreements"]:
        assert len(item["claims"]) >= 2, item["id"]
        for claim in item["claims"]:
            _check_evidence(item["event"], claim["evidence"], documents, gold_docs)


def _check_evidence(event: str, evidence: dict[str, str], documents, gold_docs) -> None:
    for key, phrase in evidence.items():
        assert gold_docs[key]["event"] == event, key
        assert _plain(phrase) in documents[key].text, (key, phrase)


def test_wire_copies_share_the_agency_paragraphs(documents, gold, gold_docs):
    (group,) = gold["wire_groups"]
    members = group["members"]
    assert 3 <= len(members) <= 4
    assert {gold_docs[k]["event"] for k in members} == {gold_docs[next(iter(members))]["event"]}
    assert len({gold_docs[k]["outlet"] for k in members}) == len(members)
    flagged = {k for k, d in gold_docs.items() if d["wire_copy"]}
    assert flagged == set(members)
    for key in members:
        for paragraph in group["signature_paragraphs"]:
            assert _plain(paragraph) in documents[key].text, key
    # The copies are near-duplicates, not identical: each one was edited a little.
    assert len({documents[k].text for k in members}) == len(members)


def test_outlet_boilerplate_recurs_in_every_article_of_the_outlet(documents, gold, gold_docs):
    for outlet, marker in gold["outlet_boilerplate"].items():
        keys = [k for k, d in gold_docs.items() if d["outlet"] == outlet]
        assert len(keys) >= 4, outlet
        for key in keys:
            assert _plain(marker) in documents[key].text, (outlet, key)


def test_html_pages_declare_their_charset_and_metadata():
    pages = sorted((ARTICLES / "html").glob("*.html"))
    assert len(pages) >= 6
    charsets = {}
    for page in pages:
        raw = page.read_bytes()
        charsets[page.name] = _declared_charset(raw).lower()
        markup = raw.decode(charsets[page.name])
        for needle in ('property="og:title"', 'property="article:published_time"',
                       'property="og:site_name"', "<nav", "<footer", "<aside", "cookie"):
            assert needle in markup.lower(), (page.name, needle)
    legacy = {name: cs for name, cs in charsets.items() if cs not in ("utf-8",)}
    assert set(legacy.values()) == {"windows-1251", "iso-8859-1"}
    for name in legacy:  # the legacy pages really are in their legacy charset
        with pytest.raises(UnicodeDecodeError):
            (ARTICLES / "html" / name).read_bytes().decode("utf-8")


def test_every_absolute_link_uses_the_reserved_example_tld():
    for path in (p for p in CORPUS.rglob("*") if p.is_file() and p.name != "make_warc.py"):
        raw = path.read_bytes()
        if path.name.endswith(".gz"):
            continue  # checked through its pages in test_warc_is_reproducible_from_its_script
        hosts = set(re.findall(rb"https?://([A-Za-z0-9.-]+)", raw))
        bad = {h.decode() for h in hosts} - NON_LINK_HOSTS
        assert all(h.endswith(".example") for h in bad), (path.name, bad)


def test_warc_is_reproducible_from_its_script(tmp_path):
    script = CORPUS / "make_warc.py"
    spec = importlib.util.spec_from_file_location("_demo_make_warc", script)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look the module up while the class is built
    dont_write, sys.dont_write_bytecode = sys.dont_write_bytecode, True  # keep the corpus clean
    try:
        spec.loader.exec_module(module)
    finally:
        sys.dont_write_bytecode = dont_write
        sys.modules.pop(spec.name, None)
    rebuilt = module.write_warc(tmp_path / "crawl-2024-06.warc.gz")
    assert rebuilt.read_bytes() == (ARTICLES / "warc" / "crawl-2024-06.warc.gz").read_bytes()
    for page in module.PAGES:
        assert re.findall(r"https?://([A-Za-z0-9.-]+)", page.html)
        assert all(h.endswith(".example") for h in re.findall(r"https?://([A-Za-z0-9.-]+)", page.html))


def test_corpus_is_small_and_shipped_as_package_data():
    size = sum(p.stat().st_size for p in CORPUS.rglob("*") if p.is_file())
    assert size < 300_000, f"demo corpus is {size} bytes"
    assert (CORPUS / "README.md").read_text("utf-8").count("\n") > 50
    pyproject = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text("utf-8"))
    assert "demo_corpus/**/*" in pyproject["tool"]["setuptools"]["package-data"]["storyline"]
