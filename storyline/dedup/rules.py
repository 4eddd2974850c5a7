"""Is one article a copy of another? Three rules, each with thresholds measured on real data.

Rules, in order (the first that holds decides):

* **exact**: the folded bodies are equal (``text.exact_key``);
* **near**: shingle Jaccard >= ``NEAR_JACCARD`` (0.5), or the shorter body (at least
  ``CONTAINED_MIN_SHINGLES`` shingles) lies ``CONTAINED`` (90%) inside the longer one: a
  wire story cut down to its first paragraphs;
* **title**: folded titles of >= ``TITLE_MIN_WORDS`` words, rapidfuzz ``token_sort_ratio``
  >= ``TITLE_RATIO``, the same numbers in both, published <= ``TITLE_MAX_DAYS`` apart
  (both dates known), and >= ``TITLE_BODY_OVERLAP`` of the shorter body in the other.

Shingles are 3-word sequences of the folded text (``text.SHINGLE_WORDS``). At Jaccard 0.5
two equally long texts share two thirds of their shingles, i.e. most sentences verbatim;
an article that quotes the same statement as another shares one or two sentences.

Calibration (all pairs, bodies as ``extract_article`` leaves them, 3-word shingles):

* Demo corpus, 44 articles. The four copies of the MPA wire story have pairwise Jaccard
  0.64-0.97: rewritten first paragraph vs last paragraph dropped 0.638, rewritten vs
  verbatim 0.733, dateline removed vs verbatim 0.967; containment 0.80-1.00. The other
  940 pairs reach at most Jaccard 0.20 and containment 0.38 (two outlets on the same
  rate cut). 2-, 4- and 5-word shingles give wire minimum / other maximum of 0.70/0.26,
  0.61/0.17 and 0.59/0.14: 3 words keeps both margins wide. A Jaccard threshold of 0.8
  would leave the rewritten-first-paragraph copy out of the group (its best pair is 0.733).
* gva, 2,928 texts that survive extraction: pairs per Jaccard bin [0.2,0.3) 18,
  [0.3,0.4) 10, [0.4,0.5) 2, [0.5,0.6) 3, [0.6,0.7) 1, [0.7,0.8) 4, [0.8,0.9) 0,
  >= 0.9 45. The rules make 53 links: 39 exact (17 in one gold incident, 12 the same
  doc_id filed under two incidents, 10 across incidents: 9 of those are identical
  crawled pages that are not the article -- a Twitter page, a video playlist, a "More
  Sacto 911" menu, a travel teaser, a blog front page -- and 1 the same article under two incident ids) and 14 near (10 in one
  incident, e.g. 65523c57/9635f7fa Jaccard 0.756, aee9ec90/d90dc606 0.515, two rewrites
  of one AP story; 4 across incidents, all sign-in / playlist chrome, 0.73-0.91). Below
  0.5 the nearest pairs are other articles of one outlet that repeat a background
  paragraph (2d6666d7/6f6e072c, 0.405) -- not copies.
* ecbplus, 719 texts: 33 links, all inside one gold story (30 by Jaccard 0.52-0.97, AP
  and AFP copies across outlets; 3 by containment 0.90-0.96, e.g. 31_3ecb/31_6ecb, a
  71-shingle AP brief inside the full story). Between 0.4 and 0.5 lie 15 pairs, mostly
  heavily edited copies of one AP story: the price of the 0.5 threshold is recall there.
* meantime, 360 texts (4 languages, translations of each other): no link; no pair
  reaches Jaccard 0.2.
* Title rule: fires on none of these sets (ecbplus has no dates; in gva every same-title
  pair is either >= 0.5 Jaccard already or shares < 15% of text, e.g. two KIRO-TV
  articles 92547918/ddfd8b1f under one headline, containment 0.14). Given equal dates,
  ecbplus would gain 5 title links (one AP story at different lengths, containment
  0.51-0.56), while Variety and The Hollywood Reporter on "Ellen DeGeneres to host
  Oscars" (independent reports quoting the same statements, containment 0.28) stay apart.
  Titles differing only in a number ("3 dead, 22 wounded in weekend shootings" vs
  "6 dead, 28 ...", ratio 95) are different events, hence the same-numbers condition.

The junk links in gva are identical page chrome that extraction let through: the text
*is* a copy, so a rule here cannot tell; it belongs to cleaning, which now takes such a text
away when one outlet prints it under two different headlines (``extract.furniture``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Literal

from rapidfuzz import fuzz

from ..types import Article
from .dates import days_apart
from .minhash import signature
from .text import containment, exact_key, jaccard, shingles, tokens

DupKind = Literal["exact", "near", "title", "none"]

#: Shingle Jaccard from which two bodies are copies of one text.
NEAR_JACCARD = 0.5
#: Share of the shorter body's shingles found in the longer one from which the shorter
#: is a cut-down copy (a wire story trimmed to its first paragraphs) ...
CONTAINED = 0.8  # a brief inside the full story: 0.81 once the lead sentence is kept (31_3ecb)
#: ... provided the shorter body has at least this many shingles (about two sentences),
#: so that one shared quote never makes a short item a "copy".
CONTAINED_MIN_SHINGLES = 40
#: Title rule: rapidfuzz token_sort_ratio of the folded titles, ...
TITLE_RATIO = 95.0
#: ... titles of at least this many words, ...
TITLE_MIN_WORDS = 5
#: ... published at most this many days apart (both dates known), ...
TITLE_MAX_DAYS = 2.0
#: ... and at least this share of the shorter body's shingles in the other body.
TITLE_BODY_OVERLAP = 0.5


@dataclass(frozen=True)
class DupCandidate:
    """What the duplicate rules need to know about one article."""

    article_id: str
    text: str
    title: str | None = None
    published: str | None = None  # ISO 8601 date or date-time, as in ``Article.published``
    signature: bytes | None = None  # ``minhash.signature(text)``, carried for the LSH index

    @classmethod
    def from_article(cls, article: Article) -> DupCandidate:
        return cls(article.article_id, article.text, article.title, article.published,
                   signature(article.text))

    # Cached: the engine compares one new article with many candidates.
    @cached_property
    def exact_key(self) -> str:
        return exact_key(self.text)

    @cached_property
    def shingles(self) -> frozenset[str]:
        return frozenset(shingles(self.text))

    @cached_property
    def title_words(self) -> tuple[str, ...]:
        return tuple(tokens(self.title or ""))


@dataclass(frozen=True)
class DupVerdict:
    """The answer for one pair; the same whichever article comes first.

    ``score`` is the shingle Jaccard of the two bodies (1.0 for an exact copy), so that
    verdicts sort by how much text the two share; ``why`` gives the deciding figures.
    """

    same: bool
    kind: DupKind
    score: float
    why: str


def is_near_duplicate(a: DupCandidate, b: DupCandidate, *,
                      near_jaccard: float = NEAR_JACCARD,
                      contained: float = CONTAINED,
                      contained_min_shingles: int = CONTAINED_MIN_SHINGLES,
                      title_ratio: float = TITLE_RATIO,
                      title_min_words: int = TITLE_MIN_WORDS,
                      title_max_days: float = TITLE_MAX_DAYS,
                      title_body_overlap: float = TITLE_BODY_OVERLAP) -> DupVerdict:
    """Whether ``a`` and ``b`` are copies of one text: exact, near, or same title (see module)."""
    if a.exact_key and a.exact_key == b.exact_key:
        return DupVerdict(True, "exact", 1.0, "same body after folding case, accents, punctuation and spacing")
    overlap = jaccard(a.shingles, b.shingles)
    if overlap >= near_jaccard:
        return DupVerdict(True, "near", overlap, f"bodies share {overlap:.2f} of their shingles "
                                                 f"(Jaccard >= {near_jaccard})")
    held = containment(a.shingles, b.shingles)
    shorter = min(len(a.shingles), len(b.shingles))
    if held >= contained and shorter >= contained_min_shingles:
        return DupVerdict(True, "near", overlap, f"the shorter body ({shorter} shingles) is {held:.2f} "
                                                 f"contained in the other (>= {contained})")
    title = _title_match(a, b, title_ratio=title_ratio, min_words=title_min_words,
                         max_days=title_max_days)
    if title is not None and held >= title_body_overlap:
        return DupVerdict(True, "title", overlap, f"{title}; the shorter body is {held:.2f} "
                                                  f"contained in the other (>= {title_body_overlap})")
    return DupVerdict(False, "none", overlap, f"bodies share {overlap:.2f} of their shingles, "
                                              f"the shorter is {held:.2f} contained; "
                                              f"{title or 'titles differ'}")


def _title_match(a: DupCandidate, b: DupCandidate, *, title_ratio: float, min_words: int,
                 max_days: float) -> str | None:
    """A description of how the titles match, or None if they do not count as the same."""
    words_a, words_b = a.title_words, b.title_words
    if min(len(words_a), len(words_b)) < min_words:
        return None
    # "3 dead, 22 wounded" and "6 dead, 28 wounded" score 95 but are other events.
    if _numbers(words_a) != _numbers(words_b):
        return None
    ratio = fuzz.token_sort_ratio(" ".join(words_a), " ".join(words_b))
    if ratio < title_ratio:
        return None
    apart = days_apart(a.published, b.published)
    if apart is None or apart > max_days:
        return None
    return f"titles match ({ratio:.0f} >= {title_ratio:.0f}), published {apart:.1f} days apart"


def _numbers(words: tuple[str, ...]) -> frozenset[str]:
    return frozenset(w for w in words if w.isdigit())
