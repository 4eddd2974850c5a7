"""The card's headline: a neutral member title, in the reader's language when one exists.

Neutral means: not a question, no "LIVE:" or "BREAKING:" prefix, no outlet name glued to
the end ("... - The Moscow Times"), neither a fragment nor a paragraph. Among the titles
that pass, the most central one wins (closest to the story's centroid), so a title about
a side angle loses to one about the event itself.
"""

from __future__ import annotations

import re
from typing import Mapping, Sequence

from .inputs import CardArticle

_PREFIX = re.compile(
    r"^\s*(?:live|breaking(?: news)?|update[ds]?|exclusive|watch|video|opinion|analysis|"
    r"en directo|en vivo|última hora|directo|eilmeldung|liveblog|live-ticker|liveticker|"
    r"срочно|онлайн|прямая трансляция)\s*[:|–—-]\s*", re.IGNORECASE)
_SUFFIX_SEPARATOR = re.compile(r"\s+[|–—-]\s+(?P<tail>[^|–—-]{2,60})$")
_MIN_WORDS, _MAX_WORDS = 4, 25


def choose_headline(articles: Sequence[CardArticle], *, language: str | None = None,
                    centrality: Mapping[str, float] | None = None) -> tuple[str, CardArticle | None]:
    """The headline and the article it comes from (``None`` for a story without titles)."""
    outlets = {a.outlet.casefold() for a in articles if a.outlet}
    titled = [(clean_title(a.title, outlets), a) for a in articles if a.title]
    neutral = [(t, a) for t, a in titled if _is_neutral(t)] or [(t, a) for t, a in titled if t]
    if language:
        neutral = [(t, a) for t, a in neutral if a.language == language] or neutral
    if not neutral:
        return _lead_sentence(articles), (articles[0] if articles else None)
    scores = centrality or _title_overlap([t for t, _ in titled])
    best = min(neutral, key=lambda pair: (-scores.get(pair[1].article_id, scores.get(pair[0], 0.0)),
                                          pair[1].published or "9999", pair[1].article_id))
    return best


def clean_title(title: str | None, outlets: set[str]) -> str:
    """The title without a live-blog prefix or a trailing outlet name."""
    text = _PREFIX.sub("", (title or "").strip())
    match = _SUFFIX_SEPARATOR.search(text)
    if match and (match["tail"].strip().casefold() in outlets or _looks_like_site(match["tail"])):
        text = text[:match.start()]
    return text.strip()


def _looks_like_site(tail: str) -> bool:
    return bool(re.search(r"\.(?:com|org|net|co\.uk|de|es|ru)\b", tail, re.IGNORECASE))


def _is_neutral(title: str) -> bool:
    words = len(title.split())
    return bool(title) and not title.rstrip().endswith("?") and _MIN_WORDS <= words <= _MAX_WORDS


def _title_overlap(titles: list[str]) -> dict[str, float]:
    """Without vectors: each title's mean word overlap (Jaccard) with the other titles."""
    bags = {t: set(re.findall(r"\w{3,}", t.lower())) for t in titles}
    scores = {}
    for title, bag in bags.items():
        others = [b for t, b in bags.items() if t != title]
        scores[title] = sum(len(bag & b) / len(bag | b) for b in others if bag | b) / max(len(others), 1)
    return scores


def _lead_sentence(articles: Sequence[CardArticle]) -> str:
    text = next((a.text.strip() for a in articles if a.text.strip()), "")
    first = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0]
    return first if len(first) <= 120 else first[:119].rsplit(" ", 1)[0] + "…"
