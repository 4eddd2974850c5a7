"""What one poll of the watched sources found, for the CLI line and ``--json``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from ..engine import IngestReport

SourceKind = Literal["files", "feed"]


@dataclass
class SourcePoll:
    """One source in one poll. Files and feed entries count alike: ``new`` ones were read
    for the first time, ``changed`` ones again because their content changed."""

    source: str
    kind: SourceKind
    new: int = 0
    changed: int = 0
    gone: int = 0  # files that vanished since the last poll (their articles stay)
    waiting: int = 0  # files modified within the settle time: read at the next poll
    not_modified: bool = False  # the feed answered 304 Not Modified
    problem: str | None = None  # why the source could not be read this time

    @property
    def found_something(self) -> bool:
        return bool(self.new or self.changed or self.gone)

    def as_dict(self) -> dict[str, Any]:
        return {"source": self.source, "kind": self.kind, "new": self.new,
                "changed": self.changed, "gone": self.gone, "waiting": self.waiting,
                "not_modified": self.not_modified, "problem": self.problem}


@dataclass(frozen=True)
class Problem:
    """Why a source, or a file inside one, could not be read."""

    where: str
    reason: str


@dataclass
class PollReport:
    """A poll of some sources: what each gave, what ingesting it did, and which stories
    changed. A source that is down, or a file that cannot be read, is reported once in
    ``new_problems`` (not at every retry), and in ``recovered`` when it is back."""

    started_at: str
    sources: list[SourcePoll] = field(default_factory=list)
    ingest: IngestReport | None = None
    stories_updated: int = 0
    seconds: float = 0.0
    new_problems: list[Problem] = field(default_factory=list)
    recovered: list[str] = field(default_factory=list)
    retry_in: dict[str, float] = field(default_factory=dict)  # source -> seconds (set by the loop)

    @property
    def found_something(self) -> bool:
        ingested = self.ingest is not None and bool(self.ingest.added or self.ingest.rejected)
        return (ingested or self.stories_updated > 0 or self.new_problems != []
                or self.recovered != [] or any(s.found_something for s in self.sources))

    def as_dict(self) -> dict[str, Any]:
        return {"started_at": self.started_at, "seconds": round(self.seconds, 3),
                "sources": [s.as_dict() for s in self.sources],
                "ingest": self.ingest.as_dict() if self.ingest else None,
                "stories_updated": self.stories_updated,
                "new_problems": [{"where": p.where, "reason": p.reason,
                                  "retry_in": self.retry_in.get(p.where)}
                                 for p in self.new_problems],
                "recovered": self.recovered}
