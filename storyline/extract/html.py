"""Main text and metadata of an HTML page.

trafilatura finds the main text of most news pages; when it finds nothing (unusual
markup, very short pages) readability's content block is the fallback, and failing that
every ``<p>`` of the page.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from html import unescape

import lxml.html
import trafilatura

logger = logging.getLogger(__name__)
# Both readers log their own failures at ERROR, with a traceback from readability, on a page
# with no markup left ("Document is empty"): noise over the one-line reason the ingest
# report gives. Their failures are handled here, and logged as one debug line each.
for _reader in ("trafilatura", "readability"):
    logging.getLogger(_reader).setLevel(logging.CRITICAL)

_TITLE = re.compile(r"<title[^>]*>([^<]{1,500})</title>", re.IGNORECASE)
_BLOCK_TAGS = ("p", "h1", "h2", "h3", "h4", "li", "blockquote", "figcaption", "pre")


@dataclass(frozen=True)
class HtmlText:
    text: str  # main text, one paragraph a line
    meta: dict[str, str] = field(default_factory=dict)  # title, date, outlet, url, lang, author
    method: str = "trafilatura"


def html_main_text(html: str) -> HtmlText:
    """The article text of ``html`` (possibly empty) with what the page says about itself."""
    text, meta = _trafilatura(html)
    if text:
        return HtmlText(text, meta)
    text = _readability_text(html)
    if text:
        return HtmlText(text, meta, "readability")
    return HtmlText(_paragraph_text(html), meta, "paragraphs")


def _trafilatura(html: str) -> tuple[str, dict[str, str]]:
    """One parse for both the main text and the page's metadata."""
    try:
        doc = trafilatura.bare_extraction(
            html, with_metadata=True, include_comments=False, include_tables=False,
            favor_recall=True, deduplicate=False,
            date_extraction_params={"extensive_search": False, "original_date": True})
    except Exception as exc:  # trafilatura raises many types on odd markup
        logger.debug("trafilatura failed: %s", exc)
        doc = None
    meta: dict[str, str] = {}
    for key, attr in (("title", "title"), ("date", "date"), ("outlet", "sitename"),
                      ("url", "url"), ("author", "author")):
        value = getattr(doc, attr, None) if doc is not None else None
        if value:
            meta[key] = str(value).strip()
    if "title" not in meta and (found := _TITLE.search(html)):  # a page with no body to read
        meta["title"] = " ".join(unescape(found.group(1)).split())
    lang = re.search(r"<html[^>]*\blang=[\"']?([A-Za-z]{2,3})", html[:5000])
    if lang:
        meta["lang"] = lang.group(1).lower()
    text = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
    return text, meta


def _readability_text(html: str) -> str:
    try:
        from readability import Document

        summary = Document(html).summary(html_partial=True)
    except Exception as exc:
        logger.debug("readability failed: %s", exc)
        return ""
    return _paragraph_text(summary, min_chars=1)


def _paragraph_text(html: str, min_chars: int = 40) -> str:
    try:
        root = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return ""
    for bad in root.xpath("//script|//style|//nav|//footer|//header|//aside|//form"):
        bad.drop_tree()
    lines = []
    for node in root.iter(*_BLOCK_TAGS):
        line = re.sub(r"\s+", " ", node.text_content()).strip()
        if len(line) >= min_chars:
            lines.append(line)
    return "\n".join(lines)
