"""One poll of the watched sources: find what is new, ingest it, remember what was read.

The poller wires the watch stages (``folders``, ``feed_urls``) to the store the way
``engine.py`` wires sources and extract: it reads and writes only what watch remembers,
and every article goes in through the engine's own ingest, so dedup, stories and cards
update the normal way. What was read is remembered only after it was ingested, so a crash
or a kill between the two costs a repeated read, which is a no-op, and never a lost file.
"""

from __future__ import annotations

import logging
import threading
import time
from itertools import islice
from typing import Any, Callable, Iterable, Sequence

from ..engine import IngestReport
from ..sources import FieldMapping, Limits, read_sources
from ..sources.common import MB, is_url
from ..store.codec import now_iso
from ..store.sqlite_watch import FeedState, WatchedFile
from ..types import RawDocument, Rejected
from .feed_urls import feed_entries, fetch_if_changed, fingerprint
from .folders import compare, scan_files
from .report import PollReport, Problem, SourcePoll

logger = logging.getLogger(__name__)

#: ``ingest_documents(items, sources=..., progress=...)`` of the engine.
Ingest = Callable[..., IngestReport]
MAX_FEED_BYTES = 64 * MB  # a feed is read into memory whole; real feeds are far smaller


class Poller:
    """Polls sources for one engine; remembers which problems it has already reported."""

    def __init__(self, store, settings: dict[str, Any], ingest: Ingest):
        self.store = store
        self.settings = settings
        self.ingest = ingest
        self.limits = Limits.from_settings(settings)
        self.fields = FieldMapping.from_settings(settings)
        self._reported: dict[str, dict[str, str]] = {}  # source -> where -> reason

    def poll(self, sources: Sequence[str], *, stop: threading.Event | None = None,
             progress: Callable[[int], None] | None = None) -> PollReport:
        """Read what is new in each source once. A source that fails is reported in the
        result and the others go on; ``stop`` ends the poll between two batches."""
        started = time.perf_counter()
        report = PollReport(started_at=now_iso(), ingest=IngestReport())
        for source in sources:
            if stop is not None and stop.is_set():
                break
            problems: list[Problem] = []
            try:
                polled = (self._poll_feed(source, report.ingest, progress) if is_url(source)
                          else self._poll_files(source, report.ingest, problems, stop, progress))
            except Exception as exc:  # a bug in one source must not stop the others
                logger.exception("polling %s failed", source)
                polled = SourcePoll(source, "feed" if is_url(source) else "files",
                                    problem=f"unexpected error ({type(exc).__name__}: {exc}); "
                                            "please report it")
            if polled.problem:
                problems.append(Problem(source, polled.problem))
            report.sources.append(polled)
            self._note_problems(source, problems, report)
        report.stories_updated = self.store.count_stories_updated_since(report.started_at)
        report.seconds = time.perf_counter() - started
        return report

    # -- files --------------------------------------------------------------------------

    def _poll_files(self, source: str, total: IngestReport, problems: list[Problem],
                    stop: threading.Event | None, progress) -> SourcePoll:
        polled = SourcePoll(source, "files")
        scan = scan_files(source)
        if scan.problem:
            polled.problem = scan.problem
            return polled
        known = self.store.watched_files(source)
        changes = compare(scan, known, now=time.time(),
                          settle_seconds=self.settings["watch_settle_seconds"])
        polled.waiting, polled.gone = changes.waiting, len(changes.gone)
        problems.extend(Problem(item.origin, item.reason) for item in changes.rejected)
        if changes.touched:
            self.store.record_files(source, changes.touched)
        for group in _groups(changes.to_read, self.settings["batch_size"]):
            if stop is not None and stop.is_set():
                break  # the rest is not remembered, so the next poll reads it
            items = read_sources([f.path for f in group], fields=self.fields,
                                 max_document_bytes=self.limits.max_document_bytes,
                                 max_file_bytes=self.limits.max_file_bytes)
            _add(total, self.ingest(items, sources=[source], progress=progress))
            self.store.record_files(source, group)
            polled.new += sum(f.path not in known for f in group)
            polled.changed += sum(f.path in known for f in group)
        if changes.gone:
            self.store.forget_files(source, changes.gone)
        return polled

    # -- feeds --------------------------------------------------------------------------

    def _poll_feed(self, url: str, total: IngestReport, progress) -> SourcePoll:
        polled = SourcePoll(url, "feed")
        state = self.store.feed_state(url)
        answer = fetch_if_changed(url, etag=state.etag, last_modified=state.last_modified,
                                  max_bytes=min(self.limits.max_file_bytes, MAX_FEED_BYTES))
        if isinstance(answer, Rejected):
            return self._feed_failed(state, polled, answer.reason)
        if answer.body is None:
            polled.not_modified = True
            self.store.record_feed_check(state._replace(failures=0, last_error=None),
                                         changed=False)
            return polled
        entries = feed_entries(answer, url, self.limits)
        if isinstance(entries, Rejected):
            return self._feed_failed(state, polled, entries.reason)
        fresh = self._fresh_entries(url, entries, polled)
        if fresh:
            _add(total, self.ingest((doc for _, doc in fresh), sources=[url], progress=progress))
            self.store.record_entries(url, [(entry, fingerprint(doc)) for entry, doc in fresh])
        # Validators are kept only once the entries are stored: a crash re-fetches them all.
        self.store.record_feed_check(FeedState(url, answer.etag, answer.last_modified),
                                     changed=True)
        return polled

    def _fresh_entries(self, url: str, entries: list[tuple[str, RawDocument | Rejected]],
                       polled: SourcePoll) -> list[tuple[str, RawDocument | Rejected]]:
        """Entries not read before, or edited since (a feed may list one id twice)."""
        latest = dict(entries)
        seen = self.store.seen_entries(url, latest)
        fresh = [(entry, doc) for entry, doc in latest.items() if seen.get(entry) != fingerprint(doc)]
        polled.new = sum(entry not in seen for entry, _ in fresh)
        polled.changed = len(fresh) - polled.new
        return fresh

    def _feed_failed(self, state: FeedState, polled: SourcePoll, reason: str) -> SourcePoll:
        self.store.record_feed_check(state._replace(failures=state.failures + 1,
                                                    last_error=reason), changed=False)
        polled.problem = reason
        return polled

    # -- reporting problems once ----------------------------------------------------------

    def _note_problems(self, source: str, problems: list[Problem], report: PollReport) -> None:
        """Put into ``report`` the problems of ``source`` not reported before, and the
        places that had one and are fine now; store unreadable files as rejections once."""
        before = self._reported.get(source, {})
        now = {problem.where: problem.reason for problem in problems}
        fresh = [p for p in problems if before.get(p.where) != p.reason]
        report.new_problems.extend(fresh)
        report.recovered.extend(where for where in before if where not in now)
        files = [Rejected(p.where, p.reason) for p in fresh if p.where != source]
        if files:
            self.store.add_rejections(files)
        self._reported[source] = now


def _groups(files: Sequence[WatchedFile], size: int) -> Iterable[list[WatchedFile]]:
    iterator = iter(files)
    while group := list(islice(iterator, size)):
        yield group


def _add(total: IngestReport, part: IngestReport) -> None:
    total.documents += part.documents
    total.added += part.added
    total.already_stored += part.already_stored
    total.recleaned += part.recleaned
    total.rejected.extend(part.rejected)
    total.seconds += part.seconds
