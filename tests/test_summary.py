"""Multi-source extractive summary: count, no repeats, sources, reader's language."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from storyline.cards.claims import article_claims
from storyline.cards.inputs import CardArticle
from storyline.cards.summary import REPEAT, SummarySentence, summarize
from storyline.embed.dense import UniversalSentenceEncoder
from storyline.enrich.sentences import split_sentences

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "claims"


@pytest.fixture(scope="module")
def encoder():
    return UniversalSentenceEncoder()


def story(name: str) -> list[CardArticle]:
    data = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    return [CardArticle(**a) for a in data["articles"]]


def sentences_of(articles):
    return {a.article_id: split_sentences(a.text, a.language) for a in articles}


def test_default_is_five_distinct_sentences_each_with_its_sources(encoder):
    articles = story("disputed_flood.json") + story("agreeing_rate.json")
    summary = summarize(articles, sentences_of(articles), embedder=encoder)
    assert len(summary) == 5
    vectors = encoder.embed([s.text for s in summary])
    similarity = vectors @ vectors.T
    np.fill_diagonal(similarity, 0)
    assert similarity.max() < REPEAT
    texts = {a.article_id: a.text for a in articles}
    for s in summary:
        assert isinstance(s, SummarySentence) and s.sources[0] == s.article_id
        assert texts[s.article_id][s.start:s.end] == s.text
        assert set(s.as_dict()) >= {"text", "article_id", "language", "sources"}


def test_a_sentence_several_outlets_state_lists_them_all(encoder):
    articles = story("agreeing_rate.json")
    summary = summarize(articles, sentences_of(articles), count=2, embedder=encoder)
    rate = next(s for s in summary if "rate" in s.text.lower() or "Leitzins" in s.text)
    assert {"rate-en-1", "rate-de-1", "rate-en-2"} <= set(rate.sources)


def test_reader_language_is_preferred_when_it_says_the_same(encoder):
    articles = story("agreeing_rate.json")
    german = summarize(articles, sentences_of(articles), count=2, language="de",
                       embedder=encoder)
    assert german and all(s.language == "de" for s in german)
    english = summarize(articles, sentences_of(articles), count=2, language="en",
                        embedder=encoder)
    assert all(s.language == "en" for s in english)


def test_cached_claim_vectors_stand_in_for_the_encoder(encoder):
    articles = story("disputed_flood.json")
    sentences = sentences_of(articles)
    claims = {a.article_id: article_claims(a, sentences[a.article_id], embedder=encoder)
              for a in articles}
    cached = summarize(articles, sentences, count=3, claims=claims)
    direct = summarize(articles, sentences, count=3, embedder=encoder)
    assert len(cached) == 3
    # the two may quote different outlets for one fact: compare meanings, not strings
    similarity = encoder.embed([s.text for s in cached]) @ encoder.embed(
        [s.text for s in direct]).T
    assert (similarity.max(axis=1) >= 0.62).sum() >= 2


def test_without_any_model_a_summary_is_still_made():
    articles = story("disputed_flood.json")
    summary = summarize(articles, sentences_of(articles), count=3, embedder=None)
    assert len(summary) == 3 and len({s.text for s in summary}) == 3


def test_empty_story_and_bad_count():
    assert summarize([CardArticle("a", "")], {"a": []}) == []
    with pytest.raises(ValueError, match="count"):
        summarize([], {}, count=0)


def test_one_fact_worded_two_ways_is_said_once_with_both_sources():
    """An invented visit: two outlets say "first trip abroad since being sworn in" and
    "first foreign trip since his re-election" in sentences that differ otherwise."""
    articles = [
        CardArticle("visit-1", "President Arvo Lind will visit Marovia on Thursday, his office "
                    "said, in his first trip abroad since being sworn in for a second term.\n\n"
                    "Lind will meet Prime Minister Eda Kask in the capital, Tallor.\n\n"
                    "The two governments are expected to sign a treaty on river shipping.",
                    "en", published="2025-04-08"),
        CardArticle("visit-2", "It will be the president's first foreign trip since his "
                    "re-election in March, the foreign ministry said.\n\n"
                    "Farmers' unions plan a protest outside the parliament on Friday.\n\n"
                    "Talks will also cover a planned bridge over the Vessa.",
                    "en", published="2025-04-08"),
    ]
    summary = summarize(articles, sentences_of(articles), count=5)
    first_trip = [s for s in summary if "first" in s.text]
    assert len(first_trip) == 1, [s.text for s in summary]
    assert set(first_trip[0].sources) == {"visit-1", "visit-2"}
