"""Story cards: the seeds acceptance, dates that differ between outlets, headline, coverage."""

from __future__ import annotations

from pathlib import Path

import pytest

from storyline import Engine
from storyline.cards.analysis import analyse_article, anchor_of
from storyline.cards.build import build_card
from storyline.cards.coverage import coverage
from storyline.cards.headline import choose_headline, clean_title
from storyline.cards.inputs import CardArticle
from storyline.cards.markdown import card_markdown
from storyline.cards.model import StoryCard

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason=f"seed articles not found at {SEEDS}")


@pytest.fixture(scope="module")
def seed_card(tmp_path_factory):
    db = tmp_path_factory.mktemp("cards") / "seeds.db"
    with Engine(db=str(db)) as engine:
        engine.ingest([str(SEEDS)])
        (story,) = engine.stories()
        yield engine.card(story.story_id)


def names(entities):
    return {e.name: e for e in entities}


@needs_seeds
def test_seed_card_dates_places_people_organisations(seed_card):
    first = seed_card.dates[0]
    assert (first.first, first.last) == ("2024-05-16", "2024-05-17")
    assert first.independent == 2 and len(seed_card.dates) == 1  # no disagreement invented
    assert {"Beijing", "Harbin"} <= set(names(seed_card.places))
    people = names(seed_card.people)
    assert {"Vladimir Putin", "Xi Jinping", "Hua Chunying", "Wang Wenbin"} <= set(people)
    assert "ministry spokeswoman" in people["Hua Chunying"].roles
    assert "spokesman" in people["Wang Wenbin"].roles
    assert "Putin" in people["Vladimir Putin"].variants  # the short form merged in
    assert list(people)[0] == "Vladimir Putin"  # the most salient person
    organisations = {n.lower() for n in names(seed_card.organisations)}
    assert {"kremlin", "chinese foreign ministry"} <= organisations


@needs_seeds
def test_seed_card_coverage_and_headline(seed_card):
    assert seed_card.coverage.articles == 2 and seed_card.coverage.independent_reports == 2
    assert "The Moscow Times" in [o.outlet for o in seed_card.coverage.outlets]
    assert seed_card.coverage.first_published == "2024-05-14"
    assert seed_card.headline == "Russian President will visit China on Thursday and Friday"
    assert StoryCard.from_dict(seed_card.as_dict()) == seed_card  # the stored form round-trips


def article(article_id, text, language, outlet, published="2024-06-17", title=None, group=""):
    return CardArticle(article_id=article_id, text=text, language=language, title=title,
                       outlet=outlet, published=published, copy_group=group or article_id)


GENEVA = [
    article("a", "Foreign ministers of Castelia and Velesia will meet in Geneva on June 18 and 19, "
            "the Castelian foreign ministry said on Monday.", "en", "Harbour Post",
            title="Castelia and Velesia to hold talks in Geneva"),
    article("b", "Los cancilleres de Castelia y Velesia se reunirán en Ginebra los días 18 y 19 "
            "de junio, según el ministerio castelano.", "es", "El Diario",
            title="Castelia y Velesia negociarán en Ginebra"),
    article("c", "Встреча министров начнётся в среду, 19 июня, в Женеве, заявил официальный "
            "представитель МИД Велесии Антон Дубровин.", "ru", "Вестник",
            title="Министры встретятся в Женеве"),
]


def card_of(articles, **options):
    analyses = {a.article_id: analyse_article(a, anchor_of(a, None)) for a in articles}
    return build_card("s-test", articles, analyses, **options)[0]


def test_outlets_giving_different_dates_are_both_shown_with_their_sources():
    card = card_of(GENEVA)
    main, other = card.dates
    assert (main.first, main.last, main.independent) == ("2024-06-18", "2024-06-19", 2)
    assert set(main.outlets) == {"Harbour Post", "El Diario"}
    assert (other.first, other.last, other.outlets) == ("2024-06-19", "2024-06-19", ("Вестник",))
    assert "19 июня" in " ".join(other.texts)


def test_outlets_that_agree_give_one_date():
    card = card_of(GENEVA[:2])
    assert len(card.dates) == 1 and card.dates[0].article_ids == ("a", "b")


def test_headline_in_the_readers_language_and_entities_across_languages():
    assert card_of(GENEVA, language="es").headline == "Castelia y Velesia negociarán en Ginebra"
    card = card_of(GENEVA, language="en")
    assert card.headline == "Castelia and Velesia to hold talks in Geneva"
    person = names(card.people)["Антон Дубровин"]
    assert person.languages == ("ru",) and person.roles


def test_headline_skips_questions_prefixes_and_outlet_names():
    candidates = [
        article("q", "x", "en", "Daily", title="Will the talks in Geneva fail?"),
        article("l", "x", "en", "Daily", title="LIVE: Ministers meet in Geneva for talks - Daily"),
    ]
    headline, source = choose_headline(candidates)
    assert headline == "Ministers meet in Geneva for talks" and source.article_id == "l"
    assert clean_title("Talks open in Geneva | Harbour Post", {"harbour post"}) == "Talks open in Geneva"


def test_coverage_counts_wire_copies_once_and_buckets_by_hour():
    wire = "Ministers met in Geneva."
    members = [
        article("w1", wire, "en", "Harbour Post", "2024-06-18T09:10:00", group="w1"),
        article("w2", wire, "en", "Coast Times", "2024-06-18T09:40:00", group="w1"),
        article("x", "Los ministros se reunieron.", "es", "El Diario", "2024-06-18T11:05:00"),
    ]
    found = coverage(members)
    assert found.articles == 3 and found.independent_reports == 2
    assert found.bucket == "hour"
    assert [(b.start, b.articles) for b in found.timeline] == [("2024-06-18T09:00", 2), ("2024-06-18T11:00", 1)]
    assert [o.outlet for o in found.outlets] == ["Harbour Post", "Coast Times", "El Diario"]
    assert found.languages == {"en": 2, "es": 1}


def test_a_story_of_empty_and_undated_articles_still_gets_a_card():
    card = card_of([article("e", "", None, None, published=None)])
    assert card.headline == "" and card.dates == () and card.coverage.articles == 1


def test_one_kremlin_and_one_xi_across_four_languages():
    articles = [
        article("en", "The Kremlin said Xi Jinping will host Vladimir Putin.", "en", "Post"),
        article("es", "Según el Kremlin, Xi Jinping recibirá a Vladimir Putin.", "es", "Diario"),
        article("de", "Der Kreml teilte mit, Xi Jinping empfange Putin. Ein Sprecher des Kremls "
                "sagte nichts.", "de", "Blatt"),
        article("ru", "Кремль сообщил, что Си Цзиньпин примет Владимира Путина. Си сказал.", "ru",
                "Вестник"),
    ]
    card = card_of(articles)
    kremlin = [e for e in card.organisations if e.key.startswith("kreml")]
    assert len(kremlin) == 1 and set(kremlin[0].languages) == {"en", "es", "de", "ru"}
    xi = names(card.people)["Xi Jinping"]
    assert set(xi.languages) == {"en", "es", "de", "ru"} and "Си" in xi.variants


def test_a_range_and_the_day_it_starts_on_agree_and_the_range_is_shown():
    card = card_of([
        article("r", "The talks will be held on Wednesday and Thursday, June 19 and 20.", "en", "Post"),
        article("w1", "The talks will open on Wednesday in Geneva.", "en", "Desk"),
        article("w2", "Las conversaciones comenzarán el miércoles.", "es", "Diario"),
    ])
    assert len(card.dates) == 1
    assert (card.dates[0].first, card.dates[0].last, card.dates[0].independent) == ("2024-06-19", "2024-06-20", 3)


def test_one_place_across_languages_and_outlets_left_out():
    card = card_of([
        article("en", "Ministers met in Geneva on Monday, Marek Holm told reporters. Sign up for "
                "Quay Courier headlines.", "en", "Quay Courier"),
        article("es", "Los ministros se reunieron en Ginebra. Hazte socio de El Eco de Marvia.",
                "es", "El Eco de Marvia"),
        article("de", "Die Minister trafen sich in Genf, sagte Marek Holm.", "de", "Abendblatt"),
        article("ru", "Министры встретились в Женеве.", "ru", "Вестник"),
    ])
    geneva = names(card.places)["Geneva"]
    assert geneva.key == "geneva" and set(geneva.languages) == {"en", "es", "de", "ru"}
    assert not any("Quay Courier" in e.name or "Eco de Marvia" in e.name for e in card.entities)


def mention(text, kind, start=0, *, model=True, cue=None, role=None):
    from storyline.enrich.entities import Mention, entity_key

    return Mention(start, start + len(text), text, kind, entity_key(text), role, model, cue)


def entities_of(mentions_by_article):
    from storyline.cards.analysis import ArticleAnalysis
    from storyline.cards.who import story_entities

    articles = [article(a, "x", "en", f"Outlet {a}") for a in mentions_by_article]
    analyses = {a: ArticleAnalysis(a, None, (), tuple(found), ())
                for a, found in mentions_by_article.items()}
    return {e.name: e for e in story_entities(articles, analyses)}


def test_demonyms_acronyms_and_unsupported_one_word_people():
    found = entities_of({
        "a": [mention("Ostravian", "person"), mention("Ostravia", "person", 20),
              mention("MPA", "person", 40), mention("Velmor", "person", 50),
              mention("Teodor Vank", "person", 60), mention("Vank", "organisation", 80)],
        "b": [mention("Ostravia", "place", cue="in"), mention("Holm", "person", 20, cue="said")],
    })
    assert "Ostravian" not in found and found["Ostravia"].kind == "place"  # an adjective, its country
    assert found["MPA"].kind == "organisation"  # an acronym is never a person
    assert "Velmor" not in found  # a one-word "person" nothing supports
    assert found["Holm"].kind == "person"  # a verb of saying supports it
    assert found["Teodor Vank"].mentions == 2  # the surname joins, whatever a model called it


def test_names_that_sound_alike_across_languages_are_one_person():
    card = card_of([
        article("en", "Governor Arkady Rostov said the toll rose.", "en", "Post"),
        article("de", "Gouverneur Arkadi Rostow sagte, die Zahl steige.", "de", "Blatt"),
        article("ru", "Губернатор Аркадий Ростов заявил, что число жертв выросло. Ростов "
                "добавил, что работы идут.", "ru", "Вестник"),
    ])
    (rostov,) = [e for e in card.people if "ostov" in e.key or "ostow" in e.key]
    assert set(rostov.languages) == {"en", "de", "ru"} and rostov.articles == 3


def test_the_report_day_is_not_an_event_date_when_the_event_was_the_evening_before():
    card = card_of([
        article("de", "Die Brücke war am Montagabend eingestürzt, wie das Ministerium am Dienstag "
                "mitteilte.", "de", "Blatt", published="2024-06-11T12:30:00+02:00"),
        article("en", "The bridge collapsed on Monday evening, officials said on Tuesday.", "en",
                "Post", published="2024-06-11"),
    ])
    assert [(d.first, d.independent) for d in card.dates] == [("2024-06-10", 2)]


def test_coverage_orders_by_instant_and_shows_what_is_missing():
    members = [
        article("a", "x", "en", "Harbour Post", "2024-06-22T15:10:00+00:00"),
        article("b", "x", "de", "Blatt", "2024-06-22T16:45:00+02:00"),  # 14:45 UTC: first
        article("c", "x", "en", "Ledger", "2024-06-22T19:30:00+01:00"),
        article("d", "x", "es", None, "2024-06-22T18:00:00+00:00"),
        article("e", "x", "en", "Coast Times", None),
    ]
    found = coverage(members)
    assert [o.outlet for o in found.outlets] == ["Blatt", "Harbour Post", "Ledger", "Coast Times", None]
    assert found.first_published == "2024-06-22T16:45:00+02:00"
    assert found.last_published == "2024-06-22T19:30:00+01:00" and found.undated == 1
    assert [(b.start, b.articles, b.unknown_outlet) for b in found.timeline] == [
        ("2024-06-22T14:00", 1, 0), ("2024-06-22T15:00", 1, 0), ("2024-06-22T18:00", 2, 1)]
    text = card_markdown(card_of(members))
    assert "*outlet not given*: 1 article(s)" in text and "no publication date: 1 article(s)" in text
    assert "Coast Times: 1 article(s), no publication date" in text and "unknown outlet" not in text
