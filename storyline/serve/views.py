"""What templates show, computed in Python: times, language labels, snippets, grids, pages.

Everything here returns plain text and numbers. The templates escape all of it (autoescape
is on everywhere and nothing is marked safe), so no article can put markup into a page.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any, Iterable, Sequence
from urllib.parse import urlencode, urlsplit

LANGUAGE_NAMES = {
    "ar": "Arabic", "bg": "Bulgarian", "ca": "Catalan", "cs": "Czech", "da": "Danish",
    "de": "German", "el": "Greek", "en": "English", "es": "Spanish", "et": "Estonian",
    "fa": "Persian", "fi": "Finnish", "fr": "French", "he": "Hebrew", "hi": "Hindi",
    "hr": "Croatian", "hu": "Hungarian", "id": "Indonesian", "it": "Italian", "ja": "Japanese",
    "ko": "Korean", "lt": "Lithuanian", "lv": "Latvian", "nl": "Dutch", "no": "Norwegian",
    "pl": "Polish", "pt": "Portuguese", "ro": "Romanian", "ru": "Russian", "sk": "Slovak",
    "sl": "Slovenian", "sr": "Serbian", "sv": "Swedish", "th": "Thai", "tr": "Turkish",
    "uk": "Ukrainian", "vi": "Vietnamese", "zh": "Chinese",
}


def language_name(code: str | None) -> str:
    return LANGUAGE_NAMES.get((code or "").lower(), code or "unknown language")


@dataclass(frozen=True)
class Moment:
    """A stored date or date-time as a page shows it."""

    iso: str
    day: str  # 27 Jun 2024
    clock: str  # 10:05, or "" for a bare date
    relative: str  # 3 days ago

    def __str__(self) -> str:
        return f"{self.day} {self.clock}".strip()


def moment(iso: str | None, now: datetime | None = None) -> Moment | None:
    if not iso:
        return None
    parsed = _parse(iso)
    if parsed is None:
        return Moment(iso, iso[:10], "", "")
    has_clock = len(iso) > 10
    now = now or datetime.now(timezone.utc)
    return Moment(iso, parsed.strftime("%d %b %Y").lstrip("0"),
                  parsed.strftime("%H:%M") if has_clock else "", relative(parsed, now, has_clock))


def _parse(iso: str) -> datetime | None:
    try:
        if len(iso) <= 10:
            return datetime.combine(date.fromisoformat(iso), datetime.min.time(), timezone.utc)
        parsed = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def relative(then: datetime, now: datetime, has_clock: bool = True) -> str:
    seconds = (now - then).total_seconds()
    future = seconds < 0
    seconds = abs(seconds)
    if not has_clock and seconds < 86400:
        return "today"
    for size, unit in ((365 * 86400, "year"), (30 * 86400, "month"), (7 * 86400, "week"),
                       (86400, "day"), (3600, "hour"), (60, "minute")):
        if seconds >= size:
            n = int(seconds // size)
            text = f"{n} {unit}{'s' * (n != 1)}"
            return f"in {text}" if future else f"{text} ago"
    return "just now"


def segments(text: str, matches: Sequence[Sequence[int]]) -> list[tuple[str, bool]]:
    """``text`` cut into (piece, matched) for highlighting."""
    pieces, at = [], 0
    for start, end in sorted(matches):
        if start < at or end > len(text):
            continue
        if start > at:
            pieces.append((text[at:start], False))
        pieces.append((text[start:end], True))
        at = end
    if at < len(text):
        pieces.append((text[at:], False))
    return pieces


def removal_segments(extracted: str, removals: Iterable[Any]) -> list[tuple[str, str | None]]:
    """The text before cleaning cut into (piece, removal reason or ``None`` where kept)."""
    pieces, at = [], 0
    for removal in sorted(removals, key=lambda r: (r.start, r.end)):
        start, end = max(removal.start, at), min(removal.end, len(extracted))
        if end <= start:
            continue
        if start > at:
            pieces.append((extracted[at:start], None))
        pieces.append((extracted[start:end], removal.reason))
        at = end
    if at < len(extracted):
        pieces.append((extracted[at:], None))
    return pieces


def short_origin(origin: str) -> str:
    """Where an article came from, without the folders of the machine that read it:
    ``.../html/page.html``, ``dump.jsonl:12``, ``http#3``."""
    parts = origin.replace("\\", "/").split("/")
    return origin if len(parts) <= 2 else ".../" + "/".join(parts[-2:])


def external_url(url: str | None) -> str | None:
    """``url`` if it is a web address; ``None`` for anything a link must never carry
    (``javascript:``, ``data:``, ``file:``, relative paths)."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None


@dataclass(frozen=True)
class Grid:
    """Articles per outlet and language, with each outlet's first article."""

    languages: list[str]
    rows: list[tuple[str, list[int], int, str | None]]  # outlet, counts, total, first seen


def outlet_language_grid(heads: Iterable[Any]) -> Grid:
    heads = list(heads)
    per_outlet = Counter(h.outlet or "unknown outlet" for h in heads)
    languages = [lang for lang, _ in Counter(h.language or "?" for h in heads).most_common()]
    cells = Counter((h.outlet or "unknown outlet", h.language or "?") for h in heads)
    first: dict[str, str] = {}
    for h in heads:
        outlet = h.outlet or "unknown outlet"
        if h.published and (outlet not in first or h.published < first[outlet]):
            first[outlet] = h.published
    rows = [(outlet, [cells[(outlet, lang)] for lang in languages], total, first.get(outlet))
            for outlet, total in sorted(per_outlet.items(), key=lambda kv: (-kv[1], kv[0]))]
    return Grid(languages, rows)


@dataclass(frozen=True)
class Pager:
    offset: int
    limit: int
    total: int

    @property
    def page(self) -> int:
        return self.offset // self.limit + 1

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.limit))

    @property
    def previous(self) -> int | None:
        return max(0, self.offset - self.limit) if self.offset > 0 else None

    @property
    def next(self) -> int | None:
        return self.offset + self.limit if self.offset + self.limit < self.total else None


def query_string(params: dict[str, Any], **changes: Any) -> str:
    """``?a=1&b=2`` from ``params`` with ``changes``; empty values are left out."""
    merged = {**params, **changes}
    kept = {k: v for k, v in merged.items()
            if v is not None and v != "" and not (k == "offset" and v == 0)}
    return "?" + urlencode(kept)
