"""Engine: the one object the CLI, the HTTP layer and the distributed runner call.

It wires the stages together (sources -> extract -> store) and holds no pipeline logic of
its own beyond the order of the calls and the batching.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from dataclasses import dataclass, field, replace
from importlib import resources
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping, Sequence

from .errors import StorylineError, UserError
from .extract import Prepared, finish, prepare
from .extract.furniture import headlines_differ
from .settings import load_settings
from .sources import FieldMapping, read_sources
from .sources.fields import record_to_document
from .store import open_store
from .types import Article, Progress, RawDocument, Rejected, Stage, Story, no_stage

if TYPE_CHECKING:
    from .cardbuilder import CardBuilder
    from .cluster.membership import MemberFit
    from .cards.model import StoryCard
    from .store.pages import ArticleHead, Changes, ListingCache, SearchResults, StoryListing
    from .store.sqlite_watch import StoryUpdate
    from .storybuilder import Started, StoryBuilder
    from .watch import PollReport
    from .watch.poller import Poller

logger = logging.getLogger(__name__)



@dataclass
class IngestReport:
    """What one ``ingest`` call did. ``status`` is full, partial, failed or empty."""

    documents: int = 0
    added: int = 0
    already_stored: int = 0
    recleaned: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def status(self) -> str:
        if self.rejected:
            return "partial" if self.added or self.already_stored else "failed"
        return "full" if self.documents else "empty"

    def as_dict(self) -> dict[str, Any]:
        return {"status": self.status, "documents": self.documents, "added": self.added,
                "already_stored": self.already_stored, "recleaned": self.recleaned,
                "rejected": [{"origin": r.origin, "reason": r.reason, "stage": r.stage}
                             for r in self.rejected],
                "seconds": round(self.seconds, 3),
                "articles_per_second": round(self.documents / self.seconds, 1)
                if self.seconds else None}


class Engine:
    """Storyline's Python API.

    >>> with Engine(db=":memory:") as engine:            # doctest: +SKIP
    ...     report = engine.ingest(["news/"])
    ...     engine.articles(language="en", limit=5)
    """

    def __init__(self, db: str | None = None, **settings: Any):
        self.settings = load_settings({"db": db, **settings})
        self.store = open_store(self.settings["db"])
        self._stories: StoryBuilder | None = None
        self._cards: CardBuilder | None = None
        self._poller: Poller | None = None  # storyline watch; remembers reported problems
        self._pair_scorer = None  # storyline compare: its encoder loads on the first call

    @property
    def story_builder(self) -> StoryBuilder:
        """Created on first use: the story stages (numpy, faiss, MinHash, the sentence
        encoder) take a second to import and load, which commands that only read skip."""
        if self._stories is None:
            from .storybuilder import StoryBuilder

            self._stories = StoryBuilder(self.store, self.settings)
        return self._stories

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._stories is not None:
            self._stories.close()
        self.store.close()

    # -- ingestion -----------------------------------------------------------------------

    def ingest(self, paths: Sequence[str], *, fields: Sequence[str] = (),
               progress: Progress | None = None) -> IngestReport:
        """Read, clean and store every document under ``paths``; bad inputs are rejected
        with a reason and the rest goes on. Re-ingesting what is stored is a no-op.

        ``fields`` maps JSONL/CSV columns, e.g. ``["text=body_html", "date=pub_date"]``.
        """
        if not paths:
            raise UserError("nothing to ingest: give at least one file, folder, glob or URL")
        mapping = FieldMapping.from_settings(self.settings).with_overrides(fields)
        items = read_sources([str(p) for p in paths], fields=mapping,
                             max_document_bytes=int(self.settings["max_document_mb"] * 2**20),
                             max_file_bytes=int(self.settings["max_file_mb"] * 2**20))
        return self.ingest_documents(items, sources=[str(p) for p in paths], progress=progress)

    def ingest_documents(self, items: Iterable[RawDocument | Rejected], *,
                         sources: Sequence[str] = ("python",),
                         progress: Progress | None = None) -> IngestReport:
        """Clean and store documents a caller already has (the Python API's way in)."""
        report, started = IngestReport(), time.perf_counter()
        run_id = self.store.start_run(list(sources))
        stale: set[str] = set()
        # A batch's stories are assigned once the next batch is cleaned and stored: the
        # sentence encoder (a worker process) embeds one while this process cleans the other.
        pending = None
        try:
            for batch in _batches(items, self.settings["batch_size"]):
                batch_stale, new = self._ingest_batch(batch, report)
                stale |= batch_stale
                previous, pending = pending, None
                self._finish_stories(previous)
                pending = new
                if progress:
                    progress(len(batch))
            last, pending = pending, None
            self._finish_stories(last)
        except BaseException:
            # the next batch failed: the previous one still gets its stories, as it would
            # have before the next one was read
            with contextlib.suppress(Exception):
                self._finish_stories(pending)
            raise
        report.recleaned = self._reclean_stale(stale)
        self._refresh_changed_cards()
        report.seconds = time.perf_counter() - started
        self.store.finish_run(run_id, report.documents, report.added, report.already_stored,
                              len(report.rejected))
        return report

    def _finish_stories(self, started: Started | None) -> None:
        if started is not None:
            self.story_builder.finish_adding(started)

    def _ingest_batch(self, batch: list[RawDocument | Rejected],
                      report: IngestReport) -> tuple[set[str], Started | None]:
        """Store one batch and start its story work (``_finish_stories`` completes it).
        Returns the ids of articles stored earlier that carry paragraphs this batch has
        just revealed as outlet boilerplate, and the started story work."""
        docs = [d for d in batch if isinstance(d, RawDocument)]
        rejected = [d for d in batch if isinstance(d, Rejected)]
        report.documents += len(batch)
        known = self.store.known_ids(d.content_hash for d in docs)
        report.already_stored += sum(1 for d in docs if d.content_hash in known)
        prepared: list[Prepared] = []
        longest = self.settings["boilerplate_max_chars"]
        for doc in _unique(d for d in docs if d.content_hash not in known):
            result = _guarded(doc.origin, prepare, doc, boilerplate_max_chars=longest)
            (rejected if isinstance(result, Rejected) else prepared).append(result)
        boilerplate, stale = self._learn(prepared)
        furniture = self._furniture(prepared)
        pairs = []
        for item in prepared:
            article = _guarded(item.doc.origin, finish, item,
                               boilerplate.get(item.outlet or "", frozenset()),
                               boilerplate_max_chars=longest,
                               keep_headlines=self.settings["keep_headlines"],
                               furniture=furniture.get(item.doc.content_hash))
            if isinstance(article, Rejected):
                rejected.append(article)
            else:
                pairs.append((item.doc, article))
        report.added += self.store.add_articles(pairs)
        started = None
        if self.settings["cluster"] and pairs:
            started = self.story_builder.start_adding([article for _, article in pairs])
        self.store.add_rejections(rejected)
        report.rejected.extend(rejected)
        for item in rejected:
            logger.warning("rejected %s: %s", item.origin, item.reason)
        return stale - {doc.content_hash for doc, _ in pairs}, started

    def _learn(self, prepared: list[Prepared]) -> tuple[dict[str, frozenset[str]], set[str]]:
        """Count this batch's short paragraphs per outlet and read which of them recur.

        Returns each outlet's boilerplate among this batch's paragraphs, and the articles
        that held a paragraph before it became boilerplate (they were cleaned without it).
        """
        by_outlet: dict[str, set[str]] = {}
        for item in prepared:
            if item.outlet:
                by_outlet.setdefault(item.outlet, set()).update(item.keys)
        if not by_outlet:
            return {}, set()
        minimum = self.settings["boilerplate_min_articles"]
        # each outlet among its own keys: small lookups, all in one read
        known = self.store.boilerplate_keys_each(by_outlet, minimum)
        # the whole text's key too, for ``_furniture`` (never counted as a paragraph)
        self.store.record_paragraphs((p.outlet, key, p.doc.content_hash)
                                     for p in prepared if p.outlet
                                     for key in (*p.keys, *filter(None, [p.body_key])))
        learned = self.store.boilerplate_keys_each(by_outlet, minimum)
        stale: set[str] = set()
        for outlet in by_outlet:
            if learned[outlet] - known[outlet]:
                stale.update(self.store.articles_with_keys(outlet, learned[outlet] - known[outlet]))
        return learned, stale

    def _furniture(self, prepared: list[Prepared]) -> dict[str, str]:
        """Why each of this batch's documents that its outlet also printed, word for word,
        under another headline (``extract.furniture``) has no article text, by id. Runs
        after ``_learn`` has recorded the batch's body keys. An article stored earlier with
        that text keeps it: its features were computed for it (as in ``_clean_again``)."""
        by_outlet: dict[str, dict[str, list[Prepared]]] = {}
        for item in prepared:
            if item.outlet and item.body_key:
                by_outlet.setdefault(item.outlet, {}).setdefault(item.body_key, []).append(item)
        reasons: dict[str, str] = {}
        for outlet, holders_of in self.store.key_holders(by_outlet).items():
            bodies = by_outlet[outlet]
            for key, holders in holders_of.items():
                if len(holders) < 2:
                    continue
                titles = {item.doc.content_hash: item.fields.get("title") for item in bodies[key]}
                # stored ones (a document rejected after its text was recorded has no head)
                titles |= {head.article_id: head.title
                           for head in self.store.article_heads(sorted(holders - titles.keys()))}
                for item in bodies[key]:
                    own = titles[item.doc.content_hash]
                    other = next((title for article_id, title in sorted(titles.items())
                                  if article_id != item.doc.content_hash
                                  and headlines_differ(own, title)), None)
                    if other is not None:
                        reasons[item.doc.content_hash] = (
                            f"{outlet} printed the same text under another headline "
                            f"({other!r}): page furniture, not the article")
        return reasons

    def _reclean_stale(self, article_ids: Iterable[str]) -> int:
        """Clean again the articles stored before their outlet's boilerplate was known."""
        changed = []
        for article_id in sorted(article_ids):
            article = self.store.article(article_id)
            if article is not None:  # None: counted when prepared, then rejected by cleaning
                redone = self._clean_again(article)
                if redone is not None and redone != article:
                    changed.append(redone)
        if changed:
            self.store.replace_cleaning(changed)
        return len(changed)

    def _clean_again(self, article: Article) -> Article | None:
        """The article cleaned from its raw input with the rules and boilerplate known now."""
        longest = self.settings["boilerplate_max_chars"]
        prepared = prepare(self.store.raw_document(article.article_id), boilerplate_max_chars=longest)
        if isinstance(prepared, Rejected):
            return None
        outlet = prepared.outlet or ""
        boilerplate = self.store.boilerplate_keys(
            [outlet], self.settings["boilerplate_min_articles"], keys=prepared.keys)[outlet] if outlet else frozenset()
        redone = finish(prepared, boilerplate, boilerplate_max_chars=longest)
        if not isinstance(redone, Article) or redone.headline_only != article.headline_only:
            return None  # its features were computed for the body it had: it keeps it
        return _keep_identity(redone, article)

    # -- reading -------------------------------------------------------------------------

    def article(self, article_id: str) -> Article:
        article = self.store.article(article_id)
        if article is None:
            raise UserError(f"no article {article_id!r}; list ids with 'storyline articles'")
        return article

    def compare(self, first: str, second: str) -> dict[str, Any]:
        """How alike two stored articles are as reports of one story (``storyline.similarity``):
        the same-story score, the grade on SemEval's scale, the signals, and whether the
        stories put them together now. The sharper encoder loads on the first call."""
        a, b = self.article(first), self.article(second)
        if self._pair_scorer is None:
            from .similarity import PairScorer  # imported here: it loads only when asked for

            self._pair_scorer = PairScorer(self)
        found = self._pair_scorer.compare([(a, b)])[0]
        stories = self.store.story_of([a.article_id, b.article_id])
        together = a.article_id in stories and stories.get(a.article_id) == stories.get(b.article_id)
        return {"first": a.article_id, "second": b.article_id, **found.as_dict(),
                "same_story_now": together}

    def raw_document(self, article_id: str) -> RawDocument:
        return self.store.raw_document(self.article(article_id).article_id)

    def articles(self, **filters: Any) -> list[Article]:
        return self.store.articles(**filters)

    def count_articles(self, **filters: Any) -> int:
        return self.store.count_articles(**filters)

    def cluster(self, since: str | None = None, until: str | None = None,
                stage: Stage | None = None) -> int:
        """Batch mode: cluster the whole archive (or the articles published from ``since``
        to ``until``, ISO dates) again; the result does not depend on the order articles
        arrived in. Returns the number of stories the clustered articles form. ``stage``
        hears of each stage as it begins, cards included (``types.Stage``)."""
        stage = stage or no_stage
        count = self.story_builder.recluster(since, until, stage)
        if self.settings["cards"]:
            todo = self.store.cards_to_refresh()
            self.refresh_cards(todo, progress=stage("building cards", len(todo)))
        return count

    def stories(self, **filters: Any) -> list[Story]:
        return self.store.stories(**filters)

    def count_stories(self, **filters: Any) -> int:
        return self.store.count_stories(**filters)

    def story(self, story_id: str) -> Story:
        story = self.store.story(story_id)
        if story is None:
            raise UserError(f"no story {story_id!r}; list ids with 'storyline stories'")
        return story

    def member_fits(self, story_id: str) -> list[MemberFit]:
        """Why each article is in the story (``cluster.membership``): how well it fits the
        rest by the clusterer's own score, and the members it is closest to."""
        return self.story_builder.member_fits(self.story(story_id).story_id)

    def rejections(self, limit: int = 50) -> list[dict[str, Any]]:
        return self.store.rejections(limit=limit)

    def stats(self) -> dict[str, Any]:
        return self.store.stats()

    def reclean(self) -> int:
        """Clean every stored article again from its raw input with today's rules."""
        return self._reclean_stale(article.article_id for article in self.store.iter_articles())

    # -- story cards -----------------------------------------------------------------------

    @property
    def card_builder(self) -> CardBuilder:
        """Created on first use, as ``story_builder`` (the entity models load lazily too)."""
        if self._cards is None:
            from .cardbuilder import CardBuilder

            self._cards = CardBuilder(self.store, self.settings)
        return self._cards

    def card(self, story_id: str) -> StoryCard:
        """The story's card: the stored one when current (one row read), else built now."""
        card = self.card_builder.read(story_id)
        if card is not None:
            return card
        story = self.story(story_id)  # resolves an id prefix; UserError when unknown
        card = self.card_builder.read(story.story_id) or self.card_builder.build_or_mark_stale(story)
        if card is None:
            raise UserError(f"the card of story {story.story_id} could not be built: "
                            f"{self.store.stored_card(story.story_id).error}; run with -v for "
                            "the log, and report it if it persists")
        return card

    def refresh_cards(self, story_ids: Sequence[str] | None = None, *,
                      progress: Progress | None = None) -> int:
        """Build the cards of these stories (default: every story whose card is missing,
        outdated or failed); returns how many were built."""
        todo = self.store.cards_to_refresh() if story_ids is None else list(story_ids)
        return self.card_builder.refresh(todo, progress=progress)

    def iter_cards(self) -> Iterator[StoryCard]:
        """Every stored card, in story id order (``refresh_cards`` first for current ones)."""
        return self.card_builder.iter_cards()

    def entities(self, *, kind: str | None = None, prefix: str | None = None,
                 limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
        """Entities across stories (``key``, ``kind``, ``name``, ``stories``, ``salience``),
        those in most stories first; ``prefix`` matches the start of the key."""
        return self.store.entities(kind=kind, prefix=prefix, limit=limit, offset=offset)

    def entity_stories(self, key: str, *, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
        """The stories that name an entity (by its key), the most salient first."""
        return self.store.entity_stories(key, limit=limit, offset=offset)

    def _refresh_changed_cards(self) -> None:
        """Cards of the stories that changed (a failed card is logged and kept stale)."""
        if self.settings["cards"]:
            self.refresh_cards()

    # -- serving: pages, search, live changes, posted articles (storyline serve) ---------

    def story_listings(self, **filters: Any) -> list[StoryListing]:
        """One page of stories with what a list shows (headline, counts, days), without
        their member ids. Orders: ``rank`` (recency plus coverage), ``recent``, ``size``.
        A ``cache`` (``get``/``put``) keeps listings between calls while stories stay."""
        return self.store.story_listings(**filters)

    def count_stories_among(self, story_ids: Sequence[str], **filters: Any) -> int:
        return self.store.count_stories_among(story_ids, **filters)

    def story_listing_page(self, story_ids: Sequence[str],
                           cache: ListingCache | None = None) -> list[StoryListing]:
        """``story_listings`` of the stories with these ids, in this order."""
        return self.store.story_listing_page(story_ids, cache)

    def article_heads(self, article_ids: Iterable[str]) -> list[ArticleHead]:
        """Articles' metadata and story ids without their texts, in the given order."""
        return self.store.article_heads(article_ids)

    def article_head_page(self, **filters: Any) -> list[ArticleHead]:
        """One page of articles as ``articles`` lists them, without their texts."""
        return self.store.article_head_page(**filters)

    def facet_counts(self) -> dict[str, list[tuple[str, int]]]:
        """Languages and outlets with their article counts, most articles first."""
        return self.store.facet_counts()

    def search(self, query: str, **filters: Any) -> SearchResults:
        """Full-text search over articles (and story titles): every word must occur,
        "quoted phrases" as phrases, ``word*`` as a prefix. Filters as ``articles``."""
        return self.store.search(query, **filters)

    def data_version(self) -> int:
        """Differs from its last value once anything was written by another connection."""
        return self.store.data_version()

    def change_seq(self) -> int:
        """The store's change counter: it grows with every story change."""
        return self.store.change_seq()

    def changes(self, since: int = 0, limit: int = 100) -> Changes:
        """Stories changed (created, updated, merged away) after change number ``since``."""
        return self.store.changes(since, limit)

    def ingest_records(self, records: Sequence[Mapping[str, Any]], *,
                       origin: str = "api") -> tuple[IngestReport, list[dict[str, Any]]]:
        """Ingest articles given as field mappings (``text``, ``title``, ``url``, ``date``,
        ``outlet``, ``lang``, ...), as the HTTP API receives them.

        Returns the report and one outcome per record, in order: ``index``, ``status``
        (added, already_stored or rejected), ``article_id``, ``story_id`` and ``reason``.
        """
        mapping = FieldMapping.from_settings(self.settings)
        limit = int(self.settings["max_document_mb"] * 2**20)
        items = [record_to_document(record, f"{origin}#{index}", mapping, limit)
                 for index, record in enumerate(records)]
        docs = [item for item in items if isinstance(item, RawDocument)]
        known = self.store.known_ids(doc.content_hash for doc in docs)
        try:
            report = self.ingest_documents(items, sources=[origin])
        except StorylineError:
            raise
        except Exception:  # a stage failed on some record: find it, keep the others
            logger.exception("ingesting %d records from %s failed; retrying one by one",
                             len(items), origin)
            report = self._ingest_one_by_one(items, origin)
        reasons = {item.origin: item.reason for item in report.rejected}
        stories = self.store.story_of(doc.content_hash for doc in docs)
        outcomes = []
        for index, item in enumerate(items):
            article_id = item.content_hash if isinstance(item, RawDocument) else None
            reason = reasons.get(item.origin)
            status = ("rejected" if reason else
                      "already_stored" if article_id in known else "added")
            outcomes.append({"index": index, "status": status,
                             "article_id": None if reason else article_id,
                             "story_id": stories.get(article_id) if article_id else None,
                             "reason": reason})
        return report, outcomes

    def _ingest_one_by_one(self, items: list[RawDocument | Rejected], origin: str) -> IngestReport:
        """Each item on its own, so that one that makes a stage fail is rejected alone."""
        report = IngestReport()
        for item in items:
            try:
                part = self.ingest_documents([item], sources=[origin])
            except StorylineError:
                raise
            except Exception as exc:
                reason = (f"could not be processed ({type(exc).__name__}: {exc}); this is a "
                          "bug in Storyline, please report it with the record")
                part = IngestReport(documents=1,
                                    rejected=[Rejected(item.origin, reason, "extract")])
                self.store.add_rejections(part.rejected)
            report.documents += part.documents
            report.added += part.added
            report.already_stored += part.already_stored
            report.rejected.extend(part.rejected)
            report.seconds += part.seconds
        return report

    # -- watching (storyline watch) and feeds of stories ----------------------------------

    def poll(self, sources: Sequence[str], *, stop: threading.Event | None = None,
             progress: Progress | None = None) -> PollReport:
        """Ingest what is new or changed in ``sources`` (folders, files, globs, feed URLs)
        since they were last polled, by this process or an earlier one. A source that
        fails is reported in the result and the others go on; ``stop`` ends the poll
        between two batches."""
        if not sources:
            raise UserError("nothing to watch: give at least one folder, file, glob or feed URL")
        if self._poller is None:
            from .watch.poller import Poller

            self._poller = Poller(self.store, self.settings, self.ingest_documents)
        return self._poller.poll([str(s) for s in sources], stop=stop, progress=progress)

    def watch(self, sources: Sequence[str], *, interval: float | None = None,
              feed_interval: float | None = None, once: bool = False,
              stop: threading.Event | None = None,
              progress: Progress | None = None) -> Iterator[PollReport]:
        """Poll ``sources`` whenever they are due until ``stop`` is set (after one poll of
        every source with ``once``), yielding one report per poll. Intervals default to
        the watch_interval and watch_feed_interval settings."""
        from .watch import Schedule, watch_loop

        intervals = {"interval": self.settings["watch_interval"] if interval is None else interval,
                     "feed interval": self.settings["watch_feed_interval"]
                     if feed_interval is None else feed_interval}
        for name, seconds in intervals.items():
            if seconds <= 0:
                raise UserError(f"the {name} must be more than 0 seconds, got {seconds:g}")
        schedule = Schedule([str(s) for s in sources], file_interval=intervals["interval"],
                            feed_interval=intervals["feed interval"], start=time.monotonic())
        stop = stop or threading.Event()
        yield from watch_loop(lambda due: self.poll(due, stop=stop, progress=progress),
                              schedule, stop=stop, once=once)

    def story_updates(self, *, limit: int = 50,
                      story_ids: Sequence[str] | None = None) -> list[StoryUpdate]:
        """The most recently created or changed stories (among ``story_ids`` when given),
        newest first, each with its update time and lead title: what feeds list."""
        return self.store.story_updates(limit=limit, story_ids=story_ids)

    def stored_card(self, story_id: str) -> StoryCard | None:
        """The story's card when it is built and current, else ``None``; never builds one
        (a feed lists fifty stories and must not wait for fifty builds)."""
        return self.card_builder.read(story_id)


def _guarded(origin: str, stage: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run an extraction stage on one document; if it fails (a bug met on some input),
    reject that document with the reason and let the rest of the batch go on."""
    try:
        return stage(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 - one bad input must not stop the batch
        logger.exception("extraction failed on %s", origin)
        return Rejected(origin, f"extraction failed ({type(exc).__name__}: {exc}); the rest "
                        "of the batch went on; please report this input", stage="extract")


def demo_corpus_path() -> Path:
    """The bundled demo corpus's articles (fictional, written for Storyline; see its README)."""
    return Path(str(resources.files("storyline") / "demo_corpus" / "articles"))


def _keep_identity(redone: Article, stored: Article) -> Article:
    return replace(redone, article_id=stored.article_id, origin=stored.origin)


def _batches(items: Iterator, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _unique(docs: Iterable[RawDocument]) -> Iterator[RawDocument]:
    seen: set[str] = set()
    for doc in docs:
        if doc.content_hash not in seen:
            seen.add(doc.content_hash)
            yield doc
