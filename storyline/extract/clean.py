"""Decide which paragraphs of an extracted text are the article.

The cleaner never edits text. It walks the paragraph spans, gives each one a reason to be
removed or none, and returns the kept spans plus a ``Removal`` for everything else, so a
user can audit every decision against the original text.

Rules are ordered from the most specific (a credit, an attribution line) to the most
general (a repeat, a paragraph this outlet prints under every article): the first that
fires gives the reason shown to the user.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ..types import Removal
from . import patterns as P
from .metadata import is_date_stamp
from .paragraphs import Span, normalise, paragraph_key

# A paragraph longer than this is article text even if it mentions a donation or a cookie.
_SHORT = 300
_FIRST_PERSON = re.compile(r"\b(?:we|us|our|you|your|nos|nuestr\w*|tu|wir|uns|unser\w*|sie|ihr\w*"
                           r"|мы|нас|наш\w*|вы|вас|ваш\w*|nous|notre|vous|votre)\b", re.I)
_SENTENCE_END = re.compile(r"[.!?…:;\"”»]\s*$")


@dataclass
class Cleaned:
    kept: list[Span]
    removals: list[Removal]
    credits: list[str] = field(default_factory=list)
    agencies: list[str] = field(default_factory=list)
    title: str | None = None
    subtitle: str | None = None


def clean_paragraphs(text: str, spans: list[Span], *, title: str | None = None,
                     subtitle: str | None = None, boilerplate: frozenset[str] = frozenset(),
                     boilerplate_max_chars: int = 400, find_title: bool = True) -> Cleaned:
    """Split ``spans`` of ``text`` into article paragraphs and audited removals."""
    result = Cleaned(kept=[], removals=[])
    spans = _strip_dateline(text, spans, result)
    spans = _strip_copyright_tails(text, spans, result)
    spans = _take_title(text, spans, result, title, subtitle, find_title)
    teasers = _doubled_teasers(text, spans) | _playlist(text, spans)
    seen: set[str] = set()
    in_teaser_list = False
    for index, span in enumerate(spans):
        para = span.of(text)
        key = paragraph_key(para)
        reason = _rule_reason(para, result)
        if reason is None and index in teasers:
            reason = "teaser"
        if len(para) < 60 and P.TEASER_HEADING.fullmatch(para.lower().strip(" :.»")):
            reason, in_teaser_list = "teaser", True
        elif in_teaser_list and reason is None and _looks_like_heading(para, 160):
            reason = "teaser"  # a headline in the list of other stories under "ALSO:"
        else:
            in_teaser_list = False
        if reason is None and key in seen:
            reason = "repeated"
        if reason is None and key in boilerplate and len(para) <= boilerplate_max_chars:
            reason = "outlet-boilerplate"
        seen.add(key)
        if reason:
            result.removals.append(Removal(span.start, span.end, reason, para))
        else:
            result.kept.append(span)
    result.removals.sort(key=lambda r: r.start)
    return result


def _rule_reason(para: str, result: Cleaned) -> str | None:
    """The reason a single paragraph is not article text, judged on its own.

    Length guards come first: they are cheap, and a long paragraph is article text even
    when it mentions a cookie or a donation.
    """
    size, low = len(para), para.lower()
    bare = low.strip(" .!·•|-–—")
    if size < 200 and P.ATTRIBUTION.match(para):
        _note_credit(para, result)
        return "attribution"
    if size < 300 and P.PHOTO_LABEL.match(low):
        _note_credit(para, result)
        return "photo-credit"
    credit = P.CREDIT_TAIL.search(para) if size < 400 and ("/" in para or "getty" in low) else None
    if credit:
        _note_credit(credit.group(0), result)
        return "caption"
    if size < 600 and (low.endswith(")") or "caption" in low or "photo" in low or "gallery" in low) \
            and P.PHOTO_TAIL.search(low):
        return "caption"
    if _has(low, P.APPEAL_TRIGGERS) and P.APPEAL.search(low) and \
            _FIRST_PERSON.search(para) and (size < 400 or len(P.APPEAL.findall(low)) >= 2):
        return "appeal"
    if size < 400 and _has(low, P.NEWSLETTER_TRIGGERS) and P.NEWSLETTER.search(low):
        return "newsletter"
    if size < 500 and "cookie" in low and P.COOKIE.search(low):
        return "cookie"
    return _short_reason(para, low, bare) if size < 600 else None


def _has(low: str, triggers: tuple[str, ...]) -> bool:
    """Cheap substring test run before a slow pattern: most paragraphs fail it."""
    return any(t in low for t in triggers)


def _short_reason(para: str, low: str, bare: str) -> str | None:
    size = len(para)
    if len(bare) < 80 and P.INTERFACE.fullmatch(bare):
        return "interface"
    if len(bare) < 120 and P.SHARE.fullmatch(bare):
        return "share"
    if size < 400 and P.TEASER_START.match(low):
        return "teaser"
    if _has(low, P.COPYRIGHT_TRIGGERS) and (size <= _SHORT and P.COPYRIGHT.search(low)
                                            or len(P.COPYRIGHT.findall(low)) >= 2):
        # a longer notice counts when it says so twice ("© Copyright 2015 CBS Radio Inc.
        # ... All Rights Reserved. This material may not be published ...")
        return "copyright"
    if size < 100 and not _SENTENCE_END.search(para) and P.BYLINE.fullmatch(para.strip()):
        return "byline"
    if size < 60 and is_date_stamp(para):
        return "byline"
    if size < 400 and _has(low, P.BIO_TRIGGERS) and P.BIO.search(para) or P.CONTACT_LINE.match(para):
        return "byline"
    if _has(low, P.CHROME_TRIGGERS) and P.CHROME.search(low):
        return "interface"
    return None


def _note_credit(credit: str, result: Cleaned) -> None:
    credit = credit.strip(" -–—()")
    if credit and credit not in result.credits:
        result.credits.append(credit)
    for agency in P.agencies_in(credit):
        if agency not in result.agencies:
            result.agencies.append(agency)


def _strip_dateline(text: str, spans: list[Span], result: Cleaned) -> list[Span]:
    """Move 'MOSCOW (AFP) — ' at the start of the first paragraphs into metadata."""
    out = list(spans)
    for i, span in enumerate(out[:3]):
        match = P.DATELINE.match(span.of(text))
        if match:
            cut = span.start + match.end()
            result.removals.append(Removal(span.start, cut, "byline", match.group(1)))
            agency = P.agency_name(match.group(2)) or match.group(2)
            if agency not in result.agencies:
                result.agencies.append(agency)
            out[i] = Span(cut, span.end)
            break
    return out


def _strip_copyright_tails(text: str, spans: list[Span], result: Cleaned) -> list[Span]:
    """Cut a copyright notice glued to the end of an article paragraph, keep the paragraph."""
    out = []
    for span in spans:
        para = span.of(text)
        low = para.lower()
        match = P.COPYRIGHT_TAIL.search(para) if ("©" in low or "copyright" in low or "(c)" in low) else None
        if match and match.start() > 40:
            cut = span.start + match.start()
            result.removals.append(Removal(cut, span.end, "copyright", text[cut:span.end]))
            span = Span(span.start, len(text[:cut].rstrip()))
        out.append(span)
    return out


def _looks_like_heading(para: str, max_chars: int) -> bool:
    return (len(para) <= max_chars and len(para.split()) >= 2
            and not re.search(r"[.!?:;,]\s*$", para))


def _title_variants(title: str | None) -> list[str]:
    """The title and its parts without the site name ("Headline - Station: News, Weather")."""
    if not title:
        return []
    parts = re.split(r"\s+[-|–—:]{1,2}\s+", title)
    variants = {normalise(title)} | {normalise(p) for p in parts if len(p.split()) >= 3}
    return [v for v in variants if v]


def _is_copy_of(para: str, variants: list[str]) -> bool:
    """A headline repeated in the body, perhaps with a close glyph or a time stamp glued on."""
    norm = normalise(para)
    return any(norm == v or (v in norm[:len(v) + 12] and len(v) >= 0.6 * len(norm)) for v in variants)


def _take_title(text: str, spans: list[Span], result: Cleaned, title: str | None,
                subtitle: str | None, find_title: bool) -> list[Span]:
    """Remove leading title and subtitle lines; find them when the input did not give them.

    Captions may sit between the subtitle and the body (as on many news sites), so lines
    with a photo credit are skipped when looking for headings.
    """
    result.title, result.subtitle = title, subtitle
    titles, subtitles = _title_variants(title), _title_variants(subtitle)
    out: list[Span] = []
    for i, span in enumerate(spans):
        para = span.of(text)
        if i < 3 and is_date_stamp(para):  # "Posted: May 2, 2013, 1:12 PM" above the headline
            result.removals.append(Removal(span.start, span.end, "byline", para))
            continue
        # A "title" that is a whole sentence of the body was made from the lead (some
        # exports do that); the lead stays. A headline repeated on the page goes.
        if i < 3 and (_is_copy_of(para, titles) or _is_copy_of(para, subtitles)) \
                and not re.search(r"[.!?]['\"”’]?$", para):
            reason = "title" if _is_copy_of(para, titles) else "subtitle"
            result.removals.append(Removal(span.start, span.end, reason, para))
            continue
        out.append(span)
    if not find_title or title or len(out) < 3:
        return out
    first = out[0].of(text)
    if not _looks_like_heading(first, 160):
        return out
    result.title = first
    result.removals.append(Removal(out[0].start, out[0].end, "title", first))
    rest = out[1:]
    second = rest[0].of(text)
    if not subtitle and _looks_like_heading(second, 300) and not P.CREDIT_TAIL.search(second):
        result.subtitle = second
        result.removals.append(Removal(rest[0].start, rest[0].end, "subtitle", second))
        rest = rest[1:]
    return rest


#: Entries from which a run of ``PLAYLIST_ENTRY`` lines is a playlist, not a timed account.
_PLAYLIST_ENTRIES = 3


def _playlist(text: str, spans: list[Span]) -> set[int]:
    """Indexes of the entries of a video playlist: three or more paragraphs that each give
    a video's length and another story's headline (some crawled pages hold nothing else,
    and two such pages of one site share most entries, so they read as one story). A live
    blog's entries start with times too, but in order; a playlist's lengths are not."""
    entries = [i for i, span in enumerate(spans)
               if span.end - span.start < 300 and P.PLAYLIST_ENTRY.match(span.of(text))]
    if len(entries) < _PLAYLIST_ENTRIES:
        return set()
    times = [_minutes(spans[i].of(text)) for i in entries]
    in_order = times == sorted(times) or times == sorted(times, reverse=True)
    return set() if in_order else set(entries)


def _minutes(entry: str) -> int:
    minutes, seconds = entry.split(None, 1)[0].split(":")
    return int(minutes) * 60 + int(seconds)


def _doubled_teasers(text: str, spans: list[Span]) -> set[int]:
    """Indexes of paragraphs that crawled pages print twice in a row as teasers.

    Some sites render every teaser of other stories twice (desktop and mobile markup),
    while the article itself appears once. When at least two paragraphs are doubled that
    way and they are the minority of the page, all copies are teasers; otherwise only the
    later copies go, as plain repeats.
    """
    keys = [paragraph_key(s.of(text)) for s in spans]
    doubled = {i for i in range(len(keys) - 1) if keys[i] == keys[i + 1]}
    if len(doubled) < 2:
        return set()
    indexes = doubled | {i + 1 for i in doubled}
    counts = Counter(keys)
    once = sum(1 for k in keys if counts[k] == 1)
    return indexes if once > len(indexes) / 2 else set()
