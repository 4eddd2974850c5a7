"""``storyline watch``: keep polling folders, files, globs and feed URLs, ingest what is new.

    folders.py    which files are new, changed or gone (size and mtime, then content hash)
    feed_urls.py  conditional GET of a feed URL, entry ids
    poller.py     one poll: the above, ingest through the engine, remember what was read
    loop.py       when each source is due; backoff for feeds that are down; Ctrl-C
    report.py     what a poll found
"""

from .loop import Schedule, stop_on_interrupt, watch_loop
from .report import PollReport, Problem, SourcePoll

__all__ = ["PollReport", "Problem", "Schedule", "SourcePoll", "stop_on_interrupt", "watch_loop"]
