"""Atom 1.0 and JSON Feed 1.1 of new and updated stories: overall, per search, per entity.

    /feeds/stories.atom    /feeds/stories.json             every story, newest update first
    /feeds/stories.atom?q=bridge+collapse                  stories a full-text search finds
    /feeds/entity/{key}.atom   /feeds/entity/{key}.json    stories that involve an entity

An entry is a story: its link, headline, last update, counts (articles, independent
reports, outlets, languages) and, when its card is built, the summary. Feeds carry an
ETag, so a feed reader's conditional request is answered ``304 Not Modified``.

The writers (``atom_feed``, ``json_feed``) are plain functions of ``FeedEntry`` records;
all text goes through ElementTree or JSON encoding, so a ``<script>`` in a title arrives as
text, never as markup, and characters XML forbids are dropped.
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Annotated, Any, Sequence
from urllib.parse import quote
from xml.etree import ElementTree

from fastapi import APIRouter, HTTPException, Path, Query, Request, Response

from ..engine import Engine
from .api import ERRORS
from .views import language_name

logger = logging.getLogger(__name__)

# The API's error answers (JSON ``ErrorBody`` with a reason), as under /api/v1.
router = APIRouter(prefix="/feeds", tags=["feeds"], responses=ERRORS)

ENTRIES = 50  # per feed: what feed readers expect; older updates have been read already
SEARCH_STORIES = 200  # stories a search feed picks its newest updates from
ATOM_TYPE = "application/atom+xml; charset=utf-8"
JSON_FEED_TYPE = "application/feed+json; charset=utf-8"
_EPOCH = "1970-01-01T00:00:00Z"
_ATOM_NS = "http://www.w3.org/2005/Atom"
# What XML 1.0 cannot carry at all, not even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

Query_ = Annotated[str | None, Query(max_length=500, description="Full-text search: only "
                                     "stories with matching articles or titles.")]
EntityKey = Annotated[str, Path(min_length=1, max_length=200,
                                description="An entity key, as on entity pages.")]


@dataclass(frozen=True)
class FeedEntry:
    """One story as a feed lists it."""

    story_id: str
    url: str
    title: str
    updated: str  # RFC 3339
    published: str | None
    articles: int
    independent_reports: int
    outlets: tuple[str, ...]
    languages: tuple[str, ...]
    summary: tuple[str, ...] = ()  # the card's summary sentences, when the card is built

    @property
    def entry_id(self) -> str:
        """The same whatever host name the server is reached by, so that readers see an
        update of a story as an update, not as a new entry."""
        return f"urn:storyline:story:{self.story_id}"

    @property
    def counts(self) -> str:
        """Like "5 articles (3 independent reports) from 4 outlets, in English and Spanish"."""
        copies = (f" ({self.independent_reports} independent report"
                  f"{'s' if self.independent_reports != 1 else ''})"
                  if self.independent_reports != self.articles else "")
        outlets = len(self.outlets)
        return (f"{self.articles} article{'s' if self.articles != 1 else ''}{copies}"
                + (f" from {outlets} outlet{'s' if outlets != 1 else ''}" if outlets else "")
                + (f", in {_and([language_name(code) for code in self.languages])}"
                   if self.languages else ""))


def _and(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


@dataclass(frozen=True)
class FeedInfo:
    """The feed itself: its title, where it lives, and the page it mirrors."""

    title: str
    self_url: str
    home_url: str
    description: str
    entries: list[FeedEntry] = field(default_factory=list)

    @property
    def updated(self) -> str:
        return max((entry.updated for entry in self.entries), default=_EPOCH)


# --------------------------------------------------------------------------- writers

def atom_feed(feed: FeedInfo) -> str:
    """The feed as an Atom 1.0 document (RFC 4287)."""
    ElementTree.register_namespace("", _ATOM_NS)
    root = ElementTree.Element(f"{{{_ATOM_NS}}}feed")
    _add(root, "id", feed.self_url)
    _add(root, "title", feed.title)
    _add(root, "subtitle", feed.description)
    _add(root, "updated", feed.updated)
    _add(root, "link", rel="self", type=ATOM_TYPE.split(";")[0], href=feed.self_url)
    _add(root, "link", rel="alternate", type="text/html", href=feed.home_url)
    _add(_add(root, "author"), "name", "Storyline")
    _add(root, "generator", "Storyline")
    for entry in feed.entries:
        node = _add(root, "entry")
        _add(node, "id", entry.entry_id)
        _add(node, "title", entry.title, type="text")
        _add(node, "link", rel="alternate", type="text/html", href=entry.url)
        _add(node, "updated", entry.updated)
        if entry.published:
            _add(node, "published", entry.published)
        _add(node, "summary", " ".join(entry.summary) or entry.counts, type="text")
        _add(node, "content", _entry_html(entry), type="html")
        for language in entry.languages:
            _add(node, "category", term=language, label=language_name(language))
    ElementTree.indent(root)  # readable when a browser shows the feed as text
    body = ElementTree.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + body


def json_feed(feed: FeedInfo) -> dict[str, Any]:
    """The feed as a JSON Feed 1.1 document; Storyline's counts under ``_storyline``."""
    return {
        "version": "https://jsonfeed.org/version/1.1",
        "title": feed.title,
        "home_page_url": feed.home_url,
        "feed_url": feed.self_url,
        "description": feed.description,
        "authors": [{"name": "Storyline"}],
        "items": [{
            "id": entry.entry_id,
            "url": entry.url,
            "title": _xml_text(entry.title),  # the same text as in Atom
            "content_text": "\n\n".join((*entry.summary, entry.counts)),
            "content_html": _entry_html(entry),
            "summary": " ".join(entry.summary) or entry.counts,
            "date_modified": entry.updated,
            **({"date_published": entry.published} if entry.published else {}),
            "tags": list(entry.languages),
            "_storyline": {"story_id": entry.story_id, "articles": entry.articles,
                           "independent_reports": entry.independent_reports,
                           "outlets": list(entry.outlets), "languages": list(entry.languages)},
        } for entry in feed.entries],
    }


def _add(parent: ElementTree.Element, tag: str, text: str | None = None,
         **attributes: str) -> ElementTree.Element:
    node = ElementTree.SubElement(parent, f"{{{_ATOM_NS}}}{tag}",
                                  {k: _xml_text(v) for k, v in attributes.items()})
    if text is not None:
        node.text = _xml_text(text)
    return node


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("", text)


def _entry_html(entry: FeedEntry) -> str:
    """The entry's body as escaped HTML (feed readers render ``content_html``)."""
    parts = [f"<p>{html.escape(sentence)}</p>" for sentence in entry.summary]
    parts.append(f"<p>{html.escape(entry.counts)}</p>")
    if entry.outlets:
        parts.append(f"<p>Outlets: {html.escape(', '.join(entry.outlets))}</p>")
    return "".join(parts)


# --------------------------------------------------------------------------- entries

def entries_for(engine: Engine, base_url: str, story_ids: Sequence[str] | None = None
                ) -> list[FeedEntry]:
    """The newest updated stories (among ``story_ids`` when given) as feed entries."""
    entries = []
    for update in engine.story_updates(limit=ENTRIES, story_ids=story_ids):
        story, card = update.story, engine.stored_card(update.story.story_id)
        title = (card.headline if card else None) or update.lead_title or f"Story {story.story_id}"
        entries.append(FeedEntry(
            story_id=story.story_id, url=f"{base_url}stories/{quote(story.story_id)}",
            title=" ".join(title.split()), updated=rfc3339(update.updated_at) or _EPOCH,
            published=rfc3339(story.first_seen), articles=story.size,
            independent_reports=story.independent_reports, outlets=story.outlets,
            languages=story.languages,
            summary=tuple(s["text"] for s in card.summary if s.get("text")) if card else ()))
    return entries


def rfc3339(value: str | None) -> str | None:
    """An ISO date or date-time as RFC 3339 (a date is taken as midnight UTC, a time without
    offset as UTC); ``None`` when it is not a date."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


# --------------------------------------------------------------------------- routes

def _engine(request: Request) -> Engine:
    return request.app.state.access.reader()


def _search_story_ids(engine: Engine, query: str) -> list[str]:
    """Stories whose titles match, then the stories of matching articles."""
    results = engine.search(query, limit=SEARCH_STORIES)
    found = [hit.story_id for hit in results.stories]
    found += [hit.head.story_id for hit in results.articles if hit.head.story_id]
    return list(dict.fromkeys(found))


def _stories_feed(request: Request, q: str | None) -> FeedInfo:
    engine, base = _engine(request), str(request.base_url)
    query = " ".join((q or "").split())
    if not query:
        return FeedInfo("Storyline: new and updated stories", str(request.url), base,
                        "Stories as they appear and grow, newest update first.",
                        entries_for(engine, base))
    return FeedInfo(f"Storyline: stories about “{query}”", str(request.url),
                    f"{base}search?q={quote(query)}",
                    f"New and updated stories that match the search {query!r}.",
                    entries_for(engine, base, _search_story_ids(engine, query)))


def _entity_feed(request: Request, key: str) -> FeedInfo:
    engine, base = _engine(request), str(request.base_url)
    rows = engine.entity_stories(key, limit=SEARCH_STORIES)
    if not rows:
        raise HTTPException(404, f"no story involves {key!r}; entity keys are listed on "
                                 "entity pages and at /api/v1/entities")
    name = rows[0].get("name") or key
    return FeedInfo(f"Storyline: stories involving {name}", str(request.url),
                    f"{base}entities/{quote(key)}",
                    f"New and updated stories that involve {name} ({rows[0].get('kind')}).",
                    entries_for(engine, base, [row["story_id"] for row in rows]))


def _feed_responses(media_type: str) -> dict[int | str, dict[str, Any]]:
    return {200: {"content": {media_type: {}}, "description": "The feed."},
            304: {"description": "Not Modified: the reader's copy (``If-None-Match``) is "
                                 "current."}}


ATOM_RESPONSES = _feed_responses(ATOM_TYPE.split(";")[0])
JSON_FEED_RESPONSES = _feed_responses(JSON_FEED_TYPE.split(";")[0])


def _respond(request: Request, body: str, media_type: str) -> Response:
    """The feed, or 304 when the reader already has this version (same ETag)."""
    etag = '"' + hashlib.sha256(body.encode("utf-8")).hexdigest()[:32] + '"'
    headers = {"ETag": etag, "Cache-Control": "no-cache"}
    wanted = [tag.strip() for tag in request.headers.get("if-none-match", "").split(",")]
    if etag in wanted or "*" in wanted:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


@router.get("/stories.atom", response_class=Response,
            responses=ATOM_RESPONSES)
def stories_atom(request: Request, q: Query_ = None) -> Response:
    """New and updated stories as Atom 1.0 (with ``q``: those a search finds)."""
    return _respond(request, atom_feed(_stories_feed(request, q)), ATOM_TYPE)


@router.get("/stories.json", response_class=Response,
            responses=JSON_FEED_RESPONSES)
def stories_json(request: Request, q: Query_ = None) -> Response:
    """New and updated stories as JSON Feed 1.1 (with ``q``: those a search finds)."""
    body = json.dumps(json_feed(_stories_feed(request, q)), ensure_ascii=False)
    return _respond(request, body, JSON_FEED_TYPE)


@router.get("/entity/{key}.atom", response_class=Response,
            responses=ATOM_RESPONSES)
def entity_atom(request: Request, key: EntityKey) -> Response:
    """New and updated stories that involve a person, place or organisation, as Atom."""
    return _respond(request, atom_feed(_entity_feed(request, key)), ATOM_TYPE)


@router.get("/entity/{key}.json", response_class=Response,
            responses=JSON_FEED_RESPONSES)
def entity_json(request: Request, key: EntityKey) -> Response:
    """New and updated stories that involve a person, place or organisation, as JSON Feed."""
    body = json.dumps(json_feed(_entity_feed(request, key)), ensure_ascii=False)
    return _respond(request, body, JSON_FEED_TYPE)
