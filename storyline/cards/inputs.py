"""What a card is built from: one record per member article of a story."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CardArticle:
    """One member article of a story, as the card stages see it.

    ``copy_group`` names the syndication group the article belongs to (the id of the first
    published copy of a wire text); an article that is nobody's copy has its own id here, so
    that counting distinct ``copy_group`` values counts independent reports.
    """

    article_id: str
    text: str  # clean body; paragraphs separated by a blank line
    language: str | None = None  # ISO 639-1
    title: str | None = None
    subtitle: str | None = None
    outlet: str | None = None
    published: str | None = None  # ISO 8601 date or date-time, as stored
    url: str | None = None
    wire_agencies: tuple[str, ...] = ()
    copy_group: str = ""

    @property
    def independence_key(self) -> str:
        return self.copy_group or self.article_id
