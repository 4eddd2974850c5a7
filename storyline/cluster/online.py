"""Online clustering: each new article joins the best story so far or opens a new one.

Candidates come from an exact inner-product search over the centroids of the stories whose
dates fall within the window of the article's date, and from an inverted index over the
stories' heaviest TF-IDF terms (``terms.TermIndex``), so the cost per article depends on how
many stories are active, not on the size of the archive. Each candidate is scored by exact
average linkage (``linkage.link``), the same score batch clustering uses.

A greedy choice made early can be wrong later: a Spanish report joins the closest English
story before its own English original has arrived. So after each assignment the
neighbourhood of the article (its story, alone or with every candidate that came close
to the threshold or holds, in other languages only, a member the article would join on its
own; a story alone at sizes 3, 4, 6, 8, 12 ... only) is regrouped with batch
agglomeration over the members (``regroup.regroup``): stories merge when later evidence
links them and split when it tells them apart, and online ends up close to batch.
Neighbourhoods larger than ``largest_regroup`` articles keep the greedy result, which bounds
the cost of one assignment.

A new article below the threshold opens a story even where batch would adopt it as a stray
(``linkage.stray_home``): on arrival every first report of a story is alone, and the story it
trails may be the sister event of one not reported yet (on ecbplus, adopting on arrival
took online precision from 0.987 to 0.958). A small story (``_LARGEST_STRAY`` articles at
most) is judged as a stray later, once an arriving article close to it has made some story
grow (joined, merged or regrouped): first among the article's candidates, and where one of
those would adopt it, against its own candidates, as batch judges it against every story it
is linked to. (Regrouping also adopts strays, of any size, but sees only its
neighbourhood.) This took online F1 from 0.879 to 0.893 on ecbplus (batch 0.900) and from
0.703 to 0.713 on gva (batch 0.705) when only lone articles were strays.

A headline-only article (``Group.headline_only``: its page held no text) follows: it joins
the candidate ``linkage.follow_home`` names, scored by the headline model
(``Weights.judging``), else it stands alone, and a story of headlines
alone is no candidate for any article. Standing alone, it is judged again with the strays,
so it can follow a story whose reports arrive after it, as batch lets it.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping, Sequence

import numpy as np

from .linkage import Group, Link, Weights, follow_home, link, links, stray_home
from .regroup import regroup
from .terms import TermIndex

_CANDIDATES = 10
#: How far below the threshold a candidate may score and still be regrouped with the
#: article's story (in log-odds: e^-2, a pair about 7 times less likely than even).
_REGROUP_MARGIN = 2.0
_LARGEST_REGROUP = 60
#: A lone candidate of an arriving article scoring this far below the threshold with it, or
#: closer, is judged again as a stray (on ecbplus online F1 was 0.885 with 2, 0.893 with 4
#: and with no limit; gva 0.713 with 4, 0.711 with no limit).
_STRAY_MARGIN = 4.0
#: The largest story judged as a stray here (regrouping judges any). A story of a few
#: articles judged before the rest of its event has arrived may find its sister event's
#: story leading. Chosen on ecbplus, the set where it matters (online F1 with 1: 0.892,
#: 2 and 3: 0.897, 4 and 6: 0.902, 8 and more: 0.880; batch 0.905); gva and meantime were
#: the same from 2 to 6 (0.756, 0.971), and gva 0.738 with 1.
_LARGEST_STRAY = 4
#: The rows nearest the arriving article, where a stray near it searches for its own
#: candidates by centroid (with 64 or 256 rows, the same F1 as with all on ecbplus and gva).
_SHORTLIST = 256
#: Stories whose member articles stay in memory (least recently touched go first; the
#: loader reads them again when needed): bounds memory on a long online run.
_MEMBERS_KEPT = 20_000

#: Reads the member articles (as groups of one) of stored stories, and the duplicate
#: links between them: the clusterer's window onto what an earlier run stored.
MembersLoader = Callable[[Sequence[str]], tuple[Mapping[str, list[Group]], Iterable[tuple[str, str]]]]


@dataclass
class Assignment:
    """Where one article went, and why."""

    article_id: str
    story_id: str
    opened: bool
    link: Link | None = None
    merged: list[str] = field(default_factory=list)  # stories that no longer exist


def _lone_regroup_due(size: int) -> bool:
    """Whether a story that grew alone (no other story came close) is regrouped at ``size``:
    at 3, 4, 6, 8, 12, 16, 24 ... (2^k and 3 * 2^k), each about 1.5 times the last, so the
    regroups of one story cost about as much as its last one, not one per article. On the
    gold sets every story ends as it does with a regroup after every article."""
    steps = size // 3 if size % 3 == 0 else size
    return size >= 3 and steps & (steps - 1) == 0


def story_id_for(article_id: str) -> str:
    """A story is named after the article that opened it."""
    return "s" + article_id[:15]


class OnlineClusterer:
    """Stories as running sums, with a centroid matrix and a term index for candidates,
    and the member articles of the stories it has touched, for regrouping."""

    def __init__(self, weights: Weights, stories: Mapping[str, Group] | None = None,
                 candidates: int = _CANDIDATES, members: MembersLoader | None = None,
                 largest_regroup: int = _LARGEST_REGROUP):
        self.weights = weights
        self.candidates = candidates
        self.largest_regroup = largest_regroup
        self.stories: dict[str, Group] = {}
        self._rows: dict[str, int] = {}
        self._keys: list[str | None] = []
        self._matrix: np.ndarray | None = None
        self._days = np.full((64, 2), np.nan)  # first and last day of each row's story
        self._terms = TermIndex()
        self._load_members = members
        self._members: OrderedDict[str, list[Group]] = OrderedDict()  # story -> members, where known
        self._story_of: dict[str, str] = {}  # article -> story, for the known members
        self._links: dict[str, set[str]] = {}  # duplicate links between known articles
        self._redirect: dict[str, str] = {}  # a story that no longer exists -> its successor
        self.dirty: set[str] = set()
        self.deleted: set[str] = set()
        self.moved: dict[str, str] = {}  # article -> its new story, since take_changes
        self._created: set[str] = set()  # stories opened and dropped by the current assignment
        self._changed: set[str] = set()  # stories the current assignment opened or changed
        self._dropped: list[str] = []
        for story in (stories or {}).values():
            self._put(story)
        self.dirty.clear()

    # -- assignment ----------------------------------------------------------------------

    def assign(self, article: Group, linked_stories: Iterable[str] = (),
               duplicates: Iterable[str] = ()) -> Assignment:
        """Put ``article`` (a group of one) into a story. ``linked_stories`` are the stories
        of its duplicates, which it joins whatever the similarity; ``duplicates`` are their
        article keys, kept together when a neighbourhood is regrouped."""
        for other in duplicates:
            self._links.setdefault(article.key, set()).add(other)
            self._links.setdefault(other, set()).add(article.key)
        forced = sorted(s for s in {self.resolve(s) for s in linked_stories} if s in self.stories)
        count = len(self._keys)
        sims = self._matrix[:count] @ article.centroid.astype("float32") if count else np.empty(0)
        judge = self.weights.judging(article)  # the headline model for a headline-only article
        scored = self._candidates(article, sims) if count else []  # scored by ``judge``
        # a story of headlines alone is no place to go: it follows one (``follow_home``)
        leaders = [(s, r) for s, r in scored if not self.stories[s].headline_only]
        self._created, self._changed, self._dropped = set(), set(), []  # this assignment's
        home = follow_home(np.array([r.score for _, r in leaders]), judge) \
            if article.headline_only else None
        if forced:
            target, best = forced[0], link(self.stories[forced[0]], article, judge)
        elif home is not None:
            target, best = leaders[home]
        elif leaders and leaders[0][1].score >= self.weights.threshold and not article.headline_only:
            target, best = leaders[0]
        else:
            target, best = self._open(article), None
        if target not in self._created:
            self._join(target, [article], forced[1:])  # duplicates' stories: whatever the score
        near = [s for s, r in leaders if r.score >= judge.threshold - _REGROUP_MARGIN
                or self._holds_a_match_in_another_language(s, article)]
        self._regroup({s for s in (target, *forced, *near) if s in self.stories})
        story_id = self._story_of[article.key]
        around = ({self.resolve(s) for s, _ in scored} | self._changed | {story_id}) & self.stories.keys()
        close = {self.resolve(s) for s, r in scored if r.score >= judge.threshold - _STRAY_MARGIN}
        self._adopt_strays(sorted(around), (close | self._changed) - {story_id}, sims)
        return Assignment(article.key, story_id, opened=story_id in self._created, link=best,
                          merged=sorted(set(self._dropped) - self._created))

    def _open(self, article: Group) -> str:
        story = Group(story_id_for(article.key), 0, np.zeros_like(article.dense))
        story.absorb(article)
        self._put(story)
        self._set_members(story.key, [article], [article])
        return story.key

    def _join(self, target: str, articles: Sequence[Group], stories: Sequence[str]) -> None:
        """Put ``articles`` and every member of ``stories`` (dropped) into the story ``target``."""
        known = self._known_members([target, *stories]) is not None
        story = self.stories[target]
        joined = list(articles)
        for article in articles:
            story.absorb(article)
        for other in stories:
            story.absorb(self.stories[other])
            joined += self._members.get(other, [])
            self._drop(other, successor=target)
        if known:
            self._set_members(target, self._members[target] + joined, joined)
        else:  # not every member is known: keep no partial list that a regroup could trust
            self._members.pop(target, None)
            for article in joined:
                self._story_of[article.key] = self.moved[article.key] = target
        self._put(story)

    def _regroup(self, neighbourhood: set[str]) -> None:
        """Batch agglomeration over the members of ``neighbourhood``, replacing its stories."""
        size = sum(self.stories[s].size for s in neighbourhood)
        # A story alone is regrouped too: two articles that joined early on their own pair
        # score may belong apart once their translations and follow-ups have arrived (batch
        # would have merged those first, and then kept the two stories apart). It is
        # regrouped when it reaches a size _lone_regroup_due names, not after every article.
        if size < 3 or size > self.largest_regroup:
            return
        if len(neighbourhood) == 1 and not _lone_regroup_due(size):
            return
        members = self._known_members(sorted(neighbourhood))
        if members is None or sum(len(m) for m in members.values()) < 2:
            return
        # the neighbourhood's own names are in members, so every live story counts as taken
        parts = regroup(members, self.weights, self._links, self.stories.keys())
        for story_id, articles in parts.items():
            if story_id not in self.stories or [a.key for a in articles] != [
                    a.key for a in self._members[story_id]]:
                story = Group(story_id, 0, np.zeros_like(articles[0].dense))
                for article in articles:
                    story.absorb(article)
                self._put(story)
                self._set_members(story_id, articles, articles)
        keys = {story_id: {a.key for a in articles} for story_id, articles in parts.items()}
        for story_id in sorted(neighbourhood - set(parts)):  # gone: redirect to most members
            successor = max(sorted(parts), key=lambda s: sum(a.key in keys[s] for a in members[story_id]))
            self._drop(story_id, successor=successor)

    def _holds_a_match_in_another_language(self, story_id: str, article: Group) -> bool:
        """Whether the story, none of whose members is in the article's language, holds a
        member that would join the article on its own (its translation, say). Its other
        members pull the average down, but batch would have joined those two first: with
        English reports of several look-alike stories arriving before their translations,
        each language's reports had merged into one story that no translation came close
        to on average (meantime inside the pooled gold stream, online: 0.917; with this
        story regrouped with the article's, 0.957, as in batch)."""
        story = self.stories[story_id]
        if not 2 <= story.size <= self.largest_regroup or set(article.languages) & set(story.languages):
            return False
        members, judge = self._members.get(story_id), self.weights.judging(article)
        return members is not None and any(
            r.within_window and r.score >= judge.threshold for r in links(members, article, judge))

    # -- strays -------------------------------------------------------------------------

    def _adopt_strays(self, near: Sequence[str], judged: set[str], sims: np.ndarray) -> None:
        """Each story of ``near`` that is ``judged``, of ``_LARGEST_STRAY`` articles at
        most or of headlines alone, joins the story ``_home`` names for it among its own
        candidates, all decided before any moves (as in batch). Only those a story of
        ``near`` would adopt are searched, by terms and among the ``_SHORTLIST`` rows whose
        centroids are nearest the arriving article (``sims``, its cosines): a search over
        all rows would cost as much as the arrival's own (at 100k stories, assignment p95
        went from 31 to 53 ms) and found the same stories on the gold sets."""
        pool = [self.stories[s] for s in near]
        following = any(story.headline_only and story.key in judged for story in pool)
        if not following and (self.weights.stray_reach <= 0 or not any(
                self.stories[s].size > 1 for s in self._changed if s in self.stories)):
            return  # nothing grew: no story can have gained a home (a headline's may be new)
        sizes = [story.size for story in pool]
        hopeful = []
        for story in pool:
            if story.key in judged and (story.headline_only or (
                    story.size <= _LARGEST_STRAY and 2 * story.size <= max(sizes))):
                found = links(pool, story, self.weights.judging(story))
                scores = np.array([-np.inf if other is story or other.headline_only or not r.within_window
                                   else r.score for other, r in zip(pool, found)])
                if self._home(story, scores, sizes) is not None:
                    hopeful.append(story)
        if not hopeful:
            return
        shortlist = np.argpartition(-sims, _SHORTLIST - 1)[:_SHORTLIST] if len(sims) > _SHORTLIST \
            else np.arange(len(sims))
        cosines = self._matrix[shortlist] @ np.stack([g.centroid for g in hopeful], axis=1).astype("float32")
        moves = []
        for column, stray in enumerate(hopeful):
            scored = [(s, r) for s, r in self._candidates(stray, cosines[:, column], shortlist)
                      if s != stray.key and not self.stories[s].headline_only]
            home = self._home(stray, np.array([r.score for _, r in scored]),
                              [self.stories[s].size for s, _ in scored])
            if home is not None:
                moves.append((stray.size, stray.key, scored[home][0]))
        # the largest first: a stray whose home is a stray too follows it there (``resolve``)
        for _, story_id, target in sorted(moves, key=lambda move: (-move[0], move[1])):
            if self._known_members([story_id]) is None:
                continue  # its articles are not known here (no loader): it stays
            self._join(self.resolve(target), [], [story_id])

    def _home(self, story: Group, scores: np.ndarray, sizes: Sequence[int]) -> int | None:
        """Where ``story`` goes among stories scored ``scores`` with it: a story of
        headlines alone follows (``follow_home``), any other is judged as a stray."""
        if story.headline_only:
            return follow_home(scores, self.weights.for_headlines)
        if self.weights.stray_reach <= 0:
            return None
        return stray_home(scores, sizes, self.weights, story.size)

    # -- members -------------------------------------------------------------------------

    def _known_members(self, story_ids: Sequence[str]) -> dict[str, list[Group]] | None:
        """The members of ``story_ids``, loaded where needed; None if some are unknown."""
        missing = [s for s in story_ids if s not in self._members]
        if missing and self._load_members is not None:
            loaded, links = self._load_members(missing)
            for story_id, articles in loaded.items():
                self._set_members(story_id, sorted(articles, key=lambda a: a.key))
            for a, b in links:
                self._links.setdefault(a, set()).add(b)
                self._links.setdefault(b, set()).add(a)
        if any(s not in self._members for s in story_ids):
            return None
        return {s: self._members[s] for s in story_ids}

    def _set_members(self, story_id: str, articles: list[Group], moved: Sequence[Group] = ()) -> None:
        self._members[story_id] = sorted(articles, key=lambda a: a.key)
        self._members.move_to_end(story_id)
        for article in articles:
            self._story_of[article.key] = story_id
        for article in moved:
            self.moved[article.key] = story_id
        while len(self._members) > _MEMBERS_KEPT and self._load_members is not None:
            _, forgotten = self._members.popitem(last=False)  # stored long ago: reloadable
            for article in forgotten:
                if self._story_of.get(article.key) not in self._members:
                    self._story_of.pop(article.key, None)

    def story_of(self, article_key: str, stored: str | None = None) -> str | None:
        """The story an article is in now: known here, else its ``stored`` story followed
        through the merges and regroupings since."""
        return self._story_of.get(article_key) or (self.resolve(stored) if stored else None)

    def resolve(self, story_id: str) -> str:
        seen = set()
        while story_id in self._redirect and story_id not in self.stories and story_id not in seen:
            seen.add(story_id)
            story_id = self._redirect[story_id]
        return story_id

    # -- candidates ----------------------------------------------------------------------

    def _candidates(self, article: Group, sims: np.ndarray, rows: np.ndarray | None = None
                    ) -> list[tuple[str, Link]]:
        """The nearest stories by centroid and by terms, scored exactly (by the weights that
        judge the article, ``Weights.judging``), best first, within the window; ``sims`` are
        the article's cosines with the centroids of ``rows`` (all rows when None), changed
        in place."""
        allowed = self._in_window(article, len(self._keys))
        within = allowed if rows is None else allowed[rows]
        sims[~within] = -np.inf
        top = min(self.candidates, int(within.sum()))
        nearest = np.argpartition(-sims, top - 1)[:top] if top else np.empty(0, dtype=int)
        if rows is not None:
            nearest = rows[nearest]
        by_terms = self._terms.search(article.lexical, self.candidates, lambda row: allowed[row])
        keys = sorted({self._keys[row] for row in (*nearest.tolist(), *by_terms)} - {None})
        judge = self.weights.judging(article)
        scored = list(zip(keys, links([self.stories[key] for key in keys], article, judge)))
        scored.sort(key=lambda item: (-item[1].score, item[0]))
        return scored

    def _in_window(self, article: Group, count: int) -> np.ndarray:
        """Which story rows have dates within the window of the article (undated: all)."""
        if article.first is None:
            return np.ones(count, dtype=bool)
        first, last = self._days[:count, 0], self._days[:count, 1]
        gap = np.maximum(np.maximum(article.first - last, first - article.last), 0.0)
        return np.isnan(gap) | (gap <= self.weights.window_days)

    # -- rows ----------------------------------------------------------------------------

    def _put(self, story: Group) -> None:
        self.stories[story.key] = story
        self.dirty.add(story.key)
        self.deleted.discard(story.key)
        centroid = story.centroid.astype("float32")
        if self._matrix is None:
            self._matrix = np.zeros((64, centroid.shape[0]), dtype="float32")
        row = self._rows.get(story.key)
        self._changed.add(story.key)
        if row is None:
            self._created.add(story.key)
            row = len(self._keys)
            if row >= self._matrix.shape[0]:  # grow by doubling: amortised O(1) per story
                self._matrix = np.concatenate([self._matrix, np.zeros_like(self._matrix)])
                self._days = np.concatenate([self._days, np.full_like(self._days, np.nan)])
            self._keys.append(story.key)
            self._rows[story.key] = row
        self._matrix[row] = centroid
        self._terms.put(row, story.lexical)
        self._days[row] = (np.nan if story.first is None else story.first,
                           np.nan if story.last is None else story.last)

    def _drop(self, key: str, successor: str) -> None:
        row = self._rows.pop(key)
        self._keys[row] = None
        self._matrix[row] = 0.0
        self._terms.drop(row)
        self._days[row] = (np.inf, -np.inf)  # never within any dated article's window
        del self.stories[key]
        self._members.pop(key, None)
        self._redirect[key] = successor
        self._dropped.append(key)
        self.dirty.discard(key)
        self.deleted.add(key)

    def take_changes(self) -> tuple[list[Group], list[str], dict[str, str]]:
        """Stories changed and deleted, and articles moved, since the last call, for the
        engine to store."""
        changed = [self.stories[k] for k in sorted(self.dirty)]
        deleted = sorted(self.deleted)
        moved = dict(sorted(self.moved.items()))
        self.dirty.clear()
        self.deleted.clear()
        self.moved.clear()
        return changed, deleted, moved
