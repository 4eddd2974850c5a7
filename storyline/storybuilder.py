"""The engine's story half: stored articles -> features -> duplicates -> stories.

It wires the dedup, embed and cluster stages to the store, the way ``engine.py`` wires
sources and extract: the stages compute, this module only moves values between them and
the store. Online, each batch of new articles is deduplicated against everything stored and
assigned one by one; in batch, the whole archive is clustered again from stored features.
"""

from __future__ import annotations

import logging
import math
import zlib
from collections import Counter
from itertools import chain, count
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Sequence

import numpy as np
from threadpoolctl import threadpool_limits

from .cluster import Group, OnlineClusterer, Weights, cluster_groups, pack, story_id_for, unpack
from .cluster.membership import LARGEST_EXPLAINED, MemberFit, member_fits, probability
from .cluster.state import MISSING_RARE, MISSING_RECALLED
from .cluster.sparse import SparseSum
from .cluster import pair_model
from .dedup import DupCandidate, band_keys, exact_key, is_near_duplicate, signature
from .embed import (DocumentFrequencies, Embedder, LexicalVectorizer, SparseVector,
                    UniversalSentenceEncoder, article_text_for_embedding, names, numbers,
                    rare_name_keys, recalled_days, weighted_name_keys)
from .embed.names import to_latin
from .embed.worker import EmbeddingWorker, Pending
from .errors import SettingsError
from .extract.metadata import outlet_words
from .store import FeatureRow, StoryRow
from .types import Article, Progress, Stage, no_stage

logger = logging.getLogger(__name__)

_EPOCH = date(1970, 1, 1)


def weights_from(settings: dict[str, Any]) -> Weights:
    try:
        model = pair_model.load(settings["pair_model"])
    except ValueError as exc:
        raise SettingsError(f"setting 'pair_model': {exc}") from None
    return pair_model.weights(model, settings["window_days"], settings["story_threshold_offset"])


@dataclass
class Started:
    """A batch of new articles half way through ``StoryBuilder.add``."""

    articles: Sequence[Article]
    dense: Pending
    links: list[tuple[str, str]]
    sparse: list[tuple[dict, dict, dict, dict]]
    documents: int  # in the corpus once these were counted


def _growing(first: int, factor: float, last: int) -> tuple[int, ...]:
    sizes = [first]
    while sizes[-1] < last:
        sizes.append(min(last, round(sizes[-1] * factor)))
    return tuple(sizes)


#: Corpus sizes at which the stored TF-IDF and name vectors are weighed again
#: (``_reweigh``). Each article's vectors keep the weights of the day it came, and the
#: first articles came when the document frequencies knew little: weighing them again each
#: time the corpus has grown by half makes online clustering see what batch clustering of
#: the same articles sees. Weighing as it doubled (meantime: 0.925 -> 0.938 online, equal
#: to batch) left gva, taken in order of publication, at 0.776 online against 0.796 in
#: batch; growing by half, 0.796 (with batches of 64 documents too, and 0.794 inside the
#: pooled stream against 0.779), by a quarter 0.795; ecbplus and meantime the same either
#: way. Past a few thousand articles the frequencies of the terms that matter hardly move,
#: and the cost would grow with the archive, so it stops at 4,096; all of it weighs some
#: 15,000 vectors.
REWEIGH_AT = _growing(64, 1.5, 4096)  # 64, 96, 144, 216 ... 2,462, 3,693, 4,096

#: What makes a name word rare (the ``rare`` signal): fewer than one article in 50 mentions
#: it (an IDF of at least ``RARE_NAME_IDF``; the IDF is ``log(...) + 1``, see
#: ``embed.frequencies``), and fewer than ``RARE_NAME_ARTICLES`` articles do, the
#: background's pseudo-documents counted in both (a victim's or a small town's name, not
#: "Chicago" or "Police"). The share alone is not enough, because the archive grows and
#: a share of it grows with it: in the three gold sets pooled, every ecbplus topic's names
#: (some 40 articles, 1% of the pool) turned rare and tied the topic's two sister events
#: together (ecbplus -4.7 and meantime -4.1 points against each set clustered alone). The
#: count keeps a name that many articles carry from counting as rare however large the
#: archive; the share keeps a general word from counting as rare while the archive is small.
#: With both, the held-out F1 of ecbplus / meantime / gva moved from 0.864 / 0.943 / 0.738
#: (share alone) to 0.868 / 0.943 / 0.734 on each set, and from 0.816 / 0.883 / 0.747 to
#: 0.861 / 0.943 / 0.728 with the document frequencies of the pooled sets (fit.md).
RARE_NAME_IDF = 1.0 + math.log(50)
RARE_NAME_ARTICLES = 20



class StoryBuilder:
    """Keeps the stories of one store up to date as articles arrive."""

    def __init__(self, store, settings: dict[str, Any], embedder: Embedder | None = None):
        self.store = store
        self.settings = settings
        self.weights = weights_from(settings)
        self.embedder = embedder or UniversalSentenceEncoder(threads=settings["threads"])
        if settings["background_documents"] < 0:
            raise SettingsError(f"setting 'background_documents' must be 0 or more, got "
                                f"{settings['background_documents']}")
        self.vectorizer = LexicalVectorizer(max_body_chars=settings["lexical_chars"],
                                            background_documents=settings["background_documents"])
        self._online: OnlineClusterer | None = None
        # articles' term counts and names, kept for _reweigh while it may come
        self._terms_of: dict[str, _Counted] = {}
        self._encoder = EmbeddingWorker(self.embedder)  # a process, started on first use

    # -- features ------------------------------------------------------------------------

    def features(self, articles: Sequence[Article], dense: Pending | None = None) -> list[Group]:
        """Dense, lexical and name vectors of new articles, stored for batch re-clustering.
        ``dense`` is their embedding already under way (``_embedding``), if it is."""
        if not articles:
            return []
        if dense is None:
            dense = self._embedding(articles)  # the encoder runs beside what follows
        return self._groups(articles, dense, self._sparse_features(articles)[0])

    def groups_of(self, articles: Sequence[Article]) -> list[Group]:
        """Each article as a group of one, from its stored features; articles that have
        none yet get them computed and stored (``features``)."""
        rows = self._completed(self.store.features([a.article_id for a in articles]))
        made = {g.key: g for g in self.features([a for a in articles if a.article_id not in rows])}
        return [made[a.article_id] if a.article_id in made else _group_of(rows[a.article_id], a.language)
                for a in articles]

    def _sparse_features(self, articles: Sequence[Article]) -> tuple[list[tuple[dict, dict, dict, dict, tuple]], int]:
        """Lexical, name, number and rare-name vectors (the document frequencies count
        these articles) and the past days each names (``recalled_days``), and the number of
        documents counted. A headline-only article is not counted: a title is not a
        document, and counting it would move the weights of the articles it follows (how
        rare a name is)."""
        terms = [self.vectorizer.terms(a.title, a.text, a.language) for a in articles]
        texts = [self._lexical_window(a) for a in articles]
        found_names = [self._names_of(article, text) for article, text in zip(articles, texts)]
        counted = [t for t, article in zip(terms, articles) if not article.headline_only]
        frequencies = self._frequencies_with(counted, self._name_term_ids(found_names)
                                             | {term for t in terms for term in t})
        sparse = []
        for article, term_weights, found, text in zip(articles, terms, found_names, texts):
            lexical = self.vectorizer.vector_from_terms(term_weights, frequencies,
                                                        article.language).to_dict()
            keys, rare = self._name_vectors(found, frequencies, article.language)
            sparse.append((lexical, keys, _hashed(numbers(text)), rare, _recalled_of(article, text)))
            if frequencies.documents <= REWEIGH_AT[-1]:
                self._terms_of[article.article_id] = _Counted.of(term_weights, found, article.language)
        return sparse, frequencies.documents

    def _names_of(self, article: Article, window: str | None = None) -> frozenset[str]:
        """The names in the article's lexical window (``window``, if already cut), without
        the words of its own outlet (``_without_outlet``)."""
        if window is None:
            window = self._lexical_window(article)
        return _without_outlet(names(window), article)

    def _lexical_window(self, article: Article) -> str:
        """Title and the start of the body, where names and numbers are read (a long
        crawled page's tail is teasers of other stories)."""
        return f"{article.title or ''}\n{article.text[:self.settings['lexical_chars']]}"

    def _name_vectors(self, found: frozenset[str], frequencies: DocumentFrequencies,
                      language: str | None) -> tuple[dict[int, float], dict[int, float]]:
        """The names' keys as a unit vector, each weighted by the IDF of its word (sharing
        a rare name, "Marksville", says more than sharing a common one, "Chicago"), and the
        keys of the rare name words (``RARE_NAME_IDF``, ``RARE_NAME_ARTICLES``,
        ``rare_name_keys``) with a weight of 1 each: their dot product counts the rare keys
        two articles share. The words' frequencies must be in ``frequencies``
        (``_name_term_ids``)."""
        words = sorted({word for name in found for word in name.split()})
        idf = dict(zip(words, self.vectorizer.idf_of(words, frequencies, language).tolist()))
        held = dict(zip(words, self.vectorizer.document_counts(words, frequencies, language).tolist()))
        rare = {_hashed_id(key): 1.0 for key in rare_name_keys(
            word for word in words if len(word) > 1 and idf[word] >= RARE_NAME_IDF
            and held[word] < RARE_NAME_ARTICLES)}
        return _unit_hashed(weighted_name_keys(found, idf.__getitem__)), rare

    def _groups(self, articles: Sequence[Article], dense: Pending,
                sparse: list[tuple[dict, dict, dict, dict, tuple]]) -> list[Group]:
        """The articles as groups of one, their features stored, once the vectors are in."""
        groups, rows = [], []
        for article, vector, (lexical, keys, figures, rare, recalled) in zip(articles, dense.result(), sparse):
            day = day_of(article.published)
            vector = vector.astype("float32")
            groups.append(Group.of_article(article.article_id, vector, lexical, keys, figures,
                                           day, article.language, rare, article.headline_only,
                                           recalled))
            rows.append(FeatureRow(article.article_id, day, vector.astype("<f4").tobytes(),
                                   _pack_sparse(lexical), _pack_sparse(keys), article.language,
                                   _pack_sparse(figures), _pack_sparse(rare), article.headline_only,
                                   _pack_days(recalled)))
        self.store.save_features(rows)
        return groups

    def _embedding(self, articles: Sequence[Article]) -> Pending:
        """The articles' sentence embeddings, started in a worker process: the encoder then
        runs on the second core while this process computes the duplicates and the other
        features (the vectors are the same either way; see ``embed.worker``)."""
        texts = [article_text_for_embedding(a.title, a.text, self.settings["embed_chars"])
                 for a in articles]
        return self._encoder.submit(texts)

    def close(self) -> None:
        """Stop the embedding worker, if one was started."""
        self._encoder.close()

    def _name_term_ids(self, found_names: Sequence[frozenset[str]]) -> set[int]:
        return {self.vectorizer.term_id(word) for found in found_names for name in found
                for word in name.split()}

    def _frequencies_with(self, terms: list[dict[int, float]], also: set[int]) -> DocumentFrequencies:
        """Count these documents' terms, then read the frequencies of their terms and of
        ``also`` (their names' words, the terms of articles not counted)."""
        counts: dict[int, int] = {}
        for document in terms:
            for term in document:
                counts[term] = counts.get(term, 0) + 1
        self.store.df_update(counts, len(terms))
        return self._frequencies_of(counts.keys() | also)

    def _frequencies_of(self, terms) -> DocumentFrequencies:
        """The stored document frequencies of ``terms`` (the terms a batch needs suffice)."""
        stored, documents = self.store.df_load(terms)
        array = np.zeros(self.vectorizer.dimension, dtype=np.int64)
        array[np.fromiter(stored, dtype=np.int64, count=len(stored))] = np.fromiter(
            stored.values(), dtype=np.int64, count=len(stored))
        return DocumentFrequencies(self.vectorizer.dimension, documents, array)

    # -- duplicates ----------------------------------------------------------------------

    def duplicates(self, articles: Sequence[Article]) -> list[tuple[str, str]]:
        """Links from new articles to stored copies of their text (and to each other).
        A headline-only article has no text to be a copy of: it is not looked at."""
        rows, candidates = [], {}
        for article in articles:
            if article.headline_only:
                continue
            sig = signature(article.text)
            rows.append((article.article_id, exact_key(article.text), sig, band_keys(sig)))
            candidates[article.article_id] = DupCandidate(article.article_id, article.text,
                                                          article.title, article.published, sig)
        self.store.save_dedup(rows)
        links = []
        found = self.store.dedup_candidates_each([(key, bands) for _, key, _, bands in rows])
        for (article_id, *_), others in zip(rows, found):
            for other_id in sorted(others - {article_id}):
                other = candidates.get(other_id) or self._candidate(other_id)
                if other is None:
                    continue
                verdict = is_near_duplicate(candidates[article_id], other)
                if verdict.same:
                    links.append((min(article_id, other_id), max(article_id, other_id),
                                  verdict.kind, verdict.score, verdict.why))
        links = sorted(set(links))
        self.store.add_duplicate_links(links)
        return [(a, b) for a, b, *_ in links]

    def _candidate(self, article_id: str) -> DupCandidate | None:
        article = self.store.article(article_id)
        if article is None:
            return None
        sig = self.store.signatures([article_id]).get(article_id, (None, None))[1]
        return DupCandidate(article.article_id, article.text, article.title, article.published, sig)

    # -- stories -------------------------------------------------------------------------

    def add(self, articles: Sequence[Article]) -> int:
        """Online: deduplicate and assign new articles; returns how many stories changed."""
        return self.finish_adding(self.start_adding(articles))

    def start_adding(self, articles: Sequence[Article]) -> Started | None:
        """The first half of ``add``: start the embeddings (in the worker process), find the
        duplicates and compute the other features. The engine cleans its next batch before
        it calls ``finish_adding``, so the encoder keeps working meanwhile. Batches must be
        finished in the order they were started."""
        if not articles:
            return None
        dense = self._embedding(articles)
        links = self.duplicates(articles)
        return Started(articles, dense, links, *self._sparse_features(articles))

    def finish_adding(self, started: Started | None) -> int:
        """The second half of ``add``: assign the articles; returns how many stories changed."""
        if started is None:
            return 0
        links = started.links
        groups = self._groups(started.articles, started.dense, started.sparse)
        online = self._online_clusterer()
        linked: dict[str, set[str]] = {}
        for a, b in links:
            linked.setdefault(a, set()).add(b)
            linked.setdefault(b, set()).add(a)
        stored = self.store.story_of({x for pair in links for x in pair})
        with threadpool_limits(self.settings["threads"]):  # BLAS threads beyond cores thrash
            scores = self._assign_all(online, groups, linked, stored)
        changed = self._save_online(online, scores)
        if self._reweighing_due(started.documents):
            self._reweigh()
        return changed

    def _reweighing_due(self, documents: int) -> bool:
        """Whether the corpus has reached a size of ``REWEIGH_AT`` that no re-weighing
        has seen. The store records each re-weighing, so one a crash or a kill cut off
        is made up by the next batch of any later run."""
        # past twice the last size, a store that never re-weighed (filled by another
        # version) keeps its vectors: re-weighing them all would cost more than it brings
        if documents < REWEIGH_AT[0] or documents >= 2 * REWEIGH_AT[-1]:
            return False  # decided without asking the store, as on every batch of a big one
        due = max(size for size in REWEIGH_AT if size <= documents)
        return due > self.store.reweighed_at()

    def _reweigh(self) -> None:
        """Weigh every stored article's TF-IDF vector again with the document frequencies
        of now, and sum the stories' lexical states anew (memberships stay as they are;
        see ``REWEIGH_AT``). Features and states are replaced in one transaction."""
        counted: dict[str, _Counted] = {}
        for row in self.store.iter_features():
            if row.article_id in self._terms_of:  # counted in this process
                counted[row.article_id] = self._terms_of[row.article_id]
            elif (article := self.store.article(row.article_id)) is not None:
                counted[row.article_id] = _Counted.of(
                    self.vectorizer.terms(article.title, article.text, article.language),
                    self._names_of(article), article.language)
        frequencies = self._frequencies_of({t for c in counted.values() for t in c.ids.tolist()}
                                           | self._name_term_ids([c.names for c in counted.values()]))
        vectors = {article_id: (self.vectorizer.vector_from_terms(c.terms(), frequencies, c.language).to_dict(),
                                *self._name_vectors(c.names, frequencies, c.language))
                   for article_id, c in counted.items()}
        if frequencies.documents > REWEIGH_AT[-1]:
            self._terms_of.clear()  # the last time
        states, stored = [], self.store.story_states()
        for story_id, members in self.store.story_members(list(stored)).items():
            if not all(a in vectors for a in members):
                continue  # a member stored before features were: the story keeps its sums
            story = unpack(story_id, stored[story_id].state)
            story.lexical, story.names, story.rare = SparseSum.of({}), SparseSum.of({}), SparseSum.of({})
            for article_id in members:
                lexical, keys, rare = vectors[article_id]
                story.lexical = story.lexical.plus(SparseSum.of(lexical))
                story.names = story.names.plus(SparseSum.of(keys))
                story.rare = story.rare.plus(SparseSum.of(rare))
            states.append((story_id, pack(story)))
        self.store.save_reweighed([(article_id, _pack_sparse(lexical), _pack_sparse(keys), _pack_sparse(rare))
                                   for article_id, (lexical, keys, rare) in vectors.items()], states,
                                  frequencies.documents)
        self._online = None  # restored from the new states when next needed
        logger.info("weighed %d articles' TF-IDF, name and rare-name vectors and %d stories again at %d documents",
                    len(vectors), len(states), frequencies.documents)

    def _assign_all(self, online: OnlineClusterer, groups: list[Group], linked: dict[str, set[str]],
                    stored: dict[str, str]) -> dict[str, float]:
        """Assign each article in turn; returns how sure each membership is (the pair
        model's probability for the story joined, 1.0 for an article that opened one)."""
        scores: dict[str, float] = {}
        for group in groups:
            duplicates = sorted(linked.get(group.key, ()))
            stories = {online.story_of(other, stored.get(other)) for other in duplicates}
            result = online.assign(group, stories - {None}, duplicates)
            joined = result.link is not None
            scores[group.key] = probability(result.link.score - self.weights.judging(group).threshold) \
                if joined else 1.0
        return scores

    def _save_online(self, online: OnlineClusterer, scores: dict[str, float]) -> int:
        changed, deleted, moved = online.take_changes()
        rows = [(article_id, story, scores.get(article_id, 1.0)) for article_id, story in moved.items()]
        for story_id, members in self.store.story_members(deleted).items():
            # members the clusterer never loaded follow their story to where it went
            rows += [(a, online.resolve(story_id), 1.0) for a in members if a not in moved]
        self.store.save_story_updates([_row(g) for g in changed], rows, deleted)
        return len(changed) + len(deleted)

    def _online_clusterer(self) -> OnlineClusterer:
        if self._online is None:
            stories = {k: unpack(k, r.state) for k, r in self.store.story_states().items()}
            self._sum_from_members([story for story in stories.values()
                                    if story.rare is MISSING_RARE or story.recalled is MISSING_RECALLED])
            self._online = OnlineClusterer(self.weights, stories, members=self._stored_members)
        return self._online

    def _sum_from_members(self, stories: Sequence[Group]) -> None:
        """Give stories whose state was stored before rare names or recalled days were kept
        the sums of their members' (the next change to a story stores them with it)."""
        if not stories:
            return
        members = self.store.story_members([story.key for story in stories])
        rows = self._completed(self.store.features(a for ids in members.values() for a in ids))
        for story in stories:
            held = [rows[a] for a in members.get(story.key, ()) if a in rows]
            if story.rare is MISSING_RARE:
                story.rare = SparseSum.of({})
                for row in held:
                    story.rare = story.rare.plus(SparseSum.of(_unpack_sparse(row.rare)))
            if story.recalled is MISSING_RECALLED:
                story.recalled = {}
                for row in held:
                    for day in _unpack_days(row.recalled):
                        story.recalled[day] = story.recalled.get(day, 0) + 1

    def member_fits(self, story_id: str) -> list[MemberFit]:
        """How well each member of a stored story fits the rest of it, and which members it
        is closest to (``cluster.membership``), from the stored features and today's pair
        model; none for a story of one, of more than ``LARGEST_EXPLAINED`` members, or with
        a member whose features were never stored."""
        members = self.store.story_members([story_id]).get(story_id, [])
        if not 2 <= len(members) <= LARGEST_EXPLAINED:
            return []
        rows = self._completed(self.store.features(members), keep_found=False)  # a read: stores nothing
        if not all(a in rows for a in members):
            return []
        return member_fits([_group_of(rows[a], self._language_if_unknown(rows[a])) for a in members],
                           self.weights)

    def _stored_members(self, story_ids: Sequence[str]):
        """Member articles of stored stories as groups of one, with their duplicate links;
        a story with a member whose features are missing is left out (not fully known)."""
        members = self.store.story_members(story_ids)
        rows = self._completed(self.store.features(a for ids in members.values() for a in ids))
        groups = {story: [_group_of(rows[a], self._language_if_unknown(rows[a])) for a in ids]
                  for story, ids in members.items()
                  if all(a in rows for a in ids)}
        links = [(a, b) for a, b, *_ in self.store.duplicate_links(rows)]
        return groups, links

    def _completed(self, rows: dict[str, FeatureRow], keep_found: bool = True) -> dict[str, FeatureRow]:
        """``rows`` with what those stored before a migration lack found from their articles
        and stored (unless ``keep_found`` is false: a reader, which must not write): the rare
        name words (m007_rare_names; with the document frequencies of now) and the past days
        they name (m009_recalled_days)."""
        updated: dict[str, FeatureRow] = {}
        old = [row for row in rows.values() if row.rare is None]
        articles = {row.article_id: self.store.article(row.article_id) for row in old}
        found = {article_id: self._names_of(article)
                 for article_id, article in articles.items() if article is not None}
        if found:
            frequencies = self._frequencies_of(self._name_term_ids(list(found.values())))
            updated = {article_id: replace(rows[article_id], rare=_pack_sparse(self._name_vectors(
                           keys, frequencies, articles[article_id].language)[1]))
                       for article_id, keys in found.items()}
            logger.info("found the rare names of %d articles stored before they were kept", len(updated))
        recalled = 0
        for row in rows.values():
            if row.recalled is None and (article := self.store.article(row.article_id)) is not None:
                days = _recalled_of(article, self._lexical_window(article))
                updated[row.article_id] = replace(updated.get(row.article_id, row), recalled=_pack_days(days))
                recalled += 1
        if recalled:
            logger.info("found the recalled days of %d articles stored before they were kept", recalled)
        if not updated:
            return rows
        if keep_found:
            self.store.save_features(list(updated.values()))
        return {**rows, **updated}

    def _language_if_unknown(self, row: FeatureRow) -> str | None:
        """Features stored before m006_story_features lack the language: read the article."""
        if row.language is not None:
            return row.language
        article = self.store.article(row.article_id)
        return article.language if article else None

    def recluster(self, since: str | None = None, until: str | None = None,
                  stage: Stage = no_stage) -> int:
        """Batch: cluster every stored article again from its stored features; returns the
        number of stories. With ``since``/``until`` (ISO dates) only the stories active in
        that range are clustered again: their members and the range's articles, the only
        features read (so the cost follows the range, not the archive).

        The TF-IDF, name and rare-name vectors are first weighed with the document
        frequencies of the whole archive as it is now (``_reweigh``), unless they already
        are. Vectors weighed as their articles came carry the frequencies of that moment,
        which depend on the order the articles came in, and batch must not: gva ingested
        online in order of publication and then clustered in batch read 0.781 pairwise F1
        without this and 0.796 with it, what clustering the same articles from scratch reads.
        Past 8,192 counted articles the vectors keep their weights, as online re-weighing
        stops there too (the re-weighing holds them all in memory at once).

        ``stage`` hears of each stage as it begins (``types.Stage``), for a progress
        display: on 100,000 articles the whole takes minutes."""
        self._online = None  # its stories are about to be replaced: free them first
        ranged = since is not None or until is not None
        if ranged:  # only the range's stories are read later: the cost follows the range
            had_features = self.store.has_features()
            unassigned = self.store.unassigned_article_ids()
            featured = set(self.store.features(unassigned))
            todo_ids = [i for i in unassigned if i not in featured]
        else:
            stored = self._read_features(stage("reading features", None))
            had_features = bool(stored)
            todo_ids = [i for i in self.store.unassigned_article_ids() if i not in stored]
        todo = [a for a in (self.store.article(i) for i in todo_ids) if a]
        if todo:  # articles stored with no features (ingested with clustering off)
            computed = stage("computing features", len(todo))
            dense = self._embedding(todo)
            self.duplicates(todo)
            self.features(todo, dense)
            computed(len(todo))
        documents = self.store.df_load(())[1]
        # up to the size online re-weighing goes to (``_reweighing_due``): ``_reweigh``
        # holds every vector at once, some 30 KB an article at its peak
        reweigh = had_features and self.store.reweighed_at() != documents and documents < 2 * REWEIGH_AT[-1]
        if reweigh:
            weighed = stage("weighing the vectors again", 1)
            self._reweigh()
            weighed(1)
        elif not had_features and todo:  # all weighed just now, with these frequencies
            self.store.save_reweighed([], [], documents)
        touched: set[str] = set()
        if ranged:
            first, last = day_of(since) or -np.inf, day_of(until) or np.inf
            in_range = self.store.featured_between(first, last)
            touched = set(self.store.story_of(in_range).values())
            chosen = set(in_range) | {a for ids in self.store.story_members(touched).values() for a in ids}
            read = stage("reading features", len(chosen))
            stored = self.store.features(chosen)  # members stored without features stay out
            read(len(chosen))
        elif reweigh or todo:  # read again: new or newly weighed vectors
            stored = self._read_features(stage("reading features again", None))
        rows = self._completed(stored)
        del stored
        groups = []
        while rows:  # each stored row let go once it is a group: they never all sit twice
            row = rows.popitem()[1]
            groups.append(_group_of(row, self._language_if_unknown(row)))
        links = [(a, b) for a, b, *_ in self.store.duplicate_links()]
        with threadpool_limits(self.settings["threads"]):
            clusters = cluster_groups(groups, self.weights, duplicate_links=links, stage=stage)
        written = stage("writing stories", len(clusters))
        stories, members = self._stories_of(clusters, {g.key: g for g in groups}, touched if ranged else None)
        if not ranged:
            self.store.replace_all_stories(stories, members)
        else:
            new = {s.story_id for s in stories}
            self.store.save_story_updates(stories, members, sorted(touched - new))
        written(len(clusters))
        self._online = None  # rebuilt from the new states when next needed
        return len(stories)

    def _read_features(self, progress: Progress) -> dict[str, FeatureRow]:
        """Every stored article's features, by article id."""
        stored = {}
        for row in self.store.iter_features():
            stored[row.article_id] = row
            progress(1)
        return stored

    def _stories_of(self, clusters: list[list[str]], by_key: dict[str, Group], replaced: set[str] | None):
        """Story rows and memberships. Each story keeps the name of the stored story that
        held most of its members, each name going to one story only, and only from a story
        being replaced (``replaced``; ``None``: every story, the whole archive is clustered
        again). So clustering again names the stories it finds again as they were named
        (online, a story is named after the article that opened it, in batch after its
        earliest): their pages, links and cards stay. A story with no such name is named
        after its earliest member (or, where that name is taken, the member's id)."""
        was = self.store.story_of([key for keys in clusters for key in keys])
        overlaps = []
        for index, keys in enumerate(clusters):
            held = Counter(was[key] for key in keys if key in was)
            overlaps += [(-count, old, index) for old, count in held.items()
                         if replaced is None or old in replaced]
        named: dict[int, str] = {}
        taken: set[str] = set()
        for _, old, index in sorted(overlaps):  # most members first; ties by name, then story
            if index not in named and old not in taken:
                named[index] = old
                taken.add(old)
        stories, members = [], []
        for index, keys in enumerate(clusters):
            founder = min(keys, key=lambda k: (by_key[k].first is None, by_key[k].first or 0.0, k))
            story_id = named.get(index) or self._free_name(founder, taken, replaced)
            taken.add(story_id)
            story = Group(story_id, 0, np.zeros_like(by_key[founder].dense))
            for key in keys:
                story.absorb(by_key[key])
                members.append((key, story.key, 1.0))
            stories.append(_row(story))
        return stories, members

    def _free_name(self, founder: str, taken: set[str], replaced: set[str] | None) -> str:
        """A name for a new story from its earliest member, not ``taken`` nor held by a
        stored story that is not being replaced."""
        for name in chain((story_id_for(founder), "s" + founder), (f"s{founder}-{n}" for n in count(1))):
            if name not in taken and (replaced is None or name in replaced
                                      or not self.store.story_states_for([name])):
                return name
        raise AssertionError("unreachable: the names never end")


def day_of(published: str | None) -> float | None:
    """Days since 1970 of an ISO date (the date part: clustering works in days)."""
    if not published:
        return None
    try:
        return float((date.fromisoformat(published[:10]) - _EPOCH).days)
    except ValueError:
        return None


def _hashed(keys: frozenset[str]) -> dict[int, float]:
    """Keys (numbers) as a unit binary vector over hashed ids (cosine = overlap)."""
    return _unit_hashed(dict.fromkeys(keys, 1.0))


def _unit_hashed(weights: dict[str, float]) -> dict[int, float]:
    """Weighted keys (names, numbers) as a unit vector over hashed int32 ids."""
    norm = math.sqrt(sum(w * w for w in weights.values()))
    if not norm:
        return {}
    return {_hashed_id(k): w / norm for k, w in sorted(weights.items())}


def _hashed_id(key: str) -> int:
    return zlib.crc32(key.encode("utf-8")) & 0x7FFFFFFF


@dataclass(frozen=True)
class _Counted:
    """What re-weighing needs of an article: its term counts (compactly), names, language."""

    ids: np.ndarray
    counts: np.ndarray
    names: frozenset[str]
    language: str | None

    @classmethod
    def of(cls, terms: dict[int, float], found: frozenset[str], language: str | None) -> _Counted:
        return cls(np.fromiter(terms, dtype=np.int32, count=len(terms)),
                   np.fromiter(terms.values(), dtype=np.float32, count=len(terms)), found, language)

    def terms(self) -> dict[int, float]:
        return dict(zip(self.ids.tolist(), self.counts.tolist()))


def _recalled_of(article: Article, window: str) -> tuple[float, ...]:
    """The past days the article names in ``window`` (``embed.recalled_days``); a headline
    alone recalls nothing (its title is scored by the headline model)."""
    if article.headline_only:
        return ()
    return recalled_days(window, article.language, day_of(article.published))


def _pack_days(days: Sequence[float]) -> bytes:
    return np.asarray(days, dtype="<i4").tobytes()


def _unpack_days(blob: bytes | None) -> tuple[float, ...]:
    return tuple(np.frombuffer(blob, dtype="<i4").astype(float).tolist()) if blob else ()


def _pack_sparse(vector: dict[int, float]) -> bytes:
    return SparseVector.from_mapping(vector).to_bytes()


def _unpack_sparse(blob: bytes) -> dict[int, float]:
    return SparseVector.from_bytes(blob).to_dict() if blob else {}


def _group_of(row: FeatureRow, language: str | None) -> Group:
    dense = np.frombuffer(row.dense, dtype="<f4").astype("float32")
    return Group.of_article(row.article_id, dense, _unpack_sparse(row.lexical), _unpack_sparse(row.names),
                            _unpack_sparse(row.numbers), row.day, language, _unpack_sparse(row.rare),
                            row.headline_only, _unpack_days(row.recalled))


def _row(group: Group) -> StoryRow:
    return StoryRow(group.key, group.size, group.first, group.last, pack(group))


def _without_outlet(found: frozenset[str], article: Article) -> frozenset[str]:
    """The names without the words of the article's own outlet (``outlet_words``): a
    station's call sign or a site's name in the page chrome ("KMOV", "CBS Broadcasting")
    is rare enough to count as a shared rare name between two of its pages on different
    stories. With this alone, gva's held-out F1 (fit_pairs.py) went from 0.731 to 0.744."""
    own = {to_latin(word) for word in outlet_words(article.outlet, article.url)}
    if not own:
        return found
    kept = (" ".join(word for word in name.split() if word not in own) for name in found)
    return frozenset(name for name in kept if name)
