"""The store interface every backend implements (SQLite now, PostgreSQL later).

The pipeline stages never open a store: the engine opens one with ``open_store(url)`` and
passes what the stages need (known ids, outlet boilerplate keys) in as plain values.

Writes are all-or-nothing per call: a batch is one transaction, so a crash or a kill in the
middle of ``add_articles`` leaves either the whole batch or none of it. Articles are keyed
by content hash, so adding the same batch again is a no-op.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Iterable, Iterator, Literal, Mapping, Sequence

from ..types import Article, RawDocument, Rejected, Story
from .rows import FeatureRow, StoryRow

ArticleOrder = Literal["published", "ingested"]
StoryOrder = Literal["recent", "size"]

#: ``(article_a, article_b, kind, score, why)`` with ``article_a < article_b``.
DuplicateLink = tuple[str, str, str, float, str]
#: ``(article_id, story_id, score)``.
Membership = tuple[str, str, float]

#: Largest number of values put into one ``IN (...)`` list.
IN_CHUNK = 500

#: Shortest article id prefix that ``Store.article`` resolves.
MIN_ID_PREFIX = 6


class Store(ABC):
    """Articles, their raw input, cleaning audit trail, rejections and ingest runs."""

    #: Where the data lives, for messages (a file path, ``":memory:"``, a server URL).
    location: str

    # -- writing ------------------------------------------------------------------------

    @abstractmethod
    def add_articles(self, pairs: Sequence[tuple[RawDocument, Article]]) -> int:
        """Store each raw document with its article and removals, in one transaction.

        Articles already stored are left alone. Returns how many articles were new.
        """

    @abstractmethod
    def replace_cleaning(self, articles: Sequence[Article]) -> int:
        """Overwrite the cleaned fields and removals of stored articles, in one transaction.

        Identity, origin and ingest time are kept. Returns how many articles were updated;
        articles that are not stored are skipped.
        """

    @abstractmethod
    def record_paragraphs(self, rows: Iterable[tuple[str, str, str]]) -> None:
        """Record ``(outlet, paragraph_key, article_id)`` sightings; repeats are no-ops."""

    @abstractmethod
    def add_rejections(self, rejected: Sequence[Rejected]) -> None:
        """Record rejected inputs; the same origin and reason again bumps ``times``."""

    @abstractmethod
    def start_run(self, sources: list[str]) -> int:
        """Open an ingest run record and return its id."""

    @abstractmethod
    def finish_run(self, run_id: int, documents: int, added: int, skipped: int,
                   rejected: int) -> None:
        """Close the ingest run ``run_id`` with its counts."""

    # -- reading ------------------------------------------------------------------------

    @abstractmethod
    def known_ids(self, ids: Iterable[str]) -> set[str]:
        """The subset of ``ids`` that are stored article ids."""

    @abstractmethod
    def boilerplate_keys(self, outlets: Iterable[str], min_articles: int,
                         keys: Iterable[str] | None = None) -> dict[str, frozenset[str]]:
        """Per outlet, the paragraph keys seen in at least ``min_articles`` of its articles.

        With ``keys``, only those candidate keys are considered (much faster on a large
        store). Every requested outlet is in the result, possibly with an empty set.
        """

    def boilerplate_keys_each(self, keys: Mapping[str, Iterable[str]],
                              min_articles: int) -> dict[str, frozenset[str]]:
        """``boilerplate_keys`` of several outlets, each among its own candidate keys,
        read together (a backend answers them in one snapshot)."""
        return {outlet: self.boilerplate_keys([outlet], min_articles, keys=candidates)[outlet]
                for outlet, candidates in keys.items()}

    @abstractmethod
    def articles_with_keys(self, outlet: str, keys: Iterable[str]) -> list[str]:
        """Ids of the articles of ``outlet`` that contain any of the paragraph ``keys``."""

    @abstractmethod
    def key_holders(self, keys: Mapping[str, Iterable[str]]) -> dict[str, dict[str, set[str]]]:
        """Per outlet, for each of its candidate ``keys`` that was seen, the ids of the
        documents recorded with it (``record_paragraphs``; one rejected after it was recorded
        included), all read together."""

    @abstractmethod
    def article(self, article_id: str) -> Article | None:
        """The article with this id, or with this unique id prefix (at least 6 characters).

        Raises ``UserError`` when a prefix matches several articles.
        """

    @abstractmethod
    def raw_document(self, article_id: str) -> RawDocument | None:
        """The raw input the article was made from (id or unique prefix, as ``article``)."""

    @abstractmethod
    def articles(self, *, since: str | None = None, until: str | None = None,
                 outlet: str | None = None, language: str | None = None, limit: int = 50,
                 offset: int = 0, order: ArticleOrder = "published") -> list[Article]:
        """A page of articles, newest first by publication date or by ingest time.

        ``since``/``until`` are ISO dates (or date-times) compared with ``published``; a
        date ``until`` includes that whole day. ``outlet`` ignores case.
        """

    @abstractmethod
    def count_articles(self, *, since: str | None = None, until: str | None = None,
                       outlet: str | None = None, language: str | None = None) -> int:
        """How many articles ``articles`` would page through with the same filters."""

    @abstractmethod
    def iter_articles(self, batch: int = 500) -> Iterator[Article]:
        """Every article in id order, read ``batch`` at a time (for re-cleaning, export)."""

    # -- story engine: features, dedup, document frequencies ----------------------------

    @abstractmethod
    def save_features(self, rows: Sequence[FeatureRow]) -> None:
        """Store (or replace) the features of each article, in one transaction."""

    @abstractmethod
    def features(self, article_ids: Iterable[str]) -> dict[str, FeatureRow]:
        """The stored features of those articles; ids without features are left out."""

    @abstractmethod
    def iter_features(self, batch: int = 1000) -> Iterator[FeatureRow]:
        """Every feature row in article id order, read ``batch`` at a time."""

    @abstractmethod
    def featured_between(self, first_day: float, last_day: float) -> list[str]:
        """Ids of the articles whose features' day (days since 1970) is from ``first_day``
        to ``last_day``, in id order; undated ones are left out."""

    @abstractmethod
    def has_features(self) -> bool:
        """Whether any article has stored features."""

    @abstractmethod
    def save_dedup(self, rows: Sequence[tuple[str, str, bytes, Sequence[str]]]) -> None:
        """Store ``(article_id, exact_key, signature, band_keys)``; saving again replaces."""

    @abstractmethod
    def dedup_candidates(self, exact_key: str, band_keys: Sequence[str]) -> set[str]:
        """Ids of the articles sharing ``exact_key`` or any of ``band_keys``."""

    def dedup_candidates_each(self, queries: Sequence[tuple[str, Sequence[str]]]) -> list[set[str]]:
        """``dedup_candidates`` of each ``(exact_key, band_keys)``, read together (a backend
        answers them in one snapshot)."""
        return [self.dedup_candidates(key, bands) for key, bands in queries]

    @abstractmethod
    def signatures(self, article_ids: Iterable[str]) -> dict[str, tuple[str, bytes]]:
        """``article_id -> (exact_key, signature)`` for the ids that have one."""

    @abstractmethod
    def add_duplicate_links(self, links: Sequence[DuplicateLink]) -> None:
        """Record links between copies, once per unordered pair (the latest one wins)."""

    @abstractmethod
    def duplicate_links(self, article_ids: Iterable[str] | None = None) -> list[DuplicateLink]:
        """Links touching any of ``article_ids`` (every link with ``None``), ``a < b``."""

    @abstractmethod
    def df_update(self, counts: Mapping[int, int], documents: int) -> None:
        """Add document frequencies of hashed tokens and the documents they came from."""

    @abstractmethod
    def df_load(self, tokens: Iterable[int] | None = None) -> tuple[dict[int, int], int]:
        """``(token -> document frequency, number of documents)``; with ``tokens``, only
        those tokens (the ones a batch needs: the whole table grows with the archive)."""

    # -- story engine: stories ----------------------------------------------------------

    @abstractmethod
    def save_story_updates(self, stories: Sequence[StoryRow], members: Sequence[Membership],
                           deleted: Sequence[str]) -> None:
        """In one transaction: upsert ``stories``, move or add ``members`` (an article is
        in exactly one story), then delete the ``deleted`` stories, which must have no
        members left. Raises ``StoreError`` and changes nothing when any part fails."""

    @abstractmethod
    def replace_all_stories(self, stories: Sequence[StoryRow],
                            members: Sequence[Membership]) -> None:
        """Replace every story and membership, in one transaction (batch re-clustering).
        A story that comes back with the same id and the same members is not changed: its
        state and days are written, but it keeps its ``updated_at``, and so its card."""

    @abstractmethod
    def save_reweighed(self, features: Sequence[tuple[str, bytes, bytes, bytes]],
                       states: Sequence[tuple[str, bytes]], documents: int) -> None:
        """In one transaction: replace the lexical, name and rare-name vectors of articles
        (``(article_id, lexical, names, rare)``) and the states of stories (``(story_id,
        state)``) summed from them, when IDF weights are computed again, and record that
        this was done at ``documents`` documents (``reweighed_at``). Memberships, sizes
        and dates do not change."""

    @abstractmethod
    def reweighed_at(self) -> int:
        """The corpus size of the last ``save_reweighed``, 0 if there was none."""

    @abstractmethod
    def story_states(self) -> dict[str, StoryRow]:
        """Every story's row, to restore the online clusterer."""

    @abstractmethod
    def story_states_for(self, story_ids: Iterable[str]) -> dict[str, StoryRow]:
        """The rows of those stories; unknown ids are left out."""

    @abstractmethod
    def story_of(self, article_ids: Iterable[str]) -> dict[str, str]:
        """``article_id -> story_id`` for the articles that are in a story."""

    @abstractmethod
    def stories(self, *, since: str | None = None, until: str | None = None,
                language: str | None = None, outlet: str | None = None, min_size: int = 1,
                order: StoryOrder = "recent", limit: int = 50, offset: int = 0) -> list[Story]:
        """A page of stories, most recently seen first (``"recent"``) or largest first.

        A story matches ``since``/``until`` when its first-to-last-seen range overlaps
        them, ``language``/``outlet`` when any of its articles has it (outlet ignores case).
        """

    @abstractmethod
    def count_stories(self, *, since: str | None = None, until: str | None = None,
                      language: str | None = None, outlet: str | None = None,
                      min_size: int = 1) -> int:
        """How many stories ``stories`` would page through with the same filters."""

    @abstractmethod
    def story(self, story_id: str) -> Story | None:
        """The story with this id or unique id prefix (at least 6 characters).

        Raises ``UserError`` when a prefix matches several stories.
        """

    @abstractmethod
    def unassigned_article_ids(self) -> list[str]:
        """Stored articles in no story, oldest published first (undated last)."""

    # -- reading: reports ---------------------------------------------------------------

    @abstractmethod
    def rejections(self, limit: int = 50) -> list[dict[str, Any]]:
        """The most recently seen rejections, newest first."""

    @abstractmethod
    def stats(self) -> dict[str, Any]:
        """Counts and breakdowns for ``storyline stats`` (see the backend for keys)."""

    # -- lifetime -----------------------------------------------------------------------

    @abstractmethod
    def close(self) -> None:
        """Release the connection. Safe to call twice."""

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
