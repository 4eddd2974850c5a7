"""The story engine end to end, with the real sentence encoder, on the demo corpus and seeds."""

from __future__ import annotations

import json
from datetime import date, timedelta
import random
from pathlib import Path

import numpy as np
import pytest

from storyline import Engine, RawDocument
from storyline.engine import demo_corpus_path
from storyline.eval import pairwise
from storyline.sources import read_sources

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
GOLD = json.loads((demo_corpus_path().parent / "gold.json").read_text(encoding="utf-8"))


def _demo_documents() -> list[RawDocument]:
    return [d for d in read_sources([str(demo_corpus_path())]) if isinstance(d, RawDocument)]


def _gold_event(doc: RawDocument) -> tuple[str, str]:
    """(event, wire group or '') of a demo document, matched by relative path and url."""
    relative = doc.origin.split("articles/", 1)[1]
    path = relative.split(":")[0].split("#")[0]
    candidates = [d for d in GOLD["documents"] if d["path"] == path]
    if len(candidates) > 1:
        candidates = [d for d in candidates if d.get("url") == doc.hints.get("url")
                      or d.get("title") == doc.hints.get("title")]
    entry = candidates[0]
    return entry["event"], entry.get("wire_copy") or ""


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    db = tmp_path_factory.mktemp("demo") / "demo.db"
    docs = _demo_documents()
    with Engine(db=str(db)) as engine:
        engine.ingest_documents(docs)
        story_of = engine.store.story_of(d.content_hash for d in docs)
        stories = {s.story_id: s for s in engine.stories(limit=100)}
    return docs, story_of, stories


def test_demo_stories_match_the_gold_events(demo):
    docs, story_of, _ = demo
    gold = {d.content_hash: _gold_event(d)[0] for d in docs}
    scores = pairwise(gold, story_of)
    assert scores.precision >= 0.95 and scores.recall >= 0.9, scores


def test_wire_copies_form_one_group_inside_their_story(demo):
    docs, story_of, stories = demo
    wire = {d.content_hash for d in docs if _gold_event(d)[1]}
    assert len(wire) == 4
    story = stories[story_of[next(iter(wire))]]
    groups = [set(g) for g in story.duplicate_groups]
    assert wire in groups
    assert story.independent_reports == story.size - 3


def test_seeds_end_up_in_one_story(tmp_path):
    if not SEEDS.is_dir():
        pytest.skip(f"seed articles not found at {SEEDS}")
    with Engine(db=str(tmp_path / "seeds.db")) as engine:
        engine.ingest([str(SEEDS)])
        stories = engine.stories()
    assert len(stories) == 1 and stories[0].size == 2


def _batch_partition(docs: list[RawDocument], db: Path) -> list[list[str]]:
    with Engine(db=str(db), cluster=False) as engine:
        engine.ingest_documents(docs)
        engine.cluster()
        return sorted(sorted(s.article_ids) for s in engine.stories(limit=1000))


def test_batch_clustering_reports_each_stage_with_its_steps(tmp_path):
    """`storyline cluster` shows a bar per stage: each stage is announced before its work,
    with the number of steps when known, and its steps add up to it."""
    docs = _demo_documents()
    heard: list[list] = []

    def stage(label: str, total: int | None):
        heard.append([label, total, 0])
        return lambda done: heard[-1].__setitem__(2, heard[-1][2] + done)

    with Engine(db=str(tmp_path / "staged.db"), cluster=False) as engine:
        engine.ingest_documents(docs)
        count = engine.cluster(stage=stage)
        articles = len(engine.store.unassigned_article_ids()) + sum(s.size for s in engine.stories(limit=1000))
    labels = [label for label, _, _ in heard]
    assert labels == ["reading features", "computing features", "reading features again",
                      "finding candidate links", "scoring candidate links", "merging", "writing stories",
                      "building cards"]
    steps = {label: (total, done) for label, total, done in heard}
    assert steps["reading features"] == (None, 0)  # ingested with clustering off: none yet
    assert steps["computing features"] == (articles, articles)
    assert steps["reading features again"] == (None, articles)
    assert steps["finding candidate links"] == (2 * articles, 2 * articles)  # by meaning and by words
    assert steps["scoring candidate links"][0] == steps["scoring candidate links"][1] > 0
    assert 0 < steps["merging"][1] < articles and steps["merging"][0] is None
    assert steps["writing stories"] == (count, count)
    assert steps["building cards"][0] == steps["building cards"][1] > 0


def test_clustering_again_rebuilds_only_the_cards_of_stories_that_changed(tmp_path):
    """A second `storyline cluster` over the same archive changes no story, so it builds no
    card; after one more article it builds the cards of the stories that changed alone."""
    docs = _demo_documents()
    built: dict[str, int | None] = {}

    def stage(label: str, total: int | None):
        built[label] = total
        return lambda done: None

    with Engine(db=str(tmp_path / "again.db"), cluster=False) as engine:
        engine.ingest_documents(docs[1:])
        count = engine.cluster(stage=stage)
        assert built["building cards"] == count
        cards = {card.story_id: card for card in engine.iter_cards()}
        engine.cluster(stage=stage)
        assert built["building cards"] == 0
        assert {card.story_id: card for card in engine.iter_cards()} == cards
        engine.ingest_documents(docs[:1])
        engine.cluster(stage=stage)
        assert 1 <= built["building cards"] <= 2  # the story it joined (and one it left)
        assert engine.store.cards_to_refresh() == []


def test_clustering_after_online_ingest_keeps_the_names_of_the_stories_it_finds_again(tmp_path):
    """Online, a story is named after the article that opened it; batch would name it after
    its earliest. Clustering again keeps the stored name of each story it finds again, so
    its page, its links and its card stay; only stories that changed get their cards built."""
    with Engine(db=str(tmp_path / "named.db")) as engine:
        engine.ingest_documents(_demo_documents())
        before = {frozenset(s.article_ids): s.story_id for s in engine.stories(limit=1000)}
        built: dict[str, int | None] = {}
        engine.cluster(stage=lambda label, total: built.__setitem__(label, total) or (lambda done: None))
        after = {frozenset(s.article_ids): s.story_id for s in engine.stories(limit=1000)}
    found_again = before.keys() & after.keys()
    assert len(found_again) >= 5
    assert all(after[members] == before[members] for members in found_again)
    assert built["building cards"] == len(after.keys() - before.keys())


def test_batch_mode_does_not_depend_on_input_order(tmp_path):
    docs = _demo_documents()
    partitions = []
    for seed in range(3):
        shuffled = docs[:]
        random.Random(seed).shuffle(shuffled)
        partitions.append(_batch_partition(shuffled, tmp_path / f"shuffle{seed}.db"))
    assert partitions[0] == partitions[1] == partitions[2]
    assert len(partitions[0]) >= 5


def test_batch_mode_does_not_depend_on_the_order_an_online_run_stored_articles_in(tmp_path):
    """An archive filled online, in small batches, holds vectors weighed with the document
    frequencies of the moment each article came; ``storyline cluster`` weighs them all
    again with the archive's frequencies first, so the same articles ingested in two orders
    give the same vectors and the same stories, and those of clustering from scratch."""
    docs = _demo_documents()
    found = []
    for seed in range(2):
        shuffled = docs[:]
        random.Random(seed).shuffle(shuffled)
        with Engine(db=str(tmp_path / f"online{seed}.db"), batch_size=8, cards=False) as engine:
            engine.ingest_documents(shuffled)
            before = engine.store.features(d.content_hash for d in docs)
            engine.cluster()
            after = engine.store.features(d.content_hash for d in docs)
            found.append((before, after, sorted(sorted(s.article_ids) for s in engine.stories(limit=1000))))
    (before_0, after_0, stories_0), (before_1, after_1, stories_1) = found
    assert any(before_0[k].lexical != before_1[k].lexical for k in before_0)  # weighed as they came
    assert {k: (r.lexical, r.names, r.rare) for k, r in after_0.items()} == {
        k: (r.lexical, r.names, r.rare) for k, r in after_1.items()}
    assert stories_0 == stories_1 == _batch_partition(docs, tmp_path / "scratch.db")


def test_restart_in_the_middle_of_an_online_run_changes_nothing(tmp_path):
    docs = _demo_documents()
    with Engine(db=str(tmp_path / "straight.db"), batch_size=8) as engine:
        engine.ingest_documents(docs)
        straight = sorted(sorted(s.article_ids) for s in engine.stories(limit=1000))
    restarted_db = str(tmp_path / "restarted.db")
    with Engine(db=restarted_db, batch_size=8) as engine:
        engine.ingest_documents(docs[:20])
    with Engine(db=restarted_db, batch_size=8) as engine:  # a new process would start the same way
        engine.ingest_documents(docs[20:])
        restarted = sorted(sorted(s.article_ids) for s in engine.stories(limit=1000))
    assert restarted == straight


def test_stories_cli_lists_and_shows(tmp_path):
    import subprocess
    import sys

    db = str(tmp_path / "cli.db")
    with Engine(db=db) as engine:
        engine.ingest_documents(_demo_documents()[:12])
    listing = subprocess.run([sys.executable, "-m", "storyline", "stories", "--db", db, "--json"],
                             capture_output=True, text=True, check=True)
    first = json.loads(listing.stdout)["stories"][0]
    shown = subprocess.run([sys.executable, "-m", "storyline", "story", first["id"][:8], "--db", db],
                           capture_output=True, text=True, check=True)
    assert first["id"] in shown.stdout and "independent reports" in shown.stdout


def test_eval_command_scores_a_gold_file(tmp_path):
    import subprocess
    import sys

    events = {
        "bridge": ["The old river bridge in Kalder collapsed on Monday evening, killing twelve people.",
                   "Twelve people died when the Kalder river bridge collapsed on Monday, officials said.",
                   "Doce personas murieron el lunes al derrumbarse el puente del río en Kalder."],
        "strike": ["Dock workers in Port Vesna began a strike over pay on Tuesday, halting all cargo.",
                   "A strike by Port Vesna dock workers over wages stopped cargo traffic on Tuesday.",
                   "Los estibadores del puerto de Vesna iniciaron el martes una huelga por los salarios."],
    }
    path = tmp_path / "docs.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for event, texts in events.items():
            for i, text in enumerate(texts):
                out.write(json.dumps({"doc_id": f"{event}{i}", "cluster_id": event, "date": "2024-06-03",
                                      "title": text.split(",")[0], "text": text}) + "\n")
    done = subprocess.run([sys.executable, "-m", "storyline", "eval", str(path), "--mode", "online", "--json"],
                          capture_output=True, text=True, check=True)
    result = json.loads(done.stdout)
    assert result["docs"] == 6 and result["gold_clusters"] == 2
    assert result["pairwise"]["f1"] == 1.0 and result["pred_clusters"] == 2
    assert {"bcubed", "adjusted_rand", "seconds", "articles_per_second"} <= set(result)


def test_a_mixed_stream_is_scored_per_part(tmp_path):
    from storyline.evaluation import evaluate_clustering

    path = tmp_path / "mixed.jsonl"
    texts = {"a:quake": ["A strong earthquake shook Varno on Friday, damaging two hundred homes.",
                         "Two hundred homes were damaged when an earthquake hit Varno on Friday."],
             "b:vote": ["Lakemoor's council voted on Thursday to close the old tram depot."]}
    with path.open("w", encoding="utf-8") as out:
        for cluster, bodies in texts.items():
            for i, text in enumerate(bodies):
                out.write(json.dumps({"doc_id": f"{cluster.split(':')[0]}:{i}{cluster}", "cluster_id": cluster,
                                      "date": "2024-06-07", "title": text[:40], "text": text}) + "\n")
    result = evaluate_clustering(str(path), "online", parts=lambda doc_id: doc_id.split(":", 1)[0])
    assert set(result["parts"]) == {"a", "b"}
    assert result["parts"]["a"]["docs"] == 2 and result["parts"]["b"]["docs"] == 1
    assert result["parts"]["a"]["pairwise"]["f1"] == result["pairwise"]["f1"] == 1.0


def test_clustering_a_date_range_keeps_stories_whole_and_the_rest_alone(tmp_path):
    docs = _demo_documents()
    with Engine(db=str(tmp_path / "range.db")) as engine:
        engine.ingest_documents(docs)
        engine.cluster()
        before = {s.story_id: s.article_ids for s in engine.stories(limit=1000)}
        dated = sorted(a.published[:10] for a in engine.articles(limit=1000) if a.published)
        middle = dated[len(dated) // 2]
        assert engine.cluster(since=middle, until=middle) < len(before)
        after = {s.story_id: s.article_ids for s in engine.stories(limit=1000)}
        assert engine.store.unassigned_article_ids() == []
        engine.cluster()
        again = {s.story_id: s.article_ids for s in engine.stories(limit=1000)}
    assert after == before and again == before


def test_batches_assigned_after_the_next_is_cleaned_give_the_stories_of_add_in_turn(tmp_path):
    """Engine.ingest_documents assigns a batch's stories once the next batch is cleaned and
    stored (the encoder works meanwhile); the stories are those of cleaning a batch, then
    ``StoryBuilder.add`` on it, batch after batch."""
    docs = _demo_documents()[:40]
    batches = [docs[i:i + 8] for i in range(0, len(docs), 8)]
    with Engine(db=str(tmp_path / "pipelined.db"), batch_size=8, cards=False) as engine:
        engine.ingest_documents(docs)
        pipelined = engine.store.story_of(d.content_hash for d in docs)
    with Engine(db=str(tmp_path / "in_turn.db"), batch_size=8, cards=False,
                cluster=False) as engine:
        for batch in batches:
            engine.ingest_documents(batch)
            stored = [engine.store.article(d.content_hash) for d in batch]
            engine.story_builder.add([a for a in stored if a is not None])
        in_turn = engine.store.story_of(d.content_hash for d in docs)
    assert len(set(pipelined.values())) > 1
    assert pipelined == in_turn


def _generated_reports(count: int) -> list[RawDocument]:
    """Short English reports on made-up local events, distinct enough to pass cleaning
    and dedup: a town, what happened, and words that vary from report to report."""
    rng = random.Random(7)
    towns = ["Arden", "Belmont", "Corran", "Dunmore", "Eastwick", "Fallow", "Glenrock", "Harlow"]
    events = ["council approves a new budget for roads", "flood closes the river bridge",
              "school opens a science wing", "fire destroys a warehouse", "hospital hires nurses",
              "museum shows old maps", "market moves to the square", "team wins the county cup"]
    words = ("residents officials morning evening police mayor workers families students "
             "volunteers weather traffic money plans weekend project report meeting").split()
    documents = []
    for i in range(count):
        town, event = towns[i % len(towns)], events[(i // len(towns)) % len(events)]
        filler = " ".join(rng.sample(words, 8))
        body = (f"{town} {event}.\n\nIn {town} on day {i}, {event}, said {filler}. "
                f"The {rng.choice(words)} and the {rng.choice(words)} were there.")
        documents.append(RawDocument(origin=f"generated:{i}", body=body,
                                     hints={"title": f"{town}: {event}", "date": "2024-05-01"}))
    return documents


def test_online_weighs_early_tfidf_vectors_again_as_the_corpus_grows(tmp_path):
    from storyline.cluster import unpack
    from storyline.cluster.sparse import SparseSum
    from storyline.storybuilder import _unpack_sparse

    docs = _generated_reports(80)
    first = docs[0].content_hash
    with Engine(db=str(tmp_path / "grown.db"), batch_size=16, cards=False) as engine:
        engine.ingest_documents(docs[:16])
        early = _unpack_sparse(engine.store.features([first])[first].lexical)
    # a new process: the first 16 are read from the store, the others from memory
    with Engine(db=str(tmp_path / "grown.db"), batch_size=16, cards=False) as engine:
        engine.ingest_documents(docs[16:])  # the corpus passes 64 articles: weighed again
        store, builder = engine.store, engine.story_builder
        article = store.article(first)
        terms = builder.vectorizer.terms(article.title, article.text, article.language)
        stored, documents = store.df_load(terms)
        assert documents == 80
        late = _unpack_sparse(store.features([first])[first].lexical)
        assert late != early
        now = builder.vectorizer.vector_from_terms(terms, builder._frequencies_of(terms), "en").to_dict()
        assert late.keys() == now.keys()
        assert all(late[t] == pytest.approx(now[t], abs=1e-6) for t in now)
        # each story's lexical, name and rare-name sums are the sums of its members' stored vectors
        rows = store.features(d.content_hash for d in docs)
        states = store.story_states()
        for story_id, members in store.story_members(list(states)).items():
            for field in ("lexical", "names", "rare"):
                summed = SparseSum.of({})
                for member in members:
                    summed = summed.plus(SparseSum.of(_unpack_sparse(getattr(rows[member], field))))
                kept = getattr(unpack(story_id, states[story_id].state), field)
                assert np.array_equal(kept.ids, summed.ids)
                assert np.allclose(kept.weights, summed.weights, atol=1e-5)


def test_a_reweighing_cut_off_by_a_kill_is_made_up_after_a_restart(tmp_path, monkeypatch):
    from storyline.storybuilder import StoryBuilder, _unpack_sparse

    docs = _generated_reports(72)
    first = docs[0].content_hash
    db = str(tmp_path / "killed.db")

    def killed(self):
        raise KeyboardInterrupt  # the process dies after saving the batch that crossed 64

    with monkeypatch.context() as patch:
        patch.setattr(StoryBuilder, "_reweigh", killed)
        with pytest.raises(KeyboardInterrupt):
            with Engine(db=db, batch_size=16, cards=False) as engine:
                engine.ingest_documents(docs[:70])
    with Engine(db=db, batch_size=16, cards=False) as engine:
        store = engine.store
        assert store.reweighed_at() == 0
        early = _unpack_sparse(store.features([first])[first].lexical)
        engine.ingest_documents(docs[70:])
        assert store.reweighed_at() == store.df_load([])[1] == 72
        assert _unpack_sparse(store.features([first])[first].lexical) != early
        engine.ingest_documents(docs[:1])  # the same article again: no new re-weighing
        assert store.reweighed_at() == 72


def test_a_negative_background_says_which_setting(tmp_path):
    from storyline.errors import SettingsError

    with Engine(db=str(tmp_path / "bad.db"), background_documents=-1, cards=False) as engine:
        with pytest.raises(SettingsError, match="background_documents.*0 or more"):
            engine.ingest_documents(_generated_reports(2))


def _reports_with_rare_and_common_names(count: int) -> list[RawDocument]:
    """Reports from ten made-up towns (each named by a few of them: rare names) in one
    county that every report names (a common name)."""
    towns = ["Ashcombe", "Brackley", "Calloway", "Drumlin", "Elsworth", "Fenwick", "Gorsedale",
             "Hollins", "Ingleby", "Jarrow"]
    events = ["a barn fire", "a bridge repair", "a school fair", "a water main break"]
    return [RawDocument(origin=f"rare:{i}", hints={"title": f"{towns[i % 10]} reports {events[i // 10 % 4]}",
                                                   "date": f"2024-05-{1 + i % 28:02d}"},
                        body=f"Officials in {towns[i % 10]}, Riverton County, said on day {i} that "
                             f"{events[i // 10 % 4]} kept crews busy. Riverton County sent help.")
            for i in range(count)]


def test_a_rare_name_is_rare_in_share_and_in_count_whatever_the_archive_size(tmp_path):
    """A name counts as rare when fewer than one article in 50 and fewer than 20 articles
    hold it: in a large archive a name 30 articles carry (a whole topic's) is not rare
    though its share is small, and in a small one a name 10 articles carry is not rare
    though its count is."""
    from storyline.embed.frequencies import DocumentFrequencies
    from storyline.storybuilder import RARE_NAME_ARTICLES, _hashed_id

    with Engine(db=str(tmp_path / "rare.db"), cards=False) as engine:
        builder = engine.story_builder
        vectorizer = builder.vectorizer

        def rare_words(documents: int, held: dict[str, int]) -> set[str]:
            counts = np.zeros(vectorizer.dimension, dtype=np.int64)
            for word, count in held.items():
                counts[vectorizer.term_id(word)] = count
            frequencies = DocumentFrequencies(vectorizer.dimension, documents, counts)
            _, rare = builder._name_vectors(frozenset(held), frequencies, "en")
            return {word for word in held if _hashed_id(word) in rare}

        assert RARE_NAME_ARTICLES == 20
        large = {"quillbeck": 3, "zorvathen": 30}  # shares 0.06% and 0.6% of 5,000
        assert rare_words(5000, large) == {"quillbeck"}
        small = {"quillbeck": 3, "zorvathen": 10}  # 10 of 40 articles: a quarter of them
        assert rare_words(40, small) == {"quillbeck"}
        assert rare_words(5000, small) == {"quillbeck", "zorvathen"}


def test_a_store_filled_before_rare_names_were_kept_gets_them_when_read(tmp_path, monkeypatch):
    """Features stored before m007_rare_names have no rare names (NULL) and story states
    no sums of them: both are found from the articles when read, and the stories stay."""
    import sqlite3

    from storyline.cluster import pack, state, unpack
    from storyline.cluster.sparse import SparseSum
    from storyline.storybuilder import _hashed_id, _unpack_sparse

    docs = _reports_with_rare_and_common_names(40)
    db = tmp_path / "old.db"
    with Engine(db=str(db), cards=False) as engine:
        engine.ingest_documents(docs)
        before = engine.store.story_of(d.content_hash for d in docs)
        states = engine.store.story_states()
    with monkeypatch.context() as patch:  # what the previous version stored
        patch.setattr(state, "_SPARSE", ("lexical", "names", "numbers"))
        old_states = {k: pack(unpack(k, r.state)) for k, r in states.items()}
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE features SET rare = NULL")
        conn.executemany("UPDATE stories SET state = ? WHERE story_id = ?",
                         [(blob, k) for k, blob in old_states.items()])
    assert all(unpack(k, blob).rare is state.MISSING_RARE for k, blob in old_states.items())

    with Engine(db=str(db), cards=False) as engine:
        store = engine.store
        stories = engine.story_builder._online_clusterer().stories
        rows = store.features(d.content_hash for d in docs)
        assert all(row.rare is not None for row in rows.values())
        first = _unpack_sparse(rows[docs[0].content_hash].rare)
        assert _hashed_id("ashcombe") in first and _hashed_id("riverton") not in first
        for story_id, members in store.story_members(list(stories)).items():
            summed = SparseSum.of({})
            for member in members:
                summed = summed.plus(SparseSum.of(_unpack_sparse(rows[member].rare)))
            assert stories[story_id].rare == summed and len(summed)
        engine.cluster()
        assert _partition(store.story_of(d.content_hash for d in docs)) == _partition(before)


def _partition(story_of: dict[str, str]) -> list[list[str]]:
    groups: dict[str, list[str]] = {}
    for article, story in story_of.items():
        groups.setdefault(story, []).append(article)
    return sorted(sorted(g) for g in groups.values())


def test_an_outlets_own_name_in_its_pages_is_no_shared_rare_name(tmp_path):
    """Two pages of one station on different stories both name it ("officials told KZZT
    News"; its call sign is rare in the archive): that must not tie them. Another outlet's report that names the
    station as part of its story keeps the name."""
    from storyline.storybuilder import _hashed_id, _unpack_sparse

    def page(i: int, url: str, body: str) -> RawDocument:
        return RawDocument(origin=f"kzzt:{i}", body=body, hints={"url": url, "date": "2024-05-02"})

    docs = [page(0, "https://www.kzzt.com/story/1", "A barn fire in Ashcombe kept crews busy all "
                 "night, officials told KZZT News."),
            page(1, "https://www.kzzt.com/story/2", "A water main broke in Brackley on Thursday, "
                 "the city told KZZT News."),
            page(2, "https://harbour-gazette.example/3", "Reporters from KZZT were turned away from "
                 "the Ashcombe barn fire, officials said.")]
    with Engine(db=str(tmp_path / "chrome.db"), cards=False) as engine:
        engine.ingest_documents(docs)
        rows = engine.store.features(d.content_hash for d in docs)
    with Engine(db=str(tmp_path / "chrome.db"), cards=False) as engine:  # as another process
        engine.story_builder._reweigh()  # reads the names again from the stored articles
        reweighed = engine.store.features(d.content_hash for d in docs)
    kzzt = _hashed_id("kzzt")
    for found in (rows, reweighed):
        rare = [set(_unpack_sparse(found[d.content_hash].rare)) for d in docs]
        assert kzzt not in rare[0] and kzzt not in rare[1] and kzzt in rare[2]
        assert _hashed_id("ashcombe") in rare[0] and _hashed_id("ashcombe") in rare[2]


_PAYWALL = "Already a subscriber?\n\nLog in to keep reading, or subscribe for unlimited access."


def _paywalled(title: str, date: str, outlet: str) -> RawDocument:
    return RawDocument(origin=f"paywall/{outlet}/{title[:20]}", body=_PAYWALL,
                       hints={"title": title, "date": date, "outlet": outlet, "lang": "en"})


def test_a_paywalled_page_follows_the_story_its_headline_matches(tmp_path):
    """Pages with a headline over a paywall are headline-only articles: each follows the
    story its headline matches (online and batch alike), one that matches none stands
    alone, and the same paywall text makes no two of them copies of each other."""
    pages = [_paywalled("Sierra Calva wildfire forces 1,200 residents from their homes",
                        "2024-06-16", "Valley Courier"),
             _paywalled("Adlerburg completes record signing of Ibarrola from Valmora",
                        "2024-06-23", "Valley Courier"),
             _paywalled("Valley Courier names new editor of its weekend gardening pages",
                        "2024-06-20", "Valley Courier")]
    docs = _demo_documents()
    events = {d.content_hash: _gold_event(d)[0] for d in docs}
    for mode in ("online", "batch"):
        with Engine(db=str(tmp_path / f"{mode}.db"), cluster=mode == "online") as engine:
            report = engine.ingest_documents([*docs, *pages])
            if mode == "batch":
                engine.cluster()
            assert report.added == len(docs) + len(pages) and not report.rejected
            stored = [engine.article(p.content_hash) for p in pages]
            assert all(a.headline_only and a.text == "" for a in stored)
            assert engine.store.features([p.content_hash for p in pages])[pages[0].content_hash].headline_only
            assert engine.stats()["headline_only"] == len(pages)  # counted by storyline stats
            story_of = engine.store.story_of([*events, *(p.content_hash for p in pages)])
            members = {}
            for article_id, story in story_of.items():
                members.setdefault(story, set()).add(events.get(article_id, article_id))
            wildfire, transfer, garden = (members[story_of[p.content_hash]] for p in pages)
            assert wildfire == {"sierra-calva-wildfire", pages[0].content_hash}, mode
            assert transfer == {"ibarrola-transfer", pages[1].content_hash}, mode
            assert garden == {pages[2].content_hash}, mode
            assert not engine.store.duplicate_links([p.content_hash for p in pages])
            card = engine.card(story_of[pages[0].content_hash])  # a card with an empty body in it
            assert pages[0].content_hash in card.article_ids
            assert "Valley Courier" in {o.outlet for o in card.coverage.outlets}
            again = engine.ingest_documents(pages)
            assert again.added == 0 and again.already_stored == len(pages)
    from fastapi.testclient import TestClient

    from storyline.serve.app import create_app

    with TestClient(create_app({"db": str(tmp_path / "online.db")})) as client:
        shown = client.get(f"/api/v1/articles/{pages[0].content_hash}").json()
        assert shown["headline_only"] is True and shown["text"] == ""
        assert "Headline only" in client.get(f"/articles/{pages[0].content_hash}").text
        assert "headline only" in client.get(f"/stories/{shown['story_id']}").text
        members = client.get(f"/api/v1/stories/{shown['story_id']}").json()["members"]
        assert {m["id"]: m["headline_only"] for m in members}[pages[0].content_hash] is True
        assert sum(m["headline_only"] for m in members) == 1


def test_a_title_alone_follows_its_own_event_in_every_language_or_stands_alone(tmp_path):
    """Each demo article's title taken alone (its body dropped: a headline-only article)
    beside the demo's articles, batch clustered: none joins another event's story, and most
    follow their own, in English and in the other languages alike (29 of 39 with the bundled
    headline model, 13 with the article pairs' model; benchmarks/stories/demo_titles.py)."""
    from storyline.eval import title_alone

    docs = _demo_documents()
    with Engine(db=str(tmp_path / "titles.db"), cluster=False, cards=False) as engine:
        engine.ingest_documents(docs)
        event, titles, alone = {}, {}, []
        for doc in docs:
            article = engine.store.article(doc.content_hash)
            if article is None:  # a record the demo holds twice
                continue
            event[article.article_id] = _gold_event(doc)[0]
            title = title_alone(doc, article.title)
            titles[title.content_hash] = (event[article.article_id], article.language)
            alone.append(title)
        engine.ingest_documents(alone)  # titles under four words are rejected, not headlines
        titles = {key: found for key, found in titles.items() if engine.store.article(key) is not None}
        assert len(titles) == 39 and all(engine.article(key).headline_only for key in titles)
        engine.cluster()
        story_of = engine.store.story_of([*event, *titles])
    events_in: dict[str, set[str]] = {}
    for article_id, own in event.items():
        events_in.setdefault(story_of[article_id], set()).add(own)
    followed = {key: events_in.get(story_of[key], set()) for key in titles}
    assert all(joined in (set(), {own}) for key, joined in followed.items() for own in [titles[key][0]])
    for english in (True, False):
        mine = [key for key, (_, language) in titles.items() if (language == "en") is english]
        assert sum(bool(followed[key]) for key in mine) >= 0.6 * len(mine), english


def test_headline_only_articles_leave_the_other_articles_features_as_they_are(tmp_path):
    """A title is not a document: headline-only articles are not counted in the document
    frequencies, so the TF-IDF and rare-name vectors of the articles they may follow are
    those the articles would have without them."""
    docs = _demo_documents()
    pages = [_paywalled(f"Valley Courier report number {n} on the Drevnogorsk bridge collapse",
                        "2024-06-12", "Valley Courier") for n in range(5)]
    found = []
    for name, stream in (("without", docs), ("with", [*pages, *docs])):
        with Engine(db=str(tmp_path / f"{name}.db"), cluster=False) as engine:
            engine.ingest_documents(stream)
            engine.cluster()
            found.append(engine.store.features(d.content_hash for d in docs))
    assert found[0].keys() == found[1].keys()
    for key, row in found[0].items():
        other = found[1][key]
        assert (row.lexical, row.names, row.numbers, row.rare) == (other.lexical, other.names,
                                                                  other.numbers, other.rare)
        # the encoder's batches differ, and so may the last bits of an embedding
        assert np.allclose(np.frombuffer(row.dense, "<f4"), np.frombuffer(other.dense, "<f4"), atol=1e-5)


def _report(key: str, date: str, title: str, body: str) -> RawDocument:
    return RawDocument(origin=f"recall:{key}", body=body,
                       hints={"title": title, "date": date, "outlet": f"Outlet {key}", "lang": "en"})


#: Two look-alike shootings in one town six weeks apart, and an arrest two months after the
#: second, written twice: once naming the day of the first shooting, once of the second.
_PARK = _report("park", "2024-03-05", "Two men wounded in shooting at Kellerman Park",
                "ASHVALE - Two men were wounded Monday night in a shooting near the basketball "
                "courts of Kellerman Park, police said. Officers found the men, aged 22 and 25, "
                "with gunshot wounds to the legs. Both were taken to Ashvale General Hospital. "
                "The park's lights had been out for a week, neighbours said.")
_STORE = _report("store", "2024-04-16", "Teenager shot outside Ashvale convenience store",
                 "ASHVALE - A 17-year-old was shot Monday evening outside a convenience store on "
                 "Larch Street, police said. The teenager was driven to St. Brigid's Medical "
                 "Center by a friend and is in stable condition. The shooter fled on foot; the "
                 "store's owner said the boy had come in to buy a soda.")


def _arrest(day: str) -> RawDocument:
    return _report(f"arrest-{day}", "2024-06-12", "Suspect arrested in Ashvale shooting",
                   f"ASHVALE - Police on Tuesday arrested a 24-year-old man in connection with "
                   f"the {day} shooting, Ashvale police said. He is held at the county jail and "
                   f"faces charges of aggravated assault. His bail hearing is set for Friday.")


def test_a_follow_up_joins_the_story_of_the_day_it_names(tmp_path):
    """An arrest reported months later that names the day of the shooting ("the March 4
    shooting") joins that shooting's story, not a look-alike one of another day; naming
    no day, it joins neither. The day is stored with the article's features."""
    from storyline.storybuilder import _unpack_days, day_of

    for mode in ("online", "batch"):
        for named, home in (("March 4", _PARK), ("April 15", _STORE), ("spring", None)):
            arrest = _arrest(named)
            with Engine(db=str(tmp_path / f"{mode}-{named}.db"), cluster=mode == "online", cards=False) as engine:
                engine.ingest_documents([_PARK, _STORE, arrest])
                if mode == "batch":
                    engine.cluster()
                story_of = engine.store.story_of(d.content_hash for d in (_PARK, _STORE, arrest))
                recalled = _unpack_days(engine.store.features([arrest.content_hash])[arrest.content_hash].recalled)
            assert len(set(story_of.values())) == (3 if home is None else 2), (mode, named)
            if home is not None:
                assert day_of(home.hints["date"]) in recalled, named
                assert story_of[arrest.content_hash] == story_of[home.content_hash], (mode, named)
            else:
                assert recalled == ()


def test_a_story_says_why_each_article_is_in_it(tmp_path):
    """``Engine.member_fits`` (``storyline story ID --why``): the arrest that names the day
    of the park shooting fits the shooting's story above the bar, its closest article is
    the shooting's report, and the recall signal says why; a story of one has no fits."""
    from click.testing import CliRunner

    from storyline.cli import cli

    arrest = _arrest("March 4")
    db = str(tmp_path / "why.db")
    with Engine(db=db, cards=False) as engine:
        engine.ingest_documents([_PARK, _STORE, arrest])
        story_of = engine.store.story_of(d.content_hash for d in (_PARK, _STORE, arrest))
        fits = {f.article_id: f for f in engine.member_fits(story_of[arrest.content_hash][:8])}
        assert engine.member_fits(story_of[_STORE.content_hash]) == []
    assert set(fits) == {arrest.content_hash, _PARK.content_hash}
    why = fits[arrest.content_hash]
    assert why.clears_the_bar and why.probability > 0.5
    assert [a for a, _ in why.closest] == [_PARK.content_hash]
    assert why.signals["recalls"] == 1.0 and why.signals["same_language"] == 1.0
    shown = CliRunner().invoke(cli, ["story", story_of[arrest.content_hash], "--db", db, "--why"])
    assert shown.exit_code == 0, shown.output
    assert f"fits the rest {why.probability:.0%}; closest: {_PARK.content_hash[:12]}" in shown.output
    alone = CliRunner().invoke(cli, ["story", story_of[_STORE.content_hash], "--db", db, "--why", "--json"])
    assert json.loads(alone.output)["articles"][0]["fit"] is None
    alone = CliRunner().invoke(cli, ["story", story_of[_STORE.content_hash], "--db", db, "--why"])
    assert "no fits: a story of one article" in alone.output and "fits the rest" not in alone.output


def test_a_store_filled_before_recalled_days_were_kept_gets_them_when_read(tmp_path):
    """Features stored before m009_recalled_days have no recalled days (NULL) and story
    states no sums of them: both are found from the articles when read."""
    import sqlite3

    from storyline.cluster import pack, state, unpack
    from storyline.storybuilder import _unpack_days

    docs = [_PARK, _STORE, _arrest("March 4")]
    db = tmp_path / "old.db"
    with Engine(db=str(db), cards=False) as engine:
        engine.ingest_documents(docs)
        before = engine.store.story_of(d.content_hash for d in docs)
        rows = engine.store.features(d.content_hash for d in docs)
        states = engine.store.story_states()
    old_states = {}
    for key, row in states.items():  # what the previous version stored
        story = unpack(key, row.state)
        story.recalled = state.MISSING_RECALLED
        old_states[key] = pack(story)
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE features SET recalled = NULL")
        conn.executemany("UPDATE stories SET state = ? WHERE story_id = ?",
                         [(blob, k) for k, blob in old_states.items()])

    with Engine(db=str(db), cards=False) as engine:
        # explaining a story is a read (the API's readers call it): it stores nothing
        fits = engine.member_fits(before[docs[2].content_hash])
        assert fits and all(row.recalled is None for row in engine.store.features(
            d.content_hash for d in docs).values())
        assert next(f for f in fits if f.article_id == docs[2].content_hash).signals["recalls"] == 1.0
        stories = engine.story_builder._online_clusterer().stories
        found = engine.store.features(d.content_hash for d in docs)
        assert {k: row.recalled for k, row in found.items()} == {k: row.recalled for k, row in rows.items()}
        assert _unpack_days(found[docs[2].content_hash].recalled)
        arrest_story = stories[before[docs[2].content_hash]]
        assert arrest_story.recalled == dict.fromkeys(_unpack_days(found[docs[2].content_hash].recalled), 1)
        engine.cluster()
        assert _partition(engine.store.story_of(d.content_hash for d in docs)) == _partition(before)


def test_the_days_an_article_recalls_are_past_days_written_with_their_number():
    """A follow-up's recalled days: a day written with its number at least four days
    before the article's date, give or take one; this week's weekdays, months, years and
    future days are not, nor is anything for an undated article or a headline alone."""
    from storyline.storybuilder import _recalled_of
    from storyline.types import Article

    def days(text: str, published: str | None = "2024-06-12", body: str = "x") -> list[str]:
        article = Article("a", "o", body, body, title="t", published=published, language="en")
        return [(date(1970, 1, 1) + timedelta(days=d)).isoformat() for d in _recalled_of(article, text)]

    assert days("Charged in the March 4 shooting.") == ["2024-03-03", "2024-03-04", "2024-03-05"]
    assert days("He was arrested on 3 June 2024.") == ["2024-06-02", "2024-06-03", "2024-06-04"]
    assert days("Shot on Monday; arrested on June 10.") == []  # this week's
    assert days("The shooting last March, in 2023; the trial on July 1.") == []  # a month, a year, ahead
    assert days("Charged in the March 4 shooting.", published=None) == []
    assert days("Charged in the March 4 shooting.", body="") == []  # headline only
