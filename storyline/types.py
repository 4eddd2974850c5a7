"""Plain records passed between the pipeline stages.

Data flows one way (see DESIGN.md)::

    sources -> RawDocument | Rejected
    extract -> Article | Rejected
    store   <- Article, RawDocument, Rejected

Every record is a frozen dataclass so that a stage cannot change what another stage
produced, and so that records can be pickled to worker processes. This module imports
nothing from the package.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable, Literal, Mapping

BodyKind = Literal["text", "html"]

#: What a long job calls with the number of steps done since its last call.
Progress = Callable[[int], None]
#: Opens a stage of a long job, given its label and its number of steps (None when not
#: known in advance); returns the stage's ``Progress``.
Stage = Callable[[str, "int | None"], Progress]


def no_stage(label: str, total: int | None) -> Progress:
    """A ``Stage`` that shows nothing."""
    return no_progress


def no_progress(done: int) -> None:
    """A ``Progress`` that shows nothing."""

#: Keys a source may put into ``RawDocument.hints``: what the container (a JSON field, a
#: feed entry, an HTTP header) already says about the document. ``fetched`` is when a
#: crawler fetched it (WARC-Date), a last resort for the publication date.
HINT_KEYS = ("title", "subtitle", "date", "url", "outlet", "lang", "author", "fetched")


@dataclass(frozen=True)
class RawDocument:
    """One input document exactly as it arrived, decoded to text but not cleaned.

    ``origin`` tells a user where to look: ``"news/a.txt"``, ``"dump.jsonl:12"`` (line 12),
    ``"crawl.warc.gz#record 3"``, ``"feed.xml#entry 2"``.
    """

    origin: str
    body: str
    kind: BodyKind = "text"
    hints: Mapping[str, str] = field(default_factory=dict)
    encoding: str = "utf-8"

    @cached_property
    def content_hash(self) -> str:
        """Key of the document: the same body with the same hints is the same article.

        The origin is left out on purpose, so that moving or renaming a file and ingesting
        it again is still a no-op.
        """
        hints = {k: v for k, v in sorted(self.hints.items()) if v}
        blob = json.dumps([self.kind, self.body, hints], ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(blob.encode("utf-8", "surrogatepass")).hexdigest()[:32]


@dataclass(frozen=True)
class Rejected:
    """An input that could not become an article, with a one-line reason for the user."""

    origin: str
    reason: str
    stage: str = "source"  # source | extract | store


@dataclass(frozen=True)
class Removal:
    """A span of the extracted text that cleaning removed, and why.

    ``start``/``end`` index ``Article.extracted``; ``reason`` is one of ``REMOVAL_REASONS``.
    """

    start: int
    end: int
    reason: str
    text: str


REMOVAL_REASONS = {
    "metadata-header": "a metadata line such as 'date 2024-05-14', kept as metadata",
    "title": "the title, kept as metadata",
    "subtitle": "the subtitle, kept as metadata",
    "attribution": "a wire or reporting credit, kept as metadata",
    "appeal": "a donation or membership appeal",
    "newsletter": "a newsletter or subscription prompt",
    "interface": "interface text (buttons, 'Remind me later', 'Read more')",
    "share": "share buttons or social-media handles",
    "cookie": "a cookie or privacy notice",
    "caption": "a photo caption",
    "photo-credit": "a photo or video credit",
    "repeated": "a paragraph repeated within the page",
    "teaser": "a teaser or link to another story",
    "outlet-boilerplate": "a paragraph that recurs across many articles of this outlet",
    "byline": "a byline or dateline line",
    "copyright": "a copyright notice",
}


@dataclass(frozen=True)
class Article:
    """A clean article with its metadata and the audit trail of its cleaning."""

    article_id: str
    origin: str
    text: str  # clean body; paragraphs separated by a blank line
    extracted: str  # text before cleaning (after HTML extraction): what removals index
    title: str | None = None
    subtitle: str | None = None
    published: str | None = None  # ISO 8601 date or date-time
    date_source: str | None = None  # header | field (JSON, CSV, feed) | html-meta | url | text | crawl
    outlet: str | None = None
    outlet_source: str | None = None  # header | field (JSON, CSV, feed) | html-meta | text | domain
    url: str | None = None
    language: str | None = None  # ISO 639-1 code of the body
    paragraph_languages: tuple[str, ...] = ()  # one code per paragraph of ``text``
    wire_agencies: tuple[str, ...] = ()
    credits: tuple[str, ...] = ()  # attribution lines and photo credits, verbatim
    removals: tuple[Removal, ...] = ()
    kind: BodyKind = "text"
    encoding: str = "utf-8"

    @property
    def paragraphs(self) -> list[str]:
        return [p for p in self.text.split("\n\n") if p]

    @property
    def headline_only(self) -> bool:
        """Known by its headline alone: the page held no article text (a paywall, a
        sign-in form), see ``extract.finish``."""
        return not self.text


@dataclass(frozen=True)
class Story:
    """Articles that report the same event, across outlets, languages and days.

    ``duplicate_groups`` are the copies of one text (a wire story reprinted by several
    outlets), each listed from the first published copy; an article in no group is an
    independent report.
    """

    story_id: str
    article_ids: tuple[str, ...]
    first_seen: str | None = None
    last_seen: str | None = None
    languages: tuple[str, ...] = ()
    outlets: tuple[str, ...] = ()
    duplicate_groups: tuple[tuple[str, ...], ...] = ()

    @property
    def size(self) -> int:
        return len(self.article_ids)

    @property
    def independent_reports(self) -> int:
        """Articles counted once per group of copies."""
        copies = sum(len(group) - 1 for group in self.duplicate_groups)
        return len(self.article_ids) - copies
