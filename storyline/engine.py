"""Engine: the one object the CLI, the HTTP layer and the distributed runner call.

It wires the stages together (sources -> extract -> store) and holds no pipeline logic of
its own beyond the order of the calls and the batching.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field, replace
from importlib import resources
from itertools import islice
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

from .errors import UserError
from .extract import Prepared, extract_article, finish, paragraph_key, prepare
from .settings import load_settings
from .sources import FieldMapping, read_sources
from .store import open_store
from .types import Article, RawDocument, Rejected

logger = logging.getLogger(__name__)

Progress = Callable[[int], None]


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

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
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
        touched: set[str] = set()
        for batch in _batches(items, self.settings["batch_size"]):
            touched |= self._ingest_batch(batch, report)
            if progress:
                progress(len(batch))
        report.recleaned = self.relearn_boilerplate(touched)
        report.seconds = time.perf_counter() - started
        self.store.finish_run(run_id, report.documents, report.added, report.already_stored,
                              len(report.rejected))
        return report

    def _ingest_batch(self, batch: list[RawDocument | Rejected], report: IngestReport) -> set[str]:
        docs = [d for d in batch if isinstance(d, RawDocument)]
        rejected = [d for d in batch if isinstance(d, Rejected)]
        report.documents += len(batch)
        known = self.store.known_ids(d.content_hash for d in docs)
        report.already_stored += sum(1 for d in docs if d.content_hash in known)
        prepared: list[Prepared] = []
        for doc in _unique(d for d in docs if d.content_hash not in known):
            result = prepare(doc, boilerplate_max_chars=self.settings["boilerplate_max_chars"])
            (rejected if isinstance(result, Rejected) else prepared).append(result)
        boilerplate = self._learn(prepared)
        pairs = []
        for item in prepared:
            article = finish(item, boilerplate.get(item.outlet or "", frozenset()),
                             boilerplate_max_chars=self.settings["boilerplate_max_chars"])
            if isinstance(article, Rejected):
                rejected.append(article)
            else:
                pairs.append((item.doc, article))
        report.added += self.store.add_articles(pairs)
        self.store.add_rejections(rejected)
        report.rejected.extend(rejected)
        for item in rejected:
            logger.warning("rejected %s: %s", item.origin, item.reason)
        return {p.outlet for p in prepared if p.outlet}

    def _learn(self, prepared: list[Prepared]) -> dict[str, frozenset[str]]:
        """Count this batch's short paragraphs per outlet, then read which of them recur."""
        by_outlet: dict[str, set[str]] = {}
        for item in prepared:
            if item.outlet:
                by_outlet.setdefault(item.outlet, set()).update(item.keys)
        if not by_outlet:
            return {}
        self.store.record_paragraphs((p.outlet, key, p.doc.content_hash)
                                     for p in prepared if p.outlet for key in p.keys)
        minimum = self.settings["boilerplate_min_articles"]
        learned: dict[str, frozenset[str]] = {}
        for outlet, keys in by_outlet.items():  # only this outlet's keys: a small lookup each
            learned.update(self.store.boilerplate_keys([outlet], minimum, keys=keys))
        return learned

    def relearn_boilerplate(self, outlets: Iterable[str]) -> int:
        """Re-clean stored articles that still carry paragraphs learned as boilerplate since
        they were ingested (an outlet's first articles come before its boilerplate is known)."""
        changed = []
        minimum = self.settings["boilerplate_min_articles"]
        for outlet in sorted(outlets):
            keys = self.store.boilerplate_keys([outlet], minimum).get(outlet, frozenset())
            for article_id in self.store.articles_with_keys(outlet, keys) if keys else []:
                article = self.store.article(article_id)
                if article is None:  # counted when prepared, then rejected by cleaning
                    continue
                if not any(paragraph_key(p) in keys for p in article.paragraphs):
                    continue
                redone = extract_article(self.store.raw_document(article_id), keys)
                if isinstance(redone, Article):
                    changed.append(_keep_identity(redone, article))
        if changed:
            self.store.replace_cleaning(changed)
        return len(changed)

    # -- reading -------------------------------------------------------------------------

    def article(self, article_id: str) -> Article:
        article = self.store.article(article_id)
        if article is None:
            raise UserError(f"no article {article_id!r}; list ids with 'storyline articles'")
        return article

    def raw_document(self, article_id: str) -> RawDocument:
        self.article(article_id)
        return self.store.raw_document(self.store.article(article_id).article_id)

    def articles(self, **filters: Any) -> list[Article]:
        return self.store.articles(**filters)

    def count_articles(self, **filters: Any) -> int:
        return self.store.count_articles(**filters)

    def rejections(self, limit: int = 50) -> list[dict[str, Any]]:
        return self.store.rejections(limit=limit)

    def stats(self) -> dict[str, Any]:
        return self.store.stats()

    def reclean(self) -> int:
        """Clean every stored article again from its raw document with today's rules."""
        changed = []
        boilerplate: dict[str, frozenset[str]] = {}
        minimum, longest = self.settings["boilerplate_min_articles"], self.settings["boilerplate_max_chars"]
        for article in self.store.iter_articles():
            prepared = prepare(self.store.raw_document(article.article_id), boilerplate_max_chars=longest)
            if isinstance(prepared, Rejected):
                continue
            outlet = prepared.outlet or ""
            if outlet not in boilerplate:
                boilerplate[outlet] = self.store.boilerplate_keys([outlet], minimum).get(outlet, frozenset())
            redone = finish(prepared, boilerplate[outlet], boilerplate_max_chars=longest)
            if isinstance(redone, Article) and _keep_identity(redone, article) != article:
                changed.append(_keep_identity(redone, article))
        if changed:
            self.store.replace_cleaning(changed)
        return len(changed)


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
