"""What ``storyline watch`` prints: one line per poll that found something.

    12:04:31  news/ 3 new, 1 changed · feed.xml 5 new entries → 9 added, 2 stories updated
    12:04:31  down: https://example.org/rss: could not fetch: connection refused (retry in 5 min)
"""

from __future__ import annotations

import json
from datetime import datetime
import click
from tqdm import tqdm

from .report import PollReport, SourcePoll


class PollPrinter:
    """Prints poll reports, with a progress bar while a poll ingests many documents."""

    def __init__(self, *, as_json: bool, quiet: bool, always: bool):
        self.as_json, self.quiet, self.always = as_json, quiet, always
        self._bar: tqdm | None = None

    def tick(self, documents: int) -> None:
        if self.quiet or self.as_json:
            return
        if self._bar is None:  # delay: a poll that ends within a second shows no bar
            self._bar = tqdm(desc="ingesting", unit=" docs", leave=False, delay=1.0,
                             file=click.get_text_stream("stderr"), dynamic_ncols=True)
        self._bar.update(documents)

    def show(self, report: PollReport) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
        if not (report.found_something or self.always):
            return
        if self.as_json:
            click.echo(json.dumps(report.as_dict(), ensure_ascii=False))
            return
        click.echo(f"{_clock()}  {describe(report)}")
        for problem in report.new_problems:
            retry = report.retry_in.get(problem.where)
            again = f" (retry in {_duration(retry)})" if retry else ""
            click.secho(f"{_clock()}  cannot read {problem.where}: {problem.reason}{again}",
                        fg="yellow", err=True)
        for where in report.recovered:
            click.secho(f"{_clock()}  {where} can be read again", fg="green", err=True)


def describe(report: PollReport) -> str:
    """The poll in one line: what each source gave, then what ingesting it did."""
    parts = [_source_part(s) for s in report.sources if _source_part(s)]
    found = " · ".join(parts) or "nothing new"
    ingest = report.ingest
    if ingest is None or not ingest.documents:
        return f"{found} ({report.stories_updated} stories updated)"
    rejected = f", {len(ingest.rejected)} rejected" if ingest.rejected else ""
    return (f"{found} → {ingest.added} added, {ingest.already_stored} already stored"
            f"{rejected}; {report.stories_updated} stories updated")


def _source_part(polled: SourcePoll) -> str:
    unit = " entries" if polled.kind == "feed" else ""
    counts = [f"{n} {label}" for n, label in ((polled.new, f"new{unit}"),
                                               (polled.changed, "changed"),
                                               (polled.gone, "gone"),
                                               (polled.waiting, "still being written"))
              if n]
    return f"{polled.source} {', '.join(counts)}" if counts else ""


def _clock() -> str:
    return datetime.now().strftime("%H:%M:%S")


def _duration(seconds: float) -> str:
    if seconds >= 3600:
        return f"{seconds / 3600:g} h"
    if seconds >= 60:
        return f"{seconds / 60:.0f} min"
    return f"{seconds:.0f} s"


def stop_notice() -> None:
    click.echo("stopping after this batch (Ctrl-C again to stop now)", err=True)
