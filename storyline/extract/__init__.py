"""The extract stage: RawDocument -> Article | Rejected.

It runs in two steps so that outlet boilerplate can be learned between them without the
stage ever touching the store::

    prepared = prepare(doc)                       # main text, header, outlet, paragraph keys
    ... the engine records prepared.keys per outlet and looks up the outlet's boilerplate ...
    article  = finish(prepared, boilerplate)      # clean, metadata, language

``extract_article(doc)`` does both with no learned boilerplate, for one-off use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..types import Article, RawDocument, Rejected, Removal
from .clean import Cleaned, clean_paragraphs
from .furniture import body_key
from .html import html_main_text
from .language import article_languages
from .metadata import (date_from_url, date_in_text, headline, is_date_stamp, normalise_date,
                       outlet_from_text, outlet_from_url, outlet_name, take_header, tidy_url)
from .paragraphs import Span, normalise, paragraph_key, split_paragraphs
from .patterns import SITE_SUFFIX

__all__ = ["Prepared", "prepare", "finish", "extract_article", "paragraph_key"]

_MIN_ARTICLE_CHARS = 40
#: Words of two letters or more in a title that stands for an article with no body.
_HEADLINE_WORDS = 4


@dataclass(frozen=True)
class Prepared:
    """A document's main text split into paragraphs, before cleaning."""

    doc: RawDocument
    text: str
    spans: tuple[Span, ...]
    fields: dict[str, str]  # what the document says about itself, by key
    field_sources: dict[str, str]  # where each field came from: header | field | html-meta
    header: tuple[Span, ...] = ()
    outlet: str | None = None  # the name boilerplate is learned under
    keys: tuple[str, ...] = field(default=())  # paragraph keys of short paragraphs
    body_key: str | None = None  # key of the whole text (``furniture.body_key``)


def prepare(doc: RawDocument, *, boilerplate_max_chars: int = 400) -> Prepared | Rejected:
    if doc.kind == "html":
        page = html_main_text(doc.body)
        text, page_meta = page.text, page.meta
    else:
        text, page_meta = doc.body.replace("\r\n", "\n").replace("\r", "\n"), {}
    if not text.strip():
        fields, sources = _merge_fields(doc.hints, page_meta, {})
        if not fields.get("title"):
            what = "HTML page has no article text" if doc.kind == "html" else "document has no text"
            return Rejected(doc.origin, what, stage="extract")
        # a title and no text (a feed entry, a record whose text is empty): ``finish``
        # keeps it as a headline-only article or says why not
        outlet = outlet_name(fields.get("outlet")) or outlet_from_url(fields.get("url"))
        return Prepared(doc, "", (), fields, sources, (), outlet)
    if not any(ch.isalnum() for ch in text):  # control characters, symbols, punctuation
        return Rejected(doc.origin, "document has no letters or digits (only control characters, "
                        "symbols or punctuation)", stage="extract")
    header, removed, spans = take_header(text, split_paragraphs(text))
    fields, sources = _merge_fields(doc.hints, page_meta, header)
    if "url" in fields:
        fields["url"] = tidy_url(fields["url"])
    if is_date_stamp(fields.get("title")):  # a crawler took the time stamp for the headline
        stamp = fields.pop("title")
        if "date" not in fields and normalise_date(stamp):
            fields["date"], sources["date"] = stamp, "text"
    outlet = outlet_name(fields.get("outlet")) or outlet_from_url(fields.get("url"))
    if not outlet:  # the outlet may only be named inside its own appeal
        probe = clean_paragraphs(text, spans, title=fields.get("title"))
        outlet = outlet_from_text([(r.reason, r.text) for r in probe.removals])
    keys = tuple(paragraph_key(s.of(text)) for s in spans
                 if s.end - s.start <= boilerplate_max_chars)
    whole = body_key(text, spans, fields.get("title")) if outlet else None  # per outlet only
    return Prepared(doc, text, tuple(spans), fields, sources, tuple(removed), outlet, keys, whole)


def _merge_fields(hints, page_meta, header) -> tuple[dict[str, str], dict[str, str]]:
    fields: dict[str, str] = {}
    sources: dict[str, str] = {}
    for where, mapping in (("header", header), ("field", hints), ("html-meta", page_meta)):
        for key, value in mapping.items():
            if value and key not in fields:
                fields[key], sources[key] = str(value).strip(), where
    return fields, sources


def finish(prepared: Prepared, boilerplate: frozenset[str] = frozenset(), *,
           boilerplate_max_chars: int = 400, keep_headlines: bool = True,
           furniture: str | None = None) -> Article | Rejected:
    """Clean a prepared document and gather its metadata into an Article.

    A page whose body is missing (nothing left after cleaning, or a text that never
    mentions the headline: a paywall, a sign-in form) is kept as a headline-only article
    when ``keep_headlines`` and its title is a real headline (``_is_headline``): the
    outlet did report the story, and the story engine lets such an article follow the
    story its headline matches (``cluster.linkage.follow_home``). Otherwise it is rejected.
    ``furniture`` says why the whole text is the page's furniture rather than the article
    (the engine knows it from the outlet's other pages: ``extract.furniture``); the body
    is then missing too."""
    doc, text, fields = prepared.doc, prepared.text, prepared.fields
    cleaned = clean_paragraphs(text, list(prepared.spans), title=fields.get("title"),
                               subtitle=fields.get("subtitle"), boilerplate=boilerplate,
                               boilerplate_max_chars=boilerplate_max_chars,
                               find_title=doc.kind == "text")
    paragraphs = [s.of(text) for s in cleaned.kept]
    body = "\n\n".join(paragraphs)
    missing = None
    if not prepared.spans:
        missing = "the document has no text, only a title"
    elif len(body) < _MIN_ARTICLE_CHARS:
        reasons = sorted({r.reason for r in cleaned.removals})
        missing = (f"no article text left after cleaning ({len(prepared.spans)} paragraphs: "
                   f"{', '.join(reasons) or 'too short'})")
    elif _unrelated_to_title(fields.get("title"), body):
        missing = ("the text shares no word with the title: probably a widget, an error page "
                   "or another story rather than the article")
    elif furniture:
        missing = furniture
    removals = [Removal(s.start, s.end, "metadata-header", s.of(text)) for s in prepared.header]
    removals = sorted(removals + cleaned.removals, key=lambda r: r.start)
    outlet, outlet_source = _outlet(prepared, cleaned)
    title = headline(cleaned.title, outlet, fields.get("url"))
    if missing is not None:
        if not keep_headlines:
            return Rejected(doc.origin, missing, stage="extract")
        if not _is_headline(title):
            return Rejected(doc.origin, f"{missing}; the title ({title!r}) is too short to stand for "
                            f"the article (a headline of {_HEADLINE_WORDS} words or more is kept "
                            f"as a headline-only article)" if title else missing, stage="extract")
        # every paragraph left goes: the audit trail says why the body is empty
        removals = sorted(removals + [Removal(s.start, s.end, "no-article-text", s.of(text))
                                      for s in cleaned.kept], key=lambda r: r.start)
        paragraphs, body = [], ""
    published, date_source = _published(prepared, paragraphs)
    language, per_paragraph = article_languages(paragraphs or [title or ""], fields.get("lang"))
    if not paragraphs:
        per_paragraph = ()
    return Article(
        article_id=doc.content_hash, origin=doc.origin, text=body, extracted=text,
        title=title, subtitle=cleaned.subtitle,
        published=published, date_source=date_source, outlet=outlet, outlet_source=outlet_source,
        url=fields.get("url"), language=language, paragraph_languages=per_paragraph,
        wire_agencies=tuple(cleaned.agencies), credits=tuple(cleaned.credits),
        removals=tuple(removals), kind=doc.kind, encoding=doc.encoding)


def _is_headline(title: str | None) -> bool:
    """Whether a title says enough to stand for its article: four words or more ("Teen
    killed in shooting identified"), not a time stamp, a site's name or "Sign in"."""
    return bool(title) and len(re.findall(r"[^\W\d_]{2,}", title)) >= _HEADLINE_WORDS


def _unrelated_to_title(title: str | None, body: str) -> bool:
    """A short page that never mentions its own headline is not that article.

    Crawls often store a login widget, an error message or a teaser under a real headline;
    longer texts are kept, since a headline may paraphrase everything.
    """
    if not title or len(body) >= 600:
        return False
    headline = SITE_SUFFIX.split(title)[0]
    stems = {w[:4] for w in normalise(headline).split() if len(w) >= 4}  # "ferry" ~ "ferries"
    return len(stems) >= 3 and not stems & {w[:4] for w in normalise(body).split()}


def _published(prepared: Prepared, paragraphs: list[str]) -> tuple[str | None, str | None]:
    date = normalise_date(prepared.fields.get("date"))
    if date:
        return date, prepared.field_sources.get("date")
    date = date_from_url(prepared.fields.get("url"))
    if date:
        return date, "url"
    for line in (prepared.text[s.start:s.end] for s in prepared.spans[:4]):
        if len(line) < 80:  # a standalone date line near the top ("March 01, 2008")
            date = date_in_text(line)
            if date:
                return date, "text"
    fetched = normalise_date(prepared.doc.hints.get("fetched"))
    return (fetched, "crawl") if fetched else (None, None)


def _outlet(prepared: Prepared, cleaned: Cleaned) -> tuple[str | None, str | None]:
    fields = prepared.fields
    if fields.get("outlet"):
        source = prepared.field_sources["outlet"]
        return outlet_name(fields["outlet"]), source
    named = outlet_from_text([(r.reason, r.text) for r in cleaned.removals])
    if named:
        return named, "text"
    domain = outlet_from_url(fields.get("url"))
    return (domain, "domain") if domain else (None, None)


def extract_article(doc: RawDocument, boilerplate: frozenset[str] = frozenset()) -> Article | Rejected:
    prepared = prepare(doc)
    if isinstance(prepared, Rejected):
        return prepared
    return finish(prepared, boilerplate)
