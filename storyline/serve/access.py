"""How the web app reaches the Engine: reads on their own connections, writes one at a time.

SQLite lets many readers work while one writer writes (WAL), and a connection belongs to
the thread that opened it. So each worker thread reads through its own ``Engine``, and
every write goes to one writer thread with its own ``Engine``: writes are serialised, and
the story builder (sentence encoder, indexes) is loaded once, in that thread, on first use.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Mapping, TypeVar

from ..engine import Engine

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: How long the filter menus' counts may lag behind the articles stored.
FACETS_MAX_AGE_S = 30.0
#: Story listings kept between requests (a few KB each).
LISTINGS_KEPT = 5000


class ListingLRU:
    """Story listings by (story id, version), least recently used dropped first; shared
    by the worker threads."""

    def __init__(self, size: int = LISTINGS_KEPT):
        self.size = size
        self._items: OrderedDict[tuple[str, str], Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str]) -> Any:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: tuple[str, str], listing: Any) -> None:
        with self._lock:
            self._items[key] = listing
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


class EngineAccess:
    """One read ``Engine`` per thread, one writer thread, and small shared caches."""

    def __init__(self, settings: Mapping[str, Any]):
        self.settings = dict(settings)
        self._local = threading.local()
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="storyline-writer")
        self._write_engine: Engine | None = None
        self._facets: tuple[int, float, dict] | None = None
        self._facets_lock = threading.Lock()
        self.listings = ListingLRU()

    def reader(self) -> Engine:
        """This thread's read engine, opened on first use."""
        engine = getattr(self._local, "engine", None)
        if engine is None:
            engine = self._local.engine = Engine(**self.settings)
        return engine

    def write(self, work: Callable[[Engine], T]) -> T:
        """Run ``work(engine)`` in the writer thread, after any write queued before it."""
        return self._writer.submit(self._in_writer, work).result()

    def _in_writer(self, work: Callable[[Engine], T]) -> T:
        if self._write_engine is None:
            self._write_engine = Engine(**self.settings)
        return work(self._write_engine)

    def facets(self, change_seq: int) -> dict:
        """Languages and outlets with article counts, recounted when stories have changed
        and at most every ``FACETS_MAX_AGE_S`` seconds (a count reads every article)."""
        with self._facets_lock:
            cached = self._facets
            fresh = cached and time.monotonic() - cached[1] < FACETS_MAX_AGE_S
            if fresh and cached[0] == change_seq:
                return cached[2]
        counts = self.reader().facet_counts()
        with self._facets_lock:
            self._facets = (change_seq, time.monotonic(), counts)
        return counts

    def close(self) -> None:
        """Close the writer's engine (read engines' connections close with the process)."""
        if self._write_engine is not None:
            self._writer.submit(self._write_engine.close).result()
            self._write_engine = None
        self._writer.shutdown(wait=True)
