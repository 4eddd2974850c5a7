"""The HTTP API under ``/api/v1``: articles, stories, cards, entities, search, changes, and
ingestion. Every route is one or two ``Engine`` calls and a conversion to a response model.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from datetime import date
from typing import Annotated, Any, Callable, TypeVar

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from pydantic import AfterValidator

from .. import __version__
from ..engine import Engine
from ..errors import UserError
from . import entities
from .access import EngineAccess, ListingLRU
from .models import (ArticleDetail, ArticleHitOut, ArticleIn, ArticlePage, ArticleSummary,
                     BatchIn, ChangesOut, ComparisonOut, ErrorBody, Health, IngestOut, ItemOutcome, Json,
                     MemberFitOut, SearchOut, SnippetOut, StoryDetail, StoryFitOut, StoryHitOut, StoryPage,
                     StorySummary)
from .security import require_token

logger = logging.getLogger(__name__)

T = TypeVar("T")

ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody, "description": text} for code, text in (
        (400, "A parameter has the right form but not a usable value."),
        (404, "No such article, story or entity."),
        (422, "A parameter or the body does not match this schema."),
    )}
WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody, "description": text} for code, text in (
        (401, "Missing or wrong bearer token."),
        (403, "Writing over HTTP is off (the server has no api_token)."),
        (413, "The body is too large or holds too many articles."),
    )}

router = APIRouter(prefix="/api/v1", responses=ERRORS)

ARTICLE_ID = Annotated[str, Path(pattern=r"^[0-9a-f]{6,64}$",
                                 description="An article id, or a unique prefix of 6+ characters.")]
STORY_ID = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{6,64}$",
                               description="A story id, or a unique prefix of 6+ characters.")]


def _real_day(value: str | None) -> str | None:
    """``2024-02-30`` has the form of a day but is none (ValueError: a 422 that says so)."""
    if value is not None:
        date.fromisoformat(value)
    return value


# A string of the form YYYY-MM-DD that is a real day: not pydantic's date, which also takes
# numbers as Unix times (since=0 would mean 1970-01-01).
_DAY = dict(pattern=r"^\d{4}-\d{2}-\d{2}$", json_schema_extra={"format": "date"})
Since = Annotated[str | None, AfterValidator(_real_day),
                  Query(**_DAY, description="On or after this day (YYYY-MM-DD).")]
Until = Annotated[str | None, AfterValidator(_real_day),
                  Query(**_DAY, description="On or before this day (YYYY-MM-DD).")]
Lang = Annotated[str | None, Query(pattern=r"^[A-Za-z]{2,3}$", description="ISO 639-1 code.")]
Outlet = Annotated[str | None, Query(min_length=1, max_length=200,
                                     description="Outlet name, any case.")]
Limit = Annotated[int, Query(ge=1, le=200)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]


def access(request: Request) -> EngineAccess:
    return request.app.state.access


def reader(request: Request) -> Engine:
    return access(request).reader()


def listing_cache(request: Request) -> ListingLRU:
    return access(request).listings


Reader = Annotated[Engine, Depends(reader)]
Cache = Annotated[ListingLRU, Depends(listing_cache)]


def found(call: Callable[[], T]) -> T:
    """``call()``, with the engine's "no such id" turned into 404."""
    try:
        return call()
    except UserError as err:
        raise HTTPException(404, str(err)) from None


def listing_of(engine: Engine, cache: ListingLRU, story_id: str):
    """The story's listing; 404 when it went away since it was found (merged)."""
    for listing in engine.story_listing_page([story_id], cache):
        return listing
    raise HTTPException(404, f"story {story_id} was just merged into another; reload")


# -- conversions --------------------------------------------------------------------------

def article_summary(head) -> ArticleSummary:
    return ArticleSummary(id=head.article_id, title=head.title, subtitle=head.subtitle,
                          outlet=head.outlet, language=head.language, published=head.published,
                          url=head.url, wire_agencies=list(head.wire_agencies),
                          story_id=head.story_id, headline_only=head.headline_only)


def story_summary(listing) -> StorySummary:
    return StorySummary(id=listing.story_id, headline=listing.headline,
                        lead_article_id=listing.lead_article_id, articles=listing.size,
                        independent_reports=listing.independent_reports,
                        outlets=list(listing.outlets), languages=list(listing.languages),
                        first_seen=listing.first_seen, last_seen=listing.last_seen,
                        rank=listing.rank,
                        days=[{"day": d, "articles": n} for d, n in listing.days])


def snippet(found_text) -> SnippetOut:
    return SnippetOut(text=found_text.text, matches=[list(m) for m in found_text.matches])


# -- reading ------------------------------------------------------------------------------

@router.get("/health", response_model=Health, summary="Is the server up")
def health(engine: Reader) -> Health:
    return Health(status="ok", version=__version__, change_seq=engine.change_seq())


@router.get("/stats", response_model=Json,
            summary="Counts: articles, outlets, languages, stories (reads everything: slow "
                    "on a large database)")
def stats(engine: Reader) -> Json:
    return engine.stats()


@router.get("/articles", response_model=ArticlePage, summary="Articles, newest first")
def list_articles(engine: Reader, since: Since = None, until: Until = None,
                  lang: Lang = None, outlet: Outlet = None, limit: Limit = 50,
                  offset: Offset = 0) -> ArticlePage:
    filters = dict(since=since, until=until, outlet=outlet, language=lang)
    heads = engine.article_head_page(**filters, limit=limit, offset=offset)
    return ArticlePage(total=engine.count_articles(**filters), limit=limit, offset=offset,
                       items=[article_summary(h) for h in heads])


@router.get("/articles/{article_id}", response_model=ArticleDetail,
            summary="One article: clean text, metadata, every removal and why")
def get_article(engine: Reader, article_id: ARTICLE_ID) -> ArticleDetail:
    article = found(lambda: engine.article(article_id))
    head = engine.article_heads([article.article_id])[0]
    return ArticleDetail(
        **article_summary(head).model_dump(), origin=article.origin,
        date_source=article.date_source, outlet_source=article.outlet_source,
        credits=list(article.credits), paragraph_languages=list(article.paragraph_languages),
        text=article.text, extracted=article.extracted,
        removals=[asdict(r) for r in article.removals])


@router.get("/articles/{article_id}/compare/{other_id}", response_model=ComparisonOut,
            summary="How alike two articles are as reports of one story (slow: a second or "
                    "two; compares run one at a time)")
def compare_articles(request: Request, engine: Reader, article_id: ARTICLE_ID,
                     other_id: ARTICLE_ID) -> ComparisonOut:
    first, second = (found(lambda i=i: engine.article(i)).article_id for i in (article_id, other_id))
    # in the writer's engine: its encoders load once, not once per reading thread
    return ComparisonOut(**access(request).write(lambda writer: writer.compare(first, second)))


@router.get("/stories", response_model=StoryPage,
            summary="Stories, ranked by recency and coverage (or recent, size)")
def list_stories(engine: Reader, cache: Cache, since: Since = None, until: Until = None,
                 lang: Lang = None, outlet: Outlet = None,
                 entity: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
                 order: Annotated[str, Query(pattern="^(rank|recent|size)$")] = "rank",
                 min_size: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
                 limit: Limit = 30, offset: Offset = 0) -> StoryPage:
    filters = dict(since=since, until=until, language=lang, outlet=outlet,
                   min_size=min_size)
    if entity:
        ids = entities.story_ids(engine, entity)
        rows = engine.story_listings(**filters, story_ids=ids, order=order, limit=limit,
                                     offset=offset, cache=cache)
        total = engine.count_stories_among(ids, **filters)
    else:
        rows = engine.story_listings(**filters, order=order, limit=limit, offset=offset,
                                     cache=cache)
        total = engine.count_stories(**filters)
    return StoryPage(total=total, limit=limit, offset=offset,
                     items=[story_summary(r) for r in rows])


@router.get("/stories/{story_id}", response_model=StoryDetail,
            summary="One story: its articles and the copies of one wire text")
def get_story(engine: Reader, cache: Cache, story_id: STORY_ID) -> StoryDetail:
    story = found(lambda: engine.story(story_id))
    listing = listing_of(engine, cache, story.story_id)
    members = engine.article_heads(story.article_ids)
    return StoryDetail(**story_summary(listing).model_dump(),
                       members=[article_summary(h) for h in members],
                       duplicate_groups=[list(g) for g in story.duplicate_groups])


@router.get("/stories/{story_id}/fit", response_model=StoryFitOut,
            summary="Why each article is in the story: its fit with the rest, its closest articles")
def get_story_fit(engine: Reader, story_id: STORY_ID) -> StoryFitOut:
    story = found(lambda: engine.story(story_id))
    fits = engine.member_fits(story.story_id)
    return StoryFitOut(story_id=story.story_id, explained=bool(fits),
                       members=[MemberFitOut(**f.as_dict()) for f in fits])


@router.get("/stories/{story_id}/card", response_model=Json,
            summary="A story's card: headline, when, where, who, summary, claims")
def get_card(request: Request, engine: Reader, story_id: STORY_ID) -> Json:
    story = found(lambda: engine.story(story_id))
    card = entities.stored_card(engine, story.story_id)
    if card is None:  # not built yet, or outdated: built now, by the one writer
        card = access(request).write(lambda writer: writer.card(story.story_id)).as_dict()
    return card


@router.get("/entities", response_model=list[Json],
            summary="People, places and organisations the story cards name")
def list_entities(engine: Reader,
                  prefix: Annotated[str | None, Query(max_length=200,
                                                      description="Start of the key.")] = None,
                  kind: Annotated[str | None,
                                  Query(pattern="^(person|place|organisation)$")] = None,
                  limit: Limit = 50, offset: Offset = 0) -> list[Json]:
    return entities.listing(engine, prefix, kind, limit, offset)


@router.get("/entities/{key}", response_model=StoryPage,
            summary="The stories that name one person, place or organisation")
def entity_stories(engine: Reader, cache: Cache, key: Annotated[str, Path(max_length=200)],
                   limit: Limit = 30, offset: Offset = 0) -> StoryPage:
    ids = entities.story_ids(engine, key)
    if not ids:
        raise HTTPException(404, f"no entity {key!r}; list them at /api/v1/entities")
    rows = engine.story_listings(story_ids=ids, order="rank", limit=limit, offset=offset,
                                 cache=cache)
    return StoryPage(total=len(ids), limit=limit, offset=offset,
                     items=[story_summary(r) for r in rows])


@router.get("/search", response_model=SearchOut,
            summary='Full text over articles and stories: words, "phrases", prefix*')
def search(engine: Reader, cache: Cache, q: Annotated[str, Query(min_length=1, max_length=500)],
           since: Since = None, until: Until = None, lang: Lang = None,
           outlet: Outlet = None, limit: Limit = 20, offset: Offset = 0) -> SearchOut:
    results = engine.search(q, since=since, until=until, language=lang,
                            outlet=outlet, limit=limit, offset=offset)
    stories = {s.story_id: s for s in
               engine.story_listing_page([hit.story_id for hit in results.stories], cache)}
    return SearchOut(
        query=q, total=results.total, more=results.more, limit=limit, offset=offset,
        articles=[ArticleHitOut(article=article_summary(hit.head), title=snippet(hit.title),
                                snippet=snippet(hit.snippet)) for hit in results.articles],
        stories=[StoryHitOut(story=story_summary(stories[hit.story_id]),
                             titles=snippet(hit.titles))
                 for hit in results.stories if hit.story_id in stories])


@router.get("/changes", response_model=ChangesOut,
            summary="Stories changed after a change number (what open pages poll)")
def changes(engine: Reader, since: Annotated[int, Query(ge=0, le=2**63 - 1)] = 0,
            limit: Annotated[int, Query(ge=0, le=1000)] = 100) -> ChangesOut:
    found_changes = engine.changes(since, limit)
    return ChangesOut(since=since, seq=found_changes.seq, count=found_changes.count,
                      story_ids=list(found_changes.story_ids),
                      deleted=list(found_changes.deleted))


# -- writing ------------------------------------------------------------------------------

def _ingest(request: Request, articles: list[ArticleIn]) -> IngestOut:
    most = request.app.state.settings["max_post_articles"]
    if len(articles) > most:
        raise HTTPException(413, f"{len(articles)} articles in one request; send at most "
                                 f"{most} (setting max_post_articles)")
    records = [article.model_dump(exclude_none=True) for article in articles]
    report, outcomes = access(request).write(
        lambda engine: engine.ingest_records(records, origin="http"))
    return IngestOut(status=report.status, added=report.added,
                     already_stored=report.already_stored, rejected=len(report.rejected),
                     items=[ItemOutcome(**outcome) for outcome in outcomes])


@router.post("/articles", response_model=IngestOut, responses=WRITE_ERRORS,
             dependencies=[Depends(require_token)],
             summary="Ingest one article (needs the bearer token)")
def post_article(request: Request, article: ArticleIn) -> IngestOut:
    return _ingest(request, [article])


@router.post("/articles/batch", response_model=IngestOut, responses=WRITE_ERRORS,
             dependencies=[Depends(require_token)],
             summary="Ingest many articles; each is reported on its own (needs the token)")
def post_articles(request: Request, batch: BatchIn) -> IngestOut:
    return _ingest(request, batch.articles)
