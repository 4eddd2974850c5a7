"""The HTTP API's request and response bodies: what its OpenAPI schema says and checks."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

_SHORT = 2000  # titles, outlets, URLs: anything longer is not metadata


class ErrorBody(BaseModel):
    status: int = Field(description="The HTTP status again.")
    error: str = Field(description="The status's name.")
    reason: str = Field(description="What went wrong and what to do next, in one line.")


class ArticleIn(BaseModel):
    """One article to ingest. Only ``text`` is required; Storyline finds the rest in the
    text when a field is missing. ``text`` may be plain text or an HTML page."""

    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, description="The body: plain text or HTML.")
    title: str | None = Field(None, max_length=_SHORT)
    subtitle: str | None = Field(None, max_length=_SHORT)
    url: str | None = Field(None, max_length=_SHORT, description="Kept as metadata; never fetched.")
    date: str | None = Field(None, max_length=100,
                             description="Publication date, ISO 8601 preferred.")
    outlet: str | None = Field(None, max_length=_SHORT)
    lang: str | None = Field(None, max_length=20,
                             description="ISO 639-1 code; detected when missing.")
    author: str | None = Field(None, max_length=_SHORT)


class BatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    articles: list[ArticleIn] = Field(min_length=1)


class ItemOutcome(BaseModel):
    index: int = Field(description="Position of the article in the request, from 0.")
    status: Literal["added", "already_stored", "rejected"]
    article_id: str | None = None
    story_id: str | None = None
    reason: str | None = Field(None, description="Why the article was rejected.")


class IngestOut(BaseModel):
    status: Literal["full", "partial", "failed", "empty"]
    added: int
    already_stored: int
    rejected: int
    items: list[ItemOutcome]


class ArticleSummary(BaseModel):
    id: str
    title: str | None
    subtitle: str | None = None
    outlet: str | None
    language: str | None
    published: str | None
    url: str | None = None
    wire_agencies: list[str] = []
    story_id: str | None = None
    headline_only: bool = Field(False, description="The page held no article text (a paywall, a "
                                "sign-in form): the article is its headline alone.")


class RemovalOut(BaseModel):
    start: int
    end: int
    reason: str
    text: str


class ArticleDetail(ArticleSummary):
    origin: str
    date_source: str | None
    outlet_source: str | None
    credits: list[str]
    paragraph_languages: list[str]
    text: str
    extracted: str = Field(description="The text before cleaning; removals index it.")
    removals: list[RemovalOut]


class DayCount(BaseModel):
    day: str
    articles: int


class StorySummary(BaseModel):
    id: str
    headline: str | None
    lead_article_id: str | None
    articles: int
    independent_reports: int
    outlets: list[str]
    languages: list[str]
    first_seen: str | None
    last_seen: str | None
    rank: float | None = Field(description="Front-page score: latest day plus coverage bonus.")
    days: list[DayCount]


class StoryDetail(StorySummary):
    members: list[ArticleSummary]
    duplicate_groups: list[list[str]] = Field(
        description="Copies of one text (wire stories), each from its first published copy.")


class Page(BaseModel):
    total: int
    limit: int
    offset: int


class ArticlePage(Page):
    items: list[ArticleSummary]


class StoryPage(Page):
    items: list[StorySummary]


class SnippetOut(BaseModel):
    text: str
    matches: list[tuple[int, int]] = Field(description="(start, end) offsets of matched words.")


class ArticleHitOut(BaseModel):
    article: ArticleSummary
    title: SnippetOut
    snippet: SnippetOut


class StoryHitOut(BaseModel):
    story: StorySummary
    titles: SnippetOut


class SearchOut(BaseModel):
    query: str
    total: int = Field(description="Matching articles, counted up to 1000.")
    more: bool = Field(description="More than 1000 articles match.")
    limit: int
    offset: int
    articles: list[ArticleHitOut]
    stories: list[StoryHitOut]


class ChangesOut(BaseModel):
    since: int
    seq: int = Field(description="The latest change number; ask again with since=seq.")
    count: int = Field(description="Stories changed after since.")
    story_ids: list[str]
    deleted: list[str] = Field(description="Stories merged into others or removed.")


class Health(BaseModel):
    status: Literal["ok"]
    version: str
    change_seq: int


Json = dict[str, Any]


class ComparisonOut(BaseModel):
    first: str
    second: str
    score: float = Field(description="1.0 = surely the same story .. 0.0 = unrelated")
    overall: float = Field(description="The grade on SemEval 2022 task 8's scale: 1 = same story .. 4")
    features: dict[str, float] = Field(description="The signals behind the score")
    same_story_now: bool = Field(description="Whether the stories put the two together now")


class ClosestOut(BaseModel):
    article_id: str
    probability: float = Field(description="The pair model's probability that the two tell one story")


class MemberFitOut(BaseModel):
    article_id: str
    probability: float = Field(description="The pair model's probability that the article and the "
                                           "rest of the story tell one story (average linkage, as "
                                           "clustering scores it)")
    score: float = Field(description="The same as log-odds")
    threshold: float = Field(description="The log-odds an article must reach to join a story on its own")
    clears_the_bar: bool = Field(description="Whether it would join the rest on its own score; below it, "
                                             "an article is held by its closest members (a merge, a copy)")
    closest: list[ClosestOut] = Field(description="The members it is closest to, best first")
    signals: dict[str, float] = Field(description="The pair signals averaged over its pairs with the rest")


class StoryFitOut(BaseModel):
    story_id: str
    explained: bool = Field(description="False for a story of one article, or one too large to "
                                        "explain member by member (more than 600 articles)")
    members: list[MemberFitOut]
