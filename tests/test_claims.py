"""Claims: extraction, alignment across sources and languages, disagreements.

Uses the real multilingual sentence encoder, invented fixture stories
(tests/fixtures/claims/), the demo corpus's planted disagreements and, when present, the
two seed reports in ../shared/seeds.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storyline import Engine
from storyline.cards.claims import ClaimCandidate, align_claims, article_claims
from storyline.cards.inputs import CardArticle
from storyline.embed.dense import UniversalSentenceEncoder
from storyline.enrich.sentences import split_sentences

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "claims"
DEMO = ROOT / "storyline" / "demo_corpus"
SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.fixture(scope="module")
def encoder():
    return UniversalSentenceEncoder()


def fixture_story(name: str) -> tuple[list[CardArticle], dict]:
    data = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    return [CardArticle(**a) for a in data["articles"]], data


def report_for(articles, encoder, **options) -> dict:
    claims = {a.article_id: article_claims(a, split_sentences(a.text, a.language),
                                           embedder=encoder) for a in articles}
    return align_claims(articles, claims, **options).as_dict()


def story_articles(engine: Engine, story) -> list[CardArticle]:
    copy_of = {member: group[0] for group in story.duplicate_groups for member in group}
    out = []
    for article_id in story.article_ids:
        a = engine.article(article_id)
        out.append(CardArticle(a.article_id, a.text, a.language, a.title, a.subtitle, a.outlet,
                               a.published, a.url, tuple(a.wire_agencies),
                               copy_of.get(article_id, "")))
    return out


def side_articles(disagreement: dict) -> list[set[str]]:
    return [{s["article_id"] for s in side["sources"]} for side in disagreement["sides"]]


# --- fixture stories -------------------------------------------------------------------


@pytest.mark.parametrize("name", ["disputed_flood.json", "disputed_blast.json"])
def test_every_planted_difference_is_reported_with_both_sides(encoder, name):
    articles, data = fixture_story(name)
    report = report_for(articles, encoder)
    assert len(report["disagreements"]) == len(data["expected_disagreements"]), report[
        "disagreements"]
    for expected in data["expected_disagreements"]:
        found = [d for d in report["disagreements"] if d["aspect"] == expected["aspect"]]
        assert len(found) == 1, (expected, report["disagreements"])
        sides = side_articles(found[0])
        for wanted in expected["articles"]:
            assert any(set(wanted) <= side for side in sides), (wanted, sides)
        assert found[0]["why"]
        for side in found[0]["sides"]:
            assert side["independent_sources"] >= 1 and side["sources"][0]["sentence"]


def test_date_values_are_resolved_days(encoder):
    articles, _ = fixture_story("disputed_flood.json")
    report = report_for(articles, encoder)
    (dates,) = [d for d in report["disagreements"] if d["aspect"] == "date"]
    assert sorted(side["value"] for side in dates["sides"]) == ["2025-03-03", "2025-03-04"]


def test_a_story_whose_outlets_agree_reports_no_disagreement(encoder):
    articles, _ = fixture_story("agreeing_rate.json")
    report = report_for(articles, encoder)
    assert report["disagreements"] == [] and report["updates"] == []
    assert report["claims"], "three outlets stating the same facts must give shared claims"


def test_wire_copies_count_once(encoder):
    articles, _ = fixture_story("agreeing_rate.json")
    report = report_for(articles, encoder)
    rate = next(c for c in report["claims"] if "3.5" in c["text"] or "3,5" in c["text"])
    assert {s["article_id"] for s in rate["sources"]} == {"rate-en-1", "rate-de-1", "rate-en-2"}
    assert rate["independent_sources"] == 2
    assert "alike" in rate["why"]


def test_reader_language_picks_the_wording(encoder):
    articles, _ = fixture_story("agreeing_rate.json")
    report = report_for(articles, encoder, language="de")
    rate = next(c for c in report["claims"] if "rate-de-1" in
                {s["article_id"] for s in c["sources"]} and c["independent_sources"] == 2)
    assert rate["language"] == "de"


def test_by_default_the_shared_encoder_aligns_across_languages():
    articles, _ = fixture_story("agreeing_rate.json")
    claims = {a.article_id: article_claims(a, split_sentences(a.text, a.language))
              for a in articles}
    assert all(c.vector is not None for found in claims.values() for c in found)
    report = align_claims(articles, claims).as_dict()
    assert any({s["language"] for s in c["sources"]} == {"en", "de"} for c in report["claims"])


def test_candidates_round_trip_through_json(encoder):
    articles, _ = fixture_story("disputed_flood.json")
    article = articles[0]
    candidates = article_claims(article, split_sentences(article.text, "en"), embedder=encoder)
    assert candidates[0].field == "title"
    restored = [ClaimCandidate.from_dict(json.loads(json.dumps(c.to_dict())))
                for c in candidates]
    assert restored == candidates  # vectors are not part of equality...
    for before, after in zip(candidates, restored):  # ...so compare them apart
        assert float(before.vector @ after.vector) > 0.999
    assert any(q.value == 9 for c in restored for q in c.quantities)
    body = [c for c in candidates if c.field == "text"]
    assert all(article.text[c.start:c.end] == c.text for c in body)


def test_without_an_encoder_same_language_claims_still_align():
    articles, _ = fixture_story("disputed_flood.json")
    english = [a for a in articles if a.language == "en"]
    claims = {a.article_id: article_claims(a, split_sentences(a.text, a.language),
                                           embedder=None) for a in english}
    report = align_claims(english, claims, embedder=None).as_dict()
    assert any("600" in c["text"] and c["independent_sources"] == 2 for c in report["claims"])


def test_empty_and_sentence_less_articles_give_an_empty_report():
    articles = [CardArticle("a", ""), CardArticle("b", "Too short.")]
    claims = {a.article_id: article_claims(a, split_sentences(a.text, None), embedder=None)
              for a in articles}
    assert align_claims(articles, claims, embedder=None).as_dict() == {
        "claims": [], "single_source": [], "disagreements": [], "updates": []}


# --- demo corpus: the disagreements planted between its outlets ------------------------


@pytest.fixture(scope="module")
def demo_reports(tmp_path_factory, encoder):
    db = tmp_path_factory.mktemp("demo") / "demo.db"
    with Engine(db=str(db)) as engine:
        engine.ingest([str(DEMO / "articles")])
        stories = [story_articles(engine, s) for s in engine.stories()]
    return [(arts, report_for(arts, encoder)) for arts in stories]


def _sentences_of(disagreement: dict, side: int) -> str:
    return " ".join(s["sentence"] for s in disagreement["sides"][side]["sources"])


@pytest.mark.parametrize("kind,aspect", [("number", "quantity"), ("date", "date"),
                                         ("who said", "attribution")])
def test_demo_gold_disagreements_are_found(demo_reports, kind, aspect):
    gold = json.loads((DEMO / "gold.json").read_text(encoding="utf-8"))
    for planted in (d for d in gold["disagreements"] if d["kind"] == kind):
        phrases = [list(claim["evidence"].values()) for claim in planted["claims"]]
        reported = [d for _, report in demo_reports for d in report["disagreements"]
                    if d["aspect"] == aspect]
        assert any(_covers(d, phrases) for d in reported), (planted["id"], reported)


def _covers(disagreement: dict, phrases: list[list[str]]) -> bool:
    """At least two of the gold values are each found on a different side."""
    sides = [_sentences_of(disagreement, i) for i in range(len(disagreement["sides"]))]
    hits = {i for i, value_phrases in enumerate(phrases)
            for side in sides if any(p in side for p in value_phrases)}
    return len(hits) >= 2


def test_demo_agreements_are_never_reported_as_disagreements(demo_reports):
    gold = json.loads((DEMO / "gold.json").read_text(encoding="utf-8"))
    agreed = [p for agreement in gold["agreements"] for p in agreement["evidence"].values()]
    for _, report in demo_reports:
        for d in report["disagreements"]:
            values_with_agreed = [i for i in range(len(d["sides"]))
                                  if any(p in _sentences_of(d, i) for p in agreed)]
            assert len(values_with_agreed) < 2, d


def test_demo_rate_cut_story_has_no_disagreement(demo_reports):
    rate = [r for arts, r in demo_reports if any("4.25" in a.text for a in arts)]
    assert rate and all(r["disagreements"] == [] for r in rate)


def test_demo_burned_area_is_an_update_not_a_conflict(demo_reports):
    hectares = [d for _, r in demo_reports for d in r["disagreements"]
                if "(ha)" in d["slot"]]
    assert hectares == []
    updates = [u for _, r in demo_reports for u in r["updates"] if "(ha)" in u["slot"]]
    assert updates and all(side["first_published"] for side in updates[0]["sides"])


# --- the seeds (acceptance) ----------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_articles(tmp_path_factory):
    if not SEEDS.is_dir():
        pytest.skip(f"seed articles not found at {SEEDS}")
    db = tmp_path_factory.mktemp("seeds") / "seeds.db"
    with Engine(db=str(db)) as engine:
        engine.ingest([str(SEEDS)])
        (story,) = engine.stories()
        return story_articles(engine, story)


@pytest.fixture(scope="module")
def seed_report(seed_articles, encoder):
    return report_for(seed_articles, encoder)


def _texts(records) -> list[str]:
    return [" ".join(s["sentence"] for s in r["sources"]) for r in records]


@pytest.mark.parametrize("words", [("second", "six months"), ("first", "trip"),
                                   ("joint statement",)])
def test_seed_claims_backed_by_both_outlets(seed_report, words):
    both = [t for t, c in zip(_texts(seed_report["claims"]), seed_report["claims"])
            if c["independent_sources"] == 2 and len(c["sources"]) == 2]
    assert any(all(w in t for w in words) for t in both), both


@pytest.mark.parametrize("words", [("240 billion",), ("Harbin",)])
def test_seed_claims_from_one_outlet_only(seed_report, words):
    assert any(all(w in t for w in words) for t in _texts(seed_report["single_source"]))
    assert not any(all(w in t for w in words) for t in _texts(seed_report["claims"]))


def test_seeds_show_no_disagreement(seed_report):
    assert seed_report["disagreements"] == []


# --- what real pages carry: page furniture, ages, numbers of other things -----------------


def test_publication_stamps_and_web_addresses_are_not_claims():
    text = ("Tuesday, August 7, 2012\n\nPublished: Sunday, 2/22/2015 - Updated: 9 months ago\n\n"
            "http: / / www. example. org / 2012 / 08 / 08 / fire /\n\n"
            "A fire destroyed the old dairy warehouse on Tuesday, August 7, 2012.")
    article = CardArticle("page", text, "en", published="2012-08-08")
    claims = article_claims(article, split_sentences(text, "en"), embedder=None)
    assert [c.text for c in claims] == [
        "A fire destroyed the old dairy warehouse on Tuesday, August 7, 2012"]


def test_a_fate_word_goes_to_the_nearest_number():
    from storyline.cards.claims_compare import quantity_slot

    text = "One man was killed and four others were hurt when two gunmen opened fire."
    (candidate,) = article_claims(CardArticle("a", text, "en"), split_sentences(text, "en"),
                                  embedder=None)
    slots = {q.text: quantity_slot(candidate, q) for q in candidate.quantities}
    assert slots["four"].fate == "injured"
    assert slots["two"] is None  # a bare number with no fate of its own counts nothing


def test_seed_summary_states_the_first_trip_abroad_once(seed_articles, encoder):
    from storyline.cards.summary import summarize

    sentences = {a.article_id: split_sentences(a.text, a.language) for a in seed_articles}
    summary = summarize(seed_articles, sentences, embedder=encoder)
    first_trip = [s.text for s in summary if "first trip abroad" in s.text
                  or "first foreign trip" in s.text]
    assert len(first_trip) == 1, [s.text for s in summary]


def test_seed_claims_are_statements_not_opening_fragments(seed_report):
    texts = [c["text"] for c in seed_report["claims"] + seed_report["single_source"]]
    for fragment in ("At the invitation of President Xi Jinping",
                     "Just days before the invasion was launched"):
        assert fragment not in texts
