"""The representation stage: dense embeddings, lexical vectors, names and numbers."""

from __future__ import annotations

import json
import pickle
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.embed import (DocumentFrequencies, Embedder, LexicalVectorizer, NullEmbedder,
                             SparseVector, UniversalSentenceEncoder, article_text_for_embedding,
                             centroid, consonant_skeleton, cosine, key_overlap, name_keys,
                             name_overlap, names, numbers, to_latin, tokenize)

ENGLISH = "The central bank raised interest rates by half a percentage point on Tuesday."
SPANISH = "El banco central subió los tipos de interés medio punto porcentual el martes."
UNRELATED = "The striker scored twice as the home team won the cup final in extra time."


# ---- dense embeddings ----------------------------------------------------------------

@pytest.fixture(scope="module")
def encoder() -> UniversalSentenceEncoder:
    """One real model for the module: loading it takes a few seconds."""
    return UniversalSentenceEncoder(threads=1)


@pytest.fixture(scope="module")
def fixture_vectors(encoder) -> np.ndarray:
    return encoder.embed([ENGLISH, SPANISH, UNRELATED])


def test_use_translation_scores_far_above_an_unrelated_sentence(fixture_vectors):
    english, spanish, unrelated = fixture_vectors
    assert float(english @ spanish) > 0.7
    assert float(english @ unrelated) < 0.4
    assert float(english @ spanish) - float(english @ unrelated) > 0.4


def test_use_vectors_are_unit_length_float32(encoder, fixture_vectors):
    assert fixture_vectors.shape == (3, encoder.dimension) == (3, 512)
    assert fixture_vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(fixture_vectors, axis=1), 1.0, atol=1e-5)


def test_use_loads_its_model_once_and_not_before_use(encoder, fixture_vectors):
    fresh = UniversalSentenceEncoder(threads=1)
    assert fresh._model is None  # constructing must stay cheap
    model = encoder._model
    encoder.embed(["again"])
    assert encoder._model is model


def test_use_pickles_without_its_model(encoder, fixture_vectors):
    copy = pickle.loads(pickle.dumps(encoder))
    assert copy._model is None and copy.threads == encoder.threads


def test_embedding_in_batches_gives_the_same_vectors(encoder, fixture_vectors):
    small_batches = UniversalSentenceEncoder(threads=1, batch_size=1)
    small_batches._model = encoder._model  # share the loaded weights, not a stand-in
    np.testing.assert_allclose(small_batches.embed([ENGLISH, SPANISH, UNRELATED]),
                               fixture_vectors, atol=1e-5)


def test_blank_texts_get_zero_vectors(encoder):
    vectors = encoder.embed(["", "   ", ENGLISH])
    assert not vectors[:2].any()
    assert np.linalg.norm(vectors[2]) == pytest.approx(1.0, abs=1e-5)


def test_threads_must_be_positive():
    with pytest.raises(ValueError, match="threads"):
        UniversalSentenceEncoder(threads=0)


def test_null_embedder_gives_zero_vectors_of_its_dimension():
    vectors = NullEmbedder(dimension=8).embed(["a", "b", "c"])
    assert vectors.shape == (3, 8) and vectors.dtype == np.float32
    assert not vectors.any()
    assert NullEmbedder(4).embed([]).shape == (0, 4)


class _CountingEmbedder(Embedder):
    """A real (if tiny) embedder: letter counts. Checks what the base class supplies."""

    batch_size = 2

    def __init__(self):
        self.batches: list[int] = []

    def embed_batch(self, texts):
        self.batches.append(len(texts))
        return np.array([[t.count("a"), t.count("b"), 1.0] for t in texts])


def test_base_class_batches_normalises_and_probes_the_dimension():
    embedder = _CountingEmbedder()
    vectors = embedder.embed(["aab", "b", "ab", "aaaa", "bb"])
    assert embedder.dimension == 3
    assert embedder.batches[1:] == [2, 2, 1]  # after the one-text dimension probe
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-6)
    assert vectors.dtype == np.float32


def test_base_class_rejects_a_wrong_shape():
    class Broken(_CountingEmbedder):
        dimension = 3

        def embed_batch(self, texts):
            return np.zeros((len(texts) + 1, 3))

    with pytest.raises(ValueError, match="returned shape"):
        Broken().embed(["x"])


# ---- the text that is embedded --------------------------------------------------------

def test_text_for_embedding_cuts_at_a_sentence_end():
    body = "First sentence here. Second sentence is longer than the window allows."
    assert article_text_for_embedding("Title", body, 40) == "Title\n\nFirst sentence here."


def test_text_for_embedding_falls_back_to_a_word_boundary():
    body = "one two three four five six seven eight nine ten"
    text = article_text_for_embedding(None, body, 17)
    assert text == "one two three"
    assert body.startswith(text) and len(text) <= 17


def test_text_for_embedding_keeps_a_short_body_and_skips_a_repeated_title():
    assert article_text_for_embedding("Rain", "Rain\nIt rained.", 100) == "Rain\n\nIt rained."
    assert article_text_for_embedding("", "It rained.", 100) == "It rained."


@given(st.text(alphabet="ab .\n", max_size=200), st.integers(min_value=1, max_value=80))
def test_text_for_embedding_never_exceeds_the_window_or_splits_a_word(body, max_chars):
    lead = article_text_for_embedding(None, body, max_chars)
    flat = " ".join(body.split())
    assert len(lead) <= max_chars
    assert flat.startswith(lead)
    first_word = flat.split(" ")[0]
    if len(first_word) <= max_chars:  # else one over-long word must be cut somewhere
        assert flat[len(lead):len(lead) + 1] in ("", " ")


# ---- lexical vectors ------------------------------------------------------------------

CORPUS = [
    ("Airbus wins Qatar order", "Airbus has won an order for sixty A350 jets from Qatar Airways."),
    ("Storm hits coast", "A storm brought heavy rain and flooding to the northern coast."),
    ("Earnings fall", "The carmaker reported that quarterly earnings fell by a third."),
]


@pytest.fixture
def lexical():
    vectorizer = LexicalVectorizer()
    terms = [vectorizer.terms(title, text, "en") for title, text in CORPUS]
    frequencies = vectorizer.new_frequencies().updated(t.keys() for t in terms)
    return vectorizer, frequencies, [vectorizer.vector_from_terms(t, frequencies) for t in terms]


def test_tfidf_cosine_with_itself_is_one_and_with_unrelated_text_is_low(lexical):
    _, _, (airbus, storm, earnings) = lexical
    assert cosine(airbus, airbus) == pytest.approx(1.0, abs=1e-6)
    assert cosine(airbus, storm) < 0.05 and cosine(storm, earnings) < 0.05


def test_tfidf_finds_a_rewrite_of_the_same_report(lexical):
    vectorizer, frequencies, (airbus, storm, _) = lexical
    rewrite = vectorizer.vector("Qatar Airways orders A350s",
                                "Qatar Airways ordered sixty Airbus A350 jets.", frequencies, "en")
    assert cosine(rewrite, airbus) > 0.4 > cosine(rewrite, storm)


def test_title_weight_makes_title_terms_weigh_more():
    light, heavy = LexicalVectorizer(title_weight=1.0), LexicalVectorizer(title_weight=3.0)
    term = light.term_id("qatar")
    assert heavy.terms("Qatar", "qatar airbus")[term] == 4.0
    assert light.terms("Qatar", "qatar airbus")[term] == 2.0


def test_tokenize_folds_case_accents_and_scripts_and_drops_stopwords():
    assert tokenize("L'avion d'Airbus a coûté 4,25 millions", "fr") == [
        "avion", "airbus", "coute", "4,25", "millions"]
    assert tokenize("Путин и Москва") == ["putin", "moskva"]
    assert tokenize("北京大学") == ["北京", "京大", "大学"]


def test_stopwords_depend_on_the_language():
    # German "war" (was) is a stopword; English "war" is the story
    assert "war" not in tokenize("Es war kalt", "de")
    assert "war" in tokenize("The war ended", "en")


def test_vectorizer_and_frequencies_must_share_a_dimension():
    with pytest.raises(ValueError, match="dimension"):
        LexicalVectorizer(dimension=1024).vector("a", "text", DocumentFrequencies(2048))


def test_centroid_is_unit_length_and_close_to_its_members(lexical):
    _, _, (airbus, storm, earnings) = lexical
    middle = centroid([airbus, storm])
    assert middle.norm() == pytest.approx(1.0, abs=1e-6)
    assert cosine(middle, airbus) > 0.5 and cosine(middle, earnings) < 0.1


def test_sparse_vector_round_trips_through_bytes(lexical):
    _, _, (airbus, _, _) = lexical
    assert SparseVector.from_bytes(airbus.to_bytes()) == airbus
    assert cosine(SparseVector.empty(), airbus) == 0.0


# ---- background frequencies ------------------------------------------------------------

def test_background_shares_know_common_words_from_rare_ones():
    from storyline.embed.background import document_shares

    shares = document_shares("en", 2**18)
    share = {w: float(shares[LexicalVectorizer().term_id(w)]) for w in ("people", "year", "qatar")}
    assert share["people"] > 0.3 and share["year"] > 0.1
    assert share["qatar"] < share["year"] / 20
    russian = document_shares("ru", 2**18)  # tokens folded to Latin, as articles' are
    assert russian[LexicalVectorizer().term_id(tokenize("сказал", "ru")[0])] > 0.05
    assert document_shares("xx", 2**18) is None and document_shares(None, 2**18) is None


def test_background_weighs_a_fresh_store_like_a_grown_one():
    # the first article of a store: without a background every term weighs the same
    plain, background = LexicalVectorizer(), LexicalVectorizer(background_documents=300)
    empty = plain.new_frequencies()
    title, text = "Qatar people", "Qatar people want jets."
    people, qatar = plain.term_id("people"), plain.term_id("qatar")
    alone = plain.vector(title, text, empty, "en").to_dict()
    helped = background.vector(title, text, empty, "en").to_dict()
    assert alone[people] == pytest.approx(alone[qatar])
    assert helped[qatar] > 1.5 * helped[people]  # "people" is common in any English text
    # a language without background frequencies: the corpus alone, as before
    assert background.vector(title, text, empty, "xx") == plain.vector(title, text, empty, "xx")
    with pytest.raises(ValueError, match="background_documents"):
        LexicalVectorizer(background_documents=-1)


def test_a_grown_corpus_outweighs_the_background():
    from storyline.embed.background import document_shares

    people = LexicalVectorizer().term_id("people")
    share = document_shares("en", 2**18)[[people]]
    fresh = DocumentFrequencies(2**18)
    # no articles yet: the background alone says "people" is common
    assert fresh.idf(np.array([people]), 300, share)[0] < 0.5 * fresh.idf(np.array([people]), 300, [0.0])[0]
    # 100,000 articles, 1% of which say "people" (a subject of its own): the corpus decides
    counts = np.zeros(2**18, dtype=np.int64)
    counts[people] = 1000
    grown = DocumentFrequencies(2**18, 100_000, counts)
    corpus_alone = grown.idf(np.array([people]))[0]
    assert grown.idf(np.array([people]), 300, share)[0] == pytest.approx(corpus_alone, rel=0.05)


# ---- document frequencies -------------------------------------------------------------

DIMENSION = 64
term_sets = st.lists(st.sets(st.integers(min_value=0, max_value=DIMENSION - 1), max_size=10),
                     max_size=8)


def _frequencies(documents) -> DocumentFrequencies:
    return DocumentFrequencies(DIMENSION).updated(documents)


@settings(max_examples=50, deadline=None)
@given(term_sets)
def test_document_frequencies_round_trip_through_bytes_and_json(documents):
    frequencies = _frequencies(documents)
    assert DocumentFrequencies.from_bytes(frequencies.to_bytes()) == frequencies
    assert DocumentFrequencies.from_json(frequencies.to_json()) == frequencies
    assert frequencies.documents == len(documents)


@settings(max_examples=50, deadline=None)
@given(term_sets, term_sets, term_sets)
def test_document_frequencies_merge_associatively_and_like_one_count(a, b, c):
    fa, fb, fc = _frequencies(a), _frequencies(b), _frequencies(c)
    assert (fa + fb) + fc == fa + (fb + fc)
    assert fa + fb == fb + fa
    assert fa + fb == _frequencies(a + b)


def test_document_frequencies_are_not_changed_by_an_update():
    empty = DocumentFrequencies(DIMENSION)
    updated = empty.updated([[1, 2], [2]])
    assert empty.documents == 0 and not empty.counts.any()
    assert updated.counts[2] == 2 and updated.counts[1] == 1
    assert updated.idf(np.array([2]))[0] < updated.idf(np.array([1]))[0]


def test_document_frequencies_reject_bad_input():
    with pytest.raises(ValueError, match="another dimension"):
        DocumentFrequencies(DIMENSION).updated([[DIMENSION]])
    with pytest.raises(ValueError, match="to_bytes"):
        DocumentFrequencies.from_bytes(b"not frequencies")
    with pytest.raises(ValueError, match="same vectorizer"):
        DocumentFrequencies(8) + DocumentFrequencies(16)


# ---- names and numbers ----------------------------------------------------------------

@pytest.mark.parametrize("spellings", [
    ["Putin", "Poutine", "Путин", "Путина"],
    ["Zelensky", "Zelenskyy", "Selenskyj", "Зеленский", "Зеленського"],
    ["Moscow", "Moskau", "Moscú", "Mosca", "Москва"],
    ["Gorbachev", "Gorbatschow", "Gorbaciov", "Горбачёв"],
    ["Tsipras", "Τσίπρας"],
])
def test_spellings_of_one_name_overlap(spellings):
    found = [names(f"Reports say {spelling} spoke.") for spelling in spellings]
    for other in found[1:]:
        assert name_overlap(found[0], other) > 0, (found[0], other)


def test_different_names_do_not_overlap():
    assert name_overlap(names("Reports say Merkel spoke."), names("Reports say Putin spoke.")) == 0.0


def test_rare_name_keys_meet_across_spellings_once_and_alike_twice():
    from storyline.embed import rare_name_keys

    english, german, russian = (rare_name_keys(names(text)) for text in (
        "Talks in Tarvonia", "Gespräche in Tarvonien", "Переговоры в Тарвонии"))
    assert english & german == english & russian == {"~trf", "~trfn"}  # by sound only
    assert english & rare_name_keys(["tarvonia"]) == english  # by spelling and by sound
    assert rare_name_keys(["rome"]) == {"rome"}  # its sound, "~rm", would meet "Rimini" and "Ramos"


def test_weighted_name_keys_are_the_name_keys_with_each_word_s_weight():
    from storyline.embed import weighted_name_keys

    found = names("Jeremy Mardis died in Marksville, the Louisiana State Police said of the "
                  "shooting. Vladimir Putin and the Bank of America were not involved.")
    rarity = {"marksville": 9.0, "mardis": 8.0}
    weighted = weighted_name_keys(found, lambda word: rarity.get(word, 1.0))
    assert weighted.keys() == name_keys(found)
    assert weighted["marksville"] == 9.0 and weighted["putin"] == 1.0
    assert weighted["~mrts"] == 8.0  # a word's sound keys weigh what the word weighs


def test_transliteration_and_skeletons():
    assert to_latin("Владимир Путин") == "vladimir putin"
    assert to_latin("Τσίπρας") == "tsipras"
    assert consonant_skeleton("zelenskiy") == consonant_skeleton("selenskyj") == "slnsk"


def test_names_skips_function_words_and_sentence_initial_common_words():
    found = names("The talks ended. Officials said Angela Merkel met officials of the "
                  "Bank of America in Berlin on Monday.")
    assert found == {"angela merkel", "bank of america", "berlin"}


def test_names_are_folded_keys_and_skip_numbers():
    assert names("Airbus A350 orders rose to 240 in Zürich.") >= {"airbus a350", "zurich"}
    assert not any(name[0].isdigit() for name in names("In 2023, 240 jets flew."))


@given(st.lists(st.sampled_from(["Putin", "Moskau", "Airbus", "Boeing", "Berlin", "Obama",
                                 "EADS", "Москва", "Zelensky"]), max_size=5),
       st.lists(st.sampled_from(["Poutine", "Moscow", "Airbus", "Chrysler", "Obama",
                                 "Зеленский", "Qatar"]), max_size=5))
def test_name_overlap_is_symmetric_and_bounded(a, b):
    names_a, names_b = names(". ".join(a)), names(". ".join(b))
    assert name_overlap(names_a, names_b) == name_overlap(names_b, names_a)
    assert 0.0 <= name_overlap(names_a, names_b) <= 1.0
    if names_a:
        assert name_overlap(names_a, names_a) == 1.0


def test_numbers_read_separators_by_language():
    assert numbers("It cost $1,000 and 4.25 percent in 2008.") == {"1000", "4.25", "2008"}
    assert numbers("Costó 1.000 dólares y 4,25 por ciento en 2008.") == {"1000", "4.25", "2008"}
    assert numbers("1\u00a0200\u00a0000 le 01.03.2008, 3 personnes") == {"1200000", "2008"}


def test_key_overlap_on_precomputed_keys_equals_name_overlap():
    a = names("Talks: Barack Obama met Vladimir Putin in Moscow.")
    b = names("Conversaciones en Moscú: el presidente Obama se reunió con Putin.")
    assert key_overlap(name_keys(a), name_keys(b)) == name_overlap(a, b) > 0.5


def test_sparse_vector_to_dense_keeps_the_cosine(lexical):
    _, _, (airbus, storm, _) = lexical
    small = LexicalVectorizer(dimension=2**12)
    a = small.vector("Airbus", "Airbus order for jets", small.new_frequencies())
    b = small.vector("Airbus", "Airbus jets order", small.new_frequencies())
    assert float(a.to_dense(2**12) @ b.to_dense(2**12)) == pytest.approx(cosine(a, b), abs=1e-6)


# ---- on real articles (read from ../shared/data at run time) -------------------------

MEANTIME = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "meantime" / "docs.jsonl"


def test_names_of_translations_overlap_more_than_names_of_other_stories():
    if not MEANTIME.is_file():
        pytest.skip(f"evaluation data not found at {MEANTIME}")
    stories: dict[str, dict[str, str]] = {}
    for line in MEANTIME.read_text(encoding="utf-8").splitlines():
        doc = json.loads(line)
        stories.setdefault(doc["cluster_id"], {})[doc["lang"]] = doc["title"] + "\n" + doc["text"]
    found = [{lang: names(text) for lang, text in story.items()} for story in list(stories.values())[:20]]
    same = [name_overlap(story["en"], story[lang]) for story in found for lang in ("es", "it", "nl")]
    other = [name_overlap(story["en"], found[(i + 1) % len(found)][lang])
             for i, story in enumerate(found) for lang in ("es", "it", "nl")]
    assert np.mean(same) > 0.6 and np.mean(other) < 0.3, (np.mean(same), np.mean(other))


# ---- names(): the fast rewrite finds what the reference finds -----------------------------

TRICKY_NAMES = [
    "",
    "\n\n",
    "the end.",
    "The talks ended. Officials said Angela Merkel met officials of the Bank of America.",
    "George W. Bush met Mr. Sugar and Dr. No in St. Louis on Monday, March 3.",
    "Ursula von der Leyen, Charles de Gaulle and Rio de Janeiro; not A380 de Airbus.",
    "CEO van Ford spoke to the Airport Express di Apple team. US and IT firms agreed.",
    "Northrop Grumman won. Boeing lost.\nBOEING WINS BIG CONTRACT\nA Very Long Title Case "
    "Heading About Something Important Happening Somewhere Else Today",
    "eBay and iPhone sellers met ÉLYSÉE staff in Zürich, Москва and Αθήνα: Путин spoke.",
    "Officials said officials would meet. Officials met.",
    "Bank of\nAmerica. The bank of England's O'Neill and Jean-Luc Picard-Smith met.",
    "«Citation» — Le Président de la République, M. Macron, a parlé à l'ONU… Vraiment?",
    "ǅemal Bijedić met ǈubica in Sarajevo.\u2028New line\u2029And another\x0bhere.",
    "Der Bundeskanzler sprach mit der Presse über die Lage in der Ukraine und in Kiew.",
    "1,000 people in 2023 met 3M and 7-Eleven. A B C D E F G H.",
    "Rep. Smith, Sen. Jones and Gov. Brown; Prof. X. Y. Zed; Lt. Col. Capt. Hook.",
    "São Paulo - Banco do Brasil e Caixa Econômica Federal anunciaram.",
    "Mr\u00a0Smith and Mrs\u00a0-\u00a0Jones met at the O’Hare airport.",
    "UPPER CASE LINE OF SHOUTING WORDS HERE\nlower case line of words that follow it",
    "_under_score_ Names_With_Underscores and Dots.In.Middle met Q.",
]

_NAME_PIECES = ["Angela", "Merkel", "Bank", "of", "America", "de", "la", "von", "der", "van",
                "The", "the", "said", "Officials", "officials", "US", "IT", "NATO", "eBay",
                "Monday", "March", "Mr", "Dr", "W", "St", "Zürich", "Москва", "Путин", "ǅemal",
                "A380", "2023", "Über", "über", "Jean", "Luc", "O", "Neill", "i", "I", "É"]
_NAME_GAPS = [" ", " ", " ", ". ", ", ", "-", "'", "’", " - ", ".", "\n", ": ", " (", ") ",
              "\u00a0", "; ", " — ", "!", "…", " \n\n"]


@pytest.mark.parametrize("text", TRICKY_NAMES)
def test_names_find_what_the_reference_implementation_finds(text):
    import names_reference

    assert names(text) == names_reference.names(text)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_NAME_PIECES), st.sampled_from(_NAME_GAPS)),
                max_size=40))
def test_names_match_the_reference_on_generated_texts(pieces):
    import names_reference

    text = "".join(word + gap for word, gap in pieces)
    assert names(text) == names_reference.names(text)


# ---- the embedding worker process --------------------------------------------------------

def test_the_embedding_worker_gives_the_vectors_computed_in_process(encoder):
    from storyline.embed.worker import EmbeddingWorker

    texts = [ENGLISH, SPANISH, UNRELATED] * 30 + ["", "  "]
    worker = EmbeddingWorker(UniversalSentenceEncoder(threads=1), min_texts=2)
    try:
        first = worker.submit(texts)
        second = worker.submit(texts[:5])  # queued behind the first
        small = worker.submit(texts[:1])  # below min_texts: embedded in process
        assert worker._process is not None
        # waiting for the second keeps the answer to the first for its own result()
        assert second.result().tobytes() == encoder.embed(texts[:5]).tobytes()
        assert first.result().tobytes() == encoder.embed(texts).tobytes()
        assert small.result().tobytes() == encoder.embed(texts[:1]).tobytes()
        assert first.seconds > 0
    finally:
        worker.close()
    assert worker._process is None


def test_a_caller_waiting_on_a_long_request_embeds_the_chunks_the_worker_has_not_started(encoder):
    from storyline.embed.worker import EmbeddingWorker

    texts = [f"{text} {i}" for i, text in enumerate([ENGLISH, SPANISH, UNRELATED] * 20)]
    texts[5:5] = ["", "  "]  # blank texts are not the encoder's: chunks count the others
    in_batches_of_two = UniversalSentenceEncoder(threads=1, batch_size=2)
    worker = EmbeddingWorker(UniversalSentenceEncoder(threads=1, batch_size=2), min_texts=2,
                             shared_from=8, chunk_batches=2)
    try:
        pending = worker.submit(texts)  # 15 chunks; the worker first loads its model
        chunks = list(pending._chunks)
        assert len(chunks) == 15 and all(c.sent for c in chunks)
        assert [len(c.texts) for c in chunks] == [4, 6] + [4] * 13
        vectors = pending.result()
        # the same vectors, bit for bit, as embedding all at once in batches of two
        assert vectors.tobytes() == in_batches_of_two.embed(texts).tobytes()
        assert vectors.tobytes() != encoder.embed(texts).tobytes()  # (batches matter)
        taken = [c.taken for c in chunks]
        assert taken[-1] and not taken[0]  # the caller from the end, the worker from the start
        assert taken == sorted(taken)  # one cut between the two
        # the answers to the chunks the caller took were read: the next request lines up
        assert worker.submit(texts[:3]).result().tobytes() == in_batches_of_two.embed(texts[:3]).tobytes()
    finally:
        worker.close()


def test_a_long_request_larger_than_the_pipes_is_answered_in_full():
    """Its chunks fill the request pipe and their answers the reply pipe while the caller
    reads nothing: the worker must go on reading (its answers queue up) or both stop."""
    import threading

    from storyline.embed.worker import EmbeddingWorker

    embedder = NullEmbedder(dimension=512)
    embedder.in_worker = True  # an instance attribute: pickled, so the worker's copy has it
    texts = [f"{i} " + "x" * 600 for i in range(4000)]  # 2.4 MB of texts, 8 MB of vectors
    worker = EmbeddingWorker(embedder)
    done: list[np.ndarray] = []

    def run() -> None:
        pending = worker.submit(texts)
        time.sleep(0.5)  # the caller's own work: the worker's answers pile up meanwhile
        done.append(pending.result())

    thread = threading.Thread(target=run, daemon=True)
    try:
        thread.start()
        thread.join(timeout=60)
        assert done and done[0].shape == (4000, 512)
        assert worker._process is not None and worker._process.poll() is None  # no fallback
    finally:
        worker.close()


def test_a_worker_killed_during_a_long_request_leaves_the_rest_to_the_caller(encoder, caplog):
    from storyline.embed.worker import EmbeddingWorker

    texts = [f"{text} {i}" for i, text in enumerate([ENGLISH, SPANISH, UNRELATED] * 12)]
    worker = EmbeddingWorker(UniversalSentenceEncoder(threads=1, batch_size=2), min_texts=2,
                             shared_from=8, chunk_batches=2)
    try:
        worker.submit(texts[:2]).result()  # the worker is up, its model loaded
        pending = worker.submit(texts)
        worker._process.kill()
        worker._process.wait()
        reference = UniversalSentenceEncoder(threads=1, batch_size=2).embed(texts)
        assert pending.result().tobytes() == reference.tobytes()
        assert worker.submit(texts).result().tobytes() == reference.tobytes()  # in process now
    finally:
        worker.close()
    assert "embedding in process" in caplog.text


class _Unpicklable(NullEmbedder):
    in_worker = True

    def __init__(self):
        super().__init__(dimension=8)
        self.hook = lambda: None  # a lambda does not pickle


def test_an_embedder_that_does_not_pickle_is_run_in_process(caplog):
    from storyline.embed.worker import EmbeddingWorker

    worker = EmbeddingWorker(_Unpicklable(), min_texts=1)
    try:
        assert worker.submit(["a", "b"]).result().shape == (2, 8)
        assert worker.submit(["c"]).result().shape == (1, 8)
    finally:
        worker.close()
    assert "embedding in process" in caplog.text


def test_a_worker_that_dies_is_replaced_by_embedding_in_process(encoder, caplog):
    from storyline.embed.worker import EmbeddingWorker

    worker = EmbeddingWorker(UniversalSentenceEncoder(threads=1), min_texts=1)
    try:
        worker.submit(["warm up"]).result()
        worker._process.kill()
        worker._process.wait()
        assert worker.submit([ENGLISH]).result().tobytes() == encoder.embed([ENGLISH]).tobytes()
    finally:
        worker.close()
    assert "embedding in process" in caplog.text
