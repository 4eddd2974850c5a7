"""Page furniture: one outlet's same text under two different headlines is neither article.

Crawls keep, for some pages, the site's furniture instead of the article: an author's
"get email notifications" box, a sign-in form, a video playlist, a travel teaser. Short
repeated paragraphs are learned as the outlet's boilerplate once three of its articles
carry them (``engine._learn``), and a short text that never mentions its headline is not
taken for the article (``extract._unrelated_to_title``); but a longer block seen on only
two pages passes both, and two pages of one outlet with the same text then look like a
copy of one article: the duplicate rules group them and the story engine merges them,
though they report two different shootings.

The sign that gives it away is the headline: an outlet that prints one text under two
headlines that share little (``headlines_differ``) has not written that text for either.
Such an article is kept as a headline-only article (its title still says what it
reported) and the story engine places it by its headline.

Calibration (gva, 3,160 crawled pages of 789 sites): 34 groups of one site's pages, at
different addresses, with the same text. Their headlines, folded and compared by rapidfuzz
``token_set_ratio``: 304 pairs across incidents, 287 of them below 60 (notification boxes,
sign-in forms, playlists, "More Sacto 911"); 22 pairs within one incident, 9 of them one
headline at two addresses (100: the article itself, twice) and 13 under two headlines, all
furniture too ("You are the owner of this article", "Already a subscriber?", a playlist),
6 of those below 60. ``DIFFERENT_HEADLINES`` = 60 keeps clear of edited headlines, which
keep most of their words; at 85 gva's stories come out the same.
Most of those pages already lost their text to the rules for short texts: this one took it
from 4 more of gva's articles (222 headline-only articles -> 226; batch pairwise F1 0.766 ->
0.767, BCubed 0.908 -> 0.909; online 0.777 -> 0.778, 0.911 -> 0.912; 2026-11-24, before the
sign-in widget and playlist rules of ``clean``). Only the later of two such pages loses its
text when they arrive in different batches.

One outlet only: two outlets printing one wire story under headlines of their own are
copies, and the duplicate rules say so.
"""

from __future__ import annotations

import hashlib
from typing import Sequence

from rapidfuzz import fuzz

from .paragraphs import Span, normalise
from .patterns import SITE_SUFFIX

__all__ = ["DIFFERENT_HEADLINES", "body_key", "headlines_differ"]

#: rapidfuzz ``token_set_ratio`` of two folded headlines below which they are two headlines,
#: not one edited (see the module's calibration).
DIFFERENT_HEADLINES = 60.0
#: Words of two letters or more a headline needs before it is compared (``extract``
#: keeps a headline-only article from four words).
_MIN_WORDS = 4
# Stored in the outlet's paragraph sightings beside the paragraph keys (16 hex digits),
# so the two kinds of key never meet.
_PREFIX = "body:"


def body_key(text: str, spans: Sequence[Span], title: str | None) -> str | None:
    """Key of a document's whole text, its headline line left out (a text file may start
    with it), or None when nothing is left; equal for texts that differ only in spacing or
    case. (Furniture is printed by one site's software, so its copies are exact; folding
    accents and punctuation too, as paragraph keys do, took an eighth of cleaning's time.)"""
    headline = " ".join((title or "").casefold().split())
    lines = [" ".join(span.of(text).casefold().split()) for span in spans]
    kept = [line for line in lines if line and line != headline]
    if not kept:
        return None
    return _PREFIX + hashlib.sha1("\n".join(kept).encode("utf-8", "surrogatepass")).hexdigest()[:16]


def headlines_differ(first: str | None, second: str | None) -> bool:
    """Whether two headlines are two, not one edited ("Four teens shot after party in
    St. Louis" and "St. Louis woman killed, 3 wounded by gunfire in park"); False when
    either is missing or too short to tell."""
    a, b = _folded(first), _folded(second)
    if a is None or b is None:
        return False
    return fuzz.token_set_ratio(a, b) < DIFFERENT_HEADLINES


def _folded(title: str | None) -> str | None:
    if not title:
        return None
    words = normalise(SITE_SUFFIX.split(title.strip())[0]).split()
    return " ".join(words) if sum(len(w) > 1 for w in words) >= _MIN_WORDS else None
