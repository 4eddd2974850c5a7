"""How strongly two groups of articles belong together: average linkage over mixed signals.

The score of two articles is a linear function of pair signals, the log-odds of a logistic
model fitted on same-story and different-story pairs (benchmarks/stories/fit_pairs.py):

    dense      cosine of their sentence embeddings
    lexical    cosine of their hashed TF-IDF vectors
    cross      their dense cosine when the two are in different languages, else 0
               (TF-IDF means nothing between two languages: this stands in for it)
    names      cosine of their name-key vectors (names compared across spellings, each
               word weighted by its IDF: a rare name says more than a common one)
    numbers    cosine of their number vectors (death tolls, prices, years)
    time       exp(-days apart / time_scale) when both are dated, else 0 (the news cycle)
    gap        log(1 + days apart) when both are dated, else 0 (follow-ups weeks later)
    dated      1 when both are dated, else 0 (time is evidence only when both have it)
    same_language  1 when both are in one language
    rare       log(1 + the number of keys of rare name words they share, ``rare_name_keys``:
               spelling and sound): one shared name that few articles mention ("Marksville",
               a victim's name) ties a trial report to the shooting months before, however
               many other names either article holds, where the names cosine is diluted by them
    recalls    how many of the two name a past day (give or take one) on which the other is
               dated: a follow-up names the day of the event it goes back to ("charged in
               the July 24 shooting"), however long after it is written (0, 1 or 2)

The model also weighs a few products of two signals (``INTERACTIONS``), because what one
signal is worth depends on another: word overlap means more between two dated articles of
the same week than between two undated ones, and a translation and an independent report in
another language both have a high dense similarity but only the translation shares the day.

Two articles join when the score reaches ``threshold`` (the negated intercept: a pair is
more likely the same story than not). For two *groups* the signals are averaged over all
pairs of their members, and every signal's average is exact from running sums alone:
the vector signals are dot products of unit vectors, so

    mean_{a in A, b in B} cos(a, b) = (sum_A . sum_B) / (|A| |B|)

and the time, dated, same-language and recall signals come from per-group counts (members
per day, members per language, members per recalled day). The score of two groups is the
model applied to those averages. That makes the online decision (one article against a
story) and the batch decision (two clusters against each other) the same computation:
online assignment is greedy average linkage, batch is global average linkage, and the two
stay close. Beyond the signals, time is also a gate: groups whose date ranges are further
apart than the window never link.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property
from typing import Sequence

import numpy as np

from .sparse import SparseSum, dots

Sparse = dict[int, float]

#: A lone article whose best story scores at most ``STRAY_REACH`` below the threshold still
#: joins it when that story leads the runner-up by ``STRAY_LEAD`` or more (log-odds: about
#: 4.5 times as likely). Average linkage under-joins an article to a large story whose
#: reports vary (its pair scores with the story's far members pull the mean down), while
#: a clear lead over every other story says where it belongs: a reader's ratio test. Both
#: 1.5 were chosen on the gold sets; held out (models fitted without the fold's topics,
#: benchmarks/stories/fit_pairs.py), ecbplus 0.873 -> 0.885, gva 0.730 -> 0.731, meantime
#: unchanged. The fitted pair model uses them (``pair_model.weights``); ``Weights`` leaves
#: them off by default.
STRAY_REACH = 1.5
STRAY_LEAD = 1.5

#: The pair signals, in the order of ``Link.signals`` and ``Weights.coefficients``.
SIGNALS = ("dense", "lexical", "cross", "names", "numbers", "time", "gap", "dated",
           "same_language", "rare", "recalls")
RARE = SIGNALS.index("rare")

#: Products of two signals the pair model weighs as well, after the signals themselves.
INTERACTIONS = (("dated", "dense"), ("dated", "lexical"), ("dated", "names"), ("dated", "numbers"),
                ("dated", "cross"), ("same_language", "dense"), ("same_language", "names"),
                ("same_language", "numbers"), ("dense", "dense"), ("lexical", "lexical"),
                ("names", "names"), ("time", "dense"), ("time", "lexical"), ("time", "cross"),
                ("gap", "cross"), ("cross", "names"), ("cross", "numbers"))
_PRODUCTS = tuple((SIGNALS.index(a), SIGNALS.index(b)) for a, b in INTERACTIONS)
#: What the model weighs: the signals, then their products (named "a*b").
FEATURES = SIGNALS + tuple(f"{a}*{b}" for a, b in INTERACTIONS)


def features(values: tuple[float, ...]) -> tuple[float, ...]:
    """The signals followed by the products in ``INTERACTIONS``."""
    return (*values, *(values[i] * values[j] for i, j in _PRODUCTS))


@dataclass(frozen=True)
class Weights:
    """The pair model: one weight per signal, weights of the signal products
    (``interactions``, by "a*b" name, none by default) and the threshold the score must
    reach. The fitted model ships in ``pair_model.json`` (benchmarks/stories/fit_pairs.py)."""

    dense: float
    lexical: float
    names: float
    threshold: float
    window_days: float
    cross_language: float = 0.0
    numbers: float = 0.0
    time: float = 0.0
    gap: float = 0.0
    dated: float = 0.0
    same_language: float = 0.0
    rare: float = 0.0
    recalls: float = 0.0
    time_scale_days: float = 3.0
    interactions: tuple[tuple[str, float], ...] = ()
    #: how far below the threshold a lone article may still join a story that leads by
    #: ``stray_lead`` (``adopts``); 0 turns that off, as for a model that is not log-odds
    stray_reach: float = 0.0
    stray_lead: float = STRAY_LEAD
    #: the model that scores a headline-only article (or a story of headlines alone)
    #: against a story, fitted on such pairs; None: this one scores them too
    headline: Weights | None = None

    def __post_init__(self) -> None:
        unknown = {name for name, _ in self.interactions} - set(FEATURES[len(SIGNALS):])
        if unknown:
            raise ValueError(f"unknown signal products {sorted(unknown)}; known: {FEATURES[len(SIGNALS):]}")

    @property
    def for_headlines(self) -> Weights:
        """The weights a headline-only group is scored by against a story."""
        return self.headline or self

    def judging(self, group: Group) -> Weights:
        """The weights that score ``group`` against a story: the headline model
        (``headline``) for a headline-only article or a story of headlines alone, else these.
        A title against whole articles has a low TF-IDF cosine and few names even when both
        tell one story, and the article pairs' model reads those as another story: of gva's
        222 headline-only pages, batch clustering placed 56 (45 in the right story) with it
        and 67 (59) with the headline model, and of the demo corpus's 39 titles taken alone
        13 and 29 (none in a wrong story); gva's held-out F1 went from 0.765 to 0.776
        (benchmarks/stories/fit.md, where the headline model is fitted and checked, and
        benchmarks/results/demo_titles.md)."""
        return self.for_headlines if group.headline_only else self

    @cached_property
    def coefficients(self) -> tuple[float, ...]:
        """One weight per name in ``FEATURES``."""
        products = dict(self.interactions)
        return (self.dense, self.lexical, self.cross_language, self.names, self.numbers,
                self.time, self.gap, self.dated, self.same_language, self.rare, self.recalls,
                *(products.get(name, 0.0) for name in FEATURES[len(SIGNALS):]))

    @cached_property
    def _terms(self) -> tuple[tuple[float, int, int], ...]:
        """The weighed features as (weight, signal, other signal or -1), zero weights left
        out: ``score`` without building the tuple of every feature."""
        pairs = tuple((i, -1) for i in range(len(SIGNALS))) + _PRODUCTS
        return tuple((w, i, j) for w, (i, j) in zip(self.coefficients, pairs) if w)

    def score(self, values: tuple[float, ...]) -> float:
        """The log-odds that two groups with these average signals tell one story (each
        value may be an array: the scores of many pairs at once)."""
        # the sum of w * feature over the features in order, as sum(w * v for w, v in
        # zip(coefficients, features(values)) if w) gives it
        return sum([w * values[i] if j < 0 else w * (values[i] * values[j])
                    for w, i, j in self._terms])

    @cached_property
    def _term_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        terms = self._terms
        return (np.array([w for w, _, _ in terms], dtype=float),
                np.array([i for _, i, _ in terms], dtype=int), np.array([j for _, _, j in terms], dtype=int))

    def scores(self, values: np.ndarray) -> np.ndarray:
        """``score`` of many pairs at once, the same numbers: ``values`` holds one signal
        per row (``SIGNALS`` order), each row an array of any shape."""
        weight, first, second = self._term_arrays
        if not len(weight):
            return np.zeros(values.shape[1:])
        terms = values[first]
        product = second >= 0
        terms[product] *= values[second[product]]
        terms *= weight.reshape((-1,) + (1,) * (values.ndim - 1))
        # added in order, term after term, as score's sum does (the same floats); in place,
        # where a cumulative sum would write every partial sum out
        total = terms[0]
        for term in terms[1:]:
            total += term
        return total


@dataclass
class Group:
    """Running sums of one story (or one article: a group of size 1)."""

    key: str
    size: int
    dense: np.ndarray
    lexical: SparseSum = field(default_factory=dict)
    names: SparseSum = field(default_factory=dict)
    first: float | None = None  # days since the epoch, None when no member has a date
    last: float | None = None
    by_language: dict[str, np.ndarray] = field(default_factory=dict)  # dense sums per language
    numbers: SparseSum = field(default_factory=dict)
    days: dict[float, int] = field(default_factory=dict)  # dated members per day
    languages: dict[str, int] = field(default_factory=dict)  # members per language
    rare: SparseSum = field(default_factory=dict)  # keys of rare name words, 1 each (counts, not a unit vector)
    #: members known by their headline alone (the page held no article text: a paywall,
    #: a sign-in form); a group of only those follows a story, it never leads one
    headlines: int = 0
    #: past days the members name (``recalled_days`` in the story builder): members per day
    recalled: dict[float, int] = field(default_factory=dict)

    def __post_init__(self) -> None:  # sparse sums may be given as {term: weight}
        self.lexical = SparseSum.of(self.lexical)
        self.names = SparseSum.of(self.names)
        self.numbers = SparseSum.of(self.numbers)
        self.rare = SparseSum.of(self.rare)

    @classmethod
    def of_article(cls, key: str, dense: np.ndarray, lexical: Sparse | SparseSum,
                   names: Sparse | SparseSum, numbers: Sparse | SparseSum, day: float | None,
                   language: str | None, rare: Sparse | SparseSum | None = None,
                   headline_only: bool = False, recalled: Sequence[float] = ()) -> Group:
        language = language or "?"
        return cls(key, 1, dense, lexical, names, day, day, {language: dense}, numbers,
                   {} if day is None else {day: 1}, {language: 1}, rare or {}, int(headline_only),
                   dict.fromkeys(recalled, 1))

    @property
    def headline_only(self) -> bool:
        """Whether every member is known by its headline alone (``follow_home``)."""
        return self.size > 0 and self.headlines == self.size

    def absorb(self, other: Group) -> None:
        self.size += other.size
        self.dense = self.dense + other.dense
        for language, vector in other.by_language.items():
            mine = self.by_language.get(language)
            self.by_language[language] = vector if mine is None else mine + vector
        if len(self.by_language) == 1:  # one language: its sum is the total, share it
            self.by_language[next(iter(self.by_language))] = self.dense
        self.lexical = self.lexical.plus(other.lexical)
        self.names = self.names.plus(other.names)
        self.numbers = self.numbers.plus(other.numbers)
        self.rare = self.rare.plus(other.rare)
        _add_into(self.days, other.days)
        _add_into(self.languages, other.languages)
        if other.recalled:  # a new dict, never changed in place (``state.MISSING_RECALLED``)
            self.recalled = _added(self.recalled, other.recalled)
        self.headlines += other.headlines
        self.first = _min(self.first, other.first)
        self.last = _max(self.last, other.last)

    def copy(self) -> Group:
        """A group that can absorb others without changing this one. The arrays and sparse
        sums are shared, not copied: ``absorb`` replaces them and never changes one in place
        (batch clustering copies every article's group: copying the vectors as well cost
        some 5 KB an article, 500 MB of the 2 GB that 100,000 articles took)."""
        return Group(self.key, self.size, self.dense, self.lexical, self.names,
                     self.first, self.last, dict(self.by_language),
                     self.numbers, dict(self.days), dict(self.languages), self.rare, self.headlines,
                     self.recalled)

    @property
    def centroid(self) -> np.ndarray:
        norm = float(np.linalg.norm(self.dense))
        return self.dense / norm if norm else self.dense


@dataclass(frozen=True)
class Link:
    """The average-linkage score of two groups and its signals, to explain a decision."""

    score: float
    signals: tuple[float, ...]
    within_window: bool

    def __getattr__(self, name: str) -> float:
        if name in SIGNALS:
            return self.signals[SIGNALS.index(name)]
        raise AttributeError(name)

    def as_dict(self) -> dict[str, float | bool]:
        return {"score": round(self.score, 4), "within_window": self.within_window,
                **{name: round(value, 4) for name, value in zip(SIGNALS, self.signals)}}


#: What the signals are averages of: sums over the member pairs of two groups, the first
#: the number of pairs. When a group grows, each sum gains the terms of the new member's
#: pairs, so a merged group's sums with a third are the sums of its parts' (batch
#: agglomeration keeps them per link and adds them instead of scoring anew).
SUMS = ("pairs", "dense", "same_language_dense", "lexical", "names", "numbers", "time", "gap",
        "dated", "same_language", "rare", "recalls")


def pair_sums(a: Group, b: Group, time_scale_days: float,
              sparse_dots: tuple[float, float, float, float] | None = None) -> tuple[float, ...]:
    """The sums in ``SUMS`` over all member pairs of two groups. ``sparse_dots`` are the
    lexical, name, number and rare-name dot products if already known (``sums_with``)."""
    product = float(a.dense @ b.dense)
    if a.by_language and b.by_language:
        # a one-language sum is the total (the same array): its product is known
        same_language_dense = sum([product if v is a.dense and other is b.dense else float(v @ other)
                                   for k, v in a.by_language.items()
                                   if (other := b.by_language.get(k)) is not None])
    else:
        same_language_dense = product  # languages unknown: no pair counts as across languages
    same_language = float(sum(n * b.languages.get(k, 0) for k, n in a.languages.items()))
    lexical, names, numbers, rare = sparse_dots or (
        a.lexical.dot(b.lexical), a.names.dot(b.names), a.numbers.dot(b.numbers), a.rare.dot(b.rare))
    time, gap, dated = _time_signals(a.days, b.days, time_scale_days)
    return (float(a.size * b.size), product, same_language_dense, lexical, names, numbers,
            time, gap, dated, same_language, rare, recall_sum(a, b))


def averages(sums):
    """The signals, in ``SIGNALS`` order, from the sums in ``SUMS`` (floats, or arrays with
    one entry per pair of groups)."""
    pairs, dense, same_language_dense, lexical, names, numbers, time, gap, dated, same_language, rare, recalls = sums
    # Between two languages TF-IDF sees only the names and numbers they share, so the
    # cross-language pairs bring their dense similarity as a signal of its own.
    return (dense / pairs, lexical / pairs, (dense - same_language_dense) / pairs, names / pairs,
            numbers / pairs, time / pairs, gap / pairs, dated / pairs, same_language / pairs,
            rare_signal(rare / pairs), recalls / pairs)


def rare_signal(shared: float | np.ndarray) -> float | np.ndarray:
    """The ``rare`` signal of an average number of rare-name keys shared: a logarithm, as
    the first shared name says much more than the fifth (a reprint shares them all)."""
    return np.log1p(shared)


def signals(a: Group, b: Group, time_scale_days: float,
            sparse_dots: tuple[float, float, float] | None = None) -> tuple[float, ...]:
    """The average over all member pairs of each signal in ``SIGNALS``."""
    return averages(pair_sums(a, b, time_scale_days, sparse_dots))


def link(a: Group, b: Group, weights: Weights) -> Link:
    values = signals(a, b, weights.time_scale_days)
    return Link(weights.score(values), values, within_window(a, b, weights.window_days))


def links(stories: Sequence[Group], b: Group, weights: Weights) -> list[Link]:
    """``[link(a, b, weights) for a in stories]``, the same numbers, with the sparse dot
    products of all the stories against ``b`` found in one search (online scores each
    new article against its candidate stories this way)."""
    found = [averages(sums) for sums in sums_with(stories, b, weights)]
    if not found:
        return []
    scores = weights.scores(np.array(found).T).tolist()
    return [Link(score, values, within_window(a, b, weights.window_days))
            for a, score, values in zip(stories, scores, found)]


def sums_with(stories: Sequence[Group], b: Group, weights: Weights) -> list[tuple[float, ...]]:
    """``[pair_sums(a, b) for a in stories]``, with the sparse dot products found in one
    search (``sparse.dots``)."""
    lexical = dots([a.lexical for a in stories], b.lexical)
    names = dots([a.names for a in stories], b.names)
    numbers = dots([a.numbers for a in stories], b.numbers)
    rare = dots([a.rare for a in stories], b.rare)
    return [pair_sums(a, b, weights.time_scale_days, sparse)
            for a, *sparse in zip(stories, lexical, names, numbers, rare)]


def joins(a: Group, b: Group, weights: Weights) -> bool:
    result = link(a, b, weights)
    return result.within_window and result.score >= weights.threshold


def adopts(best: float, runner_up: float, weights: Weights) -> bool:
    """Whether a lone article joins the story that scored ``best`` below the threshold,
    the next story having scored ``runner_up``. With no runner-up (-inf) it does not: a
    lead over nothing says nothing (three articles, two on a quake and one on a council
    vote, would otherwise put the vote in the quake's story)."""
    return (weights.stray_reach > 0 and math.isfinite(runner_up)
            and best >= weights.threshold - weights.stray_reach and best - runner_up >= weights.stray_lead)


def stray_home(scores: np.ndarray, sizes: Sequence[int], weights: Weights, size: int = 1) -> int | None:
    """Which of the stories scored ``scores`` against a stray of ``size`` articles (-inf:
    out of reach), of ``sizes`` members, takes it (``adopts``); None: it stays as it is.
    Only a story at least twice the stray's size takes it: two lone articles are a pair for
    the threshold, and a story is a stray only beside a larger one (a report and its first
    follow-up, left apart from the dozen reports of the trial months later). Judging
    stories of any size, not only lone articles, took gva from 0.747 to 0.764 held out
    (benchmarks/stories/fit.md), ecbplus and meantime unchanged."""
    if len(scores) < 2:
        return None
    order = np.argsort(-scores, kind="stable")
    best = int(order[0])
    if sizes[best] >= 2 * size and adopts(float(scores[best]), float(scores[order[1]]), weights):
        return best
    return None


def follow_home(scores: np.ndarray, weights: Weights) -> int | None:
    """Which of the stories scored ``scores`` (-inf: out of reach, or headline-only
    itself) a headline-only article joins; None: it stands alone. A headline is little
    text, so it must reach the threshold on its own and lead every other story by
    ``stray_lead`` as a stray must ("Teen killed in shooting identified" scores well with
    many shootings of one city). It follows and never leads: no story joins it, so it
    cannot tie two stories together. On gva, 222 of 3,148 pages are headlines (over a
    paywall or a sign-in form, or with no text at all): following this rule they took
    pairwise F1 from 0.741 to 0.758 in batch (precision 0.843 -> 0.839, recall 0.660 ->
    0.691) scored by the article pairs' model, and to 0.766 scored by the headline model
    (``Weights.judging``), whose scores and threshold ``weights`` then are."""
    if not len(scores):
        return None
    order = np.argsort(-scores, kind="stable")
    best = int(order[0])
    runner_up = float(scores[order[1]]) if len(scores) > 1 else -np.inf
    if scores[best] >= weights.threshold and scores[best] - runner_up >= weights.stray_lead:
        return best
    return None


def within_window(a: Group, b: Group, days: float) -> bool:
    """Whether the date ranges of two groups come within ``days`` of each other."""
    if a.first is None or b.first is None:
        return True  # undated articles are judged on content alone
    gap = max(a.first - b.last, b.first - a.last, 0.0)
    return gap <= days


def _time_signals(a: dict[float, int], b: dict[float, int],
                  scale: float) -> tuple[float, float, float]:
    """Sums over the dated pairs of exp(-days apart / scale) and of log(1 + days apart),
    and the number of dated pairs."""
    if not a or not b:
        return 0.0, 0.0, 0.0
    near = gap = 0.0
    for day, n in a.items():
        for other, m in b.items():
            apart = abs(day - other)
            near += n * m * math.exp(-apart / scale)
            gap += n * m * math.log1p(apart)
    return near, gap, float(sum(a.values()) * sum(b.values()))


def recall_sum(a: Group, b: Group) -> float:
    """The member pairs of two groups in which one names a past day (give or take one)
    on which the other is dated."""
    if not a.recalled and not b.recalled:
        return 0.0
    return float(sum(n * b.days.get(day, 0) for day, n in a.recalled.items())
                 + sum(n * a.days.get(day, 0) for day, n in b.recalled.items()))


def _added(a: dict, b: dict) -> dict:
    """The counts of both, in a new dict."""
    total = dict(a)
    _add_into(total, b)
    return total


def _add_into(target: dict, source: dict) -> None:
    for key, value in source.items():
        target[key] = target.get(key, 0) + value


def _min(a: float | None, b: float | None) -> float | None:
    return b if a is None else a if b is None else min(a, b)


def _max(a: float | None, b: float | None) -> float | None:
    return b if a is None else a if b is None else max(a, b)
