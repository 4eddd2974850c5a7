"""The past days an article names: where a follow-up goes back to its event.

A follow-up names the day of the event it goes back to ("charged in the July 24, 2015
shooting"); the story engine's ``recalls`` signal meets those days with the other article's
date (``cluster.linkage``). Follow-ups weeks or months later were most of gva's split pairs
(351 of 475 same-story pairs of full articles left apart were 8 or more days apart); with
the signal the pair model's held-out F1 there went from 0.779 to 0.796, ecbplus's from
0.886 to 0.892 (benchmarks/stories/fit.md, 2026-11-24).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from ..enrich.temporal import resolve_dates

__all__ = ["RECALL_AFTER_DAYS", "recalled_days"]

#: A day an article names recalls an earlier event when it lies this many days or more
#: before the article's own date: the days of this week are the time signal's business.
RECALL_AFTER_DAYS = 4

_EPOCH = date(1970, 1, 1)
_DIGIT = re.compile(r"\d")


def recalled_days(text: str, language: str | None, published: float | None) -> tuple[float, ...]:
    """The past days ``text`` names, in days since 1970 like ``published`` (the article's
    date; None: nothing is recalled), each widened by a day either side. Only a day written
    with its number counts ("Wednesday" is this week's, a month or a year is too broad to
    name one event), and only one ``RECALL_AFTER_DAYS`` or more before ``published``."""
    if published is None:
        return ()
    day = _EPOCH + timedelta(days=int(published))
    # such a day lies in a paragraph with a digit in it: read only those (the date
    # patterns are slow over long text; this halves the time, the days found the same)
    numbered = "\n".join(line for line in text.split("\n") if _DIGIT.search(line))
    found = set()
    for mention in resolve_dates(numbered, language, day):
        if (mention.first == mention.last and (day - mention.first).days >= RECALL_AFTER_DAYS
                and _DIGIT.search(mention.text)):
            named = float((mention.first - _EPOCH).days)
            found.update((named - 1, named, named + 1))
    return tuple(sorted(found))
