"""The watch loop: poll each source when it is due, back off from feeds that are down.

Folders and files are polled every ``file_interval`` seconds, feed URLs every
``feed_interval`` (polite: 300 s by default). A feed that fails is tried again after
``feed_interval``, then twice that, four times, ... up to an hour (or ``feed_interval`` if
that is longer); its first success puts it back on the normal interval.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
import time
from typing import Callable, Iterator, Sequence

from ..sources.common import is_url
from .report import PollReport

logger = logging.getLogger(__name__)

MAX_BACKOFF_SECONDS = 3600.0


class Schedule:
    """When each source is next due. All sources are due at the start."""

    def __init__(self, sources: Sequence[str], *, file_interval: float, feed_interval: float,
                 start: float):
        self.file_interval = file_interval
        self.feed_interval = feed_interval
        self._next = {source: start for source in dict.fromkeys(sources)}
        self._failures = {source: 0 for source in self._next}

    def due(self, now: float) -> list[str]:
        return [source for source, at in self._next.items() if at <= now]

    def seconds_until_next(self, now: float) -> float:
        return max(0.0, min(self._next.values()) - now)

    def record(self, report: PollReport, now: float) -> None:
        """Set each polled source's next time; tell ``report`` when failing feeds retry."""
        for polled in report.sources:
            delay = self.file_interval
            if is_url(polled.source):
                failures = self._failures[polled.source] + 1 if polled.problem else 0
                self._failures[polled.source] = failures
                delay = self.retry_delay(failures)
                if polled.problem:
                    report.retry_in[polled.source] = delay
            self._next[polled.source] = now + delay

    def retry_delay(self, failures: int) -> float:
        """Seconds until the next poll of a feed after ``failures`` failures in a row."""
        if failures == 0:
            return self.feed_interval
        ceiling = max(self.feed_interval, MAX_BACKOFF_SECONDS)
        return min(self.feed_interval * 2 ** min(failures - 1, 20), ceiling)


def watch_loop(poll: Callable[[list[str]], PollReport], schedule: Schedule, *,
               stop: threading.Event, once: bool = False,
               clock: Callable[[], float] = time.monotonic) -> Iterator[PollReport]:
    """Yield one report per poll until ``stop`` is set (or after one poll with ``once``)."""
    while not stop.is_set():
        due = schedule.due(clock())
        if due:
            report = poll(due)
            schedule.record(report, clock())
            yield report
            if once:
                return
        stop.wait(schedule.seconds_until_next(clock()))


@contextlib.contextmanager
def stop_on_interrupt(on_first: Callable[[], None] = lambda: None) -> Iterator[threading.Event]:
    """An event set by the first Ctrl-C (or SIGTERM), so that a poll stops between two
    batches; a second Ctrl-C interrupts at once. Only in the main thread."""
    stop = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return

    def handle(signum, frame):
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()
        on_first()

    previous = {sig: signal.signal(sig, handle) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
