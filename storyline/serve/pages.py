"""The web UI: server-rendered pages over the same Engine calls as the API.

Pages: ``/`` (stories ranked by recency and coverage, with filters), ``/stories/{id}`` (the
card: coverage chart, outlets by language, claims, articles), ``/articles/{id}`` (clean
text, metadata, the removed boilerplate on demand), ``/search``, ``/entities/{key}`` and
``/api`` (the API's paths). Filters come from plain GET forms, so every view has a URL.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, Any

import jinja2
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import FileResponse, HTMLResponse

from . import charts, entities, views
from .api import found, listing_cache, listing_of, reader

logger = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

STORIES_PER_PAGE = 30
#: A story page lists this many of its articles (the chart and the grid count them all).
ARTICLES_LISTED = 300
HITS_PER_PAGE = 20
ORDERS = {"rank": "recency and coverage", "recent": "latest article", "size": "most articles"}
Offset = Annotated[int, Query(ge=0, le=1_000_000)]


def template_environment() -> jinja2.Environment:
    """Jinja2 with autoescape on for every template, whatever its name."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
                             autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.globals.update(language_name=views.language_name, moment=views.moment,
                       segments=views.segments, external_url=views.external_url,
                       short_origin=views.short_origin,
                       query_string=views.query_string, sparkline=charts.sparkline,
                       orders=ORDERS)
    for name in env.list_templates(extensions=["html"]):
        env.get_template(name)  # compiled now, not in the first visitor's request
    return env


def render(request: Request, template: str, **context: Any) -> HTMLResponse:
    engine = reader(request)
    seq = engine.change_seq()
    access = request.app.state.access
    site = {"seq": seq, "poll_seconds": request.app.state.settings["poll_seconds"],
            "facets": access.facets(seq)}
    html = request.app.state.templates.get_template(template).render(
        request=request, site=site, **context)
    return HTMLResponse(html)


def _text(value: str | None) -> str | None:
    """A form field: empty means not given."""
    value = (value or "").strip()
    return value or None


def _filters(since: str | None, until: str | None, lang: str | None,
             outlet: str | None) -> dict[str, str | None]:
    return {"since": _text(since), "until": _text(until), "language": _text(lang),
            "outlet": _text(outlet)}


@router.get("/")
def front_page(request: Request, since: str | None = None, until: str | None = None,
               lang: str | None = None, outlet: str | None = None, entity: str | None = None,
               order: str = "rank", offset: Offset = 0) -> HTMLResponse:
    engine = reader(request)
    if order not in ORDERS:
        raise HTTPException(400, f"order must be one of {', '.join(ORDERS)}, got {order!r}")
    filters = _filters(since, until, lang, outlet)
    entity = _text(entity)
    named = entities.resolve(engine, entity) if entity else None
    if entity:
        ids = entities.story_ids(engine, named["key"]) if named else []
        stories = engine.story_listings(**filters, story_ids=ids, order=order,
                                        limit=STORIES_PER_PAGE, offset=offset,
                                        cache=listing_cache(request))
        total = engine.count_stories_among(ids, **filters)
    else:
        stories = engine.story_listings(**filters, order=order, limit=STORIES_PER_PAGE,
                                        offset=offset, cache=listing_cache(request))
        total = engine.count_stories(**filters)
    params = {"since": filters["since"], "until": filters["until"], "lang": filters["language"],
              "outlet": filters["outlet"], "entity": entity, "order": order}
    return render(request, "front.html", stories=stories, params=params, named=named,
                  pager=views.Pager(offset, STORIES_PER_PAGE, total))


@router.get("/stories/{story_id}")
def story_page(request: Request, story_id: str) -> HTMLResponse:
    engine = reader(request)
    story = found(lambda: engine.story(story_id))
    listing = listing_of(engine, listing_cache(request), story.story_id)
    heads = engine.article_heads(story.article_ids)
    copies = {article_id: number for number, group in enumerate(story.duplicate_groups, 1)
              for article_id in group}
    fits = {fit.article_id: fit for fit in engine.member_fits(story.story_id)}
    return render(request, "story.html", story=story, listing=listing, heads=heads,
                  by_id={h.article_id: h for h in heads}, copies=copies, fits=fits,
                  card=entities.stored_card(engine, story.story_id),
                  chart=charts.timeline((h.published, h.language) for h in heads),
                  grid=views.outlet_language_grid(heads), max_articles=ARTICLES_LISTED)


@router.get("/articles/{article_id}")
def article_page(request: Request, article_id: str, removed: bool = False) -> HTMLResponse:
    engine = reader(request)
    article = found(lambda: engine.article(article_id))
    head = engine.article_heads([article.article_id])[0]
    story = next(iter(engine.story_listing_page([head.story_id], listing_cache(request))),
                 None) if head.story_id else None
    return render(request, "article.html", article=article, head=head, story=story,
                  show_removed=removed,
                  pieces=views.removal_segments(article.extracted, article.removals))


@router.get("/search")
def search_page(request: Request, q: str = "", since: str | None = None,
                until: str | None = None, lang: str | None = None,
                outlet: str | None = None, offset: Offset = 0) -> HTMLResponse:
    engine = reader(request)
    filters = _filters(since, until, lang, outlet)
    query = q.strip()[:500]
    results = (engine.search(query, **filters, limit=HITS_PER_PAGE, offset=offset)
               if query else None)
    stories = (engine.story_listing_page([hit.story_id for hit in results.stories],
                                         listing_cache(request)) if results else [])
    params = {"q": query, "since": filters["since"], "until": filters["until"],
              "lang": filters["language"], "outlet": filters["outlet"]}
    return render(request, "search.html", query=query, results=results, stories=stories,
                  params=params,
                  pager=views.Pager(offset, HITS_PER_PAGE, results.total if results else 0))


@router.get("/entities/{key}")
def entity_page(request: Request, key: str, offset: Offset = 0) -> HTMLResponse:
    engine = reader(request)
    ids = entities.story_ids(engine, key)
    entity = entities.describe(engine, key)
    if entity is None or not ids:
        raise HTTPException(404, f"no person, place or organisation {key!r} in any story card")
    stories = engine.story_listings(story_ids=ids, limit=STORIES_PER_PAGE, offset=offset,
                                    cache=listing_cache(request))
    return render(request, "entity.html", entity=entity, stories=stories,
                  pager=views.Pager(offset, STORIES_PER_PAGE, len(ids)), params={})


@router.get("/api")
def api_page(request: Request) -> HTMLResponse:
    schema = request.app.openapi()
    operations = [(method.upper(), path, op.get("summary", ""), "security" in op)
                  for path, methods in schema["paths"].items() for method, op in methods.items()]
    return render(request, "api.html", operations=operations, title=schema["info"]["title"])


@router.get("/favicon.ico")
def favicon() -> FileResponse:
    """Browsers ask for it on every page, JSON ones included."""
    return FileResponse(Path(__file__).parent / "static" / "favicon.svg",
                        media_type="image/svg+xml")
